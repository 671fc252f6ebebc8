"""From an editor's messages over stdio to the answers of ``verifier.lsp.features``: the
pygls server behind ``whereas lsp``.

Documents are kept as the editor sends them (full or incremental changes, applied by
pygls); each open or change re-checks the file with the front end and publishes its
diagnostics, and each request is answered from the latest ``Document``. No request
reaches the solver. Every handler runs inside ``guarded``: an exception is logged
(stderr and the client's log) and a request that raised is answered with an LSP
internal error, so a bug in one answer never stops the server.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcException, JsonRpcInternalError
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCProtocol, JsonRPCRequestMessage, LanguageServerProtocol

from verifier import __version__
from verifier.lsp.features import (
    Document,
    Index,
    definition,
    formatting,
    hover,
    quick_fixes,
    references,
    rename,
    renameable,
    symbols,
)
from verifier.lsp.lens import COMMAND, Verdict, lenses, verify_check
from verifier.lsp.positions import UTF16
from verifier.lsp.scan import KEYWORDS

log = logging.getLogger("whereas.lsp")
REQUEST_FAILED = -32803  # LSP's RequestFailed: a request that is valid, but cannot be done now
R = TypeVar("R")


# a request whose params could not be read becomes a request for this method, which
# answers it with the error (see ``Protocol``)
UNREADABLE = "whereas/unreadableParams"


class Protocol(LanguageServerProtocol):
    """pygls's protocol, except that a request whose params are not what its method
    takes is answered with the error (pygls 2 only logs it, and the client would wait
    for an answer forever). The request is handed on as one for ``UNREADABLE``,
    whose handler raises the error, so pygls answers it the way it answers any
    failed request (through its public dispatch, not its private sending)."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as e:
            if "id" not in data or "method" not in data:
                raise
            log.error("%s: params not understood: %s", data.get("method"), e)
            return JsonRPCRequestMessage(
                id=data["id"],
                method=UNREADABLE,
                params={"method": str(data.get("method")), "code": e.code, "message": e.message},
                jsonrpc=JsonRPCProtocol.VERSION,
            )


class WhereasServer(LanguageServer):
    """The server and its open documents, by URI."""

    def __init__(self) -> None:
        super().__init__("whereas", __version__, protocol_cls=Protocol)
        self.documents: dict[str, Document] = {}
        # each document's verdicts, of the version they were verified on
        self.verdicts: dict[str, tuple[int | None, dict[str, Verdict]]] = {}

    def encoding(self) -> str:
        try:
            enc = self.server_capabilities.position_encoding
        except Exception:  # before `initialize`
            return UTF16
        return str(enc) if enc is not None else UTF16

    def document(self, uri: str) -> Document | None:
        """The latest version of an open document (None for one never opened)."""
        kept = self.documents.get(uri)
        try:
            doc = self.workspace.get_text_document(uri)
            text, version = doc.source, doc.version
        except Exception:  # not open and not on disk
            return kept
        if kept is not None and kept.version == version and kept.source.raw == text:
            return kept
        if kept is None and version is None:
            return None  # never opened: pygls would read it from disk; we answer for open files only
        fresh = Document(uri, text, version, self.encoding())
        self.documents[uri] = fresh
        return fresh

    def by_path(self, path: str) -> Document | None:
        want = os.path.normcase(os.path.abspath(path))
        for d in self.documents.values():
            if d.path is not None and os.path.normcase(os.path.abspath(d.path)) == want:
                return d
        return None

    def index(self, doc: Document) -> Index:
        return Index(doc, self.by_path)

    def naming(self, doc: Document) -> list[Document]:
        """The open documents that name ``doc`` as their contract."""
        if doc.path is None:
            return []
        want = os.path.normcase(os.path.abspath(doc.path))
        return [
            d
            for d in self.documents.values()
            if d.base_path is not None and os.path.normcase(os.path.abspath(d.base_path)) == want
        ]

    def publish(self, uri: str) -> None:
        doc = self.document(uri)
        if doc is None:
            return
        diagnostics = doc.check()
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=doc.version)
        )


