"""The TextMate grammar under the npm registry's ``vscode-tmgrammar-test``, which tokenises
with vscode-textmate and Oniguruma, as VS Code does: ``npm run test:grammar`` in
editors/vscode/ checks the ``^`` assertions of every file in editors/vscode/tests/grammar/,
and a file with a wrong assertion makes it fail. Skipped, with the reason, until
``npm ci`` has installed the tool (.ci/run does). The assertion files are Whereas files
too (their assertion lines are comments): the checker accepts them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import ROOT

VSCODE = ROOT / "editors" / "vscode"
CASES = sorted((VSCODE / "tests" / "grammar").glob("*.*"))
TOOL = VSCODE / "node_modules" / ".bin" / "vscode-tmgrammar-test"

needs_tool = pytest.mark.skipif(
    not TOOL.exists() or shutil.which("npm") is None or shutil.which("node") is None,
    reason="vscode-tmgrammar-test is not installed: run `npm ci` in editors/vscode (needs node and npm)",
)


def _test_grammar(*extra: str) -> subprocess.CompletedProcess[str]:
    """``npm run test:grammar`` in editors/vscode, with extra test files after its own."""
    npm = shutil.which("npm")
    assert npm is not None
    return subprocess.run(
        [npm, "run", "--silent", "test:grammar", "--", *extra],
        cwd=VSCODE,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "FORCE_COLOR": "0", "NO_COLOR": "1"},
    )


def test_there_is_a_case_for_each_kind_of_file() -> None:
    assert {p.suffix for p in CASES} == {".contract", ".scenario", ".amendment"}
    for p in CASES:
        assert p.read_text(encoding="utf-8").startswith('# SYNTAX TEST "source.whereas" "')


@needs_tool
def test_every_grammar_case_passes() -> None:
    run = _test_grammar()
    assert run.returncode == 0, run.stdout + run.stderr
    for p in CASES:
        assert f"tests/grammar/{p.name} run successfuly." in run.stdout  # (sic) the tool's words


@needs_tool
def test_a_wrong_assertion_fails(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.contract"
    wrong.write_text(
        '# SYNTAX TEST "source.whereas" "assertions that do not hold"\n'
        "party OpenAI\n"
        "# <----- string.quoted.double.whereas\n"
        "#     ^^^^^^ - variable.other.whereas\n",
        encoding="utf-8",
    )
    run = _test_grammar(str(wrong))
    assert run.returncode != 0
    assert f"{wrong} failed" in run.stdout
    assert "missing required scopes: string.quoted.double.whereas" in run.stdout
    assert "prohibited scopes: variable.other.whereas" in run.stdout
    for p in CASES:  # the good files still pass beside it
        assert f"tests/grammar/{p.name} run successfuly." in run.stdout


def test_the_cases_are_whereas_files_the_checker_accepts() -> None:
    whereas = Path(sys.executable).parent / "whereas"
    run = subprocess.run(
        [str(whereas), "check", *(str(p) for p in CASES)], capture_output=True, text=True, timeout=120
    )
    assert (run.returncode, run.stderr) == (0, ""), run.stdout + run.stderr
    assert run.stdout == f"ok: {len(CASES)} files checked\n"
