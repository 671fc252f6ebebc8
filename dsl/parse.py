"""From text to the surface model (``dsl.syntax``), or to syntax diagnostics.

The grammar is LALR(1) (``grammar.lark``); the Lark parser is built once per
process and cached on disk in a per-user folder. The syntax nodes are built
while parsing, one ``_Build`` method per rule (see "reductions" below). They
only build nodes: literal validation that can fail (a date like 2024-02-30)
records a diagnostic instead of raising, so one bad literal does not hide the
rest.
"""

from __future__ import annotations

import datetime as _dt
import gc
import operator
import os
import re
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from types import FrameType
from typing import Any

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.grammar import Rule, Terminal
from lark.lexer import BasicLexer, ContextualLexer
from lark.parsers.lalr_analysis import Shift
from lark.tree import Meta

from dsl import syntax as s
from dsl.diagnostics import Diagnostic
from dsl.literals import LiteralError, parse_date, parse_int, parse_money, unquote

GRAMMAR = Path(__file__).with_name("grammar.lark")
_parser: Lark | None = None


def _cache_path() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "whereas")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return ""
    return os.path.join(folder, "grammar.lark.cache")


# Words that start a top-level item are reserved everywhere: the contextual
# lexer would otherwise read `party` as a name wherever only a name can stand,
# and an unfinished statement would swallow the next item.
RESERVED = {"party": "PARTY", "kind": "KIND", "fact": "FACT", "event": "EVENT", "state": "STATE", "check": "CHECK"}


def _reserve(tok: Token) -> Token:
    kw = RESERVED.get(str(tok))
    if kw is not None:
        return Token.new_borrow_pos(kw, str(tok), tok)
    return tok


def get_parser() -> Lark:
    global _parser
    if _parser is None:
        options: dict[str, Any] = {
            "parser": "lalr",
            "propagate_positions": True,
            "maybe_placeholders": True,
            "lexer_callbacks": {"NAME": _reserve},
        }
        cache: str | bool = _cache_path() or False
        try:
            _parser = Lark(GRAMMAR.read_text(encoding="utf-8"), cache=cache, **options)
        except (OSError, EOFError):  # an unreadable or stale cache: build afresh
            _parser = Lark(GRAMMAR.read_text(encoding="utf-8"), **options)
    return _parser


_HEAD_RE = re.compile(
    r"§[ \t]*(?P<id>[0-9]+(?:\.[0-9]+)*[a-z]?)(?P<title>[^\[#]*)(?:\[(?P<facts>[^\]]*)\])?[ \t]*(?P<rest>.*)$"
)


def span_of(meta: Meta | Token, file: str) -> s.Span:
    if isinstance(meta, Token):
        return s.Span(file, meta.line or 0, meta.column or 0, meta.end_line or 0, meta.end_column or 0)
    if getattr(meta, "empty", False):
        return s.NOWHERE
    return s.Span(file, meta.line, meta.column, meta.end_line, meta.end_column)


# ----------------------------------------------------------------- builder

# Where a node was written: line, column, end line, end column (1-based), as
# Lark's ``propagate_positions`` would compute them (see ``_callback_source``).
Pos = tuple[int, int, int, int]


