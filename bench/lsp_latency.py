"""From an edit in the editor to what the editor shows: ``whereas lsp``'s latency, as a
client on the other end of its stdio sees it (pygls's ``LanguageClient``, the server a
separate process started as an editor starts it).

- *diagnostics after an edit*: a one-character change sent after a pause (0.1 s on the
  seed, 1 s on the big one: longer than a check takes, so the debounce does not wait),
  until the server's ``publishDiagnostics`` of that version arrives, on the seed
  contract and on ``bench/gen_contract.py``'s 1,000-clause contract; the front end's
  check alone (in this process) beside it, which is what the debounce waits for;
- *a code lens verdict*: ``whereas.verify`` on each of the seed's checks, until its
  answer arrives; the first one of the server's life, which imports z3, apart.

Medians and the 90th percentile of ``--runs`` edits (default 20), next to the aims
of the editor issue (50 ms and 300 ms for diagnostics, 300 ms for a lens).

    .venv/bin/python bench/lsp_latency.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # gen_contract next to us; the package and its test client above

AIMS = {"seed": 0.050, "1,000 clauses": 0.300, "lens": 0.300}


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def row(what: str, xs: list[float], aim: float | None) -> str:
    med = statistics.median(xs)
    ratio = f"{med / aim:>6.2f}" if aim else f"{'':>6}"
    aimed = f"{aim * 1000:>7.0f}" if aim else f"{'':>7}"
    return f"  {what:<40} {med * 1000:>8.1f} {pct(xs, 0.9) * 1000:>8.1f} {aimed} {ratio}"


def line_edits(session: object, uri: str, text: str, runs: int, pause: float) -> list[float]:
    """As ``edits``, each change one more blank line in the middle of the text: every
    item after it moves to lines it was never on, so half the runs are parsed again
    (dsl/chunks.py keeps a run by its text and first line)."""
    mid = text.index("\n", len(text) // 2)
    out = []
    for n in range(runs):
        time.sleep(pause)
        t = time.perf_counter()
        session.replace(uri, text[:mid] + "\n" * (n + 1) + text[mid:])  # type: ignore[attr-defined]
        session.diagnostics(uri)  # type: ignore[attr-defined]
        out.append(time.perf_counter() - t)
    return out


def edits(session: object, uri: str, text: str, runs: int, pause: float) -> list[float]:
    """Seconds from each change sent to its diagnostics received, each change sent
    ``pause`` seconds after the last diagnostics (a drafter's edit after a pause, not a
    burst of keystrokes, which the server debounces)."""
    out = []
    for n in range(runs):
        time.sleep(pause)
        t = time.perf_counter()
        session.replace(uri, text + " " * (n % 2))  # type: ignore[attr-defined]
        session.diagnostics(uri)  # type: ignore[attr-defined]
        out.append(time.perf_counter() - t)
    return out


def checks_alone(path: Path, text: str, runs: int) -> list[float]:
    from verifier.lsp.features import Document

    out = []
    for _ in range(runs):
        doc = Document(path.resolve().as_uri(), text)
        t = time.perf_counter()
        doc.check()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    from gen_contract import generate

    from tests.verifier.lsp.client import Session

    seed = HERE.parent / "contracts" / "openai_microsoft.contract"
    seed_text = seed.read_text(encoding="utf-8")
    big = HERE / "results" / "lsp-1000.contract"
    big.parent.mkdir(exist_ok=True)
    big_text = generate(1000, 100)
    big.write_text(big_text, encoding="utf-8")

    s = Session()
    try:
        print(f"whereas lsp, {args.runs} runs each (ms)")
        print(f"  {'':<40} {'median':>8} {'p90':>8} {'aim':>7} {'ratio':>6}")
        u = s.open(seed)
        s.diagnostics(u)
        print(row("seed: diagnostics after an edit", edits(s, u, seed_text, args.runs, 0.1), AIMS["seed"]))
        print(row("seed: the front end's check alone", checks_alone(seed, seed_text, args.runs), None))
        b = s.open(big)
        s.diagnostics(b)
        print(
            row(
                "1,000 clauses: diagnostics after an edit",
                edits(s, b, big_text, args.runs, 1.0),
                AIMS["1,000 clauses"],
            )
        )
        print(
            row(
                "1,000 clauses: a line added mid-file",
                line_edits(s, b, big_text, args.runs, 1.0),
                AIMS["1,000 clauses"],
            )
        )
        print(
            row("1,000 clauses: the check alone", checks_alone(big, big_text, max(3, args.runs // 4)), None)
        )
        s.replace(u, seed_text)
        s.diagnostics(u)
        ids = [
            lens.command.arguments[1] for lens in s.code_lens(u) if lens.command.command == "whereas.verify"
        ]
        t = time.perf_counter()
        s.execute("whereas.verify", u, ids[0])
        first = time.perf_counter() - t
        lens = []
        for n in range(args.runs):
            t = time.perf_counter()
            s.execute("whereas.verify", u, ids[n % len(ids)])
            lens.append(time.perf_counter() - t)
        print(row("seed: a lens verdict (first, imports z3)", [first], AIMS["lens"]))
        print(row("seed: a lens verdict (each check in turn)", lens, AIMS["lens"]))
        slowest = max(range(len(lens)), key=lambda k: lens[k])
        print(f"  slowest lens: {ids[slowest % len(ids)]}, {lens[slowest] * 1000:.0f} ms")
    finally:
        s.close()
        big.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
