"""From the surface model (``dsl.syntax``) back to text: the canonical layout.

``format_source`` parses a contract, scenario or amendment file and prints it
in the one layout the project keeps its files in, comments included;
``format_node`` prints a parsed or built file without comments and
``format_expr`` one expression. The output parses to a node equal to the
input's (spans aside), and formatting it again changes nothing.

Layout
    The header's keyword lines are indented by two spaces under the title
    line; ``currency`` is printed when the file states it or it is not USD
    (the default; a node built in code has USD unstated). One blank line
    separates top-level items, except that consecutive declarations of the
    same kind (parties, kinds, facts, events, states; in a scenario its facts
    and its events; in an amendment removals, and additions or replacements of
    the same kind of declaration) stay together. A clause prints its heading,
    then its texts, ``exception to``, guards (in the order written),
    ``survives termination`` and statements, indented by two; the statement
    under ``when ...:`` by four. A check prints its ``given`` lines and its
    verdict line indented by two; where the writer broke such a line between
    the conditions of the ``and``s or ``or``s at the top of its expression (or
    around its ``implies``), the operator starts a new line, aligned with the
    expression's first character (``possible A`` / ``         and B``).
    Elsewhere an item is one line. Expressions get the parentheses the grammar
    needs and one more kind: a scope (``after E:``, ``from D until D:``, ``on
    D:``) that something follows is bracketed, because ``after E: A and B``
    parses as ``(after E: A) and B`` but reads as if the scope covered ``B``.

    Literals keep the writer's notation (``Literal.text``): ``EUR 40,000``,
    ``US$6.6B``, ``5,000`` and ``12.50%`` print as written; a duration's
    number and unit with one space between them (``2 weeks``). A literal
    built in code has no text and prints in its canonical form
    (``dsl.literals``, which the verifier's outputs print values with too:
    ``$1,000`` as ``$1K``, ``12.50%`` as ``12.5%``, ``1,000`` as ``1000``).

    Quotations (clause texts, descriptions, titles, paths) print in straight
    quotes with ``format_text``'s escapes, and keep the writer's line breaks:
    a quotation written over several lines prints over the same lines, each
    after the first indented to one column right of the opening quote
    (``  text "...`` / ``        ...``), with the blanks around each break,
    which ``unquote`` reads as one space, made that indentation; a quotation
    written on one line stays on one line, however long. A description the
    writer began on a line of its own stays on its own line, indented by two
    (``event E by A`` / ``  "..."``), and so does the rest of a declaration
    the writer began on a new line after its description (``state S "..."`` /
    ``  holds from ...``). The nodes keep a quotation's value, not
    its lines: they are read back from the source's tokens, so ``format_node``
    prints every quotation on one line.

Comments
    The grammar ignores comments, so the syntax nodes do not hold them. They
    are read back from the gaps between the tokens (only blanks and comments
    can be there), and from the end of a clause heading line (the heading is
    one token that runs to the end of its line). The output is made of
    *units*, each printed from one source element: a header line, a
    declaration, a clause heading, a clause's ``text``, ``exception to``,
    guard, ``survives termination`` or statement, a check's heading, ``given``
    or verdict line, a scenario fact or event, an amendment's change. Then:

    - a comment on a line of its own goes on its own line above the unit
      that follows it in the source, so a comment between two items stays
      above the second, one between two statements above the second
      statement; one written inside a unit that spans several lines (between
      ``when ...:`` and its statement) goes above that unit. A blank line
      after such a comment is kept when the comment stands before a
      top-level item (a file's opening comment block stays apart);
    - a comment at the end of a line that has code goes at the end of the
      last line of the unit that line belongs to (the unit that began last
      before the comment). When one unit collects several, all but the last
      go on their own lines above it;
    - comments after the last unit stay at the end of the file.

    Comments move with their units when the layout reorders them (a clause's
    guards come before its statements, a scenario's facts before its events).

It is over 700 lines because layout and comments are one rule: each unit's
text and the span its comments attach to are made together, item by item,
and split into two modules they would have to agree on every unit's extent.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import attrs
from lark import Token

from dsl import syntax as s
from dsl.build import HEAD_RE
from dsl.diagnostics import Diagnostic
from dsl.literals import format_date, format_duration, format_text, format_value, unquote
from dsl.parse import GRAMMAR, normalize, parse_text, tokens

Pos = tuple[int, int]  # 1-based (line, column), as Lark counts them

_INDENT = "  "

# ----------------------------------------------------------------- expressions

# Binding strength, loosest first, as the grammar's expression rules nest:
# implication < disjunction < conjunction < negation (``not`` and the scopes)
# < timed < comparison < sum < product < unary < atom.
_IMPLIES, _OR, _AND, _PREFIX, _TIMED, _COMPARE, _SUM, _PRODUCT, _UNARY, _ATOM = range(1, 11)
_CALLS = frozenset({"min", "max", "floor", "ceil"})  # written as calls, min(A, B), ceil(A / B): atoms
_BINARY_LEVEL = {"implies": _IMPLIES, "or": _OR, "and": _AND, "+": _SUM, "-": _SUM, "*": _PRODUCT}
# (left, right) operand strength each binary operator's rule asks for.
_OPERANDS = {
    _IMPLIES: (_OR, _OR),  # non-associative
    _OR: (_OR, _AND),
    _AND: (_AND, _PREFIX),
    _COMPARE: (_SUM, _SUM),  # non-associative
    _SUM: (_SUM, _PRODUCT),
    _PRODUCT: (_PRODUCT, _UNARY),
}


def _level(e: s.Expr) -> int:
    if isinstance(e, s.Binary):
        return _ATOM if e.op in _CALLS else _BINARY_LEVEL.get(e.op, _COMPARE)
    if isinstance(e, s.Unary):
        return _PREFIX if e.op == "not" else _UNARY
    if isinstance(e, (s.AfterScope, s.DuringScope)):
        return _PREFIX
    if isinstance(e, s.Timed):
        return _TIMED
    return _ATOM


def format_expr(e: s.Expr, *, cond: bool = False) -> str:
    """One expression as it is written in a check; with ``cond``, as it is
    written after ``where`` or ``while`` (where only ``and``/``or``/``not``
    and comparisons go without parentheses)."""
    return _expr(e, 0, cond, True)


def _expr(e: s.Expr, need: int, cond: bool, tail: bool) -> str:
    """``e`` where the grammar asks for strength ``need``. ``cond``: inside a
    where/while condition. ``tail``: nothing follows ``e`` up to the end of
    the enclosing expression or bracket."""
    level = _level(e)
    scope = isinstance(e, (s.AfterScope, s.DuringScope))
    if level < need or (scope and not tail) or (cond and (level in (_IMPLIES, _TIMED) or scope)):
        return "(" + _expr(e, 0, False, True) + ")"
    if isinstance(e, s.Binary) and e.op in _CALLS:
        sep = " / " if e.op in ("floor", "ceil") else ", "
        return f"{e.op}({_expr(e.left, _SUM, False, True)}{sep}{_expr(e.right, _SUM, False, True)})"
    if isinstance(e, s.Binary):
        left_need, right_need = _OPERANDS[level]
        inner_cond = cond and level <= _AND
        left = _expr(e.left, left_need, inner_cond, False)
        right = _expr(e.right, right_need, inner_cond, tail)
        return f"{left} {e.op} {right}"
    if isinstance(e, s.Unary):
        if e.op == "not":
            return "not " + _expr(e.operand, _PREFIX, cond, tail)
        operand = _expr(e.operand, _UNARY, False, tail)
        return "-" + (f"({operand})" if operand.startswith("-") else operand)
    if isinstance(e, s.Timed):
        return f"{_expr(e.body, _COMPARE, False, False)} {e.op} {_date_ref(e.date)}"
    if isinstance(e, s.AfterScope):
        return f"after {_pattern(e.pattern)}{_by(e.actor)}: {_expr(e.body, _PREFIX, False, True)}"
    if isinstance(e, s.DuringScope):
        body = _expr(e.body, _PREFIX, False, True)
        if e.start == e.end:
            return f"on {_date_ref(e.start)}: {body}"
        return f"from {_date_ref(e.start)} until {_date_ref(e.end)}: {body}"
    return _atom(e)


def _atom(e: s.Expr) -> str:
    if isinstance(e, s.Literal):
        return format_value(e.value) if e.text is None else e.text
    if isinstance(e, s.NameRef):
        return e.name
    if isinstance(e, s.EventAtom):
        if e.effective:
            return f"effective {_pattern(e.pattern)}{_by(e.actor)}"
        if not e.pattern.args and e.actor is None:
            return e.pattern.event + "()"  # bare ``E`` would be a name
        return _pattern(e.pattern) + _by(e.actor)
    if isinstance(e, s.Breach):
        if e.clause is None:
            return f"breach by {e.party}"
        if e.party is None:
            return f"violation of {e.clause}"
        return f"breach of {e.clause} by {e.party}"
    raise ValueError(f"not an expression: {e!r}")


def _date_ref(d: s.DateRef) -> str:
    if d.date is not None:
        return format_date(d.date)
    if d.pattern is not None:  # `A before B(args)`
        return _pattern(d.pattern)
    if d.name is None:
        raise ValueError(f"a date reference without a date or a name: {d!r}")
    return d.name


def _by(actor: s.Actor | None) -> str:
    return "" if actor is None else f" by {actor}"


def _arg_list(args: Sequence[tuple[str, str]]) -> str:
    """``(name: value, ...)`` from (``name: `` or ``name <= ``, value text) pairs."""
    if not args:
        return ""
    return "(" + ", ".join(lead + value for lead, value in args) + ")"


def _pattern(p: s.Pattern) -> str:
    args = [
        (f"{a.name}: " if a.op == ":" else f"{a.name} {a.op} ", _expr(a.value, _SUM, False, True))
        for a in p.args
    ]
    return p.event + _arg_list(args)


# ----------------------------------------------------------------- units


@attrs.define
class _Comment:
    pos: Pos
    text: str
    trailing: bool  # code precedes it on its line
    blank_after: bool  # on a line of its own, and a blank line follows


@attrs.define
class _Unit:
    """Output lines printed from one source element, and its comments."""

    lines: list[str]
    start: Pos
    end: Pos | None = None
    leading: list[_Comment] = attrs.Factory(list)
    trailing: list[_Comment] = attrs.Factory(list)


@attrs.define
class _Block:
    """A top-level item; blocks of the same non-None group are not spaced apart."""

    units: list[_Unit]
    group: str | None = None


def _start(span: s.Span) -> Pos:
    return (span.line, span.col)


def _stop(span: s.Span) -> Pos:
    return (span.end_line, span.end_col)


@attrs.define
class _Quote:
    """A quotation as written: its text, quotes included, whether it is the
    first thing on its line and whether what follows it starts a new line."""

    start: Pos
    raw: str
    own_line: bool
    line_after: bool = False


class _Tokens:
    """Where the keywords the syntax nodes keep no span for were written, and
    the quotations as written (the nodes keep their values)."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        # each type's positions in order, so that a lookup is a binary search, not a
        # scan of the whole file (fmt was quadratic in clauses: 4,000 took 30 s)
        self._by_type: dict[str, list[tuple[Pos, Pos]]] = {}
        self._quotes: list[_Quote] = []
        last_line, last_quote = 0, None
        for t in tokens:
            start, end = (t.line or 0, t.column or 0), (t.end_line or 0, t.end_column or 0)
            self._by_type.setdefault(t.type, []).append((start, end))
            if last_quote is not None:
                last_quote.line_after = start[0] > last_line
            last_quote = None
            if t.type == "STRING":
                last_quote = _Quote(start, str(t), start[0] > last_line)
                self._quotes.append(last_quote)
            last_line = end[0]
        for found in self._by_type.values():
            found.sort()
        self._quote_starts = [q.start for q in self._quotes]

    def spans(self, type_: str, within: s.Span) -> list[tuple[Pos, Pos]]:
        """Where each token of ``type_`` inside ``within`` starts and ends."""
        found = self._by_type.get(type_, [])
        return found[bisect_left(found, (_start(within),)) : bisect_left(found, (_stop(within),))]

    def positions(self, type_: str, within: s.Span) -> list[Pos]:
        return [start for start, _ in self.spans(type_, within)]

    def quotes(self, within: s.Span) -> list[_Quote]:
        """The quotations inside ``within``, in order."""
        lo = bisect_left(self._quote_starts, _start(within))
        return self._quotes[lo : bisect_left(self._quote_starts, _stop(within))]