class _Build:
    """Builds ``dsl.syntax`` nodes; records literal errors in ``self.diags``.

    One method per rule (or alias) of the grammar, called by the LALR parser at
    each reduction with the node's position and its children: the tokens and
    nodes the grammar keeps, ``None`` for an absent ``[optional]`` part."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.diags: list[Diagnostic] = []

    def sp(self, meta: Pos) -> s.Span:
        return s.Span(self.file, meta[0], meta[1], meta[2], meta[3])

    def tsp(self, tok: Token) -> s.Span:
        return span_of(tok, self.file)

    def _lit_error(self, tok: Token, err: LiteralError, expected: str) -> None:
        self.diags.append(
            Diagnostic("bad-literal", str(err), self.tsp(tok), expected=expected, found=str(tok))
        )

    # files
    def start(self, meta: Pos, c: list[Any]) -> Any:
        return c[0]

    def contract_file(self, meta: Pos, c: list[Any]) -> s.ContractFile:
        return s.ContractFile(c[0], tuple(c[1:]), span=self.sp(meta))

    def header(self, meta: Pos, c: list[Any]) -> s.Header:
        title, eff, hor, cur = c
        return s.Header(unquote(title), eff, hor, cur or "USD", span=self.sp(meta))

    def effective_decl(self, meta: Pos, c: list[Any]) -> _dt.date:
        return self._date(c[0])

    horizon_decl = effective_decl

    def currency_decl(self, meta: Pos, c: list[Any]) -> str:
        return str(c[0])

    def _date(self, tok: Token) -> _dt.date:
        try:
            return parse_date(str(tok))
        except LiteralError as e:
            self._lit_error(tok, e, "a calendar date YYYY-MM-DD")
            return _dt.date(2000, 1, 1)

    def scenario_file(self, meta: Pos, c: list[Any]) -> s.ScenarioFile:
        facts = tuple(x for x in c[2:] if isinstance(x, s.ScenarioFact))
        events = tuple(x for x in c[2:] if isinstance(x, s.ScenarioEvent))
        return s.ScenarioFile(unquote(c[0]), unquote(c[1]), facts, events, span=self.sp(meta))

    def scenario_fact(self, meta: Pos, c: list[Any]) -> s.ScenarioFact:
        return s.ScenarioFact(str(c[0]), c[1], span=self.sp(meta))

    def scenario_event(self, meta: Pos, c: list[Any]) -> s.ScenarioEvent:
        date, name, args, actor = c
        return s.ScenarioEvent(
            self._date(date), str(name), tuple(args or ()), actor, span=self.sp(meta)
        )

    def event_args(self, meta: Pos, c: list[Any]) -> tuple[Any, ...]:
        return tuple(x for x in c if x is not None)

    def event_arg(self, meta: Pos, c: list[Any]) -> tuple[str, Any]:
        return (str(c[0]), c[1])

    def amendment_file(self, meta: Pos, c: list[Any]) -> s.AmendmentFile:
        return s.AmendmentFile(unquote(c[0]), unquote(c[1]), tuple(c[2:]), span=self.sp(meta))

    def add_item(self, meta: Pos, c: list[Any]) -> s.Amend:
        return s.Amend("add", item=c[0], span=self.sp(meta))

    def replace_item(self, meta: Pos, c: list[Any]) -> s.Amend:
        return s.Amend("replace", item=c[0], span=self.sp(meta))

    def remove_clause(self, meta: Pos, c: list[Any]) -> s.Amend:
        return s.Amend("remove", target_kind="clause", target=_clause_ref(c[0]), span=self.sp(meta))

    def remove_decl(self, meta: Pos, c: list[Any]) -> s.Amend:
        return s.Amend("remove", target_kind=str(c[0]), target=str(c[1]), span=self.sp(meta))

    def remove_check(self, meta: Pos, c: list[Any]) -> s.Amend:
        tok = c[0]
        target = unquote(tok) if tok.type == "STRING" else str(tok)
        return s.Amend("remove", target_kind="check", target=target, span=self.sp(meta))

    # declarations
    def party_decl(self, meta: Pos, c: list[Any]) -> s.PartyDecl:
        name, desc, bodies = c
        return s.PartyDecl(str(name), _opt_str(desc), tuple(bodies or ()), span=self.sp(meta))

    def bodies(self, meta: Pos, c: list[Any]) -> tuple[str, ...]:
        return tuple(str(x) for x in c if isinstance(x, Token) and x.type == "NAME")

    def kind_decl(self, meta: Pos, c: list[Any]) -> s.KindDecl:
        return s.KindDecl(str(c[0]), tuple(str(x) for x in c[2:]), _opt_str(c[1]), span=self.sp(meta))

    def fact_decl(self, meta: Pos, c: list[Any]) -> s.FactDecl:
        name, typ, value, desc = c
        return s.FactDecl(str(name), typ, value, _opt_str(desc), span=self.sp(meta))

    def type_ref(self, meta: Pos, c: list[Any]) -> s.TypeRef:
        return s.TypeRef(str(c[0]), span=self.sp(meta))

    def party_type(self, meta: Pos, c: list[Any]) -> s.TypeRef:
        return s.TypeRef("party", span=self.sp(meta))

    def event_decl(self, meta: Pos, c: list[Any]) -> s.EventDecl:
        name, params, actors, desc = c
        return s.EventDecl(str(name), tuple(params or ()), actors, _opt_str(desc), span=self.sp(meta))

    def params(self, meta: Pos, c: list[Any]) -> tuple[s.Param, ...]:
        return tuple(c)

    def param(self, meta: Pos, c: list[Any]) -> s.Param:
        return s.Param(str(c[0]), c[1], span=self.sp(meta))

    def actors(self, meta: Pos, c: list[Any]) -> tuple[s.Actor, ...]:
        return tuple(c)

    def anyone(self, meta: Pos, c: list[Any]) -> tuple[s.Actor, ...]:
        return ()

    def actor(self, meta: Pos, c: list[Any]) -> s.Actor:
        return s.Actor(str(c[0]), str(c[1]) if c[1] is not None else None, span=self.sp(meta))

    def state_decl(self, meta: Pos, c: list[Any]) -> s.StateDecl:
        name, desc, starts, ends = c
        return s.StateDecl(str(name), _opt_str(desc), tuple(starts or ()), tuple(ends or ()), span=self.sp(meta))

    def state_from(self, meta: Pos, c: list[Any]) -> tuple[s.TimePoint, ...]:
        return tuple(c)

    state_until = state_from

    def tp_date(self, meta: Pos, c: list[Any]) -> s.TimePoint:
        return s.TimePoint("date", date=self._date(c[0]), span=self.sp(meta))

    def tp_effective(self, meta: Pos, c: list[Any]) -> s.TimePoint:
        return s.TimePoint("effective", span=self.sp(meta))

    def tp_event(self, meta: Pos, c: list[Any]) -> s.TimePoint:
        return s.TimePoint("event", event=str(c[0]), span=self.sp(meta))

    # clauses
    def clause(self, meta: Pos, c: list[Any]) -> s.Clause:
        head: Token = c[0]
        m = _HEAD_RE.match(str(head))
        cid, title = "§?", ""
        facts: tuple[str, ...] = ()
        if m is None or m.group("rest").strip() and not m.group("rest").lstrip().startswith("#"):
            self.diags.append(
                Diagnostic(
                    "bad-clause-head",
                    "this clause heading has text after its fact list",
                    self.tsp(head),
                    expected="§N Title [F1, F2]",
                    found=str(head).strip(),
                    hint="put the facts in one bracket at the end of the heading line",
                )
            )
        if m is not None:
            cid = "§" + m.group("id")
            title = m.group("title").strip()
            if m.group("facts") is not None:
                facts = tuple(f.strip() for f in m.group("facts").split(",") if f.strip())
        parts = c[1:]
        texts = tuple(p[1] for p in parts if isinstance(p, tuple) and p[0] == "text")
        excs = [p for p in parts if isinstance(p, tuple) and p[0] == "exception"]
        exc = excs[0] if excs else None
        if len(excs) > 1:
            self.diags.append(
                Diagnostic(
                    "exception-mismatch",
                    f"clause {cid} says `exception to` {len(excs)} times; a clause is an exception to one clause",
                    self.tsp(head),
                    hint="split it into one exception clause per clause it excepts",
                )
            )
        guards = tuple(p for p in parts if isinstance(p, s.Guard))
        survives = any(p == "survives" for p in parts)
        stmts = tuple(p for p in parts if isinstance(p, (s.Norm, s.Consequence)))
        return s.Clause(
            cid,
            title,
            facts,
            texts,
            exception_to=exc[1] if exc else None,
            prevails_over=exc[2] if exc else (),
            guards=guards,
            survives=survives,
            statements=stmts,
            span=self.sp(meta),
            head_span=self.tsp(head),
        )

    def text_part(self, meta: Pos, c: list[Any]) -> tuple[str, str]:
        return ("text", unquote(c[0]))

    def exception_part(self, meta: Pos, c: list[Any]) -> tuple[str, str, tuple[str, ...]]:
        return ("exception", _clause_ref(c[0]), tuple(c[1] or ()))

    def prevails(self, meta: Pos, c: list[Any]) -> tuple[str, ...]:
        return tuple(_clause_ref(x) for x in c)

    def guard_while(self, meta: Pos, c: list[Any]) -> s.Guard:
        return s.Guard("while", cond=c[0], span=self.sp(meta))

    def guard_from(self, meta: Pos, c: list[Any]) -> s.Guard:
        return s.Guard("from", date=c[0], span=self.sp(meta))

    def guard_until_date(self, meta: Pos, c: list[Any]) -> s.Guard:
        return s.Guard("until_date", date=s.DateRef(date=self._date(c[0]), span=self.tsp(c[0])), span=self.sp(meta))

    def guard_until_horizon(self, meta: Pos, c: list[Any]) -> s.Guard:
        return s.Guard("until_date", date=s.DateRef(name="horizon", span=self.sp(meta)), span=self.sp(meta))

    def guard_until_event(self, meta: Pos, c: list[Any]) -> s.Guard:
        return s.Guard("until_event", pattern=c[0], span=self.sp(meta))

    def survives(self, meta: Pos, c: list[Any]) -> str:
        return "survives"

    def _norm(self, modality: str, meta: Pos, c: list[Any]) -> s.Norm:
        return s.Norm(modality, c[0], c[1], c[2], span=self.sp(meta))

    def prohibition(self, meta: Pos, c: list[Any]) -> s.Norm:
        return self._norm("must_not", meta, c)

    def permission(self, meta: Pos, c: list[Any]) -> s.Norm:
        return self._norm("may", meta, c)

    def power(self, meta: Pos, c: list[Any]) -> s.Norm:
        return self._norm("power", meta, c)

    def obligation(self, meta: Pos, c: list[Any]) -> s.Norm:
        actor, pattern, where, deadline = c
        kind, value = deadline
        if kind == "within":
            return s.Norm("must", actor, pattern, where, within=value.value, span=self.sp(meta))
        return s.Norm("must", actor, pattern, where, before=value, span=self.sp(meta))

    def within(self, meta: Pos, c: list[Any]) -> tuple[str, Any]:
        return ("within", c[0])

    def before(self, meta: Pos, c: list[Any]) -> tuple[str, Any]:
        return ("before", c[0])

    def triggered(self, meta: Pos, c: list[Any]) -> s.Norm | s.Consequence:
        trigger, body = c
        if isinstance(body, s.Norm):
            return s.Norm(
                body.modality, body.actor, body.pattern, body.where, body.within, body.before,
                trigger=trigger, span=self.sp(meta),
            )
        effect, state = body
        return s.Consequence(trigger, effect, state, span=self.sp(meta))

    def consequence(self, meta: Pos, c: list[Any]) -> s.Consequence:
        trigger, (effect, state) = c
        return s.Consequence(trigger, effect, state, span=self.sp(meta))

    def ends(self, meta: Pos, c: list[Any]) -> tuple[str, str | None]:
        return ("ends", str(c[0]))

    def starts(self, meta: Pos, c: list[Any]) -> tuple[str, str | None]:
        return ("starts", str(c[0]))

    def terminates(self, meta: Pos, c: list[Any]) -> tuple[str, str | None]:
        return ("terminates", None)

    def event_trigger(self, meta: Pos, c: list[Any]) -> s.Trigger:
        pattern, actor, where = c
        return s.Trigger(pattern=pattern, actor=actor, where=where, span=self.sp(meta))

    def violation_trigger(self, meta: Pos, c: list[Any]) -> s.Trigger:
        return s.Trigger(violation_of=_clause_ref(c[0]), span=self.sp(meta))

    def where(self, meta: Pos, c: list[Any]) -> Any:
        return c[0]

    def pattern(self, meta: Pos, c: list[Any]) -> s.Pattern:
        return s.Pattern(str(c[0]), tuple(c[1] or ()), span=self.sp(meta))

    def pattern_args(self, meta: Pos, c: list[Any]) -> tuple[s.PatternArg, ...]:
        return tuple(x for x in c if x is not None)

    def arg_is(self, meta: Pos, c: list[Any]) -> s.PatternArg:
        return s.PatternArg(str(c[0]), ":", c[1], span=self.sp(meta))

    def arg_cmp(self, meta: Pos, c: list[Any]) -> s.PatternArg:
        return s.PatternArg(str(c[0]), str(c[1]), c[2], span=self.sp(meta))

    # checks
    def check_decl(self, meta: Pos, c: list[Any]) -> s.Check:
        name = c[0]
        title = unquote(c[1])
        givens = tuple(x[1] for x in c[2:-1])
        mode, body = c[-1]
        cid = str(name) if name is not None else slug(title)
        return s.Check(cid, title, mode, body, givens, explicit_id=name is not None, span=self.sp(meta))

    def given(self, meta: Pos, c: list[Any]) -> tuple[str, Any]:
        return ("given", c[0])

    def check_body(self, meta: Pos, c: list[Any]) -> tuple[str, Any]:
        return (str(c[0]), c[1])

    # expressions
    def _bin(self, op: str, meta: Pos, c: list[Any]) -> s.Binary:
        return s.Binary(op, c[0], c[-1], span=self.sp(meta))

    def implies_expr(self, meta: Pos, c: list[Any]) -> s.Binary:
        return self._bin("implies", meta, c)

    def or_expr(self, meta: Pos, c: list[Any]) -> s.Binary:
        return self._bin("or", meta, c)

    def and_expr(self, meta: Pos, c: list[Any]) -> s.Binary:
        return self._bin("and", meta, c)

    def not_expr(self, meta: Pos, c: list[Any]) -> s.Unary:
        return s.Unary("not", c[0], span=self.sp(meta))

    def neg_expr(self, meta: Pos, c: list[Any]) -> s.Unary:
        return s.Unary("-", c[0], span=self.sp(meta))

    def compare_expr(self, meta: Pos, c: list[Any]) -> s.Binary:
        return s.Binary(str(c[1]), c[0], c[2], span=self.sp(meta))

    sum_expr = compare_expr

    def product_expr(self, meta: Pos, c: list[Any]) -> s.Binary:
        return s.Binary("*", c[0], c[1], span=self.sp(meta))

    def after_scope(self, meta: Pos, c: list[Any]) -> s.AfterScope:
        pattern, actor, body = c
        return s.AfterScope(pattern, actor, body, span=self.sp(meta))

    def during_scope(self, meta: Pos, c: list[Any]) -> s.DuringScope:
        return s.DuringScope(c[0], c[1], c[2], span=self.sp(meta))

    def on_scope(self, meta: Pos, c: list[Any]) -> s.DuringScope:
        return s.DuringScope(c[0], c[0], c[1], span=self.sp(meta))

    def at_date(self, meta: Pos, c: list[Any]) -> s.Timed:
        return s.Timed("on", c[0], c[1], span=self.sp(meta))

    def before_date(self, meta: Pos, c: list[Any]) -> s.Timed:
        return s.Timed("before", c[0], c[1], span=self.sp(meta))

    def after_date(self, meta: Pos, c: list[Any]) -> s.Timed:
        return s.Timed("after", c[0], c[1], span=self.sp(meta))

    def name_ref(self, meta: Pos, c: list[Any]) -> s.NameRef:
        return s.NameRef(str(c[0]), span=self.sp(meta))

    def event_atom(self, meta: Pos, c: list[Any]) -> s.EventAtom:
        pat = s.Pattern(str(c[0]), tuple(c[1] or ()), span=self.sp(meta))
        return s.EventAtom(pat, span=self.sp(meta))

    def acted_event(self, meta: Pos, c: list[Any]) -> s.EventAtom:
        args: tuple[s.PatternArg, ...] = ()
        if len(c) == 3:
            args = tuple(c[1] or ())
        pat = s.Pattern(str(c[0]), args, span=self.tsp(c[0]))
        return s.EventAtom(pat, actor=c[-1], span=self.sp(meta))

    def effective_event(self, meta: Pos, c: list[Any]) -> s.EventAtom:
        return s.EventAtom(c[0], actor=c[1], effective=True, span=self.sp(meta))

    def breach_atom(self, meta: Pos, c: list[Any]) -> s.Breach:
        return s.Breach(str(c[0]), span=self.sp(meta))

    def clause_breach_atom(self, meta: Pos, c: list[Any]) -> s.Breach:
        return s.Breach(str(c[1]) if c[1] is not None else None, _clause_ref(c[0]), span=self.sp(meta))

    def violation_atom(self, meta: Pos, c: list[Any]) -> s.Breach:
        return s.Breach(None, _clause_ref(c[0]), span=self.sp(meta))

    def date_lit(self, meta: Pos, c: list[Any]) -> s.DateRef:
        return s.DateRef(date=self._date(c[0]), span=self.sp(meta))

    def horizon_ref(self, meta: Pos, c: list[Any]) -> s.DateRef:
        return s.DateRef(name="horizon", span=self.sp(meta))

    def effective_ref(self, meta: Pos, c: list[Any]) -> s.DateRef:
        return s.DateRef(name="effective", span=self.sp(meta))

    def date_name(self, meta: Pos, c: list[Any]) -> s.DateRef:
        return s.DateRef(name=str(c[0]), span=self.sp(meta))

    # literals
    def money(self, meta: Pos, c: list[Any]) -> s.Literal:
        tok = c[0]
        try:
            value: s.Value = parse_money(str(tok))
        except LiteralError as e:
            self._lit_error(tok, e, "an amount like $10B, US$650M, EUR 40,000 or $1,250.50")
            value = s.Money(0)
        return s.Literal(value, span=self.sp(meta))

    def date(self, meta: Pos, c: list[Any]) -> s.Literal:
        return s.Literal(self._date(c[0]), span=self.sp(meta))

    def duration(self, meta: Pos, c: list[Any]) -> s.Literal:
        unit = str(c[1]).rstrip("s")
        return s.Literal(s.Duration(self._int(c[0]), unit), span=self.sp(meta))

    def percent(self, meta: Pos, c: list[Any]) -> s.Literal:
        return s.Literal(Fraction(str(c[0])[:-1]) / 100, span=self.sp(meta))

    def int_lit(self, meta: Pos, c: list[Any]) -> s.Literal:
        return s.Literal(self._int(c[0]), span=self.sp(meta))

    def _int(self, tok: Token) -> int:
        try:
            return parse_int(str(tok))
        except LiteralError as e:
            self._lit_error(tok, e, "a whole number like 90 or 1,000")
            return 0

    def true(self, meta: Pos, c: list[Any]) -> s.Literal:
        return s.Literal(True, span=self.sp(meta))

    def false(self, meta: Pos, c: list[Any]) -> s.Literal:
        return s.Literal(False, span=self.sp(meta))


def _opt_str(tok: Token | None) -> str | None:
    return unquote(str(tok)) if tok is not None else None


def _clause_ref(tok: Token) -> str:
    return "§" + str(tok)[1:].strip()


def slug(title: str) -> str:
    text = re.sub(r"[^A-Za-z0-9]+", "_", title.lower()).strip("_")
    return text[:60] or "check"


# ----------------------------------------------------------------- reductions
#
# Lark's own way is two passes: its parse-tree builder makes a Tree and a Meta
# per node and fills in positions (``propagate_positions``), then a Transformer
# walks the tree again. Here the LALR parser calls, at each reduction, one small
# function generated from the grammar rule, which builds the syntax node at
# once. The function reproduces what the tree builder and the transformer did:
#
# - the children a ``_Build`` method sees: the kept tokens and nodes in order,
#   ``None`` for each absent ``[optional]`` part, the items of ``x*``/``x+``
#   (Lark's ``__rule_star_N`` helpers) spliced in;
# - a node's position: from the start of its first symbol (a keyword too) to
#   the end of its last; a ``?rule`` with one child passes that child on,
#   stretched over the symbols it dropped (the parentheses of ``( expr )``) for
#   the parent's position, its own unchanged;
# - the depth of the tree Lark would have built, for "nests too deeply".
#
# On the parser's value stack a token stays a Token; anything else is a triple
# (value, position seen by the parent, depth).


def _kept(rule: Rule) -> tuple[list[tuple[int, bool, int]], int]:
    """Lark's child filter for ``rule`` (``maybe_placeholders``): for each kept
    symbol, its index, whether its items are spliced in, and the ``None``s that
    go before it; then the ``None``s after the last one."""
    expansion = rule.expansion
    if rule.options.empty_indices:
        bits = "".join("1" if b else "0" for b in rule.options.empty_indices)
        nones = [len(ones) for ones in bits.split("0")]
    else:
        nones = [0] * (len(expansion) + 1)
    kept: list[tuple[int, bool, int]] = []
    pending = 0
    for i, sym in enumerate(expansion):
        pending += nones[i]
        if rule.options.keep_all_tokens or not (isinstance(sym, Terminal) and sym.filter_out):
            kept.append((i, not sym.is_term and sym.name.startswith("_"), pending))
            pending = 0
    return kept, pending + nones[len(expansion)]


def _callback_source(rule: Rule) -> str | None:
    """The source of ``def _make(fn)`` returning the reduction function of
    ``rule`` (``fn`` is the ``_Build`` method it calls, if any); ``None`` for a
    ``?rule`` that passes its only symbol on as it is."""
    exp = rule.expansion
    n = len(exp)
    name = rule.alias or rule.origin.name
    if n == 0 or rule.options.template_source is not None:
        raise ValueError(f"grammar rule {rule} has a shape dsl.parse does not handle")
    kept, trailing = _kept(rule)

    def value(i: int) -> str:
        return f"c[{i}]" if exp[i].is_term else f"c[{i}][0]"

    start = "c[0].line, c[0].column" if exp[0].is_term else "c[0][1][0], c[0][1][1]"
    last = n - 1
    end = (
        f"c[{last}].end_line, c[{last}].end_column" if exp[last].is_term else f"c[{last}][1][2], c[{last}][1][3]"
    )
    pos = f"({start}, {end})"
    depths = [f"c[{i}][2]" for i in range(n) if not exp[i].is_term]
    deepest = "0" if not depths else depths[0] if len(depths) == 1 else f"max({', '.join(depths)})"

    if rule.options.expand1 and not rule.alias:
        # `?rule`: Lark's ExpandSingleChild hands the child over; the grammar
        # only uses it where exactly one node is kept.
        if len(kept) != 1 or kept[0][1] or kept[0][2] or trailing or exp[kept[0][0]].is_term:
            raise ValueError(f"grammar rule {rule} has a shape dsl.parse does not handle")
        if n == 1:
            return None
        body = f"x = c[{kept[0][0]}]\n        return (x[0], {pos}, x[2])"
    else:
        parts: list[str] = []
        reuse = None
        for j, (i, splice, nones) in enumerate(kept):
            parts += ["None"] * nones
            if splice and j == 0 and not nones:
                reuse = f"c[{i}][0]"  # the helper's list, extended in place (as Lark does)
            elif splice:
                parts.append(f"*c[{i}][0]")
            else:
                parts.append(value(i))
        parts += ["None"] * trailing
        if reuse is None:
            kids = f"k = [{', '.join(parts)}]"
        elif parts:
            kids = f"k = {reuse}\n        k += [{', '.join(parts)}]"
        else:
            kids = f"k = {reuse}"
        if rule.origin.name.startswith("_"):  # x* / x+ helper: spliced into its parent, adds no depth
            body = f"{kids}\n        return (k, {pos}, {deepest})"
        elif hasattr(_Build, name):
            depth = "1" if not depths else f"{deepest} + 1"
            body = f"{kids}\n        p = {pos}\n        return (fn(p, k), p, {depth})"
        else:
            raise ValueError(f"no _Build method for grammar rule {name}")
    return f"def _make(fn):\n    def reduce(c):\n        {body}\n    return reduce\n"


_Reduce = Callable[[list[Any]], Any]


class _Reductions:
    """The reduction functions of one Lark parser, generated once, in the order
    of ``parser.rules``."""

    def __init__(self, parser: Lark) -> None:
        self.rules: list[Rule] = list(parser.rules)
        fnames: dict[str, str] = {}  # source -> function name: rules of the same shape share one
        made: list[tuple[str, str | None]] = []
        for rule in self.rules:
            src = _callback_source(rule)
            if src is None:
                made.append(("", None))
                continue
            fname = fnames.setdefault(src, f"_make{len(fnames)}")
            no_method = rule.origin.name.startswith("_") or (rule.options.expand1 and not rule.alias)
            made.append((fname, None if no_method else rule.alias or rule.origin.name))
        sources = [src.replace("def _make(", f"def {fname}(", 1) for src, fname in fnames.items()]
        namespace: dict[str, Any] = {}
        exec(compile("\n".join(sources), "<dsl.parse reductions>", "exec"), namespace)
        # functions that call no _Build method are made once, the others per parse
        self.fixed: list[_Reduce] = []
        self.per_parse: list[tuple[int, Callable[[Any], _Reduce], str]] = []
        for i, (fname, method) in enumerate(made):
            if not fname:
                self.fixed.append(operator.itemgetter(0))
            elif method is None:
                self.fixed.append(namespace[fname](None))
            else:
                self.fixed.append(operator.itemgetter(0))  # replaced by bind()
                self.per_parse.append((i, namespace[fname], method))

    def bind(self, builder: _Build) -> list[_Reduce]:
        """The reduction functions calling ``builder``'s methods, by rule index."""
        fns = list(self.fixed)
        for i, make, method in self.per_parse:
            fns[i] = make(getattr(builder, method))
        return fns

    def by_rule(self, fns: list[_Reduce]) -> dict[Rule, _Reduce]:
        return dict(zip(self.rules, fns, strict=True))


