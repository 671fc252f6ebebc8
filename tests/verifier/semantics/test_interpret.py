"""The reference semantics (verifier.semantics.interpret), one test per construct of
docs/semantics.md, each on a tiny inline contract and scenario with hand-computed
timelines; then the seed scenarios with their expected breaches; then
Hypothesis invariants on random scenarios over the seed contract.

The contracts here run from 2024-01-01 to 2024-12-31 unless they say otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.load import check_node, load_contract, load_scenario
from dsl.parse import parse_text
from dsl.scenario import Occurrence, Scenario
from dsl.syntax import ContractFile, Money
from tests import ROOT
from verifier.semantics.interpret import Conflict, MissingFact, Timeline, check_holds_on, simulate

SEED = ROOT / "contracts" / "openai_microsoft.contract"
SCENARIOS = ROOT / "examples" / "scenarios"
HEAD = 'contract "T" effective 2024-01-01 horizon 2024-12-31\n'


def D(iso: str) -> int:
    return dt.date.fromisoformat(iso).toordinal()


def iso(day: int) -> str:
    return m.date_of(day).isoformat()


def write(tmp_path: Path, contract: str, scenario: str, head: str = HEAD) -> Path:
    (tmp_path / "t.contract").write_text(head + textwrap.dedent(contract), encoding="utf-8")
    sp = tmp_path / "s.scenario"
    sp.write_text('scenario "S" for "t.contract"\n' + textwrap.dedent(scenario), encoding="utf-8")
    return sp


def load(tmp_path: Path, contract: str, scenario: str, head: str = HEAD) -> tuple[m.Contract, Scenario]:
    sp = write(tmp_path, contract, scenario, head)
    sources = Sources()
    sc, c, diags = load_scenario(str(sp), sources)
    errors = [f"{d.span}: {d.code}: {d.message}" for d in diags if d.is_error]
    assert not errors, errors
    assert sc is not None and c is not None
    return c, sc


def run(tmp_path: Path, contract: str, scenario: str, head: str = HEAD) -> Timeline:
    c, sc = load(tmp_path, contract, scenario, head)
    return simulate(c, sc)


def viol(tl: Timeline) -> list[tuple[str, str, str, str, str]]:
    """(clause, root, party, day, kind) of every violation, in the timeline's order."""
    return [(v.clause, v.root, v.party, iso(v.day), v.kind) for v in tl.violations]


def checks(tl: Timeline) -> dict[str, tuple[bool, bool]]:
    return {ch.id: check_holds_on(tl, ch) for ch in tl.contract.checks}


# ===================================================================== time


def test_default_horizon_is_ten_years_after_the_effective_date(tmp_path: Path) -> None:
    p = tmp_path / "t.contract"
    p.write_text('contract "T" effective 2024-01-01\nparty A\nevent Do by A\n§1 X\n  A must not Do\n')
    loaded = load_contract(str(p), Sources())
    assert loaded.contract is not None
    assert iso(loaded.contract.horizon) == "2034-01-01"
    assert [d.code for d in loaded.diagnostics] == ["no-horizon"]


@pytest.mark.parametrize("date", ["2023-12-31", "2025-01-01"])
def test_scenario_dates_outside_the_period_are_rejected(tmp_path: Path, date: str) -> None:
    sp = write(tmp_path, "party A\nevent Do by A\n§1 X\n  A must not Do\n", f"{date} Do by A\n")
    sc, _, diags = load_scenario(str(sp), Sources())
    assert sc is None
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("out-of-period", 2, 1)]


def test_the_first_and_last_day_of_the_period_are_inside(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        "party A\nevent Do by A\n§1 X\n  A must not Do\n",
        "2024-01-01 Do by A\n2024-12-31 Do by A\n",
    )
    assert viol(tl) == [
        ("§1", "§1", "A", "2024-01-01", "prohibition"),
        ("§1", "§1", "A", "2024-12-31", "prohibition"),
    ]


# ===================================================================== scenarios

SAME_DAY = """\
party A
event Stop by A
event Do by A
state S holds from effective
§1 Stopping
  Stop ends S
§2 No doing while S
  while S
  A must not Do
"""


def test_events_are_sorted_by_date_and_same_day_events_kept_as_written(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        "party A\nevent E(n: int) by A\n§1 X\n  A may E\n",
        "2024-03-02 E(n: 1) by A\n2024-03-01 E(n: 2) by A\n2024-03-02 E(n: 3) by A\n",
    )
    assert [(iso(r.occ.day), r.occ.arg("n")) for r in tl.events] == [
        ("2024-03-01", 2),
        ("2024-03-02", 1),
        ("2024-03-02", 3),
    ]


@pytest.mark.parametrize(
    "order", ["2024-03-01 Stop by A\n2024-03-01 Do by A\n", "2024-03-01 Do by A\n2024-03-01 Stop by A\n"]
)
def test_all_events_of_one_day_see_the_same_states(tmp_path: Path, order: str) -> None:
    tl = run(tmp_path, SAME_DAY, order)
    # Stop's effect counts from 03-02, so Do on 03-01 still sees S, whatever the written order
    assert viol(tl) == [("§2", "§2", "A", "2024-03-01", "prohibition")]
    assert tl.holds("S", D("2024-03-01")) and not tl.holds("S", D("2024-03-02"))


def test_the_next_day_sees_the_change(tmp_path: Path) -> None:
    tl = run(tmp_path, SAME_DAY, "2024-03-01 Stop by A\n2024-03-02 Do by A\n")
    assert viol(tl) == []
    assert [r.decisions for r in tl.events] == [(), ()]  # §2 does not apply: S has ended


# ===================================================================== powers

POWER = """\
party A with body Board
party B
event Declare by anyone
state S holds from effective
§1 Declaring
  Declare ends S
§2 Who decides
  {holder} has power to Declare
"""


