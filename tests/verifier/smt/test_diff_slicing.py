"""The sliced semantic diff against the whole miter and against the interpreter.

``find_difference`` encodes only what an amendment can reach (the forward cone of
the amended clauses and declarations, then each version's backward cone of it).
An unsound slice would miss a difference, so:

(a) hand-made amendments where the difference travels through a termination, a
    power, an exception deep in a tree, a state's start event, a fact, or where
    nothing but wording changes: each has its expected outcome, the sliced and
    the whole miter agree, and a scenario found replays through whatif's
    machinery to different readings of the two versions;
(b) random contracts (tests/randomcontracts.py) with one random mutation: the
    sliced and the whole miter agree with each other and with the interpreter run
    on every scenario with at most one occurrence of each event.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl import model as m
from dsl.scenario import Scenario
from tests.randomcontracts import all_scenarios, generate, load
from verifier.reduce.slicing import Index, amended, forward_cone
from verifier.semantics.interpret import Timeline, simulate
from verifier.smt import diff
from verifier.smt.diff import find_difference
from verifier.verify.whatif import restrict, semantic_diff

CI = bool(os.environ.get("CI"))

BASE = """contract "diff" effective 2020-01-01 horizon 2020-01-04
party A with body B
party C
kind K = X | Y
fact Pick: K = X
event E1(k: K) by A or A.B or C
event E2 by A.B or C
event E3(k: K) by C or A
event E4 by A or C
state S1 holds from effective
state S2 holds from E4

§1 Rule
  A must not E1(k: k) where k == Pick

§1.1 Exception
  exception to §1
  from 2020-01-02
  A may E1(k: X)

§1.1.1 Exception to the exception
  exception to §1.1
  while S2
  A must not E1(k: X)

§2 Power
  A.B has power to E2

§3 Effect
  E2 ends S1

§4 Duty
  while S1
  when E1(k: v) by C:
    C must E3(k: v) within 1 days

§5 Exit
  E3(k: Y) ends the contract

§6 Notice
  survives termination
  C must not E4
