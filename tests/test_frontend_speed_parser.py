"""The parser builds nodes while it parses (issue #7): what it builds must be what
the two-pass way built (a Lark tree with ``propagate_positions``, then a
Transformer).

- The fast LALR loop (``dsl.parse._FastParser``) and Lark's own parser, both
  driving the same reduction functions, give the same nodes, spans and
  diagnostics on every shipped file and on broken variants of them; where the
  input is broken the fast loop gives up and Lark raises.
- Every span is one Lark computes for its tree, and a few are checked by hand
  (keywords start a node, parentheses widen the parent only).
- Nesting too deep for the recursion limit is a diagnostic, never an exception.
- Parsing and checking leave the cyclic garbage collector as they found it.

No timings here: bench/parse_throughput.py measures speed.
"""

from __future__ import annotations

import gc
import random
import re
import zlib
from pathlib import Path
from typing import Any

import attrs
import pytest
from lark import Token, Tree

import dsl.parse as P
from dsl import syntax as s
from dsl.load import check_node
from dsl.parse import parse_text
from tests import randomcontracts

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(ROOT.glob("contracts/*.contract")) + sorted(
    p for ext in ("contract", "scenario", "amendment") for p in ROOT.glob(f"examples/**/*.{ext}")
)
IDS = [str(p.relative_to(ROOT)) for p in SHIPPED]


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def _walk(x: Any, out: list[tuple[Any, ...]], path: str = "") -> list[tuple[Any, ...]]:
    """Every node, field and span of a syntax tree (spans are not part of ==)."""
    if attrs.has(type(x)):
        out.append((path, type(x).__name__))
        for f in attrs.fields(type(x)):
            _walk(getattr(x, f.name), out, f"{path}.{f.name}")
    elif isinstance(x, (tuple, list)):
        out.append((path, type(x).__name__, len(x)))
        for i, y in enumerate(x):
            _walk(y, out, f"{path}[{i}]")
    else:
        out.append((path, type(x).__name__, repr(x)))
    return out


def _spans(x: Any) -> list[s.Span]:
    return [v for v in _walk_values(x) if isinstance(v, s.Span) and v != s.NOWHERE]


def _walk_values(x: Any) -> list[Any]:
    out = [x]
    if attrs.has(type(x)) and not isinstance(x, s.Span):
        for f in attrs.fields(type(x)):
            out += _walk_values(getattr(x, f.name))
    elif isinstance(x, (tuple, list)):
        for y in x:
            out += _walk_values(y)
    return out


def _mutants(text: str, seed: int, n: int) -> list[str]:
    r = random.Random(seed)
    words = list(re.finditer(r"\S+", text))
    lines = text.split("\n")
    out = []
    for _ in range(n):
        kind = r.randrange(5)
        w = r.choice(words)
        if kind == 0:
            out.append(text[: w.start()] + text[w.end() :])
        elif kind == 1:
            out.append(text[: w.start()] + r.choice(words).group() + text[w.end() :])
        elif kind == 2:
            i = r.randrange(len(lines))
            out.append("\n".join(lines[:i] + lines[i + 1 :]))
        elif kind == 3:
            out.append(text[: r.randrange(len(text) + 1)])
        else:
            junk = r.choice(["'", "@", "(", ")", ":", "§", '"', "2024-02-30", "$1,23", "not", "-", "§9 X [F1] y"])
            out.append(text[: w.start()] + junk + text[w.start() :])
    return out


def _both_ways(text: str) -> tuple[Any, Any]:
    """The fast loop's and Lark's result for ``text``: (value, span, depth, diagnostics), or the
    exception type."""
    reductions = P._get_reductions()
    fast = P._get_fast()
    assert fast is not None, "the fast parser could not be set up with this Lark"
    results = []
    for way in ("fast", "lark"):
        builder = P._Build("f.contract")
        try:
            if way == "fast":
                value, pos, depth = fast.run(text, reductions.bind(builder))
            else:
                value, pos, depth = P._parse_with(text, reductions.by_rule(reductions.bind(builder)))
        except (P._GiveUp, P.UnexpectedInput) as e:
            results.append(type(e).__name__)
            continue
        results.append((_walk(value, []), pos, depth, [repr(d) for d in builder.diags]))
    return results[0], results[1]


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_fast_loop_and_lark_agree(path: Path) -> None:
    text = _read(path)
    for variant in [text, *_mutants(text, zlib.crc32(path.name.encode()), 25)]:
        fast, lark = _both_ways(variant)
        if fast == "_GiveUp":
            assert lark in ("UnexpectedCharacters", "UnexpectedToken", "UnexpectedEOF")
        else:
            assert fast == lark


