"""From a check in an open document to its verdict beside it: the "verify" code lens.

Each check of a contract or an amendment gets a lens. Clicking it runs the command
``whereas.verify`` with the document and the check's id: that one check is verified
(``verifier.verify.run.verify_contract(only=[id])``, the analyses left out) within
``LIMITS`` (a deadline and Z3's resource units), and the lens then reads ``HOLDS``,
``FAILS`` or ``UNKNOWN`` with how far the verdict reaches, until the document changes.
z3 is imported by the first verification, not when the server starts.
"""

from __future__ import annotations

import threading

import attrs
from lsprotocol import types

from dsl import model as m
from verifier.lsp.features import Document
from verifier.verify.limits import Limits

COMMAND = "whereas.verify"
# one check's verification: ten seconds, and the default solver work per query
LIMITS = Limits(timeout=10.0)
_solving = threading.Lock()  # one verification at a time: Z3's main context is shared

REACH_WORDS = {
    "unbounded": "every course of events",
    "bounded": "bounded",
    "scenario": "shown by a scenario",
}


@attrs.frozen
class Verdict:
    """What the lens shows for one check of one version of a document."""

    check: str
    verdict: str  # holds | fails | unknown
    reach: str  # how far it reaches, in words; the reason, for unknown
    explanation: str

    @property
    def title(self) -> str:
        return f"{self.verdict.upper()} · {self.reach}" if self.reach else self.verdict.upper()

    def to_json(self) -> dict[str, str]:
        return {
            "check": self.check,
            "verdict": self.verdict,
            "reach": self.reach,
            "explanation": self.explanation,
            "title": self.title,
        }


def lenses(doc: Document, verdicts: dict[str, Verdict]) -> list[types.CodeLens]:
    """A lens on each check: "verify", or the verdict of this version and "verify again"."""
    if doc.scan.file_kind == "scenario":
        return []
    out = []
    for d in doc.scan.declarations:
        if d.kind != "check":
            continue
        got = verdicts.get(d.name)
        title = "verify" if got is None else f"{got.title} · verify again"
        out.append(
            types.CodeLens(
                range=doc.range_of(d.token),
                command=types.Command(title=title, command=COMMAND, arguments=[doc.uri, d.name]),
            )
        )
    return out


def verify_check(contract: m.Contract, check: str, limits: Limits = LIMITS) -> Verdict:
    """One check of a checked contract, verified within ``limits``."""
    from verifier.verify.run import verify_contract

    with _solving:
        v = verify_contract(contract, only=[check], analyses=False, limits=limits)
    r = v.results[0]
    if r.reach is not None and r.verdict != "unknown":
        reach = REACH_WORDS.get(str(r.reach.coverage), str(r.reach.coverage))
    else:
        reach = r.reason or ""
    return Verdict(r.id, str(r.verdict), reach, r.explanation)