def _quote_lines(raw: str) -> list[str]:
    """The lines of quotation ``raw`` in canonical form (``format_text``'s
    quotes and escapes), the blanks ``unquote`` reads into the space at each
    line break dropped: what each line of it says."""
    opening, closing = raw[0], raw[-1]
    pieces = raw[1:-1].split("\n")
    last = len(pieces) - 1
    lines = []
    for i, piece in enumerate(pieces):
        piece = piece.lstrip(" \t") if i else piece
        piece = piece.rstrip(" \t\r") if i < last else piece
        lines.append(format_text(unquote(opening + piece + closing))[1:-1])
    lines[0], lines[-1] = '"' + lines[0], lines[-1] + '"'
    return lines


def _quoted(prefix: str, value: str, quote: _Quote | None, suffix: str = "") -> list[str]:
    """``prefix``, a quotation of ``value`` and ``suffix``, as lines: the
    writer's lines (``quote``, when it says ``value``), each after the first
    one column right of the opening quote; else the one line of ``format_text``."""
    if quote is not None and "\n" in quote.raw:
        pad = "\n" + " " * (len(prefix) + 1)
        lines = _quote_lines(quote.raw)
        text = lines[0] + "".join(pad + line for line in lines[1:])
        # a line with nothing on it would be a blank line (or a run of them) in
        # the file: such a quotation prints on one line
        if all(lines[1:]) and unquote(text) == value:
            return (prefix + text + suffix).split("\n")
    return [prefix + format_text(value) + suffix]


