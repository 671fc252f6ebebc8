"""Hypothesis strategies: random valid Whereas files, built rule by rule from
the grammar (``dsl/grammar.lark``), and the profile the property tests run with.

Each strategy draws a list of tokens following one grammar rule; ``_lay_out``
joins a file's tokens with random blanks, line breaks and comments, since
line breaks mean nothing to the language. A lower-precedence expression is
put where a higher one is expected only inside brackets, as the grammar
says, so every file drawn parses; names avoid the grammar's keywords.

Profiles: ``ci`` (used when the environment variable ``CI`` is set) is
derandomized, so a CI run tries the same examples every time; ``dev`` is
random and keeps its example database.
"""

from __future__ import annotations

import datetime
import os
import random
import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from dsl.parse import GRAMMAR, parse_text

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# ----------------------------------------------------------------- keywords


def _keywords(grammar: str) -> frozenset[str]:
    """Every word the grammar spells out: quoted keywords, and the words of
    terminals written as regex alternatives (``(days?|weeks?|...)``, currency
    codes, amount suffixes)."""
    words = set(re.findall(r'"([A-Za-z]+)"', grammar))
    for group in re.findall(r"\(((?:[A-Za-z]+\??\|)+[A-Za-z]+\??)\)", grammar):
        for word in group.split("|"):
            words.add(word.rstrip("?"))
            if word.endswith("?"):
                words.add(word[:-2])
    return frozenset(words)


KEYWORDS = _keywords(GRAMMAR.read_text(encoding="utf-8"))


def _parses(text: str) -> bool:
    node, diags = parse_text(text)
    return node is not None and not diags


# A duration literal inside an expression (``fact D: duration = 5 days``) does
# not lex today: after a number the lexer may also expect a name, and NAME is
# tried before DURATION_UNIT. Durations are drawn in expressions only once
# that is fixed; ``within 5 days`` works either way.
DURATIONS_IN_EXPRESSIONS = _parses('contract "p" effective 2024-01-01\nfact D: duration = 5 days\n')

NL = "\n"  # a token that must be followed by a line break (a clause heading ends its line)

Tokens = list[str]

# ----------------------------------------------------------------- words and literals

names = st.from_regex(r"[A-Za-z_][a-z0-9_]{0,7}", fullmatch=True).filter(lambda n: n not in KEYWORDS)
# Argument and parameter names are read where only a name can stand, so
# keywords work there too (``BuyCompute(from: Oracle)``).
arg_names = st.one_of(names, st.sampled_from(["from", "to", "on", "by", "amount"]))

_TEXT_CHARS = st.sampled_from(list("abcXYZ 019.,;:'–é§#$%[]()") + ['\\"', "\\\\", "\\n", "\\t", "\n    "])


@st.composite
def strings(draw: st.DrawFn) -> str:
    """A quoted text: straight quotes with escapes and line breaks, or curly quotes."""
    if draw(st.integers(0, 4)) == 0:
        body = draw(st.text(st.sampled_from(list("abc XYZ'\"#\\§–")), max_size=12))
        return f"“{body}”"
    return '"' + "".join(draw(st.lists(_TEXT_CHARS, max_size=14))) + '"'


@st.composite
def ints(draw: st.DrawFn) -> str:
    n = draw(st.integers(0, 10**7))
    return f"{n:,}" if draw(st.booleans()) else str(n)


@st.composite
def money(draw: st.DrawFn) -> str:
    symbol = draw(st.sampled_from(["$", "US$", "€", "£", "EUR ", "EUR", "GBP ", "CHF ", "USD "]))
    form = draw(st.integers(0, 2))
    if form == 0:
        return symbol + draw(ints())
    if form == 1:
        return symbol + draw(ints()) + "." + draw(st.from_regex(r"[0-9]{1,2}", fullmatch=True))
    whole = draw(st.integers(1, 999))
    tenth = draw(st.sampled_from(["", ".5", ".1", ".25"]))
    return f"{symbol}{whole}{tenth}" + draw(st.sampled_from(["K", "M", "B", "T", "bn", "k"]))


percents = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3})?%", fullmatch=True)
dates = st.dates(min_value=datetime.date(1900, 1, 1)).map(lambda d: d.isoformat())


