"""``whereas simulate``: exit codes, the dated text report, the JSON report,
and located diagnostics for bad input (verifier.cli.simulate); the story in date
order, in the text and in the JSON, and the JSON of every shipped scenario against
its schema and against the text."""

from __future__ import annotations

import io
import json
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import ROOT
from tests.verifier.report.test_schemas import validate
from verifier.cli import main
from verifier.cli.commands import whereas
from verifier.cli.common import Streams
from verifier.cli.simulate import run_simulate

SEED = ROOT / "contracts" / "openai_microsoft.contract"


def sim(scenario: str | Path, contract: str | Path | None = None, fmt: str = "text") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_simulate(None if contract is None else str(contract), str(scenario), fmt, Streams(out, err))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, so that file names in reports are the relative ones."""
    monkeypatch.chdir(ROOT)


# ----------------------------------------------------------------- the example scenarios

EXAMPLES: dict[str, tuple[int, list[str]]] = {
    "board_declares_agi": (
        0,
        [
            "2026-03-01",
            "  DeclareAGI by OpenAI.Board: effective, by the power of OpenAI.Board (§7.1 The board decides)",
            "2026-03-02",
            "  MicrosoftAccess ends (because of DeclareAGI, §7 AGI clause)",
            "States at the end of the horizon (2035-12-31): MicrosoftAccess does not hold",
            "Breach: none",
        ],
    ),
    "microsoft_declares_agi": (
        0,
        [
            "  DeclareAGI by Microsoft: ineffective: Microsoft holds no power to DeclareAGI; only OpenAI.Board (§7.1) does",
            "States at the end of the horizon (2035-12-31): MicrosoftAccess holds",
            "Breach: none",
        ],
    ),
    "oracle_10b_after_waiver": (
        0,
        [
            "2024-07-01",
            "  BuyCompute(from: Oracle, amount: $10B, software: Microsoft) by OpenAI: effective",
            "    permitted by §2.1 Oracle waiver (exception to §2 Exclusive compute)",
            "Breach: none",
        ],
    ),
    "oracle_12b": (
        1,
        [
            "  BuyCompute(from: Oracle, amount: $12B, software: Microsoft) by OpenAI: effective",
            "    forbidden by §2 Exclusive compute; no exception covers it (§2.1 Oracle waiver)",
            "  VIOLATION of §2 Exclusive compute by OpenAI: BuyCompute is forbidden by §2; §2.1 does not cover it: "
            "amount $12B is above $10B",
            "Breach: OpenAI (1 violation: §2)",
        ],
    ),
    "oracle_before_waiver": (
        1,
        [
            "2024-03-15",
            "    forbidden by §2 Exclusive compute; no exception covers it (§2.1 Oracle waiver)",
            "Breach: OpenAI (1 violation: §2)",
        ],
    ),
    "supply_shortfall": (
        1,
        [
            "  RequestCompute(amount: $2B) by OpenAI: effective",
            "  SupplyCompute(amount: $1.5B) by Microsoft: effective",
            "2025-04-10",
            "  VIOLATION of §3 Supply of compute by Microsoft: SupplyCompute by Microsoft, amount at least $2B, was "
            "due by 2025-04-10; the SupplyCompute of 2025-02-01 does not meet it: amount $1.5B is below the "
            "RequestCompute's amount ($2B) (owed since RequestCompute on 2025-01-10)",
            "Breach: Microsoft (1 violation: §3)",
        ],
    ),
    "supply_met": (
        0,
        [
            "2025-04-10",
            "  SupplyCompute(amount: $2B) by Microsoft: effective",
            "    fulfils §3 Supply of compute (owed since RequestCompute on 2025-01-10)",
            "Breach: none",
        ],
    ),
    "othercloud_purchase": (
        1,
        [
            "  BuyCompute(from: OtherCloud, amount: $1B, software: OtherCloud) by OpenAI: effective",
            "    forbidden by §2 Exclusive compute; no exception covers it (§2.1 Oracle waiver)",
            "Breach: OpenAI (1 violation: §2)",
        ],
    ),
    "oracle_foreign_software": (
        1,
        [
            "  BuyCompute(from: Oracle, amount: $5B, software: Oracle) by OpenAI: effective",
            "    forbidden by §2 Exclusive compute; no exception covers it (§2.1 Oracle waiver)",
            "Breach: OpenAI (1 violation: §2)",
        ],
    ),
}


def test_every_example_is_listed() -> None:
    assert sorted(p.stem for p in (ROOT / "examples" / "scenarios").glob("*.scenario")) == sorted(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_scenario(name: str, at_root: None) -> None:
    code, out, err = sim(f"examples/scenarios/{name}.scenario")
    want_code, lines = EXAMPLES[name]
    assert (code, err) == (want_code, "")
    got = out.splitlines()
    for line in lines:
        assert line in got, f"missing line {line!r} in\n{out}"
    # the lines come in the order given
    assert [got.index(x) for x in lines] == sorted(got.index(x) for x in lines)


def test_the_whole_text_report(at_root: None) -> None:
    code, out, _ = sim("examples/scenarios/supply_met.scenario")
    assert code == 0
    assert out == textwrap.dedent(
        """\
        Scenario: OpenAI requests $2B of compute; Microsoft supplies $2B on the 90th day
          file:   examples/scenarios/supply_met.scenario
        Contract: Microsoft–OpenAI partnership, as reported in late 2024
          file:   contracts/openai_microsoft.contract
          period: 2019-07-22 to 2035-12-31

        2025-01-10
          RequestCompute(amount: $2B) by OpenAI: effective
        2025-02-01
          SupplyCompute(amount: $1.5B) by Microsoft: effective
        2025-04-10
          SupplyCompute(amount: $2B) by Microsoft: effective
            fulfils §3 Supply of compute (owed since RequestCompute on 2025-01-10)

        States at the end of the horizon (2035-12-31): MicrosoftAccess holds
        Breach: none
        """
    )


def test_the_report_is_deterministic(at_root: None) -> None:
    assert sim("examples/scenarios/oracle_12b.scenario") == sim("examples/scenarios/oracle_12b.scenario")


def test_json_report(at_root: None) -> None:
    code, out, err = sim("examples/scenarios/oracle_12b.scenario", fmt="json")
    assert (code, err) == (1, "")
    assert out == json.dumps(json.loads(out), indent=2, ensure_ascii=False) + "\n"
    data = json.loads(out)
    assert list(data) == [
        "schema",
        "contract",
        "scenario",
        "events",
        "state_changes",
        "terminations",
        "violations",
        "conflicts",
        "story",
        "at_horizon",
        "breach",
    ]
    assert data == {
        "schema": "whereas.simulate/2",
        "contract": {
            "title": "Microsoft–OpenAI partnership, as reported in late 2024",
            "file": "contracts/openai_microsoft.contract",
        },
        "scenario": {
            "title": "OpenAI buys $12B of Oracle compute in July 2024: more than the waiver allows",
            "file": "examples/scenarios/oracle_12b.scenario",
        },
        "events": [
            {
                "date": "2024-07-01",
                "event": "BuyCompute",
                "by": "OpenAI",
                "args": {
                    "from": "Oracle",
                    "amount": {"cents": 1_200_000_000_000, "currency": "USD", "text": "$12B"},
                    "software": "Microsoft",
                },
                "effective": True,
                "power": None,
                "decisions": [{"rule": "§2", "decided_by": "§2", "value": "forbidden"}],
            }
        ],
        "state_changes": [],
        "terminations": [],
        "violations": [
            {
                "date": "2024-07-01",
                "clause": "§2",
                "title": "Exclusive compute",
                "root": "§2",
                "party": "OpenAI",
                "kind": "prohibition",
                "message": "BuyCompute is forbidden by §2; §2.1 does not cover it: amount $12B is above $10B",
            }
        ],
        "conflicts": [],
        "story": [
            {"date": "2024-07-01", "kind": "event", "index": 0},
            {"date": "2024-07-01", "kind": "violation", "index": 0},
        ],
        "at_horizon": {
            "date": "2035-12-31",
            "in_force": True,
            "not_in_force_from": None,
            "states": [{"state": "MicrosoftAccess", "holds": True}],
        },
        "breach": {"OpenAI": ["§2"], "Microsoft": []},
    }


def test_json_report_with_power_and_state_change(at_root: None) -> None:
    code, out, _ = sim("examples/scenarios/board_declares_agi.scenario", fmt="json")
    data = json.loads(out)
    assert code == 0
    assert data["events"] == [
        {
            "date": "2026-03-01",
            "event": "DeclareAGI",
            "by": "OpenAI.Board",
            "args": {},
            "effective": True,
            "power": "§7.1",
            "decisions": [],
        }
    ]
    assert data["state_changes"] == [
        {
            "date": "2026-03-02",
            "state": "MicrosoftAccess",
            "change": "ends",
            "cause": "DeclareAGI (§7)",
            "clause": "§7",
        }
    ]
    assert data["terminations"] == []
    assert data["at_horizon"] == {
        "date": "2035-12-31",
        "in_force": True,
        "not_in_force_from": None,
        "states": [{"state": "MicrosoftAccess", "holds": False}],
    }
    assert data["breach"] == {"OpenAI": [], "Microsoft": []}


# ----------------------------------------------------------------- more constructs in the report

HEAD = 'contract "T" effective 2024-01-01 horizon 2024-12-31\n'


def scenario_files(tmp_path: Path, contract: str, events: str) -> Path:
    (tmp_path / "t.contract").write_text(HEAD + textwrap.dedent(contract), encoding="utf-8")
    sp = tmp_path / "s.scenario"
    sp.write_text('scenario "S" for "t.contract"\n' + textwrap.dedent(events), encoding="utf-8")
    return sp


def test_report_of_nested_exceptions_conflicts_and_termination(tmp_path: Path) -> None:
    sp = scenario_files(
        tmp_path,
        """\
        party A with body Board
        party B
        kind P = M1 | O | X
        event Buy(from: P, amount: money) by A
        event Quit by A
        event Declare by anyone
        §1 Exit
          Quit ends the contract
        §2 Exclusive
          A must not Buy(from: p) where p != M1
        §2.1 Waiver
          exception to §2
          A may Buy(from: O, amount <= $10)
        §2.1.1 Cap
          exception to §2.1
          A must not Buy(amount > $5)
        §2.2 Small purchases
          exception to §2
          A may Buy(amount <= $1)
        §3 Who decides
          A.Board has power to Declare
        §4 Declaring
          Declare ends the contract
        """,
        """\
        2024-03-01 Buy(from: O, amount: $7) by A
        2024-03-02 Buy(from: O, amount: $1) by A
        2024-03-02 Buy(from: X, amount: $1) by A
        2024-03-03 Declare by B
        2024-03-04 Quit by A
        """,
    )
    code, out, err = sim(sp)
    assert code == 1
    assert "warning[unused-declaration]: party `B`" in err  # B acts only in the scenario
    body = out.split("\n\n")[1]
    assert body == textwrap.dedent(
        """\
        2024-03-01
          Buy(from: O, amount: $7) by A: effective
            forbidden by §2.1.1 Cap (exception to §2.1 Waiver, within §2 Exclusive)
          VIOLATION of §2.1.1 Cap by A: Buy is forbidden by §2.1.1, an exception within §2
        2024-03-02
          Buy(from: O, amount: $1) by A: effective
            permitted by §2.1 Waiver (exception to §2 Exclusive)
          Buy(from: X, amount: $1) by A: effective
            permitted by §2.2 Small purchases (exception to §2 Exclusive)
        2024-03-03
          Declare by B: ineffective: B holds no power to Declare; only A.Board (§3) does
        2024-03-04
          Quit by A: effective
        2024-03-05
          the contract is no longer in force (because of Quit, §1 Exit)"""
    )
    assert out.endswith(
        "States at the end of the horizon (2024-12-31): no states declared; "
        "the contract is not in force from 2024-03-05\nBreach: A (1 violation: §2.1.1)\n"
    )


def test_report_of_a_conflict(tmp_path: Path) -> None:
    sp = scenario_files(
        tmp_path,
        """\
        party A
        kind P = O | X
        event Buy(from: P, amount: money) by A
        §2 No buying
          A must not Buy
        §2.1 From O
          exception to §2
          A may Buy(from: O)
        §2.2 Nothing big
          exception to §2
          A must not Buy(amount > $10)
        """,
        "2024-03-01 Buy(from: O, amount: $20) by A\n",
    )
    code, out, _ = sim(sp)
    assert code == 0  # a conflict is reported, not a breach
    assert (
        "    CONFLICT within §2 No buying: §2.1 From O and §2.2 Nothing big disagree; no violation is recorded\n"
        in out
    )
    assert "Conflicts: 1 (2024-03-01: §2.1, §2.2)\nBreach: none\n" in out
    code, out, _ = sim(sp, fmt="json")
    data = json.loads(out)
    assert data["events"][0]["decisions"] == [{"rule": "§2", "decided_by": None, "value": "conflict"}]
    assert data["conflicts"] == [
        {"date": "2024-03-01", "event": 0, "rule": "§2", "clauses": ["§2.1", "§2.2"]}
    ]


def test_report_of_a_power_that_does_not_apply(tmp_path: Path) -> None:
    sp = scenario_files(
        tmp_path,
        """\
        party A
        event Declare by A
        state S holds from effective
        §1 Declaring
          Declare ends S
        §2 Who decides
          from 2024-06-01
          A has power to Declare
        """,
        "2024-03-01 Declare by A\n",
    )
    code, out, _ = sim(sp)
    assert code == 0
    assert (
        "  Declare by A: ineffective: the power to Declare does not cover it: §2 applies only from 2024-06-01\n"
        in out
    )
    assert "States at the end of the horizon (2024-12-31): S holds\n" in out


def test_an_empty_scenario(tmp_path: Path) -> None:
    sp = scenario_files(tmp_path, "party A\nevent Do by A\n§1 X\n  A must not Do\n", "")
    code, out, _ = sim(sp)
    assert code == 0
    assert out.endswith(
        "\nNo events in this scenario.\n\nStates at the end of the horizon (2024-12-31): no states declared\nBreach: none\n"
    )


# ----------------------------------------------------------------- which contract


def test_an_explicit_contract_that_differs_gives_a_warning(tmp_path: Path, at_root: None) -> None:
    other = tmp_path / "copy.contract"
    other.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = sim("examples/scenarios/oracle_12b.scenario", other)
    assert code == 1
    assert err == (
        "warning: examples/scenarios/oracle_12b.scenario is written for contracts/openai_microsoft.contract; "
        f"simulating it on {other} as asked\n"
    )
    assert f"  file:   {other}\n" in out


def test_the_same_contract_given_explicitly_gives_no_warning(at_root: None) -> None:
    assert sim("examples/scenarios/oracle_12b.scenario", "contracts/openai_microsoft.contract")[0::2] == (
        1,
        "",
    )


def test_an_amendment_of_the_scenario_s_contract(tmp_path: Path, at_root: None) -> None:
    amend = tmp_path / "cap15.amendment"
    amend.write_text(
        f'amendment "Waiver raised to $15B" to "{SEED}"\n\n'
        "replace §2.1 Oracle waiver [F4]\n  exception to §2\n  from 2024-06-01\n"
        "  OpenAI may BuyCompute(from: Oracle, amount <= $15B, software: Microsoft)\n",
        encoding="utf-8",
    )
    code, out, err = sim("examples/scenarios/oracle_12b.scenario", amend)
    assert (code, err) == (0, "")
    assert "    permitted by §2.1 Oracle waiver (exception to §2 Exclusive compute)\n" in out
    assert f"  file:   {amend}\n" in out


# ----------------------------------------------------------------- bad input

BAD = {
    "unknown event": (
        "2024-07-01 BuyKompute(from: Oracle) by OpenAI",
        "3:1",
        "undefined-name",
        "did you mean `BuyCompute`?",
    ),
    "wrong argument type": (
        "2024-07-01 BuyCompute(from: Oracle, amount: Oracle, software: Microsoft) by OpenAI",
        "3:45",
        "type-mismatch",
        "argument `amount` of BuyCompute expects money (USD)",
    ),
    "date outside the period": (
        "2040-01-01 RequestCompute(amount: $1B) by OpenAI",
        "3:1",
        "out-of-period",
        "2040-01-01 is outside",
    ),
    "event by the wrong party": (
        "2024-07-01 RequestCompute(amount: $1B) by Microsoft",
        "3:43",
        "wrong-actor",
        "Microsoft cannot perform RequestCompute",
    ),
    "missing argument": (
        "2024-07-01 BuyCompute(from: Oracle, amount: $1B) by OpenAI",
        "3:1",
        "missing-argument",
        "BuyCompute needs a value for software",
    ),
    "unknown actor": (
        "2024-07-01 DeclareAGI by OpenAI.CEO",
        "3:26",
        "undefined-name",
        "OpenAI has no body `CEO`",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_gives_a_located_diagnostic(tmp_path: Path, case: str) -> None:
    line, where, code_, message = BAD[case]
    sp = tmp_path / "bad.scenario"
    sp.write_text(f'scenario "Bad" for "{SEED}"\n\n{line}\n', encoding="utf-8")
    code, out, err = sim(sp)
    assert (code, out) == (2, "")
    assert f"{sp}:{where}: error[{code_}]: " in err
    assert message in err
    assert err.endswith("1 error, 0 warnings\n")
    assert "Traceback" not in err


def test_a_missing_scenario_file(tmp_path: Path) -> None:
    code, out, err = sim(tmp_path / "nowhere.scenario")
    assert (code, out) == (2, "")
    assert err.startswith(f"{tmp_path / 'nowhere.scenario'}:1:1: error[file-not-found]: no such file: ")


def test_a_scenario_for_a_missing_contract(tmp_path: Path) -> None:
    sp = tmp_path / "s.scenario"
    sp.write_text('# a comment first\nscenario "S" for "gone.contract"\n', encoding="utf-8")
    code, out, err = sim(sp)
    assert (code, out) == (2, "")
    assert err.startswith(
        f"{sp}:2:1: error[file-not-found]: the contract this scenario is for does not exist: {tmp_path / 'gone.contract'}\n"
        '   2 | scenario "S" for "gone.contract"\n'
        "     | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    )


def test_a_contract_given_as_the_scenario(at_root: None) -> None:
    code, _, err = sim("contracts/openai_microsoft.contract")
    assert code == 2
    assert "error[wrong-file-kind]: contracts/openai_microsoft.contract is not a scenario" in err


def test_a_syntax_error_in_the_scenario(tmp_path: Path) -> None:
    sp = tmp_path / "s.scenario"
    sp.write_text(
        f'scenario "S" for "{SEED}"\n2024-07-01 RequestCompute(amount $1B) by OpenAI\n', encoding="utf-8"
    )
    code, _, err = sim(sp)
    assert code == 2
    assert f"{sp}:2:34: error[syntax-unexpected-token]" in err


def test_a_fact_the_scenario_does_not_give(tmp_path: Path) -> None:
    sp = scenario_files(
        tmp_path,
        "party A\nevent Pay(amount: money) by A\nfact Cap: money\n§1 Cap\n  A must not Pay(amount > Cap)\n",
        "2024-02-01 Pay(amount: $5) by A\n",
    )
    code, out, err = sim(sp)
    assert (code, out) == (2, "")
    assert err == (
        f"{sp}:1:1: error[missing-argument]: the contract leaves fact Cap open and this scenario does not give it\n"
        '   1 | scenario "S" for "t.contract"\n'
        "     | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  expected: a value for Cap (money (USD))\n"
        "  hint: add a line `fact Cap = ...` to the scenario\n\n"
        "1 error, 0 warnings\n"
    )
    sp.write_text(sp.read_text(encoding="utf-8") + "fact Cap = $4\n", encoding="utf-8")
    assert sim(sp)[0] == 1


def test_bad_input_as_json(tmp_path: Path) -> None:
    sp = tmp_path / "bad.scenario"
    sp.write_text(
        f'scenario "Bad" for "{SEED}"\n2040-01-01 RequestCompute(amount: $1B) by OpenAI\n', encoding="utf-8"
    )
    code, out, err = sim(sp, fmt="json")
    assert (code, err) == (2, "")
    data = json.loads(out)
    assert data["schema"] == "whereas.check/1"
    assert [(d["code"], d["line"], d["col"]) for d in data["diagnostics"]] == [("out-of-period", 2, 1)]


def test_warnings_go_to_stderr_and_do_not_stop_the_run(tmp_path: Path) -> None:
    sp = scenario_files(
        tmp_path, "party A\nparty B\nevent Do by A\n§1 X\n  A must not Do\n", "2024-02-01 Do by A\n"
    )
    code, out, err = sim(sp)
    assert code == 1
    assert "warning[unused-declaration]: party `B` is declared but never used" in err
    assert "Breach: A (1 violation: §1)" in out


# ----------------------------------------------------------------- the click command


def test_the_command_line(at_root: None) -> None:
    runner = CliRunner()
    r = runner.invoke(whereas, ["simulate", "examples/scenarios/oracle_12b.scenario"])
    assert r.exit_code == 1, r.output
    assert "Breach: OpenAI (1 violation: §2)" in r.output
    r = runner.invoke(
        whereas,
        [
            "simulate",
            "contracts/openai_microsoft.contract",
            "examples/scenarios/supply_met.scenario",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["schema"] == "whereas.simulate/2"
    r = runner.invoke(whereas, ["simulate", "--help"])
    assert r.exit_code == 0 and "Usage: whereas simulate [OPTIONS] [CONTRACT] SCENARIO" in r.output


# ----------------------------------------------------------------- the examples in docs/semantics.md

_MARKER = re.compile(r"<!-- (file|output of): (?:whereas simulate )?(\S+) -->\n```\n(.*?)```\n", re.S)


def test_the_examples_in_docs_semantics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each `<!-- file: NAME -->` block is written out; each `<!-- output of: whereas
    simulate NAME -->` block must be exactly what the command prints."""
    doc = (ROOT / "docs" / "semantics.md").read_text(encoding="utf-8")
    blocks = _MARKER.findall(doc)
    outputs = [(name, text) for kind, name, text in blocks if kind == "output of"]
    assert len(outputs) == 3
    for kind, name, text in blocks:
        if kind == "file":
            (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name, text in outputs:
        code, out, err = sim(name)
        assert err == ""
        assert code == (1 if "Breach: none" not in text else 0)
        assert out == text, name


# ----------------------------------------------------------------- one story, in date order
#
# Through the command line as a user runs it (verifier.cli.main, in process).

STORY_CONTRACT = """\
party A
party B
event Ask(amount: money) by A
event Give(amount: money) by B
event Use by B
event Note by A
event Quit by A
state Access holds from effective
state Office holds from effective
state Lent from Give
§1 Exit
  Quit ends the contract
§2 Leave
  Quit ends Office
§3 Supply
  when Ask(amount: a) by A:
    B must Give(amount >= a) within 10 days
§4 No use
  B must not Use
§9 Loss of access
  violation of §3 ends Access
check used "every event and state in a check":
  possible Note and Lent on 2024-12-31
"""

# On 03-11: a state change that counts from that day (set off on 03-10), two acts in
# the scenario's order, the first with its violation, then the obligation whose window
# closed. On 03-21 the contract ends and Office ends: §1 (the contract's end) comes
# before §2 in the contract, but a day's state changes are told before its termination.
STORY_EVENTS = """\
2024-03-01 Ask(amount: $5) by A
2024-03-10 Give(amount: $1) by B
2024-03-11 Use by B
2024-03-11 Note by A
2024-03-20 Quit by A
"""


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def story_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    scenario_files(tmp_path, STORY_CONTRACT, STORY_EVENTS)
    monkeypatch.chdir(tmp_path)
    return "s.scenario"


def told(story_scenario: str) -> tuple[int, str, str]:
    """The text of the story, with each violation's message (the interpreter's words,
    tested with the interpreter, ``Violation.message``) replaced by ``…``: what is
    tested here is the order. The message printed is the one the JSON gives."""
    code, out, err = cli("simulate", story_scenario)
    doc = json.loads(cli("simulate", story_scenario, "--format", "json")[1])
    for v in doc["violations"]:
        head = f"  VIOLATION of {v['clause']} {v['title']} by {v['party']}: "
        assert head + v["message"] in out, (head, v["message"])
        out = out.replace(head + v["message"], head + "…", 1)
    return code, out, err


def test_the_story_is_told_in_date_order(story_scenario: str) -> None:
    code, out, err = told(story_scenario)
    assert (code, err) == (1, "")
    assert out.split("\n\n")[1:] == [
        textwrap.dedent(
            """\
            2024-03-01
              Ask(amount: $5) by A: effective
            2024-03-10
              Give(amount: $1) by B: effective
            2024-03-11
              Lent starts (because of Give (state Lent))
              Use by B: effective
                forbidden by §4 No use
              VIOLATION of §4 No use by B: …
              Note by A: effective
              VIOLATION of §3 Supply by B: … (owed since Ask on 2024-03-01)
            2024-03-12
              Access ends (because of violation of §3, §9 Loss of access)
            2024-03-20
              Quit by A: effective
            2024-03-21
              Office ends (because of Quit, §2 Leave)
              the contract is no longer in force (because of Quit, §1 Exit)"""
        ),
        "States at the end of the horizon (2024-12-31): Access does not hold, Office does not hold, "
        "Lent holds; the contract is not in force from 2024-03-21\n"
        "Breach: B (2 violations: §4, §3)\n",
    ]


def test_the_story_in_docs_cli(story_scenario: str) -> None:
    """docs/cli.md shows the end of this story, the violations' messages shortened to `…`."""
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = doc.split("## `whereas simulate`: the story\n", 1)[1]
    shown = section.split("```\n", 2)[1]
    assert shown.startswith("2024-03-11\n")
    assert told(story_scenario)[1].endswith("\n" + shown)


def test_the_json_story_is_the_text_s(story_scenario: str) -> None:
    code, out, err = cli("simulate", story_scenario, "--format", "json")
    assert (code, err) == (1, "")
    doc = json.loads(out)
    validate("simulate", doc)
    assert [(x["date"][5:], x["kind"], x["index"]) for x in doc["story"]] == [
        ("03-01", "event", 0),
        ("03-10", "event", 1),
        ("03-11", "state_change", 0),
        ("03-11", "event", 2),
        ("03-11", "violation", 0),
        ("03-11", "event", 3),
        ("03-11", "violation", 1),
        ("03-12", "state_change", 1),
        ("03-20", "event", 4),
        ("03-21", "state_change", 2),
        ("03-21", "termination", 0),
    ]
    # a termination is its own kind of entry; state changes are of states only
    assert doc["terminations"] == [{"date": "2024-03-21", "clause": "§1", "cause": "Quit (§1)"}]
    assert [(c["date"], c["state"], c["change"], c["clause"]) for c in doc["state_changes"]] == [
        ("2024-03-11", "Lent", "starts", None),  # the state's own `from Give`
        ("2024-03-12", "Access", "ends", "§9"),
        ("2024-03-21", "Office", "ends", "§2"),
    ]
    assert doc["at_horizon"] == {
        "date": "2024-12-31",
        "in_force": False,
        "not_in_force_from": "2024-03-21",
        "states": [
            {"state": "Access", "holds": False},
            {"state": "Office", "holds": False},
            {"state": "Lent", "holds": True},
        ],
    }


SCENARIOS = sorted(p.name for p in (ROOT / "examples" / "scenarios").glob("*.scenario"))


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_json_of_every_shipped_scenario_says_what_the_text_says(name: str, at_root: None) -> None:
    """Valid against simulate.schema.json (the validator of test_schemas.py); the same
    dates in the same order, the same states at the horizon, the same breach."""
    path = f"examples/scenarios/{name}"
    code, text, err = cli("simulate", path)
    jcode, out, jerr = cli("simulate", path, "--format", "json")
    assert (jcode, jerr) == (code, err) and code in (0, 1)
    doc = json.loads(out)
    validate("simulate", doc)
    dates = [line for line in text.split("\n\n")[1].splitlines() if not line.startswith(" ")]
    assert list(dict.fromkeys(x["date"] for x in doc["story"])) == dates
    listed = {"event": "events", "state_change": "state_changes", "termination": "terminations"}
    for kind, key in {**listed, "violation": "violations"}.items():
        told = sorted(x["index"] for x in doc["story"] if x["kind"] == kind)
        assert told == list(range(len(doc[key]))), kind  # each entry once
    holds = ", ".join(
        f"{st['state']} {'holds' if st['holds'] else 'does not hold'}" for st in doc["at_horizon"]["states"]
    )
    line = f"States at the end of the horizon ({doc['at_horizon']['date']}): {holds}"
    ended = doc["at_horizon"]["not_in_force_from"]
    assert line + ("\n" if ended is None else f"; the contract is not in force from {ended}\n") in text
    assert all(c["state"] for c in doc["state_changes"])