class _GiveUp(Exception):
    """The fast parser met something it does not parse: Lark is to say what."""


_Scanner = tuple[tuple[re.Pattern[str], ...], dict[str, Any], frozenset[str], frozenset[str]]


class _Scanners(dict[Any, _Scanner]):
    """Parser state -> what Lark's lexer for that state reads with: its compiled
    patterns, its token callbacks, the terminals that may hold a line break and
    the ignored ones. Filled in as states are met (Lark builds them lazily too:
    compiling all at once costs tens of milliseconds)."""

    def __init__(self, lexer: ContextualLexer) -> None:
        super().__init__()
        self.lexers = lexer.lexers

    def __missing__(self, state: Any) -> _Scanner:
        basic = self.lexers.get(state)
        if not isinstance(basic, BasicLexer):
            raise _GiveUp
        try:
            scanner = basic.scanner  # built on first use, with basic.callback
            found = (
                tuple(scanner._mres), basic.callback, frozenset(basic.newline_types), frozenset(basic.ignore_types)
            )
        except AttributeError:  # not the Lark this was written for (_FastParser checks one state first)
            raise _GiveUp from None
        self[state] = found
        return found


class _FastParser:
    """Lark's LALR(1) parser and contextual lexer, for input that parses.

    It uses Lark's parse table and, in each parser state, the scanner and the
    token callbacks of Lark's lexer for that state, so it reads the same tokens
    (types, values, positions) and makes the same reductions, without Lark's
    layers per token (LexerThread, LineCounter, Token.__new__, feed_token):
    a quarter of the time of a parse. Wherever Lark would raise, it
    gives up instead (``_GiveUp``) and the caller runs Lark itself, which
    reports the error exactly as it always has."""

    def __init__(self, parser: Lark, rules: list[Rule]) -> None:
        lexer = parser.parser.lexer
        if not isinstance(lexer, ContextualLexer) or parser.lexer_conf.postlex or parser.options.use_bytes:
            raise TypeError("the fast parser reads text with Lark's contextual lexer only")
        conf = parser.parse_interactive("").parser_state.parse_conf
        self.start = conf.start_state
        self.end = conf.end_state
        number = {rule: i for i, rule in enumerate(rules)}
        # per state: token type -> (True, next state) or (False, (rule index, size, rule name))
        self.actions: dict[Any, dict[str, tuple[bool, Any]]] = {}
        self.goto: dict[Any, dict[str, Any]] = {}
        for state, row in conf.states.items():
            acts: dict[str, tuple[bool, Any]] = {}
            goto: dict[str, Any] = {}
            for symbol, (action, arg) in row.items():
                if action is Shift:
                    acts[symbol] = (True, arg)
                    goto[symbol] = arg
                else:
                    acts[symbol] = (False, (number[arg], len(arg.expansion), arg.origin.name))
            self.actions[state] = acts
            self.goto[state] = goto
        self.scanners = _Scanners(lexer)
        self.scanners[self.start] = self.scanners.__missing__(self.start)  # raises if Lark's insides differ
        self.new_token: Callable[..., Token] = Token._future_new  # Token(...) without its keyword-argument shim

    def run(self, text: str, fns: list[_Reduce]) -> Any:
        actions, goto, scanners, end_state, new_token = self.actions, self.goto, self.scanners, self.end, self.new_token
        states: list[Any] = [self.start]
        values: list[Any] = []
        pos, line, line_start, size = 0, 1, 0, len(text)
        last: Token | None = None
        while True:
            # the next token, read by the lexer of the current state
            token: Token | None = None
            if pos < size:
                patterns, callbacks, multiline, ignored = scanners[states[-1]]
                while pos < size:
                    for pattern in patterns:
                        match = pattern.match(text, pos)
                        if match is not None:
                            break
                    else:
                        raise _GiveUp
                    value = match.group(0)
                    kind = match.lastgroup
                    start, start_line, start_column = pos, line, pos - line_start + 1
                    if kind in multiline:
                        breaks = value.count("\n")
                        if breaks:
                            line += breaks
                            line_start = pos + value.rindex("\n") + 1
                    pos += len(value)
                    skip = kind in ignored
                    if not skip or kind in callbacks:
                        tok = new_token(kind, value, start, start_line, start_column, line, pos - line_start + 1, pos)
                        if kind in callbacks:
                            tok = callbacks[kind](tok)
                        if not skip:
                            token = tok
                            break
            at_end = token is None
            if token is None:
                token = Token.new_borrow_pos("$END", "", last) if last is not None else Token("$END", "", 0, 1, 1)
            else:
                last = token
            # shift it, after the reductions it calls for
            kind = token.type
            while True:
                act = actions[states[-1]].get(kind)
                if act is None:
                    raise _GiveUp
                shift, arg = act
                if shift:
                    if at_end:
                        raise _GiveUp
                    states.append(arg)
                    values.append(token)
                    break
                index, n, name = arg
                if n:
                    kids = values[-n:]
                    del states[-n:]
                    del values[-n:]
                else:
                    kids = []
                node = fns[index](kids)
                top = goto[states[-1]][name]
                states.append(top)
                values.append(node)
                if at_end and top == end_state:
                    return node


