"""Golden diagnostics: one bad input per code in ``dsl.diagnostics.CODES``, and
the exact text ``whereas check`` prints for it.

A case is a file ``tests/golden/diagnostics/<code>[--variant].<kind>`` (kind:
contract, scenario or amendment) next to ``<code>[--variant].expected``, which
holds what ``whereas check <file>`` writes to stderr, then to stdout, then a line
``exit: N``. Checks run in-process from inside the golden folder, so file names
in the output are relative and the same on every machine. Two inputs are made at
test time (a missing file, a directory); ``wrong-contract`` can only come from
``load_amended`` (the what-if of ``verify``), so that case runs it instead.

``pytest tests/dsl/test_diagnostics.py --update-golden`` rewrites the expected files
from the current output; review the change with ``git diff``.

Bugs found while writing these are the ``xfail(strict=True)`` tests at the end:
each asserts the behaviour we want, and fails loudly once it is fixed.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dsl.diagnostics import CODES, Sources
from dsl.load import load_amended, load_scenario
from dsl.parse import parse_text
from tests import ROOT, TESTS
from verifier.cli.check import run_check
from verifier.cli.common import EXIT_INPUT, EXIT_OK, Streams, print_diagnostics

GOLDEN = TESTS / "golden" / "diagnostics"
INPUT_SUFFIXES = (".contract", ".scenario", ".amendment")

# Inputs that cannot be shipped as files: made (or left missing) at test time.
VIRTUAL = {
    "file-not-found": "file-not-found.contract",  # must not exist in the golden folder
    "not-a-file": "not-a-file.contract",  # a directory, made in tmp_path
    # over a limit of dsl.limits: too large to ship, written in tmp_path
    "file-too-large": "file-too-large.contract",
    "text-too-long": "text-too-long.contract",
    "too-many-declarations": "too-many-declarations.contract",
}

_HEAD = 'contract "Big" effective 2024-01-01 horizon 2025-01-01\nparty Buyer\n'


def _generated(name: str) -> str:
    """The content of a virtual case over a limit (``dsl.limits``)."""
    if name == "file-too-large":  # 4 MiB and a bit, of comments
        return "# a file over the size limit\n" + ("# " + "x" * 1021 + "\n") * 4100
    if name == "text-too-long":  # one text of 100,100 characters, over 1,001 lines
        body = "\n  ".join(["y" * 99] * 1001)
        return "# a text over the length limit\n" + _HEAD + 'party Seller "' + body + '"\n'
    # 100,001 declarations
    return "# more items than a file may have\n" + _HEAD + "party Buyer\n" * 100_000


# Cases run through `load_amended(base, amendment)` instead of `whereas check`.
WHAT_IF_BASE = {"wrong-contract": "lib/other.contract"}


@dataclass(frozen=True)
class Case:
    name: str  # "<code>" or "<code>--<variant>"
    input: str  # file name, relative to the folder the case runs in

    @property
    def code(self) -> str:
        return self.name.split("--")[0]

    @property
    def expected_path(self) -> Path:
        return GOLDEN / f"{self.name}.expected"


def discover() -> list[Case]:
    shipped = [
        Case(p.name.rsplit(".", 1)[0], p.name)
        for p in GOLDEN.iterdir()
        if p.is_file() and p.name.endswith(INPUT_SUFFIXES)
    ]
    virtual = [Case(name, file) for name, file in VIRTUAL.items()]
    return sorted(shipped + virtual, key=lambda c: c.name)


CASES = discover()


@dataclass
class Outcome:
    text: str  # stderr + stdout + "exit: N"
    exit: int
    diagnostics: list[dict[str, Any]]  # the JSON form of every diagnostic

    @property
    def codes(self) -> set[str]:
        return {d["code"] for d in self.diagnostics}


def run_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Outcome:
    if case.name == "not-a-file":
        monkeypatch.chdir(tmp_path)
        (tmp_path / case.input).mkdir()
    elif case.name in VIRTUAL and case.name != "file-not-found":
        monkeypatch.chdir(tmp_path)
        (tmp_path / case.input).write_text(_generated(case.name), encoding="utf-8")
    else:
        monkeypatch.chdir(GOLDEN)
    if case.name in WHAT_IF_BASE:
        sources = Sources()
        loaded = load_amended(WHAT_IF_BASE[case.name], case.input, sources)
        err = io.StringIO()
        print_diagnostics(loaded.diagnostics, sources, err)
        rc = EXIT_INPUT if any(d.is_error for d in loaded.diagnostics) else EXIT_OK
        return Outcome(err.getvalue() + f"exit: {rc}\n", rc, [d.to_json() for d in loaded.diagnostics])
    out, err = io.StringIO(), io.StringIO()
    rc = run_check([case.input], "text", Streams(out, err))
    jout, jerr = io.StringIO(), io.StringIO()
    rc_json = run_check([case.input], "json", Streams(jout, jerr))
    assert rc_json == rc, "text and JSON output disagree on the exit code"
    assert jerr.getvalue() == "", "--format json writes nothing to stderr"
    return Outcome(
        err.getvalue() + out.getvalue() + f"exit: {rc}\n", rc, json.loads(jout.getvalue())["diagnostics"]
    )


# ----------------------------------------------------------------- the registry is covered


def test_every_code_has_a_golden_case() -> None:
    missing = sorted(set(CODES) - {c.code for c in CASES})
    assert missing == [], f"codes without tests/golden/diagnostics/<code>.<kind>: {missing}"


def test_every_case_is_named_after_a_code() -> None:
    unknown = sorted(c.name for c in CASES if c.code not in CODES)
    assert unknown == [], f"golden cases whose name is not a code in CODES: {unknown}"


def test_every_expected_file_has_a_case() -> None:
    names = {c.name for c in CASES}
    orphans = sorted(p.name for p in GOLDEN.glob("*.expected") if p.stem not in names)
    assert orphans == [], f"expected outputs without an input: {orphans}"


def test_virtual_inputs_are_not_shipped() -> None:
    for file in VIRTUAL.values():
        assert not (GOLDEN / file).exists(), f"{file} must be made at test time, not shipped"


# ----------------------------------------------------------------- the golden outputs


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, update_golden: bool) -> None:
    got = run_case(case, tmp_path, monkeypatch)

    # The case produces its code, and no error of another code: each input is
    # about one mistake.
    assert case.code in got.codes, f"{case.input} does not produce {case.code}: {sorted(got.codes)}"
    other_errors = sorted({d["code"] for d in got.diagnostics if d["severity"] == "error"} - {case.code})
    assert other_errors == [], f"{case.input} also produces {other_errors}"
    severity = CODES[case.code][0]
    assert got.exit == (EXIT_INPUT if severity == "error" else EXIT_OK)
    for d in got.diagnostics:
        assert d["message"], d
        assert d["line"] >= 1, d

    # No absolute path leaks into the output (it must be the same on every machine).
    for path in (str(ROOT), str(tmp_path), os.path.expanduser("~")):
        assert len(path) < 2 or path not in got.text

    if update_golden:
        case.expected_path.write_text(got.text, encoding="utf-8")
        return
    assert case.expected_path.exists(), (
        f"no {case.expected_path.name}: run `pytest tests/dsl/test_diagnostics.py --update-golden` and review it"
    )
    assert got.text == case.expected_path.read_text(encoding="utf-8")


# ----------------------------------------------------------------- JSON, several errors, no traceback


def test_json_output_is_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    out, err = io.StringIO(), io.StringIO()
    rc = run_check(["undefined-argument.contract"], "json", Streams(out, err))
    assert rc == EXIT_INPUT
    assert err.getvalue() == ""
    assert json.loads(out.getvalue()) == {
        "schema": "whereas.check/1",
        "diagnostics": [
            {
                "code": "undefined-argument",
                "severity": "error",
                "message": "event Deliver has no argument `price`",
                "file": "undefined-argument.contract",
                "line": 6,
                "col": 27,
                "end_line": 6,
                "end_col": 39,
                "expected": "amount",
                "found": "price",
                "hint": None,
                "labels": [],
            }
        ],
        "summary": {"errors": 1, "warnings": 0},
    }


def test_json_output_for_a_clean_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    out, err = io.StringIO(), io.StringIO()
    assert run_check(["lib/base.contract"], "json", Streams(out, err)) == EXIT_OK
    assert json.loads(out.getvalue()) == {
        "schema": "whereas.check/1",
        "diagnostics": [],
        "summary": {"errors": 0, "warnings": 0},
    }


THREE_ERRORS = """\
contract "Three mistakes" effective 2024-01-01 horizon 2030-12-31
party Buyer
party Seller
event Deliver(amount: money) by Seller
§1 Delivery
  Seller must not Deliver(amount: 2024-05-01)
