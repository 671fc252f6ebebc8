"""From an editor's messages over stdio to the answers of ``verifier.lsp.features``: the
pygls server behind ``whereas lsp``, every feature registered.

Each request is answered from the latest ``Document`` (``verifier.lsp.session`` keeps
them, and debounces the diagnostics). Only the lenses' commands reach the solver
(``verifier.lsp.commands``), on a worker thread. Every handler runs inside ``guarded``:
an exception is logged (stderr and the client's log) and a request that raised is
answered with an LSP internal error, so a bug in one answer never stops the server.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from verifier.lsp import commands
from verifier.lsp.complete import completion
from verifier.lsp.features import (
    definition,
    formatting,
    hover,
    quick_fixes,
    references,
    rename,
    renameable,
    symbols,
)
from verifier.lsp.session import REQUEST_FAILED, UNREADABLE, WhereasServer, guarded


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
        server.cancel_runs(params.text_document.uri)
        server.schedule(params.text_document.uri)

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
        server.cancel_runs(uri)
        waiting = server.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        server.documents.pop(uri, None)
        server.verdicts.pop(uri, None)
        server.changes.pop(uri, None)
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

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["§", ".", "(", ":"])
    )
    @guarded(server, "completion")
    def on_completion(params: types.CompletionParams) -> types.CompletionList | None:
        doc = server.document(params.text_document.uri)
        if doc is None:
            return None
        return completion(server.index(doc), params.position)

    commands.register(server)

    return server


def refusals_without_traceback(record: logging.LogRecord) -> bool:
    """A request the server refuses on purpose (``REQUEST_FAILED``: "fix the errors to
    verify", "not an amendment") is logged by pygls as an exception; it is no bug, so
    its line is kept and its traceback dropped."""
    exc = record.exc_info[1] if record.exc_info else None
    if isinstance(exc, JsonRpcException) and exc.code == REQUEST_FAILED:
        record.exc_info = None
        record.exc_text = None
        record.msg, record.args = f"refused: {exc.message}", None
    return True


def main() -> int:
    """Serve on stdin and stdout until the client says exit. The protocol gets its own
    handle on stdout, and the process's stdout becomes stderr: a stray print can never
    corrupt a message, and pygls closing its handle leaves the process's streams open."""
    logging.basicConfig(level=logging.WARNING, format="whereas lsp: %(levelname)s %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(refusals_without_traceback)
    sys.stdout.flush()
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    build().start_io(sys.stdin.buffer, channel)
    return 0