_reductions: _Reductions | None = None
_fast: _FastParser | None = None
_fast_failed = False


def _get_reductions() -> _Reductions:
    global _reductions
    if _reductions is None:
        _reductions = _Reductions(get_parser())
    return _reductions


def _get_fast() -> _FastParser | None:
    """The fast parser, or None where it cannot be set up (another Lark whose
    insides differ): parsing then goes through Lark, only slower."""
    global _fast, _fast_failed
    if _fast is None and not _fast_failed:
        try:
            _fast = _FastParser(get_parser(), _get_reductions().rules)
        except Exception:  # noqa: BLE001 - any mismatch with Lark's insides means: do without
            _fast_failed = True
    return _fast


def _parse_with(text: str, callbacks: dict[Rule, _Reduce]) -> Any:
    """Run Lark's LALR parser over ``text`` with ``callbacks`` as its reductions
    (an empty dict: only recognise). Lark's lexer, parse table and exceptions
    are the ones ``get_parser().parse`` uses."""
    interactive = get_parser().parse_interactive(text)
    interactive.parser_state.parse_conf.callbacks = callbacks  # type: ignore[assignment]
    return interactive.resume_parse()  # type: ignore[no-untyped-call]


def _build(text: str, builder: _Build) -> Any:
    """Parse ``text`` into ``builder``'s nodes: the (value, position, depth) of
    the start symbol. Raises Lark's UnexpectedInput on a syntax error."""
    reductions = _get_reductions()
    fast = _get_fast()
    if fast is not None:
        try:
            return fast.run(text, reductions.bind(builder))
        except _GiveUp:
            _parse_with(text, {})  # raises the syntax error, as Lark reports it
            builder.diags.clear()  # (not reached unless the two parsers disagree)
    return _parse_with(text, reductions.by_rule(reductions.bind(builder)))


