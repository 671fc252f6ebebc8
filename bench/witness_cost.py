"""What plausible witnesses cost: ``verify`` with default options, witnesses
chosen plausibly (the default) against the smallest ones (``--witness smallest``).

    .venv/bin/python bench/witness_cost.py            # 1,000 clauses, both generators
    .venv/bin/python bench/witness_cost.py 300 30     # another size

For each contract (``bench/gen_contract.py``'s and ``bench/gen_interacting.py``'s,
N clauses and M checks) it prints, per style, the median wall time of three
in-process runs of ``verify_contract`` (analyses on, one job), the number of
interpreter runs (``simulate``: a deterministic count, unlike the time) and how
many witnesses show an amount of $0 or $0.01; then the ratios side by side.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_contract  # noqa: E402
import gen_interacting  # noqa: E402

from dsl.diagnostics import Sources  # noqa: E402
from dsl.literals import Money  # noqa: E402
from dsl.load import load_contract  # noqa: E402
from verifier.semantics import interpret  # noqa: E402
from verifier.verify.plausible import WitnessStyle  # noqa: E402
from verifier.verify.run import verify_contract  # noqa: E402


def _measure(c: Any, style: WitnessStyle) -> tuple[float, int, int]:
    runs = 0
    real = interpret.simulate

    def counted(*a: Any, **kw: Any) -> Any:
        nonlocal runs
        runs += 1
        return real(*a, **kw)

    times = []
    tiny = 0
    for _ in range(3):
        runs = 0
        interpret.simulate = counted  # type: ignore[assignment]
        try:
            t = time.perf_counter()
            v = verify_contract(c, jobs=1, witness=style)
            times.append(time.perf_counter() - t)
        finally:
            interpret.simulate = real  # type: ignore[assignment]
        tiny = sum(
            1
            for r in v.results
            if r.scenario is not None
            for o in r.scenario.events
            for _, a in o.args
            if isinstance(a, Money) and a.cents in (0, 1)
        )
    return statistics.median(times), runs, tiny


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 1000
    k = int(argv[1]) if len(argv) > 1 else max(n // 10, 1)
    print(f"{'contract':<22} {'style':<10} {'seconds':>8} {'interpreter runs':>17} {'$0 or $0.01':>12}")
    for name, gen in (("gen_contract", gen_contract.generate), ("gen_interacting", gen_interacting.generate)):
        lc = load_contract(f"{name}-{n}.contract", Sources(), gen(n, k))
        assert lc.contract is not None
        got = {}
        for style in (WitnessStyle.SMALLEST, WitnessStyle.PLAUSIBLE):
            got[style] = _measure(lc.contract, style)
            s, runs, tiny = got[style]
            print(f"{name + f' {n}x{k}':<22} {style.value:<10} {s:>8.2f} {runs:>17,} {tiny:>12}")
        (s0, r0, _), (s1, r1, _) = got[WitnessStyle.SMALLEST], got[WitnessStyle.PLAUSIBLE]
        print(f"{'':<22} {'ratio':<10} {s1 / s0:>8.2f} {r1 / max(r0, 1):>17.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
