"""The command line behaves as its users expect (``docs/cli.md``): ``--version`` and
``-h`` everywhere, folders and stdin, colour, ``-q``, progress, limits as options,
``[tool.whereas]``, every format on bad input, one exit-code table, what-if and diff
alike, internal errors, Ctrl-C and closed pipes. Most through ``verifier.cli.main``;
signals, pipes and the console scripts in real subprocesses."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests import ROOT
from verifier.cli import main, verify_main
from verifier.cli.common import EXIT_TABLE, exit_table_markdown

SEED = str(ROOT / "contracts" / "openai_microsoft.contract")
ORACLE_5B = str(ROOT / "examples" / "amendments" / "oracle_cap_5b.amendment")
SCHEMAS = ROOT / "verifier" / "report" / "schemas"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-2.1.0.json").read_text())
BIN = Path(sys.executable).parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")
BAD = 'contract "Broken"\n  party A\n'


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------- --version, -h


@pytest.mark.parametrize("command", [[], ["check"], ["fmt"], ["simulate"], ["verify"], ["diff"]])
def test_version_and_short_help_on_every_command(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from verifier import __version__

    assert main([*command, "--version"]) == 0
    assert capsys.readouterr().out == f"whereas {__version__}\n"
    assert main([*command, "-h"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Usage: whereas")
    assert "Exit codes:" in shown and "-h, --help" in shown


def verify_script(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """The ``verify`` console script's exit code. (Not ``verifier.cli.verify``: once the
    module ``verifier.cli.verify`` is imported, that name is the module.)"""
    monkeypatch.setattr(sys, "argv", ["verify", *argv])
    with pytest.raises(SystemExit) as e:
        verify_main()
    return int(e.value.code or 0)


def test_the_verify_script_has_version_and_short_help(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from verifier import __version__

    assert verify_script(["--version"], monkeypatch) == 0
    assert capsys.readouterr().out == f"whereas {__version__}\n"
    assert verify_script(["-h"], monkeypatch) == 0
    assert "--what-if AMENDMENT" in capsys.readouterr().out


def test_each_help_lists_only_its_own_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "-h"])
    check_help = capsys.readouterr().out
    assert "0    no errors (warnings may be printed)" in check_help
    assert "breach" not in check_help and "3    " not in check_help
    main(["simulate", "-h"])
    assert "1    some party is in breach" in capsys.readouterr().out


def test_one_exit_code_table_in_help_readme_and_docs(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--help"])
    shown = capsys.readouterr().out
    for code, what in EXIT_TABLE:
        assert f"  {code:<4} {what}" in shown
    table = exit_table_markdown()
    assert table in (ROOT / "README.md").read_text()
    assert table in (ROOT / "docs" / "cli.md").read_text()
    assert [c for c, _ in EXIT_TABLE] == [0, 1, 2, 3, 4, 130, 141]


# ---------------------------------------------------------------- inputs


def test_a_folder_recurses_sorted_skipping_hidden_folders(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    text = (ROOT / "contracts" / "mutual_nda.contract").read_text()
    for name in ("b/z.contract", "a.contract", ".hidden/x.contract"):
        (tmp_path / name).write_text(text)
    (tmp_path / "notes.txt").write_text("not a contract")
    code, out, err = run("check", str(tmp_path), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["diagnostics"] == []
    assert run("check", str(tmp_path)) == (0, "ok: 2 files checked\n", "")
    (tmp_path / "b" / "z.contract").write_text(BAD)
    code, out, _ = run("check", str(tmp_path), "--format", "json")
    assert code == 2
    assert {d["file"] for d in json.loads(out)["diagnostics"]} == {str(tmp_path / "b" / "z.contract")}


def test_stdin_with_its_name_for_diagnostics(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(BAD))
    code, _, err = run("check", "-", "--stdin-filename", "draft.contract")
    assert code == 2
    assert err.startswith("draft.contract:2:3: error[syntax-unexpected-token]")
    nda = str(ROOT / "contracts" / "mutual_nda.contract")
    monkeypatch.setattr(sys, "stdin", io.StringIO(Path(nda).read_text()))
    code, out, _ = run("fmt", "-")
    assert (code, out) == run("fmt", nda)[:2]
    monkeypatch.setattr(sys, "stdin", io.StringIO(Path(SEED).read_text()))
    code, out, _ = run("verify", "-", "--stdin-filename", "seed.contract", "-q")
    assert code == 0 and out.endswith("10 checks: 10 hold, 0 fail, 0 unknown; 0 findings\n")


def test_fmt_write_of_stdin_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--write", "-"]) == 2
    assert "stdin (-) has no file to rewrite" in capsys.readouterr().err


# ---------------------------------------------------------------- colour, -q, progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _verify_to(out: io.StringIO, *options: str) -> str:
    main(["verify", SEED, "--no-analyses", *options], out, io.StringIO())
    return out.getvalue()


def test_colour_always_never_and_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(var, raising=False)
    assert ANSI.search(_verify_to(io.StringIO(), "--color", "always"))
    assert not ANSI.search(_verify_to(Terminal(), "--color", "never"))
    assert not ANSI.search(_verify_to(io.StringIO()))  # auto, not a terminal
    assert ANSI.search(_verify_to(Terminal()))  # auto, a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(_verify_to(Terminal()))
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not ANSI.search(_verify_to(Terminal()))
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert ANSI.search(_verify_to(io.StringIO()))
    coloured = _verify_to(io.StringIO(), "--color", "always")
    assert ANSI.sub("", coloured) == _verify_to(io.StringIO(), "--color", "never")


def test_quiet_prints_only_the_verdicts() -> None:
    code, out, err = run("verify", SEED, "-q")
    lines = out.splitlines()
    assert code == 0 and err == ""
    assert len(lines) == 11
    assert all(line.startswith("HOLDS   ") for line in lines[:10])
    assert lines[-1] == "10 checks: 10 hold, 0 fail, 0 unknown; 0 findings"


def test_progress_only_on_a_terminal_and_erased_at_the_end() -> None:
    from verifier.cli.progress import CLEAR, Progress, wanted

    assert not wanted(io.StringIO(), quiet=False)
    assert not wanted(Terminal(), quiet=True)
    assert wanted(Terminal(), quiet=False)
    err = Terminal()
    with Progress(err, True, delay=0.05, tick=0.05) as p:
        p.update("verifying big.contract")
        time.sleep(0.3)
    shown = err.getvalue()
    assert "verifying big.contract ... 0s" in shown
    assert shown.endswith(CLEAR)  # nothing is left on the line
    quick = Terminal()
    with Progress(quick, True):
        pass
    assert quick.getvalue() == ""


# ---------------------------------------------------------------- limits and configuration


@pytest.mark.parametrize(
    ("option", "says"),
    [
        (["--max-memory", "10X"], "expected a size such as 512M or 2G, found '10X'"),
        (["--timeout", "0"], "Invalid value for '--timeout'"),
        (["--rlimit", "0"], "Invalid value for '--rlimit'"),
    ],
)
def test_bad_limits_are_usage_errors(
    option: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", SEED, *option]) == 2
    assert says in capsys.readouterr().err


def test_limits_reach_the_verifier(monkeypatch: pytest.MonkeyPatch) -> None:
    import verifier.verify.run as run_module
    from verifier.verify.limits import Limits

    seen: list[object] = []
    real = run_module.verify_contract

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(kwargs.get("limits"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run_module, "verify_contract", spy)
    code, _, _ = run("verify", SEED, "--timeout", "30", "--rlimit", "9000000", "--max-memory", "2G", "-q")
    assert code == 0
    assert seen == [Limits(timeout=30.0, rlimit=9_000_000, max_memory=2 << 30)]


def test_tool_whereas_in_pyproject_sets_options_the_command_line_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.whereas]\nformat = "json"\n')
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # searched upward
    code, out, _ = run("check", SEED)
    assert code == 0 and json.loads(out)["schema"] == "whereas.check/1"
    assert run("check", SEED, "--format", "text") == (0, "ok: 1 file checked\n", "")


def test_a_bad_tool_whereas_value_names_the_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.whereas]\nbound = 99\ncolour = "never"\n')
    monkeypatch.chdir(tmp_path)
    code, out, err = run("verify", SEED)
    assert code == 2 and out == ""
    assert "pyproject.toml" in err and "bound" in err


# ---------------------------------------------------------------- formats, on bad input too


def _valid(fmt: str, text: str) -> None:
    if fmt == "json":
        schema = json.loads((SCHEMAS / "check.schema.json").read_text())
        jsonschema.validate(json.loads(text), schema)
    elif fmt == "sarif":
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(text))
    elif fmt == "junit":
        assert ET.fromstring(text).tag == "testsuites"
    else:
        assert text.startswith("::error file=")


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github"])
@pytest.mark.parametrize("command", ["check", "verify", "simulate"])
def test_every_machine_format_prints_one_document_on_bad_input(
    tmp_path: Path, command: str, fmt: str
) -> None:
    bad = tmp_path / ("bad.scenario" if command == "simulate" else "bad.contract")
    bad.write_text(BAD)
    code, out, _ = run(command, str(bad), "--format", fmt)
    assert code == 2
    _valid(fmt, out)
    assert "syntax-unexpected" in out


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github"])
def test_a_missing_file_is_a_document_too(fmt: str) -> None:
    code, out, _ = run("verify", "no/such.contract", "--format", fmt)
    assert code == 2
    _valid(fmt, out)
    assert "file-not-found" in out


def test_github_annotations_of_a_failing_check(tmp_path: Path) -> None:
    code, out, _ = run("verify", str(ROOT / "contracts" / "saas_agreement.contract"), "--format", "github")
    text_code, text, _ = run("verify", str(ROOT / "contracts" / "saas_agreement.contract"))
    assert code == text_code
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert annotations and all(
        re.match(r"^::(error|warning|notice) file=[^,]+,line=\d+", a) for a in annotations
    )
    assert out.splitlines()[-1].endswith("8 checks: 7 hold, 1 fail, 0 unknown; 0 findings")


# ---------------------------------------------------------------- what-if and diff alike


def test_what_if_and_diff_exit_alike() -> None:
    what_if, _, _ = run("verify", SEED, "--what-if", ORACLE_5B, "--no-analyses")
    diff, _, _ = run("diff", SEED, ORACLE_5B)
    assert what_if == diff == 1  # the $5B cap tells the versions apart
    reword = str(ROOT / "examples" / "amendments" / "reword_only.amendment")
    assert run("verify", SEED, "--what-if", reword, "--no-analyses")[0] == run("diff", SEED, reword)[0] == 0


# ---------------------------------------------------------------- never a traceback


def test_an_internal_error_is_exit_4_with_where_and_what(monkeypatch: pytest.MonkeyPatch) -> None:
    import verifier.verify.run as run_module

    def boom(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(run_module, "verify_contract", boom)
    monkeypatch.delenv("WHEREAS_DEBUG", raising=False)
    code, out, err = run("verify", SEED)
    assert code == 4 and out == ""
    lines = err.splitlines()
    assert lines[0] == "internal error: RuntimeError: boom"
    assert re.match(
        r"  at verifier/cli/verify\.py:\d+, in run_verify", lines[1]
    )  # the innermost frame of ours
    assert "please report it" in err and "Traceback" not in err
    monkeypatch.setenv("WHEREAS_DEBUG", "1")
    assert "Traceback (most recent call last)" in run("verify", SEED)[2]


def test_a_bad_source_date_epoch_is_bad_usage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    code, out, err = run("verify", SEED, "--format", "sarif", "--no-analyses")
    assert (code, out) == (2, "")
    assert err == (
        "error: SOURCE_DATE_EPOCH='soon' is not a whole number of seconds since 1970-01-01 "
        "(for example SOURCE_DATE_EPOCH=1700000000)\n"
    )


# ---------------------------------------------------------------- signals and pipes


@pytest.fixture(scope="module")
def slow_contract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("slow") / "big.contract"
    gen = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_contract.py"), "8000", "800"],  # a minute of work
        capture_output=True,
        text=True,
        check=True,
    )
    path.write_text(gen.stdout)
    return path


def test_ctrl_c_is_one_line_and_exit_130_with_nothing_written(slow_contract: Path) -> None:
    out = slow_contract.parent / "out.json"
    p = subprocess.Popen(
        [str(BIN / "verify"), str(slow_contract), "--format", "json", "-o", str(out), "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    stdout, stderr = p.communicate(timeout=60)
    assert p.returncode == 130
    assert stderr.strip() == "interrupted"
    assert stdout == ""
    assert sorted(x.name for x in slow_contract.parent.iterdir()) == ["big.contract"]


def test_a_closed_pipe_ends_quietly() -> None:
    """The reader gone before the output is written: exit 141, not a word on stderr. Then
    as a shell runs it, ``verify ... | head -1``: quiet whether or not the output still
    fitted in the pipe when ``head`` left (exit 141 or the verdicts' code)."""
    every = sorted(str(p) for p in (ROOT / "contracts").glob("*.contract"))
    for argv in ([str(BIN / "verify"), SEED], [str(BIN / "whereas"), "verify", SEED, "--format", "sarif"]):
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert p.stdout is not None
        p.stdout.close()
        _, err = p.communicate(timeout=60)
        assert (p.returncode, err) == (141, "")
    shell = subprocess.run(
        f"{BIN / 'verify'} {' '.join(every)} --no-analyses --format sarif | head -1; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
    )
    assert shell.stdout == "{\n" and shell.stderr == ""
    assert shell.returncode in (1, 141)  # saas_agreement has a failing check


def test_version_stays_off_z3_and_verify_file_off_click() -> None:
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "verifier", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert r.returncode == 0
    imported = {
        line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")
    }
    assert "z3" not in imported
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "verifier", SEED], cwd=ROOT, capture_output=True, text=True
    )
    assert r.returncode == 0
    imported = {
        line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")
    }
    assert "click" not in imported and "z3" in imported


