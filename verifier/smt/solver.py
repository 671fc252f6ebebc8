"""The one place solvers are made: fixed seed, deterministic resource limit.

Every setting is the solver's own: nothing here or elsewhere in the package
changes Z3's global parameters (``z3.set_param``), which belong to whoever else
uses Z3 in the process; a solver's ``random_seed`` overrides the global
``smt.random_seed``/``sat.random_seed`` whatever the caller set them to.

Z3's wall-clock timeout is enforced only softly and varies with machine load,
so verdicts would depend on the machine; ``rlimit`` counts solver work and is
reproducible for one Z3 build and assertion order. The timeout stays only as a
safety net against a runaway query.
"""

from __future__ import annotations

from typing import Any

import z3

DEFAULT_RLIMIT = 50_000_000
SAFETY_TIMEOUT_MS = 120_000
SEED = 0


def make_solver(rlimit: int = DEFAULT_RLIMIT, ctx: Any = None) -> Any:
    s = z3.Solver(ctx=ctx)
    s.set("random_seed", SEED)
    s.set("rlimit", rlimit)
    s.set("timeout", SAFETY_TIMEOUT_MS)
    s.set("unsat_core", True)
    return s


def make_optimizer(rlimit: int = DEFAULT_RLIMIT) -> Any:
    o = z3.Optimize()
    o.set("random_seed", SEED)
    o.set("rlimit", rlimit)
    o.set("timeout", SAFETY_TIMEOUT_MS)
    return o


def z3_version() -> str:
    return str(z3.get_version_string())