def _quote(quotes: Sequence[_Quote], i: int = 0) -> _Quote | None:
    return quotes[i] if i < len(quotes) else None


def _nth(positions: list[Pos], i: int, default: Pos) -> Pos:
    return positions[i] if i < len(positions) else default


# ----------------------------------------------------------------- items


def _decl_lines(
    item: s.PartyDecl | s.KindDecl | s.FactDecl | s.EventDecl | s.StateDecl,
    quote: _Quote | None,
    lead: str = "",
) -> list[str]:
    """A declaration after ``lead``; ``quote``: its description as written. A
    description the writer began on a line of its own goes on its own line,
    indented by two, and so does what the writer wrote on a new line after it."""

    def line(head: str, tail: str = "") -> list[str]:
        head = lead + head
        if item.description is None:
            return [head + tail]
        if quote is not None and quote.own_line:
            lines = [head, *_quoted(_INDENT, item.description, quote)]
        else:
            lines = _quoted(head + " ", item.description, quote)
        if tail and quote is not None and quote.line_after:
            return [*lines, _INDENT + tail.lstrip()]
        lines[-1] += tail
        return lines

    if isinstance(item, s.PartyDecl):
        bodies = ""
        if item.bodies:
            bodies = f" with {'body' if len(item.bodies) == 1 else 'bodies'} " + ", ".join(item.bodies)
        return line(f"party {item.name}", bodies)
    if isinstance(item, s.KindDecl):
        return line(f"kind {item.name}", " = " + " | ".join(item.members))
    if isinstance(item, s.FactDecl):
        value = "" if item.value is None else " = " + _expr(item.value, _SUM, False, True)
        return line(f"fact {item.name}: {item.type.name}{value}")
    if isinstance(item, s.EventDecl):
        params = ""
        if item.params:
            params = "(" + ", ".join(f"{p.name}: {p.type.name}" for p in item.params) + ")"
        actors = " or ".join(str(a) for a in item.actors) if item.actors else "anyone"
        return line(f"event {item.name}{params} by {actors}")
    rest = ""
    if item.starts or item.ends:
        rest += " holds"
    if item.starts:
        rest += " from " + " or ".join(_time_point(t) for t in item.starts)
    if item.ends:
        rest += " until " + " or ".join(_time_point(t) for t in item.ends)
    return line(f"state {item.name}", rest)