"""


def contract(text: str) -> m.Contract:
    c = load(text)
    assert c is not None, text
    return c


def amend(old: str, new: str) -> tuple[m.Contract, m.Contract]:
    assert old in BASE, old
    return contract(BASE), contract(BASE.replace(old, new, 1))


def reach(a: m.Contract, b: m.Contract):  # type: ignore[no-untyped-def]
    seeds = amended(a, b)
    assert seeds is not None
    return forward_cone(Index(a), Index(b), seeds)


def both(a: m.Contract, b: m.Contract, bound: int = 1) -> str:
    """The semantic diff, sliced and whole; they must agree, and a difference must
    replay (``semantic_diff`` reports an internal error when it does not)."""
    sliced = semantic_diff(a, b, bound)
    whole = semantic_diff(a, b, bound, sliced=False)
    assert sliced[1] == whole[1], (sliced, whole)
    assert sliced[1] in ("difference", "none"), sliced
    if sliced[0] is not None:
        d = sliced[0]
        assert d.before != d.after and d.what
        assert reading_of(a, d.scenario) == d.before and reading_of(b, d.scenario) == d.after
    return sliced[1]


def reading_of(c: m.Contract, sc):  # type: ignore[no-untyped-def]
    from verifier.verify.whatif import reading

    return reading(simulate(c, restrict(sc, c)))


# ----------------------------------------------------------------- (a) hand-made amendments


def test_termination_clause() -> None:
    a, b = amend("E3(k: Y) ends the contract", "E3(k: X) ends the contract")
    r = reach(a, b)
    # whether the contract is in force, so every clause that does not survive it,
    # and what reads those: not §6, which survives
    assert r.in_force
    assert {"§1", "§1.1", "§1.1.1", "§2", "§3", "§4", "§5"} <= r.clauses and "§6" not in r.clauses
    assert "E2" in r.effective and "S1" in r.states
    assert both(a, b) == "difference"


def test_power() -> None:
    a, b = amend("A.B has power to E2", "C has power to E2")
    r = reach(a, b)
    # the act's effectiveness, the state it ends, the duty guarded by that state
    assert r.effective == {"E2"} and r.states == {"S1"} and r.clauses == {"§2", "§3", "§4"}
    assert not r.in_force
    d, status, _ = semantic_diff(a, b, 1)
    assert status == "difference" and d is not None and "which acts are effective" in d.what
    assert both(a, b) == "difference"


def test_exception_deep_in_a_tree() -> None:
    a, b = amend("  while S2\n  A must not E1(k: X)", "  while S1\n  A must not E1(k: X)")
    r = reach(a, b)
    assert r.clauses == {"§1", "§1.1", "§1.1.1"} and not r.states and not r.effective
    d, status, _ = semantic_diff(a, b, 1)
    assert status == "difference" and d is not None and d.before.breach != d.after.breach
    assert both(a, b) == "difference"


def test_permission_changes_its_root_s_rulings() -> None:
    """A permission is never violated: moving its start shows only in the
    violations of the rule it is an exception to."""
    a, b = amend("  from 2020-01-02\n  A may E1(k: X)", "  from 2020-01-03\n  A may E1(k: X)")
    assert {"§1", "§1.1", "§1.1.1"} <= reach(a, b).clauses
    d, status, _ = semantic_diff(a, b, 1)
    assert status == "difference" and d is not None
    assert d.before.violations == () and [v.split()[-2] for v in d.after.violations] == ["§1"]
    assert both(a, b) == "difference"


def test_state_start_event() -> None:
    a, b = amend("state S2 holds from E4", "state S2 holds from E2")
    r = reach(a, b)
    assert "S2" in r.states and "§1.1.1" in r.clauses
    assert both(a, b) == "difference"


def test_fact_value() -> None:
    a, b = amend("fact Pick: K = X", "fact Pick: K = Y")
    assert reach(a, b).clauses == {"§1", "§1.1", "§1.1.1"}
    assert both(a, b) == "difference"


def test_a_state_s_own_dates() -> None:
    """Moving a state's end date changes no state change caused by an act; the
    replay still tells the versions apart (by when the state holds)."""
    a, b = amend("state S1 holds from effective", "state S1 holds from effective until 2020-01-02")
    d, status, _ = semantic_diff(a, b, 1)
    assert status == "difference" and d is not None and d.what == ("when states hold",)
    assert both(a, b) == "difference"
    # the human report shows the row that differs
    from verifier.report import RunInfo, human_report
    from verifier.verify.whatif import compare

    md = human_report("md", comparison=compare(a, b, bound=1), run=RunInfo.now())
    row = next(x for x in md.splitlines() if "States holding" in x)
    assert "S1" in row


def test_wording_only_needs_no_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = amend("§1.1 Exception\n", '§1.1 Exception, reworded\n  text "A may buy X from the second day."\n')
    assert a.clauses["§1.1"] != b.clauses["§1.1"]
    assert reach(a, b).empty

    def no_encoding(*args: object, **kw: object) -> None:
        raise AssertionError("nothing to encode")

    monkeypatch.setattr(diff, "Encoding", no_encoding)
    assert find_difference(a, b, 2).status == "unsat"
    assert semantic_diff(a, b, 2)[1] == "none"
    assert find_difference(a, a, 2).status == "unsat"


def test_same_meaning_is_proved() -> None:
    a, b = amend("where k == Pick", "where k != Y")
    assert reach(a, b).clauses == {"§1", "§1.1", "§1.1.1"}
    assert both(a, b, bound=2) == "none"


def test_reordered_exceptions_rule_anew() -> None:
    """Agreeing exceptions: the first in the contract's order decides, so moving one
    changes which clause a violation is of, with no clause changed."""
    text = BASE + "\n§1.2 Second exception\n  exception to §1\n  A must not E1(k: X)\n"
    swapped = text.replace("§1.1 Exception\n  exception to §1\n  from 2020-01-02\n  A may E1(k: X)\n", "")
    swapped += "\n§1.1 Exception\n  exception to §1\n  from 2020-01-02\n  A may E1(k: X)\n"
    a, b = contract(text), contract(swapped)
    assert a.clauses == {k: a.clauses[k] for k in b.clauses} and list(a.clauses) != list(b.clauses)
    assert "§1" in reach(a, b).clauses
    assert both(a, b) == "difference"


# ----------------------------------------------------------------- (b) random amendments


def observations(tl: Timeline, lo: int, hi: int, states: set[str], terminable: bool) -> tuple[object, ...]:
    """What the miter compares, read off the interpreter's timeline."""
    return (
        frozenset((v.clause, v.party, v.day) for v in tl.violations),
        frozenset((x.clauses, tl.events[x.occurrence].occ.event, x.day) for x in tl.conflicts),
        tuple((s, d, tl.holds(s, d)) for s in sorted(states) for d in range(lo, hi + 1)),
        tuple((r.occ.event, r.occ.day, r.effective) for r in tl.events),
        tuple(tl.in_force(d) for d in range(lo, hi + 1)) if terminable else (),
    )


def brute_force_differs(a: m.Contract, b: m.Contract, scenarios: Iterable[Scenario] | None = None) -> bool:
    """Some scenario (of ``scenarios``; default: at most one of each event) that the
    two versions read differently, by the interpreter: what the miter compares."""
    states = set(a.states) & set(b.states)
    terminable = a.terminable or b.terminable
    lo, hi = a.effective, a.horizon
    for sc in all_scenarios(a) if scenarios is None else scenarios:
        oa = observations(simulate(a, restrict(sc, a)), lo, hi, states, terminable)
        ob = observations(simulate(b, restrict(sc, b)), lo, hi, states, terminable)
        if oa != ob:
            return True
    return False


