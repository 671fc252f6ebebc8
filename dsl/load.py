"""From file paths to checked contracts, scenarios and amended contracts.

The one place that reads files: ``load_contract`` (a ``.contract`` file, or an
amendment applied to the contract it names), ``apply_amendment`` (the what-if:
a new contract, the base file untouched) and ``load_scenario``.

Each loader also takes the file's content as ``text`` instead of reading it
(``verifier.api``'s source text): ``path`` is then only the name diagnostics
give, and the folder paths written in the text (an amendment's base, a
scenario's contract) are relative to; a name with no folder, such as
``<contract>``, makes them relative to the current directory.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import Literal, overload

import attrs

from dsl import model as m
from dsl import syntax as s
from dsl.amend import apply_amendment
from dsl.check import Checker
from dsl.diagnostics import Diagnostic, Sources
from dsl.limits import MAX_FILE_BYTES
from dsl.parse import normalize, parse_text, too_large
from dsl.scenario import Scenario, check_scenario

BOM = "\ufeff"  # a file's byte order mark, as text


def read_source(path: str, sources: Sources, text: str | None = None) -> tuple[str | None, list[Diagnostic]]:
    """Read a file as UTF-8 text, or say why it cannot be read: the text
    without a leading byte order mark, its line endings made LF
    (``dsl.parse.normalize``). ``text``: the file's content, given (nothing
    is read). Whatever the path names (a
    folder, a device, a name too long, a NUL byte), the answer is a text or a
    diagnostic, never an exception."""
    where = s.Span(path, 1, 1, 1, 1)
    if text is not None:
        return _source_text(path, text, sources, where)
    data, diags = _read_bytes(path, where)
    if data is None:
        return None, diags
    if b"\x00" in data[:8192]:
        return None, [
            Diagnostic(
                "binary-file",
                f"{path} is a binary file, not a contract",
                where,
                hint="contracts are plain UTF-8 text files ending in .contract",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        # the position as an editor shows it: every line ending counted, a BOM no column
        before = normalize(data[: e.start].decode("utf-8", "replace").removeprefix(BOM))
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        return None, [
            Diagnostic(
                "bad-encoding",
                f"{path} is not valid UTF-8 (byte 0x{data[e.start]:02x})",
                s.Span(path, line, col, line, col + 1),
                hint="save the file as UTF-8",
            )
        ]
    return _source_text(path, text, sources, where)


def _read_bytes(path: str, where: s.Span) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of a regular file of at most ``MAX_FILE_BYTES``, or why not."""
    shown = path.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
    try:
        st = os.stat(path)
    except (OSError, ValueError) as e:
        if isinstance(e, ValueError) or e.errno in (errno.ENOENT, errno.ENOTDIR):
            why = "no such file" if isinstance(e, OSError) else "a file name cannot hold a NUL character"
            return None, [
                Diagnostic("file-not-found", f"{why}: {shown}", where, hint="check the path and the spelling")
            ]
        return None, [Diagnostic("not-a-file", f"cannot read {shown}: {e.strerror}", where)]
    if stat.S_ISDIR(st.st_mode):
        return None, [
            Diagnostic(
                "not-a-file",
                f"{shown} is not a regular file",
                where,
                hint="give a .contract file, not a folder",
            )
        ]
    if not stat.S_ISREG(st.st_mode):
        return None, [
            Diagnostic(
                "not-a-file",
                f"{shown} is not a regular file (a device, a pipe or a socket)",
                where,
                hint="give a .contract file",
            )
        ]
    if st.st_size > MAX_FILE_BYTES:
        return None, [too_large(st.st_size, path)]
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        return None, [Diagnostic("not-a-file", f"cannot read {shown}: {e.strerror}", where)]
    if len(data) > MAX_FILE_BYTES:  # it grew, or says it is empty (/proc)
        return None, [too_large(len(data), path)]
    return data, []


def _source_text(
    path: str, text: str, sources: Sources, where: s.Span
) -> tuple[str | None, list[Diagnostic]]:
    # a leading byte order mark is the file's encoding mark, not text: dropped
    # here, once (a second one is a character, and a syntax error)
    text = normalize(text.removeprefix(BOM))
    sources.add(path, text)
    if not text.strip():
        return None, [
            Diagnostic(
                "empty-file",
                f"{path} is empty",
                where,
                hint='a contract starts with `contract "Title" effective YYYY-MM-DD`',
            )
        ]
    return text, []


def parse_file(
    path: str, sources: Sources, text: str | None = None
) -> tuple[s.SourceFile | None, list[Diagnostic]]:
    text, diags = read_source(path, sources, text)
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


