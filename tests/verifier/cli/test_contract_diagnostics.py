"""A contract that does not check, reached through another file: a scenario's ``for``
or an amendment's ``to``. Every command shows the contract's own diagnostics
(file:line:col, the line with a caret, what was expected, the hint), exactly as
``whereas check`` shows them for the contract given directly, and exits 2; never only
"X is not a contract file". Called in process through ``verifier.cli.main``."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest

from verifier.cli import main

HEAD = 'contract "T" effective 2024-01-01 horizon 2024-12-31\nparty A\nevent Do by A\n'
FILES = {
    # a syntax error on line 5: the statement is cut short
    "broken.contract": HEAD + "§1 X\n  A must not Do(\n",
    # parses, but names an event it does not declare
    "untyped.contract": HEAD + "§1 X\n  A must not Dox\n",
    "good.contract": HEAD + "§1 X\n  A must not Do\n",
    "for_broken.scenario": 'scenario "S" for "broken.contract"\n2024-02-01 Do by A\n',
    "for_untyped.scenario": 'scenario "S" for "untyped.contract"\n2024-02-01 Do by A\n',
    "for_good.scenario": 'scenario "S" for "good.contract"\n2024-02-01 Do by A\n',
    # an amendment that is fine, of a base that is not
    "of_broken.amendment": 'amendment "A" to "broken.contract"\nadd §2 Y\n  A may Do\n',
    # an amendment that is not fine, of a base that is
    "broken.amendment": 'amendment "A" to "good.contract"\nadd §2 Y\n  A may Do(\n',
}


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # relative names in the messages, and no pyproject.toml above
    return tmp_path


def whereas(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


BROKEN = textwrap.dedent(
    """\
    broken.contract:5:17: error[syntax-unexpected-end]: the file ends in the middle of a statement
       5 |   A must not Do(
         |                 ^
      expected: ) or a name
      found:    the end of the file
      hint: finish the statement, or remove the unfinished line

    1 error, 0 warnings
    """
)


def test_check_shows_the_broken_contract_so(files: Path) -> None:
    """The rendering every other command must repeat."""
    assert whereas("check", "broken.contract") == (2, "", BROKEN)


def test_a_scenario_for_a_contract_with_a_syntax_error(files: Path) -> None:
    code, out, err = whereas("simulate", "for_broken.scenario")
    assert (code, out) == (2, "")
    assert err == BROKEN
    assert "is not a contract file" not in err


def test_a_scenario_for_a_contract_with_a_name_error(files: Path) -> None:
    code, out, err = whereas("simulate", "for_untyped.scenario")
    assert (code, out) == (2, "")
    assert err == whereas("check", "untyped.contract")[2]
    assert "untyped.contract:5:14: error[undefined-name]: event `Dox` is not declared\n" in err
    assert "  hint: did you mean `Do`?\n" in err


def test_a_scenario_for_a_broken_contract_as_json(files: Path) -> None:
    code, out, err = whereas("simulate", "for_broken.scenario", "--format", "json")
    assert (code, err) == (2, "")
    doc = json.loads(out)
    assert doc["schema"] == "whereas.check/1"
    [d] = doc["diagnostics"]
    assert (d["file"], d["line"], d["col"], d["code"]) == ("broken.contract", 5, 17, "syntax-unexpected-end")
    assert (d["expected"], d["hint"]) == (
        ") or a name",
        "finish the statement, or remove the unfinished line",
    )


def test_a_scenario_for_a_folder_is_said_at_the_scenario(files: Path) -> None:
    """What cannot be read at all has no text to point into: said at the header, as before."""
    (files / "dir.contract").mkdir()
    (files / "for_dir.scenario").write_text('scenario "S" for "dir.contract"\n', encoding="utf-8")
    code, _, err = whereas("simulate", "for_dir.scenario")
    assert code == 2
    assert err.startswith(
        "for_dir.scenario:1:1: error[wrong-file-kind]: dir.contract is not a contract file\n"
    )


# Every command that takes an amendment, with the amendment's base broken, then with
# the amendment itself broken: the broken file's diagnostics, as `check` shows them.
OF_BROKEN_BASE = {
    "verify AMENDMENT": ["verify", "of_broken.amendment"],
    "verify BASE --what-if AMENDMENT": ["verify", "broken.contract", "--what-if", "of_broken.amendment"],
    "diff BASE AMENDMENT": ["diff", "broken.contract", "of_broken.amendment"],
    "simulate AMENDMENT SCENARIO": ["simulate", "of_broken.amendment", "for_broken.scenario"],
    "check AMENDMENT": ["check", "of_broken.amendment"],
    "verify AMENDMENT --report": ["verify", "of_broken.amendment", "--report", "report.md"],
}
BROKEN_AMENDMENT = {
    "verify AMENDMENT": ["verify", "broken.amendment"],
    "verify BASE --what-if AMENDMENT": ["verify", "good.contract", "--what-if", "broken.amendment"],
    "diff BASE AMENDMENT": ["diff", "good.contract", "broken.amendment"],
    "simulate AMENDMENT SCENARIO": ["simulate", "broken.amendment", "for_good.scenario"],
    "fmt AMENDMENT": ["fmt", "broken.amendment"],
}


@pytest.mark.parametrize("case", list(OF_BROKEN_BASE))
def test_an_amendment_of_a_broken_base(files: Path, case: str) -> None:
    code, out, err = whereas(*OF_BROKEN_BASE[case])
    assert (code, out, err) == (2, "", BROKEN)
    assert not (files / "report.md").exists()


@pytest.mark.parametrize("case", list(BROKEN_AMENDMENT))
def test_a_broken_amendment(files: Path, case: str) -> None:
    code, out, err = whereas(*BROKEN_AMENDMENT[case])
    assert (code, out) == (2, "")
    assert err == textwrap.dedent(
        """\
        broken.amendment:3:12: error[syntax-unexpected-end]: the file ends in the middle of a statement
           3 |   A may Do(
             |            ^
          expected: ) or a name
          found:    the end of the file
          hint: finish the statement, or remove the unfinished line

        1 error, 0 warnings
        """
    )
