"""From the shipped files (``contracts/``, ``examples/``, recursively) and a
random seed to broken variants of them: byte flips, deletions, duplications,
splices of two files, line-ending changes (LF, CRLF, CR), a BOM, huge
literals, deep nesting, and paths written in the file (a scenario's ``for``,
an amendment's ``to``) replaced by unusable ones.

Mutations work on bytes, as a file on disk would be damaged; the harness
decodes the result (``errors="surrogateescape"`` is not used: an input that is
not UTF-8 is the loader's ``bad-encoding`` case, tried on bytes by
``tests/fuzz/invariants.py``).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from tests import ROOT

SUFFIXES = (".contract", ".scenario", ".amendment")


def shipped_files() -> list[Path]:
    """Every contract, scenario and amendment under ``contracts/`` and ``examples/``."""
    out: list[Path] = []
    for folder in ("contracts", "examples"):
        out += [p for p in sorted((ROOT / folder).rglob("*")) if p.suffix in SUFFIXES and p.is_file()]
    return out


# paths a scenario or an amendment may name that cannot be read as a contract
BAD_PATHS = [
    "/",
    ".",
    "..",
    "/dev/null",
    "/dev/zero",
    "/dev/stdin",
    "/proc/self/mem",
    "/etc/shadow",
    "x" * 300,
    ("a/" * 2100) + "b.contract",
    "no\x00such.contract",
    "",
    "\udcff.contract",
    "../../contracts",
    "../../tests/fuzz/corpus",
    "~/nothing.contract",
]

HUGE = [b"9" * 4301, b"1" * 20000, b"$" + b"9" * 5000 + b"B", b"9" * 400 + b"%", b"9" * 5000 + b" days"]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def mutate(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """One to three random mutations of ``data`` (``other``: a second file, for splices)."""
    for _ in range(rng.randint(1, 3)):
        data = _one(rng, data, other)
    return data


def _one(rng: random.Random, data: bytes, other: bytes) -> bytes:
    k = rng.randint(0, 17)
    n = len(data)
    i = rng.randint(0, n) if n else 0
    j = min(n, i + rng.randint(0, 200))
    if k == 0 and n:  # flip a byte
        b = bytearray(data)
        b[min(i, n - 1)] ^= 1 << rng.randint(0, 7)
        return bytes(b)
    if k == 1:  # delete a span
        return data[:i] + data[j:]
    if k == 2:  # duplicate a span
        return data[:j] + data[i:j] + data[j:]
    if k == 3:  # splice with another file
        o = rng.randint(0, len(other))
        return data[:i] + other[o : o + rng.randint(0, 400)] + data[j:]
    if k == 4:  # truncate
        return data[:i]
    if k == 5:
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if k == 6:
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    if k == 7:  # mixed line endings
        return b"".join(ln + rng.choice([b"\n", b"\r\n", b"\r"]) for ln in _lines(data))
    if k == 8:
        return b"\xef\xbb\xbf" + data
    if k == 9:  # a huge literal in place of a number
        nums = list(re.finditer(rb"[0-9]+", data))
        if nums:
            num = rng.choice(nums)
            return data[: num.start()] + rng.choice(HUGE) + data[num.end() :]
        return data + rng.choice(HUGE)
    if k == 10:  # deep nesting around an expression
        depth = rng.choice([100, 300, 1000, 3000])
        kw = re.search(rb"(always|never|possible|while|where) ", data[i:])
        if kw:
            at = i + kw.end()
            return data[:at] + b"(" * depth + b"true" + b")" * depth + b" and " + data[at:]
        return data + b'\ncheck "deep": always ' + b"not " * depth + b"true\n"
    if k == 11:  # swap or repeat lines
        ls = _lines(data)
        if len(ls) > 1:
            x, y = rng.randrange(len(ls)), rng.randrange(len(ls))
            if rng.random() < 0.5:
                ls[x], ls[y] = ls[y], ls[x]
            else:
                ls.insert(x, ls[y])
        return b"\n".join(ls)
    if k == 12:  # an unusable path in `for "..."` / `to "..."`
        m = re.search(rb'(for|to) +"[^"\n]*"', data)
        if m:
            bad = rng.choice(BAD_PATHS).encode("utf-8", "surrogateescape")
            return data[: m.start()] + m.group(1) + b' "' + bad + b'"' + data[m.end() :]
        return data
    if k == 13:  # a date near the end (or start) of the calendar
        dates = list(re.finditer(rb"[0-9]{4}-[0-9]{2}-[0-9]{2}", data))
        if dates:
            m = rng.choice(dates)
            new = rng.choice([b"9999-12-31", b"9999-12-30", b"9999-01-01", b"0001-01-01", b"0000-00-00"])
            return data[: m.start()] + new + data[m.end() :]
        return data
    if k == 14:  # insert a random token of the language
        tok = rng.choice(
            [
                b"(",
                b")",
                b":",
                b",",
                b"#",
                b'"',
                b"\xc2\xa7",
                b" and ",
                b" not ",
                b" within ",
                b"\n",
                b"\t",
                b"\x00",
                b"\xff",
                b"\x0c",
                b"\xe2\x80\xa8",
                b"\xe2\x80\x9c",
                b"\\",
                b"exception to \xc2\xa71 ",
            ]
        )
        return data[:i] + tok + data[i:]
    if k == 15:  # repeat the whole file's items (many declarations)
        return data + data[data.find(b"\n") + 1 :] * rng.randint(1, 3)
    if k == 16:  # delete a line
        ls = _lines(data)
        if ls:
            del ls[rng.randrange(len(ls))]
        return b"\n".join(ls)
    # change a word to another word of the file
    words = re.findall(rb"[A-Za-z_]+", data)
    if words:
        a, b = rng.choice(words), rng.choice(words)
        return data.replace(a, b, 1)
    return data