def _time_point(t: s.TimePoint) -> str:
    if t.kind == "effective":
        return "effective"
    if t.kind == "date" and t.date is not None:
        return format_date(t.date)
    if t.kind == "event" and t.event is not None:
        return t.event
    raise ValueError(f"not a time point: {t!r}")


def _clause_head(c: s.Clause) -> str:
    head = c.id + (f" {c.title}" if c.title else "")
    return head + (f" [{', '.join(c.facts)}]" if c.facts else "")


def _where(cond: s.Expr | None) -> str:
    return "" if cond is None else " where " + _expr(cond, 0, True, True)


def _trigger(t: s.Trigger) -> str:
    if t.violation_of is not None:
        return f"violation of {t.violation_of}"
    if t.pattern is None:
        raise ValueError(f"a trigger without an event or a violation: {t!r}")
    return _pattern(t.pattern) + _by(t.actor) + _where(t.where)


_MODAL = {"must_not": "must not", "may": "may", "power": "has power to", "must": "must"}


def _norm(n: s.Norm) -> str:
    line = f"{n.actor} {_MODAL[n.modality]} {_pattern(n.pattern)}{_where(n.where)}"
    if n.within_fact is not None:
        line += f" within {n.within_fact}"
    elif n.within is not None:
        line += " within " + (format_duration(n.within) if n.within_text is None else n.within_text)
    elif n.before is not None:
        line += f" before {_date_ref(n.before)}"
    return line