§2 Who delivers
  Buyer must not Deliver
§3 Price
  Seller must not Deliver(price > $5)
"""


def test_every_error_in_a_file_is_reported_in_line_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("three.contract").write_text(THREE_ERRORS, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_check(["three.contract"], "json", Streams(out, err)) == EXIT_INPUT
    diags = json.loads(out.getvalue())["diagnostics"]
    assert [(d["code"], d["line"], d["col"]) for d in diags] == [
        ("type-mismatch", 6, 35),
        ("wrong-actor", 8, 3),
        ("undefined-argument", 10, 27),
    ]
    assert all(d["severity"] == "error" for d in diags)
    text_out, text_err = io.StringIO(), io.StringIO()
    run_check(["three.contract"], "text", Streams(text_out, text_err))
    assert text_err.getvalue().endswith("3 errors, 0 warnings\n")
    assert text_out.getvalue() == ""


THREE_SYNTAX_ERRORS = """\
contract "Three slips" effective 2024-01-01 horizon 2030-12-31
party Seller;
event Deliver by Seller Seller
§1 Delivery
  Seller must not Deliver
check "x": sometimes Deliver
"""


def test_every_syntax_error_in_a_file_is_reported() -> None:
    node, diags = parse_text(THREE_SYNTAX_ERRORS, "slips.contract")
    assert node is None
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [
        ("syntax-unexpected-char", 2, 13),
        ("syntax-unexpected-token", 3, 25),
        ("syntax-unexpected-token", 6, 12),
    ]


def test_several_files_in_one_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    out, err = io.StringIO(), io.StringIO()
    rc = run_check(
        ["lib/base.contract", "unused-declaration.contract", "empty-clause.contract"],
        "json",
        Streams(out, err),
    )
    assert rc == EXIT_INPUT
    diags = json.loads(out.getvalue())["diagnostics"]
    assert [(d["file"], d["code"]) for d in diags] == [
        ("empty-clause.contract", "empty-clause"),
        ("unused-declaration.contract", "unused-declaration"),
    ]


def test_a_clean_file_says_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out, err = io.StringIO(), io.StringIO()
    assert run_check(["contracts/openai_microsoft.contract"], "text", Streams(out, err)) == EXIT_OK
    assert (err.getvalue(), out.getvalue()) == ("", "ok: 1 file checked\n")


# ----------------------------------------------------------------- the installed binary


def _script(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    found = str(exe) if exe.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"the `{name}` console script is not installed")
    return found


def _run(args: list[str], cwd: Path, script: str = "whereas") -> subprocess.CompletedProcess[str]:
    return subprocess.run([_script(script), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_binary_exit_codes() -> None:
    ok = _run(["check", "contracts/openai_microsoft.contract"], ROOT)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "ok: 1 file checked\n", "")
    bad = _run(["check", "undefined-name.contract"], GOLDEN)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr + "exit: 2\n" == (GOLDEN / "undefined-name.expected").read_text(encoding="utf-8")
    usage = _run(["check"], ROOT)
    assert usage.returncode == 2
    assert "Traceback" not in usage.stderr


def test_binary_on_a_directory_exits_2_without_traceback(tmp_path: Path) -> None:
    (
        tmp_path / "lib"
    ).mkdir()  # a folder recurses (tests/verifier/cli/test_conventions.py); this one is empty
    r = _run(["check", "lib"], tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("lib:1:1: error[not-a-file]: lib is not a regular file\n")


def test_verify_what_if_with_another_contract_prints_the_wrong_contract_golden() -> None:
    r = _run(["lib/other.contract", "--what-if", "wrong-contract.amendment"], GOLDEN, script="verify")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stdout + r.stderr + "exit: 2\n" == (GOLDEN / "wrong-contract.expected").read_text(
        encoding="utf-8"
    )


def test_binary_json_matches_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    r = _run(["check", "--format", "json", "type-mismatch.contract"], GOLDEN)
    assert r.returncode == 2
    monkeypatch.chdir(GOLDEN)
    out = io.StringIO()
    run_check(["type-mismatch.contract"], "json", Streams(out, io.StringIO()))
    assert json.loads(r.stdout) == json.loads(out.getvalue())


# ----------------------------------------------------------------- bugs found (xfail until fixed)


def _check_text(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str = "t.contract"
) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    rc = run_check([name], "text", Streams(out, err))
    return rc, err.getvalue() + out.getvalue()


def test_bug_far_future_effective_date_without_horizon(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = 'contract "Far" effective 9995-01-01\nparty A\nevent E by A\n§1 X\n  A must not E\n'
    rc, out = _check_text(text, tmp_path, monkeypatch)
    assert rc == EXIT_OK
    assert "warning[no-horizon]" in out


def test_bug_unclosed_parenthesis_is_one_error_not_the_end_of_the_file() -> None:
    text = 'contract "T" effective 2024-01-01 horizon 2030-12-31\nparty A\nevent E by A\n§1 X\n  A must not E(\nparty B\n'
    _, diags = parse_text(text, "t.contract")
    assert [d.code for d in diags] == ["syntax-unexpected-token"]
    assert diags[0].span.line in (5, 6)


def test_bug_missing_event_is_reported_where_the_keyword_is() -> None:
    text = 'contract "T" effective 2024-01-01 horizon 2030-12-31\nparty A\nevent E by A\n§1 X\n  A must not\nparty B\n'
    _, diags = parse_text(text, "t.contract")
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("syntax-unexpected-token", 6, 1)]


def test_bug_form_feed_shifts_the_quoted_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'contract "T" effective 2024-01-01 horizon 2030-12-31\nparty A\n\fevent E by A\n§1 X\n  A must not F\n'
    _, out = _check_text(text, tmp_path, monkeypatch)
    assert "   5 |   A must not F\n" in out


def test_bug_scenario_for_a_missing_contract_is_located_in_the_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = 'scenario "S" for "nope.contract"\n2024-03-01 E by A\n'
    _, out = _check_text(text, tmp_path, monkeypatch, "s.scenario")
    assert out.startswith(
        "s.scenario:1:1: error[file-not-found]: the contract this file names does not exist: nope.contract\n"
    )


def test_bug_scenario_for_a_scenario_is_located_in_the_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Path(tmp_path / "other.scenario").write_text('scenario "O" for "x.contract"\n', encoding="utf-8")
    _, out = _check_text('scenario "S" for "other.scenario"\n', tmp_path, monkeypatch, "s.scenario")
    assert out.startswith("s.scenario:1:1: error[wrong-file-kind]: ")


@pytest.mark.xfail(
    strict=True,
    reason="load_scenario(path, sources, contract_path) ignores the contract the scenario names: no wrong-contract",
)
def test_bug_scenario_for_another_contract_is_wrong_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    scenario = "wrong-actor--scenario.scenario"  # written `for "lib/base.contract"`
    _, _, diags = load_scenario(scenario, Sources(), "lib/other.contract")
    assert [d.code for d in diags if d.code == "wrong-contract"] == ["wrong-contract"]
