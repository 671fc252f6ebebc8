"""From a big contract's slices to their answers, solved in forked processes.

Each worker is given a fixed share of the slices (the biggest first, each to the
worker with the fewest clauses so far); the workers inherit the contract by forking,
so nothing but the answers crosses a pipe. A worker that dies, or outlives the
run's deadline, is ended, and the checks it had not answered are ``unknown``
with that reason: never a hang, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from verifier.budget import Stop

T = TypeVar("T")

# A *big* contract has at least this many distinct slices and this many
# clauses over all of them. Its slices are solved in parallel, each worker
# given a fixed share in a fixed order; a small contract (the seed's five
# slices, ~0.05 s in all) is solved in one process, in the checks' order.
# Verdicts and the clauses they rest on do not depend on the number of
# processes. Witnesses are minimised (fewest events, then earliest days and
# smallest amounts) and repeat between runs and process counts on the tests'
# interacting contract (tests/verifier/verify/test_repeatable.py); where
# several scenarios tie on every criterion, which one Z3 returns may still
# depend on what the process solved before (a context per slice did not
# change that, and cost ~1.4 ms a slice). Every witness is replayed as
# always. Each slice's provers are dropped once its checks are answered, so
# memory stays that of the biggest slice.
PARALLEL_MIN_SLICES = 8
PARALLEL_MIN_CLAUSES = 300

# what one slice is solved into: (check index, result) pairs
SolveSlice = Callable[[int], list[tuple[int, T]]]


def before_fork(c: Any) -> None:
    """What every worker needs, made once in the parent and inherited by
    forking: the solver's modules and the whole contract's interpreter index."""
    import verifier.smt.prove  # noqa: F401
    import verifier.verify.witness  # noqa: F401
    from verifier.semantics.interpret import index_of

    index_of(c)


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


# what the checks of slice ``j`` become when no answer came back: (j, why, detail)
LostSlice = Callable[[int, Stop, str], list[tuple[int, T]]]

# how long past the run's deadline the parent waits for a worker's answers
# before it ends the worker: the time to send what it has
GRACE_S = 5.0


def _die_with(parent: int) -> None:
    """End this worker when its parent ends, even by SIGKILL (``daemon=True``
    only helps when the parent exits normally): Linux's parent-death signal,
    then a check that the parent did not end before it was set."""
    import os
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it ended before the signal was set: end as the signal would have
        os.kill(os.getpid(), signal.SIGKILL)


def _serve(
    conn: Any, share: list[int], solve: SolveSlice[T], strip: Callable[[T], T] | None, parent: int = 0
) -> None:
    """A worker: the answers of its share (each through ``strip``), sent back
    slice by slice (so what was answered before it ended is kept), then None.
    It ends with its ``parent`` process."""
    if parent:
        _die_with(parent)
    try:
        for j in share:
            got = solve(j)
            conn.send((j, got if strip is None else [(i, strip(r)) for i, r in got]))
        conn.send(None)
    except BaseException:  # noqa: BLE001 - a worker never raises into its parent: it ends
        pass
    finally:
        conn.close()


def in_processes(
    sizes: list[int],
    n: int,
    solve: SolveSlice[T],
    lost: LostSlice[T] | None = None,
    remaining: Callable[[], float | None] | None = None,
    strip: Callable[[T], T] | None = None,
) -> list[tuple[int, T]]:
    """``solve(j)`` for every slice ``j`` (of ``sizes[j]`` clauses), in ``n``
    forked workers with fixed shares (``shares_of``). Each result crosses the
    pipe as ``strip(result)`` (the checks' leave their timelines in the
    workers: the parent replays what it draws). A worker that ends without
    answering its slices (killed, out of memory), or has not answered
    ``GRACE_S`` after the deadline (``remaining()`` seconds left), is ended and
    the checks of its unanswered slices are ``lost(j, why, detail)`` (default:
    an error: there is no answer to give)."""
    import multiprocessing
    import os
    from multiprocessing.connection import wait

    shares = shares_of(sizes, n)
    ctx = multiprocessing.get_context("fork")
    workers: dict[Any, tuple[Any, list[int]]] = {}
    for share in shares:
        mine, theirs = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_serve, args=(theirs, share, solve, strip, os.getpid()), daemon=True)
        p.start()
        theirs.close()
        workers[mine] = (p, list(share))
    answers: dict[int, list[tuple[int, T]]] = {}
    failed: list[tuple[int, Stop, str]] = []

    def give_up(conn: Any, why: Stop, detail: str) -> None:
        p, left = workers.pop(conn)
        if p.is_alive():
            p.kill()
        p.join()
        conn.close()
        failed.extend((j, why, detail) for j in left)

    try:
        while workers:
            left_s = remaining() if remaining is not None else None
            wait_s = None if left_s is None else max(0.0, left_s + GRACE_S)
            ready = wait(list(workers), timeout=wait_s)
            if not ready:  # past the deadline and its grace: end them all
                for late in list(workers):
                    give_up(late, Stop.TIME, "")
                break
            for ready_conn in ready:
                conn: Any = ready_conn
                try:
                    msg: Any = conn.recv()
                except (EOFError, OSError):
                    p = workers[conn][0]
                    p.join(1)
                    code = p.exitcode
                    detail = f"it ended with signal {-code}" if code and code < 0 else f"exit status {code}"
                    give_up(conn, Stop.WORKER, detail)
                    continue
                if msg is None:
                    p, _ = workers.pop(conn)
                    p.join()
                    conn.close()
                    continue
                j, got = msg
                answers[j] = got
                workers[conn][1].remove(j)
    finally:
        for left_over in list(workers):
            give_up(left_over, Stop.WORKER, "the run was interrupted")
    for j, why, detail in failed:
        if lost is None:
            raise RuntimeError(f"slice {j} was not answered: {why.value} {detail}")
        answers[j] = lost(j, why, detail)
    return [x for j in sorted(answers, key=lambda j: _position(shares, j)) for x in answers[j]]


def _position(shares: list[list[int]], j: int) -> tuple[int, int]:
    """Where slice ``j`` stands in the workers' shares: the order the pool
    gave their answers in (worker by worker, each share in its order)."""
    for w, share in enumerate(shares):
        if j in share:
            return w, share.index(j)
    return len(shares), j
