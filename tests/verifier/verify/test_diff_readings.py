"""The semantic diff compares the whole reading of a scenario: each violation's day
(so when and how often, not only whether), conflicts, and what needs more than two
occurrences of an event; "no difference" says how far it reaches.

Each pair of drafts differs in one way only; each expected scenario was worked out
by hand from docs/semantics.md.
"""

from __future__ import annotations

import textwrap

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.load import load_contract
from verifier.verify.whatif import DiffStatus, semantic_diff

HEAD = 'contract "Drafts" effective 2024-01-01 horizon 2024-12-31\nparty A\nparty B\n'


def load(body: str) -> m.Contract:
    lc = load_contract("t.contract", Sources(), text=HEAD + textwrap.dedent(body))
    assert lc.contract is not None, [d.message for d in lc.diagnostics]
    return lc.contract


def events(sc) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{m.date_of(o.day).isoformat()} {o.event}" for o in sc.events]


def test_a_deadline_moved_by_a_month_differs_in_the_violation_s_day() -> None:
    base = """\
        event Order by B
        event Ship by A
        §1 Delivery
          when Order by B:
            A must Ship within {} days
        """
    d, status, _ = semantic_diff(load(base.format(30)), load(base.format(60)))
    assert status == DiffStatus.DIFFERENCE and d is not None
    # one order, never shipped: violated in both, on day 31 after it in one, 61 in the other
    assert events(d.scenario) == ["2024-07-01 Order"]  # a round date: the drafts leave it open
    assert d.what == ("when or how often a clause is violated",)
    assert d.before.violations == ("2024-07-31 A violates §1 Delivery",)
    assert d.after.violations == ("2024-08-30 A violates §1 Delivery",)


def test_a_second_disclosure_a_breach_in_one_draft_only() -> None:
    base = """\
        event Disclose by B
        state Disclosed
        §1 Record
          Disclose starts Disclosed
        §2 Confidentiality
        {}  B must not Disclose
        """
    every = load(base.format(""))
    first_only = load(base.format("  while not Disclosed\n"))
    d, status, _ = semantic_diff(every, first_only)
    assert status == DiffStatus.DIFFERENCE and d is not None
    # two disclosures: both violate §2 in the first draft, only the first in the second
    assert events(d.scenario) == ["2024-07-01 Disclose", "2024-07-02 Disclose"]
    assert d.what == ("when or how often a clause is violated",)
    assert len(d.before.violations) == 2 and len(d.after.violations) == 1


def test_a_quota_one_use_longer_differs_only_after_the_fourth_use() -> None:
    def quota(n: int) -> str:
        out = ["event Use by A\n", *(f"state Used{i}\n" for i in range(1, 5))]
        out.append("§1 First\n  while not Used1\n  Use starts Used1\n")
        for i in range(2, 5):
            out.append(f"§{i} Use {i}\n  while Used{i - 1} and not Used{i}\n  Use starts Used{i}\n")
        out.append(f"§9 Quota\n  while Used{n}\n  A must not Use\n")
        return "".join(out)

    d, status, _ = semantic_diff(load(quota(3)), load(quota(4)))
    assert status == DiffStatus.DIFFERENCE and d is not None
    # the fourth use breaches a quota of three, not one of four: four uses are needed
    assert events(d.scenario) == [f"2024-07-0{i} Use" for i in range(1, 5)]
    assert d.before.violations == ("2024-07-04 A violates §9 Quota",)
    assert d.after.violations == ()
    # at the old fixed bound (2, re-checked at 3) the drafts read the same
    _, old, note = semantic_diff(load(quota(3)), load(quota(4)), bound=2)
    assert old == DiffStatus.NONE
    assert note.startswith("no scenario with at most 2 occurrences of each event (re-checked at 3)")


def test_drafts_that_differ_only_in_a_conflict() -> None:
    base = """\
        event Use by A
        state Licensed
        state Embargo
        §1 Licence
          Use starts Licensed
        §2 No use
          A must not Use
        §2.1 Licensed use
          exception to §2{}
          while Licensed
          A may Use
        §2.2 Embargo
          exception to §2
          while Licensed
          A must not Use
        """
    d, status, _ = semantic_diff(load(base.format("")), load(base.format(" prevailing over §2.2")))
    assert status == DiffStatus.DIFFERENCE and d is not None
    assert "which acts the clauses rule on in conflict" in d.what
    assert d.before.conflicts and not d.after.conflicts


def test_no_difference_is_proved_for_every_course_of_events() -> None:
    base = """\
        event Use by A
        state Used1
        state Used2
        §1 First
          while not Used1
          Use starts Used1
        §2 Second
          while {}
          Use starts Used2
        §3 Cap
          while Used2
          A must not Use
        """
    d, status, note = semantic_diff(
        load(base.format("Used1 and not Used2")), load(base.format("not Used2 and Used1"))
    )
    assert (d, status) == (None, DiffStatus.NONE)
    assert note.startswith("no course of events from 2024-01-01 to 2024-12-31 tells the two versions apart (")
    assert "can be cut down to one with at most" in note
