"""How many occurrences a question can need (``verifier.reduce.bounds``), and what
``verify`` answers with it at the default settings.

The contracts below need 3, 4, 5 and 8 occurrences of one event; each verdict was
worked out by hand from docs/semantics.md (a use starts the next stage of the quota
from the next day, so the k-th use is the first that a stage-k guard can see). The
differential test at the end compares ``verify`` with a brute-force enumeration by
the interpreter, above the derived bound, on random contracts with chains of states;
an off-by-one seeded into the derivation is caught by it.
"""

from __future__ import annotations

import itertools
import random
import textwrap
from collections.abc import Iterator

import pytest

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.load import load_contract
from dsl.scenario import Occurrence, Scenario
from verifier.reduce import bounds
from verifier.reduce.bounds import Need, Needs
from verifier.semantics.interpret import check_holds_on, simulate
from verifier.verify.plausible import WitnessStyle
from verifier.verify.results import Coverage, Verdict, Verification
from verifier.verify.run import verify_contract

HEAD = 'contract "Quota" effective 2024-01-01 horizon 2024-12-31\nparty A\nparty B\n'


def load(text: str, name: str = "t.contract") -> m.Contract:
    lc = load_contract(name, Sources(), text=text)
    errors = [f"{d.code}: {d.message}" for d in lc.diagnostics if d.is_error]
    assert lc.contract is not None and not errors, errors
    return lc.contract


def quota(n: int, checks: str) -> str:
    """A quota of ``n`` uses built from states: stage k starts on the k-th use, and
    from the n-th stage on a use is forbidden (the (n+1)-th use is a breach)."""
    out = [HEAD, "event Use by A\n"]
    out += [f"state Used{i}\n" for i in range(1, n + 1)]
    out.append("§1 First use\n  while not Used1\n  Use starts Used1\n")
    for i in range(2, n + 1):
        out.append(f"§{i} Use {i}\n  while Used{i - 1} and not Used{i}\n  Use starts Used{i}\n")
    out.append(f"§{n + 1} Quota\n  while Used{n}\n  A must not Use\n")
    return "".join(out) + textwrap.dedent(checks)


def day(d: int) -> str:
    return f"2024-01-{d:02d}"


def uses(v: Verification, check_id: str) -> list[str] | None:
    r = next(r for r in v.results if r.id == check_id)
    if r.scenario is None:
        return None
    assert r.replayed
    return [f"{m.date_of(o.day).isoformat()} {o.event}" for o in r.scenario.events]


# ----------------------------------------------------------------- the derived numbers


@pytest.mark.parametrize("n", [2, 3, 4, 7])
def test_a_quota_of_n_uses_needs_n_plus_one(n: int) -> None:
    c = load(quota(n, 'check within "A keeps to the quota":\n  never breach by A\n'))
    (check,) = c.checks
    assert Needs(c).of_check(check) == Need(per_event=(("Use", n + 1),))


# a suspension that is lifted and imposed again: each change depends on the state itself
TOGGLING = HEAD + textwrap.dedent(
    """\
    event Suspend by A
    event Restore by A
    event Use by B
    state Suspended
    §1 Suspension
      while not Suspended
      Suspend starts Suspended
    §2 Restoring
      while Suspended
      Restore ends Suspended
    §3 No use while suspended
      while Suspended
      B must not Use
    check ok "B is never in breach":
      never breach by B
    """
)


def test_a_state_started_and_ended_by_events_has_no_number() -> None:
    c = load(TOGGLING)
    (check,) = c.checks
    need = Needs(c).of_check(check)
    assert need.per_event is None
    assert need.why_not is not None and "Suspended" in need.why_not


# ----------------------------------------------------------------- verify at the default settings


@pytest.mark.parametrize("n", [2, 3, 4, 7])
def test_verify_finds_the_breach_after_n_uses_with_no_options(n: int) -> None:
    v = verify_contract(
        load(
            quota(
                n,
                f"""\
                check within "A keeps to the quota":
                  never breach by A
                check early "No breach before day {n + 1}":
                  never breach by A before {day(n + 1)}
                """,
            )
        ),
        analyses=False,
        witness=WitnessStyle.SMALLEST,  # the earliest days, which the stages below are counted in
    )
    assert v.bound is None
    within = next(r for r in v.results if r.id == "within")
    # n uses start the n stages on days 2..n+1; the (n+1)-th use, on day n+1, is the breach
    assert within.verdict == Verdict.FAILS
    assert uses(v, "within") == [f"{day(d)} Use" for d in range(1, n + 2)]
    assert f"A violates §{n + 1} Quota on {day(n + 1)}" in within.explanation
    assert within.reach is not None and within.reach.coverage == Coverage.SCENARIO
    early = next(r for r in v.results if r.id == "early")
    assert early.verdict == Verdict.HOLDS
    assert early.reach is not None and early.reach.coverage == Coverage.UNBOUNDED
    assert early.reach.per_event == (("Use", n + 1),)
    assert early.explanation.startswith("Yes. Proved for every course of events up to 2024-12-31.")