@st.composite
def durations(draw: st.DrawFn) -> Tokens:
    unit = draw(st.sampled_from(["day", "days", "week", "weeks", "month", "months", "year", "years"]))
    return [draw(ints()), unit]


@st.composite
def clause_refs(draw: st.DrawFn) -> str:
    number = ".".join(str(n) for n in draw(st.lists(st.integers(0, 20), min_size=1, max_size=3)))
    suffix = draw(st.sampled_from(["", "", "a"]))
    return "§" + draw(st.sampled_from(["", " "])) + number + suffix


@st.composite
def literals(draw: st.DrawFn) -> Tokens:
    choices = ["money", "date", "percent", "int", "bool"] + (["duration"] if DURATIONS_IN_EXPRESSIONS else [])
    kind = draw(st.sampled_from(choices))
    if kind == "money":
        return [draw(money())]
    if kind == "date":
        return [draw(dates)]
    if kind == "percent":
        return [draw(percents)]
    if kind == "int":
        return [draw(ints())]
    if kind == "duration":
        return draw(durations())
    return [draw(st.sampled_from(["true", "false"]))]


@st.composite
def actors(draw: st.DrawFn) -> Tokens:
    party = draw(names)
    return [party, ".", draw(names)] if draw(st.integers(0, 3)) == 0 else [party]


@st.composite
def date_exprs(draw: st.DrawFn) -> Tokens:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return [draw(dates)]
    if kind == 1:
        return ["horizon"]
    if kind == 2:
        return ["effective"]
    return [draw(names)]


# ----------------------------------------------------------------- patterns and expressions


# The expression rules, loosest first; each rule's first alternative is the
# next rule down. A condition (after `where` / `while`) has its own top three
# rules, then continues at `comparison`.
_CHAIN = [
    "implication",
    "disjunction",
    "conjunction",
    "negation",
    "timed",
    "comparison",
    "sum",
    "product",
    "unary",
]
_COND_CHAIN = ["cond", "cond_and", "cond_not"] + _CHAIN[_CHAIN.index("comparison") :]


def _args(draw: st.DrawFn, depth: int) -> Tokens:
    out: Tokens = ["("]
    for i in range(draw(st.integers(0, 3))):
        if i:
            out.append(",")
        out.append(draw(arg_names))
        out.append(draw(st.sampled_from([":", ":", "==", "!=", "<", "<=", ">", ">="])))
        out += _derive(draw, "sum", depth - 1)
    return out + [")"]


def _pattern(draw: st.DrawFn, depth: int) -> Tokens:
    return [draw(names)] + (_args(draw, depth) if draw(st.booleans()) else [])


def _atom(draw: st.DrawFn, depth: int) -> Tokens:
    kind = draw(st.integers(0, 9 if depth > 0 else 8))
    if kind in (0, 8):
        return draw(literals())
    if kind == 1:
        return [draw(names)]
    if kind == 2:
        return [draw(names)] + _args(draw, depth)
    if kind == 3:
        return [draw(names)] + (_args(draw, depth) if draw(st.booleans()) else []) + ["by"] + draw(actors())
    if kind == 4:
        by = ["by"] + draw(actors()) if draw(st.booleans()) else []
        return ["effective"] + _pattern(draw, depth) + by
    if kind == 5:
        return ["breach", "by", draw(names)]
    if kind == 6:
        return ["breach", "of", draw(clause_refs())] + (["by", draw(names)] if draw(st.booleans()) else [])
    if kind == 7:
        return ["violation", "of", draw(clause_refs())]
    return ["("] + _derive(draw, "implication", depth - 1) + [")"]


