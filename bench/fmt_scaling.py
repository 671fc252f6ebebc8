"""From contract size to ``fmt`` time: ``whereas fmt`` on ``bench/gen_contract.py``'s
contracts of 1,000 to 8,000 clauses, printing seconds and the ratio to the size
before. Linear means a ratio near 2 at each doubling (it was about 3.6: 4,000
clauses took 30 s, each lookup of a keyword's position scanned the whole file).

    .venv/bin/python bench/fmt_scaling.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # gen_contract next to us, the package above


def main() -> None:
    from gen_contract import generate

    from dsl.format import format_source

    before = None
    print(f"{'clauses':>8} {'seconds':>8} {'ratio':>6}")
    for n in (1000, 2000, 4000, 8000):
        text = generate(n, 10)
        t = time.perf_counter()
        out, _ = format_source(text, f"gen{n}.contract")
        took = time.perf_counter() - t
        assert out is not None
        ratio = f"{took / before:.2f}" if before else ""
        print(f"{n:>8} {took:>8.2f} {ratio:>6}")
        before = took


if __name__ == "__main__":
    main()