def test_an_asked_for_bound_below_the_need_says_it_is_bounded() -> None:
    text = quota(3, 'check within "A keeps to the quota":\n  never breach by A\n')
    v = verify_contract(load(text), bound=2, analyses=False)
    (r,) = v.results
    # at most 2 (re-checked at 3) uses, the fourth use that breaches is out of reach:
    # the old wrong HOLDS, but now it says how far it goes
    assert r.verdict == Verdict.HOLDS
    assert r.reach is not None and r.reach.coverage == Coverage.BOUNDED
    assert r.explanation.startswith(
        "Yes, in every course of events with at most 2 occurrences of each event up to 2024-12-31; "
        "longer courses of events were not examined."
    )
    assert "--bound 2 was asked for; a scenario could need 4 occurrences of Use" in (r.reach.why or "")


def test_four_suspensions_let_the_licensor_terminate() -> None:
    # the licensor may terminate only after the fourth suspension; each suspension
    # starts the next stage from the next day, so the earliest termination is on day 5
    text = HEAD + textwrap.dedent(
        """\
        event Suspend by A
        event Terminate by A
        state Licence holds from effective
        state S1
        state S2
        state S3
        state S4
        §1 First suspension
          while not S1
          Suspend starts S1
        §2 Second
          while S1 and not S2
          Suspend starts S2
        §3 Third
          while S2 and not S3
          Suspend starts S3
        §4 Fourth
          while S3 and not S4
          Suspend starts S4
        §5 Termination right
          while S4
          A has power to Terminate
        §6 Termination
          Terminate ends Licence
        check licence_stays "The licence lasts the year":
          always Licence on 2024-12-31
        check not_soon "The licence cannot end in the first four days":
          always Licence on 2024-01-05
        """
    )
    c = load(text)
    v = verify_contract(c, analyses=False, witness=WitnessStyle.SMALLEST)
    stays = next(r for r in v.results if r.id == "licence_stays")
    assert stays.verdict == Verdict.FAILS
    assert uses(v, "licence_stays") == [*(f"{day(d)} Suspend" for d in range(1, 5)), "2024-01-05 Terminate"]
    soon = next(r for r in v.results if r.id == "not_soon")
    assert soon.verdict == Verdict.HOLDS
    assert soon.reach is not None and soon.reach.coverage == Coverage.UNBOUNDED
    assert dict(soon.reach.per_event or ()) == {"Suspend": 4, "Terminate": 1}
    # at the old default bound the termination is out of reach and would read as a proof
    old = verify_contract(c, bound=2, analyses=False)
    assert next(r for r in old.results if r.id == "licence_stays").reach.coverage == Coverage.BOUNDED  # type: ignore[union-attr]


def test_a_toggling_state_falls_back_to_a_stated_bound() -> None:
    text = TOGGLING + textwrap.dedent(
        """\
        check quiet "B can stay out of breach":
          possible not breach by B
        check first_day "No breach on the first day":
          never breach by B before 2024-01-02
        """
    )
    v = verify_contract(load(text), analyses=False)
    ok = next(r for r in v.results if r.id == "ok")
    assert ok.verdict == Verdict.FAILS  # Suspend, then Use the next day
    quiet = next(r for r in v.results if r.id == "quiet")
    assert quiet.verdict == Verdict.HOLDS and quiet.reach is not None
    assert quiet.reach.coverage == Coverage.SCENARIO
    # a suspension counts from the next day: no breach before day 2, but only as a bounded proof
    first = next(r for r in v.results if r.id == "first_day")
    assert first.verdict == Verdict.HOLDS and first.reach is not None
    assert first.reach.coverage == Coverage.BOUNDED and first.reach.every_event == 2
    assert first.reach.why == (
        "no number of occurrences follows: the state Suspended → Suspend → the state Suspended "
        "can repeat without limit"
    )
    assert first.explanation.startswith(
        "Yes, in every course of events with at most 2 occurrences of each event up to 2024-12-31; "
        "longer courses of events were not examined."
    )


