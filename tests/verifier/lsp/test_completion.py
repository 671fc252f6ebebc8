"""Completion by context (``verifier.lsp.complete``), on the seed contract and on
half-written lines: what a drafter is offered where the cursor is."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("lsprotocol")

from lsprotocol import types  # noqa: E402

from tests import ROOT  # noqa: E402

SEED = ROOT / "contracts" / "openai_microsoft.contract"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def offered(text: str, marker: str = "‸", path: Path = SEED) -> list[str]:
    """The labels offered at ``marker`` in ``text`` (the marker removed)."""
    from verifier.lsp.complete import completion
    from verifier.lsp.features import Document, Index

    before, _, after = text.partition(marker)
    lines = before.split("\n")
    doc = Document(path.resolve().as_uri(), before + after)
    got = completion(
        Index(doc, lambda p: None), types.Position(line=len(lines) - 1, character=len(lines[-1]))
    )
    return [i.label for i in got.items]


def added(line: str) -> str:
    return SEED_TEXT + "\n" + line


def test_after_a_section_sign_and_exception_to_only_clause_ids() -> None:
    clauses = ["§1", "§2", "§2.1", "§3", "§7", "§7.1", "§9"]
    assert offered(added("§9 New\n  exception to §‸")) == clauses
    assert offered(added("§9 New\n  exception to ‸")) == clauses
    assert offered(added("§9 New\n  prevailing over §2‸")) == clauses


def test_after_by_the_parties_and_their_bodies() -> None:
    assert offered(added("check x:\n  possible DeclareAGI by ‸")) == [
        "OpenAI",
        "Microsoft",
        "OpenAI.Board",
        "anyone",
    ]
    assert offered(added("check x:\n  possible DeclareAGI by OpenAI.‸")) == ["Board"]


def test_inside_an_events_parentheses_its_arguments_then_the_values_of_their_type() -> None:
    assert offered(added("check x:\n  possible BuyCompute(‸")) == ["from", "amount", "software"]
    assert offered(added("check x:\n  possible BuyCompute(from: Oracle, ‸")) == ["from", "amount", "software"]
    assert offered(added("check x:\n  possible BuyCompute(from: ‸")) == ["Microsoft", "Oracle", "OtherCloud"]
    assert offered(added("check x:\n  possible BuyCompute(from: Oracle, amount <= ‸")) == [
        "FundingRound",
        "ExpectedSpend2024",
        "ExpectedSpend2029",
    ]
    # the word being typed does not hide the context
    assert offered(added("check x:\n  possible BuyCompute(from: Or‸")) == [
        "Microsoft",
        "Oracle",
        "OtherCloud",
    ]


def test_after_within_the_duration_facts() -> None:
    text = SEED_TEXT.replace("party Microsoft\n", 'party Microsoft\nfact Window: duration = 90 days "w"\n')
    assert offered(text + "\n§9 New\n  when Invest by Microsoft:\n    OpenAI must DeclareAGI within ‸") == [
        "Window"
    ]


def test_at_the_start_of_a_line_the_words_that_start_an_item() -> None:
    got = offered(added("‸"))
    assert got[:7] == ["check", "event", "fact", "kind", "party", "state", "contract"]
    assert "§2.1" in got and "BuyCompute" not in got


def test_elsewhere_every_name_and_keyword() -> None:
    got = offered(added("check x:\n  possible ‸"))
    assert {"BuyCompute", "OtherCloud", "MicrosoftAccess", "§2.1", "possible", "breach"} <= set(got)


def test_in_a_scenario_the_contracts_events_after_a_date(tmp_path: Path) -> None:
    path = ROOT / "examples" / "scenarios" / "new.scenario"
    head = 'scenario "t"\n  for "../../contracts/openai_microsoft.contract"\n\n'
    events = ["Invest", "BuyCompute", "RequestCompute", "SupplyCompute", "DeclareAGI"]
    assert offered(head + "2025-01-01 ‸", path=path) == events
    assert offered(head + "2025-01-01 BuyCompute(from: ‸", path=path) == ["Microsoft", "Oracle", "OtherCloud"]
    assert offered(head + "2025-01-01 DeclareAGI by ‸", path=path) == [
        "OpenAI",
        "Microsoft",
        "OpenAI.Board",
        "anyone",
    ]
    assert offered(head + "‸", path=path) == ["fact"]
