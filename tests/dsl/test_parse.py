"""The parser builds nodes while it parses (issue #7), with Lark's inline
transformer (``dsl.build.Inline``): what it builds must be what the two-pass
way builds, a Lark tree with ``propagate_positions`` and then a Transformer
over it driving the same ``dsl.build.Builder``, both with Lark's public API.

- The two ways give the same nodes, spans, tree depth and diagnostics on
  every shipped file, on broken variants of them (where Lark raises the same
  syntax error), on random contracts and on files drawn from the grammar.
- Every span is one Lark computes for its tree, and a few are checked by hand
  (keywords start a node, parentheses widen the parent only).
- Every rule of the grammar has its builder method.
- ``dsl.parse.tokens`` gives the tokens of Lark's tree, in order.
- Nesting too deep for the recursion limit is a diagnostic, never an exception.
- Parsing and checking leave the cyclic garbage collector as they found it;
  parses from several threads do not mix.

No timings here: bench/parse_throughput.py measures speed.
"""

from __future__ import annotations

import gc
import random
import re
import threading
import zlib
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from lark import Lark, Token, Transformer, Tree
from lark.exceptions import UnexpectedInput

import dsl.parse as P
from dsl import syntax as s
from dsl.build import PASS_THROUGH, RULES, Builder
from dsl.load import check_node
from dsl.parse import parse_text
from tests import ROOT, randomcontracts, strategies

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
            junk = r.choice(
                ["'", "@", "(", ")", ":", "§", '"', "2024-02-30", "$1,23", "not", "-", "§9 X [F1] y"]
            )
            out.append(text[: w.start()] + junk + text[w.start() :])
    return out


# ----------------------------------------------------------------- the two-pass reference

# Lark's parse tree, with the parser's grammar, lexer and options, and the
# positions Lark computes for it.
TREES = Lark(
    P.GRAMMAR.read_text(encoding="utf-8"),
    **P.OPTIONS,
    propagate_positions=True,
)


class TwoPass(Transformer[Token, Any]):
    """The builder's methods over Lark's tree, each node's span from its meta."""

    def __init__(self, builder: Builder) -> None:
        super().__init__(visit_tokens=False)
        self.builder = builder

    def __default__(self, data: Any, children: list[Any], meta: Any) -> Any:
        span = s.Span(self.builder.file, meta.line, meta.column, meta.end_line, meta.end_column)
        return getattr(self.builder, str(data))(span, children)


