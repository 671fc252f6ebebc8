"""From a contract file to a checked contract: the checker's passes, in order.

``Checker`` joins the mixins, one per concern, over the shared ``CheckState``:
``names`` (collect the declarations, resolve names and actors), ``types``
(which values combine), ``expressions`` (type each expression, desugar
patterns), ``clauses`` (events, facts, states, clauses and checks) and
``structure`` (exceptions, priorities, cycles). ``run`` makes one pass of each
over the contract and returns the ``dsl.model.Contract``, or None if any
diagnostic is an error; ``check_contract`` returns it with the diagnostics.
``Checker.for_scenario`` is a checker over the tables of a contract already
checked, to resolve a scenario's names and values against it.
"""

from __future__ import annotations

from dsl import model as m
from dsl import syntax as s
from dsl.check.clauses import ClausesMixin
from dsl.check.structure import StructureMixin
from dsl.diagnostics import Diagnostic


class Checker(ClausesMixin, StructureMixin):
    """One contract's check: ``Checker(node, path).run()``, then ``diags``."""

    @classmethod
    def for_scenario(cls, c: m.Contract, path: str) -> Checker:
        """A checker whose tables are those of the checked contract ``c``, to resolve
        and type a scenario's names and values (diagnostics in ``path``). Only the
        resolving methods make sense on it, not ``run``."""
        ch = cls(s.ContractFile(s.Header("", m.date_of(c.effective)), ()), path)
        ch.facts = dict(c.facts)
        ch.events = dict(c.events)
        ch.kinds = {k: s.KindDecl(k, v) for k, v in c.kinds.items()}
        ch.parties = {p: s.PartyDecl(p, None, b) for p, b in c.parties.items()}
        ch.facts_syn = {n: s.FactDecl(n, s.TypeRef(f.type.name)) for n, f in c.facts.items()}
        ch.events_syn = {n: s.EventDecl(n, (), ()) for n in c.events}
        ch.states_syn = {n: s.StateDecl(n) for n in c.states}
        ch.effective, ch.horizon = c.effective, c.horizon
        return ch

    def run(self) -> m.Contract | None:
        # Like parsing, checking allocates the model and frees little until the
        # end. With the cyclic collector on, its collections re-scan the whole
        # syntax tree (and whatever else the caller holds) again and again:
        # at 10,000 clauses they were three quarters of the time, which made
        # checking look superlinear (0.03 s at 1,243 clauses, 0.9 s at 10,000;
        # 0.2 s without them). Some of that work is only put off: the collector
        # catches up after the check, in fewer passes (about 0.3 s at 10,000).
        # The library leaves the collector alone: the command line, which owns
        # its process, pauses it while it loads (``verifier.cli.common``).
        return self._run()

    def _run(self) -> m.Contract | None:
        self.collect()  # names.py
        self.collect_types()  # clauses.py, like states, clause and check
        states = self.states()
        clauses: dict[str, m.Clause] = {}
        for cid, c in self.clauses_syn.items():
            mc = self.clause(c)
            if mc is not None:
                clauses[cid] = mc
        self.structure(clauses)  # structure.py
        checks = []
        for chk in self.checks_syn.values():
            ch = self.check(chk)
            if ch is not None:
                checks.append(ch)
        for f in self.facts.values():
            if f.description and f.description.startswith("[F"):
                self.used.add(f.name)  # a fact recorded for the record is not "unused"
        self.unused()  # names.py
        if any(d.is_error for d in self.diags):
            return None
        return m.Contract(
            title=self.node.header.title,
            file=self.file,
            effective=self.effective,
            horizon=self.horizon,
            currency=self.currency,
            parties={n: p.bodies for n, p in self.parties.items()},
            kinds={n: k.members for n, k in self.kinds.items()},
            facts=self.facts,
            events=self.events,
            states=states,
            clauses=clauses,
            checks=tuple(checks),
            horizon_given=self.node.header.horizon is not None,
        )


def check_contract(node: s.ContractFile, file: str) -> tuple[m.Contract | None, list[Diagnostic]]:
    ch = Checker(node, file)
    contract = ch.run()
    return contract, ch.diags
