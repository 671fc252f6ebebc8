"""From quota contracts whose checks need 4 to 8 occurrences of one event to the cost
of solving them at those derived bounds, next to the old fixed bound of 2.

A quota of n uses is built from n states (the k-th use starts stage k; from stage
n on, a use is forbidden), so its checks need n + 1 uses (docs/semantics.md §14.1).
Each contract has the quota check (fails, with n + 1 uses), a proof that no breach
comes before day n + 1, and a check about a party the quota does not bind; ``verify``
runs with default options (analyses on). ``bench/run.py --only bounds`` prints the
table; ``python bench/bounds_cost.py`` prints the rows alone.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def quota(n: int) -> str:
    out = [
        'contract "Quota" effective 2024-01-01 horizon 2024-12-31\n',
        "party A\nparty B\nevent Use by A\nevent Call by B\n",
        *(f"state Used{i}\n" for i in range(1, n + 1)),
        "§1 First use\n  while not Used1\n  Use starts Used1\n",
    ]
    for i in range(2, n + 1):
        out.append(f"§{i} Use {i}\n  while Used{i - 1} and not Used{i}\n  Use starts Used{i}\n")
    out.append(f"§{n + 1} Quota\n  while Used{n}\n  A must not Use\n")
    out.append(f"§{n + 2} Calls\n  when Use by A:\n    B must Call within 5 days\n")
    out.append('check within "A keeps to the quota":\n  never breach by A\n')
    out.append(
        f'check early "No breach before day {n + 1}":\n  never breach by A before 2024-01-{n + 1:02d}\n'
    )
    out.append('check calls "B can keep up with the calls":\n  possible Use and not breach by B\n')
    return "".join(out)


def measure(n: int, bound: int | None) -> dict[str, Any]:
    from dsl.diagnostics import Sources
    from dsl.load import load_contract
    from verifier.verify.run import verify_contract

    lc = load_contract("quota.contract", Sources(), text=quota(n))
    assert lc.contract is not None
    t0 = time.perf_counter()
    v = verify_contract(lc.contract, bound=bound)
    seconds = time.perf_counter() - t0
    return {
        "n": n,
        "bound": bound,
        "seconds": seconds,
        "verdicts": {r.id: r.verdict.value for r in v.results},
        "coverage": {r.id: r.reach.coverage.value if r.reach else None for r in v.results},
        "needs": max((k for r in v.results if r.reach for _, k in r.reach.per_event or ()), default=0),
        "findings": len(v.findings),
    }


if __name__ == "__main__":
    for n in range(3, 8):
        for b in (None, 2):
            print(measure(n, b))
