"""From the user's limits (``--timeout``, ``--rlimit``, ``--max-memory``, or
``[tool.whereas]``) to one value every stage of a run is given.

A limit reached never becomes a verdict of its own making: the check or
analysis it stopped is ``unknown``, with the limit named as its reason, and
the run goes on to the next one while time remains.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Limits:
    """``timeout``: seconds for the whole run (None: no deadline beyond the solver's
    own safety net). ``rlimit``: Z3 resource units for one solver query (None: the
    default, ``verifier.smt.solver.DEFAULT_RLIMIT``). ``max_memory``: bytes the run
    may use (None: a share of the machine, ``default_max_memory``)."""

    timeout: float | None = None
    rlimit: int | None = None
    max_memory: int | None = None


NO_LIMITS = Limits()
