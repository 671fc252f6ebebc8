"""Open termination rights (verifier/reduce/relax.py): checks and analyses first
asked with the rights' conditions left open, then without the rights, then on the
contract itself, give the verdicts and findings of the contract itself."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import verifier.verify.run as run
from dsl import model as m
from tests.randomcontracts import generate, load, with_clauses
from verifier.reduce.relax import Opened
from verifier.verify.results import CheckResult, Verdict
from verifier.verify.run import verify_contract

CI = bool(os.environ.get("CI"))
ROOT = Path(__file__).resolve().parents[3]

# rights guarded by a state, by an event, by a date and a state, one in two clauses;
# one whose act a state reads (not open); the random contracts' own §3/§6 may end the contract too
RIGHTS = """
event L1 by A
event L2 by C
event L3 by A
event L4 by C
event L5 by A

§7 Exit while S1
  while S1
  A has power to L1
  L1 ends the contract

§8 Exit until E2
  until E2
  C has power to L2
  L2 ends the contract

§9 Late exit in default
  from 2020-01-02
  while S2
  A has power to L3
  L3 ends the contract

§11 Power to leave, while not S2
  while not S2
  A has power to L5

§12 Leaving
  L5 ends the contract

§10 Noisy exit
  while not S2
  C has power to L4
  L4 ends the contract
  L4 starts S2
"""


def _with_rights(text: str) -> str:
    return with_clauses(text, RIGHTS)


def test_which_rights_are_open() -> None:
    c = load(_with_rights(generate(random.Random(3))))
    assert c is not None
    opened = Opened.of(c)
    assert opened is not None
    # §11 and §12 are one right in two clauses; §10's act starts a state
    assert opened.acts == {"§7": "L1", "§8": "L2", "§9": "L3", "§11": "L5", "§12": "L5"}
    g = opened.contract.clauses["§9"].guards
    assert g.while_cond is None and not g.until_events and g.from_day == c.clauses["§9"].guards.from_day
    assert opened.contract.clauses["§10"] == c.clauses["§10"]
    assert opened.touches({"L3"}) and not opened.touches({"L4", "E1"})


def _agree(c: object) -> None:
    wide = verify_contract(c, jobs=1)  # type: ignore[arg-type]
    exact = verify_contract(c, jobs=1, relax=False)  # type: ignore[arg-type]
    assert [(x.id, x.verdict) for x in wide.results] == [(x.id, x.verdict) for x in exact.results]
    assert all(x.replayed for x in wide.results if x.scenario is not None), [x.reason for x in wide.results]
    assert not any(x.internal_error for x in wide.results)

    def found(v: object) -> list[tuple[str, tuple[str, ...]]]:
        return sorted((f.code, f.clauses[:1]) for f in v.findings)  # type: ignore[attr-defined]

    assert found(wide) == found(exact)


@settings(
    max_examples=40 if CI else 40, deadline=None, derandomize=CI, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.randoms(use_true_random=False))
def test_open_rights_answer_as_the_contract(r: random.Random) -> None:
    c = load(_with_rights(generate(r)))
    assert c is not None
    _agree(c)


# a default (A's unpaid order) lets B end the contract; B's sale is a breach while it is in force
DEFAULT_EXIT = """contract "Supply" effective 2020-01-01 horizon 2020-12-31 currency USD
party A
party B
event Order by B
event Pay by A
event Sell by B
event Exit by B
event Leave by B
state Default

§1 Payment
  when Order by B:
    A must Pay within 10 days

§2 Default
  violation of §1 starts Default

§3 Termination on default
  while Default
  B has power to Exit
  Exit ends the contract

§4 No sale
  B must not Sell
{late}
check no_early_default "Nothing is in default in the first ten days":
  always from effective until 2020-01-10: not Default

check sell_clear "B can sell without being in breach":
  possible Sell by B and not breach by B
"""

# a right that is not open (its act also ends a state), after a notice
NOTICE = """
state Engaged holds from effective
state Noticed
event Notice by B

§5 Notice
  Notice starts Noticed

§6 Termination after notice
  while Noticed
  B has power to Leave
  Leave ends the contract
  Leave ends Engaged
