"""From file paths to checked contracts, scenarios and amended contracts.

The one place that reads files: ``load_contract`` (a ``.contract`` file, or an
amendment applied to the contract it names), ``apply_amendment`` (the what-if:
a new contract, the base file untouched) and ``load_scenario``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import attrs

from dsl import model as m
from dsl import syntax as s
from dsl.amend import apply_amendment
from dsl.check import Checker
from dsl.diagnostics import Diagnostic, Sources
from dsl.parse import parse_text
from dsl.scenario import Scenario, check_scenario


def read_source(path: str, sources: Sources) -> tuple[str | None, list[Diagnostic]]:
    """Read a file as UTF-8 text, or say why it cannot be read."""
    where = s.Span(path, 1, 1, 1, 1)
    p = Path(path)
    if not p.exists():
        return None, [Diagnostic("file-not-found", f"no such file: {path}", where, hint="check the path and the spelling")]
    if not p.is_file():
        return None, [Diagnostic("not-a-file", f"{path} is not a regular file", where, hint="give a .contract file, not a folder")]
    try:
        data = p.read_bytes()
    except OSError as e:
        return None, [Diagnostic("not-a-file", f"cannot read {path}: {e.strerror}", where)]
    if b"\x00" in data[:8192]:
        return None, [Diagnostic("binary-file", f"{path} is a binary file, not a contract", where, hint="contracts are plain UTF-8 text files ending in .contract")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        return None, [
            Diagnostic(
                "bad-encoding",
                f"{path} is not valid UTF-8 (byte 0x{data[e.start]:02x})",
                s.Span(path, line, col, line, col + 1),
                hint="save the file as UTF-8",
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n")
    sources.add(path, text)
    if not text.strip():
        return None, [Diagnostic("empty-file", f"{path} is empty", where, hint='a contract starts with `contract "Title" effective YYYY-MM-DD`')]
    return text, []


def parse_file(path: str, sources: Sources) -> tuple[s.SourceFile | None, list[Diagnostic]]:
    text, diags = read_source(path, sources)
    if text is None:
        return None, diags
    return parse_text(text, path)


@attrs.frozen
class Loaded:
    contract: m.Contract | None
    diagnostics: list[Diagnostic]
    syntax: s.ContractFile | None = None
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.contract is not None and not any(d.is_error for d in self.diagnostics)


def file_sha256(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def load_contract(path: str, sources: Sources) -> Loaded:
    """A contract file, checked. An amendment file is applied to its base."""
    node, diags = parse_file(path, sources)
    if node is None:
        return Loaded(None, diags)
    if isinstance(node, s.AmendmentFile):
        base_path = resolve_relative(path, node.contract)
        base = load_syntax(base_path, sources, node.span)
        if isinstance(base, list):
            return Loaded(None, diags + base)
        amended, adiags = apply_amendment(base, node)
        diags = diags + adiags
        if any(d.is_error for d in diags) or amended is None:
            return Loaded(None, diags)
        contract, cdiags = check_node(amended, path)
        return Loaded(contract, diags + cdiags, amended, file_sha256(path))
    if isinstance(node, s.ScenarioFile):
        return Loaded(
            None,
            diags
            + [
                Diagnostic(
                    "wrong-file-kind",
                    f"{path} is a scenario, not a contract",
                    node.span,
                    hint=f"run it with `whereas simulate {node.contract} {path}`",
                )
            ],
        )
    contract, cdiags = check_node(node, path)
    return Loaded(contract, diags + cdiags, node, file_sha256(path))


def check_node(node: s.ContractFile, path: str) -> tuple[m.Contract | None, list[Diagnostic]]:
    ch = Checker(node, path)
    return ch.run(), ch.diags


def load_syntax(path: str, sources: Sources, where: s.Span) -> s.ContractFile | list[Diagnostic]:
    """The surface model of a base contract named by an amendment or scenario."""
    node, diags = parse_file(path, sources)
    if node is None:
        if diags and diags[0].code == "file-not-found":
            return [
                Diagnostic(
                    "file-not-found",
                    f"the contract this file names does not exist: {path}",
                    where,
                    hint="the path is relative to the file that names it",
                )
            ]
        return diags
    if not isinstance(node, s.ContractFile):
        return [Diagnostic("wrong-file-kind", f"{path} is not a contract file", where)]
    return node


def resolve_relative(from_file: str, target: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(from_file), target))


def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def load_amended(base_path: str, amendment_path: str, sources: Sources) -> Loaded:
    """``verify BASE --what-if AMENDMENT``: the amendment must name BASE."""
    node, diags = parse_file(amendment_path, sources)
    if node is None:
        return Loaded(None, diags)
    if not isinstance(node, s.AmendmentFile):
        return Loaded(
            None,
            diags
            + [
                Diagnostic(
                    "wrong-file-kind",
                    f"{amendment_path} is not an amendment",
                    node.span,
                    hint='an amendment starts with `amendment "Title" to "base.contract"`',
                )
            ],
        )
    named = resolve_relative(amendment_path, node.contract)
    if not same_file(named, base_path):
        return Loaded(
            None,
            diags
            + [
                Diagnostic(
                    "wrong-contract",
                    f"this amendment is written for {named}, not for {base_path}",
                    node.span,
                    hint="give the contract the amendment names, or change its `to \"...\"`",
                )
            ],
        )
    return load_contract(amendment_path, sources)


def load_scenario(path: str, sources: Sources, contract_path: str | None = None) -> tuple[Scenario | None, m.Contract | None, list[Diagnostic]]:
    """A scenario file and the contract it is for (or ``contract_path`` if given)."""
    node, diags = parse_file(path, sources)
    if node is None:
        return None, None, diags
    if not isinstance(node, s.ScenarioFile):
        return None, None, diags + [
            Diagnostic(
                "wrong-file-kind",
                f"{path} is not a scenario",
                node.span,
                hint='a scenario starts with `scenario "Title" for "contract.contract"`',
            )
        ]
    named = resolve_relative(path, node.contract)
    target = contract_path or named
    if contract_path is None:
        base = load_syntax(named, sources, node.span)
        if isinstance(base, list):  # missing, or not a contract: say so at the scenario's header
            if base and base[0].span.file != path:
                base = [Diagnostic("wrong-file-kind", f"{named} is not a contract file", node.span,
                                   hint="a scenario names the contract it is for after `for`")]
            return None, None, diags + base
    loaded = load_contract(target, sources)
    diags = diags + loaded.diagnostics
    if loaded.contract is None:
        return None, None, diags
    sc, sdiags = check_scenario(node, loaded.contract, path)
    return sc, loaded.contract, diags + sdiags
