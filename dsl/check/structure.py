"""From checked clauses to the errors in how they relate: exceptions and priorities.

``StructureMixin.structure`` checks that an exception names an existing clause
and is about the acts it rules on (each permission or prohibition about an event
its parent forbids or permits, by an actor its parent's norms on it cover),
that a clause prevails only over a sibling exception, and that neither
exceptions, nor priorities, nor violation triggers form a cycle (each cycle
reported once, at its least clause). The searches are in ``graph``.
"""

from __future__ import annotations

from dsl import model as m
from dsl.check.graph import exception_cycles, find_cycle, strong_components
from dsl.check.names import MODALITY_WORD, did_you_mean, with_article
from dsl.check.state import CheckState
from dsl.diagnostics import Label


class StructureMixin(CheckState):
    def structure(self, clauses: dict[str, m.Clause]) -> None:
        """Exceptions point at existing clauses, about the same acts; no cycles."""
        memo: dict[tuple[str, str], tuple[str, ...]] = {}  # for ``m.ruled_holders``
        for c in clauses.values():
            if c.exception_to is None:
                continue
            syn = self.clauses_syn[c.id]
            parent = clauses.get(c.exception_to)
            if c.exception_to not in self.clauses_syn:
                self.error(
                    "undefined-clause",
                    f"{c.id} is an exception to {c.exception_to}, which does not exist",
                    syn.head_span,
                    hint=did_you_mean(c.exception_to, self.clauses_syn),
                )
                continue
            if parent is None:
                continue
            mine = {(n.event) for n in c.norms if n.modality in ("must_not", "may")}
            theirs = {(n.event) for n in parent.norms if n.modality in ("must_not", "may")}
            bad = [n for n in c.norms if n.modality not in ("must_not", "may")]
            if bad:
                self.error(
                    "unsupported",
                    f"exception {c.id} holds {with_article(MODALITY_WORD[bad[0].modality])}; exceptions may only permit or forbid",
                    bad[0].span,
                    hint="put obligations and powers in clauses of their own",
                )
            here = (Label(self.clauses_syn[c.exception_to].head_span, f"{c.exception_to} is here"),)
            if not mine or not mine & theirs:
                self.error(
                    "exception-mismatch",
                    f"{c.id} is an exception to {c.exception_to}, but they are not about the same act",
                    syn.head_span,
                    expected=f"a `may` or `must not` about {', '.join(sorted(theirs)) or 'an act of ' + c.exception_to}",
                    found=", ".join(sorted(mine)) or "no permission or prohibition",
                    hint=f"an exception only changes how {c.exception_to} rules on its own acts; "
                    "give another act a clause of its own",
                    labels=here,
                )
                continue
            self.exception_norms(c, parent, clauses, here, memo)
        # cycles in exception_to: each cycle once, at its least clause
        for cycle in exception_cycles(clauses):
            first = min(cycle)
            at = cycle.index(first)
            rest = cycle[at + 1 :] + cycle[:at]
            self.error(
                "exception-cycle",
                f"{first} is, through {' -> '.join(rest) or 'itself'}, an exception to itself",
                self.clauses_syn[first].head_span,
            )
        # priorities: siblings, acyclic
        edges: dict[str, set[str]] = {}
        for c in clauses.values():
            for other in c.prevails_over:
                syn = self.clauses_syn[c.id]
                if other not in self.clauses_syn:
                    self.error(
                        "undefined-clause",
                        f"{c.id} prevails over {other}, which does not exist",
                        syn.head_span,
                    )
                    continue
                o = clauses.get(other)
                if o is None:
                    continue
                if other == c.id:
                    self.error(
                        "bad-priority",
                        f"{c.id} cannot prevail over itself",
                        syn.head_span,
                        hint="priority decides between two different exceptions to the same clause",
                    )
                    continue
                if o.exception_to != c.exception_to:
                    self.error(
                        "bad-priority",
                        f"{c.id} can only prevail over another exception to {c.exception_to}; {other} is not one",
                        syn.head_span,
                        hint="priority decides between two exceptions to the same clause",
                    )
                    continue
                edges.setdefault(c.id, set()).add(other)
        components = strong_components(edges)
        for start in sorted(edges):
            path = find_cycle(start, edges, components)
            if path is not None and path[0] == min(path):
                self.error(
                    "exception-cycle",
                    "these priorities form a cycle: " + " prevails over ".join(path + [path[0]]),
                    self.clauses_syn[start].head_span,
                    hint="remove one `prevailing over`",
                )
        # violation triggers must not loop back
        vedges: dict[str, set[str]] = {}
        for c in clauses.values():
            for n in c.norms:
                if n.trigger is not None and n.trigger.violation_of is not None:
                    vedges.setdefault(n.trigger.violation_of, set()).add(c.id)
        components = strong_components(vedges)
        for start in sorted(vedges):
            path = find_cycle(start, vedges, components)
            if path is not None and path[0] == min(path):
                self.error(
                    "exception-cycle",
                    "violations trigger each other in a cycle: " + " -> ".join(path + [path[0]]),
                    self.clauses_syn[start].head_span,
                )

    def exception_norms(
        self,
        c: m.Clause,
        parent: m.Clause,
        clauses: dict[str, m.Clause],
        here: tuple[Label, ...],
        memo: dict[tuple[str, str], tuple[str, ...]],
    ) -> None:
        """Each permission or prohibition of exception ``c`` is about an act its
        parent rules on: the same event (the parent forbids or permits it) and an
        actor the parent's norms on that event cover, as far as every clause above
        the parent lets it rule (``m.ruled_holders``). Any other norm never applies:
        the exception tree of an act is only walked down from a clause that rules
        on it."""
        theirs = {n.event for n in parent.norms if n.modality in m.RULINGS}
        for n in c.norms:
            if n.modality not in m.RULINGS:
                continue
            if n.event not in theirs:
                self.error(
                    "exception-mismatch",
                    f"{c.id} is an exception to {parent.id}, but {parent.id} is not about {n.event}",
                    n.span,
                    expected=f"a `may` or `must not` about {', '.join(sorted(theirs))}",
                    found=n.event,
                    hint=f"an exception only changes how {parent.id} rules on its own acts; "
                    f"give {n.event} a clause of its own",
                    labels=here,
                )
                continue
            holders = m.ruled_holders(clauses, parent.id, n.event, memo)
            if not holders or any(m.common_holder(n.actor, h) is not None for h in holders):
                continue  # () or None: the parent rules on nothing here, or the chain is broken (reported)
            who = " or ".join(holders)
            self.error(
                "exception-mismatch",
                f"{c.id} is an exception to {parent.id}, but {parent.id} is not about {n.event} by {n.actor}",
                n.span,
                expected=f"a `may` or `must not` about {n.event} by {who}",
                found=f"{n.event} by {n.actor}",
                hint=f"an exception only changes how {parent.id} rules on the acts it covers; "
                f"make it about {who}, or give it a clause of its own",
                labels=here,
            )
