"""Summarise a py-spy "raw" (collapsed stacks) profile: inclusive and own share
of samples per function, the figures bench/README.md quotes for runs too long
for cProfile.

    py-spy record --format raw -r 50 -o stacks.txt -- .venv/bin/python SCRIPT ...
    .venv/bin/python bench/stacks.py stacks.txt [TOP]
"""

from __future__ import annotations

import re
import sys
from collections import Counter

_FRAME = re.compile(r"^(?P<fn>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def frame_name(frame: str) -> str:
    """``fn (path/file.py:123)`` -> ``file.py:fn`` (lines dropped so one function is one row)."""
    mt = _FRAME.match(frame.strip())
    if not mt:
        return frame.strip()
    return f"{mt.group('file').split('/')[-1]}:{mt.group('fn')}"


def summarise(path: str, top: int = 40) -> str:
    incl: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = [frame_name(x) for x in stack.split(";")]
            for name in set(frames):
                incl[name] += n
            own[frames[-1]] += n
    out = [f"{total} samples", "", f"{'inclusive':>10} {'own':>7}  function"]
    for name, n in incl.most_common(top):
        out.append(f"{100 * n / total:9.1f}% {100 * own[name] / total:6.1f}%  {name}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(summarise(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 40))
