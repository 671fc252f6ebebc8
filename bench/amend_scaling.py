"""From the number of changes to the time of applying an amendment
(``dsl.amend.apply_amendment``): a contract of 2,000 to 8,000 clauses, an
amendment replacing every other one, removing every fourth and adding a
quarter as many again, printing seconds and the ratio at each doubling.

Before 2026-12-03 each change scanned every item for its target: 8,000
clauses took 46 s (ratios near 4); now each is found by name.

    .venv/bin/python bench/amend_scaling.py
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]


def texts(n: int) -> tuple[str, str]:
    base = 'contract "b" effective 2024-01-01 horizon 2025-01-01\nparty A\nevent Pay by A\n'
    base += "".join(f"§{i} T{i}\n  A may Pay\n" for i in range(1, n + 1))
    am = 'amendment "a" to "b.contract"\n'
    am += "".join(f"replace §{i} T{i}\n  A must not Pay\n" for i in range(1, n + 1, 2))
    am += "".join(f"remove §{i}\n" for i in range(2, n + 1, 4))
    am += "".join(f"add §{n + i} New\n  A may Pay\n" for i in range(1, n // 4))
    return base, am


def main() -> None:
    from dsl import syntax as s
    from dsl.amend import apply_amendment
    from dsl.parse import parse_text

    before = None
    print(f"{'clauses':>8} {'changes':>8} {'seconds':>8} {'ratio':>6}")
    for n in (2000, 4000, 8000, 16000):
        base_text, am_text = texts(n)
        base, _ = parse_text(base_text, "b.contract")
        am, _ = parse_text(am_text, "a.amendment")
        assert isinstance(base, s.ContractFile) and isinstance(am, s.AmendmentFile)
        gc.collect()
        gc.disable()  # as the command line loads: its collector paused (cli.common.collector_paused)
        t = time.perf_counter()
        out, diags = apply_amendment(base, am)
        took = time.perf_counter() - t
        gc.enable()
        assert out is not None and not diags
        ratio = f"{took / before:.2f}" if before else ""
        print(f"{n:>8} {len(am.changes):>8} {took:>8.3f} {ratio:>6}")
        before = took


if __name__ == "__main__":
    main()
