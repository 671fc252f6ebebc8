"""What the solver answers, as plain data: no z3 here, so the stages that read
outcomes (``verifier.verify``) need not import it."""

from __future__ import annotations

import enum

import attrs

from dsl.scenario import Scenario


class SolveStatus(enum.StrEnum):
    SAT = "sat"  # a scenario answers the question
    UNSAT = "unsat"  # none does, within the bounds
    UNKNOWN = "unknown"  # the solver gave up (resource limit)


@attrs.frozen
class Outcome:
    status: SolveStatus
    scenario: Scenario | None = None  # with SAT
    core: tuple[str, ...] = ()  # with UNSAT: the clause ids the answer rests on
    reason: str | None = None  # with UNKNOWN: Z3's reason