# ----------------------------------------------------------------- differential: verify against brute force

DAYS = 5  # 2024-01-01 .. 2024-01-05
EVENTS = ("E1", "E2")


def random_contract(rng: random.Random) -> str:
    """Two events of A, three states each changed in one direction only (started,
    or ended from holding), guarded by the others: chains of states, no toggling."""
    lines = [
        f'contract "Random" effective 2024-01-01 horizon {day(DAYS)}',
        "party A",
        "party B",
        *(f"event {e} by A" for e in EVENTS),
    ]
    up = {s: rng.random() < 0.7 for s in ("S1", "S2", "S3")}
    lines += [f"state {s}" + ("" if u else " holds from effective") for s, u in up.items()]

    def guard(own: str) -> str:
        lits = []
        for s in rng.sample(sorted(up), rng.randint(0, 2)):
            lits.append(s if rng.random() < 0.5 else f"not {s}")
        if own not in (x.split()[-1] for x in lits) and rng.random() < 0.5:
            lits.append(f"not {own}" if up[own] else own)
        return f"  while {' and '.join(lits)}\n" if lits else ""

    n = 0
    for s, u in up.items():
        for _ in range(rng.randint(1, 2)):
            n += 1
            lines.append(f"§{n} Change {n}\n{guard(s)}  {rng.choice(EVENTS)} {'starts' if u else 'ends'} {s}")
    for _ in range(rng.randint(1, 2)):
        n += 1
        g = guard(rng.choice(sorted(up)))
        lines.append(f"§{n} Rule {n}\n{g}  A must not {rng.choice(EVENTS)}")
    if rng.random() < 0.4:
        n += 1
        lines.append(f"§{n} Duty {n}\n  when {EVENTS[0]}:\n    A must {EVENTS[1]} within 1 days")
    s1, s2 = rng.sample(sorted(up), 2)
    lines += [
        'check c1 "never a breach":\n  never breach by A',
        f'check c2 "a state at the end":\n  possible {s1} on {day(DAYS)} and not {s2} on {day(DAYS)}',
        f'check c3 "no breach early":\n  never breach by A before {day(DAYS - 1)}',
        f'check c4 "breach with a state":\n  possible breach by A and {s2} on {day(DAYS)}',
        f'check c5 "a state stays":\n  always not {s1} on {day(DAYS - 1)}',
    ]
    return "\n".join(lines) + "\n"


def every_scenario(c: m.Contract) -> Iterator[Scenario]:
    """Every course of events with at most one of each event a day, within the period:
    up to DAYS occurrences of each event, above every bound the derivation gives here."""
    names = sorted(c.events)
    choices: list[tuple[str, ...]] = [()]
    for r in range(1, len(names) + 1):
        choices += list(itertools.combinations(names, r))
    for per_day in itertools.product(choices, repeat=DAYS):
        occs = []
        for d, evs in enumerate(per_day):
            for i, e in enumerate(evs):
                occs.append(Occurrence(day=c.effective + d, event=e, actor="A", args=(), seq=i))
        yield Scenario(title="brute force", facts={}, events=tuple(occs))


def answered(c: m.Contract) -> dict[str, bool]:
    """check id -> some scenario answers it (a counterexample of always/never, a
    witness of possible), by the interpreter alone."""
    out = {ch.id: False for ch in c.checks}
    for sc in every_scenario(c):
        tl = simulate(c, sc)
        for ch in c.checks:
            if out[ch.id]:
                continue
            g, b = check_holds_on(tl, ch)
            out[ch.id] = g and (not b if ch.mode == "always" else b)
        if all(out.values()):
            break
    return out


def disagreements(texts: list[str]) -> list[str]:
    bad = []
    for text in texts:
        c = load(text)
        truth = answered(c)
        v = verify_contract(c, analyses=False)
        mode = {ch.id: ch.mode for ch in c.checks}
        for r in v.results:
            assert r.verdict != Verdict.UNKNOWN, (r.id, r.reason, text)
            found = (r.verdict == Verdict.HOLDS) == (mode[r.id] == "possible")
            if found and not truth[r.id]:
                # the solver's scenario was replayed: it must use two of an event on one day
                assert r.scenario is not None and r.replayed
                days = [(o.day, o.event) for o in r.scenario.events]
                assert len(days) != len(set(days)), (r.id, text)
            elif truth[r.id] and not found:
                assert r.reach is not None
                if r.reach.coverage == Coverage.UNBOUNDED:
                    bad.append(
                        f"{r.id}: proved for every course of events, but brute force answers it\n{text}"
                    )
    return bad


