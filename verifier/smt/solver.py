"""From a run's budget to solvers, and from a solver's check to an answer or
the limit that stopped it: the one place solvers are made and asked, with a
fixed seed and a deterministic resource limit.

Every setting is the solver's own: nothing here or elsewhere in the package
changes Z3's global parameters (``z3.set_param``), which belong to whoever else
uses Z3 in the process; a solver's ``random_seed`` overrides the global
``smt.random_seed``/``sat.random_seed`` whatever the caller set them to, and
its ``max_memory`` bounds that solver only.

Z3's wall-clock timeout is enforced only softly and varies with machine load,
so verdicts would depend on the machine; ``rlimit`` counts solver work and is
reproducible for one Z3 build and assertion order. A timeout is set only from
the run's deadline (``--timeout``), or as a safety net against a runaway query.
"""

from __future__ import annotations

from typing import Any

import z3

from verifier.budget import DEFAULT_RLIMIT, SAFETY_TIMEOUT_S, UNLIMITED, Budget, Exhausted, Stop, classify

SAFETY_TIMEOUT_MS = int(SAFETY_TIMEOUT_S * 1000)
SEED = 0
CTRL_C = "interrupted from keyboard"  # Z3's reason when Ctrl-C stopped a check

__all__ = [
    "DEFAULT_RLIMIT",
    "SAFETY_TIMEOUT_MS",
    "SEED",
    "check",
    "make_optimizer",
    "make_solver",
    "run_context",
    "stop_of",
]


def _configure(s: Any, budget: Budget) -> None:
    s.set("random_seed", SEED)
    s.set("rlimit", budget.rlimit)
    s.set("timeout", budget.query_timeout_ms())
    mb = budget.query_memory_mb()
    if mb is not None:
        s.set("max_memory", mb)


def run_context(budget: Budget) -> Any:
    """The Z3 context of one run (``budget`` started for it): made on first use and
    shared by every prover of the run. Terms, and the ids Z3 gives them, steer its
    search; in Z3's main context they would pile up from every run before, and a
    run's witnesses would depend on what the process had solved already."""
    if budget is UNLIMITED:
        return z3.main_ctx()
    if budget.solver_context is None:
        budget.solver_context = z3.Context()
    return budget.solver_context


def make_solver(rlimit: int = DEFAULT_RLIMIT, ctx: Any = None, budget: Budget | None = None) -> Any:
    """A solver under ``budget`` (default: none but ``rlimit`` per query)."""
    s = z3.Solver(ctx=ctx)
    _configure(s, budget if budget is not None else Budget(rlimit=rlimit))
    s.set("unsat_core", True)
    return s


def make_optimizer(rlimit: int = DEFAULT_RLIMIT, budget: Budget | None = None) -> Any:
    o = z3.Optimize()
    _configure(o, budget if budget is not None else Budget(rlimit=rlimit))
    return o


def check(solver: Any, budget: Budget = UNLIMITED, *assumptions: Any) -> Any:
    """``solver.check(*assumptions)`` given at most the time the run has left.
    Raises ``Exhausted`` if the deadline has passed or memory is over its
    ceiling before it starts, or if Z3 or Python runs out of memory during it;
    ``KeyboardInterrupt`` if Ctrl-C stopped it (Z3 would answer unknown)."""
    budget.check()
    solver.set("timeout", budget.query_timeout_ms())
    try:
        answer = solver.check(*assumptions)
    except MemoryError as e:
        raise Exhausted(Stop.MEMORY, "MemoryError") from e
    except z3.Z3Exception as e:
        text = str(e)
        if "memory" in text.lower():
            raise Exhausted(Stop.MEMORY, text) from e
        if budget.expired():
            raise Exhausted(Stop.TIME, text) from e
        raise
    if answer == z3.unknown and str(solver.reason_unknown()) == CTRL_C:
        # Z3 catches Ctrl-C during a check and answers unknown: it is the user's, not a verdict
        raise KeyboardInterrupt
    return answer


def stop_of(solver: Any, budget: Budget = UNLIMITED) -> tuple[Stop, str]:
    """Why ``solver`` answered ``unknown``: the limit, and Z3's words."""
    reason = str(solver.reason_unknown())
    stop = classify(reason)
    if budget.expired():
        return Stop.TIME, reason
    if stop == Stop.TIME and budget.deadline is None:
        return Stop.SOLVER, f"{reason} (the {SAFETY_TIMEOUT_S:g} s safety net of one query)"
    return stop, reason


def z3_version() -> str:
    return str(z3.get_version_string())