def _stack_depth() -> int:
    depth = 0
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


# How deep a file may nest. Nodes used to be made from Lark's tree by Lark's
# recursive Transformer, two frames per level of the tree: a tree too deep for
# the recursion limit was reported as nested too deeply, which also keeps the
# recursive passes after the parser (checker, formatter) within the limit.
# Building nodes while parsing needs no recursion; the limit is kept, counted
# the same way (the deepest file read before is the deepest read now, at any
# depth of the caller's stack).
_FRAMES_PER_LEVEL = 2
_FRAMES_AROUND = 12


def _too_deep(depth: int) -> bool:
    return _FRAMES_PER_LEVEL * depth + _stack_depth() + _FRAMES_AROUND > sys.getrecursionlimit()


# ----------------------------------------------------------------- syntax errors

_WORDS = {
    "NAME": "a name",
    "DATE": "a date like 2024-06-01",
    "STRING": 'a quoted text like "..."',
    "MONEY": "an amount like $10B",
    "INT": "a number",
    "PERCENT": "a percentage like 50%",
    "DURATION_UNIT": "days, weeks, months or years",
    "CLAUSE_HEAD": "a clause heading like `§2 Exclusivity [F2]`",
    "CLAUSE_REF": "a clause reference like §2.1",
    "COMPARE": "a comparison (==, !=, <, <=, >, >=)",
    "ADDOP": "+ or -",
    "MODE": "possible, always or never",
    "DECL_KIND": "party, kind, fact, event or state",
    "CURRENCY_CODE": "a currency code (USD, EUR, GBP, CHF)",
    "LPAR": "(",
    "RPAR": ")",
    "COLON": ":",
    "COMMA": ",",
    "DOT": ".",
    "EQUAL": "=",
    "VBAR": "|",
    "STAR": "*",
    "MINUS": "-",
    "$END": "the end of the file",
}