@pytest.mark.parametrize(
    ("holder", "actor", "effective"),
    [
        ("A", "A", True),
        ("A", "A.Board", True),  # a party's power covers its bodies' acts
        ("A", "B", False),
        ("A.Board", "A.Board", True),
        ("A.Board", "A", False),  # a body's power covers only the body
        ("A.Board", "B", False),
    ],
)
def test_powers_and_who_they_cover(tmp_path: Path, holder: str, actor: str, effective: bool) -> None:
    tl = run(tmp_path, POWER.format(holder=holder), f"2024-03-01 Declare by {actor}\n")
    (r,) = tl.events
    assert (r.effective, r.power) == (effective, "§2" if effective else None)
    assert tl.holds("S", D("2024-03-01"))
    assert tl.holds("S", D("2024-03-02")) is not effective


def test_an_event_no_power_mentions_is_always_effective(tmp_path: Path) -> None:
    tl = run(tmp_path, SAME_DAY, "2024-03-01 Stop by A\n")
    assert [(r.effective, r.power) for r in tl.events] == [(True, None)]


def test_a_power_applies_only_within_its_guards_and_condition(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        """\
        party A
        event Declare(level: int) by A
        state S holds from effective
        §1 Declaring
          Declare ends S
        §2 Who decides
          from 2024-06-01
          A has power to Declare(level >= 3)
        """,
        "2024-05-31 Declare(level: 5) by A\n2024-06-01 Declare(level: 2) by A\n2024-06-02 Declare(level: 3) by A\n",
    )
    assert [r.effective for r in tl.events] == [False, False, True]
    assert tl.holds("S", D("2024-06-02")) and not tl.holds("S", D("2024-06-03"))


# ===================================================================== states

GO_STOP = """\
party A
event Go by A
event Stop by A
state S "a state that starts off"
§1 Going
  Go starts S
§2 Stopping
  Stop ends S
"""


def test_state_changes_count_from_the_next_day(tmp_path: Path) -> None:
    tl = run(tmp_path, GO_STOP, "2024-03-01 Go by A\n2024-03-10 Stop by A\n")
    assert [
        tl.holds("S", D(x)) for x in ("2024-02-29", "2024-03-01", "2024-03-02", "2024-03-10", "2024-03-11")
    ] == [
        False,
        False,
        True,
        True,
        False,
    ]
    assert [(iso(e.day), e.state, e.start, e.cause) for e in tl.effects] == [
        ("2024-03-02", "S", True, "Go (§1)"),
        ("2024-03-11", "S", False, "Stop (§2)"),
    ]


def test_an_end_beats_a_start_on_the_same_day(tmp_path: Path) -> None:
    tl = run(tmp_path, GO_STOP, "2024-03-01 Go by A\n2024-03-01 Stop by A\n")
    assert not tl.holds("S", D("2024-03-02"))
    tl = run(
        tmp_path,
        GO_STOP,
        "2024-02-01 Go by A\n2024-03-01 Stop by A\n2024-03-01 Go by A\n2024-03-05 Go by A\n",
    )
    assert tl.holds("S", D("2024-03-01"))
    assert not tl.holds("S", D("2024-03-02"))
    assert not tl.holds("S", D("2024-03-05"))
    assert tl.holds("S", D("2024-03-06"))  # restarted


def test_a_state_holds_from_its_start_date_through_its_until_date(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        """\
        party A
        event Do by A
        state S holds from 2024-03-01 until 2024-06-30
        §1 X
          while S
          A must not Do
        """,
        "2024-02-29 Do by A\n2024-03-01 Do by A\n2024-06-30 Do by A\n2024-07-01 Do by A\n",
    )
    assert [tl.holds("S", D(x)) for x in ("2024-02-29", "2024-03-01", "2024-06-30", "2024-07-01")] == [
        False,
        True,
        True,
        False,
    ]
    assert [v[3] for v in viol(tl)] == ["2024-03-01", "2024-06-30"]


def test_a_state_declared_with_events(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        """\
        party A
        event Go by A
        event Stop by A
        event Do by A
        state S holds from Go until Stop
        §1 X
          while S
          A must not Do
        """,
        "2024-03-01 Go by A\n2024-03-05 Stop by A\n",
    )
    assert [tl.holds("S", D(x)) for x in ("2024-03-01", "2024-03-02", "2024-03-05", "2024-03-06")] == [
        False,
        True,
        True,
        False,
    ]
    assert [e.cause for e in tl.effects] == ["Go (state S)", "Stop (state S)"]


# ===================================================================== termination

TERMINATION = """\
party A
party B
event Quit by A
event Do by A
event Leak by A
event Declare by anyone
state S holds from effective
§1 Exit
  Quit ends the contract
§2 No doing
  A must not Do
§3 Confidentiality
  survives termination
  A must not Leak
§4 Who decides
  A has power to Declare
§5 Declaring
  survives termination
  Declare ends S
"""


def test_termination_counts_from_the_next_day_and_spares_surviving_clauses(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        TERMINATION,
        "2024-03-01 Quit by A\n2024-03-01 Do by A\n2024-03-02 Do by A\n2024-03-02 Leak by A\n2024-03-02 Declare by A\n",
    )
    assert tl.in_force(D("2024-03-01")) and not tl.in_force(D("2024-03-02"))
    assert not tl.in_force(D("2023-12-31"))  # before the effective date
    assert viol(tl) == [
        ("§2", "§2", "A", "2024-03-01", "prohibition"),  # still in force on the day of Quit
        ("§3", "§3", "A", "2024-03-02", "prohibition"),  # §3 survives; §2 does not
    ]
    # the power in §4 does not survive: the declaration is ineffective
    assert [r.effective for r in tl.events] == [True, True, True, True, False]
    assert tl.holds("S", D("2024-12-31"))
    assert [(iso(e.day), e.state, e.start) for e in tl.effects] == [("2024-03-02", None, False)]


def test_state_declarations_act_after_termination(tmp_path: Path) -> None:
    # A state's own `from E` / `until E` is not a clause: it does not need the contract in force.
    tl = run(
        tmp_path,
        """\
        party A
        event Quit by A
        event Stop by A
        event Do by A
        state S holds from effective until Stop
        §1 Exit
          Quit ends the contract
        §2 X
          survives termination
          while S
          A must not Do
        """,
        "2024-03-01 Quit by A\n2024-03-05 Stop by A\n",
    )
    assert not tl.in_force(D("2024-03-05"))
    assert tl.holds("S", D("2024-03-05")) and not tl.holds("S", D("2024-03-06"))


