"""What the solver answers, as plain data: no z3 here, so the stages that read
outcomes (``verifier.verify``) need not import it."""

from __future__ import annotations

import enum

import attrs

from dsl.scenario import Scenario
from verifier.budget import Stop


class SolveStatus(enum.StrEnum):
    SAT = "sat"  # a scenario answers the question
    UNSAT = "unsat"  # none does, within the bounds
    UNKNOWN = "unknown"  # not decided: ``Outcome.stop`` says which limit stopped it


@attrs.frozen
class Outcome:
    status: SolveStatus
    scenario: Scenario | None = None  # with SAT
    core: tuple[str, ...] = ()  # with UNSAT: the clause ids the answer rests on
    reason: str | None = None  # with UNKNOWN: Z3's reason (or the limit's)
    stop: Stop | None = None  # with UNKNOWN: the limit that stopped it
