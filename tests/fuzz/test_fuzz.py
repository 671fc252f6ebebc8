"""The fuzz harness in the suite: the corpus replayed, a short campaign, and
one regression test for each crash or broken invariant it found in ``dsl/``,
asserting what the user sees."""

from __future__ import annotations

import os
import random

import pytest

from dsl.diagnostics import Sources, render
from dsl.format import format_source
from dsl.load import load_contract, load_scenario, read_source
from dsl.parse import parse_text
from tests import ROOT
from tests.fuzz import campaign, deep, generate
from tests.fuzz.invariants import check_text, editor_lines

SC = str(ROOT / "examples" / "scenarios" / "x.scenario")


def test_the_corpus_breaks_no_invariant() -> None:
    assert [(p.name, f.site) for p, f in campaign.replay()] == []


def test_a_short_campaign_finds_nothing() -> None:
    report = campaign.run(seed=7, inputs=1500, mode="mixed")
    assert report.inputs == 1500
    assert dict(report.sites) == {}, report.examples


def test_odd_but_valid_contracts_verify_report_and_simulate() -> None:
    # moved to the calendar's ends: dates past 9999-12-31 used to be a traceback
    n, found = deep.run(seed=3, inputs=8, progress=False)
    assert n == 8
    assert [(i, f.site, f.detail) for i, f, _ in found] == []


def test_the_deep_generator_moves_a_contract_to_the_calendars_end() -> None:
    rng = random.Random(0)
    texts = [deep.contract_text(rng) for _ in range(20)]
    assert any("horizon 9999-12-31" in t for t in texts)
    assert any("effective 0001-01-01" in t for t in texts)


def test_the_generator_mostly_writes_files_that_parse() -> None:
    rng = random.Random(3)
    texts = [generate.contract_text(rng, wild=0.0) for _ in range(60)]
    ok = sum(1 for t in texts if parse_text(t)[0] is not None)
    assert ok >= 30, ok


# ----------------------------------------------------------------- the sites found


def _scenario_for(path: str) -> str:
    return f'scenario "s" for "{path}"\n'


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        ("a/" * 2100 + "b.contract", "wrong-file-kind", "is not a contract file"),
        ("no\x00such.contract", "file-not-found", "the contract this file names does not exist"),
        ("/dev/zero", "wrong-file-kind", "/dev/zero is not a contract file"),
        (".", "wrong-file-kind", "is not a contract file"),
    ],
)
def test_an_unusable_for_path_is_a_diagnostic(path: str, code: str, message: str) -> None:
    sc, c, diags = load_scenario(SC, Sources(), text=_scenario_for(path))
    assert sc is None and c is None
    assert [d.code for d in diags] == [code]
    assert message in diags[0].message
    assert (diags[0].span.line, diags[0].span.col) == (1, 1)


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        ("a/" * 2100 + "b.contract", "not-a-file", "File name too long"),
        (
            "no\x00such.contract",
            "file-not-found",
            "a file name cannot hold a NUL character: no\\x00such.contract",
        ),
        ("/dev/zero", "not-a-file", "/dev/zero is not a regular file (a device, a pipe or a socket)"),
        (".", "not-a-file", ". is not a regular file"),
    ],
)
def test_an_unusable_path_read_directly_is_a_diagnostic(path: str, code: str, message: str) -> None:
    text, diags = read_source(path, Sources())
    assert text is None and [d.code for d in diags] == [code]
    assert message in diags[0].message


def test_an_unreadable_file_is_a_diagnostic(tmp_path: pytest.TempPathFactory) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file: the unreadable case needs an ordinary user")
    p = tmp_path / "x.contract"  # type: ignore[operator]
    p.write_text('contract "x" effective 2024-01-01\n')
    p.chmod(0)
    text, diags = read_source(str(p), Sources())
    assert text is None and diags[0].code == "not-a-file" and "Permission denied" in diags[0].message


HEAD = 'contract "x" effective 2024-01-01 horizon 2025-01-01\nparty A\n'


def test_a_number_of_4301_digits_is_a_diagnostic_not_a_valueerror() -> None:
    for lit in ["9" * 4301, "$" + "9" * 4301, "9" * 4301 + "%", "9" * 4301 + " days"]:
        _, diags = parse_text(HEAD + f'check "c": possible {lit} == {lit}\n', "f.contract")
        assert [d.code for d in diags] == ["literal-too-large", "literal-too-large"]
        assert diags[0].message == "this number has 4301 digits; the limit is 100"


def test_a_money_amount_within_the_digit_limit_still_formats() -> None:
    out, diags = format_source(HEAD + "fact F: money = $" + "9" * 100 + "T\n")
    assert out is not None and "9" * 100 in out


def test_lone_cr_line_endings_place_diagnostics_as_an_editor_does() -> None:
    text = HEAD.replace("\n", "\r") + "party\r"
    sources = Sources()
    loaded = load_contract("f.contract", sources, text=text)
    (d,) = loaded.diagnostics
    assert (d.code, d.span.line, d.span.col) == ("syntax-unexpected-end", 3, 6)
    assert d.span.line <= len(editor_lines(text))
    assert render(d, sources).splitlines()[1:3] == ["   3 | party", "     |      ^"]


@pytest.mark.parametrize("nl", ["\n", "\r\n", "\r"])
def test_positions_are_the_same_with_every_line_ending_and_a_bom(nl: str) -> None:
    text = "\ufeff" + (HEAD + "party B\n§1 T\n  A may Pay\n").replace("\n", nl)
    loaded = load_contract("f.contract", Sources(), text=text)
    got = sorted((d.code, d.span.line, d.span.col) for d in loaded.diagnostics)
    assert ("undefined-name", 5, 9) in got, got


def test_fmt_reads_a_bom_and_cr_line_endings() -> None:
    text, _ = read_source("f.contract", Sources(), "\ufeff" + HEAD.replace("\n", "\r") + "# end\r")
    assert text is not None
    out, diags = format_source(text)
    assert out == 'contract "x"\n  effective 2024-01-01\n  horizon 2025-01-01\n\nparty A\n\n# end\n'


def test_a_second_bom_is_a_character_not_a_mark() -> None:
    # one byte order mark is the file's; the loader, the parser and fmt's
    # token pass used to drop one each, so three of them got as far as fmt
    text = "\ufeff\ufeff" + HEAD
    loaded = load_contract("f.contract", Sources(), text=text)
    assert [(d.code, d.span.line, d.span.col) for d in loaded.diagnostics] == [
        ("syntax-unexpected-char", 1, 1)
    ]
    assert check_text("\ufeff\ufeff\ufeff" + HEAD) == []


def test_an_exception_chain_of_490_levels_checks() -> None:
    g = generate.Gen(random.Random(0))
    toks = ["contract", '"c"', "effective", "2024-01-01", "party", "Alice", "event", "Pay", "by", "Alice"]
    toks += ["§1 Level 0", "\n", "Alice", "may", "Pay"]
    ident = "1"
    for i in range(1, 490):
        parent, ident = ident, ident + ".1"
        toks += [f"§{ident} Level {i}", "\n", "exception", "to", "§" + parent, "Alice", "may", "Pay"]
    text = g.lay_out(toks)
    assert check_text(text) == []