def test_o_with_an_html_name_says_it_writes_the_format_not_a_report(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, _, err = run("verify", SEED, "--check", "exit_via_agi", "-o", str(out))
    assert code == 0
    assert (
        f"warning: -o writes the text output to {out}, not an HTML report; for the report give --report {out}"
        in err
    )
    assert out.read_text(encoding="utf-8").startswith("Microsoft–OpenAI partnership")


def test_simulate_timeout_says_unknown_and_exits_3(tmp_path: Path) -> None:
    days = "".join(
        f"2024-{m:02d}-{d:02d} RequestCompute(amount: $1B) by OpenAI\n" for m in (2, 3) for d in range(1, 21)
    )
    sc = tmp_path / "forty.scenario"
    sc.write_text(f'scenario "Forty requests"\n  for "{SEED}"\n\n' + days, encoding="utf-8")
    code, out, err = run("simulate", str(sc), "--timeout", "0.000001")
    assert (code, out) == (3, "")
    assert err == f"unknown: the simulation of {sc} did not finish within --timeout 1e-06s\n"
    code, out, _ = run("simulate", str(sc), "--timeout", "60")
    assert (code, out.splitlines()[-1]) == (1, "Breach: Microsoft (40 violations: §3)")


def test_plain_verify_without_click_runs_as_click_would() -> None:
    """``verify FILE`` alone skips click; it must give what ``verify FILE --format text``
    gives through click, bounds included (each check at the occurrences it needs). Run
    as processes: the console script sets the process's own limits (its memory ceiling),
    which must not stay on the test run."""
    saas = str(ROOT / "contracts" / "saas_agreement.contract")
    env = {**os.environ, "NO_COLOR": "1"}

    def script(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "verify"), *argv], capture_output=True, text=True, env=env, timeout=300
        )

    plain, through_click = script(saas), script(saas, "--format", "text")
    assert (plain.returncode, through_click.returncode) == (1, 1)  # one of its checks fails, as it should
    assert through_click.stdout == plain.stdout
    assert "bounds: each check solved at the occurrences its question can need" in plain.stdout
    assert "coverage: bounded" not in plain.stdout


