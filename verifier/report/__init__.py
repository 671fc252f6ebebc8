"""Proof-of-property reports: from verdicts to documents.

From ``Verification`` (or a what-if ``Comparison``) to
- a human report, Markdown or one self-contained HTML file (``human``, through
  the view model in ``view`` and the templates in ``templates/``);
- SARIF 2.1.0 for code scanning (``sarif``) and JUnit XML for CI (``junit``).

Each document carries the date of the run and the versions of whereas, Python
and Z3 (``RunInfo``); everything else in it depends only on the input.
Nothing here imports z3 except ``RunInfo.now`` (for Z3's version), and the
command line imports this package only when a report is asked for.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from verifier.report.view import RunInfo
from verifier.verify.results import Verification
from verifier.verify.whatif import Comparison

__all__ = [
    "HUMAN_FORMATS",
    "MACHINE_FORMATS",
    "RunInfo",
    "human_report",
    "machine_report",
    "report_format",
    "report_target_error",
]

HUMAN_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}
MACHINE_FORMATS = ("sarif", "junit")


def report_format(path: str, override: str | None) -> str | None:
    """html or md: as asked, else from the file's extension; None if neither tells."""
    if override:
        return override
    return HUMAN_FORMATS.get(os.path.splitext(path)[1].lower())


def report_target_error(path: str, fmt: str | None) -> str | None:
    """Why the report cannot be written to ``path``, before any work is done;
    None if it can be tried. That it is no input and not the output (-o) is
    ``verifier.files.guard_outputs``'s to say, by file identity, and a device
    such as /dev/null may take both."""
    if fmt is None:
        ext = os.path.splitext(path)[1] or "no extension"
        return (
            f"error: cannot tell the report format of {path} from its extension ({ext}); "
            "name it .html or .md, or add --report-format html|md"
        )
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"error: cannot write the report {path}: the folder {folder} does not exist"
    if os.path.isdir(path):
        return f"error: cannot write the report {path}: it is a folder"
    if not os.access(folder, os.W_OK):
        return f"error: cannot write the report {path}: the folder {folder} is not writable"
    return None


def human_report(
    fmt: str,
    verifications: Sequence[Verification] = (),
    comparison: Comparison | None = None,
    run: RunInfo | None = None,
) -> str:
    """The Markdown (``md``) or HTML (``html``) report of a run or of a what-if."""
    from verifier.report.human import render_html, render_markdown
    from verifier.report.view import comparison_report, report_view

    run = run or RunInfo.now()
    view = comparison_report(comparison, run) if comparison is not None else report_view(verifications, run)
    return render_html(view) if fmt == "html" else render_markdown(view)


def machine_report(
    fmt: str,
    verifications: Sequence[Verification],
    comparison: Comparison | None = None,
    run: RunInfo | None = None,
) -> str:
    """SARIF (``sarif``) or JUnit XML (``junit``). For a what-if, the amended
    contract's results, with the verdicts before and after noted."""
    run = run or RunInfo.now()
    if comparison is not None:
        verifications = [comparison.amended]
    if fmt == "sarif":
        from verifier.report.sarif import sarif_text

        return sarif_text(verifications, run, comparison)
    from verifier.report.junit import junit_text

    return junit_text(verifications, run, comparison)