# ===================================================================== guards


def test_guards_from_and_until_dates(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        """\
        party A
        event Do by A
        §1 X
          from 2024-03-01
          until 2024-05-31
          A must not Do
        """,
        "2024-02-29 Do by A\n2024-03-01 Do by A\n2024-05-31 Do by A\n2024-06-01 Do by A\n",
    )
    assert [v[3] for v in viol(tl)] == ["2024-03-01", "2024-05-31"]


def test_guard_until_an_effective_event(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        """\
        party A
        party B
        event Release by anyone
        event Do by A
        §1 X
          until Release
          A must not Do
        §2 Who releases
          B has power to Release
        """,
        # A's release is ineffective and changes nothing; B's counts from the next day
        "2024-02-01 Release by A\n2024-02-02 Do by A\n2024-03-01 Release by B\n2024-03-01 Do by A\n2024-03-02 Do by A\n",
    )
    assert [v[3] for v in viol(tl)] == ["2024-02-02", "2024-03-01"]


# ===================================================================== prohibitions and exception trees

TREE = """\
party A with body Board
party M
kind P = M1 | O | X
event Buy(from: P, amount: money) by A or A.Board
§2 Exclusive
  A must not Buy(from: p) where p != M1
§2.1 Waiver
  exception to §2
  A may Buy(from: O, amount <= $10)
§2.1.1 Cap within the waiver
  exception to §2.1
  A must not Buy(amount > $5)
"""


def test_the_most_specific_applicable_clause_decides(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        TREE,
        """\
        2024-03-01 Buy(from: O, amount: $3) by A
        2024-03-02 Buy(from: O, amount: $7) by A
        2024-03-03 Buy(from: O, amount: $12) by A
        2024-03-04 Buy(from: M1, amount: $100) by A
        2024-03-05 Buy(from: X, amount: $1) by A.Board
        """,
    )
    assert [r.decisions for r in tl.events] == [
        (("§2", "§2.1", "permitted"),),
        (("§2", "§2.1.1", "forbidden"),),
        (("§2", "§2", "forbidden"),),
        (),  # §2 does not apply to a purchase from M1, so neither do its exceptions
        (("§2", "§2", "forbidden"),),
    ]
    assert viol(tl) == [
        ("§2.1.1", "§2", "A", "2024-03-02", "prohibition"),
        ("§2", "§2", "A", "2024-03-03", "prohibition"),
        ("§2", "§2", "A", "2024-03-05", "prohibition"),  # a body's act, the party's breach
    ]
    assert tl.violations[0].message == "Buy is forbidden by §2.1.1, an exception within §2"
    assert (
        tl.violations[1].message == "Buy is forbidden by §2; §2.1 does not cover it: amount $12 is above $10"
    )
    assert tl.violations[1].why == "§2.1 does not cover it: amount $12 is above $10"
    # from X: the waiver is about purchases from O
    assert tl.violations[2].message == "Buy is forbidden by §2; §2.1 does not cover it: from is X, not O"


def test_an_exception_operates_only_where_the_clause_it_excepts_applies(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        """\
        party A
        kind P = M1 | O
        event Buy(from: P) by A
        §2 Exclusive
          from 2024-06-01
          A must not Buy
        §2.1 Waiver
          exception to §2
          A may Buy(from: O)
        """,
        "2024-05-01 Buy(from: O) by A\n2024-06-01 Buy(from: O) by A\n2024-06-01 Buy(from: M1) by A\n",
    )
    assert [r.decisions for r in tl.events] == [
        (),
        (("§2", "§2.1", "permitted"),),
        (("§2", "§2", "forbidden"),),
    ]


def test_an_exception_not_yet_in_effect_leaves_the_clause_to_decide(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        """\
        party A
        kind P = M1 | O
        event Buy(from: P) by A
        §2 Exclusive
          A must not Buy
        §2.1 Waiver
          exception to §2
          from 2024-06-01
          A may Buy(from: O)
        """,
        "2024-05-31 Buy(from: O) by A\n2024-06-01 Buy(from: O) by A\n",
    )
    assert viol(tl) == [("§2", "§2", "A", "2024-05-31", "prohibition")]


def test_a_permission_alone_permits(tmp_path: Path) -> None:
    tl = run(tmp_path, "party A\nevent Do by A\n§1 X\n  A may Do\n", "2024-03-01 Do by A\n")
    assert tl.events[0].decisions == (("§1", "§1", "permitted"),)
    assert viol(tl) == []


def test_a_body_s_prohibition_does_not_bind_the_party(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        "party A with body Board\nevent Do by A or A.Board\n§1 X\n  A.Board must not Do\n",
        "2024-03-01 Do by A\n2024-03-02 Do by A.Board\n",
    )
    assert [r.decisions for r in tl.events] == [(), (("§1", "§1", "forbidden"),)]
    assert viol(tl) == [("§1", "§1", "A", "2024-03-02", "prohibition")]


SIBLINGS = """\
party A
kind P = O | X
event Buy(from: P, amount: money) by A
§2 No buying
  A must not Buy
§2.1 From O
  exception to §2
  A may Buy(from: O)
§2.2 Nothing big
  exception to §2{prio}
  A {modality} Buy(amount > $10)
"""


def test_disagreeing_exceptions_are_a_conflict_not_a_violation(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        SIBLINGS.format(prio="", modality="must not"),
        """\
        2024-03-01 Buy(from: O, amount: $20) by A
        2024-03-02 Buy(from: O, amount: $5) by A
        2024-03-03 Buy(from: X, amount: $20) by A
        2024-03-04 Buy(from: X, amount: $5) by A
        """,
    )
    assert [r.decisions for r in tl.events] == [
        (("§2", "§2.1,§2.2", "conflict"),),
        (("§2", "§2.1", "permitted"),),
        (("§2", "§2.2", "forbidden"),),
        (("§2", "§2", "forbidden"),),
    ]
    assert tl.conflicts == [Conflict(D("2024-03-01"), 0, ("§2.1", "§2.2"))]
    assert viol(tl) == [
        ("§2.2", "§2", "A", "2024-03-03", "prohibition"),
        ("§2", "§2", "A", "2024-03-04", "prohibition"),
    ]


