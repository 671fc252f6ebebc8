"""``dsl.chunks``: a big contract parsed a run of items at a time gives what the whole
parse gives (nodes, spans, diagnostics), on shipped, generated and random contracts,
after edits, and where a cut falls inside an item; and an edit parses again only the
run it touched."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsl import chunks
from dsl.parse import parse_text
from dsl.syntax import Clause, ContractFile, Span
from tests import ROOT, randomcontracts

sys.path.insert(0, str(ROOT / "bench"))
from gen_contract import generate  # type: ignore[import-not-found]  # noqa: E402
from gen_interacting import generate as generate_interacting  # type: ignore[import-not-found]  # noqa: E402

SHIPPED = sorted((ROOT / "contracts").glob("*.contract"))
BIG = generate(150, 15)
KNOTTED = generate_interacting(200, 10)


def spans(x: object) -> list[tuple[str, object]]:
    """Every span in a parse, with its node's type (nodes compare equal without them)."""
    out: list[tuple[str, object]] = []
    if isinstance(x, (list, tuple)):
        for y in x:
            out += spans(y)
    elif attrs.has(type(x)):
        for f in attrs.fields(type(x)):  # type: ignore[arg-type]
            v = getattr(x, f.name)
            if isinstance(v, Span):
                out.append((type(x).__name__, v))
            else:
                out += spans(v)
    return out


def same(text: str, file: str = "t.contract") -> None:
    whole = parse_text(text, file, chunked=False)
    chunks.KEPT.clear()
    cold = parse_text(text, file, chunked=True)
    warm = parse_text(text, file, chunked=True)
    assert cold == whole
    assert warm == whole
    assert spans(cold) == spans(whole)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_contract_parses_the_same_in_runs(path: Path) -> None:
    same(path.read_text(encoding="utf-8"), str(path))


def test_generated_contracts_parse_the_same_in_runs() -> None:
    same(KNOTTED)
    same(BIG)
    got = chunks.parse(
        BIG, "t.contract", lambda *a: pytest.fail("kept runs are not parsed again"), chunks.KEPT
    )
    assert got is not None


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=0, max_value=2**31))
def test_random_contracts_parse_the_same_in_runs(seed: int) -> None:
    text = randomcontracts.generate(random.Random(seed))
    same(text * 1 + "\n".join(text.split("\n")[9:]))  # the clauses twice: runs of several items


@settings(max_examples=20, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**9), st.sampled_from(["", " ", "\n", "x", "\n\n  ", "§", "check"])
)
def test_any_edit_parses_the_same_in_runs(at: int, inserted: str) -> None:
    """A character, a line, a stray word inserted anywhere: the runs kept from before
    the edit never give another answer than the whole parse of the edited text."""
    parse_text(BIG, "t.contract", chunked=True)  # runs of the text before the edit are kept
    i = at % len(BIG)
    edited = BIG[:i] + inserted + BIG[i:]
    got, whole = (
        parse_text(edited, "t.contract", chunked=True),
        parse_text(edited, "t.contract", chunked=False),
    )
    assert got == whole and spans(got) == spans(whole)


def test_a_cut_inside_an_item_falls_back_to_the_whole_parse() -> None:
    head = BIG.split("\n§", 1)[0]
    # a quotation whose next line starts with `check`, a clause reference at a line's start
    text = (
        head
        + '\n\n§90 Quoted\n  text "the words\ncheck this: not an item"\n  Alpha may Order\n'
        + "\n" * 50
        + "§91 Referring\n  exception to\n§90\n  Alpha may Order\n"
    )
    node, diags = parse_text(text, "t.contract", chunked=False)
    assert diags == [] and isinstance(node, ContractFile)
    quoted = [x for x in node.items if isinstance(x, Clause) and x.title == "Quoted"]
    assert quoted and "check this" in quoted[0].text[0]  # the quotation's line stays in it
    same(text)


def test_syntax_and_literal_errors_are_the_whole_parses() -> None:
    broken = BIG.replace("must ", "must must ", 1)
    whole = parse_text(broken, "t.contract", chunked=False)
    assert whole[0] is None and whole[1]
    same(broken)
    head, rest = BIG.split("\n§", 1)
    bad_date = head + "\n§" + rest.replace("2026-07-15", "2026-02-30")  # in a run, not the header
    assert parse_text(bad_date, "t.contract", chunked=False)[1]
    same(bad_date)


def test_crlf_and_a_scenario_are_read_as_the_whole_parse_reads_them() -> None:
    same(BIG.replace("\n", "\r\n"))
    scenario = (ROOT / "examples" / "scenarios" / "oracle_12b.scenario").read_text(encoding="utf-8")
    assert (
        chunks.parse(scenario, "s.scenario", lambda *a: pytest.fail("not a contract"), chunks.Kept()) is None
    )
