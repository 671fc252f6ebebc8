"""The HTML report's source listing, coloured by the ``whereas`` Pygments lexer
(``verifier.report.highlight``), found through its entry point."""

from __future__ import annotations

import pytest

pytest.importorskip("pygments")

from tests import ROOT  # noqa: E402
from verifier.report.highlight import lines_html  # noqa: E402

SEED = ROOT / "contracts" / "openai_microsoft.contract"


def test_the_seeds_lines_are_coloured_and_escaped_line_for_line() -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    got = lines_html(lines)
    assert got is not None and len(got) == len(lines)
    at = {line: k for k, line in enumerate(lines)}
    waiver = got[at["§2.1 Oracle waiver [F4]"]]
    assert waiver == '<span class="nl">§2.1</span><span class="gh"> Oracle waiver [F4]</span>'
    may = got[at["  OpenAI may BuyCompute(from: Oracle, amount <= $10B, software: Microsoft)"]]
    assert may == (
        '  OpenAI <span class="k">may</span> BuyCompute(from: Oracle, amount &lt;= '
        '<span class="m">$10B</span>, software: Microsoft)'
    )  # `from` is an argument here, not the keyword
    # a quotation over two lines is coloured on both
    first = next(k for k, line in enumerate(lines) if line.endswith("a contract of about"))
    assert got[first].endswith(
        '<span class="s2">"In June Microsoft agreed to an exception letting OpenAI sign a contract of about</span>'
    )
    assert got[first + 1].startswith('<span class="s2">        US$10B with Oracle')


def test_the_report_shows_the_coloured_listing() -> None:
    html = (ROOT / "tests" / "golden" / "reports" / "seed.html").read_text(encoding="utf-8")
    assert '<span class="ln">36</span><span class="nl">§2.1</span>' in html
    assert "pre.source .nl {" in html