def _statement(st: s.Statement) -> list[str]:
    if isinstance(st, s.Consequence):
        effect = "ends the contract" if st.effect == "terminates" else f"{st.effect} {st.state}"
        pattern = st.trigger.pattern
        if pattern is not None and pattern.event in _KEYWORDS:
            # `text ends S` would start a text part; after `when` only a name can stand
            return [f"{_INDENT}when {_trigger(st.trigger)}: {effect}"]
        return [f"{_INDENT}{_trigger(st.trigger)} {effect}"]
    if st.trigger is not None:
        return [f"{_INDENT}when {_trigger(st.trigger)}:", _INDENT * 2 + _norm(st)]
    return [_INDENT + _norm(st)]


def _guard(g: s.Guard) -> str:
    if g.kind == "while" and g.cond is not None:
        return "while " + _expr(g.cond, 0, True, True)
    if g.kind == "from" and g.date is not None:
        return "from " + _date_ref(g.date)
    if g.kind == "until_date" and g.date is not None:
        return "until " + _date_ref(g.date)
    if g.kind == "until_event" and g.pattern is not None:
        return "until " + _pattern(g.pattern)
    raise ValueError(f"not a guard: {g!r}")


def _clause_units(c: s.Clause, toks: _Tokens, lead: str) -> list[_Unit]:
    here = _start(c.span)
    units = [_Unit([lead + _clause_head(c)], _start(c.head_span), _stop(c.head_span))]
    texts = toks.positions("TEXT", c.span)
    quotes = toks.quotes(c.span)  # a clause's only quotations are its texts
    if len(quotes) != len(c.text):
        quotes = []
    for i, text in enumerate(c.text):
        lines = _quoted(f"{_INDENT}text ", text, _quote(quotes, i))
        units.append(_Unit(lines, _nth(texts, i, here)))
    if c.exception_to is not None:
        line = f"{_INDENT}exception to {c.exception_to}"
        if c.prevails_over:
            line += " prevailing over " + ", ".join(c.prevails_over)
        units.append(_Unit([line], _nth(toks.positions("EXCEPTION", c.span), 0, here)))
    for g in c.guards:
        units.append(_Unit([_INDENT + _guard(g)], _start(g.span), _stop(g.span)))
    if c.survives:
        units.append(
            _Unit([f"{_INDENT}survives termination"], _nth(toks.positions("SURVIVES", c.span), 0, here))
        )
    for st in c.statements:
        units.append(_Unit(_statement(st), _start(st.span), _stop(st.span)))
    return units


