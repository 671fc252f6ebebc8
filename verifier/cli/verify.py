"""``verify FILE...``, ``verify BASE --what-if AMENDMENT`` and ``whereas diff BASE OTHER``:
from contract files to verdicts, reports and comparisons.

Loads and checks each contract (diagnostics and exit 2 on bad input), then
verifies it (``verifier.verify``), and prints text or JSON. z3 is imported
only after the input has been found good; click not at all (``verifier.cli.commands``
parses the options).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dsl.diagnostics import Sources
from verifier.cli.common import EXIT_INPUT, Streams, collector_paused, deliver, freeze_heap, print_diagnostics
from verifier.files import InputsRead, guard_outputs


def run_verify(
    files: list[str],
    checks: list[str],
    fmt: str,
    output: str | None,
    bound: int,
    timings: bool,
    streams: Streams,
    analyses: bool = True,
    report: str | None = None,
    report_format: str | None = None,
    before_solving: Callable[[], None] | None = None,
    jobs: int | None = None,
) -> int:
    """``before_solving``: called once the input has been found good, before the first proof.
    ``jobs``: processes for a big contract's slices (None: one per core, as ``--jobs`` by default)."""
    from dsl.load import load_contract
    from verifier.report.jsondoc import to_json
    from verifier.report.text import to_text
    from verifier.verify.results import exit_code
    from verifier.verify.run import verify_contract

    sources = InputsRead()
    loaded = []
    bad = False
    for f in files:
        with collector_paused(streams):
            lc = load_contract(f, sources)
        if lc.diagnostics:
            print_diagnostics(
                [d for d in lc.diagnostics if d.is_error or not lc.ok],
                sources,
                streams.err,
                show_summary=not lc.ok,
            )
        if not lc.ok:
            bad = True
            continue
        loaded.append(lc)
    problem = guard_outputs([("the output", output), ("the report", report)], sources, files)
    if problem:
        streams.err.write(problem + "\n")
        return EXIT_INPUT
    if bad:
        return EXIT_INPUT
    if report is not None:
        from verifier.report import input_files, report_target_error
        from verifier.report import report_format as _report_format

        report_format = _report_format(report, report_format)
        problem = report_target_error(
            report,
            report_format,
            input_files([lc.contract for lc in loaded if lc.contract is not None], files),
            output,
        )
        if problem:
            streams.err.write(problem + "\n")
            return EXIT_INPUT
    for lc in loaded:
        assert lc.contract is not None
        unknown_checks = [x for x in checks if not any(x in (c.id, c.title) for c in lc.contract.checks)]
        if unknown_checks:
            ids = ", ".join(c.id for c in lc.contract.checks)
            streams.err.write(
                f"error: no check named {', '.join(unknown_checks)} in {lc.contract.file} (checks: {ids})\n"
            )
            return EXIT_INPUT
    if before_solving is not None:
        before_solving()
    freeze_heap(streams)
    codes = []
    docs: list[dict[str, Any]] = []
    texts: list[str] = []
    verified = []
    for lc in loaded:
        assert lc.contract is not None
        v = verify_contract(
            lc.contract,
            lc.sha256,
            bound=bound,
            only=checks or None,
            analyses=analyses,
            jobs=jobs,
            timelines=report is not None or fmt == "sarif",
        )
        verified.append(v)
        codes.append(exit_code(v))
        if fmt == "json":
            docs.append(to_json(v, timings))
        elif fmt == "text":
            texts.append(to_text(v, timings))
    if fmt == "json":
        import json

        payload = docs[0] if len(docs) == 1 else {"schema": "whereas.verify-many/1", "contracts": docs}
        text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    elif fmt in ("sarif", "junit"):
        from verifier.report import machine_report

        text = machine_report(fmt, verified)
    else:
        text = "\n".join(texts)
    if not deliver(text, output, streams):
        return EXIT_INPUT
    if report is not None:
        from verifier.report import human_report

        if not deliver(human_report(report_format or "html", verified), report, streams):
            return EXIT_INPUT
    if 1 in codes:
        return 1
    if 3 in codes:
        return 3
    return 0


def run_what_if(
    base: str,
    amendment: str,
    fmt: str,
    output: str | None,
    bound: int,
    streams: Streams,
    direct: bool = False,
    report: str | None = None,
    report_format: str | None = None,
    jobs: int | None = None,
) -> int:
    """``verify BASE --what-if AMENDMENT`` and ``whereas diff BASE OTHER``.
    ``direct``: OTHER may be a whole contract instead of an amendment of BASE.
    ``jobs``: as for ``run_verify``."""
    from dsl import syntax as s
    from dsl.load import load_amended, load_contract, parse_file
    from verifier.report.jsondoc import comparison_json
    from verifier.report.text import comparison_text
    from verifier.verify.whatif import compare, comparison_exit

    problem = guard_outputs([("the output", output), ("the report", report)], named=[base, amendment])
    if problem:
        streams.err.write(problem + "\n")
        return EXIT_INPUT
    sources = InputsRead()
    with collector_paused(streams):
        lb = load_contract(base, sources)
    if not lb.ok:
        print_diagnostics(lb.diagnostics, sources, streams.err)
        return EXIT_INPUT
    with collector_paused(streams):
        node, _ = parse_file(amendment, Sources())
        if direct and isinstance(node, s.ContractFile):
            la = load_contract(amendment, sources)
        else:
            la = load_amended(base, amendment, sources)
    if not la.ok:
        print_diagnostics(la.diagnostics, sources, streams.err)
        return EXIT_INPUT
    assert lb.contract is not None and la.contract is not None
    problem = guard_outputs([("the output", output), ("the report", report)], sources)
    if problem:
        streams.err.write(problem + "\n")
        return EXIT_INPUT
    if report is not None:
        from verifier.report import input_files, report_target_error
        from verifier.report import report_format as _report_format

        report_format = _report_format(report, report_format)
        problem = report_target_error(
            report, report_format, input_files([lb.contract, la.contract], [base, amendment]), output
        )
        if problem:
            streams.err.write(problem + "\n")
            return EXIT_INPUT
    freeze_heap(streams)
    cmp = compare(
        lb.contract, la.contract, lb.sha256, la.sha256, bound=bound, amendment_file=amendment, jobs=jobs
    )
    if fmt == "json":
        import json

        text = json.dumps(comparison_json(cmp), indent=2, ensure_ascii=False) + "\n"
    elif fmt in ("sarif", "junit"):
        from verifier.report import machine_report

        text = machine_report(fmt, [], cmp)
    else:
        text = comparison_text(cmp, full=not direct)
    if not deliver(text, output, streams):
        return EXIT_INPUT
    if report is not None:
        from verifier.report import human_report

        if not deliver(human_report(report_format or "html", comparison=cmp), report, streams):
            return EXIT_INPUT
    return comparison_exit(cmp, diff=direct)
