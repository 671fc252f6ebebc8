"""Witness simplification (verifier/verify/witness.py): dates lowered and amounts zeroed on
the scenario itself, every change kept only if the judge accepts it."""

from __future__ import annotations

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.load import load_contract
from dsl.scenario import Occurrence, Scenario
from dsl.syntax import Money
from tests import ROOT
from verifier.verify.witness import simplify


def _contract() -> m.Contract:
    loaded = load_contract(str(ROOT / "contracts" / "sale_of_goods.contract"), Sources())
    assert loaded.contract is not None, loaded.diagnostics
    return loaded.contract


def _occ(day: int, event: str, actor: str, seq: int, **args: object) -> Occurrence:
    return Occurrence(day, event, actor, tuple(args.items()), seq)  # type: ignore[arg-type]


def test_events_move_together_to_keep_a_window_then_alone() -> None:
    """The judge wants Inspect within 3 days after Deliver and Deliver no earlier than
    effective + 10: Deliver moves to effective + 10 carrying Inspect with it (the gap
    kept), then Inspect moves alone up to Deliver's day."""
    c = _contract()
    e = c.effective
    sc = Scenario(
        "t",
        {},
        (
            _occ(e + 200, "Deliver", "Seller", 0, conforming=False),
            _occ(e + 202, "Inspect", "Buyer", 1, accept=False),
        ),
    )
    seen: list[tuple[int, int]] = []

    def accept(s: Scenario) -> bool:
        d, i = s.events[0], s.events[1]
        seen.append((d.day, i.day))
        return d.event == "Deliver" and d.day >= e + 10 and 0 <= i.day - d.day <= 3

    out = simplify(c, sc, accept)
    assert [(o.event, o.day - e, o.seq) for o in out.events] == [("Deliver", 10, 0), ("Inspect", 10, 1)]
    assert len(seen) < 40  # bisection, not a walk over the days


def test_rejected_changes_are_not_kept() -> None:
    """An amount the judge needs above $5 goes down to $5.01, one it needs exactly
    stays; a flag it does not care about goes to false; the date it pins stays pinned."""
    c = _contract()
    e = c.effective
    sc = Scenario("t", {}, (_occ(e + 50, "Deliver", "Seller", 0, conforming=True),))

    def accept(s: Scenario) -> bool:
        return s.events[0].day == e + 50

    out = simplify(c, sc, accept)
    assert out.events[0].day == e + 50
    assert out.events[0].args == (("conforming", False),)
    pay = [ev for ev in c.events if any(t.name == "money" for _, t in c.events[ev].params)][0]
    name = next(p for p, t in c.events[pay].params if t.name == "money")
    actor = (c.events[pay].actors or c.actors)[0]
    sc2 = Scenario("t", {}, (_occ(e, pay, actor, 0, **{name: Money(700, c.currency)}),))
    judged: list[int] = []

    def above_500(s: Scenario) -> bool:
        judged.append(s.events[0].arg(name).cents)  # type: ignore[union-attr]
        return judged[-1] > 500

    out2 = simplify(c, sc2, above_500)
    assert out2.events[0].arg(name) == Money(501, c.currency)  # the smallest that works, to the cent
    assert judged[0] == 0 and len(judged) < 15  # zero first, then a bisection

    def exactly_700(s: Scenario) -> bool:
        amount = s.events[0].arg(name)
        return isinstance(amount, Money) and amount.cents == 700

    assert simplify(c, sc2, exactly_700).events[0].arg(name) == Money(700, c.currency)


def test_nothing_to_do_without_events() -> None:
    c = _contract()
    sc = Scenario("t", {}, ())
    assert simplify(c, sc, lambda s: True) is sc


def test_a_story_names_a_dozen_violations_and_counts_the_rest() -> None:
    """On the benchmark's 300-clause contract a scenario that does not end the
    contract leaves ~25 dated obligations unmet: the explanation names twelve and
    counts the rest; the timeline keeps every one."""
    import re

    from tests.benchcontracts import generated
    from verifier.verify.explain import STORY_VIOLATIONS
    from verifier.verify.run import verify_contract

    c = generated(300, 60)
    v = verify_contract(c, analyses=False, only=["supply_2"], jobs=1)
    r = v.results[0]
    assert r.timeline is not None and len(r.timeline.violations) > STORY_VIOLATIONS
    more = len(r.timeline.violations) - STORY_VIOLATIONS
    assert f"; {more} more violations (see the scenario's timeline)." in r.explanation
    assert len(re.findall(r" violates ", r.explanation)) == STORY_VIOLATIONS