def _broken(prefix: str, e: s.Expr) -> list[str]:
    """``prefix`` and ``e`` as ``format_expr`` prints it, as lines: where the
    writer broke the line before (or after) an operator of the chain of
    ``and``s or ``or``s at the top of ``e`` (or its ``implies``), the operator
    starts a line aligned with the expression's first character."""
    level = _level(e)
    if not isinstance(e, s.Binary) or level not in (_IMPLIES, _OR, _AND):
        return [prefix + format_expr(e)]
    chain: list[s.Binary] = []
    first: s.Expr = e
    while isinstance(first, s.Binary) and _level(first) == level:
        chain.append(first)
        first = first.left
        if level == _IMPLIES:  # non-associative: a left `implies` is bracketed
            break
    chain.reverse()
    left_need, right_need = _OPERANDS[level]
    text = prefix + _expr(first, left_need, False, False)
    pad = "\n" + " " * len(prefix)
    for i, b in enumerate(chain):
        gap = pad if b.right.span.line > b.left.span.end_line else " "
        text += f"{gap}{b.op} {_expr(b.right, right_need, False, i == len(chain) - 1)}"
    return text.split("\n")


def _check_units(c: s.Check, toks: _Tokens, lead: str) -> list[_Unit]:
    here = _start(c.span)
    name = f"{c.id} " if c.explicit_id else ""
    title = _quoted(f"{lead}check {name}", c.title, _quote(toks.quotes(c.span)), ":")
    units = [_Unit(title, here)]
    givens = toks.positions("GIVEN", c.span)
    for i, g in enumerate(c.givens):
        units.append(_Unit(_broken(f"{_INDENT}given ", g), _nth(givens, i, here), _stop(g.span)))
    verdict = _nth(toks.positions("MODE", c.span), 0, _start(c.body.span))
    units.append(_Unit(_broken(f"{_INDENT}{c.mode} ", c.body), verdict, _stop(c.body.span)))
    return units


def _item_units(item: s.Decl, toks: _Tokens, lead: str = "") -> list[_Unit]:
    """The units of an item; ``lead``: what its first line starts with (``add``)."""
    if isinstance(item, s.Clause):
        units = _clause_units(item, toks, lead)
    elif isinstance(item, s.Check):
        units = _check_units(item, toks, lead)
    else:
        lines = _decl_lines(item, _quote(toks.quotes(item.span)), lead)
        return [_Unit(lines, _start(item.span), _stop(item.span))]
    # the item ends where its last token does (a closing parenthesis is in no
    # expression's span): a comment before that stays in the item
    last = units[-1]
    last.end = max(last.end or last.start, _stop(item.span))
    return units


def _group(item: s.Decl) -> str | None:
    """Declarations of one kind are printed together; clauses and checks apart."""
    kind = s.decl_kind(item)
    return None if kind in ("clause", "check") else kind


# ----------------------------------------------------------------- files


def _header_block(h: s.Header, toks: _Tokens) -> _Block:
    here = _start(h.span)

    def at(keyword: str) -> Pos:
        return _nth(toks.positions(keyword, h.span), 0, here)

    units = [
        _Unit(_quoted("contract ", h.title, _quote(toks.quotes(h.span))), here),
        _Unit([f"{_INDENT}effective {format_date(h.effective)}"], at("EFFECTIVE")),
    ]
    if h.horizon is not None:
        units.append(_Unit([f"{_INDENT}horizon {format_date(h.horizon)}"], at("HORIZON")))
    codes = toks.positions("CURRENCY_CODE", h.span)
    if h.currency != "USD" or codes:  # the default, USD, when the file says so
        units.append(_Unit([f"{_INDENT}currency {h.currency}"], at("CURRENCY")))
    # a comment between a keyword and its value (`horizon # c` DATE) stays
    # with that line: each line ends after its value (a date is 10 characters,
    # a currency code 3)
    dates = toks.positions("DATE", h.span)
    values = dates[:2] + codes[:1]
    widths = [10] * len(dates[:2]) + [3] * len(codes[:1])
    if len(values) == len(units) - 1:
        for u, (line, col), w in zip(units[1:], values, widths, strict=True):
            u.end = (line, col + w)
    return _Block(units)


