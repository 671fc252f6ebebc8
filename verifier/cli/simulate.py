"""``whereas simulate``: from a scenario file (and its contract) to a dated report.

From ``dsl.load.load_scenario`` and ``verifier.semantics.interpret.simulate`` to
the text or JSON of ``verifier.report.simulation``. Bad input becomes located diagnostics, printed like
``whereas check`` prints them, and exit code 2; a fact the contract leaves open
and the scenario does not give is bad input too, reported at the scenario's
header. Exit 0: nobody is in breach; 1: some party is in breach; 3: the
run did not finish within ``--timeout``. The scenario may come from stdin
(``-``): the contract it names is then relative to ``--stdin-filename``.
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
    EXIT_OK,
    EXIT_UNKNOWN,
    Streams,
    collector_paused,
    print_diagnostics,
    report_bad_input,
)
from verifier.cli.inputs import STDIN, expand
from verifier.report.simulation import timeline_json, timeline_text
from verifier.semantics.interpret import MissingFact, simulate


def run_simulate(
    contract: str | None,
    scenario: str,
    fmt: str,
    streams: Streams,
    stdin_filename: str | None = None,
    timeout: float | None = None,
) -> int:
    """``whereas simulate [CONTRACT] SCENARIO``. Without CONTRACT, the contract
    the scenario names (relative to the scenario file) is used. ``timeout``:
    seconds the interpreter may run (None: no limit)."""
    sources = Sources()
    diags: list[Diagnostic] = []
    text: str | None = None
    if scenario == STDIN:
        inputs, bad = expand([scenario], stdin_filename)
        if bad:
            return _bad_input(bad, sources, fmt, streams)
        scenario, text = inputs[0].name, inputs[0].text
    node, pdiags = parse_file(scenario, sources, text)
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
        sc, c, ldiags = load_scenario(scenario, sources, contract, text=text)
    diags.extend(ldiags)
    if sc is None or c is None or any(d.is_error for d in diags):
        return _bad_input(diags, sources, fmt, streams)
    if diags and not streams.quiet and fmt == "text":  # warnings only: say them, then simulate
        print_diagnostics(diags, sources, streams.err, streams=streams)
    from verifier.budget import Budget, Exhausted

    # the interpreter looks at the clock every 16 days of the run (any thread, no signal)
    budget = Budget.start(timeout, None, None) if timeout is not None else None
    try:
        tl = simulate(c, sc, budget)
    except MissingFact as e:
        assert header is not None
        return _bad_input([missing_fact(c, e.name, header)], sources, fmt, streams)
    except Exhausted:
        streams.err.write(
            f"unknown: the simulation of {scenario} did not finish within --timeout {timeout:g}s\n"
        )
        return EXIT_UNKNOWN
    if fmt == "json":
        streams.out.write(json.dumps(timeline_json(tl, scenario), indent=2, ensure_ascii=False) + "\n")
    elif fmt == "github":
        from verifier.report.github import timeline

        streams.out.write(timeline(tl, scenario))
    elif fmt in ("sarif", "junit"):
        from verifier.report.breaches import document

        streams.out.write(document(fmt, tl, scenario))
    else:
        out = timeline_text(tl, scenario)
        if streams.quiet:
            out = "".join(line for line in out.splitlines(keepends=True) if line.startswith("Breach:"))
        if streams.color:
            from verifier.cli.style import paint_timeline

            out = paint_timeline(out)
        streams.out.write(out)
    return EXIT_FAIL if tl.violations else EXIT_OK


def _bad_input(diags: list[Diagnostic], sources: Sources, fmt: str, streams: Streams) -> int:
    return report_bad_input(diags, sources, fmt, streams)


def _written_for(contract: str, named: str, sources: Sources) -> bool:
    """Whether the scenario's contract is CONTRACT, or the base CONTRACT amends. A
    CONTRACT that does not parse counts as written for it: its own diagnostics follow,
    and a warning that it is another contract would be a guess."""
    if same_file(contract, named):
        return True
    node, _ = parse_file(contract, sources)
    if node is None:
        return True
    return isinstance(node, s.AmendmentFile) and same_file(resolve_relative(contract, node.contract), named)