def test_prevailing_over_resolves_the_conflict(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        SIBLINGS.format(prio=" prevailing over §2.1", modality="must not"),
        "2024-03-01 Buy(from: O, amount: $20) by A\n",
    )
    assert tl.events[0].decisions == (("§2", "§2.2", "forbidden"),)
    assert tl.conflicts == []
    assert viol(tl) == [("§2.2", "§2", "A", "2024-03-01", "prohibition")]


def test_agreeing_exceptions_are_no_conflict_and_the_first_decides(tmp_path: Path) -> None:
    tl = run(
        tmp_path, SIBLINGS.format(prio="", modality="may"), "2024-03-01 Buy(from: O, amount: $20) by A\n"
    )
    assert tl.events[0].decisions == (("§2", "§2.1", "permitted"),)
    assert tl.conflicts == [] and viol(tl) == []


def test_a_prohibition_applies_to_an_ineffective_attempt(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        """\
        party A
        party B
        event Declare by anyone
        state S holds from effective
        §1 Power
          B has power to Declare
        §2 Not A
          A must not Declare
        §3 Declaring
          Declare ends S
        """,
        "2024-03-01 Declare by A\n",
    )
    assert tl.events[0].effective is False
    assert viol(tl) == [("§2", "§2", "A", "2024-03-01", "prohibition")]
    assert tl.effects == []


# ===================================================================== obligations

SUPPLY = """\
party A
party B with body Ops
event Ask(amount: money) by A
event Give(amount: money) by B or B.Ops
§3 Supply
  {guard}when Ask(amount: a) by A:
    B must Give(amount >= a) within 10 days
"""


@pytest.mark.parametrize(
    ("scenario", "violations"),
    [
        ("2024-03-01 Ask(amount: $5) by A\n2024-03-01 Give(amount: $5) by B\n", []),  # on the trigger's day
        (
            "2024-03-01 Ask(amount: $5) by A\n2024-03-11 Give(amount: $6) by B\n",
            [],
        ),  # on the window's last day
        ("2024-03-01 Ask(amount: $5) by A\n2024-03-11 Give(amount: $5) by B.Ops\n", []),  # by a body of B
        ("2024-03-01 Ask(amount: $5) by A\n2024-03-12 Give(amount: $5) by B\n", ["2024-03-11"]),  # a day late
        ("2024-03-01 Ask(amount: $5) by A\n2024-02-29 Give(amount: $5) by B\n", ["2024-03-11"]),  # too early
        (
            "2024-03-01 Ask(amount: $5) by A\n2024-03-02 Give(amount: $4) by B\n2024-03-03 Give(amount: $4) by B\n",
            ["2024-03-11"],
        ),  # acts are not summed
        ("2024-12-25 Ask(amount: $5) by A\n", []),  # the window closes after the horizon
    ],
)
def test_an_obligation_within_n_days(tmp_path: Path, scenario: str, violations: list[str]) -> None:
    tl = run(tmp_path, SUPPLY.format(guard=""), scenario)
    assert viol(tl) == [("§3", "§3", "B", d, "obligation") for d in violations]
    if violations:
        assert tl.violations[0].occurrence == next(i for i, r in enumerate(tl.events) if r.occ.event == "Ask")
        due = f"Give by B, amount at least $5, was due by {violations[0]}"
        tried = [r.occ for r in tl.events if r.occ.event == "Give"]
        ask = next(r.occ for r in tl.events if r.occ.event == "Ask")
        if tried[0].day > tl.violations[0].day or tried[0].day < ask.day:
            # outside the window: as if nothing had been done
            assert tl.violations[0].message == f"{due} and did not happen"
        else:
            assert tl.violations[0].message == (
                f"{due}; "
                + "; ".join(
                    f"the Give of {m.date_of(o.day)} does not meet it: amount $4 is below the Ask's amount ($5)"
                    for o in tried
                )
            )


def test_one_act_fulfils_every_obligation_it_matches(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        SUPPLY.format(guard=""),
        "2024-03-01 Ask(amount: $5) by A\n2024-03-02 Ask(amount: $5) by A\n2024-03-03 Give(amount: $5) by B\n",
    )
    assert viol(tl) == []
    assert tl.fulfilled == [("§3", 0, 2), ("§3", 1, 2)]


def test_an_obligation_is_set_off_only_where_its_clause_applies(tmp_path: Path) -> None:
    tl = run(tmp_path, SUPPLY.format(guard="from 2024-04-01\n  "), "2024-03-01 Ask(amount: $5) by A\n")
    assert viol(tl) == []


def test_an_ineffective_act_neither_triggers_nor_fulfils(tmp_path: Path) -> None:
    contract = """\
    party A
    party B
    event Ask by anyone
    event Give by anyone
    §3 Supply
      when Ask: B must Give within 10 days
    §4 Asking
      A has power to Ask
    §5 Giving
      from 2024-03-05
      B has power to Give
    """
    tl = run(tmp_path, contract, "2024-03-01 Ask by B\n")  # B cannot ask
    assert viol(tl) == []
    tl = run(tmp_path, contract, "2024-03-01 Ask by A\n2024-03-02 Give by B\n")  # B's power starts 03-05
    assert [r.effective for r in tl.events] == [True, False]
    assert viol(tl) == [("§3", "§3", "B", "2024-03-11", "obligation")]