def _scenario_blocks(f: s.ScenarioFile, toks: _Tokens) -> list[_Block]:
    blocks = [_Block(_file_head(f, toks))]
    for fact in f.facts:
        line = f"fact {fact.name} = {_expr(fact.value, _SUM, False, True)}"
        blocks.append(_Block([_Unit([line], _start(fact.span), _stop(fact.span))], "fact"))
    for ev in f.events:
        args = _arg_list([(f"{name}: ", _expr(value, _SUM, False, True)) for name, value in ev.args])
        line = f"{format_date(ev.date)} {ev.event}{args}{_by(ev.actor)}"
        blocks.append(_Block([_Unit([line], _start(ev.span), _stop(ev.span))], "event"))
    return blocks


def _remove_lines(a: s.Amend, toks: _Tokens) -> list[str]:
    target = a.target or ""
    if a.target_kind == "clause":
        return [f"remove {target}"]
    if a.target_kind == "check" and not (_NAME.fullmatch(target) and target not in _KEYWORDS):
        return _quoted("remove check ", target, _quote(toks.quotes(a.span)))
    return [f"remove {a.target_kind} {target}"]


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# The grammar's keywords: a check removed by such a name is written with its
# quoted title form instead, which reads back as the same target.
_KEYWORDS = frozenset(re.findall(r'"([A-Za-z]+)"', GRAMMAR.read_text(encoding="utf-8")))


def _file_head(f: s.ScenarioFile | s.AmendmentFile, toks: _Tokens) -> list[_Unit]:
    """The two header lines of a scenario (``scenario TITLE`` / ``for PATH``)
    or an amendment (``... to PATH``), each ending after its text, so that a
    comment written before the text stays on its line."""
    here = _start(f.span)
    word = "scenario" if isinstance(f, s.ScenarioFile) else "amendment"
    link = "for" if isinstance(f, s.ScenarioFile) else "to"
    quotes = toks.quotes(f.span)  # the title and the path come first
    head = [
        _Unit(_quoted(f"{word} ", f.title, _quote(quotes, 0)), here),
        _Unit(
            _quoted(f"{_INDENT}{link} ", f.contract, _quote(quotes, 1)),
            _nth(toks.positions(link.upper(), f.span), 0, here),
        ),
    ]
    texts = toks.spans("STRING", f.span)[:2]  # the title and the path: nothing comes before them
    if len(texts) == 2 and texts[0][1] <= head[1].start <= texts[1][0]:
        head[0].end, head[1].end = texts[0][1], texts[1][1]
    return head


def _amendment_blocks(f: s.AmendmentFile, toks: _Tokens) -> list[_Block]:
    blocks = [_Block(_file_head(f, toks))]
    for a in f.changes:
        if a.item is None:
            unit = _Unit(_remove_lines(a, toks), _start(a.span), _stop(a.span))
            blocks.append(_Block([unit], "remove"))
            continue
        units = _item_units(a.item, toks, f"{a.action} ")
        units[0].start = _start(a.span)
        kind = _group(a.item)
        blocks.append(_Block(units, None if kind is None else f"{a.action} {kind}"))
    return blocks


def _blocks(node: s.SourceFile, toks: _Tokens) -> list[_Block]:
    if isinstance(node, s.ContractFile):
        return [_header_block(node.header, toks)] + [
            _Block(_item_units(i, toks), _group(i)) for i in node.items
        ]
    if isinstance(node, s.ScenarioFile):
        return _scenario_blocks(node, toks)
    return _amendment_blocks(node, toks)


# ----------------------------------------------------------------- comments