CORPUS_SEEDS = range(40)


def corpus() -> list[str]:
    rng = random.Random(14)
    texts = [random_contract(rng) for _ in CORPUS_SEEDS]
    texts.append(
        quota(3, 'check c1 "quota":\n  never breach by A\n').replace(
            "horizon 2024-12-31", f"horizon {day(DAYS)}"
        )
    )
    return texts


def test_verify_agrees_with_brute_force_above_the_derived_bound() -> None:
    texts = corpus()
    assert disagreements(texts) == []
    # the corpus reaches past the old default: some derived bound is above 2
    assert any(
        n > 2
        for t in texts
        for ch in load(t).checks
        for _, n in (Needs(load(t)).of_check(ch).per_event or ())
    )


def test_an_off_by_one_in_the_derivation_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    honest = bounds.Needs.of_check

    def one_short(self: Needs, check: m.Check) -> Need:
        need = honest(self, check)
        if not need.per_event:
            return need
        return Need(per_event=tuple((e, max(n - 1, 0)) for e, n in need.per_event))

    monkeypatch.setattr(bounds.Needs, "of_check", one_short)
    assert disagreements(corpus()) != []


def test_the_analyses_find_a_quota_clause_alive_with_no_options() -> None:
    # §4 Quota rules on the fourth use only: at 2 occurrences of each event (the
    # old default, with no re-check) it was reported dead, with §3, although the
    # check's breach rests on it
    text = quota(3, 'check within "A keeps to the quota":\n  never breach by A\n')
    v = verify_contract(load(text))
    assert [f.code.value for f in v.findings] == []
    bounded = verify_contract(load(text), bound=2)
    # asked for 2: §3 applies to the third use, found by the re-check at 3; §4 needs a fourth
    assert [(f.code.value, f.clauses[0]) for f in bounded.findings] == [("dead-clause", "§4")]


# ----------------------------------------------------------------- differential: the diff's derived bound

EDITS = [
    (r"while not (S\d)", r"while \1"),
    (r"while (S\d)\b", r"while not \1"),
    (r"E1 (starts|ends)", r"E2 \1"),
    (r"E2 (starts|ends)", r"E1 \1"),
    (r"A must not E1", "A must not E2"),
    (r"A must not E2", "A must not E1"),
    (r"within 1 days", "within 2 days"),
]


def edited(rng: random.Random, text: str) -> str | None:
    import re

    hits = [(p, s, h) for p, s in EDITS for h in re.finditer(p, text)]
    if not hits:
        return None
    p, s, h = rng.choice(hits)
    return text[: h.start()] + h.expand(s) + text[h.end() :]


def test_the_diff_at_its_derived_bound_agrees_with_brute_force() -> None:
    from tests.verifier.smt.test_diff_slicing import brute_force_differs
    from verifier.smt.diff import find_difference

    rng = random.Random(1414)
    derived = proofs = 0
    for _ in range(50):
        text = random_contract(rng)
        text = text[: text.index("\ncheck ")] + "\n"
        new = edited(rng, text)
        if new is None:
            continue
        a, b = load(text), load(new)
        out = find_difference(a, b, None)
        if not out.derived:
            continue
        derived += 1
        proofs += out.status == "unsat"
        truth = brute_force_differs(a, b, every_scenario(a))
        if truth:
            assert out.status == "sat", f"{text}\n---- edited ----\n{new}"
        elif out.status == "sat":  # only with two of an event on one day, which brute force leaves out
            assert out.scenario is not None
            days = [(o.day, o.event) for o in out.scenario.events]
            assert len(days) != len(set(days)), f"{text}\n---- edited ----\n{new}"
    # most pairs get a derived bound (the others need more than 8 of an event); some are proofs
    assert derived >= 15 and proofs >= 2


def test_a_dead_clause_is_dead_in_any_course_of_events() -> None:
    # nothing starts Never, so §2 rules on no use, whatever happens; the finding says so
    text = HEAD + textwrap.dedent(
        """\
        event Use by A
        state Never
        §1 Uses
          A may Use
        §2 Unreachable
          while Never
          A must not Use
        check ok "A may use":
          possible Use and not breach by A
        """
    )
    v = verify_contract(load(text))
    assert [(f.code.value, f.message) for f in v.findings] == [
        ("dead-clause", "§2 Unreachable can never apply to anything, in any course of events")
    ]
