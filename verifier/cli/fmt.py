"""``whereas fmt FILE...``: from files to their canonical form, printed, checked
(``--check``) or written back in place (``--write``, through ``verifier.files``).
Folders recurse and ``-`` is stdin (printed, never written back)."""

from __future__ import annotations

from dsl.diagnostics import Sources
from dsl.format import format_source
from dsl.load import read_source
from verifier.cli.common import (
    EXIT_FAIL,
    EXIT_INPUT,
    EXIT_OK,
    Streams,
    collector_paused,
    report_bad_input,
)
from verifier.cli.inputs import expand
from verifier.files import OutputError, write_text


def run_fmt(
    files: list[str],
    write: bool,
    check: bool,
    streams: Streams,
    fmt: str = "text",
    stdin_filename: str | None = None,
) -> int:
    """``fmt``: the report of ``--check`` (text, json or github); bad input is
    reported in it too."""
    inputs, bad = expand(files, stdin_filename)
    sources = Sources()
    if bad:
        return report_bad_input(bad, sources, fmt, streams)
    status = EXIT_OK
    unformatted: list[str] = []
    for f in inputs:
        text, diags = read_source(f.name, sources, f.text)
        if text is None:
            return report_bad_input(diags, sources, fmt, streams)
        with collector_paused(streams):
            out, diags = format_source(text, f.name)
        if out is None:
            return report_bad_input(diags, sources, fmt, streams)
        if check:
            if out != text:
                unformatted.append(f.name)
                if fmt == "text":
                    streams.err.write(f"would reformat {f.name}\n")
                status = EXIT_FAIL
        elif write and f.text is None:
            if out != text:
                try:
                    write_text(f.name, out)
                except OutputError as e:
                    streams.err.write(f"error: {e}\n")
                    return EXIT_INPUT
                if not streams.quiet:
                    streams.err.write(f"reformatted {f.name}\n")
        else:
            streams.out.write(out)
    if check and fmt != "text":
        streams.out.write(_check_document(fmt, [f.name for f in inputs], unformatted))
    return status


def _check_document(fmt: str, files: list[str], unformatted: list[str]) -> str:
    if fmt == "github":
        from verifier.report.github import unformatted as annotations

        return annotations(unformatted)
    import json

    doc = {
        "schema": "whereas.fmt/1",
        "files": [{"file": f, "formatted": f not in unformatted} for f in files],
        "summary": {"files": len(files), "would_reformat": len(unformatted)},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
