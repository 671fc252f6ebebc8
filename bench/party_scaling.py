"""From the number of parties to ``verify`` time: the ``verify`` command, with
its default options (analyses on), on contracts of 1,000 to 16,000 parties, one
event any of them may do, one duty and one check (and the same with a kind of
all of them, and with bodies), printing seconds, the peak memory so far and the
ratio of seconds to the size before. Linear means a ratio near 2 at
each doubling; the time of starting Python and Z3 (some 0.3 s) is in each row.

Before 2026-12-03 the encoding looked up each actor's number with
``list.index`` (an event by anyone made it quadratic) and ``verify`` asked
"is this contract free of errors?" once per warning, each time over all of
them (8,000 parties: 7.5 s, 16,000 about 30 s); with a kind of all of them, a
chain of 8,000 if-then-elses (an actor's party) was slow to assert (2.8 s,
600 MB), and merging names into a universe was quadratic too.

    .venv/bin/python bench/party_scaling.py
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERIFY = Path(sys.executable).with_name("verify")


def contract(parties: int, shape: str) -> str:
    """``plain``: the parties, an event by anyone, a duty and a check;
    ``kind``: also a kind of all of them that the event takes, and a
    prohibition on one member; ``bodies``: every tenth party with a body."""
    lines = ['contract "Many parties"', "  effective 2024-01-01", "  horizon 2025-01-01", ""]
    body = shape == "bodies"
    lines += [f"party P{i}" + (" with body Board" if body and i % 10 == 0 else "") for i in range(parties)]
    if shape == "kind":
        lines += ["", "kind Member = " + " | ".join(f"P{i}" for i in range(parties))]
        lines += ["", "event Pay(to: Member, amount: money) by anyone", "event Deliver by P0", ""]
        lines += [
            "§1 Payment",
            "  when Deliver by P0:",
            "    P1 must Pay(to: P2, amount >= $10) within 30 days",
            "",
        ]
        lines += ["§2 Nobody pays P3", "  P4 must not Pay(to: P3)", ""]
    else:
        lines += [
            "",
            "event Pay(amount: money) by anyone",
            "event Deliver by P0.Board" if body else "event Deliver by P0",
            "",
        ]
        trigger = "Deliver by P0.Board" if body else "Deliver by P0"
        lines += ["§1 Payment", f"  when {trigger}:", "    P1 must Pay(amount >= $10) within 30 days", ""]
    lines += ['check p1_breach "P1 can be in breach":', "  possible breach by P1"]
    return "\n".join(lines) + "\n"


def main() -> None:
    print(f"{'shape':>7} {'parties':>8} {'seconds':>8} {'ratio':>6} {'peak MB':>8}  verdict")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in ("plain", "kind", "bodies"):
            before = None
            for n in (1000, 2000, 4000, 8000, 16000):
                path = Path(tmp) / f"{shape}{n}.contract"
                path.write_text(contract(n, shape), encoding="utf-8")
                t = time.perf_counter()
                run = subprocess.run(
                    [str(VERIFY), "-q", str(path)], capture_output=True, text=True, check=False
                )
                took = time.perf_counter() - t
                peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest run so far
                verdict = next((ln.split()[0] for ln in run.stdout.splitlines() if "p1_breach" in ln), "?")
                ratio = f"{took / before:.2f}" if before else ""
                print(
                    f"{shape:>7} {n:>8} {took:>8.2f} {ratio:>6} {peak:>8.0f}  {verdict} (exit {run.returncode})"
                )
                before = took


if __name__ == "__main__":
    main()
