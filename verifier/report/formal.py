"""From the checked model's clauses to their formal reading, in words.

``clause_reading`` prints what the checker made of a clause — its guards,
norms and consequences — as short lines such as ``OpenAI must not BuyCompute
where from != Microsoft``. It reads the model, not the source text, so a
reader can set the quoted text beside what the verifier actually proves
things from. The output is plain text; each report format escapes it.
"""

from __future__ import annotations

from dsl import model as m
from dsl.literals import format_date, format_duration

# binding strength: a lower number binds more loosely
_PREC = {
    "implies": 1,
    "or": 2,
    "and": 3,
    "not": 4,
    "==": 5,
    "!=": 5,
    "<": 5,
    "<=": 5,
    ">": 5,
    ">=": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "neg": 8,
}


class _Printer:
    """Prints expressions; ``trigger_event`` names the occurrence that set
    off an obligation, so ``trigger.amount`` reads "the amount of RequestCompute"."""

    def __init__(self, trigger_event: str | None = None) -> None:
        self.trigger_event = trigger_event

    def expr(self, e: m.Expr, outer: int = 0) -> str:
        if isinstance(e, m.Const):
            return e.shown()
        if isinstance(e, m.ArgRef):
            if e.occ == "trigger" and self.trigger_event:
                return f"the {e.name} of {self.trigger_event}"
            return e.name
        if isinstance(e, m.FactRef):
            return e.name
        if isinstance(e, m.StateAt):
            return e.state if e.day is None else f"{e.state} on {format_date(e.day)}"
        if isinstance(e, m.Op):
            prec = _PREC.get(e.op, 9)
            if e.op == "not":
                text = "not " + self.expr(e.args[0], prec)
            elif e.op == "neg":
                text = "-" + self.expr(e.args[0], prec)
            elif e.op in ("min", "max"):
                return f"{e.op}({self.expr(e.args[0])}, {self.expr(e.args[1])})"
            elif e.op in ("floor", "ceil"):
                return f"{e.op}({self.expr(e.args[0])} / {self.expr(e.args[1])})"
            else:
                # left-associative: a right operand of equal strength needs brackets,
                # except under the associative `and` and `or`
                assoc = e.op in ("and", "or")
                text = f" {e.op} ".join(
                    self.expr(a, prec if i == 0 or assoc else prec + 1) for i, a in enumerate(e.args)
                )
            return f"({text})" if prec < outer else text
        if isinstance(e, m.Happens):
            text = e.event + self._where(e.cond)
            if e.actor:
                text += f" by {e.actor}"
            if e.effective:
                text += " (effective)"
            return text + _range(e.lo, e.hi)
        if isinstance(e, m.BreachAtom):
            text = "breach" + (f" of {e.clause}" if e.clause else "") + (f" by {e.party}" if e.party else "")
            return text + _range(e.lo, e.hi)
        if isinstance(e, m.AfterEvent):
            head = e.event + self._where(e.cond) + (f" by {e.actor}" if e.actor else "")
            return f"after {head}: {self.expr(e.body)}"
        if isinstance(e, m.Precedes):
            return f"{self.expr(e.first)} before {self.expr(e.second)} (on an earlier day)"
        if isinstance(e, m.During):
            return f"from {format_date(e.lo)} until {format_date(e.hi)}: {self.expr(e.body)}"
        raise AssertionError(f"not an expression: {type(e).__name__}")

    def _where(self, cond: m.Expr | None) -> str:
        return "" if cond is None else f" where {self.expr(cond)}"

    def trigger(self, t: m.Trigger) -> str:
        if t.violation_of is not None:
            return f"a violation of {t.violation_of}"
        text = str(t.event)
        if t.actor:
            text += f" by {t.actor}"
        if t.cond is not None:
            # the trigger's own arguments: plain names here
            text += " where " + _Printer().expr(t.cond)
        return text


def _range(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return f" on {format_date(lo)}" if lo == hi else f" between {format_date(lo)} and {format_date(hi)}"
    if lo is not None:
        return f" on or after {format_date(lo)}"
    if hi is not None:
        return f" on or before {format_date(hi)}"
    return ""


def expr_text(e: m.Expr) -> str:
    return _Printer().expr(e)


def norm_text(n: m.Norm) -> str:
    p = _Printer(n.trigger.event if n.trigger is not None else None)
    where = "" if n.cond is None else f" where {p.expr(n.cond)}"
    if n.modality == "must_not":
        return f"{n.actor} must not {n.event}{where}"
    if n.modality == "may":
        return f"{n.actor} may {n.event}{where}"
    if n.modality == "power":
        return f"{n.actor} has power to {n.event}{where}"
    text = f"{n.actor} must {n.event}{where}"
    if n.within is not None:
        text += f" within {format_duration(n.within)}"
    if n.before is not None:
        text += f" before {format_date(n.before)}"
    if n.trigger is not None:
        text = f"when {p.trigger(n.trigger)}: {text}"
    return text


def consequence_text(q: m.Consequence) -> str:
    what = "ends the contract" if q.effect == "terminates" else f"{q.effect} {q.state}"
    return f"{_Printer().trigger(q.trigger)} {what}"


def guards_text(g: m.Guards) -> list[str]:
    out = []
    if g.from_day is not None:
        out.append(f"applies from {format_date(g.from_day)}")
    if g.until_day is not None:
        out.append(f"applies through {format_date(g.until_day)}")
    if g.while_cond is not None:
        out.append(f"applies while {expr_text(g.while_cond)}")
    for t in g.until_events:
        out.append(f"applies until {_Printer().trigger(t)}")
    return out


def clause_reading(cl: m.Clause) -> list[str]:
    """The clause as the verifier reads it, one statement a line."""
    out = []
    if cl.exception_to is not None:
        out.append(f"exception to {cl.exception_to}")
    if cl.prevails_over:
        out.append("prevails over " + ", ".join(cl.prevails_over))
    out += guards_text(cl.guards)
    if cl.survives:
        out.append("survives termination")
    out += [norm_text(n) for n in cl.norms]
    out += [consequence_text(q) for q in cl.consequences]
    return out