def _derive(draw: st.DrawFn, rule: str, depth: int) -> Tokens:
    """Tokens derived from the expression rule ``rule``: one draw picks the
    rule (at or below ``rule``) whose own operator form is used, or an atom."""
    chain = _COND_CHAIN if rule in _COND_CHAIN[:3] else _CHAIN
    top = chain.index(rule)
    pick = draw(st.integers(top, len(chain))) if depth > 0 else len(chain)
    if pick == len(chain):
        return _atom(draw, depth)
    form, d = chain[pick], depth - 1

    def sub(r: str) -> Tokens:
        return _derive(draw, r, d)

    if form == "implication":
        return sub("disjunction") + ["implies"] + sub("disjunction")
    if form == "disjunction":
        return sub("disjunction") + ["or"] + sub("conjunction")
    if form == "conjunction":
        return sub("conjunction") + ["and"] + sub("negation")
    if form == "negation":
        scope = draw(st.integers(0, 3))
        if scope == 0:
            return ["not"] + sub("negation")
        if scope == 1:
            by = ["by"] + draw(actors()) if draw(st.booleans()) else []
            return ["after"] + _pattern(draw, d) + by + [":"] + sub("negation")
        if scope == 2:
            return ["from"] + draw(date_exprs()) + ["until"] + draw(date_exprs()) + [":"] + sub("negation")
        return ["on"] + draw(date_exprs()) + [":"] + sub("negation")
    if form == "timed":
        return sub("comparison") + [draw(st.sampled_from(["on", "before", "after"]))] + draw(date_exprs())
    if form == "comparison":
        return sub("sum") + [draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))] + sub("sum")
    if form == "sum":
        return sub("sum") + [draw(st.sampled_from(["+", "-"]))] + sub("product")
    if form == "product":
        return sub("product") + ["*"] + sub("unary")
    if form == "unary":
        return ["-"] + sub("unary")
    if form == "cond":
        return sub("cond") + ["or"] + sub("cond_and")
    if form == "cond_and":
        return sub("cond_and") + ["and"] + sub("cond_not")
    return ["not"] + sub("cond_not")  # cond_not


@st.composite
def expressions(draw: st.DrawFn, rule: str = "implication", depth: int = 3) -> Tokens:
    """A token list derived from the grammar's expression rule ``rule``."""
    return _derive(draw, rule, depth)


@st.composite
def patterns(draw: st.DrawFn, depth: int = 2) -> Tokens:
    return _pattern(draw, depth)


# ----------------------------------------------------------------- declarations


def _opt(draw: st.DrawFn, tokens: st.SearchStrategy[Tokens]) -> Tokens:
    return draw(tokens) if draw(st.booleans()) else []


