"""From a click on a code lens to the solver and back: the commands ``whereas.verify``,
``whereas.compare``, ``whereas.cancel`` and ``whereas.showScenario`` (``verifier.lsp.lens``
says what each lens shows), and the code lenses themselves.

A verification runs on a worker thread (the server goes on answering meanwhile), with a
budget that an edit of the document or ``whereas.cancel`` cancels. Its answer is kept
for the version of the document it was run on, and the lenses are refreshed when the
client allows it.
"""

from __future__ import annotations

import asyncio
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcException, JsonRpcInternalError

from dsl.diagnostics import Sources
from dsl.load import load_contract
from verifier.lsp.lens import (
    CANCEL,
    COMMAND,
    COMPARE,
    COMPARE_LIMITS,
    LIMITS,
    SHOW,
    Run,
    compare_with_base,
    lenses,
    verify_check,
)
from verifier.lsp.session import REQUEST_FAILED, WhereasServer, guarded, log

R = TypeVar("R")


def register(server: WhereasServer) -> None:
    """The code lenses and their commands, on ``server``."""

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    @guarded(server, "codeLens")
    def on_code_lens(params: types.CodeLensParams) -> list[types.CodeLens] | None:
        doc = server.document(params.text_document.uri)
        if doc is None:
            return None
        version, verdicts = server.verdicts.get(doc.uri, (None, {}))
        cversion, changes = server.changes.get(doc.uri, (None, None))
        running = {check for (u, check), _ in server.running.items() if u == doc.uri}
        return lenses(
            doc,
            verdicts if version == doc.version else {},
            changes if cversion == doc.version else None,
            running,
        )

    def checked(uri: str, what: str) -> Any:
        """The open document ``uri``, checked; an error for the client if it has errors."""
        doc = server.document(uri)
        if doc is None:
            raise JsonRpcException(code=REQUEST_FAILED, message=f"whereas: {uri} is not open")
        if not doc.checked:
            doc.check()
        if doc.contract is None or doc.errors:
            raise JsonRpcException(
                code=REQUEST_FAILED, message=f"whereas: {doc.name} has errors: fix them to {what}"
            )
        return doc

    async def solve(uri: str, key: str, run: Run, work: Callable[[], R]) -> R:
        """``work`` on a worker thread (the server goes on answering meanwhile), as the
        verification ``(uri, key)`` that ``cancel_runs`` and ``whereas.cancel`` can stop."""
        earlier = server.running.get((uri, key))
        if earlier is not None:
            earlier.cancel()
        server.running[(uri, key)] = run
        server.refresh_lenses()
        try:
            return await asyncio.get_running_loop().run_in_executor(None, work)
        finally:
            if server.running.get((uri, key)) is run:
                del server.running[(uri, key)]

    def failed(what: str, e: Exception) -> JsonRpcException:
        log.error("%s failed: %s", what, "".join(traceback.format_exception(e)))
        return JsonRpcInternalError(message=f"whereas: {what} failed: {type(e).__name__}: {e}")

    @server.command(COMMAND)
    async def verify_command(uri: str, check: str) -> dict[str, str | None]:
        """Verify one check of an open document and show its verdict on the lens."""
        try:
            doc = checked(uri, f"verify `{check}`")
            run = Run(LIMITS)
            verdict = await solve(uri, check, run, lambda: verify_check(doc, check, run))
            current = server.document(uri)
            if current is not None and current.version == doc.version:
                version, kept = server.verdicts.get(doc.uri, (None, {}))
                kept = dict(kept) if version == doc.version else {}
                kept[check] = verdict
                server.verdicts[doc.uri] = (doc.version, kept)
                # in the log, not a pop-up: the lens shows the verdict
                server.window_log_message(
                    types.LogMessageParams(type=types.MessageType.Info, message=f"{check}: {verdict.title}")
                )
            server.refresh_lenses()
            return verdict.to_json()
        except JsonRpcException:
            raise
        except Exception as e:
            raise failed(f"verify {check}", e) from e

    @server.command(COMPARE)
    async def compare_command(uri: str) -> dict[str, object]:
        """An amendment against the contract it names: verdicts before and after, and
        the semantic diff, shown on the lens of its first line."""
        try:
            doc = checked(uri, "compare it with its base")
            base_path = doc.base_path
            if doc.scan.file_kind != "amendment" or base_path is None:
                raise JsonRpcException(
                    code=REQUEST_FAILED, message=f"whereas: {doc.name} is not an amendment"
                )
            base = load_contract(base_path, Sources()).contract
            if base is None:
                raise JsonRpcException(
                    code=REQUEST_FAILED, message=f"whereas: {base_path}, the contract it amends, has errors"
                )
            run = Run(COMPARE_LIMITS)
            changes = await solve(uri, "", run, lambda: compare_with_base(doc, base, run))
            current = server.document(uri)
            if current is not None and current.version == doc.version:
                server.changes[doc.uri] = (doc.version, changes)
                server.window_log_message(
                    types.LogMessageParams(type=types.MessageType.Info, message=changes.title)
                )
            server.refresh_lenses()
            return changes.to_json()
        except JsonRpcException:
            raise
        except Exception as e:
            raise failed("compare with base", e) from e

    @server.command(CANCEL)
    @guarded(server, "cancel")
    def cancel_command(uri: str, check: str) -> bool:
        """Stop the verification of ``check`` ("" for the comparison) of ``uri``; whether one ran."""
        run = server.running.get((uri, check))
        if run is not None:
            run.cancel()
        return run is not None

    @server.command(SHOW)
    @guarded(server, "showScenario")
    def show_command(uri: str, check: str) -> dict[str, str]:
        """Write the scenario of ``check``'s verdict ("" for the comparison's) as a
        scenario file in the server's own folder and ask the editor to open it."""
        doc = server.document(uri)
        text: str | None = None
        if doc is not None and check:
            version, verdicts = server.verdicts.get(uri, (None, {}))
            got = verdicts.get(check) if version == doc.version else None
            text = None if got is None else got.scenario
        elif doc is not None:
            version, changes = server.changes.get(uri, (None, None))
            text = None if changes is None or version != doc.version else changes.scenario
        if doc is None or text is None:
            raise JsonRpcException(
                code=REQUEST_FAILED,
                message=f"whereas: no scenario to show for {check or 'the comparison'}: verify it first",
            )
        stem = os.path.splitext(os.path.basename(doc.path or doc.name))[0]
        path = server.shown.write(f"{stem}-{check or 'difference'}", text)
        target = Path(path).as_uri()
        if get_capability(server.client_capabilities, "window.show_document.support", False):
            server.window_show_document(types.ShowDocumentParams(uri=target, take_focus=True))
        return {"uri": target, "path": path, "text": text}