def test_an_obligation_before_a_date(tmp_path: Path) -> None:
    contract = """\
    party A
    party B
    event Ask by A
    event Give by B
    §4 Report
      when Ask by A: B must Give before 2024-06-01
    """
    assert viol(run(tmp_path, contract, "2024-03-01 Ask by A\n2024-05-31 Give by B\n")) == []
    assert viol(run(tmp_path, contract, "2024-03-01 Ask by A\n2024-06-01 Give by B\n")) == [
        ("§4", "§4", "B", "2024-05-31", "obligation")
    ]
    # set off on or after its deadline: nothing can be owed
    assert viol(run(tmp_path, contract, "2024-06-01 Ask by A\n")) == []


def test_an_obligation_with_a_fixed_deadline_and_no_trigger(tmp_path: Path) -> None:
    contract = "party B\nevent Give by B\n§5 Deliver\n  B must Give before 2024-06-01\n"
    assert viol(run(tmp_path, contract, "2024-01-01 Give by B\n")) == []
    tl = run(tmp_path, contract, "2024-06-01 Give by B\n")
    assert viol(tl) == [("§5", "§5", "B", "2024-05-31", "obligation")]
    assert tl.violations[0].occurrence is None


def test_an_owed_obligation_stays_owed_after_termination(tmp_path: Path) -> None:
    # What the code does (docs/semantics.md, "Obligations"): once set off, an
    # obligation is closed on its last day whether or not the contract is still in force.
    tl = run(
        tmp_path,
        """\
        party A
        party B
        event Ask by A
        event Give by B
        event Quit by A
        §1 Exit
          Quit ends the contract
        §3 Supply
          when Ask by A: B must Give within 10 days
        """,
        "2024-03-01 Ask by A\n2024-03-02 Quit by A\n",
    )
    assert not tl.in_force(D("2024-03-11"))
    assert viol(tl) == [("§3", "§3", "B", "2024-03-11", "obligation")]


# ===================================================================== contrary-to-duty

CTD = """\
party A
party B
event Ask by A
event Give by B
event Pay by B
state Access holds from effective
§3 Supply
  when Ask by A: B must Give within 10 days
§8 Remedy
  when violation of §3: B must Pay within {n} days
§9 Loss of access
  violation of §3 ends {what}
"""


def test_a_violation_is_a_trigger_and_its_consequences_count_from_the_next_day(tmp_path: Path) -> None:
    tl = run(tmp_path, CTD.format(n=5, what="Access"), "2024-03-01 Ask by A\n2024-03-16 Pay by B\n")
    assert viol(tl) == [("§3", "§3", "B", "2024-03-11", "obligation")]
    assert tl.holds("Access", D("2024-03-11")) and not tl.holds("Access", D("2024-03-12"))
    assert [(iso(e.day), e.state, e.start, e.cause) for e in tl.effects] == [
        ("2024-03-12", "Access", False, "violation of §3 (§9)")
    ]
    assert tl.fulfilled == [("§8", -1, 1)]
    tl = run(tmp_path, CTD.format(n=5, what="Access"), "2024-03-01 Ask by A\n2024-03-17 Pay by B\n")
    assert viol(tl) == [
        ("§3", "§3", "B", "2024-03-11", "obligation"),
        ("§8", "§8", "B", "2024-03-16", "obligation"),
    ]


def test_a_violation_can_set_off_an_obligation_due_the_same_day(tmp_path: Path) -> None:
    tl = run(tmp_path, CTD.format(n=0, what="Access"), "2024-03-01 Ask by A\n")
    assert viol(tl) == [
        ("§3", "§3", "B", "2024-03-11", "obligation"),
        ("§8", "§8", "B", "2024-03-11", "obligation"),
    ]


def test_a_violation_can_end_the_contract(tmp_path: Path) -> None:
    tl = run(tmp_path, CTD.format(n=5, what="the contract"), "2024-03-01 Ask by A\n")
    assert tl.in_force(D("2024-03-11")) and not tl.in_force(D("2024-03-12"))
    # §8 applied on the violation's day, so the remedy is owed and missed, after the end
    assert viol(tl) == [
        ("§3", "§3", "B", "2024-03-11", "obligation"),
        ("§8", "§8", "B", "2024-03-16", "obligation"),
    ]


def test_a_violation_decided_by_an_exception_is_a_violation_of_its_tree(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        TREE + "state Access holds from effective\n§9 Loss of access\n  violation of §2 ends Access\n",
        "2024-03-02 Buy(from: O, amount: $7) by A\n",
    )
    assert viol(tl) == [("§2.1.1", "§2", "A", "2024-03-02", "prohibition")]
    assert not tl.holds("Access", D("2024-03-03"))


def test_violation_of_an_intermediate_exception_is_not_triggered(tmp_path: Path) -> None:
    # What the code does (docs/semantics.md, open question 6): a violation decided by
    # §2.1.1 is one of §2.1.1 and of its root §2, not of §2.1 in between.
    tl = run(
        tmp_path,
        TREE + "state Access holds from effective\n§9 Loss of access\n  violation of §2.1 ends Access\n",
        "2024-03-02 Buy(from: O, amount: $7) by A\n",
    )
    assert viol(tl) == [("§2.1.1", "§2", "A", "2024-03-02", "prohibition")]
    assert tl.effects == []


def test_trees_rule_independently(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        TREE + "§3 Also\n  A must not Buy(amount > $6)\n",
        "2024-03-02 Buy(from: O, amount: $7) by A\n",
    )
    assert tl.events[0].decisions == (("§2", "§2.1.1", "forbidden"), ("§3", "§3", "forbidden"))
    assert viol(tl) == [
        ("§2.1.1", "§2", "A", "2024-03-02", "prohibition"),
        ("§3", "§3", "A", "2024-03-02", "prohibition"),
    ]


def test_trigger_violation_names_the_violation_that_set_the_obligation_off(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        """\
        party A
        party B
        event Do by A
        event Pay by B
        event Fix by A
        §5 No doing
          A must not Do
        §2 Pay up
          when Do by A: B must Pay within 0 days
        §3 Remedy
          when violation of §2: A must Fix within 10 days
        """,
        "2024-03-01 Do by A\n",
    )
    # violations are listed in the order they arise: on one day, forbidden acts
    # first, then windows that close
    assert viol(tl) == [
        ("§5", "§5", "A", "2024-03-01", "prohibition"),
        ("§2", "§2", "B", "2024-03-01", "obligation"),
        ("§3", "§3", "A", "2024-03-11", "obligation"),
    ]
    tv = tl.violations[2].trigger_violation
    assert tv is not None and tl.violations[tv].clause == "§2"