# one edit of a contract's text each: (pattern, replacement)
MUTATIONS = [
    (r"A\.B has power to E2", "C has power to E2"),
    (r"(A|C|A\.B) has power to E2", "A has power to E2"),
    (r"must not", "may"),
    (r" may ", " must not "),
    (r"k == X", "k == Y"),
    (r"k: X\)", "k: Y)"),
    (r"from 2020-01-0(\d)", "from 2020-01-03"),
    (r"until 2020-01-0(\d)", "until 2020-01-01"),
    (r"  while S1\n", "  while S2\n"),
    (r"  until E2\n", ""),
    (r"E2 ends S1", "E2 ends the contract"),
    (r"E2 starts S2", "E3 starts S2"),
    (r"E1\(k: X\) ends S1", "E1(k: Y) ends S1"),
    (r"ends the contract", "ends S1"),
    (r"E3\(k: Y\) ends the contract", "E3(k: X) ends the contract"),
    (r"within 0 days", "within 1 days"),
    (r"within 1 days", "within 0 days"),
    (r"when E1\(k: v\) by (A|C)", "when E1(k: v)"),
    (r"violation of §1 ", "violation of §4 "),
    (r"starts S2\n", "ends S1\n"),
    (r"  prevailing over §1\.1", ""),
    (r"(§1\.1 Exception\n)", r"\1  survives termination\n"),
    (r"(§1 Rule\n)", r"\1  survives termination\n"),
    (r"(§3 Effect\n)", r'\1  text "Reworded."\n'),
    (r"state S2\n", "state S2 holds from E3\n"),
    (r"state S1 holds from effective\n", "state S1 holds from E2\n"),
    (r"state S2 holds from E4\n", "state S2 holds from E3\n"),
    (r"fact Pick: K = X", "fact Pick: K"),
    (r"  while S2\n", "  while S1\n"),
    (r"by C:", "by A:"),
    (r"E3\(k: v\)", "E3(k: X)"),
    (r"(§1\.1\.1 [^\n]*\n)  exception to §1\.1\n", r"\1  exception to §1\n"),
]


def mutate(r: random.Random, text: str) -> str | None:
    """One edit in one part (the declarations or a clause) of the contract, both
    picked at random among those an edit applies to."""
    text = text[: text.index("\ncheck ")] if "\ncheck " in text else text  # the diff reads no checks
    cuts = [0] + [mt.start() + 1 for mt in re.finditer(r"\n§", text)] + [len(text)]
    parts = [text[i:j] for i, j in zip(cuts, cuts[1:], strict=False)]
    options = [(i, p, s) for i, part in enumerate(parts) for p, s in MUTATIONS if re.search(p, part)]
    if not options:
        return None
    part = r.choice(sorted({i for i, _, _ in options}))
    _, p, s = r.choice([o for o in options if o[0] == part])
    hit = r.choice(list(re.finditer(p, parts[part])))
    parts[part] = parts[part][: hit.start()] + hit.expand(s) + parts[part][hit.end() :]
    return "".join(parts)


def single_edits(text: str) -> list[tuple[str, str]]:
    """Every text one edit from ``text`` (each mutation at each place it applies)."""
    out = []
    for p, s in MUTATIONS:
        for hit in re.finditer(p, text):
            new = text[: hit.start()] + hit.expand(s) + text[hit.end() :]
            out.append((f"{p!r}@{hit.start()}", new))
    return out


@pytest.mark.parametrize("name,new", single_edits(BASE), ids=[n for n, _ in single_edits(BASE)])
def test_every_single_edit_of_the_base(name: str, new: str) -> None:
    """Every edit of the hand-made contract: the sliced miter finds a difference
    exactly when the whole one does, and a difference replays."""
    a, b = contract(BASE), load(new)
    if b is None:
        pytest.skip("the edit does not check")
    sliced = find_difference(a, b, 1)
    whole = find_difference(a, b, 1, sliced=False)
    assert sliced.status == whole.status, new
    if sliced.status == "sat":
        assert semantic_diff(a, b, 1)[1] == "difference"


@settings(
    max_examples=12 if CI else 12, deadline=None, derandomize=CI, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.randoms(use_true_random=False))
def test_random_amendments_agree(r: random.Random) -> None:
    text = generate(r)
    a = load(text[: text.index("\ncheck ")] if "\ncheck " in text else text)
    new = mutate(r, text)
    b = load(new) if new is not None else None
    if a is None or b is None:
        return
    sliced = find_difference(a, b, 1)
    whole = find_difference(a, b, 1, sliced=False)
    expected = "sat" if brute_force_differs(a, b) else "unsat"
    assert (sliced.status, whole.status) == (expected, expected), f"{text}\n---- amended ----\n{new}"
    if sliced.status == "sat":
        d, status, note = semantic_diff(a, b, 1)
        assert status == "difference", (note, new)
