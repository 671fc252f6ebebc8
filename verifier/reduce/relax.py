"""From a contract to one whose termination rights may be used whenever they are in
force: the rights' own conditions left open, so that a slice need not hold what
decides them.

Every clause that does not survive termination depends on every clause that can
end the contract, and a right "while Default7, Alpha has power to Exit7; Exit7 ends
the contract" brings with it everything Default7 depends on: deliveries, remedies,
cures, a default carried over from another deal. In an agreement whose deals are
linked that way, each check's slice grows with the whole contract (bench/README.md:
a mean slice of 547 clauses at 10,000 against 57 at 1,000).

A termination right is *open* here when an act ends the contract and every clause
that names the act does nothing else: it is no exception and has none, prevails over
nothing, its norms are powers over that act on no condition, and its consequences
are that act, on no condition, ending the contract. (Contracts write it in one
clause, "while D, A has power to Exit; Exit ends the contract", or in two, the
power and its effect apart.) No state and no ``until`` names the act. The right is
open if one of those clauses has a ``while`` condition or ``until`` events; its open
version drops those two guards from each of them and keeps their dates.

The open contract has *more* scenarios, never fewer (docs/semantics.md §14.2,
"Open termination rights"): given a scenario of the contract, drop every act of an
open right that did not end the contract; on what is left, the open contract ends
on the same day (the first act that ended it is still there, and the open right
applies whenever the right did), and nothing else reads those acts, so every
clause, state and violation reads the same. Hence no scenario on the open slice
means none on the contract: a proof there is a proof. A scenario found there is
the answer only if the interpreter confirms it on the whole contract; the verifier
otherwise asks the slice without the open rights, then the exact slice. A check
that mentions an open right's act is solved on the exact contract.
"""

from __future__ import annotations

import attrs

from dsl import model as m


@attrs.frozen
class Opened:
    """A contract with its open termination rights (see the module)."""

    contract: m.Contract  # the contract with those rights' conditions left open
    acts: dict[str, str]  # each clause of an open right -> the right's act

    @staticmethod
    def of(c: m.Contract) -> Opened | None:
        """The open version of ``c``, or None if no right of ``c`` is open."""
        named: dict[str, list[str]] = {}  # act -> the clauses whose norms or consequences name it
        elsewhere: set[str] = set()  # acts a state or an ``until`` names
        for cl in c.clauses.values():
            for ev in {n.event for n in cl.norms} | {
                q.trigger.event for q in cl.consequences if q.trigger.event
            }:
                named.setdefault(ev, []).append(cl.id)
            elsewhere.update(t.event for t in cl.guards.until_events if t.event is not None)
        for st in c.states.values():
            elsewhere.update((*st.start_events, *st.end_events))
        has_children = {cl.exception_to for cl in c.clauses.values() if cl.exception_to is not None}
        acts: dict[str, str] = {}
        clauses = dict(c.clauses)
        for act, cids in named.items():
            right = [c.clauses[cid] for cid in cids]
            if act in elsewhere or not all(_serves(cl, act, has_children) for cl in right):
                continue
            if not any(q.effect == "terminates" for cl in right for q in cl.consequences):
                continue
            guarded = [cl for cl in right if cl.guards.while_cond is not None or cl.guards.until_events]
            if not guarded:
                continue
            for cl in right:
                acts[cl.id] = act
            for cl in guarded:
                clauses[cl.id] = attrs.evolve(
                    cl, guards=attrs.evolve(cl.guards, while_cond=None, until_events=())
                )
        if not acts:
            return None
        return Opened(attrs.evolve(c, clauses=clauses), acts)

    def touches(self, events: set[str]) -> bool:
        """Whether a check that mentions ``events`` must be solved on the exact contract."""
        return not events.isdisjoint(self.acts.values())


def _serves(cl: m.Clause, act: str, has_children: set[str]) -> bool:
    """Whether ``cl`` does nothing but empower ``act`` or let it end the contract."""
    if cl.exception_to is not None or cl.id in has_children or cl.prevails_over:
        return False
    if any(n.modality != "power" or n.event != act or n.cond is not None or n.trigger for n in cl.norms):
        return False
    return all(
        q.effect == "terminates"
        and q.trigger.event == act
        and q.trigger.cond is None
        and q.trigger.violation_of is None
        for q in cl.consequences
    )
