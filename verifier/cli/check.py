"""``whereas check FILE...``: from contract, scenario and amendment files (folders
recurse, ``-`` is stdin) to their diagnostics: text on stderr, or one document on
stdout (``--format json|sarif|junit|github``)."""

from __future__ import annotations

from dsl import syntax as s
from dsl.diagnostics import Diagnostic, Sources, summary
from dsl.load import load_contract, load_scenario, parse_file
from verifier.cli.common import (
    EXIT_INPUT,
    EXIT_OK,
    Streams,
    collector_paused,
    diagnostics_document,
    print_diagnostics,
)
from verifier.cli.inputs import expand
from verifier.cli.progress import Progress


def run_check(files: list[str], fmt: str, streams: Streams, stdin_filename: str | None = None) -> int:
    inputs, all_diags = expand(files, stdin_filename)
    sources = Sources()
    with Progress(streams.err, streams.progress) as progress:
        for k, f in enumerate(inputs):
            progress.update(f"checking {k + 1}/{len(inputs)} {f.name}")
            with collector_paused(streams):
                node, diags = parse_file(f.name, sources, f.text)
                if node is not None:
                    if isinstance(node, s.ScenarioFile):
                        _, _, diags = load_scenario(f.name, sources, text=f.text)
                    else:
                        diags = load_contract(f.name, sources, f.text).diagnostics
            all_diags.extend(_unique(diags, all_diags))
    errors = any(d.is_error for d in all_diags)
    if fmt != "text":
        streams.out.write(diagnostics_document(fmt, all_diags, sources, [f.name for f in inputs]))
    else:
        print_diagnostics(all_diags, sources, streams.err, streams=streams)
        if not errors and not streams.quiet:
            n = len(inputs)
            streams.out.write(
                f"ok: {n} file{'s' if n != 1 else ''} checked"
                + (f" ({summary(all_diags)})" if all_diags else "")
                + "\n"
            )
    return EXIT_INPUT if errors else EXIT_OK


def _unique(new: list[Diagnostic], seen: list[Diagnostic]) -> list[Diagnostic]:
    """``new`` without those already reported (a contract checked on its own and again
    as the one a scenario or amendment in the same run names)."""
    have = set(seen)
    return [d for d in new if d not in have]