# ===================================================================== breach, facts


def test_breach_by_a_party_is_every_violation_attributed_to_it(tmp_path: Path) -> None:
    tl = run(tmp_path, CTD.format(n=5, what="Access"), "2024-03-01 Ask by A\n")
    assert [v.clause for v in tl.breach("B")] == ["§3", "§8"]
    assert tl.breach("A") == []


def test_an_open_fact_comes_from_the_scenario(tmp_path: Path) -> None:
    contract = (
        "party A\nevent Pay(amount: money) by A\nfact Cap: money\n§1 Cap\n  A must not Pay(amount > Cap)\n"
    )
    c, sc = load(tmp_path, contract, "fact Cap = $10\n2024-02-01 Pay(amount: $11) by A\n")
    assert viol(simulate(c, sc)) == [("§1", "§1", "A", "2024-02-01", "prohibition")]
    c, sc = load(tmp_path, contract, "2024-02-01 Pay(amount: $11) by A\n")
    with pytest.raises(MissingFact) as e:
        simulate(c, sc)
    assert e.value.name == "Cap"
    # asked for only when a condition needs it
    c, sc = load(tmp_path, contract, "")
    assert simulate(c, sc).violations == []


# ===================================================================== amendments


def test_an_amendment_is_the_base_with_its_changes_applied_in_order(tmp_path: Path) -> None:
    sp = write(
        tmp_path,
        """\
        party A
        kind P = M1 | O
        event Buy(from: P, amount: money) by A
        §2 Exclusive
          A must not Buy(from: p) where p != M1
        §2.1 Waiver
          exception to §2
          A may Buy(from: O, amount <= $10)
        """,
        "2024-03-01 Buy(from: O, amount: $12) by A\n",
    )
    amend = tmp_path / "raise.amendment"
    amend.write_text(
        'amendment "Raise the cap" to "t.contract"\n'
        "replace §2.1 Waiver\n  exception to §2\n  A may Buy(from: O, amount <= $10)\n"
        "remove §2.1\n"
        "add §2.1 Waiver\n  exception to §2\n  A may Buy(from: O, amount <= $15)\n"
    )
    before, _, _ = load_scenario(str(sp), Sources())
    base = load_contract(str(tmp_path / "t.contract"), Sources()).contract
    assert before is not None and base is not None
    assert viol(simulate(base, before)) == [("§2", "§2", "A", "2024-03-01", "prohibition")]
    sc, c, diags = load_scenario(str(sp), Sources(), str(amend))
    assert sc is not None and c is not None, diags
    assert viol(simulate(c, sc)) == []
    assert simulate(c, sc).events[0].decisions == (("§2", "§2.1", "permitted"),)


# ===================================================================== check formulas

FORMULAS = """\
party A
event Go by anyone
event Do by A
state S "started by Go"
§1 Going
  Go starts S
§2 Who goes
  A has power to Go
§3 No doing
  A must not Do
check after_go "S holds strictly after each effective Go": always after Go: S
check go_on "Go on a date": possible Go on 2024-03-01
check go_before "Go before a date": possible Go before 2024-03-01
check go_after "Go after a date": possible Go after 2024-03-01
check s_on "S on a date": always S on 2024-03-02
check s_during "S from..until": always from 2024-03-02 until 2024-12-31: S
check s_during_early "S from..until, a day too early": always from 2024-03-01 until 2024-12-31: S
check breach_on "breach on a date": possible breach by A on 2024-03-10
check breach_in_scope "breach in an on-scope": possible on 2024-03-10: breach by A
check breach_in_after "breach in an after scope": possible after Go: breach of §3 by A
check eff "effective Go": possible effective Go by A
check given_go "a given": given Go by A on 2024-03-01
  always S on 2024-06-01
"""


def test_check_formulas_on_a_timeline(tmp_path: Path) -> None:
    tl = run(tmp_path, FORMULAS, "2024-03-01 Go by A\n2024-03-01 Do by A\n")
    assert checks(tl) == {
        "after_go": (True, True),  # S holds from 03-02: strictly after Go
        "go_on": (True, True),
        "go_before": (True, False),  # before D: day < D
        "go_after": (True, False),  # after D: day > D
        "s_on": (True, True),
        "s_during": (True, True),
        "s_during_early": (True, False),  # from..until includes both ends
        "breach_on": (True, True),  # `breach on D`: in breach as of D, a violation on or before it
        "breach_in_scope": (True, True),  # inside a scope: a violation on or before the day
        "breach_in_after": (True, True),  # every day after 03-01 has the 03-01 violation behind it
        "eff": (True, True),
        "given_go": (True, True),
    }
    # the violation on 03-05: 03-02 has no breach on or before it, so the after-scope fails
    tl = run(tmp_path, FORMULAS, "2024-03-01 Go by A\n2024-03-05 Do by A\n")
    got = checks(tl)
    assert (got["breach_in_after"], got["breach_in_scope"], got["breach_on"]) == (
        (True, False),
        (True, True),
        (True, True),
    )


def test_after_scopes_ignore_ineffective_occurrences(tmp_path: Path) -> None:
    # Go by B is ineffective (A holds the power): S never starts, and `after Go:` has nothing to range over.
    tl = run(tmp_path, FORMULAS.replace("party A\n", "party A\nparty B\n"), "2024-03-01 Go by B\n")
    got = checks(tl)
    assert got["after_go"] == (True, True)
    assert got["eff"] == (True, False)
    assert got["go_on"] == (True, True)  # a plain event atom counts ineffective occurrences too
    assert got["given_go"] == (False, False)


