"""From a contract to the versions of it that checks and analyses are sliced from: the
contract itself, its open version (termination rights with their conditions left
open, ``verifier.reduce.relax``) and the contract without those rights, each with
its dependency index and its plain termination rights (docs/semantics.md §14.2,
"Open termination rights", says in which order they are asked and why).
"""

from __future__ import annotations

from typing import Any

import attrs

from dsl import model as m
from verifier.budget import Budget
from verifier.verify.analyses import analysis_provers


@attrs.frozen
class View:
    """A contract to cut slices from, with its dependency index and its plain
    termination rights: the contract itself, or its open version
    (``verifier.reduce.relax``), whose open rights are ``opened`` (clause id ->
    its act)."""

    contract: m.Contract
    index: Any  # verifier.reduce.slicing.Index
    plain: Any  # verifier.reduce.symmetry.Plain
    opened: dict[str, str] = attrs.field(factory=dict)

    @staticmethod
    def of(c: m.Contract, opened: dict[str, str] | None = None) -> View:
        from verifier.reduce.slicing import Index
        from verifier.reduce.symmetry import Plain

        index, plain = Index(c), Plain.of(c)
        index.terminators = plain.representatives(index.terminators)  # alike rights: one of each kind
        return View(c, index, plain, opened or {})

    def slice(self, exprs: list[m.Expr], mentioned: set[str]) -> Any:
        """The slice of ``exprs`` (a check that mentions ``mentioned``)."""
        from verifier.reduce.slicing import cone

        return self.plain.reduce(cone(self.index, exprs), mentioned)


class Views:
    """The views a check's slices are cut from, in the order they are tried:
    the open contract (if any right is open and the check does not mention one),
    the contract without its open rights (made when first needed), the contract
    itself."""

    def __init__(self, c: m.Contract, opened: Any) -> None:
        self.exact = View.of(c)
        self.opened = opened  # verifier.reduce.relax.Opened or None
        self.wide = View.of(opened.contract, opened.acts) if opened is not None else None
        self._closed: View | None = None

    def first(self, mentioned: set[str]) -> View:
        """Where a check that mentions ``mentioned`` is first solved."""
        if self.wide is not None and not self.opened.touches(mentioned):
            return self.wide
        return self.exact

    def narrow(self, bound: int | None, limit: Budget) -> tuple[Any, Any] | None:
        """The analyses' slice provers without the open rights and with them open
        (``analyses._narrowed``), or None if no right is open."""
        if self.wide is None:
            return None
        return (
            analysis_provers(self.closed.contract, self.closed.index, bound, limit),
            analysis_provers(self.wide.contract, self.wide.index, bound, limit),
        )

    @property
    def closed(self) -> View:
        """The open contract without its open rights: its scenarios use none of them."""
        if self._closed is None:
            assert self.wide is not None
            wc = self.wide.contract
            kept = {cid: cl for cid, cl in wc.clauses.items() if cid not in self.wide.opened}
            self._closed = View.of(attrs.evolve(wc, clauses=kept))
        return self._closed