def _one(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[Tokens]:
    return strategy.map(lambda t: [t])


@st.composite
def parties(draw: st.DrawFn) -> Tokens:
    out = ["party", draw(names)] + _opt(draw, _one(strings()))
    bodies = draw(st.lists(names, min_size=1, max_size=3))
    if draw(st.booleans()):
        out += ["with", draw(st.sampled_from(["body", "bodies"])), bodies[0]]
        for b in bodies[1:]:
            out += [",", b]
    return out


@st.composite
def kinds(draw: st.DrawFn) -> Tokens:
    out = ["kind", draw(names)] + _opt(draw, _one(strings())) + ["=", draw(names)]
    for m in draw(st.lists(names, max_size=3)):
        out += ["|", m]
    return out


@st.composite
def facts(draw: st.DrawFn) -> Tokens:
    type_ = draw(st.one_of(st.sampled_from(["money", "date", "int", "percent", "bool", "duration"]), names))
    out = ["fact", draw(names), ":", type_]
    if draw(st.booleans()):
        value = draw(literals()) if draw(st.booleans()) else draw(expressions("sum", 2))
        out += ["="] + value
    return out + _opt(draw, _one(strings()))


@st.composite
def events(draw: st.DrawFn) -> Tokens:
    out = ["event", draw(names)]
    params = draw(st.lists(st.tuples(arg_names, names), max_size=3))
    if params:
        out.append("(")
        for i, (p, t) in enumerate(params):
            out += ([","] if i else []) + [p, ":", t]
        out.append(")")
    out.append("by")
    if draw(st.integers(0, 3)) == 0:
        out.append("anyone")
    else:
        out += draw(actors())
        for _ in range(draw(st.integers(0, 2))):
            out += ["or"] + draw(actors())
    return out + _opt(draw, _one(strings()))


@st.composite
def time_points(draw: st.DrawFn) -> Tokens:
    points = draw(st.lists(st.one_of(dates, st.just("effective"), names), min_size=1, max_size=3))
    out: Tokens = []
    for i, p in enumerate(points):
        out += (["or"] if i else []) + [p]
    return out


@st.composite
def states(draw: st.DrawFn) -> Tokens:
    out = ["state", draw(names)] + _opt(draw, _one(strings()))
    if draw(st.booleans()):
        out.append("holds")
    out += _opt(draw, time_points().map(lambda t: ["from"] + t))
    return out + _opt(draw, time_points().map(lambda t: ["until"] + t))


# ----------------------------------------------------------------- clauses


@st.composite
def where(draw: st.DrawFn) -> Tokens:
    return ["where"] + draw(expressions("cond", 2)) if draw(st.booleans()) else []


@st.composite
def norms(draw: st.DrawFn) -> Tokens:
    actor = draw(actors())
    pattern = draw(patterns())
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return actor + ["must", "not"] + pattern + draw(where())
    if kind == 1:
        return actor + ["may"] + pattern + draw(where())
    if kind == 2:
        return actor + ["has", "power", "to"] + pattern + draw(where())
    deadline = ["within"] + draw(durations()) if draw(st.booleans()) else ["before"] + draw(date_exprs())
    return actor + ["must"] + pattern + draw(where()) + deadline


@st.composite
def triggers(draw: st.DrawFn) -> Tokens:
    if draw(st.integers(0, 3)) == 0:
        return ["violation", "of", draw(clause_refs())]
    by = ["by"] + draw(actors()) if draw(st.booleans()) else []
    return draw(patterns()) + by + draw(where())


@st.composite
def effects(draw: st.DrawFn) -> Tokens:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return ["ends", draw(names)]
    if kind == 1:
        return ["starts", draw(names)]
    return ["ends", "the", "contract"]


@st.composite
def statements(draw: st.DrawFn) -> Tokens:
    kind = draw(st.integers(0, 3))
    if kind <= 1:
        return draw(norms())
    if kind == 2:
        return draw(triggers()) + draw(effects())
    body = draw(norms()) if draw(st.booleans()) else draw(effects())
    return ["when"] + draw(triggers()) + [":"] + body


@st.composite
def guards(draw: st.DrawFn) -> Tokens:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return ["while"] + draw(expressions("cond", 2))
    if kind == 1:
        return ["from"] + draw(date_exprs())
    if kind == 2:
        return ["until", draw(dates)]
    if kind == 3:
        return ["until", "horizon"]
    return ["until"] + draw(patterns())


_TITLE = st.text(st.sampled_from(list("abcdXYZ 0123-–.,:()'\"é§")), max_size=16)
_FACT_IDS = st.lists(st.from_regex(r"F[0-9]{1,2}", fullmatch=True), max_size=3)


@st.composite
def clause_heads(draw: st.DrawFn) -> str:
    head = draw(clause_refs())
    title = draw(_TITLE).strip()
    if title:
        head += " " + title
    fact_ids = draw(_FACT_IDS)
    if fact_ids or draw(st.integers(0, 5)) == 0:
        head += " [" + ", ".join(fact_ids) + "]"
    return head


@st.composite
def clauses(draw: st.DrawFn) -> Tokens:
    parts: list[Tokens] = [draw(statements())]
    if draw(st.booleans()):
        exception = ["exception", "to", draw(clause_refs())]
        over = draw(st.lists(clause_refs(), max_size=3))
        if over:
            exception += ["prevailing", "over", over[0]]
            for ref in over[1:]:
                exception += [",", ref]
        parts.append(exception)
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            parts.append(["text", draw(strings())])
        elif kind == 1:
            parts.append(draw(guards()))
        elif kind == 2:
            parts.append(["survives", "termination"])
        else:
            parts.append(draw(statements()))
    order = draw(st.permutations(parts))
    return [draw(clause_heads()), NL] + [t for part in order for t in part]


# ----------------------------------------------------------------- checks


@st.composite
def checks(draw: st.DrawFn) -> Tokens:
    out = ["check"] + _opt(draw, _one(names)) + [draw(strings()), ":"]
    for _ in range(draw(st.integers(0, 2))):
        out += ["given"] + draw(expressions())
    return out + [draw(st.sampled_from(["possible", "always", "never"]))] + draw(expressions())


items = st.one_of(parties(), kinds(), facts(), events(), states(), clauses(), checks())


# ----------------------------------------------------------------- files


@st.composite
def _contract_tokens(draw: st.DrawFn) -> Tokens:
    out = ["contract", draw(strings()), "effective", draw(dates)]
    out += _opt(draw, dates.map(lambda d: ["horizon", d]))
    out += _opt(draw, st.sampled_from(["USD", "EUR", "GBP", "CHF"]).map(lambda c: ["currency", c]))
    for item in draw(st.lists(items, max_size=8)):
        out += item
    return out


@st.composite
def _scenario_tokens(draw: st.DrawFn) -> Tokens:
    out = ["scenario", draw(strings()), "for", draw(strings())]
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            out += ["fact", draw(names), "="] + draw(expressions("sum", 2))
            continue
        out += [draw(dates), draw(names)]
        if draw(st.booleans()):
            out.append("(")
            for i in range(draw(st.integers(0, 3))):
                out += ([","] if i else []) + [draw(arg_names), ":"] + draw(expressions("sum", 2))
            out.append(")")
        if draw(st.booleans()):
            out += ["by"] + draw(actors())
    return out


@st.composite
def _amendment_tokens(draw: st.DrawFn) -> Tokens:
    out = ["amendment", draw(strings()), "to", draw(strings())]
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.integers(0, 4))
        if kind <= 1:
            out += [draw(st.sampled_from(["add", "replace"]))] + draw(items)
        elif kind == 2:
            out += ["remove", draw(clause_refs())]
        elif kind == 3:
            out += ["remove", draw(st.sampled_from(["party", "kind", "fact", "event", "state"])), draw(names)]
        else:
            out += ["remove", "check", draw(st.one_of(names, strings()))]
    return out


