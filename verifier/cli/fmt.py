"""``whereas fmt FILE...``: from files to their canonical form, printed, checked
(``--check``) or written back in place (``--write``, through ``verifier.files``)."""

from __future__ import annotations

from dsl.diagnostics import Sources
from dsl.format import format_source
from dsl.load import read_source
from verifier.cli.common import EXIT_FAIL, EXIT_INPUT, EXIT_OK, Streams, collector_paused, print_diagnostics
from verifier.files import OutputError, write_text


def run_fmt(files: list[str], write: bool, check: bool, streams: Streams) -> int:
    sources = Sources()
    status = EXIT_OK
    for f in files:
        text, diags = read_source(f, sources)
        if text is None:
            print_diagnostics(diags, sources, streams.err)
            return EXIT_INPUT
        with collector_paused(streams):
            out, diags = format_source(text, f)
        if out is None:
            print_diagnostics(diags, sources, streams.err)
            return EXIT_INPUT
        if check:
            if out != text:
                streams.err.write(f"would reformat {f}\n")
                status = EXIT_FAIL
        elif write:
            if out != text:
                try:
                    write_text(f, out)
                except OutputError as e:
                    streams.err.write(f"error: {e}\n")
                    return EXIT_INPUT
                streams.err.write(f"reformatted {f}\n")
        else:
            streams.out.write(out)
    return status