def test_a_state_compared_inside_a_check_sees_the_timeline(tmp_path: Path) -> None:
    tl = run(
        tmp_path,
        GO_STOP + 'check cmp "a state compared with a constant": always (S == true) on 2024-03-02\n',
        "2024-03-01 Go by A\n",
    )
    assert tl.holds("S", D("2024-03-02"))
    assert checks(tl)["cmp"] == (True, True)


# ===================================================================== the seed scenarios

SEED_EXPECTED: dict[str, dict[str, list[str]]] = {
    "board_declares_agi": {},
    "microsoft_declares_agi": {},
    "oracle_10b_after_waiver": {},
    "oracle_12b": {"OpenAI": ["§2"]},
    "oracle_before_waiver": {"OpenAI": ["§2"]},
    "supply_shortfall": {"Microsoft": ["§3"]},
    "supply_met": {},
    "othercloud_purchase": {"OpenAI": ["§2"]},
    "oracle_foreign_software": {"OpenAI": ["§2"]},
}


def seed_timeline(name: str) -> Timeline:
    sc, c, diags = load_scenario(str(SCENARIOS / f"{name}.scenario"), Sources())
    assert sc is not None and c is not None, diags
    assert not diags
    return simulate(c, sc)


def test_every_example_scenario_has_an_expected_outcome() -> None:
    assert sorted(p.stem for p in SCENARIOS.glob("*.scenario")) == sorted(SEED_EXPECTED)


@pytest.mark.parametrize("name", sorted(SEED_EXPECTED))
def test_seed_scenario_breaches(name: str) -> None:
    tl = seed_timeline(name)
    got: dict[str, list[str]] = {}
    for v in tl.violations:
        got.setdefault(v.party, []).append(v.clause)
    assert got == SEED_EXPECTED[name]
    # every always/never check of the contract holds on every seed timeline
    for ch in tl.contract.checks:
        g, b = check_holds_on(tl, ch)
        if g and ch.mode == "always":
            assert b, ch.id
        if g and ch.mode == "never":
            assert not b, ch.id


def test_seed_board_declares_agi() -> None:
    tl = seed_timeline("board_declares_agi")
    assert [(r.effective, r.power) for r in tl.events] == [(True, "§7.1")]
    assert tl.holds("MicrosoftAccess", D("2026-03-01"))
    assert not tl.holds("MicrosoftAccess", D("2026-03-02"))
    assert checks(tl)["exit_via_agi"] == (True, True)


def test_seed_microsoft_declares_agi() -> None:
    tl = seed_timeline("microsoft_declares_agi")
    assert [(r.effective, r.power) for r in tl.events] == [(False, None)]
    assert tl.effects == [] and tl.holds("MicrosoftAccess", D("2035-12-31"))


def test_seed_oracle_purchases() -> None:
    assert seed_timeline("oracle_10b_after_waiver").events[0].decisions == (("§2", "§2.1", "permitted"),)
    assert checks(seed_timeline("oracle_10b_after_waiver"))["oracle_within_waiver"] == (True, True)
    for name, day in [
        ("oracle_12b", "2024-07-01"),
        ("oracle_before_waiver", "2024-03-15"),
        ("othercloud_purchase", "2024-09-02"),
        ("oracle_foreign_software", "2024-08-01"),
    ]:
        tl = seed_timeline(name)
        assert tl.events[0].decisions == (("§2", "§2", "forbidden"),), name
        assert viol(tl) == [("§2", "§2", "OpenAI", day, "prohibition")], name


def test_seed_supply() -> None:
    tl = seed_timeline("supply_shortfall")
    assert viol(tl) == [("§3", "§3", "Microsoft", "2025-04-10", "obligation")]
    assert checks(tl)["supply_breach"] == (True, True)
    tl = seed_timeline("supply_met")
    assert viol(tl) == [] and tl.fulfilled == [("§3", 0, 2)]


# ===================================================================== Hypothesis: random seed scenarios

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _seed() -> m.Contract:
    loaded = load_contract(str(SEED), Sources())
    assert loaded.contract is not None
    return loaded.contract


SEED_CONTRACT = _seed()
NOISY = attrs.evolve(
    SEED_CONTRACT, events={**SEED_CONTRACT.events, "Noise": m.Event("Noise", (("level", m.INT),), ())}
)
INTERESTING = [
    D(x) for x in ("2019-07-22", "2024-05-31", "2024-06-01", "2026-03-01", "2035-10-02", "2035-12-31")
]


def days(c: m.Contract) -> st.SearchStrategy[int]:
    """Days within the contract's period (as the loader demands), often near the interesting ones."""
    near = [d for d in INTERESTING if c.effective <= d <= c.horizon] + [c.effective, c.horizon]
    lo, hi = max(c.effective, D("2024-05-01")), min(c.horizon, D("2024-09-30"))
    return st.one_of(
        st.integers(c.effective, c.horizon),
        st.sampled_from(near),
        st.integers(lo, hi) if lo <= hi else st.integers(c.effective, c.horizon),
    )


def values(c: m.Contract, t: m.Type) -> st.SearchStrategy[m.ConstValue]:
    if t.name == "money":
        step = 50_000_000_00  # $0.5B: amounts from $0 to $15B, across the $10B cap
        return st.integers(0, 30).map(lambda k: Money(k * step, t.currency or "USD"))
    if t.name == "kind":
        assert t.kind is not None
        return st.sampled_from(c.kinds[t.kind])
    if t.name == "party":
        return st.sampled_from(list(c.parties))
    if t.name == "bool":
        return st.booleans()
    if t.name == "date":
        return days(c)
    return st.integers(0, 100)


@st.composite
def occurrences(draw: st.DrawFn, c: m.Contract, events: list[str] | None = None) -> Occurrence:
    ev = draw(st.sampled_from(events or sorted(c.events)))
    actor = draw(st.sampled_from(c.actor_events(ev)))
    args = tuple((n, draw(values(c, t))) for n, t in c.events[ev].params)
    return Occurrence(draw(days(c)), ev, actor, args)