def describe_terminal(name: str) -> str:
    if name in _WORDS:
        return _WORDS[name]
    return "`" + name.lower() + "`"


def describe_expected(names: set[str]) -> str:
    words = sorted({describe_terminal(n) for n in names if not n.startswith("__")})
    if len(words) > 8:
        keywords = [w for w in words if w.startswith("`")]
        others = [w for w in words if not w.startswith("`")]
        words = others + keywords[: max(0, 8 - len(others))] + ["..."]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


_HINTS: dict[str, str] = {
    "STRING": 'texts are written in double quotes: "..."',
    "CLAUSE_REF": "clauses are referred to by their number, like §2.1",
    "DATE": "dates are written YYYY-MM-DD",
}

_ITEM_START = re.compile(
    r"^(party|kind|fact|event|state|check|add|replace|remove|§|[0-9]{4}-[0-9]{2}-[0-9]{2})\b|^§"
)


def _syntax_diag(err: UnexpectedInput, file: str, text: str) -> Diagnostic:
    if isinstance(err, UnexpectedToken) and err.token.type == "$END" or isinstance(err, UnexpectedEOF):
        lines = text.rstrip().splitlines() or [""]
        line = len(lines)
        col = len(lines[-1]) + 1
        expected = describe_expected(set(getattr(err, "expected", set()) or set()))
        return Diagnostic(
            "syntax-unexpected-end",
            "the file ends in the middle of a statement",
            s.Span(file, line, col, line, col + 1),
            expected=expected or None,
            found="the end of the file",
            hint="finish the statement, or remove the unfinished line",
        )
    if isinstance(err, UnexpectedToken):
        tok = err.token
        expected_names = set(err.accepts or err.expected)
        expected = describe_expected(expected_names)
        found = f"`{tok}`" if tok.type != "$END" else "the end of the file"
        if tok.type in _WORDS and tok.type not in ("LPAR", "RPAR", "COLON", "COMMA"):
            found = f"{_WORDS[tok.type]} `{tok}`"
        hint = next((_HINTS[n] for n in sorted(expected_names) if n in _HINTS), None)
        if hint is None and tok.type == "NAME" and expected_names & {"MUST", "MAY", "HAS"}:
            hint = "a statement reads `Party must|must not|may|has power to Event(...)`"
        if hint is None and "COLON" in expected_names:
            hint = "a check reads `check \"title\": [given ...] possible|always|never ...`"
        return Diagnostic(
            "syntax-unexpected-token",
            f"unexpected {found}",
            span_of(tok, file),
            expected=expected or None,
            found=found,
            hint=hint,
        )
    assert isinstance(err, UnexpectedCharacters)
    pos = err.pos_in_stream or 0
    ch = text[pos] if pos < len(text) else ""
    allowed = set(err.allowed or ())
    hint = None
    if ch == '"':
        hint = "is the closing quote of this text missing?"
    elif ch == "'":
        hint = 'texts are written in double quotes: "..."'
    elif ch == "§" or "CLAUSE_REF" in allowed:
        hint = "a clause is written `§2 Title` and referred to as §2"
    return Diagnostic(
        "syntax-unexpected-char",
        f"unexpected character {ch!r}",
        s.Span(file, err.line, err.column, err.line, err.column + 1),
        expected=describe_expected(allowed) or None,
        found=repr(ch),
        hint=hint,
    )


