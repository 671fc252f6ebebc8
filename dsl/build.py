"""From Lark's reductions to syntax nodes (``dsl.syntax``).

``Builder`` has one method per rule (or alias) of ``grammar.lark``. Each takes
the node's span and the rule's children as Lark's parser hands them over with
``keep_all_tokens=True`` and ``maybe_placeholders=True``: one child per symbol
of the rule, keywords and punctuation included, ``None`` for each symbol of an
absent ``[optional]`` part, the items of ``x*``/``x+`` spliced in. (The
keywords are kept because a node's span starts at its first keyword: it is
computed from the children.) A method only builds: literal validation that
can fail (a date like 2024-02-30) records a diagnostic in ``diags`` instead of
raising, so one bad literal does not hide the rest.

``Inline`` is the ``lark.Transformer`` that drives a ``Builder`` from inside
Lark's LALR parser (``Lark(..., transformer=Inline(builder))``): each
reduction builds its node at once, no parse tree is made. It keeps on Lark's
value stack, for each node, where its symbols were written and how deep the
tree Lark would have built is under it:

- span: from the start of the first symbol written to the end of the last;
- a rule kept only for its parentheses (``"(" expr ")"``, see
  ``PASS_THROUGH``) passes its child on: the child's own span is unchanged,
  the parent's covers the parentheses, and it adds no depth;
- depth: one more than the deepest child; ``x*`` helpers add none.

These are the positions ``propagate_positions=True`` gives a Lark tree, and
the depth of that tree; ``tests/dsl/test_parse.py`` checks both
against a two-pass parse (a tree, then a Transformer driving ``Builder``).

It is over 500 lines because it has one short method per grammar rule, in the
grammar's order, so that it reads against ``grammar.lark`` line by line.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from lark import Token, Transformer, Tree

from dsl import syntax as s
from dsl.diagnostics import Diagnostic
from dsl.literals import LiteralError, parse_date, parse_int, parse_money, unquote

HEAD_RE = re.compile(
    r"§[ \t]*(?P<id>[0-9]+(?:\.[0-9]+)*[a-z]?)(?P<title>[^\[#]*)(?:\[(?P<facts>[^\]]*)\])?[ \t]*(?P<rest>.*)$"
)

# Rules whose method hands its child on (see the module docstring).
PASS_THROUGH = frozenset({"atom"})


def token_span(tok: Token, file: str, line_offset: int = 0) -> s.Span:
    """Where ``tok`` is written; ``line_offset``: lines before the text it was read from
    (a run of a contract's items parsed alone, ``dsl.chunks``)."""
    return s.Span(
        file,
        (tok.line or 0) + line_offset,
        tok.column or 0,
        (tok.end_line or 0) + line_offset,
        tok.end_column or 0,
    )


class Builder:
    """Builds ``dsl.syntax`` nodes; records literal errors in ``self.diags``.

    Every public method is a grammar rule, written above it with its children
    (``kw`` for a keyword or punctuation token)."""

    def __init__(self, file: str = "<input>") -> None:
        self.file = file
        self.line_offset = 0  # lines before the text being parsed (``reset``)
        self.diags: list[Diagnostic] = []
        self.parens = 0  # parentheses open where the lexer is
        self.max_parens = 0  # the most open at once
        self.nesting_limit = 1 << 30  # deeper than this, ``deep_at`` says where first
        self.deep_at: s.Span | None = None

    def reset(self, file: str, line_offset: int = 0) -> None:
        """Ready for the next file (or a run of a contract's items that starts after
        ``line_offset`` lines: every span is placed where the whole file has it)."""
        self.file = file
        self.line_offset = line_offset
        self.diags = []
        self.parens = self.max_parens = 0
        self.deep_at = None

    def open_paren(self, at: s.Span) -> None:
        """The lexer read ``(`` at ``at`` (``dsl.parse`` counts nesting with it)."""
        self.parens += 1
        if self.parens > self.max_parens:
            self.max_parens = self.parens
            if self.parens > self.nesting_limit and self.deep_at is None:
                self.deep_at = at

    def close_paren(self) -> None:
        """The lexer read ``)``."""
        self.parens -= 1

    def _tsp(self, tok: Token) -> s.Span:
        return token_span(tok, self.file, self.line_offset)

    def _lit_error(self, tok: Token, err: LiteralError, expected: str) -> None:
        self.diags.append(
            Diagnostic("bad-literal", str(err), self._tsp(tok), expected=expected, found=str(tok))
        )

    def _date(self, tok: Token) -> _dt.date:
        try:
            return parse_date(str(tok))
        except LiteralError as e:
            self._lit_error(tok, e, "a calendar date YYYY-MM-DD")
            return _dt.date(2000, 1, 1)

    def _int(self, tok: Token) -> int:
        try:
            return parse_int(str(tok))
        except LiteralError as e:
            self._lit_error(tok, e, "a whole number like 90 or 1,000")
            return 0

    # ------------------------------------------------------------- files

    # start: file
    def start(self, sp: s.Span, c: list[Any]) -> Any:
        return c[0]

    # contract_file: header item*
    def contract_file(self, sp: s.Span, c: list[Any]) -> s.ContractFile:
        return s.ContractFile(c[0], tuple(c[1:]), span=sp)

    # item_chunk: item item*  (a run of a contract's items, parsed alone: dsl.chunks)
    def item_chunk(self, sp: s.Span, c: list[Any]) -> tuple[Any, ...]:
        return tuple(c)

    # header: kw STRING effective_decl [horizon_decl] [currency_decl]
    def header(self, sp: s.Span, c: list[Any]) -> s.Header:
        _, title, eff, hor, cur = c
        return s.Header(unquote(title), eff, hor, cur or "USD", span=sp)

    # effective_decl: kw DATE
    def effective_decl(self, sp: s.Span, c: list[Any]) -> _dt.date:
        return self._date(c[1])

    # horizon_decl: kw DATE
    horizon_decl = effective_decl

    # currency_decl: kw CURRENCY_CODE
    def currency_decl(self, sp: s.Span, c: list[Any]) -> str:
        return str(c[1])

    # scenario_file: kw STRING kw STRING scenario_item*
    def scenario_file(self, sp: s.Span, c: list[Any]) -> s.ScenarioFile:
        items = c[4:]
        facts = tuple(x for x in items if isinstance(x, s.ScenarioFact))
        events = tuple(x for x in items if isinstance(x, s.ScenarioEvent))
        return s.ScenarioFile(unquote(c[1]), unquote(c[3]), facts, events, span=sp)

    # scenario_fact: kw NAME kw sum
    def scenario_fact(self, sp: s.Span, c: list[Any]) -> s.ScenarioFact:
        return s.ScenarioFact(str(c[1]), c[3], span=sp)

    # scenario_event: DATE NAME [event_args] [kw actor]
    def scenario_event(self, sp: s.Span, c: list[Any]) -> s.ScenarioEvent:
        date, name, args, _, actor = c
        return s.ScenarioEvent(self._date(date), str(name), tuple(args or ()), actor, span=sp)

    # event_args: kw [event_arg (kw event_arg)*] kw
    def event_args(self, sp: s.Span, c: list[Any]) -> tuple[Any, ...]:
        return tuple(x for x in c[1:-1:2] if x is not None)

    # event_arg: NAME kw sum
    def event_arg(self, sp: s.Span, c: list[Any]) -> tuple[str, Any]:
        return (str(c[0]), c[2])

    # amendment_file: kw STRING kw STRING amend_item*
    def amendment_file(self, sp: s.Span, c: list[Any]) -> s.AmendmentFile:
        return s.AmendmentFile(unquote(c[1]), unquote(c[3]), tuple(c[4:]), span=sp)

    # add_item: kw item
    def add_item(self, sp: s.Span, c: list[Any]) -> s.Amend:
        return s.Amend("add", item=c[1], span=sp)

    # replace_item: kw item
    def replace_item(self, sp: s.Span, c: list[Any]) -> s.Amend:
        return s.Amend("replace", item=c[1], span=sp)

    # remove_clause: kw CLAUSE_REF
    def remove_clause(self, sp: s.Span, c: list[Any]) -> s.Amend:
        return s.Amend("remove", target_kind="clause", target=_clause_ref(c[1]), span=sp)

    # remove_decl: kw DECL_KIND NAME
    def remove_decl(self, sp: s.Span, c: list[Any]) -> s.Amend:
        return s.Amend("remove", target_kind=str(c[1]), target=str(c[2]), span=sp)

    # remove_check: kw kw (NAME | STRING)
    def remove_check(self, sp: s.Span, c: list[Any]) -> s.Amend:
        tok = c[2]
        target = unquote(tok) if tok.type == "STRING" else str(tok)
        return s.Amend("remove", target_kind="check", target=target, span=sp)

    # ------------------------------------------------------------- declarations

    # party_decl: kw NAME [STRING] [bodies]
    def party_decl(self, sp: s.Span, c: list[Any]) -> s.PartyDecl:
        _, name, desc, bodies = c
        return s.PartyDecl(str(name), _opt_str(desc), tuple(bodies or ()), span=sp)

    # bodies: kw kw NAME (kw NAME)*
    def bodies(self, sp: s.Span, c: list[Any]) -> tuple[str, ...]:
        return tuple(str(x) for x in c[2::2])

    # kind_decl: kw NAME [STRING] kw NAME (kw NAME)*
    def kind_decl(self, sp: s.Span, c: list[Any]) -> s.KindDecl:
        return s.KindDecl(str(c[1]), tuple(str(x) for x in c[4::2]), _opt_str(c[2]), span=sp)

    # fact_decl: kw NAME kw type_ref [kw sum] [STRING]
    def fact_decl(self, sp: s.Span, c: list[Any]) -> s.FactDecl:
        _, name, _, typ, _, value, desc = c
        return s.FactDecl(str(name), typ, value, _opt_str(desc), span=sp)

    # type_ref: NAME
    def type_ref(self, sp: s.Span, c: list[Any]) -> s.TypeRef:
        return s.TypeRef(str(c[0]), span=sp)

    # party_type: kw
    def party_type(self, sp: s.Span, c: list[Any]) -> s.TypeRef:
        return s.TypeRef("party", span=sp)

    # event_decl: kw NAME [params] kw actor_list [STRING]
    def event_decl(self, sp: s.Span, c: list[Any]) -> s.EventDecl:
        _, name, params, _, actors, desc = c
        return s.EventDecl(str(name), tuple(params or ()), actors, _opt_str(desc), span=sp)

    # params: kw param (kw param)* kw
    def params(self, sp: s.Span, c: list[Any]) -> tuple[s.Param, ...]:
        return tuple(c[1:-1:2])

    # param: NAME kw type_ref
    def param(self, sp: s.Span, c: list[Any]) -> s.Param:
        return s.Param(str(c[0]), c[2], span=sp)

    # actors: actor (kw actor)*
    def actors(self, sp: s.Span, c: list[Any]) -> tuple[s.Actor, ...]:
        return tuple(c[::2])

    # anyone: kw
    def anyone(self, sp: s.Span, c: list[Any]) -> tuple[s.Actor, ...]:
        return ()

    # actor: NAME [kw NAME]
    def actor(self, sp: s.Span, c: list[Any]) -> s.Actor:
        body = c[2]
        return s.Actor(str(c[0]), str(body) if body is not None else None, span=sp)

    # state_decl: kw NAME [STRING] kw? [state_from] [state_until]
    def state_decl(self, sp: s.Span, c: list[Any]) -> s.StateDecl:
        starts, ends = c[-2], c[-1]
        return s.StateDecl(str(c[1]), _opt_str(c[2]), tuple(starts or ()), tuple(ends or ()), span=sp)

    # state_from: kw time_point (kw time_point)*
    def state_from(self, sp: s.Span, c: list[Any]) -> tuple[s.TimePoint, ...]:
        return tuple(c[1::2])

    # state_until: kw time_point (kw time_point)*
    state_until = state_from

    # tp_date: DATE
    def tp_date(self, sp: s.Span, c: list[Any]) -> s.TimePoint:
        return s.TimePoint("date", date=self._date(c[0]), span=sp)

    # tp_effective: kw
    def tp_effective(self, sp: s.Span, c: list[Any]) -> s.TimePoint:
        return s.TimePoint("effective", span=sp)

    # tp_event: NAME
    def tp_event(self, sp: s.Span, c: list[Any]) -> s.TimePoint:
        return s.TimePoint("event", event=str(c[0]), span=sp)

    # ------------------------------------------------------------- clauses

    # clause: CLAUSE_HEAD clause_part+
    def clause(self, sp: s.Span, c: list[Any]) -> s.Clause:
        head: Token = c[0]
        m = HEAD_RE.match(str(head))
        cid, title = "§?", ""
        facts: tuple[str, ...] = ()
        if m is None or m.group("rest").strip() and not m.group("rest").lstrip().startswith("#"):
            self.diags.append(
                Diagnostic(
                    "bad-clause-head",
                    "this clause heading has text after its fact list",
                    self._tsp(head),
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
                    self._tsp(head),
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
            span=sp,
            head_span=self._tsp(head),
        )

    # text_part: kw STRING
    def text_part(self, sp: s.Span, c: list[Any]) -> tuple[str, str]:
        return ("text", unquote(c[1]))

    # exception_part: kw kw CLAUSE_REF [prevails]
    def exception_part(self, sp: s.Span, c: list[Any]) -> tuple[str, str, tuple[str, ...]]:
        return ("exception", _clause_ref(c[2]), tuple(c[3] or ()))

    # prevails: kw kw CLAUSE_REF (kw CLAUSE_REF)*
    def prevails(self, sp: s.Span, c: list[Any]) -> tuple[str, ...]:
        return tuple(_clause_ref(x) for x in c[2::2])

    # guard_while: kw cond
    def guard_while(self, sp: s.Span, c: list[Any]) -> s.Guard:
        return s.Guard("while", cond=c[1], span=sp)

    # guard_from: kw date_expr
    def guard_from(self, sp: s.Span, c: list[Any]) -> s.Guard:
        return s.Guard("from", date=c[1], span=sp)

    # guard_until_date: kw DATE
    def guard_until_date(self, sp: s.Span, c: list[Any]) -> s.Guard:
        date = c[1]
        return s.Guard("until_date", date=s.DateRef(date=self._date(date), span=self._tsp(date)), span=sp)

    # guard_until_horizon: kw kw
    def guard_until_horizon(self, sp: s.Span, c: list[Any]) -> s.Guard:
        return s.Guard("until_date", date=s.DateRef(name="horizon", span=sp), span=sp)

    # guard_until_event: kw pattern
    def guard_until_event(self, sp: s.Span, c: list[Any]) -> s.Guard:
        return s.Guard("until_event", pattern=c[1], span=sp)

    # survives: kw kw
    def survives(self, sp: s.Span, c: list[Any]) -> str:
        return "survives"

    # prohibition: actor kw kw pattern [where]
    def prohibition(self, sp: s.Span, c: list[Any]) -> s.Norm:
        return s.Norm("must_not", c[0], c[3], c[4], span=sp)

    # permission: actor kw pattern [where]
    def permission(self, sp: s.Span, c: list[Any]) -> s.Norm:
        return s.Norm("may", c[0], c[2], c[3], span=sp)

    # power: actor kw kw kw pattern [where]
    def power(self, sp: s.Span, c: list[Any]) -> s.Norm:
        return s.Norm("power", c[0], c[4], c[5], span=sp)

    # obligation: actor kw pattern [where] deadline
    def obligation(self, sp: s.Span, c: list[Any]) -> s.Norm:
        actor, _, pattern, where, (kind, value) = c
        if kind == "within":
            return s.Norm("must", actor, pattern, where, within=value.value, span=sp, within_text=value.text)
        if kind == "within_fact":
            return s.Norm("must", actor, pattern, where, span=sp, within_fact=str(value))
        return s.Norm("must", actor, pattern, where, before=value, span=sp)

    # within: kw duration
    def within(self, sp: s.Span, c: list[Any]) -> tuple[str, Any]:
        return ("within", c[1])

    # within_fact: kw NAME
    def within_fact(self, sp: s.Span, c: list[Any]) -> tuple[str, Any]:
        return ("within_fact", c[1])

    # before: kw date_expr
    def before(self, sp: s.Span, c: list[Any]) -> tuple[str, Any]:
        return ("before", c[1])

    # triggered: kw trigger kw (norm | effect)
    def triggered(self, sp: s.Span, c: list[Any]) -> s.Norm | s.Consequence:
        trigger, body = c[1], c[3]
        if isinstance(body, s.Norm):
            return s.Norm(
                body.modality,
                body.actor,
                body.pattern,
                body.where,
                body.within,
                body.before,
                trigger=trigger,
                span=sp,
                within_text=body.within_text,
                within_fact=body.within_fact,
            )
        effect, state = body
        return s.Consequence(trigger, effect, state, span=sp)

    # consequence: trigger effect
    def consequence(self, sp: s.Span, c: list[Any]) -> s.Consequence:
        trigger, (effect, state) = c
        return s.Consequence(trigger, effect, state, span=sp)

    # ends: kw NAME
    def ends(self, sp: s.Span, c: list[Any]) -> tuple[str, str | None]:
        return ("ends", str(c[1]))

    # starts: kw NAME
    def starts(self, sp: s.Span, c: list[Any]) -> tuple[str, str | None]:
        return ("starts", str(c[1]))

    # terminates: kw kw kw
    def terminates(self, sp: s.Span, c: list[Any]) -> tuple[str, str | None]:
        return ("terminates", None)

    # event_trigger: pattern [kw actor] [where]
    def event_trigger(self, sp: s.Span, c: list[Any]) -> s.Trigger:
        pattern, _, actor, where = c
        return s.Trigger(pattern=pattern, actor=actor, where=where, span=sp)

    # violation_trigger: kw kw CLAUSE_REF
    def violation_trigger(self, sp: s.Span, c: list[Any]) -> s.Trigger:
        return s.Trigger(violation_of=_clause_ref(c[2]), span=sp)

    # where: kw cond
    def where(self, sp: s.Span, c: list[Any]) -> Any:
        return c[1]

    # pattern: NAME [pattern_args]
    def pattern(self, sp: s.Span, c: list[Any]) -> s.Pattern:
        return s.Pattern(str(c[0]), c[1] or (), span=sp)

    # pattern_args: kw [pattern_arg (kw pattern_arg)*] kw
    def pattern_args(self, sp: s.Span, c: list[Any]) -> tuple[s.PatternArg, ...]:
        return tuple(x for x in c[1:-1:2] if x is not None)

    # arg_is: NAME kw sum
    def arg_is(self, sp: s.Span, c: list[Any]) -> s.PatternArg:
        return s.PatternArg(str(c[0]), ":", c[2], span=sp)

    # arg_cmp: NAME COMPARE sum
    def arg_cmp(self, sp: s.Span, c: list[Any]) -> s.PatternArg:
        return s.PatternArg(str(c[0]), str(c[1]), c[2], span=sp)

    # ------------------------------------------------------------- checks

    # check_decl: kw [NAME] STRING kw given* check_body
    def check_decl(self, sp: s.Span, c: list[Any]) -> s.Check:
        name = c[1]
        title = unquote(c[2])
        givens = tuple(x[1] for x in c[4:-1])
        mode, body = c[-1]
        cid = str(name) if name is not None else slug(title)
        return s.Check(cid, title, mode, body, givens, explicit_id=name is not None, span=sp)

    # given: kw expr
    def given(self, sp: s.Span, c: list[Any]) -> tuple[str, Any]:
        return ("given", c[1])

    # check_body: MODE expr
    def check_body(self, sp: s.Span, c: list[Any]) -> tuple[str, Any]:
        return (str(c[0]), c[1])

    # ------------------------------------------------------------- expressions

    # implies_expr: disjunction kw disjunction
    def implies_expr(self, sp: s.Span, c: list[Any]) -> s.Binary:
        return s.Binary("implies", c[0], c[2], span=sp)

    # or_expr: disjunction kw conjunction (and cond kw cond_and)
    def or_expr(self, sp: s.Span, c: list[Any]) -> s.Binary:
        return s.Binary("or", c[0], c[2], span=sp)

    # and_expr: conjunction kw negation (and cond_and kw cond_not)
    def and_expr(self, sp: s.Span, c: list[Any]) -> s.Binary:
        return s.Binary("and", c[0], c[2], span=sp)

    # not_expr: kw negation (and kw cond_not)
    def not_expr(self, sp: s.Span, c: list[Any]) -> s.Unary:
        return s.Unary("not", c[1], span=sp)

    # neg_expr: kw unary
    def neg_expr(self, sp: s.Span, c: list[Any]) -> s.Unary:
        return s.Unary("-", c[1], span=sp)

    # min_expr: kw kw sum kw sum kw
    def min_expr(self, sp: s.Span, c: list[Any]) -> s.Binary:
        return s.Binary("min", c[2], c[4], span=sp)

    # max_expr: kw kw sum kw sum kw
    def max_expr(self, sp: s.Span, c: list[Any]) -> s.Binary:
        return s.Binary("max", c[2], c[4], span=sp)

    # floor_expr: kw kw sum kw sum kw
    def floor_expr(self, sp: s.Span, c: list[Any]) -> s.Binary:
        return s.Binary("floor", c[2], c[4], span=sp)

    # ceil_expr: kw kw sum kw sum kw
    def ceil_expr(self, sp: s.Span, c: list[Any]) -> s.Binary:
        return s.Binary("ceil", c[2], c[4], span=sp)

    # compare_expr: sum COMPARE sum
    def compare_expr(self, sp: s.Span, c: list[Any]) -> s.Binary:
        return s.Binary(str(c[1]), c[0], c[2], span=sp)

    # sum_expr: sum ADDOP product
    sum_expr = compare_expr

    # product_expr: product kw unary
    def product_expr(self, sp: s.Span, c: list[Any]) -> s.Binary:
        return s.Binary("*", c[0], c[2], span=sp)

    # after_scope: kw pattern [kw actor] kw negation
    def after_scope(self, sp: s.Span, c: list[Any]) -> s.AfterScope:
        return s.AfterScope(c[1], c[3], c[5], span=sp)

    # during_scope: kw date_expr kw date_expr kw negation
    def during_scope(self, sp: s.Span, c: list[Any]) -> s.DuringScope:
        return s.DuringScope(c[1], c[3], c[5], span=sp)

    # on_scope: kw date_expr kw negation
    def on_scope(self, sp: s.Span, c: list[Any]) -> s.DuringScope:
        return s.DuringScope(c[1], c[1], c[3], span=sp)

    # at_date: comparison kw date_expr
    def at_date(self, sp: s.Span, c: list[Any]) -> s.Timed:
        return s.Timed("on", c[0], c[2], span=sp)

    # before_date: comparison kw date_expr
    def before_date(self, sp: s.Span, c: list[Any]) -> s.Timed:
        return s.Timed("before", c[0], c[2], span=sp)

    # after_date: comparison kw date_expr
    def after_date(self, sp: s.Span, c: list[Any]) -> s.Timed:
        return s.Timed("after", c[0], c[2], span=sp)

    # name_ref: NAME
    def name_ref(self, sp: s.Span, c: list[Any]) -> s.NameRef:
        return s.NameRef(str(c[0]), span=sp)

    # event_atom: NAME pattern_args
    def event_atom(self, sp: s.Span, c: list[Any]) -> s.EventAtom:
        return s.EventAtom(s.Pattern(str(c[0]), c[1], span=sp), span=sp)

    # acted_event: NAME kw actor | NAME pattern_args kw actor
    def acted_event(self, sp: s.Span, c: list[Any]) -> s.EventAtom:
        args: tuple[s.PatternArg, ...] = c[1] if len(c) == 4 else ()
        pat = s.Pattern(str(c[0]), args, span=self._tsp(c[0]))
        return s.EventAtom(pat, actor=c[-1], span=sp)

    # effective_event: kw pattern [kw actor]
    def effective_event(self, sp: s.Span, c: list[Any]) -> s.EventAtom:
        return s.EventAtom(c[1], actor=c[3], effective=True, span=sp)

    # breach_atom: kw kw NAME
    def breach_atom(self, sp: s.Span, c: list[Any]) -> s.Breach:
        return s.Breach(str(c[2]), span=sp)

    # clause_breach_atom: kw kw CLAUSE_REF [kw NAME]
    def clause_breach_atom(self, sp: s.Span, c: list[Any]) -> s.Breach:
        party = c[4]
        return s.Breach(str(party) if party is not None else None, _clause_ref(c[2]), span=sp)

    # violation_atom: kw kw CLAUSE_REF
    def violation_atom(self, sp: s.Span, c: list[Any]) -> s.Breach:
        return s.Breach(None, _clause_ref(c[2]), span=sp)

    # atom: kw expr kw -- the parentheses (PASS_THROUGH)
    def atom(self, sp: s.Span, c: list[Any]) -> Any:
        return c[1]

    # date_lit: DATE
    def date_lit(self, sp: s.Span, c: list[Any]) -> s.DateRef:
        return s.DateRef(date=self._date(c[0]), span=sp)

    # horizon_ref: kw
    def horizon_ref(self, sp: s.Span, c: list[Any]) -> s.DateRef:
        return s.DateRef(name="horizon", span=sp)

    # effective_ref: kw
    def effective_ref(self, sp: s.Span, c: list[Any]) -> s.DateRef:
        return s.DateRef(name="effective", span=sp)

    # date_name: NAME
    def date_name(self, sp: s.Span, c: list[Any]) -> s.DateRef:
        return s.DateRef(name=str(c[0]), span=sp)

    # date_event: NAME pattern_args  (``A before B(args)`` in a check)
    def date_event(self, sp: s.Span, c: list[Any]) -> s.DateRef:
        return s.DateRef(name=str(c[0]), span=sp, pattern=s.Pattern(str(c[0]), c[1], span=sp))

    # ------------------------------------------------------------- literals

    # money: MONEY
    def money(self, sp: s.Span, c: list[Any]) -> s.Literal:
        tok = c[0]
        try:
            value: s.Value = parse_money(str(tok))
        except LiteralError as e:
            self._lit_error(tok, e, "an amount like $10B, US$650M, EUR 40,000 or $1,250.50")
            return s.Literal(s.Money(0), span=sp)
        return s.Literal(value, span=sp, text=str(tok))

    # date: DATE
    def date(self, sp: s.Span, c: list[Any]) -> s.Literal:
        return self._literal(sp, lambda: self._date(c[0]), str(c[0]))

    # duration: INT DURATION_UNIT
    def duration(self, sp: s.Span, c: list[Any]) -> s.Literal:
        unit = str(c[1]).rstrip("s")
        # as written, but with one space between the number and the unit
        return self._literal(sp, lambda: s.Duration(self._int(c[0]), unit), f"{c[0]} {c[1]}")

    # percent: PERCENT
    def percent(self, sp: s.Span, c: list[Any]) -> s.Literal:
        return s.Literal(Fraction(str(c[0])[:-1]) / 100, span=sp, text=str(c[0]))

    # int_lit: INT
    def int_lit(self, sp: s.Span, c: list[Any]) -> s.Literal:
        return self._literal(sp, lambda: self._int(c[0]), str(c[0]))

    def _literal(self, sp: s.Span, read: Callable[[], s.Value], text: str) -> s.Literal:
        """The literal ``read`` gives, with the ``text`` it was written as; a
        literal that does not read (its placeholder value) keeps no text."""
        errors = len(self.diags)
        value = read()
        return s.Literal(value, span=sp, text=text if len(self.diags) == errors else None)

    # true: kw
    def true(self, sp: s.Span, c: list[Any]) -> s.Literal:
        return s.Literal(True, span=sp)

    # false: kw
    def false(self, sp: s.Span, c: list[Any]) -> s.Literal:
        return s.Literal(False, span=sp)


def _opt_str(tok: Token | None) -> str | None:
    return unquote(str(tok)) if tok is not None else None


def _clause_ref(tok: Token) -> str:
    return "§" + str(tok)[1:].strip()


def slug(title: str) -> str:
    text = re.sub(r"[^A-Za-z0-9]+", "_", title.lower()).strip("_")
    return text[:60] or "check"


RULES = tuple(
    sorted(
        name
        for name in vars(Builder)
        if not name.startswith("_") and name not in ("reset", "open_paren", "close_paren")
    )
)

# ----------------------------------------------------------------- driving it from the parser

# A value on Lark's stack: (what a Builder method returned, where its symbols
# were written, the depth of the tree under it).
Item = tuple[Any, s.Span, int]
_Reduce = Callable[[list[Any]], Item]


def _reduction(builder: Builder, method: Callable[[s.Span, list[Any]], Any], passes: bool) -> _Reduce:
    span = s.Span
    up = 0 if passes else 1

    def reduce(c: list[Any]) -> Item:
        # c: the rule's children, Tokens, Items and None; a rule has at least
        # one symbol written (no rule of the grammar is empty)
        first = c[0]
        if first is None:
            i = 1
            while c[i] is None:
                i += 1
            first = c[i]
        last = c[-1]
        if last is None:
            i = -2
            while c[i] is None:
                i -= 1
            last = c[i]
        if type(first) is tuple:
            fs = first[1]
            line, col = fs.line, fs.col
        else:
            line, col = first.line + builder.line_offset, first.column
        if type(last) is tuple:
            ls = last[1]
            end_line, end_col = ls.end_line, ls.end_col
        else:
            end_line, end_col = last.end_line + builder.line_offset, last.end_column
        depth = 0
        kids = []
        for x in c:
            if type(x) is tuple:
                kids.append(x[0])
                if x[2] > depth:
                    depth = x[2]
            else:
                kids.append(x)
        sp = span(builder.file, line, col, end_line, end_col)
        depth += up
        if depth > builder.nesting_limit and builder.deep_at is None:
            builder.deep_at = sp
        return (method(sp, kids), sp, depth)

    return reduce


class Inline(Transformer[Token, Item]):
    """Drives ``builder`` from inside Lark's LALR parser: pass it as
    ``Lark(..., parser="lalr", keep_all_tokens=True, maybe_placeholders=True,
    transformer=Inline(builder))``; ``parse`` then returns the ``Item`` of the
    start rule. Set the builder's file (``builder.reset``) before each parse."""

    def __init__(self, builder: Builder) -> None:
        super().__init__(visit_tokens=False)
        self.builder = builder
        for name in RULES:
            setattr(self, name, _reduction(builder, getattr(builder, name), name in PASS_THROUGH))

    def __default__(self, data: Any, children: list[Any], meta: Any) -> Any:
        # Lark's helpers for `x*` and `x+` are trees that it splices into the parent
        if not str(data).startswith("_"):
            raise TypeError(f"dsl.build.Builder has no method for grammar rule {data}")
        return Tree(data, children, meta)