def _tree_depth(tree: Tree[Token]) -> int:
    """The depth of Lark's tree, the parentheses' nodes (PASS_THROUGH) not counted."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(tree, 0)]
    while stack:
        node, above = stack.pop()
        if isinstance(node, Tree):
            level = above + (0 if node.data in PASS_THROUGH else 1)
            deepest = max(deepest, level)
            stack += [(c, level) for c in node.children]
    return deepest


def _error(e: UnexpectedInput) -> tuple[Any, ...]:
    return (type(e).__name__, e.line, e.column, sorted(getattr(e, "expected", None) or ()))


def _both_ways(text: str) -> tuple[Any, Any]:
    """The inline parse's and the two-pass parse's result for ``text``: (nodes,
    depth, diagnostics), or the syntax error."""
    try:
        value, depth, diags, *_ = P._build(text, "f.contract")
        inline: Any = (_walk(value, []), depth, [repr(d) for d in diags])
    except UnexpectedInput as e:
        inline = _error(e)
    try:
        tree = TREES.parse(text)
    except UnexpectedInput as e:
        return inline, _error(e)
    builder = Builder("f.contract")
    value = TwoPass(builder).transform(tree)
    return inline, (_walk(value, []), _tree_depth(tree), [repr(d) for d in builder.diags])


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_inline_and_two_pass_agree(path: Path) -> None:
    text = _read(path)
    for variant in [text, *_mutants(text, zlib.crc32(path.name.encode()), 25)]:
        inline, two_pass = _both_ways(variant)
        assert inline == two_pass


def test_inline_and_two_pass_agree_on_random_contracts() -> None:
    r = random.Random(11)
    for _ in range(40):
        inline, two_pass = _both_ways(randomcontracts.generate(r))
        assert inline == two_pass and isinstance(inline[1], int)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.source_files)
def test_inline_and_two_pass_agree_on_files_from_the_grammar(text: str) -> None:
    inline, two_pass = _both_ways(text)
    assert inline == two_pass


def test_every_rule_has_its_builder_method() -> None:
    """Every alias has a method, and every method is a rule or an alias (the
    parses above reach the rules; Inline raises for a rule without one)."""
    grammar = P.GRAMMAR.read_text(encoding="utf-8")
    aliases = set(re.findall(r"->\s*([a-z_]+)", grammar))
    rules = {m.group(1) for m in re.finditer(r"^\??([a-z_]+)\s*:", grammar, re.M)}
    assert aliases <= set(RULES)
    assert set(RULES) <= aliases | rules
    assert PASS_THROUGH <= rules - aliases


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
    tree = TREES.parse(text)
    lark = _lark_positions(tree, set())
    spans = _spans(node)
    assert spans
    for sp in spans:
        assert (sp.line, sp.col, sp.end_line, sp.end_col) in lark, sp
    assert (node.span.line, node.span.col, node.span.end_line, node.span.end_col) == (
        tree.meta.line,
        tree.meta.column,
        tree.meta.end_line,
        tree.meta.end_column,
    )


def _leaves(tree: Any, out: list[Token]) -> list[Token]:
    if isinstance(tree, Tree):
        for c in tree.children:
            _leaves(c, out)
    elif isinstance(tree, Token):
        out.append(tree)
    return out


@pytest.mark.parametrize("path", SHIPPED[:4], ids=IDS[:4])
def test_tokens_are_the_leaves_of_larks_tree(path: Path) -> None:
    text = _read(path)
    before = parse_text(text, "f")
    got = [(t.type, str(t), t.line, t.column, t.end_line, t.end_column) for t in P.tokens(text)]
    want = [
        (t.type, str(t), t.line, t.column, t.end_line, t.end_column) for t in _leaves(TREES.parse(text), [])
    ]
    assert got == want
    after = parse_text(text, "f")  # the builder is left as it was
    assert _walk(after, []) == _walk(before, [])


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


def _nest(form: str, n: int) -> str:
    x = "1 == 1" if form == "-{x}" else "a"
    for _ in range(n):
        x = form.format(x=x) if form != "-{x}" else "-" + x
    return HEAD + f'check "c": possible {x}\n'


@pytest.mark.parametrize("form", ["not {x}", "{x} and a", "-{x}", "({x}) and a"])
def test_depth_is_the_depth_of_larks_tree(form: str) -> None:
    for n in (0, 1, 2, 5, 40, 150):
        inline, two_pass = _both_ways(_nest(form, n))
        assert inline == two_pass


@pytest.mark.parametrize("form", ["not {x}", "{x} and a", "-{x}"])
def test_nesting_too_deep_is_a_diagnostic_never_an_exception(form: str) -> None:
    node, diags = parse_text(_nest(form, 100), "f")
    assert node is not None and not diags
    contract, cdiags = check_node(node, "f")  # type: ignore[arg-type]
    assert contract is not None, cdiags
    for n in list(range(400, 520, 3)) + [3000]:
        node, diags = parse_text(_nest(form, n), "f")  # never raises, near the limit either
        assert node is None and [d.code for d in diags] == ["nesting-too-deep"]
    node, diags = parse_text(_nest(form, 3000), "f")
    assert node is None and [d.code for d in diags] == ["nesting-too-deep"]
    assert diags[0].message.endswith("levels deep; the limit is 200")


def test_parentheses_count_as_nesting_with_the_same_limit() -> None:
    ok = HEAD + 'check "c": possible ' + "(" * 200 + "a" + ")" * 200 + "\n"
    node, diags = parse_text(ok, "f")
    assert node is not None and not diags
    deep = HEAD + 'check "c": possible ' + "(" * 3000 + "a" + ")" * 3000 + "\n"
    node, diags = parse_text(deep, "f")
    assert node is None and [d.code for d in diags] == ["nesting-too-deep"]
    assert diags[0].message == "this nests 3000 levels deep; the limit is 200"
    # placed at the first parenthesis over the limit
    line = HEAD.count("\n") + 1
    col = len('check "c": possible ') + 201
    assert (diags[0].span.line, diags[0].span.col) == (line, col)


def test_every_broken_item_is_reported() -> None:
    text = (
        HEAD + 'fact c: bool = = 1\ncheck "ok": possible a\ncheck "x" possible b\nfact d: int = 2024-02-30\n'
    )
    node, diags = parse_text(text, "f")
    assert node is None
    assert [(d.code, d.span.line) for d in diags] == [
        ("syntax-unexpected-token", 4),
        ("syntax-unexpected-token", 6),
    ]
    # a bad literal alone is a diagnostic next to a node
    node, diags = parse_text(HEAD + 'check "ok": possible a\nfact d: int = 2024-02-30\n', "f")
    assert node is not None and [(d.code, d.span.line) for d in diags] == [("bad-literal", 5)]


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


def test_parses_in_threads_do_not_mix() -> None:
    texts = [(_read(p), str(p.name)) for p in SHIPPED[:6]]
    want = [
        (_walk(node, []), [repr(d) for d in diags]) for node, diags in (parse_text(t, f) for t, f in texts)
    ]
    got: dict[int, list[Any]] = {}

    def work(k: int) -> None:
        got[k] = [
            (_walk(node, []), [repr(d) for d in diags])
            for node, diags in (parse_text(t, f) for t, f in texts)
        ]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(got[k] == want for k in range(4))