def _comments(text: str, tokens: Sequence[Token]) -> list[_Comment]:
    """Every comment of ``text``, in order: what lies between the tokens
    besides blanks, and what ends a clause heading line."""
    lines = text.split("\n")
    line_starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            line_starts.append(i + 1)
    found: list[_Comment] = []

    def record(offset: int, raw: str) -> None:
        line = bisect_right(line_starts, offset)
        col = offset - line_starts[line - 1] + 1
        trailing = lines[line - 1][: col - 1].strip() != ""
        blank_after = not trailing and line < len(lines) and lines[line].strip() == ""
        found.append(_Comment((line, col), raw.rstrip(), trailing, blank_after))

    def scan(lo: int, hi: int) -> None:
        i = text.find("#", lo, hi)
        while i != -1:
            j = text.find("\n", i, hi)
            j = hi if j == -1 else j
            record(i, text[i:j])
            i = text.find("#", j, hi)

    done = 0
    for t in tokens:
        start = t.start_pos or 0
        scan(done, start)
        done = t.end_pos or start
        if t.type == "CLAUSE_HEAD":
            m = HEAD_RE.match(str(t))
            if m is not None and m.group("rest").startswith("#"):
                record(start + m.start("rest"), m.group("rest"))
    scan(done, len(text))
    found.sort(key=lambda c: c.pos)
    return found


def _attach(blocks: list[_Block], comments: list[_Comment]) -> list[_Comment]:
    """Give each comment to its unit; return those that follow every unit."""
    units = sorted((u for b in blocks for u in b.units), key=lambda u: u.start)
    starts = [u.start for u in units]
    after_all: list[_Comment] = []
    for c in comments:
        i = bisect_right(starts, c.pos)  # units[:i] begin before the comment
        before = units[i - 1] if i else None
        if before is not None and c.trailing:
            before.trailing.append(c)
        elif before is not None and before.end is not None and c.pos < before.end:
            before.leading.append(c)
        elif i < len(units):
            units[i].leading.append(c)
        else:
            after_all.append(c)
    return after_all


def _render(blocks: list[_Block], after_all: list[_Comment]) -> str:
    out: list[str] = []
    group: str | None = None
    for i, block in enumerate(blocks):
        if i and (block.group is None or block.group != group):
            out.append("")
        group = block.group
        for j, unit in enumerate(block.units):
            indent = unit.lines[0][: len(unit.lines[0]) - len(unit.lines[0].lstrip(" "))]
            for c in sorted(unit.leading + unit.trailing[:-1], key=lambda c: c.pos):
                out.append(indent + c.text)
                if c.blank_after and j == 0:
                    out.append("")
            lines = list(unit.lines)
            if unit.trailing:
                lines[-1] += "  " + unit.trailing[-1].text
            out.extend(lines)
    if after_all:
        out.append("")
        for k, c in enumerate(after_all):
            out.append(c.text)
            if c.blank_after and k < len(after_all) - 1:
                out.append("")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------- entry points


def format_node(node: s.SourceFile) -> str:
    """The canonical text of a file's syntax tree (it has no comments)."""
    return _render(_blocks(node, _Tokens(())), [])


def format_source(text: str, file: str = "<input>") -> tuple[str | None, list[Diagnostic]]:
    """The canonical text of a contract, scenario or amendment file, with its
    comments; ``None`` and the diagnostics when it does not parse cleanly (a
    bad literal is replaced by a placeholder in the tree, so printing it would
    change the file). ``text`` is as ``dsl.load.read_source`` gives it: a
    file's byte order mark is not in it (``fmt --write`` gives it back). Every
    line ends in ``\n`` (CRLF and a lone CR end a line as they do in an
    editor; ``fmt --write`` restores the file's own)."""
    text = normalize(text)
    node, diags = parse_text(text, file)
    if node is None or any(d.is_error for d in diags):
        return None, diags
    toks = tokens(text)
    blocks = _blocks(node, _Tokens(toks))
    after_all = _attach(blocks, _comments(text, toks))
    return _render(blocks, after_all), diags