def parse_text(text: str, file: str = "<input>") -> tuple[s.SourceFile | None, list[Diagnostic]]:
    """Parse one file. On syntax errors, blank out the broken item and go on,
    so that every broken item is reported, not only the first."""
    # Parsing allocates one object per token and node and frees none of them
    # until the end: the cyclic collector would only re-scan them, again and
    # again (a third of the time on a 1 MB file).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_text(text, file)
    finally:
        if enabled:
            gc.enable()


def _parse_text(text: str, file: str) -> tuple[s.SourceFile | None, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    lines = text.split("\n")
    builder = _Build(file)
    for _ in range(50):
        current = "\n".join(lines)
        try:
            # Nodes are built while parsing; once a syntax error is found the
            # result is None whatever the rest holds, so the later rounds only
            # look for further syntax errors.
            result = _parse_with(current, {}) if diags else _build(current, builder)
        except UnexpectedInput as err:
            diags.append(_syntax_diag(err, file, current))
            line = getattr(err, "line", None)
            if not isinstance(line, int) or line < 1 or isinstance(err, UnexpectedEOF):
                break
            if isinstance(err, UnexpectedToken) and err.token.type == "$END":
                break
            start = line - 1
            col = getattr(err, "column", 0)
            at_item = _ITEM_START.match(lines[start]) is not None and col == 1
            if at_item:
                # the error is the start of the next item: the item before it is unfinished
                stop = start
                start -= 1
            else:
                stop = line
            while start > 0 and not _ITEM_START.match(lines[start]):
                start -= 1
            if start == 0:
                break  # the header itself is broken: nothing to anchor on
            while not at_item and stop < len(lines) and not _ITEM_START.match(lines[stop]):
                stop += 1
            for i in range(start, stop):
                lines[i] = ""
            continue
        if diags:
            return None, diags
        node, _, depth = result
        if _too_deep(depth):
            return None, [
                Diagnostic(
                    "unsupported",
                    "this file nests expressions too deeply to be read",
                    s.Span(file, 1, 1, 1, 1),
                    hint="split long conditions into facts or states, or use fewer parentheses",
                )
            ]
        diags.extend(builder.diags)
        return node, diags
    return None, diags
