"""``verify FILE... [--check NAME] [--format text|json|sarif|junit] [-o OUT] [--bound K] [--report R]``.

Loads and checks each contract (diagnostics and exit 2 on bad input), then
verifies it (``verifier.verify``), and prints text or JSON. z3 is imported
only after the input has been found good, click only when the commands
``verify_command`` and ``diff_command`` are first asked for.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from dsl.diagnostics import Sources
from verifier.cli import EXIT_INPUT, HELP_EXIT, Streams, print_diagnostics


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
    """``before_solving``: called once the input has been found good, before the first proof."""
    from dsl.load import load_contract
    from verifier.report.jsondoc import to_json
    from verifier.report.text import to_text
    from verifier.verify.results import exit_code
    from verifier.verify.run import verify_contract

    sources = Sources()
    loaded = []
    bad = False
    for f in files:
        lc = load_contract(f, sources)
        if lc.diagnostics:
            print_diagnostics([d for d in lc.diagnostics if d.is_error or not lc.ok], sources, streams.err,
                              show_summary=not lc.ok)
        if not lc.ok:
            bad = True
            continue
        loaded.append(lc)
    if bad:
        return EXIT_INPUT
    if output is not None and any(os.path.abspath(output) == os.path.abspath(f) for f in files):
        streams.err.write(f"error: refusing to write the output over the input file {output}\n")
        return EXIT_INPUT
    if report is not None:
        from verifier.report import input_files, report_target_error
        from verifier.report import report_format as _report_format

        report_format = _report_format(report, report_format)
        problem = report_target_error(report, report_format, input_files(
            [lc.contract for lc in loaded if lc.contract is not None], files), output)
        if problem:
            streams.err.write(problem + "\n")
            return EXIT_INPUT
    for lc in loaded:
        assert lc.contract is not None
        unknown_checks = [x for x in checks if not any(x in (c.id, c.title) for c in lc.contract.checks)]
        if unknown_checks:
            ids = ", ".join(c.id for c in lc.contract.checks)
            streams.err.write(f"error: no check named {', '.join(unknown_checks)} in {lc.contract.file} (checks: {ids})\n")
            return EXIT_INPUT
    if before_solving is not None:
        before_solving()
    codes = []
    docs: list[dict[str, Any]] = []
    texts: list[str] = []
    verified = []
    for lc in loaded:
        assert lc.contract is not None
        v = verify_contract(lc.contract, lc.sha256, bound=bound, only=checks or None, analyses=analyses, jobs=jobs,
                            timelines=report is not None or fmt == "sarif")
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


def run_what_if(base: str, amendment: str, fmt: str, output: str | None, bound: int, streams: Streams,
                direct: bool = False, report: str | None = None, report_format: str | None = None) -> int:
    """``verify BASE --what-if AMENDMENT`` and ``whereas diff BASE OTHER``.
    ``direct``: OTHER may be a whole contract instead of an amendment of BASE."""
    from dsl import syntax as s
    from dsl.load import load_amended, load_contract, parse_file
    from verifier.report.jsondoc import comparison_json
    from verifier.report.text import comparison_text
    from verifier.verify.whatif import compare, comparison_exit

    sources = Sources()
    lb = load_contract(base, sources)
    if not lb.ok:
        print_diagnostics(lb.diagnostics, sources, streams.err)
        return EXIT_INPUT
    node, _ = parse_file(amendment, Sources())
    if direct and isinstance(node, s.ContractFile):
        la = load_contract(amendment, sources)
    else:
        la = load_amended(base, amendment, sources)
    if not la.ok:
        print_diagnostics(la.diagnostics, sources, streams.err)
        return EXIT_INPUT
    assert lb.contract is not None and la.contract is not None
    if output is not None:
        from dsl.load import same_file
        from verifier.report import input_files

        if any(same_file(output, f) for f in input_files([lb.contract, la.contract], [base, amendment])):
            streams.err.write(f"error: refusing to write the output over the input file {output}\n")
            return EXIT_INPUT
    if report is not None:
        from verifier.report import input_files, report_target_error
        from verifier.report import report_format as _report_format

        report_format = _report_format(report, report_format)
        problem = report_target_error(report, report_format, input_files([lb.contract, la.contract], [base, amendment]),
                                      output)
        if problem:
            streams.err.write(problem + "\n")
            return EXIT_INPUT
    cmp = compare(lb.contract, la.contract, lb.sha256, la.sha256, bound=bound, amendment_file=amendment)
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


def deliver(text: str, path: str | None, streams: Streams) -> bool:
    """Print ``text``, or write it to ``path``; False (having said why) if it cannot be written."""
    if path is None:
        streams.out.write(text)
        return True
    err = write_output(path, text)
    if err:
        streams.err.write(err + "\n")
        return False
    return True


def write_output(path: str, text: str) -> str | None:
    """Write atomically; say why not instead of raising."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"error: cannot write {path}: the folder {folder} does not exist"
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return f"error: cannot write {path}: {e.strerror}"
    return None