def test_fast_loop_and_lark_agree_on_random_contracts() -> None:
    r = random.Random(11)
    for _ in range(40):
        text = randomcontracts.generate(r)
        fast, lark = _both_ways(text)
        assert fast == lark and fast != "_GiveUp"


def test_parse_text_without_the_fast_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the fast loop cannot be set up (a Lark whose insides differ), parsing
    goes through Lark and gives the same result."""
    texts = [_read(p) for p in SHIPPED[:3]]
    texts += [texts[0].replace("effective", "efective", 2), texts[0][: len(texts[0]) // 2]]
    with_fast = [parse_text(t, "f") for t in texts]
    monkeypatch.setattr(P, "_get_fast", lambda: None)
    for text, (node, diags) in zip(texts, with_fast, strict=True):
        node2, diags2 = parse_text(text, "f")
        assert _walk(node2, []) == _walk(node, [])
        assert [repr(d) for d in diags2] == [repr(d) for d in diags]


def _lark_positions(tree: Any, out: set[tuple[int, int, int, int]]) -> set[tuple[int, int, int, int]]:
    if isinstance(tree, Tree):
        if not tree.meta.empty:
            out.add((tree.meta.line, tree.meta.column, tree.meta.end_line, tree.meta.end_column))
        for c in tree.children:
            _lark_positions(c, out)
    elif isinstance(tree, Token):
        out.add((tree.line or 0, tree.column or 0, tree.end_line or 0, tree.end_column or 0))
    return out


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_every_span_is_a_lark_position(path: Path) -> None:
    text = _read(path)
    node, diags = parse_text(text, "f")
    assert node is not None
    lark = _lark_positions(P.get_parser().parse(text), set())
    spans = _spans(node)
    assert spans
    for sp in spans:
        assert (sp.line, sp.col, sp.end_line, sp.end_col) in lark, sp
    tree = P.get_parser().parse(text)
    assert (node.span.line, node.span.col, node.span.end_line, node.span.end_col) == (
        tree.meta.line,
        tree.meta.column,
        tree.meta.end_line,
        tree.meta.end_column,
    )


HEAD = 'contract "T" effective 2024-01-01 horizon 2025-01-01\nfact a: bool\nfact b: bool\n'


def test_spans_by_hand() -> None:
    text = HEAD + 'check "c": possible (a or  b) and not a\n'
    node, diags = parse_text(text, "f")
    assert isinstance(node, s.ContractFile) and not diags
    header, check = node.header, node.items[-1]
    assert isinstance(check, s.Check)
    assert (header.span.line, header.span.col, header.span.end_line, header.span.end_col) == (1, 1, 1, 53)
    assert (check.span.line, check.span.col, check.span.end_line, check.span.end_col) == (4, 1, 4, 40)
    both = check.body
    assert isinstance(both, s.Binary) and both.op == "and"
    # the parentheses belong to the `and`, not to the `or` inside them
    assert (both.span.col, both.span.end_col) == (21, 40)
    assert isinstance(both.left, s.Binary) and (both.left.span.col, both.left.span.end_col) == (22, 29)
    assert isinstance(both.right, s.Unary) and (both.right.span.col, both.right.span.end_col) == (35, 40)


@pytest.mark.parametrize("form", ["not {x}", "{x} and a", "-{x}"])
def test_nesting_too_deep_is_a_diagnostic_never_an_exception(form: str) -> None:
    def nest(n: int) -> str:
        x = "1 == 1" if form == "-{x}" else "a"
        for _ in range(n):
            x = form.format(x=x) if form != "-{x}" else "-" + x
        return HEAD + f'check "c": possible {x}\n'

    node, diags = parse_text(nest(100), "f")
    assert node is not None and not diags
    contract, cdiags = check_node(node, "f")  # type: ignore[arg-type]
    assert contract is not None, cdiags
    for n in list(range(400, 520, 3)) + [3000]:
        node, diags = parse_text(nest(n), "f")  # never raises, near the limit either
        if node is None:
            assert [d.code for d in diags] == ["unsupported"]
    node, diags = parse_text(nest(3000), "f")
    assert node is None and [d.code for d in diags] == ["unsupported"]


def test_parentheses_do_not_count_as_nesting() -> None:
    node, diags = parse_text(HEAD + 'check "c": possible ' + "(" * 3000 + "a" + ")" * 3000 + "\n", "f")
    assert node is not None and not diags


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_is_left_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        node, _ = parse_text(HEAD + 'check "c": possible a\n', "f")
        assert gc.isenabled() is enabled
        check_node(node, "f")  # type: ignore[arg-type]
        assert gc.isenabled() is enabled
        parse_text(HEAD + 'check "c": possible (\n', "f")  # a syntax error
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
