"""From the editor's open documents to the state the server keeps for them: the pygls
server behind ``whereas lsp`` with its documents, verdicts and running verifications,
and ``guarded``, which keeps one failing handler from stopping it.

Documents are kept as the editor sends them (full or incremental changes, applied by
pygls). Diagnostics are published on open and, debounced, on change
(``WhereasServer.schedule``): a change after a pause is checked at once; changes that
come faster than the document can be checked wait until they pause for as long as its
last check took (at most ``DEBOUNCE_MAX``), so a burst of keystrokes on a big contract
is checked once or twice, not once per keystroke. An edit cancels the verifications of
the document's earlier version (``cancel_runs``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcException, JsonRpcInternalError
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCProtocol, JsonRPCRequestMessage, LanguageServerProtocol

from verifier import __version__
from verifier.lsp.features import Document, Index
from verifier.lsp.lens import Changes, Run, Shown, Verdict
from verifier.lsp.positions import UTF16

log = logging.getLogger("whereas.lsp")
REQUEST_FAILED = -32803  # LSP's RequestFailed: a request that is valid, but cannot be done now
R = TypeVar("R")
DEBOUNCE_MAX = 0.25  # seconds: the longest a change waits for the edits after it


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
        # each amendment's comparison with its base, of the version it was made on
        self.changes: dict[str, tuple[int | None, Changes]] = {}
        # the verifications running, by document and check ("" for a comparison)
        self.running: dict[tuple[str, str], Run] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}  # diagnostics waiting for edits to pause
        self.check_seconds: dict[str, float] = {}  # how long each document's last check took
        self.checked_at: dict[str, float] = {}  # when it ended (``time.monotonic``)
        self.shown = Shown()

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
        self.pending.pop(uri, None)
        doc = self.document(uri)
        if doc is None:
            return
        started = time.perf_counter()
        diagnostics = doc.check()
        self.check_seconds[uri] = time.perf_counter() - started
        self.checked_at[uri] = time.monotonic()
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=doc.version)
        )

    def schedule(self, uri: str) -> None:
        """Publish ``uri``'s diagnostics: at once for a change after a pause; for a change
        that comes while another waits, or sooner after the last check than that check
        took (the edits come faster than they can be checked), once the edits pause for
        as long as the last check took (at most ``DEBOUNCE_MAX``)."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        took = self.check_seconds.get(uri, 0.0)
        busy = time.monotonic() - self.checked_at.get(uri, -DEBOUNCE_MAX) < took
        loop = asyncio.get_running_loop()
        if waiting is None and not busy:
            self.pending[uri] = loop.call_later(0, self.publish_logged, uri)
        else:
            self.pending[uri] = loop.call_later(min(DEBOUNCE_MAX, took), self.publish_logged, uri)

    def publish_logged(self, uri: str) -> None:
        try:
            self.publish(uri)
        except Exception as e:
            log.error("diagnostics of %s failed: %s", uri, "".join(traceback.format_exception(e)))

    def cancel_runs(self, uri: str) -> None:
        """Stop the verifications of ``uri``: its text changed, their answers would be stale."""
        for (u, _), run in list(self.running.items()):
            if u == uri:
                run.cancel()

    def refresh_lenses(self) -> None:
        if get_capability(self.client_capabilities, "workspace.code_lens.refresh_support", False):
            self.workspace_code_lens_refresh(None)


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
