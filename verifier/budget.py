"""From a run's limits to the budget every stage draws on while it runs: the
deadline, the solver's work per query and the memory ceiling, and why a
question was left undecided when one of them ran out.

Plain Python, no z3 and nothing of the other stages, so the interpreter
(``verifier.semantics``), the encoding (``verifier.smt``) and the runs
(``verifier.verify``) can all read it. The user's value is
``verifier.verify.limits.Limits``; ``Limits.budget()`` starts the clock.
"""

from __future__ import annotations

import enum
import os
import time

import attrs

DEFAULT_RLIMIT = 50_000_000  # Z3 resource units for one solver query
SAFETY_TIMEOUT_S = 120.0  # a query's wall-clock safety net when the run has no deadline


class Stop(enum.StrEnum):
    """Why a question was not decided."""

    TIME = "time"  # the run's time limit (--timeout)
    WORK = "work"  # the solver's work limit for one query (--rlimit)
    MEMORY = "memory"  # the memory limit (--max-memory)
    WORKER = "worker"  # the process solving it ended without an answer
    SOLVER = "solver"  # the solver gave up for a reason of its own


class Exhausted(Exception):
    """A limit ran out before a question was asked or while it was."""

    def __init__(self, stop: Stop, detail: str = "") -> None:
        super().__init__(stop.value if not detail else f"{stop.value}: {detail}")
        self.stop = stop
        self.detail = detail


def physical_memory() -> int | None:
    """Bytes of physical memory, or None where the system does not say."""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    return pages * size if pages > 0 and size > 0 else None


def resident_memory() -> int | None:
    """Bytes this process has resident now (Linux ``/proc``), else its peak so
    far (``getrusage``), else None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    except (ImportError, OSError, ValueError):
        return None


def gib(n: int) -> str:
    """Bytes as a lawyer reads them: "2.0 GiB", "512 MiB"."""
    if n >= 2**30:
        return f"{n / 2**30:.1f} GiB"
    return f"{max(1, round(n / 2**20))} MiB"


def seconds(t: float) -> str:
    return f"{t:g} s" if t < 100 else f"{t:,.0f} s"


def classify(z3_reason: str) -> Stop:
    """Z3's ``reason_unknown`` (or the text of its exception) as a ``Stop``."""
    r = z3_reason.lower()
    if "memory" in r:
        return Stop.MEMORY
    if "resource" in r or "rlimit" in r or "canceled" in r:  # Z3 says "canceled" when its rlimit runs out
        return Stop.WORK
    if "timeout" in r:
        return Stop.TIME
    return Stop.SOLVER


@attrs.define
class Budget:
    """One run's limits, its clock started. ``deadline``: ``time.monotonic()``
    value (shared by forked workers: the clock is the system's)."""

    timeout: float | None = None
    rlimit: int = DEFAULT_RLIMIT
    max_memory: int | None = None
    deadline: float | None = None
    # what the solver keeps for the run, opaque here: its Z3 context
    # (``verifier.smt.solver.run_context``), so that no run sees another's terms
    solver_context: object = attrs.field(default=None, eq=False, repr=False)
    canceled: bool = False  # ``cancel``: whoever started the run no longer wants its answer

    def cancel(self) -> None:
        """Stop the run from another thread (an editor that no longer wants the
        answer): no question is started after this, and the one being solved in the
        run's solver context is interrupted. What it stops is ``unknown``, and
        ``reason`` then says that the run was canceled."""
        if self is UNLIMITED:  # shared by every run without limits: never stopped for one
            return
        self.canceled = True
        self.deadline = time.monotonic()
        interrupt = getattr(self.solver_context, "interrupt", None)
        if callable(interrupt):
            interrupt()

    @classmethod
    def start(cls, timeout: float | None, rlimit: int | None, max_memory: int | None) -> Budget:
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        return cls(timeout, rlimit or DEFAULT_RLIMIT, max_memory, deadline)

    def share(self, n: int) -> Budget:
        """The budget of one of ``n`` workers running at once beside their
        parent: the same deadline and work limit, a share of the memory."""
        mem = None if self.max_memory is None else max(1, self.max_memory // (n + 1))
        return attrs.evolve(self, max_memory=mem)

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def over_memory(self) -> bool:
        if self.max_memory is None:
            return False
        rss = resident_memory()
        return rss is not None and rss > self.max_memory

    def check(self) -> None:
        """Raise ``Exhausted`` if the deadline has passed or memory is over its ceiling."""
        if self.expired():
            raise Exhausted(Stop.TIME)
        if self.over_memory():
            raise Exhausted(Stop.MEMORY)

    def query_timeout_ms(self) -> int:
        """Milliseconds the next solver query may take: the time left (at least
        1 ms: Z3 reads 0 as no limit), at most the safety net."""
        left = self.remaining()
        cap = SAFETY_TIMEOUT_S if left is None else min(left, SAFETY_TIMEOUT_S)
        return max(1, int(cap * 1000))

    def query_memory_mb(self) -> int | None:
        """Megabytes Z3 may hold while the next query runs (its per-solver
        ``max_memory``, which Z3 compares with all it has allocated in the process)."""
        return None if self.max_memory is None else max(1, self.max_memory // 2**20)

    def reason(self, stop: Stop, what: str = "check", detail: str = "") -> str:
        """Why ``what`` (a check, an analysis, the comparison) was not decided, in words."""
        if self.canceled:
            return f"not decided: the run was canceled before this {what} was finished"
        if stop == Stop.TIME:
            limit = f" of {seconds(self.timeout)}" if self.timeout is not None else ""
            return f"not decided: the run's time limit{limit} was reached before this {what} was finished"
        if stop == Stop.WORK:
            return f"not decided: the solver's work limit (rlimit {self.rlimit:,}) was reached"
        if stop == Stop.MEMORY:
            limit = f" of {gib(self.max_memory)}" if self.max_memory is not None else ""
            return f"not decided: the memory limit{limit} was reached"
        if stop == Stop.WORKER:
            return f"not decided: the process solving this {what} ended without an answer{_paren(detail)}"
        return f"the solver gave up: {detail or 'unknown'}"


def _paren(detail: str) -> str:
    return f" ({detail})" if detail else ""


UNLIMITED = Budget()
"""No deadline, the default work limit, no memory ceiling: what a run without ``limits`` gets."""
