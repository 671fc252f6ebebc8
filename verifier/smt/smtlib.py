"""From one question a prover answered to a self-contained SMT-LIB 2 text.

The text declares its logic, asserts everything the prover's solver held for
the question (the encoding's base, each clause's definitions behind its
activation literal, the literals of the clauses assumed in force) and the
question itself, states Z3's answer as ``(set-info :status ...)``, and names in
comments the contract, the question and every clause literal. Any SMT-LIB 2
solver answers it alone (``verifier.smt.second`` asks cvc5; the tests also run
the ``z3`` and ``cvc5`` programs on the files).

The bytes depend only on the question: Z3 names its shared subterms after
internal numbers that depend on what else the process built, and those names
are renumbered in order of appearance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import z3

from verifier.smt.outcome import SolveStatus
from verifier.smt.second import HEADER

# (logic, Z3 probe): the first whose probe accepts the assertions
_LOGICS = (("QF_LIA", "is-qflia"), ("QF_LRA", "is-qflra"), ("QF_LIRA", "is-qflira"), ("QF_NIA", "is-qfnia"))
_QUOTED = re.compile(r"(\|[^|]*\|)")
_INTERNAL = re.compile(r"(\$x|\?x|a!)(\d+)")


def assertions(prover: Any, query: Any, within: Sequence[str] | None) -> list[Any]:
    """What the prover's solver (a ``verifier.smt.prove.Prover``) holds for ``query``, as terms: the base, each
    clause's definitions (``v == lit and definition``), the literals of the
    clauses in force (``within``; None: all of them), and the question."""
    enc = prover.enc
    out: list[Any] = enc.assertions()
    out += [enc.lits[cid] for cid in prover.c.clauses if within is None or cid in within]
    out.append(query)
    return [z3.BoolVal(x, prover.ctx) if isinstance(x, bool) else x for x in out]


def logic_of(terms: list[Any], ctx: Any) -> str:
    """The narrowest standard logic of ``terms`` among those the encoding can
    need (linear integer and real arithmetic, quantifier-free), else ``ALL``."""
    g = z3.Goal(ctx=ctx)
    g.add(*terms)
    for logic, probe in _LOGICS:
        if z3.Probe(probe, ctx)(g) == 1.0:
            return logic
    return "ALL"


def question_text(
    prover: Any,
    query: Any,
    within: Sequence[str] | None,
    about: Sequence[str],
    status: SolveStatus,
    terms: list[Any] | None = None,
) -> str:
    """The SMT-LIB 2 text of ``query`` as the prover asked it. ``about``: the
    comment lines that say what the question is; ``status``: Z3's answer
    (``unknown`` is stated as such); ``terms``: the assertions, if not
    ``assertions(prover, query, within)``."""
    c = prover.c
    terms = terms if terms is not None else assertions(prover, query, within)
    s = z3.Solver(ctx=prover.ctx)
    s.add(*terms)
    body = s.to_smt2().splitlines()
    # Z3's own first lines: a comment and ``(set-info :status unknown)``
    body = [line for line in body if not line.startswith("; benchmark") and not line.startswith("(set-info")]
    lines = [
        HEADER,
        f"; contract: {_one_line(c.title)} ({_one_line(c.file)})",
        *(f"; {_one_line(line)}" for line in about),
        "; clause literals (true: the clause is in the contract; false: struck out):",
    ]
    for cid, cl in c.clauses.items():
        held = within is None or cid in within
        lines.append(
            f"; {z3_name(prover.enc.lits[cid])} {cid} {_one_line(cl.title)}".rstrip()
            + (": asserted" if held else ": either way")
        )
    status_word = {SolveStatus.SAT: "sat", SolveStatus.UNSAT: "unsat"}.get(status, "unknown")
    lines += [
        f"(set-logic {logic_of(terms, prover.ctx)})",
        f"(set-info :status {status_word})",
        *body,
        "(exit)",
    ]
    return renumber("\n".join(lines) + "\n")


def z3_name(lit: Any) -> str:
    """A literal's name as SMT-LIB prints it (quoted where it must be)."""
    return str(lit.sexpr())


def renumber(text: str) -> str:
    """Z3's names of shared subterms (``$x631``, ``?x12``, ``a!3``) renumbered in
    order of first appearance, outside quoted symbols, so that the same
    question gives the same bytes whatever the process built before."""
    names: dict[str, str] = {}
    counts: dict[str, int] = {}

    def rename(match: re.Match[str]) -> str:
        key = match.group(0)
        if key not in names:
            prefix = match.group(1)
            counts[prefix] = counts.get(prefix, 0) + 1
            names[key] = f"{prefix}{counts[prefix]}"
        return names[key]

    parts = _QUOTED.split(text)
    return "".join(p if i % 2 else _INTERNAL.sub(rename, p) for i, p in enumerate(parts))


def _one_line(text: str) -> str:
    return " ".join(text.split())
