"""From a contract's surface model and an amendment to the amended surface model.

An amendment adds, replaces or removes clauses, checks and declarations by
name; the base is never modified (a what-if is a new contract). Reading the
files is ``dsl.load``'s job, checking the result ``dsl.check``'s.
"""

from __future__ import annotations

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
    """The amended contract: each change applied in order. The base is not modified."""
    items = list(base.items)
    diags: list[Diagnostic] = []
    for ch in amendment.changes:
        if ch.action == "remove":
            assert ch.target_kind is not None and ch.target is not None
            idx = next((i for i, it in enumerate(items) if _matches(it, ch.target_kind, ch.target)), None)
            if idx is None:
                diags.append(_missing(ch, ch.target_kind, ch.target, items))
                continue
            del items[idx]
            continue
        assert ch.item is not None
        kind, name = s.decl_kind(ch.item), s.decl_name(ch.item)
        idx = next((i for i, it in enumerate(items) if _matches(it, kind, name)), None)
        if ch.action == "replace":
            if idx is None:
                diags.append(_missing(ch, kind, name, items))
                continue
            items[idx] = ch.item
        else:
            if idx is not None:
                diags.append(
                    Diagnostic(
                        "amend-exists",
                        f"{kind} {name} is already in the contract; `add` cannot add it again",
                        ch.span,
                        labels=(Label(items[idx].span, "it is here"),),
                        hint=f"write `replace` to change it, or give the new {kind} another name",
                    )
                )
                continue
            items.append(ch.item)
    if any(d.is_error for d in diags):
        return None, diags
    return attrs.evolve(base, items=tuple(items)), diags


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