def scenario(occs: list[Occurrence]) -> Scenario:
    """As the loader makes it: sorted by date, same-day events in written order."""
    numbered = [attrs.evolve(o, seq=i) for i, o in enumerate(occs)]
    return Scenario("random", {}, tuple(sorted(numbered, key=lambda o: (o.day, o.seq))))


seed_scenarios = st.lists(occurrences(SEED_CONTRACT), max_size=8).map(scenario)


def effects_of(tl: Timeline) -> list[tuple[int, str | None, bool, str]]:
    return sorted((e.day, e.state, e.start, e.cause) for e in tl.effects)


def violations_of(tl: Timeline) -> list[tuple[str, str, str, int, str, str]]:
    return sorted((v.clause, v.root, v.party, v.day, v.kind, v.message) for v in tl.violations)


@SETTINGS
@given(seed_scenarios)
def test_random_scenarios_run_and_the_contract_s_claims_hold(sc: Scenario) -> None:
    tl = simulate(SEED_CONTRACT, sc)
    assert len(tl.events) == len(sc.events)
    for ch in SEED_CONTRACT.checks:
        g, b = check_holds_on(tl, ch)
        if g and ch.mode == "always":
            assert b, ch.id
        if g and ch.mode == "never":
            assert not b, ch.id
    # breach is exactly the violations attributed to each party
    assert sum(len(tl.breach(p)) for p in SEED_CONTRACT.parties) == len(tl.violations)


@SETTINGS
@given(seed_scenarios)
def test_an_ineffective_event_changes_no_state(sc: Scenario) -> None:
    tl = simulate(SEED_CONTRACT, sc)
    for i, r in enumerate(tl.events):
        if not r.effective:
            rest = Scenario(sc.title, sc.facts, sc.events[:i] + sc.events[i + 1 :])
            assert effects_of(simulate(SEED_CONTRACT, rest)) == effects_of(tl)


@SETTINGS
@given(seed_scenarios)
def test_a_state_that_ends_does_not_hold_again_unless_restarted(sc: Scenario) -> None:
    tl = simulate(SEED_CONTRACT, sc)
    for e in tl.effects:
        if e.state is None or e.start:
            continue
        st_ = SEED_CONTRACT.states[e.state]
        starts = [x.day for x in tl.effects if x.state == e.state and x.start] + list(st_.start_days)
        probes = {e.day, e.day + 1, SEED_CONTRACT.horizon} | {a for a in starts} | {a - 1 for a in starts}
        for t in sorted(p for p in probes if e.day <= p <= SEED_CONTRACT.horizon):
            if tl.holds(e.state, t):
                assert any(e.day < a <= t for a in starts), (e, iso(t))


@SETTINGS
@given(seed_scenarios, st.lists(occurrences(NOISY, ["Noise"]), min_size=1, max_size=4))
def test_an_event_no_clause_mentions_changes_no_violation(sc: Scenario, noise: list[Occurrence]) -> None:
    tl = simulate(NOISY, sc)
    mixed = list(sc.events) + noise
    noisy = simulate(NOISY, scenario(mixed))
    assert violations_of(noisy) == violations_of(tl)
    assert effects_of(noisy) == effects_of(tl)
    assert all(r.decisions == () and r.effective for r in noisy.events if r.occ.event == "Noise")


@SETTINGS
@given(seed_scenarios)
def test_the_written_order_of_same_day_events_is_irrelevant(sc: Scenario) -> None:
    reordered = sorted(sc.events, key=lambda o: (o.day, -o.seq))
    a, b = simulate(SEED_CONTRACT, sc), simulate(SEED_CONTRACT, scenario(reordered))
    assert violations_of(a) == violations_of(b)
    assert effects_of(a) == effects_of(b)
    assert sorted(map(repr, results_of(a))) == sorted(map(repr, results_of(b)))


def results_of(tl: Timeline) -> list[tuple[object, ...]]:
    return [(r.occ.day, r.occ.event, r.occ.actor, r.occ.args, r.effective, r.decisions) for r in tl.events]


# ===================================================================== Hypothesis: against a direct reading of the rules


def _contract(text: str) -> m.Contract:
    node, diags = parse_text(HEAD_SHORT + textwrap.dedent(text), "<inline>")
    assert isinstance(node, ContractFile), diags
    c, cdiags = check_node(node, "<inline>")
    assert c is not None, cdiags
    return c


HEAD_SHORT = 'contract "T" effective 2024-01-01 horizon 2024-02-29\n'
SHORT = _contract(GO_STOP)
SHORT_SUPPLY = _contract(SUPPLY.format(guard=""))


@SETTINGS
@given(st.lists(occurrences(SHORT), max_size=10).map(scenario))
def test_states_match_a_day_by_day_reading(sc: Scenario) -> None:
    """Each day, an end (Stop) beats a start (Go); the change counts from the next day."""
    tl = simulate(SHORT, sc)
    holds = False
    for t in range(SHORT.effective, SHORT.horizon + 1):
        assert tl.holds("S", t) is holds, iso(t)
        today = {o.event for o in sc.events if o.day == t}
        if "Stop" in today:
            holds = False
        elif "Go" in today:
            holds = True


@SETTINGS
@given(st.lists(occurrences(SHORT_SUPPLY), max_size=10).map(scenario))
def test_obligations_match_a_direct_reading(sc: Scenario) -> None:
    """Each Ask(a) on day t is violated on t+10 unless a Give(>= a) falls in [t, t+10]; windows past the horizon are not."""
    tl = simulate(SHORT_SUPPLY, sc)
    want = []
    for o in sc.events:
        if o.event != "Ask" or o.day + 10 > SHORT_SUPPLY.horizon:
            continue
        a = o.arg("amount")
        assert isinstance(a, Money)
        met = any(
            g.event == "Give"
            and o.day <= g.day <= o.day + 10
            and isinstance(x := g.arg("amount"), Money)
            and x.cents >= a.cents
            for g in sc.events
        )
        if not met:
            want.append(("§3", "§3", "B", iso(o.day + 10), "obligation"))
    assert viol(tl) == sorted(want, key=lambda v: v[3])