def guarded(
    server: WhereasServer, name: str, request: bool = True
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """A handler that logs its exceptions; a request's is answered as an internal error."""

    def wrap(f: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(f)
        def run(*args: Any) -> Any:
            try:
                return f(*args)
            except JsonRpcException:
                raise
            except Exception as e:
                detail = "".join(traceback.format_exception(e))
                log.error("%s failed: %s", name, detail)
                try:
                    server.window_log_message(
                        types.LogMessageParams(
                            type=types.MessageType.Error, message=f"{name} failed: {detail}"
                        )
                    )
                except Exception:  # the client is gone: stderr has it
                    pass
                if request:
                    raise JsonRpcInternalError(
                        message=f"whereas: {name} failed: {type(e).__name__}: {e}"
                    ) from e
                return None

        return run

    return wrap


def build() -> WhereasServer:
    """A server with every feature registered."""
    server = WhereasServer()

    @server.feature(UNREADABLE)
    def unreadable(params: Any) -> None:
        """Answers a request whose params could not be read: with that error."""
        raise JsonRpcException(code=params["code"], message=f"{params['method']}: {params['message']}")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded(server, "didOpen", request=False)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        server.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded(server, "didChange", request=False)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        server.publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @guarded(server, "didSave", request=False)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        # the files it names may have changed on disk: check the open documents again
        for uri in list(server.documents):
            server.publish(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded(server, "didClose", request=False)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        server.documents.pop(uri, None)
        server.verdicts.pop(uri, None)
        server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded(server, "documentSymbol")
    def document_symbol(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
        doc = server.document(params.text_document.uri)
        return None if doc is None else symbols(doc)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(server, "hover")
    def on_hover(params: types.HoverParams) -> types.Hover | None:
        doc = server.document(params.text_document.uri)
        if doc is None:
            return None
        if not doc.checked:
            doc.check()
        return hover(server.index(doc), params.position)

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(server, "definition")
    def on_definition(params: types.DefinitionParams) -> list[types.Location] | None:
        doc = server.document(params.text_document.uri)
        return None if doc is None else definition(server.index(doc), params.position)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(server, "references")
    def on_references(params: types.ReferenceParams) -> list[types.Location] | None:
        doc = server.document(params.text_document.uri)
        if doc is None:
            return None
        return references(
            server.index(doc), params.position, params.context.include_declaration, server.naming(doc)
        )

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @guarded(server, "formatting")
    def on_formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        doc = server.document(params.text_document.uri)
        return None if doc is None else formatting(doc)

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded(server, "prepareRename")
    def on_prepare_rename(params: types.PrepareRenameParams) -> types.Range | None:
        doc = server.document(params.text_document.uri)
        found = None if doc is None else renameable(server.index(doc), params.position)
        return None if doc is None or found is None else doc.range_of(found[0])

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    @guarded(server, "rename")
    def on_rename(params: types.RenameParams) -> types.WorkspaceEdit | None:
        doc = server.document(params.text_document.uri)
        if doc is None:
            return None
        edit = rename(server.index(doc), params.position, params.new_name, server.naming(doc))
        if isinstance(edit, str):
            raise JsonRpcException(code=REQUEST_FAILED, message=f"whereas: {edit}")
        return edit

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @guarded(server, "codeAction")
    def on_code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
        doc = server.document(params.text_document.uri)
        return None if doc is None else quick_fixes(server.index(doc), params.context.diagnostics)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    @guarded(server, "codeLens")
    def on_code_lens(params: types.CodeLensParams) -> list[types.CodeLens] | None:
        doc = server.document(params.text_document.uri)
        if doc is None:
            return None
        version, verdicts = server.verdicts.get(doc.uri, (None, {}))
        return lenses(doc, verdicts if version == doc.version else {})

    @server.command(COMMAND)
    async def verify_command(uri: str, check: str) -> dict[str, str]:
        """Verify one check of an open document (off the event loop, so that the
        server goes on answering), and show its verdict on the lens."""
        try:
            doc = server.document(uri)
            if doc is None:
                raise JsonRpcException(code=REQUEST_FAILED, message=f"whereas: {uri} is not open")
            if not doc.checked:
                doc.check()
            if doc.contract is None or doc.errors:
                raise JsonRpcException(
                    code=REQUEST_FAILED,
                    message=f"whereas: {doc.name} has errors: fix them to verify `{check}`",
                )
            loop = asyncio.get_running_loop()
            verdict = await loop.run_in_executor(None, verify_check, doc.contract, check)
            version, kept = server.verdicts.get(doc.uri, (None, {}))
            kept = dict(kept) if version == doc.version else {}
            kept[check] = verdict
            server.verdicts[doc.uri] = (doc.version, kept)
            server.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Info, message=f"{check}: {verdict.title}")
            )
            if get_capability(server.client_capabilities, "workspace.code_lens.refresh_support", False):
                server.workspace_code_lens_refresh(None)
            return verdict.to_json()
        except JsonRpcException:
            raise
        except Exception as e:
            log.error("verify %s failed: %s", check, "".join(traceback.format_exception(e)))
            raise JsonRpcInternalError(message=f"whereas: verify failed: {type(e).__name__}: {e}") from e

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["§", "."]))
    @guarded(server, "completion")
    def on_completion(params: types.CompletionParams) -> types.CompletionList | None:
        doc = server.document(params.text_document.uri)
        if doc is None:
            return None
        return completion(server.index(doc))

    return server


def completion(index: Index) -> types.CompletionList:
    """The names declared (here and in the contract a scenario or amendment names),
    clause ids, and the language's keywords; the editor filters them by what is typed."""
    items: dict[str, types.CompletionItem] = {}
    for doc in index.docs:
        for x in doc.scan.declarations:
            if x.name in items:
                continue
            label = x.name
            items[label] = types.CompletionItem(
                label=label,
                kind=types.CompletionItemKind.Module
                if x.kind == "clause"
                else types.CompletionItemKind.Reference,
                detail=f"{x.kind} {x.detail}".strip(),
            )
    for kw in KEYWORDS:
        items.setdefault(kw, types.CompletionItem(label=kw, kind=types.CompletionItemKind.Keyword))
    return types.CompletionList(is_incomplete=False, items=list(items.values()))


def main() -> int:
    """Serve on stdin and stdout until the client says exit. The protocol gets its own
    handle on stdout, and the process's stdout becomes stderr: a stray print can never
    corrupt a message, and pygls closing its handle leaves the process's streams open."""
    logging.basicConfig(level=logging.WARNING, format="whereas lsp: %(levelname)s %(message)s")
    sys.stdout.flush()
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    build().start_io(sys.stdin.buffer, channel)
    return 0