_COMMANDS = ("verify_command", "diff_command")


def _build_commands() -> None:
    """Define the click commands ``verify`` and ``diff`` (once; ``verifier.cli`` adds them to ``whereas``)."""
    import click

    @click.command(
        "verify",
        help="Prove or refute the checks of contract files with the Z3 solver.\n\n"
        "Each check gets a verdict (holds / fails / unknown), the clauses that decide it and, "
        "where one exists, a dated scenario replayed in the reference interpreter.\n\n" + HELP_EXIT,
    )
    @click.argument("files", nargs=-1, required=True)
    @click.option("--check", "checks", multiple=True, metavar="NAME", help="verify only this check (id or title); repeatable")
    @click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "junit"]), default="text",
                  show_default=True, help="text or json; sarif (SARIF 2.1.0, code scanning) or junit (JUnit XML, CI)")
    @click.option("-o", "--output", type=str, default=None, help="write the result to this file instead of stdout")
    @click.option("--report", "report", type=str, default=None, metavar="PATH",
                  help="also write a human report to PATH: one self-contained HTML file (.html) or Markdown (.md)")
    @click.option("--report-format", "report_format", type=click.Choice(["html", "md"]), default=None,
                  help="the report's format, if its file name does not end in .html or .md")
    @click.option("--bound", type=click.IntRange(1, 8), default=2, show_default=True,
                  help="occurrences of each event the solver considers (proofs are re-checked at bound+1)")
    @click.option("--jobs", type=click.IntRange(1, 64), default=None, metavar="N",
                  help="processes for a big contract's slices (default: one per core; small contracts use one)")
    @click.option("--timings", is_flag=True, help="include solver times (makes output non-deterministic)")
    @click.option("--no-analyses", is_flag=True, help="skip the built-in analyses (conflicts, dead clauses, ...)")
    @click.option("--what-if", "what_if", type=str, default=None, metavar="AMENDMENT",
                  help="compare with the contract as AMENDMENT changes it: verdicts before and after, and a "
                  "scenario on which the two versions differ")
    def verify_command(files: tuple[str, ...], checks: tuple[str, ...], fmt: str, output: str | None, bound: int,
                       timings: bool, no_analyses: bool, what_if: str | None, report: str | None = None,
                       report_format: str | None = None, jobs: int | None = None) -> None:
        streams = Streams(sys.stdout, sys.stderr)
        if what_if is not None:
            if len(files) != 1:
                raise click.UsageError("--what-if compares one contract with one amendment")
            raise SystemExit(run_what_if(files[0], what_if, fmt, output, bound, streams, report=report,
                                         report_format=report_format))
        raise SystemExit(run_verify(list(files), list(checks), fmt, output, bound, timings, streams, not no_analyses,
                                    report, report_format, jobs=jobs))

    @click.command(
        "diff",
        help="Compare two versions of a contract: BASE and OTHER, an amendment of it or a whole contract. "
        "Prints each check's verdict before and after, and a scenario on which the versions differ, "
        "or the proof that none exists within the bounds.\n\n" + HELP_EXIT,
    )
    @click.argument("base")
    @click.argument("other")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @click.option("-o", "--output", type=str, default=None, help="write the result to this file instead of stdout")
    @click.option("--bound", type=click.IntRange(1, 8), default=2, show_default=True)
    def diff_command(base: str, other: str, fmt: str, output: str | None, bound: int) -> None:
        raise SystemExit(run_what_if(base, other, fmt, output, bound, Streams(sys.stdout, sys.stderr), direct=True))

    globals().update(verify_command=verify_command, diff_command=diff_command)


def __getattr__(name: str) -> Any:
    """``verify_command`` and ``diff_command``: the click commands, built on first use."""
    if name in _COMMANDS:
        if name not in globals():
            _build_commands()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
