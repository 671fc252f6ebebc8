"""How fast the front end reads a large contract: parse alone, parse + check,
and the cost of building the Lark parser with and without its cache.

For what the parse costs, two references on the same text, with the same
grammar, lexer and options as ``dsl.parse``: Lark building nothing (an inline
transformer whose every method returns None: the lexer, the LALR loop and the
calls; the rest of ``parse`` is the builder's), and Lark building its own tree
(no positions), as it does without a transformer.

Generates a contract of about 1 MB with ``bench/gen_contract.py``, then times
each stage with ``time.perf_counter``: one warm-up run, then the best of five.
Best-of rather than mean, because the question is what the code costs, not
how busy the machine was.

    .venv/bin/python bench/parse_throughput.py            # the table
    .venv/bin/python bench/parse_throughput.py --profile  # plus cProfile of parse and check

MB here is 10**6 bytes of UTF-8 source.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(_HERE), str(_HERE.parent)]  # gen_contract next to us, dsl above: run from anywhere

from gen_contract import generate  # noqa: E402
from lark import Lark, Token, Transformer, Tree  # noqa: E402

from dsl.build import Builder, Inline  # noqa: E402
from dsl.load import check_node  # noqa: E402
from dsl.parse import GRAMMAR, OPTIONS, get_parser, parse_text  # noqa: E402
from dsl.syntax import ContractFile  # noqa: E402

TARGET_BYTES = 1_000_000
RUNS = 5


def contract_of_size(target: int, seed: int = 0) -> str:
    """A generated contract of about ``target`` bytes (one check per four clauses)."""
    probe = generate(400, 100, seed)
    per_clause = len(probe.encode()) / 400
    n = max(1, round(target / per_clause))
    text = generate(n, n // 4, seed)
    # one correction step: the families' mix makes the size slightly non-linear
    n = max(1, round(n * target / len(text.encode())))
    return generate(n, n // 4, seed)


def best_of(fn: Callable[[], object], runs: int = RUNS) -> float:
    fn()  # warm-up: imports, the parser singleton, the allocator
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def build_parser(cache: str | bool) -> Lark:
    """The parser as ``dsl.parse.get_parser`` builds it (same options)."""
    return Lark(
        GRAMMAR.read_text(encoding="utf-8"),
        **OPTIONS,
        transformer=Inline(Builder()),
        cache=cache,
    )


class _Nothing(Transformer[Token, None]):
    """Builds nothing: every rule gives None (Lark's ``x*`` helpers stay trees,
    which Lark splices into their parent)."""

    def __default__(self, data: Any, children: list[Any], meta: Any) -> Any:
        return Tree(data, children) if str(data).startswith("_") else None


def reference_parser(build_tree: bool) -> Lark:
    """Lark with dsl.parse's grammar, lexer and options, building nothing or its tree."""
    return Lark(
        GRAMMAR.read_text(encoding="utf-8"),
        **OPTIONS,
        transformer=None if build_tree else _Nothing(),
    )


def without_gc(fn: Callable[[], object]) -> Callable[[], object]:
    """``fn`` with the cyclic collector off, as the command line runs the front end
    (``verifier.cli.common.collector_paused``; the library leaves it on)."""

    def run() -> object:
        gc.disable()
        try:
            return fn()
        finally:
            gc.enable()

    return run


def parse_only(text: str) -> ContractFile:
    node, diags = parse_text(text, "bench.contract")
    if not isinstance(node, ContractFile) or any(d.is_error for d in diags):
        raise SystemExit(f"the generated contract does not parse: {diags[:3]}")
    return node


def parse_and_check(text: str) -> None:
    contract, diags = check_node(parse_only(text), "bench.contract")
    if contract is None:
        raise SystemExit(f"the generated contract does not check: {[d.message for d in diags[:3]]}")


def profile(label: str, fn: Callable[[], object]) -> None:
    pr = cProfile.Profile()
    pr.enable()
    fn()
    pr.disable()
    stream = io.StringIO()
    st = pstats.Stats(pr, stream=stream)
    st.sort_stats("tottime").print_stats(18)
    print(f"\n--- cProfile, {label}: functions by own time ---")
    print(stream.getvalue().split("\n", 6)[-1].rstrip())  # skip pstats' preamble


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bytes", type=int, default=TARGET_BYTES, help="size of the generated contract")
    ap.add_argument("--profile", action="store_true", help="also print cProfile summaries")
    args = ap.parse_args(argv)

    text = contract_of_size(args.bytes)
    size = len(text.encode())
    n_clauses = text.count("\n§")
    n_checks = text.count("\ncheck ")
    get_parser()  # the cached singleton parse_text uses, built before any timing

    t_parse = best_of(without_gc(lambda: parse_only(text)))
    t_check = best_of(without_gc(lambda: parse_and_check(text)))
    node = parse_only(text)
    t_check_only = best_of(without_gc(lambda: check_node(node, "bench.contract")))
    t_parse_lib = best_of(lambda: parse_only(text))
    t_check_lib = best_of(lambda: parse_and_check(text))

    nothing, tree = reference_parser(False), reference_parser(True)
    t_nothing = best_of(without_gc(lambda: nothing.parse(text)))
    t_tree = best_of(without_gc(lambda: tree.parse(text)))

    with tempfile.TemporaryDirectory() as tmp:
        cache_file = os.path.join(tmp, "grammar.lark.cache")
        t_cold = best_of(lambda: build_parser(False))
        build_parser(cache_file)  # writes the cache
        t_cached = best_of(lambda: build_parser(cache_file))

    mb = size / 1e6
    print(
        f"contract: {size:,} bytes, {n_clauses:,} clauses, {n_checks:,} checks; best of {RUNS} after a warm-up"
    )
    print()
    print(f"{'stage':<24}{'bytes':>12}{'seconds':>12}{'MB/s':>10}")
    for label, t in (
        ("parse", t_parse),
        ("parse + check", t_check),
        ("parse (library, gc on)", t_parse_lib),
        ("parse + check (library)", t_check_lib),
        ("check alone (parsed)", t_check_only),
        ("Lark, building nothing", t_nothing),
        ("Lark, its own tree", t_tree),
    ):
        print(f"{label:<24}{size:>12,}{t:>12.3f}{mb / t if t > 0 else float('inf'):>10.2f}")
    print()
    print(f"{'Lark parser build':<24}{'seconds':>12}")
    print(f"{'cold (no cache)':<24}{t_cold:>12.4f}")
    print(f"{'from cache file':<24}{t_cached:>12.4f}")

    if args.profile:
        profile("parse", lambda: parse_only(text))
        profile("check", lambda: check_node(node, "bench.contract"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
