"""From the user's limits (``--timeout``, ``--rlimit``, ``--max-memory``, or
``[tool.whereas]``) to one value every stage of a run is given.

A limit reached never becomes a verdict of its own making: the check or
analysis it stopped is ``unknown``, with the limit named as its reason, and
the run goes on to the next one while time remains. How each is enforced:

- ``timeout``: a deadline for the whole run. Each solver query is given at
  most the time left (Z3's per-solver ``timeout``); once it has passed, the
  checks and analyses not yet started are not started.
- ``rlimit``: Z3's resource units for each solver query (its per-solver
  ``rlimit``, reproducible where time is not).
- ``max_memory``: each solver is given Z3's per-solver ``max_memory`` (Z3
  compares it with all it has allocated in the process); the process's
  resident memory is looked at between queries; a Z3 "out of memory" or a
  Python ``MemoryError`` during a query makes that question ``unknown``. None
  of these changes anything global: ``apply_to_process`` (a hard ceiling on
  the address space) is for a process the caller owns, as the command line does.
"""

from __future__ import annotations

import attrs

from verifier.budget import Budget, physical_memory


@attrs.frozen
class Limits:
    """``timeout``: seconds for the whole run (None: no deadline beyond the solver's
    own safety net). ``rlimit``: Z3 resource units for one solver query (None: the
    default, ``verifier.budget.DEFAULT_RLIMIT``). ``max_memory``: bytes the run
    may use (None: a share of the machine, ``default_max_memory``)."""

    timeout: float | None = None
    rlimit: int | None = None
    max_memory: int | None = None

    def budget(self) -> Budget:
        """The limits with the clock started now."""
        mem = self.max_memory if self.max_memory is not None else default_max_memory()
        return Budget.start(self.timeout, self.rlimit, mem)


NO_LIMITS = Limits()

DEFAULT_MEMORY_SHARE = 2  # the default ceiling: half of physical memory
FALLBACK_MAX_MEMORY = 4 * 2**30  # where the machine does not say how much it has


def default_max_memory() -> int:
    """Half of the machine's physical memory (4 GiB where it cannot be read)."""
    total = physical_memory()
    return total // DEFAULT_MEMORY_SHARE if total else FALLBACK_MAX_MEMORY


# Address space is not resident memory: the interpreter, Z3's library and the
# threads' stacks reserve more than they touch, so the hard ceiling leaves room
AS_HEADROOM = 2 * 2**30


def apply_to_process(limits: Limits) -> int | None:
    """For a process the caller owns (the command line): a hard ceiling on its
    address space (``RLIMIT_AS``) a little above ``max_memory`` (or its default),
    so that a run which outgrows every softer check gets a ``MemoryError`` or
    Z3's "out of memory" (both become ``unknown``) rather than the machine's
    out-of-memory killer. Returns the ceiling set, or None where the system has
    no such limit. Never lowers a ceiling already set lower."""
    try:
        import resource
    except ImportError:
        return None
    mem = limits.max_memory if limits.max_memory is not None else default_max_memory()
    want = mem + AS_HEADROOM
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft != resource.RLIM_INFINITY and soft <= want:
            return int(soft)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (OSError, ValueError):
        return None
    return want