"""


def test_a_proof_with_the_right_open() -> None:
    c = load(DEFAULT_EXIT.format(late=""))
    assert c is not None and Opened.of(c) is not None
    res = verify_contract(c, jobs=1).results[0]
    assert res.verdict == Verdict.HOLDS
    assert res.explanation.startswith("Yes. Proved for every course of events")


def _spied(c: m.Contract) -> tuple[list[str], list[CheckResult]]:
    """The checks ``run._without_open`` answered ("none": it did not), and the results."""
    used: list[str] = []
    was = run._without_open

    def spy(*args: object, **kw: object) -> object:
        got = was(*args, **kw)  # type: ignore[arg-type]
        used.append(getattr(got, "id", "none"))
        return got

    run._without_open = spy  # type: ignore[assignment]
    try:
        return used, list(verify_contract(c, jobs=1).results)
    finally:
        run._without_open = was


def test_a_witness_the_open_right_spoils_is_found_on_the_contract() -> None:
    """Open, the right is used on the first day; the contract needs a default first."""
    c = load(DEFAULT_EXIT.format(late=""))
    assert c is not None
    used, results = _spied(c)
    assert used == ["none"]  # without the right there is no witness: the contract itself has one
    res = results[1]
    assert res.verdict == Verdict.HOLDS and res.replayed and res.scenario is not None
    assert [o.event for o in res.scenario.events] == ["Order", "Exit", "Sell"]
    assert verify_contract(c, jobs=1, relax=False).results[1].scenario == res.scenario


def test_a_witness_without_the_open_right() -> None:
    """With a right after notice, the contract without the open right has a witness."""
    c = load(DEFAULT_EXIT.format(late=NOTICE))
    assert c is not None
    used, results = _spied(c)
    res = results[1]
    assert used == ["sell_clear"]
    assert res.verdict == Verdict.HOLDS and res.scenario is not None
    assert [(o.event, str(m.date_of(o.day))) for o in res.scenario.events] == [
        ("Notice", "2020-07-01"),  # a round date in the middle of the contract's year
        ("Leave", "2020-07-02"),
        ("Sell", "2020-07-03"),
    ]


def test_interacting_contract_as_without_open_rights() -> None:
    """The bench's interacting contracts: deals whose exits are guarded by their
    default, one deal in ten ending the whole contract."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import gen_interacting  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    from dsl.diagnostics import Sources
    from dsl.load import load_contract

    text = gen_interacting.generate(840, 12, seed=1)
    loaded = load_contract("interacting.contract", Sources(), text)
    assert loaded.contract is not None
    assert Opened.of(loaded.contract) is not None
    _agree(loaded.contract)


# §1.1 and §1.2 disagree on every use once §1.3, which prevails over both, has
# ended with the contract; its right to end it is guarded by a state (Active)
TREE = (ROOT / "tests" / "data" / "conflict_after_termination.contract").read_text()


def test_a_conflict_only_after_termination() -> None:
    """Without the right there is no conflict, with it open there is one: the
    contract itself decides, and its right can be used."""
    c = load(TREE)
    assert c is not None and Opened.of(c) is not None
    (f,) = verify_contract(c, jobs=1).findings
    assert f.code == "conflict" and f.clauses == ("§1.1", "§1.2")
    assert f.scenario is not None and [o.event for o in f.scenario.events] == ["Quit", "Use"]


def test_no_conflict_when_the_right_cannot_be_used() -> None:
    """The same tree, but the right's condition never holds: open, the right
    would end the contract and bring the conflict; the contract itself has none."""
    c = load(TREE.replace("while Active", "while Never"))
    assert c is not None and Opened.of(c) is not None
    assert [(f.code, f.clauses) for f in verify_contract(c, jobs=1).findings] == [("dead-clause", ("§2",))]


def test_a_right_written_in_two_clauses_is_open() -> None:
    """The shipped SaaS agreement gives the power in §6.2 (while the right is open) and
    its effect in §6.3: both are the right; only §6.2 had a condition to drop."""
    from dsl.diagnostics import Sources
    from dsl.load import load_contract

    c = load_contract(str(ROOT / "contracts" / "saas_agreement.contract"), Sources()).contract
    assert c is not None
    opened = Opened.of(c)
    assert opened is not None
    assert opened.acts == {"§6.2": "TerminateForCause", "§6.3": "TerminateForCause"}
    assert opened.contract.clauses["§6.2"].guards.while_cond is None
    assert opened.contract.clauses["§6.3"] == c.clauses["§6.3"]


def test_every_shipped_contract_answers_as_without_open_rights() -> None:
    from dsl.diagnostics import Sources
    from dsl.load import load_contract

    for path in sorted((ROOT / "contracts").glob("*.contract")):
        c = load_contract(str(path), Sources()).contract
        assert c is not None, path
        _agree(c)
