"""From a contract's surface model and an amendment to the amended surface model.

An amendment adds, replaces or removes clauses, checks and declarations by
name; the base is never modified (a what-if is a new contract). Reading the
files is ``dsl.load``'s job, checking the result ``dsl.check``'s.
"""

from __future__ import annotations

from bisect import insort

import attrs

from dsl import syntax as s
from dsl.check import did_you_mean
from dsl.diagnostics import Diagnostic, Label

_KIND_OF_TARGET = {"clause": s.Clause, "check": s.Check}


def _matches(item: s.Decl, kind: str, name: str) -> bool:
    if kind == "check":
        return isinstance(item, s.Check) and (item.id == name or item.title == name)
    return s.decl_kind(item) == kind and s.decl_name(item) == name


def apply_amendment(
    base: s.ContractFile, amendment: s.AmendmentFile
) -> tuple[s.ContractFile | None, list[Diagnostic]]:
    """The amended contract: each change applied in order. The base is not
    modified. Each target is found through an index by name, not by a scan of
    the items (an amendment of thousands of changes was quadratic)."""
    items = _Items(base.items)
    diags: list[Diagnostic] = []
    for ch in amendment.changes:
        if ch.action == "remove":
            assert ch.target_kind is not None and ch.target is not None
            idx = items.find(ch.target_kind, ch.target)
            if idx is None:
                diags.append(_missing(ch, ch.target_kind, ch.target, items.live()))
                continue
            items.put(idx, None)
            continue
        assert ch.item is not None
        kind, name = s.decl_kind(ch.item), s.decl_name(ch.item)
        idx = items.find(kind, name)
        if ch.action == "replace":
            if idx is None:
                diags.append(_missing(ch, kind, name, items.live()))
                continue
            items.put(idx, ch.item)
        else:
            if idx is not None:
                found = items.at(idx)
                diags.append(
                    Diagnostic(
                        "amend-exists",
                        f"{kind} {name} is already in the contract; `add` cannot add it again",
                        ch.span,
                        labels=(Label(found.span, "it is here"),),
                        hint=f"write `replace` to change it, or give the new {kind} another name",
                    )
                )
                continue
            items.put(None, ch.item)
    if any(d.is_error for d in diags):
        return None, diags
    return attrs.evolve(base, items=tuple(items.live())), diags


class _Items:
    """The items being amended, in order, with the positions of each name
    (a check also by its title); a position whose item was removed or
    renamed is skipped when found, so the first live match is the answer."""

    def __init__(self, items: tuple[s.Decl, ...]) -> None:
        self._slots: list[s.Decl | None] = []
        self._where: dict[tuple[str, str], list[int]] = {}
        for it in items:
            self.put(None, it)

    def _keys(self, it: s.Decl) -> list[tuple[str, str]]:
        keys = [(s.decl_kind(it), s.decl_name(it))]
        if isinstance(it, s.Check):
            keys.append(("check", it.title))
        return keys

    def find(self, kind: str, name: str) -> int | None:
        for i in self._where.get((kind, name), ()):
            it = self._slots[i]
            if it is not None and _matches(it, kind, name):
                return i
        return None

    def at(self, i: int) -> s.Decl:
        it = self._slots[i]
        assert it is not None
        return it

    def put(self, i: int | None, it: s.Decl | None) -> None:
        """``it`` at position ``i`` (None: a new last position; ``it`` None: removed)."""
        if i is None:
            i = len(self._slots)
            self._slots.append(it)
        else:
            self._slots[i] = it
        if it is not None:
            for key in self._keys(it):
                at = self._where.setdefault(key, [])
                if i not in at:
                    insort(at, i)

    def live(self) -> list[s.Decl]:
        return [it for it in self._slots if it is not None]


def _missing(ch: s.Amend, kind: str, name: str, items: list[s.Decl]) -> Diagnostic:
    names = [s.decl_name(i) for i in items if s.decl_kind(i) == kind]
    if kind == "check":
        names += [i.title for i in items if isinstance(i, s.Check)]
    return Diagnostic(
        "amend-missing-target",
        f"the contract has no {kind} {name} to {ch.action}",
        ch.span,
        hint=did_you_mean(name, names) or f"`add` it instead, or check the {kind}'s name",
    )
