"""``whereas check FILE...``: from contract, scenario and amendment files to their
diagnostics (text on stderr, or the ``whereas.check/1`` JSON document on stdout)."""

from __future__ import annotations

import json

from dsl import syntax as s
from dsl.diagnostics import Diagnostic, Sources, summary
from dsl.load import load_contract, load_scenario, parse_file
from verifier.cli.common import (
    EXIT_INPUT,
    EXIT_OK,
    Streams,
    collector_paused,
    diagnostics_json,
    print_diagnostics,
)


def run_check(files: list[str], fmt: str, streams: Streams) -> int:
    sources = Sources()
    all_diags: list[Diagnostic] = []
    for f in files:
        with collector_paused(streams):
            node, diags = parse_file(f, sources)
            if node is not None:
                if isinstance(node, s.ScenarioFile):
                    _, _, diags = load_scenario(f, sources)
                else:
                    diags = load_contract(f, sources).diagnostics
        all_diags.extend(diags)
    errors = any(d.is_error for d in all_diags)
    if fmt == "json":
        streams.out.write(json.dumps(diagnostics_json(all_diags), indent=2, ensure_ascii=False) + "\n")
    else:
        print_diagnostics(all_diags, sources, streams.err)
        if not errors:
            streams.out.write(
                f"ok: {len(files)} file{'s' if len(files) != 1 else ''} checked"
                + (f" ({summary(all_diags)})" if all_diags else "")
                + "\n"
            )
    return EXIT_INPUT if errors else EXIT_OK