_PUNCT_AFTER = {"(", "."}
_PUNCT_BEFORE = {",", ")", ":", "."}
_BLANKS = [" ", " ", " ", "  ", "\t", "\n", "\n  ", "\n\n    ", " \n"]
_COMMENT_TEXT = st.text(st.sampled_from(list('abc XYZ 019-–#§"[]:.')), max_size=12).map(str.strip)


@st.composite
def _lay_out(draw: st.DrawFn, tokens: Tokens) -> str:
    """Join tokens with blanks, line breaks and comments, all drawn at random."""
    rnd: random.Random = draw(st.randoms(use_true_random=False))
    style = draw(st.sampled_from(["spaces", "tight", "messy"]))
    comment_rate = draw(st.sampled_from([0.0, 0.02, 0.1]))
    out: list[str] = []
    prev = ""
    for tok in tokens:
        if tok == NL:
            if rnd.random() < comment_rate:  # ends a clause heading: part of its token
                out.append(f"  # {draw(_COMMENT_TEXT)}")
            out.append("\n")
            prev = NL
            continue
        if out and prev != NL:
            # the lexer reads a comma after a number into the number (see dsl.format)
            may_touch = (tok in _PUNCT_BEFORE or prev in _PUNCT_AFTER) and not (
                tok == "," and prev[-1].isdigit()
            )
            if style == "spaces":
                sep = " "
            elif style == "tight":
                sep = "" if may_touch else " "
            else:
                sep = "" if may_touch and rnd.random() < 0.5 else rnd.choice(_BLANKS)
            if rnd.random() < comment_rate:
                text = draw(_COMMENT_TEXT)
                sep = f"  # {text}\n" if rnd.random() < 0.5 else f"\n# {text}\n"
            out.append(sep)
        elif prev == NL and rnd.random() < comment_rate:
            out.append(f"# {draw(_COMMENT_TEXT)}\n")
        out.append(tok)
        prev = tok
    return "".join(out) + "\n"


def _file(tokens: st.SearchStrategy[Tokens]) -> st.SearchStrategy[str]:
    return tokens.flatmap(lambda t: _lay_out(t))


contract_files = _file(_contract_tokens())
scenario_files = _file(_scenario_tokens())
amendment_files = _file(_amendment_tokens())
source_files = st.one_of(contract_files, scenario_files, amendment_files)


@st.composite
def mutations(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few random byte-level edits, decoded leniently."""
    data = bytearray(text.encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.integers(0, 3))
        if op == 0 and data:  # delete a run
            del data[at : at + draw(st.integers(1, 40))]
        elif op == 1:  # insert random bytes
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == 2 and at < len(data):  # overwrite one byte
            data[at] = draw(st.integers(0, 255))
        else:  # duplicate a chunk elsewhere
            size = draw(st.integers(1, 80))
            data[at:at] = data[max(0, at - size) : at]
    return data.decode("utf-8", errors="replace")
