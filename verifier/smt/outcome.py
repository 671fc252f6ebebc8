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


class Agreement(enum.StrEnum):
    """What a second solver said about a question Z3 answered."""

    CONFIRMED = "confirmed"  # the same answer
    DISAGREES = "disagrees"  # the other answer: one of the two solvers, or the export, is wrong
    UNKNOWN = "unknown"  # no answer (a limit, an unsupported construct): neither confirmed nor refuted
    UNREADABLE = "unreadable"  # it could not read the exported question: a bug of the export


@attrs.frozen
class Confirmation:
    """A second solver's verdict on one question, or on all those of a result
    (``combined``): the solver and version, its own answer, and why it had none."""

    agreement: Agreement
    solver: str  # e.g. "cvc5 1.4.2"
    answer: str = ""  # its answer: sat, unsat, unknown
    expected: str = ""  # Z3's
    reason: str = ""  # with UNKNOWN or UNREADABLE: why
    files: tuple[str, ...] = ()  # the exported questions, where they were written

    def words(self) -> str:
        """What it says, in words: ``confirmed by cvc5 1.4.2``, ..."""
        if self.agreement == Agreement.CONFIRMED:
            return f"confirmed by {self.solver}"
        if self.agreement == Agreement.UNKNOWN:
            return f"not confirmed: {self.solver} could not decide it" + (
                f" ({self.reason})" if self.reason else ""
            )
        if self.agreement == Agreement.DISAGREES:
            return f"{self.solver} disagrees: it answers {self.answer} where Z3 answers {self.expected}"
        return f"{self.solver} could not read the question: {self.reason}"

    def to_json(self) -> dict[str, object]:
        return {
            "solver": self.solver,
            "agreement": self.agreement.value,
            "answer": self.answer,
            "z3": self.expected,
            "reason": self.reason,
            "files": list(self.files),
        }

    @property
    def wrong(self) -> bool:
        """The result cannot stand: the two solvers disagree, or the question could not be read."""
        return self.agreement in (Agreement.DISAGREES, Agreement.UNREADABLE)


def combined(parts: list[Confirmation | None]) -> Confirmation | None:
    """One confirmation of a result from those of its questions (a proof and its
    re-check): the gravest of them (unreadable, disagrees, unknown, confirmed)."""
    have = [x for x in parts if x is not None]
    if not have:
        return None
    rank = [Agreement.UNREADABLE, Agreement.DISAGREES, Agreement.UNKNOWN, Agreement.CONFIRMED]
    worst = min(have, key=lambda x: rank.index(x.agreement))
    return attrs.evolve(worst, files=tuple(f for x in have for f in x.files))


@attrs.frozen
class Outcome:
    status: SolveStatus
    scenario: Scenario | None = None  # with SAT
    core: tuple[str, ...] = ()  # with UNSAT: the clause ids the answer rests on
    reason: str | None = None  # with UNKNOWN: Z3's reason (or the limit's)
    stop: Stop | None = None  # with UNKNOWN: the limit that stopped it
    confirmation: Confirmation | None = None  # a second solver's, when one was asked (``--confirm``)
    how: str = ""  # with SAT: how the scenario's dates and amounts were chosen, in words
