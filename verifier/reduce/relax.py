"""From a contract to one whose termination rights may be used whenever they are in
force: the rights' own conditions left open, so that a slice need not hold what
decides them.

Every clause that does not survive termination depends on every clause that can
end the contract, and a right "while Default7, Alpha has power to Exit7; Exit7 ends
the contract" brings with it everything Default7 depends on: deliveries, remedies,
cures, a default carried over from another deal. In an agreement whose deals are
linked that way, each check's slice grows with the whole contract (bench/README.md:
a mean slice of 547 clauses at 10,000 against 57 at 1,000).

A termination right is *open* here when it would be plain (``symmetry.py``: no
exception and none to it, prevailing over nothing, its only norms powers on no
condition over one act of its own that nothing else mentions, and that act, on no
condition, ending the contract) but for a ``while`` condition or ``until`` events.
Its open version drops those two guards and keeps its dates.

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
from verifier.reduce.symmetry import mentions, plain_shape


@attrs.frozen
class Opened:
    """A contract with its open termination rights (see the module)."""

    contract: m.Contract  # the contract with those rights' conditions left open
    acts: dict[str, str]  # an open right's clause id -> its act

    @staticmethod
    def of(c: m.Contract) -> Opened | None:
        """The open version of ``c``, or None if no right of ``c`` is open."""
        counts = mentions(c)
        has_children = {cl.exception_to for cl in c.clauses.values() if cl.exception_to is not None}
        acts: dict[str, str] = {}
        clauses = dict(c.clauses)
        for cid, cl in c.clauses.items():
            g = cl.guards
            if g.while_cond is None and not g.until_events:
                continue
            wider = attrs.evolve(cl, guards=attrs.evolve(g, while_cond=None, until_events=()))
            shape = plain_shape(c, wider, has_children)
            if shape is None or counts.get(shape[0], 0) != 1:
                continue
            acts[cid] = shape[0]
            clauses[cid] = wider
        if not acts:
            return None
        return Opened(attrs.evolve(c, clauses=clauses), acts)

    def touches(self, events: set[str]) -> bool:
        """Whether a check that mentions ``events`` must be solved on the exact contract."""
        return not events.isdisjoint(self.acts.values())
