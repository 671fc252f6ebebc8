"""From a contract file's header to the tables every pass of the checker shares.

``CheckState`` is the state the checker's mixins (``types``, ``names``,
``expressions``, ``clauses``, ``structure``) read and fill: the declarations
by kind as written (``*_syn``), the events and facts once typed, the names
used so far, the contract's period, and the diagnostics found. ``error``
records one.
"""

from __future__ import annotations

import datetime as _dt

from dsl import model as m
from dsl import syntax as s
from dsl.diagnostics import Diagnostic

DEFAULT_HORIZON_YEARS = 10


class CheckState:
    def __init__(self, node: s.ContractFile, file: str) -> None:
        self.node = node
        self.file = file
        self.diags: list[Diagnostic] = []
        self.parties: dict[str, s.PartyDecl] = {}
        self.kinds: dict[str, s.KindDecl] = {}
        self.facts_syn: dict[str, s.FactDecl] = {}
        self.events_syn: dict[str, s.EventDecl] = {}
        self.states_syn: dict[str, s.StateDecl] = {}
        self.clauses_syn: dict[str, s.Clause] = {}
        self.checks_syn: dict[str, s.Check] = {}
        self.used: set[str] = set()
        self.currency = node.header.currency
        self.effective = m.day(node.header.effective)
        hz = node.header.horizon
        if hz is None:
            self.horizon = m.day(add_years(node.header.effective, DEFAULT_HORIZON_YEARS))
        else:
            self.horizon = m.day(hz)
        self.events: dict[str, m.Event] = {}
        self.facts: dict[str, m.Fact] = {}

    def error(self, code: str, msg: str, span: s.Span, **kw: object) -> None:
        self.diags.append(Diagnostic(code, msg, span, **kw))  # type: ignore[arg-type]


def add_years(d: _dt.date, years: int) -> _dt.date:
    if d.year + years > _dt.MAXYEAR:
        return _dt.date.max
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)