# ---------------------------------------------------------------- findings and the exit code

# a conflict (an error) once the contract has ended, and the same with a right whose
# condition never holds: no conflict, a dead clause (a warning)
CONFLICT = (ROOT / "tests" / "data" / "conflict_after_termination.contract").read_text()


def test_a_conflict_fails_verify_and_a_warning_only_with_strict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conflict = tmp_path / "conflict.contract"
    conflict.write_text(CONFLICT)
    dead = tmp_path / "dead.contract"
    dead.write_text(CONFLICT.replace("while Active", "while Never"))
    code, out, _ = run("verify", str(conflict))
    assert code == 1 and "error[conflict]" in out and "0 checks" in out
    code, out, _ = run("verify", str(dead))
    assert code == 0 and "warning[dead-clause]: §2 Exit can never apply to anything" in out
    assert run("verify", str(dead), "--strict")[0] == 1
    assert run("verify", str(conflict), "--no-analyses")[0] == 0  # no analyses, no finding
    # the console script's own path (no click) exits alike
    script = subprocess.run([str(BIN / "verify"), str(conflict)], capture_output=True, text=True)
    assert script.returncode == 1, script.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.whereas]\nstrict = true\n")
    monkeypatch.chdir(tmp_path)
    assert run("verify", str(dead))[0] == 1
