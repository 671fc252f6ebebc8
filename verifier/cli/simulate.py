"""``whereas simulate``: from a scenario file (and its contract) to a dated report.

From ``dsl.load.load_scenario`` and ``verifier.semantics.interpret.simulate`` to
the text or JSON of ``verifier.report.simulation``. Bad input becomes located diagnostics, printed like
``whereas check`` prints them, and exit code 2; a fact the contract leaves open
and the scenario does not give is bad input too, reported at the scenario's
header. Exit 0: nobody is in breach; 1: some party is in breach.
"""

from __future__ import annotations

import json
import os

from dsl import syntax as s
from dsl.diagnostics import Diagnostic, Sources
from dsl.load import load_scenario, parse_file, resolve_relative, same_file
from dsl.scenario import header_span, missing_fact
from verifier.cli.common import (
    EXIT_FAIL,
    EXIT_INPUT,
    EXIT_OK,
    Streams,
    collector_paused,
    diagnostics_json,
    print_diagnostics,
)
from verifier.report.simulation import timeline_json, timeline_text
from verifier.semantics.interpret import MissingFact, simulate


def run_simulate(contract: str | None, scenario: str, fmt: str, streams: Streams) -> int:
    """``whereas simulate [CONTRACT] SCENARIO``. Without CONTRACT, the contract
    the scenario names (relative to the scenario file) is used."""
    sources = Sources()
    diags: list[Diagnostic] = []
    node, pdiags = parse_file(scenario, sources)
    header: s.Span | None = None
    if isinstance(node, s.ScenarioFile):
        header = header_span(node, sources.line(node.span.file, node.span.line))
        named = resolve_relative(scenario, node.contract)
        if contract is None and not os.path.exists(named):
            diags.append(
                Diagnostic(
                    "file-not-found",
                    f"the contract this scenario is for does not exist: {named}",
                    header,
                    hint="the path after `for` is relative to the scenario file; or name the contract: "
                    f"`whereas simulate CONTRACT {scenario}`",
                )
            )
            return _bad_input(diags, sources, fmt, streams)
        if contract is not None and not _written_for(contract, named, sources):
            streams.err.write(
                f"warning: {scenario} is written for {named}; simulating it on {contract} as asked\n"
            )
    elif node is None:
        return _bad_input(pdiags, sources, fmt, streams)
    with collector_paused(streams):
        sc, c, ldiags = load_scenario(scenario, sources, contract)
    diags.extend(ldiags)
    if sc is None or c is None or any(d.is_error for d in diags):
        return _bad_input(diags, sources, fmt, streams)
    if diags:  # warnings only: say them, then simulate
        print_diagnostics(diags, sources, streams.err)
    try:
        tl = simulate(c, sc)
    except MissingFact as e:
        assert header is not None
        return _bad_input([missing_fact(c, e.name, header)], sources, fmt, streams)
    if fmt == "json":
        streams.out.write(json.dumps(timeline_json(tl, scenario), indent=2, ensure_ascii=False) + "\n")
    else:
        streams.out.write(timeline_text(tl, scenario))
    return EXIT_FAIL if tl.violations else EXIT_OK


def _bad_input(diags: list[Diagnostic], sources: Sources, fmt: str, streams: Streams) -> int:
    if fmt == "json":
        streams.out.write(json.dumps(diagnostics_json(diags), indent=2, ensure_ascii=False) + "\n")
    else:
        print_diagnostics(diags, sources, streams.err)
    return EXIT_INPUT


def _written_for(contract: str, named: str, sources: Sources) -> bool:
    """Whether the scenario's contract is CONTRACT, or the base CONTRACT amends."""
    if same_file(contract, named):
        return True
    node, _ = parse_file(contract, sources)
    return isinstance(node, s.AmendmentFile) and same_file(resolve_relative(contract, node.contract), named)
