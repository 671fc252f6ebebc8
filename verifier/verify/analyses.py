"""From a contract to the built-in analyses' findings: conflicts between exceptions, dead
clauses, powers that can never be exercised and obligations that can never be met.
"""

from __future__ import annotations

from typing import Any

from dsl import model as m
from verifier.semantics.interpret import replay
from verifier.smt.outcome import SolveStatus
from verifier.verify.explain import clause_label, clause_order, join_and
from verifier.verify.results import Finding, FindingCode, Severity


def analysis_provers(c: m.Contract, index: Any, bound: int, limit: int) -> Any:
    """``prover_for(clause id)``: a prover for the clause's slice (its cone, see
    ``slicing.clause_cone``), shared by the clauses with the same slice. The
    analyses ask about one clause at a time, so like the checks they need not
    carry the whole contract (a 1,000-clause contract: minutes -> seconds)."""
    from verifier.reduce.slicing import clause_cone, restrict
    from verifier.smt.prove import Prover

    provers: dict[Any, Prover] = {}

    def prover_for(cid: str) -> Prover:
        sl = clause_cone(index, cid)
        if sl.key not in provers:
            provers[sl.key] = Prover(restrict(c, sl), bound, limit)
        return provers[sl.key]

    return prover_for


def run_analyses(c: m.Contract, prover_for: Any) -> list[Finding]:
    """The built-in analyses; ``prover_for(clause id)`` gives the prover to ask
    about that clause (a ``Prover`` of the whole contract answers for any)."""
    from verifier.smt.prove import Prover

    if isinstance(prover_for, Prover):
        whole = prover_for
        prover_for = lambda cid: whole  # noqa: E731
    out: list[Finding] = []
    roots = [cl for cl in c.clauses.values() if cl.exception_to is None and c.children(cl.id)]
    for root in roots:
        prover = prover_for(root.id)
        res = prover.ask(prover.conflict_query(root.id), want_core=False)
        if res.status == SolveStatus.SAT and res.scenario is not None:
            tl, _ = replay(c, res.scenario)
            if tl is None or not tl.conflicts:
                out.append(
                    Finding(
                        FindingCode.INTERNAL_ERROR,
                        Severity.ERROR,
                        f"a conflict in the tree of {root.id} found by the solver "
                        "does not replay in the interpreter",
                        (root.id,),
                        res.scenario,
                    )
                )
                continue
            x = tl.conflicts[0]
            out.append(
                Finding(
                    FindingCode.CONFLICT,
                    Severity.ERROR,
                    f"{join_and([clause_label(c, k) for k in x.clauses])} are exceptions within {clause_label(c, root.id)} "
                    f"that disagree on one act ({tl.events[x.occurrence].occ.event} on {m.date_of(x.day)}), and neither "
                    "prevails over the other",
                    tuple(x.clauses),
                    res.scenario,
                    tl,
                )
            )
    # (code, the message when the question has no answer), in the order of the
    # questions below; a dead clause is not also reported for its power or its
    # obligation
    per_clause = (
        (FindingCode.DEAD_CLAUSE, "{} can never apply to anything within the bounds"),
        (FindingCode.POWER_NEVER_EFFECTIVE, "the power in {} can never be exercised effectively"),
        (FindingCode.UNFULFILLABLE_OBLIGATION, "the obligation in {} can never be fulfilled once owed"),
    )
    for cl in c.clauses.values():
        prover = prover_for(cl.id)
        questions = (prover.applicability_query, prover.power_query, prover.fulfilment_query)
        for (code, message), question in zip(per_clause, questions, strict=True):
            q = question(cl.id)
            if q is None:
                continue
            res = prover.ask(q, minimise=False)
            if res.status == SolveStatus.UNSAT:
                cited = tuple(sorted(set(res.core) | {cl.id}, key=clause_order(c)))
                out.append(Finding(code, Severity.WARNING, message.format(clause_label(c, cl.id)), cited))
                if code == FindingCode.DEAD_CLAUSE:
                    break
    return out
