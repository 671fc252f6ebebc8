"""``dsl.scenario.scenario_source``: a concrete scenario written back as a scenario
file, and a scenario file that names an amendment (the contract as amended)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.diagnostics import Sources
from dsl.format import format_source
from dsl.load import load_contract, load_scenario
from dsl.scenario import Scenario, scenario_source
from tests import ROOT

SCENARIOS = sorted((ROOT / "examples" / "scenarios").glob("*.scenario"))
CONTRACTS = sorted((ROOT / "contracts").glob("*.contract"))


def events(sc: Scenario) -> list[tuple[object, ...]]:
    return [(o.day, o.event, o.actor, o.args) for o in sc.events]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_written_back_reads_the_same(path: Path, tmp_path: Path) -> None:
    sc, c, diags = load_scenario(str(path), Sources())
    assert sc is not None and c is not None, diags
    text = scenario_source(sc, c, c.file)
    again = tmp_path / path.name
    again.write_text(text, encoding="utf-8")
    sc2, _, diags2 = load_scenario(str(again), Sources())
    assert sc2 is not None, diags2
    assert (sc2.title, sc2.facts, events(sc2)) == (sc.title, sc.facts, events(sc))
    assert format_source(text, str(again)) == (text, [])  # in fmt's layout


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.stem)
def test_every_witness_of_the_shipped_contracts_is_a_scenario_file(path: Path, tmp_path: Path) -> None:
    """Open facts, same-day events in their order, every kind of argument: what the
    solver finds, written as a file, reads back as the scenario it found."""
    from verifier.verify.run import verify_contract

    c = load_contract(str(path), Sources()).contract
    assert c is not None
    witnesses = [r for r in verify_contract(c, analyses=False).results if r.scenario is not None]
    assert witnesses
    for r in witnesses:
        assert r.scenario is not None
        f = tmp_path / f"{r.id}.scenario"
        f.write_text(
            scenario_source(r.scenario, c, str(path.resolve()), f"witness of {r.id}"), encoding="utf-8"
        )
        sc, _, diags = load_scenario(str(f), Sources())
        assert sc is not None, (r.id, [d.message for d in diags])
        assert (sc.facts, events(sc)) == (r.scenario.facts, events(r.scenario)), r.id


def test_a_title_with_quotes_and_a_line_break_stays_one_line(tmp_path: Path) -> None:
    sc, c, _ = load_scenario(str(SCENARIOS[0]), Sources())
    assert sc is not None and c is not None
    text = scenario_source(sc, c, c.file, 'the "board"\nsays so')
    assert text.split("\n")[0] == r'scenario "the \"board\"\nsays so"'


def test_a_scenario_may_name_an_amendment_and_runs_on_the_contract_as_amended(tmp_path: Path) -> None:
    amendment = ROOT / "examples" / "amendments" / "oracle_cap_5b.amendment"
    f = tmp_path / "t.scenario"
    f.write_text(
        f'scenario "t"\n  for "{amendment}"\n\n'
        "2024-06-01 BuyCompute(from: Oracle, amount: $10B, software: Microsoft) by OpenAI\n",
        encoding="utf-8",
    )
    sc, c, diags = load_scenario(str(f), Sources())
    assert sc is not None and c is not None, diags
    waiver = c.clauses["§2.1"]
    assert "US$5B" in " ".join(waiver.text)  # the amended waiver, not the contract's
    # a scenario cannot name another scenario
    g = tmp_path / "u.scenario"
    g.write_text(f'scenario "u"\n  for "{f}"\n', encoding="utf-8")
    sc, c, diags = load_scenario(str(g), Sources())
    assert sc is None and [d.message for d in diags] == [f"{f} is not a contract file"]
