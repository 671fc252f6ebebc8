"""From a big contract's slices to their answers, solved in forked processes.

Each worker is given a fixed share of the slices (the biggest first, each to the
worker with the fewest clauses so far); the workers inherit the contract by forking,
so nothing but the answers crosses a pipe.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from verifier.verify.results import CheckResult

# A *big* contract has at least this many distinct slices and this many
# clauses over all of them. Its slices are solved in parallel, each worker
# given a fixed share in a fixed order; a small contract (the seed's five
# slices, ~0.05 s in all) is solved in one process, in the checks' order.
# Verdicts and the clauses they rest on do not depend on the number of
# processes. A witness may: which of several valid scenarios Z3 picks depends a
# little on what the process solved before (even across Z3 contexts: giving
# each slice a context of its own did not make witnesses repeat, and cost
# ~1.4 ms a slice), so witnesses of a big contract can differ between runs
# with different numbers of processes; every one is replayed as always. Each
# slice's provers are dropped once its checks are answered, so memory stays
# that of the biggest slice.
PARALLEL_MIN_SLICES = 8
PARALLEL_MIN_CLAUSES = 300

# what one slice is solved into: (check index, result) pairs
SolveSlice = Callable[[int], list[tuple[int, CheckResult]]]


def jobs_for(jobs: int | None, slices: int) -> int:
    """How many processes to solve ``slices`` slices in: ``jobs`` (None: the
    machine's cores), at most one per slice; one where processes cannot fork."""
    import multiprocessing
    import os

    n = jobs if jobs is not None else (os.cpu_count() or 1)
    if n > 1 and "fork" not in multiprocessing.get_all_start_methods():
        return 1  # the workers inherit the contract by forking; elsewhere, one process
    return max(1, min(n, slices))


def shares_of(sizes: list[int], n: int) -> list[list[int]]:
    """Slices (by their clause counts) shared among ``n`` workers: the biggest
    first, each to the worker with the fewest clauses so far, so the shares are
    balanced and fixed."""
    order = sorted(range(len(sizes)), key=lambda j: (-sizes[j], j))
    shares: list[list[int]] = [[] for _ in range(n)]
    load = [0] * n
    for j in order:
        w = load.index(min(load))
        shares[w].append(j)
        load[w] += sizes[j] + 10  # + a slice's fixed cost
    return shares


# The worker's task, set in each worker by the pool's initializer: with the
# "fork" start method the initializer's arguments are inherited, not pickled,
# so the contract and its slices never cross a pipe. The parent never sets it.
_task: SolveSlice | None = None


def _start_worker(solve: SolveSlice) -> None:
    global _task
    _task = solve


def _solve_share(share: list[int]) -> list[tuple[int, CheckResult]]:
    assert _task is not None, "a worker started without its task"
    return [(i, attrs.evolve(r, timeline=None)) for j in share for i, r in _task(j)]


def in_processes(sizes: list[int], n: int, solve: SolveSlice) -> list[tuple[int, CheckResult]]:
    """``solve(j)`` for every slice ``j`` (of ``sizes[j]`` clauses), in ``n``
    forked workers with fixed shares (``shares_of``). The results come without
    their timelines (they stay in the workers)."""
    import multiprocessing

    shares = shares_of(sizes, n)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(n, initializer=_start_worker, initargs=(solve,)) as pool:
        return [x for part in pool.map(_solve_share, shares, chunksize=1) for x in part]