def file_sha256(path: str, text: str | None = None) -> str:
    """The file's SHA-256, or that of ``text`` (UTF-8) if given."""
    if text is not None:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except (OSError, ValueError):
        return ""


def load_contract(path: str, sources: Sources, text: str | None = None) -> Loaded:
    """A contract file, checked. An amendment file is applied to its base."""
    node, diags = parse_file(path, sources, text)
    if node is None:
        return Loaded(None, diags)
    if isinstance(node, s.AmendmentFile):
        return amend(node, diags, path, sources, file_sha256(path, text))
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
    return Loaded(contract, diags + cdiags, node, file_sha256(path, text))


def amend(
    node: s.AmendmentFile,
    diags: list[Diagnostic],
    path: str,
    sources: Sources,
    sha256: str = "",
    base: s.ContractFile | None = None,
) -> Loaded:
    """The amendment ``node`` (of file ``path``, parsed with ``diags``) applied and
    checked: to ``base`` if given, else to the contract it names."""
    if base is None:
        found = load_syntax(resolve_relative(path, node.contract), sources, node.span)
        if isinstance(found, list):
            return Loaded(None, diags + found)
        base = found
    amended, adiags = apply_amendment(base, node)
    diags = diags + adiags
    if any(d.is_error for d in diags) or amended is None:
        return Loaded(None, diags)
    contract, cdiags = check_node(amended, path)
    return Loaded(contract, diags + cdiags, amended, sha256)


def check_node(node: s.ContractFile, path: str) -> tuple[m.Contract | None, list[Diagnostic]]:
    ch = Checker(node, path)
    return ch.run(), ch.diags


@overload
def load_syntax(
    path: str, sources: Sources, where: s.Span, amendment: Literal[False] = False
) -> s.ContractFile | list[Diagnostic]: ...
@overload
def load_syntax(
    path: str, sources: Sources, where: s.Span, amendment: bool
) -> s.ContractFile | s.AmendmentFile | list[Diagnostic]: ...
def load_syntax(
    path: str, sources: Sources, where: s.Span, amendment: bool = False
) -> s.ContractFile | s.AmendmentFile | list[Diagnostic]:
    """The surface model of a base contract named by an amendment or scenario
    (with ``amendment``, a scenario's: an amendment, the contract as amended, also)."""
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
    if isinstance(node, s.ContractFile) or (amendment and isinstance(node, s.AmendmentFile)):
        return node
    return [Diagnostic("wrong-file-kind", f"{path} is not a contract file", where)]


def _unreadable(diags: list[Diagnostic]) -> bool:
    """Whether ``diags`` say a file could not be read at all (a folder, a device, a name
    too long, no permission), not what is wrong with its text."""
    return any(d.code == "not-a-file" for d in diags)


def resolve_relative(from_file: str, target: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(from_file), target))


def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
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
                    hint='give the contract the amendment names, or change its `to "..."`',
                )
            ],
        )
    return load_contract(amendment_path, sources)


def load_scenario(
    path: str, sources: Sources, contract_path: str | None = None, text: str | None = None
) -> tuple[Scenario | None, m.Contract | None, list[Diagnostic]]:
    """A scenario file and the contract it is for (or ``contract_path`` if given)."""
    node, diags = parse_file(path, sources, text)
    if node is None:
        return None, None, diags
    if not isinstance(node, s.ScenarioFile):
        return (
            None,
            None,
            diags
            + [
                Diagnostic(
                    "wrong-file-kind",
                    f"{path} is not a scenario",
                    node.span,
                    hint='a scenario starts with `scenario "Title" for "contract.contract"`',
                )
            ],
        )
    named = resolve_relative(path, node.contract)
    target = contract_path or named
    if contract_path is None:
        base = load_syntax(named, sources, node.span, amendment=True)
        if isinstance(base, list):
            # The contract's own text is wrong (a syntax error, an empty file, not UTF-8):
            # its diagnostics, as for the contract given directly. Missing, unreadable
            # or not a contract: said at the scenario's header.
            if base and base[0].span.file != path and _unreadable(base):
                base = [
                    Diagnostic(
                        "wrong-file-kind",
                        f"{named} is not a contract file",
                        node.span,
                        hint="a scenario names the contract (or the amendment) it is for after `for`",
                    )
                ]
            return None, None, diags + base
    loaded = load_contract(target, sources)
    diags = diags + loaded.diagnostics
    if loaded.contract is None:
        return None, None, diags
    sc, sdiags = check_scenario(node, loaded.contract, path)
    return sc, loaded.contract, diags + sdiags
