"""``verify FILE...``, ``verify BASE --what-if AMENDMENT`` and ``whereas diff BASE OTHER``:
from contract files to verdicts, reports and comparisons.

Loads and checks each contract (diagnostics and exit 2 on bad input, in the
format asked: every machine format still prints one document), then verifies
it (``verifier.verify``) within its ``Limits``, and prints text, JSON, SARIF,
JUnit or GitHub annotations. z3 is imported only after the input has been found
good; click not at all (``verifier.cli.commands`` parses the options).

``verify --what-if`` and ``whereas diff`` answer the same question and exit
alike: 0 the versions agree within the bounds, 1 a scenario tells them apart,
3 that could not be decided (the verdicts before and after are in the output).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dsl.diagnostics import Diagnostic, Sources
from verifier.cli.common import (
    EXIT_INPUT,
    Streams,
    collector_paused,
    deliver,
    freeze_heap,
    print_diagnostics,
    report_bad_input,
)
from verifier.cli.inputs import expand
from verifier.cli.progress import Progress
from verifier.files import InputsRead, guard_outputs

if TYPE_CHECKING:
    from verifier.verify.limits import Limits

_QUIET_LINE = re.compile(r"^(HOLDS|FAILS|UNKNOWN) |^\d+ checks?: |^Semantic diff: ")


def _warn_output_suffix(output: str | None, report: str | None, fmt: str, streams: Streams) -> None:
    """``-o report.html`` writes the ``--format`` output (text), not an HTML
    report: say so, and what gives one (the file is written as asked)."""
    from verifier.report import report_format

    human = report_format(output, None) if output else None
    if human is not None and report is None:
        name = {"html": "an HTML", "md": "a Markdown"}.get(human, human)
        streams.err.write(
            f"warning: -o writes the {fmt} output to {output}, not {name} report; "
            f"for the report give --report {output}\n"
        )


def _text_out(text: str, output: str | None, streams: Streams) -> str:
    """``verify``'s text as shown: only the verdict and summary lines with ``-q``,
    coloured on a terminal that wants it (never in a file)."""
    if streams.quiet:
        text = "".join(line for line in text.splitlines(keepends=True) if _QUIET_LINE.match(line))
    if streams.color and output is None:
        from verifier.cli.style import paint_verdicts

        text = paint_verdicts(text)
    return text


def apply_memory_ceiling(limits: Limits | None, streams: Streams) -> None:
    """In a process the command owns, the memory ceiling on the process itself
    (``verifier.verify.limits.apply_to_process``, where the bounds of the run
    provide it)."""
    if not streams.owns_process:
        return
    from verifier.verify import limits as lim

    apply = getattr(lim, "apply_to_process", None)
    if apply is not None:
        apply(limits or lim.Limits())


def run_verify(
    files: list[str],
    checks: list[str],
    fmt: str,
    output: str | None,
    bound: int | None,
    timings: bool,
    streams: Streams,
    analyses: bool = True,
    report: str | None = None,
    report_format: str | None = None,
    before_solving: Callable[[], None] | None = None,
    jobs: int | None = None,
    limits: Limits | None = None,
    stdin_filename: str | None = None,
    strict: bool = False,
    emit_smt2: str | None = None,
    confirm: bool = False,
) -> int:
    """``before_solving``: called once the input has been found good, before the first proof.
    ``emit_smt2``: a folder for every check's questions as SMT-LIB 2 files, one
    subfolder per contract; ``confirm``: every answer confirmed by cvc5 (``verifier.smt.second``).
    ``strict``: any finding of the analyses makes the exit code 1, not only errors (conflicts).
    ``jobs``: processes for a big contract's slices (None: one per core, as ``--jobs`` by default).
    ``limits``: the run's time, solver work and memory (``--timeout``, ``--rlimit``, ``--max-memory``).
    ``files``: folders recurse, ``-`` is stdin (named ``stdin_filename``)."""
    from dsl.load import load_contract
    from verifier.report.jsondoc import to_json
    from verifier.report.text import to_text
    from verifier.verify.results import exit_code
    from verifier.verify.run import verify_contract

    sources = InputsRead()
    inputs, bad_diags = expand(files, stdin_filename)
    files = [f.name for f in inputs]
    if bad_diags:
        return report_bad_input(bad_diags, sources, fmt, streams, output, files)
    loaded = []
    bad = False
    for f in inputs:
        with collector_paused(streams):
            lc = load_contract(f.name, sources, f.text)
        ok = lc.ok  # once: it looks at every diagnostic
        if lc.diagnostics and fmt == "text":
            print_diagnostics(
                [d for d in lc.diagnostics if d.is_error or not ok],
                sources,
                streams.err,
                show_summary=not ok,
                streams=streams,
            )
        if not ok:
            bad = True
            bad_diags += lc.diagnostics
            continue
        loaded.append(lc)
    problem = guard_outputs([("the output", output), ("the report", report)], sources, files)
    if problem:
        streams.err.write(problem + "\n")
        return EXIT_INPUT
    _warn_output_suffix(output, report, fmt, streams)
    if bad:
        if fmt == "text":
            return EXIT_INPUT
        return report_bad_input(bad_diags, sources, fmt, streams, output, files)
    if report is not None:
        from verifier.report import report_format as _report_format
        from verifier.report import report_target_error

        report_format = _report_format(report, report_format)
        problem = report_target_error(report, report_format)
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
    opinions = _opinions(loaded, emit_smt2, confirm, streams)
    if opinions is None:
        return EXIT_INPUT
    if before_solving is not None:
        before_solving()
    apply_memory_ceiling(limits, streams)
    freeze_heap(streams)
    codes = []
    docs: list[dict[str, Any]] = []
    texts: list[str] = []
    verified = []
    with Progress(streams.err, streams.progress) as progress:
        for k, lc in enumerate(loaded):
            assert lc.contract is not None
            n = len(lc.contract.checks)
            progress.update(
                f"verifying {lc.contract.file}"
                + (f" ({k + 1}/{len(loaded)})" if len(loaded) > 1 else "")
                + f": {n} check{'s' if n != 1 else ''}"
            )
            v = verify_contract(
                lc.contract,
                lc.sha256,
                bound=bound,
                only=checks or None,
                analyses=analyses,
                jobs=jobs,
                timelines=report is not None or fmt == "sarif",
                limits=limits,
                opinion=opinions[k],
            )
            verified.append(v)
            codes.append(exit_code(v, strict))
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
    elif fmt == "github":
        from verifier.report.github import verifications

        text = verifications(verified)
    else:
        text = _text_out("\n".join(texts), output, streams)
    if not deliver(text, output, streams):
        return EXIT_INPUT
    if report is not None:
        from verifier.report import human_report

        if not deliver(human_report(report_format or "html", verified), report, streams):
            return EXIT_INPUT
    return max(codes, key=[0, 3, 1, 4].index, default=0)  # the gravest: internal error, fails, unknown


def _opinions(loaded: list[Any], folder: str | None, confirm: bool, streams: Streams) -> list[Any] | None:
    """Each contract's ``Opinion`` (``verifier.smt.second``): its subfolder of
    ``folder`` (named after the file; emptied of the questions an earlier run
    wrote there, and refused if it holds anything else) and ``confirm``; None
    (and the error written) if that cannot be."""
    import os

    from verifier.smt.second import Opinion, cvc5_version, file_stem, is_ours

    if not folder and not confirm:
        return [None] * len(loaded)
    if confirm and cvc5_version() is None:
        streams.err.write(
            "error: --confirm needs cvc5, which is not installed; install it with "
            "`pip install 'whereas[confirm]'` (or `pip install cvc5`)\n"
        )
        return None
    if not folder:
        return [Opinion(None, confirm) for _ in loaded]
    if os.path.exists(folder) and not os.path.isdir(folder):
        streams.err.write(f"error: --emit-smt2 {folder}: not a folder; give a folder for the SMT-LIB files\n")
        return None
    out: list[Any] = []
    used: set[str] = set()
    for lc in loaded:
        stem = file_stem(os.path.splitext(os.path.basename(lc.contract.file))[0]) or "contract"
        name, n = stem, 1
        while name in used:
            n += 1
            name = f"{stem}-{n}"
        used.add(name)
        sub = os.path.join(folder, name)
        if os.path.isdir(sub):
            entries = sorted(os.scandir(sub), key=lambda e: e.name)
            strange = [
                e.path for e in entries if not (e.is_file() and e.name.endswith(".smt2") and is_ours(e.path))
            ]
            if strange:
                streams.err.write(
                    f"error: --emit-smt2: {sub} holds {strange[0]}, which Whereas did not write; "
                    "nothing was written (give an empty or new folder)\n"
                )
                return None
        elif os.path.exists(sub):
            streams.err.write(
                f"error: --emit-smt2: {sub} is in the way and is not a folder; nothing was written\n"
            )
            return None
        out.append(Opinion(sub, confirm))
    for op in out:  # only once every folder is known to be ours
        if os.path.isdir(op.folder):
            for e in os.scandir(op.folder):
                os.unlink(e.path)
    return out


def run_what_if(
    base: str,
    amendment: str,
    fmt: str,
    output: str | None,
    bound: int | None,
    streams: Streams,
    direct: bool = False,
    report: str | None = None,
    report_format: str | None = None,
    jobs: int | None = None,
    limits: Limits | None = None,
) -> int:
    """``verify BASE --what-if AMENDMENT`` and ``whereas diff BASE OTHER``.
    ``direct``: OTHER may be a whole contract instead of an amendment of BASE.
    ``jobs``, ``limits``: as for ``run_verify``. Both exit as ``comparison_exit``
    says for ``diff``: 0 the versions agree, 1 they differ, 3 undecided."""
    from dsl import syntax as s
    from dsl.load import load_amended, load_contract, parse_file
    from verifier.report.jsondoc import comparison_json
    from verifier.report.text import comparison_text
    from verifier.verify.whatif import compare, comparison_exit

    problem = guard_outputs([("the output", output), ("the report", report)], named=[base, amendment])
    if problem:
        streams.err.write(problem + "\n")
        return EXIT_INPUT
    _warn_output_suffix(output, report, fmt, streams)
    sources = InputsRead()
    with collector_paused(streams):
        lb = load_contract(base, sources)
    if not lb.ok:
        return _bad(lb.diagnostics, sources, fmt, streams, output, [base, amendment])
    with collector_paused(streams):
        node, _ = parse_file(amendment, Sources())
        if direct and isinstance(node, s.ContractFile):
            la = load_contract(amendment, sources)
        else:
            la = load_amended(base, amendment, sources)
    if not la.ok:
        return _bad(la.diagnostics, sources, fmt, streams, output, [base, amendment])
    assert lb.contract is not None and la.contract is not None
    problem = guard_outputs([("the output", output), ("the report", report)], sources)
    if problem:
        streams.err.write(problem + "\n")
        return EXIT_INPUT
    if report is not None:
        from verifier.report import report_format as _report_format
        from verifier.report import report_target_error

        report_format = _report_format(report, report_format)
        problem = report_target_error(report, report_format)
        if problem:
            streams.err.write(problem + "\n")
            return EXIT_INPUT
    apply_memory_ceiling(limits, streams)
    freeze_heap(streams)
    with Progress(streams.err, streams.progress) as progress:
        progress.update(f"comparing {base} and {amendment}")
        cmp = compare(
            lb.contract,
            la.contract,
            lb.sha256,
            la.sha256,
            bound=bound,
            amendment_file=amendment,
            jobs=jobs,
            limits=limits,
        )
    if fmt == "json":
        import json

        text = json.dumps(comparison_json(cmp), indent=2, ensure_ascii=False) + "\n"
    elif fmt in ("sarif", "junit"):
        from verifier.report import machine_report

        text = machine_report(fmt, [], cmp)
    elif fmt == "github":
        from verifier.report.github import comparison

        text = comparison(cmp)
    else:
        text = _text_out(comparison_text(cmp, full=not direct), output, streams)
    if not deliver(text, output, streams):
        return EXIT_INPUT
    if report is not None:
        from verifier.report import human_report

        if not deliver(human_report(report_format or "html", comparison=cmp), report, streams):
            return EXIT_INPUT
    return comparison_exit(cmp)


def _bad(
    diags: list[Diagnostic],
    sources: Sources,
    fmt: str,
    streams: Streams,
    output: str | None,
    files: list[str],
) -> int:
    return report_bad_input(diags, sources, fmt, streams, output, files)
