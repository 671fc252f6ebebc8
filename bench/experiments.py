"""Evidence for bench/README.md's suggestions: what verify_contract would cost
with each candidate fix, measured by monkeypatching in a child process. The
package is never changed; these are experiments, not the verifier's behaviour.

    .venv/bin/python bench/experiments.py                      # the default grid, ~15 minutes
    .venv/bin/python bench/experiments.py --sizes 100x20 --variants base,count+shared

Variants (combine with ``+``):

- ``base``: the code as it is.
- ``memo``: ``Encoding.in_force`` memoised per day term (the package does
  this itself since aef35f3; kept to compare commits).
- ``end``: "the contract is in force on day d" as ``d < end`` with one integer
  ``end`` per encoding, the earliest effective termination (or the day after
  the horizon), instead of a conjunction over every termination point for
  every slot: linear instead of quadratic in the number of termination clauses
  (the package does this itself since 1f5caab; kept to compare commits).
- ``nomin``: no witness minimisation (``Prover._minimise`` returns None): the
  upper bound of what a cheaper minimisation can save. Witnesses differ,
  verdicts do not.
- ``count``: fewest events only, by ``AtMost`` bounds on the prover's own
  solver, counting up from 0 (witnesses are short); dates and amounts are not
  minimised. The difference to ``base`` is the price of minimising dates and
  amounts (by bisection since aef35f3, by ``Optimize`` before).
- ``cone1``: the cone adds the termination clauses once, not once per
  non-surviving clause it takes in (the same slice: the closure is the same).
- ``shared``: every check on one full-contract prover (the cone returns the
  whole contract), so the contract is encoded once (and once more at k+1)
  instead of once per distinct slice.

Each run checks its verdicts against ``base`` at the same size when ``base``
finished; a fix that changes a verdict is reported.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

SIZES = [(100, 20), (300, 60), (1000, 100)]
VARIANTS = ["base", "count", "cone1+count", "count+shared"]


def patch(variant: str) -> None:
    import z3

    from verifier import slicing
    from verifier.smt import encode, prove

    parts = set(variant.split("+")) - {"base"}
    orig_in_force = encode.Encoding.in_force

    if "memo" in parts:

        def in_force_memo(self: Any, day: Any) -> Any:
            if not self._final:
                return orig_in_force(self, day)
            cache = self.__dict__.setdefault("_bench_in_force", {})
            hit = cache.get(day.get_id())
            if hit is None:
                hit = cache[day.get_id()] = orig_in_force(self, day)
            return hit

        encode.Encoding.in_force = in_force_memo

    if "end" in parts:

        def in_force_end(self: Any, day: Any) -> Any:
            ends = [p for p in self.effects if p.state is None]
            if not ends or not self._final:
                return orig_in_force(self, day)
            end = self.__dict__.get("_bench_end")
            if end is None:
                after = (
                    self.c.horizon + 1
                )  # a termination counts from the day after its event: at most horizon + 1
                end = z3.Int(f"{self.prefix}bench.end")
                self.base += [z3.Implies(p.active, end <= p.day) for p in ends]
                self.base += [
                    end <= after,
                    z3.Or([end == after] + [z3.And(p.active, end == p.day) for p in ends]),
                ]
                self._bench_end = end
            return z3.And(day >= self.c.effective, day < end)

        encode.Encoding.in_force = in_force_end

    if "nomin" in parts:
        prove.Prover._minimise = lambda self, q, *rest: None

    if "count" in parts:

        def minimise_count(self: Any, q: Any, *rest: Any) -> Any:
            occs = [s.occ for s in self.enc.all_slots()]
            for j in range(len(occs) + 1):
                lit = z3.Bool(f"bench.atmost{j}#{self._q}")
                self.solver.add(z3.Implies(lit, z3.AtMost(*occs, j) if occs else z3.BoolVal(True)))
                if self.solver.check(q, lit, *self.lits) == z3.sat:
                    return self.solver.model()
            return None

        prove.Prover._minimise = minimise_count

    if "cone1" in parts:
        orig_cone = slicing.cone

        def cone_once(ix: Any, exprs: Any) -> Any:
            terminators = ix.terminators
            ix.terminators = []
            try:
                sl = orig_cone(ix, exprs)
                if (
                    any(not ix.c.clauses[cid].survives for cid in sl.clauses)
                    and not set(terminators) <= sl.clauses
                ):
                    k = slicing._Cone(ix)
                    for e in exprs:
                        k.expr(e)
                    for t in terminators:
                        k.need("clause", t)
                    sl = k.run()
            finally:
                ix.terminators = terminators
            return sl

        slicing.cone = cone_once

    if "shared" in parts:

        def whole(ix: Any, exprs: Any) -> Any:
            c = getattr(ix, "c", ix)
            return slicing.Slice(frozenset(c.events), frozenset(c.states), frozenset(c.clauses))

        slicing.cone = whole


def one(n: int, m: int, variant: str) -> dict[str, Any]:
    import run as bench  # instrument_verify
    from gen_contract import generate

    from dsl.load import check_node
    from dsl.parse import get_parser, parse_text
    from verifier.verify.run import verify_contract

    get_parser()
    patch(variant)
    node, _ = parse_text(generate(n, m), "bench.contract")
    c, _ = check_node(node, "bench.contract")  # type: ignore[arg-type]
    assert c is not None
    meter, slices = bench.instrument_verify()
    t0 = time.perf_counter()
    v = verify_contract(c, analyses=False, jobs=None)
    secs = time.perf_counter() - t0
    snap = meter.snapshot()
    return {
        "n": n,
        "m": m,
        "variant": variant,
        "seconds": secs,
        "encode": sum(x["seconds"] for k, x in snap.items() if k.startswith("encode: Prover")),
        "solve": sum(x["seconds"] for k, x in snap.items() if k.startswith("solve: ask")),
        "minimise": snap.get("solve: minimise witness", {}).get("seconds", 0.0),
        "provers": sum(x["calls"] for k, x in snap.items() if k.startswith("encode: Prover")),
        "summary": v.summary(),
        "verdicts": {r.id: r.verdict for r in v.results},
        "unknown_reasons": sorted({r.reason or "" for r in v.results if r.verdict == "unknown"})[:3],
        "peak_rss_mb": bench.rss_mb(),
    }


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        n, m, variant = int(argv[1]), int(argv[2]), argv[3]
        print(json.dumps(one(n, m, variant)))
        return 0
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(f"{n}x{m}" for n, m in SIZES))
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--timeout", type=float, default=240.0, help="seconds for one variant at one size")
    ap.add_argument("--out", default=str(HERE / "results" / "experiments.json"))
    args = ap.parse_args(argv)
    sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
    variants = args.variants.split(",")
    results: list[dict[str, Any]] = []
    dead: set[str] = set()  # variants that ran out of time at a smaller size
    base: dict[tuple[int, int], dict[str, str]] = {}
    print(
        f"{'size':>11} {'variant':<20}{'verify s':>9}{'encode':>8}{'solve':>8}{'minim.':>8}{'provers':>8}"
        f"{'MB':>6}  verdicts",
        flush=True,
    )
    for n, m in sizes:
        for variant in variants:
            label = f"{n}x{m}"
            if variant in dead:
                results.append({"n": n, "m": m, "variant": variant, "status": "skipped"})
                print(f"{label:>11} {variant:<20}{'skipped (timed out at a smaller size)':>40}", flush=True)
                continue
            t0 = time.perf_counter()
            try:
                p = subprocess.run(
                    [sys.executable, __file__, "--one", str(n), str(m), variant],
                    capture_output=True,
                    text=True,
                    timeout=args.timeout,
                )
            except subprocess.TimeoutExpired:
                dead.add(variant)
                results.append(
                    {"n": n, "m": m, "variant": variant, "status": "timeout", "seconds": args.timeout}
                )
                print(f"{label:>11} {variant:<20}{'> ' + str(int(args.timeout)):>9}  timed out", flush=True)
                continue
            if p.returncode != 0:
                results.append(
                    {"n": n, "m": m, "variant": variant, "status": "error", "stderr": p.stderr[-2000:]}
                )
                print(f"{label:>11} {variant:<20} error: {p.stderr.strip().splitlines()[-1:]}", flush=True)
                continue
            r = json.loads(p.stdout.strip().splitlines()[-1])
            r["status"] = "ok"
            r["wall"] = time.perf_counter() - t0
            if variant == "base":
                base[(n, m)] = r["verdicts"]
            if (n, m) in base:
                diff = [k for k, v in r["verdicts"].items() if base[(n, m)].get(k) != v]
                r["same_verdicts_as_base"] = not diff
                r["changed_verdicts"] = diff[:10]
                same = "same as base" if not diff else f"DIFFERENT from base: {diff[:5]}"
            else:
                same = "no base to compare"
            results.append(r)
            s = r["summary"]
            print(
                f"{label:>11} {variant:<20}{r['seconds']:>9.2f}{r['encode']:>8.2f}{r['solve']:>8.2f}"
                f"{r['minimise']:>8.2f}{r['provers']:>8}{r['peak_rss_mb']:>6.0f}  "
                f"{s['holds']}/{s['fails']}/{s['unknown']} (holds/fails/unknown), {same}",
                flush=True,
            )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
