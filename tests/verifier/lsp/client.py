"""A real LSP client for the tests: pygls's ``LanguageClient`` talking to ``whereas lsp``
started as a separate process, over its stdin and stdout.

``Session`` owns one event loop and one server; each call runs one request to its
answer (``run``), and ``diagnostics(uri, version)`` waits for the server's
``publishDiagnostics`` of that version.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from tests import ROOT

T = TypeVar("T")
START = "import sys; from verifier.cli import whereas_main; sys.argv = ['whereas', 'lsp']; whereas_main()"
TIMEOUT = 20.0


def uri(path: Path) -> str:
    return path.resolve().as_uri()


def generated(folder: Path, script: str, clauses: int, checks: int) -> tuple[Path, str]:
    """A contract of ``bench/``'s generators (``gen_contract.py``, ``gen_interacting.py``)
    written into ``folder``: its path and its text."""
    import subprocess

    text = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), str(clauses), str(checks)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT / "bench",
    ).stdout
    path = folder / "big.contract"
    path.write_text(text, encoding="utf-8")
    return path, text


class Session:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = LanguageClient("whereas-tests", "1")
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.logs: list[str] = []
        self.messages: list[str] = []  # what the server showed the user (window/showMessage)
        self.versions: dict[str, int] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
        def got(params: types.PublishDiagnosticsParams) -> None:
            self.published.setdefault(params.uri, []).append(params)

        @self.client.feature(types.WINDOW_LOG_MESSAGE)  # type: ignore[untyped-decorator]
        def logged(params: types.LogMessageParams) -> None:
            self.logs.append(params.message)

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)  # type: ignore[untyped-decorator]
        def shown(params: types.ShowMessageParams) -> None:
            self.messages.append(params.message)

        self.run(self.client.start_io(sys.executable, "-c", START, cwd=str(ROOT)))
        self.result = self.run(
            self.client.initialize_async(
                types.InitializeParams(
                    capabilities=types.ClientCapabilities(),
                    root_uri=ROOT.as_uri(),
                    process_id=None,
                )
            )
        )
        self.client.initialized(types.InitializedParams())

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = TIMEOUT) -> T:
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout))

    def close(self) -> int | None:
        try:
            self.run(self.client.shutdown_async(None))
            self.client.exit(None)
            self.run(self.client.stop())  # type: ignore[no-untyped-call]
        finally:
            self.loop.close()
        server = getattr(self.client, "_server", None)
        return None if server is None else server.returncode

    # ------------------------------------------------------------- documents

    def open(self, path: Path, text: str | None = None, language: str = "whereas") -> str:
        u = uri(path)
        self.versions[u] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=u,
                    language_id=language,
                    version=1,
                    text=path.read_text(encoding="utf-8") if text is None else text,
                )
            )
        )
        return u

    def replace(self, u: str, text: str) -> int:
        """Send the whole new text (a full-document change); the new version."""
        self.versions[u] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=u, version=self.versions[u]),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[u]

    def edit(self, u: str, start: tuple[int, int], end: tuple[int, int], text: str) -> int:
        """Send one incremental change; the new version."""
        self.versions[u] += 1
        rng = types.Range(
            start=types.Position(line=start[0], character=start[1]),
            end=types.Position(line=end[0], character=end[1]),
        )
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=u, version=self.versions[u]),
                content_changes=[types.TextDocumentContentChangePartial(range=rng, text=text)],
            )
        )
        return self.versions[u]

    def close_document(self, u: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=u))
        )

    def diagnostics(self, u: str, version: int | None = None) -> list[types.Diagnostic]:
        """The diagnostics the server published for version ``version`` (default: the
        latest sent) of the document, waiting for them."""
        want = self.versions.get(u) if version is None else version
        deadline = time.monotonic() + TIMEOUT

        async def wait() -> list[types.Diagnostic]:
            while True:
                for p in reversed(self.published.get(u, [])):
                    if p.version == want:
                        return list(p.diagnostics)
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no diagnostics for {u} version {want}")
                await asyncio.sleep(0.005)

        return self.run(wait())

    # ------------------------------------------------------------- requests

    def hover(self, u: str, line: int, char: int) -> types.Hover | None:
        return self.run(
            self.client.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=u),
                    position=types.Position(line=line, character=char),
                )
            )
        )

    def definition(self, u: str, line: int, char: int) -> Any:
        return self.run(
            self.client.text_document_definition_async(
                types.DefinitionParams(
                    text_document=types.TextDocumentIdentifier(uri=u),
                    position=types.Position(line=line, character=char),
                )
            )
        )

    def references(self, u: str, line: int, char: int, declaration: bool = True) -> Any:
        return self.run(
            self.client.text_document_references_async(
                types.ReferenceParams(
                    text_document=types.TextDocumentIdentifier(uri=u),
                    position=types.Position(line=line, character=char),
                    context=types.ReferenceContext(include_declaration=declaration),
                )
            )
        )

    def symbols(self, u: str) -> Any:
        return self.run(
            self.client.text_document_document_symbol_async(
                types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=u))
            )
        )

    def formatting(self, u: str) -> Any:
        return self.run(
            self.client.text_document_formatting_async(
                types.DocumentFormattingParams(
                    text_document=types.TextDocumentIdentifier(uri=u),
                    options=types.FormattingOptions(tab_size=2, insert_spaces=True),
                )
            )
        )

    def completion(self, u: str, line: int, char: int) -> Any:
        return self.run(
            self.client.text_document_completion_async(
                types.CompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=u),
                    position=types.Position(line=line, character=char),
                )
            )
        )

    def code_lens(self, u: str) -> Any:
        return self.run(
            self.client.text_document_code_lens_async(
                types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=u))
            )
        )

    def execute(self, command: str, *arguments: Any) -> Any:
        return self.run(
            self.client.workspace_execute_command_async(
                types.ExecuteCommandParams(command=command, arguments=list(arguments))
            )
        )

    def prepare_rename(self, u: str, line: int, char: int) -> Any:
        return self.run(
            self.client.text_document_prepare_rename_async(
                types.PrepareRenameParams(
                    text_document=types.TextDocumentIdentifier(uri=u),
                    position=types.Position(line=line, character=char),
                )
            )
        )

    def rename(self, u: str, line: int, char: int, new_name: str) -> Any:
        return self.run(
            self.client.text_document_rename_async(
                types.RenameParams(
                    text_document=types.TextDocumentIdentifier(uri=u),
                    position=types.Position(line=line, character=char),
                    new_name=new_name,
                )
            )
        )

    def code_actions(self, u: str, diagnostics: list[types.Diagnostic]) -> Any:
        whole = types.Range(
            start=types.Position(line=0, character=0), end=types.Position(line=10**6, character=0)
        )
        return self.run(
            self.client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=u),
                    range=diagnostics[0].range if diagnostics else whole,
                    context=types.CodeActionContext(diagnostics=diagnostics),
                )
            )
        )


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """``edits`` applied to ``text`` (lines of BMP characters only: a UTF-16 character is
    then a code point)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(p: types.Position) -> int:
        return starts[p.line] + p.character

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text
