"""`verify` on the seed contract and on tiny contracts: verdicts, cited clauses,
scenarios, JSON schema, determinism, exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dsl.diagnostics import Sources
from dsl.load import load_contract
from tests import ROOT
from verifier.cli.common import Streams
from verifier.cli.verify import run_verify
from verifier.verify.run import verify_contract

SEED = "contracts/openai_microsoft.contract"
SCHEMA = json.loads((ROOT / "verifier/report/schemas/verify.schema.json").read_text())


def run(
    args: list[str], fmt: str = "text", output: str | None = None, bound: int = 2
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    files = [a for a in args if not a.startswith("--check=")]
    checks = [a.split("=", 1)[1] for a in args if a.startswith("--check=")]
    code = run_verify(files, checks, fmt, output, bound, False, Streams(out, err))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def seed_json(monkeypatch_module: None = None) -> dict[str, Any]:
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code, out, _ = run([SEED], "json")
    finally:
        os.chdir(cwd)
    assert code == 0
    doc: dict[str, Any] = json.loads(out)
    return doc


EXPECTED = {
    "oracle_within_waiver": ("holds", ["§2", "§2.1"]),
    "oracle_above_cap": ("holds", ["§2"]),
    "oracle_before_waiver": ("holds", ["§2"]),
    "other_provider": ("holds", ["§2"]),
    "exit_via_agi": ("holds", ["§7", "§7.1"]),
    "access_after_declaration": ("holds", ["§7"]),
    "no_access_after_agi": ("holds", ["§7"]),
    "access_without_declaration": ("holds", ["§7.1"]),
    "microsoft_cannot_declare": ("holds", ["§7.1"]),
    "supply_breach": ("holds", ["§3"]),
}


def test_seed_verdicts_and_clauses(seed_json: dict[str, Any]) -> None:
    got = {r["id"]: (r["verdict"], [c["id"] for c in r["clauses"]]) for r in seed_json["results"]}
    assert got == EXPECTED
    assert seed_json["summary"] == {"holds": 10, "fails": 0, "unknown": 0}
    assert seed_json["bounds"]["occurrences"] == 2 and seed_json["bounds"]["horizon"] == "2035-12-31"


def test_seed_witnesses_are_minimal_plausible_and_replayed(seed_json: dict[str, Any]) -> None:
    """One event each, with the contract's own figures and dates where they decide
    the answer (the waiver's $10B limit and first day) and round ones elsewhere."""
    by_id = {r["id"]: r for r in seed_json["results"]}
    oracle = by_id["oracle_within_waiver"]
    assert oracle["replayed"] is True
    (buy,) = oracle["scenario"]["events"]
    assert buy["date"] == "2024-06-01" and buy["event"] == "BuyCompute" and buy["by"] == "OpenAI"
    assert buy["args"]["from"] == "Oracle" and buy["args"]["software"] == "Microsoft"
    assert buy["args"]["amount"]["cents"] == 10_000_000_000 * 100
    assert oracle["explanation"].endswith(
        "($10B is the largest amount that works and a figure of the contract; 2024-06-01 is the "
        "earliest day that works and a date of the contract.)"
    )
    agi = by_id["exit_via_agi"]
    assert agi["scenario"]["events"] == [
        {"date": "2028-01-01", "event": "DeclareAGI", "by": "OpenAI.Board", "args": {}}
    ]
    assert agi["explanation"].endswith("(The date 2028-01-01 is a round value the contract leaves open.)")
    supply = by_id["supply_breach"]
    (request,) = supply["scenario"]["events"]
    assert request["event"] == "RequestCompute" and request["date"] == "2028-01-01"
    assert request["args"]["amount"]["cents"] == 1_000_000_000 * 100
    assert "Microsoft violates §3 Supply of compute on 2028-03-31" in supply["explanation"]
    # proofs carry no scenario
    assert by_id["other_provider"]["scenario"] is None
    assert by_id["other_provider"]["explanation"].startswith(
        "Yes. Proved for every course of events up to 2035-12-31. This follows from §2"
    )


def test_json_validates_against_schema(seed_json: dict[str, Any]) -> None:
    jsonschema.validate(seed_json, SCHEMA)


def test_json_is_deterministic() -> None:
    a = subprocess.run(
        [sys.executable, "-m", "verifier", SEED, "--format", "json"], cwd=ROOT, capture_output=True, text=True
    )
    b = subprocess.run(
        [sys.executable, "-m", "verifier", SEED, "--format", "json"], cwd=ROOT, capture_output=True, text=True
    )
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout


def tiny(tmp_path: Path, body: str, name: str = "t.contract") -> str:
    p = tmp_path / name
    p.write_text(
        'contract "Tiny" effective 2024-01-01 horizon 2024-12-31\n'
        "party Seller\nparty Buyer\n"
        "event Deliver by Seller\nevent Pay(amount: money) by Buyer\nevent Order by Buyer\n"
        "state Open holds from effective until Deliver\n" + body
    )
    return str(p)


def test_failing_check_exits_1_with_counterexample(tmp_path: Path) -> None:
    f = tiny(
        tmp_path,
        """
§1 Delivery
  when Order by Buyer:
    Seller must Deliver within 30 days

check never_late "The seller is never in breach":
  never breach by Seller
""",
    )
    code, out, _ = run([f])
    assert code == 1
    assert "FAILS   never_late: The seller is never in breach" in out
    assert "2024-07-01  Order by Buyer" in out  # a round date: the contract leaves it open
    assert "Seller violates §1 Delivery on 2024-07-31" in " ".join(out.split())
    assert "(The date 2024-07-01 is a round value the contract leaves open.)" in " ".join(out.split())


def test_possible_fails_with_cited_clauses(tmp_path: Path) -> None:
    f = tiny(
        tmp_path,
        """
§1 No early payment
  Buyer must not Pay(amount: a) where a > $100

check pay_big "The buyer can pay more than $100 without breach":
  possible Pay(amount > $100) and not breach by Buyer
""",
    )
    c = load_contract(f, Sources()).contract
    assert c is not None
    v = verify_contract(c)
    (r,) = v.results
    assert (r.verdict, r.clauses, r.scenario) == ("fails", ("§1",), None)
    assert r.explanation == (
        "No. Proved for every course of events up to 2024-12-31: this cannot happen. "
        "This follows from §1 No early payment."
    )


def test_unknown_check_name_is_usage_error(tmp_path: Path) -> None:
    f = tiny(tmp_path, 'check c "x": possible Order\n')
    code, _, err = run([f, "--check=nope"])
    assert code == 2
    assert "no check named nope" in err


def test_bad_input_exits_2_without_traceback(tmp_path: Path) -> None:
    p = tmp_path / "bad.contract"
    p.write_text('contract "B" effective 2024-01-01\nparty A\nevent E by Z\n')
    code, out, err = run([str(p)])
    assert code == 2 and out == ""
    assert "bad.contract:3:12: error[undefined-name]: party `Z` is not declared" in err
    assert "Traceback" not in err


def test_output_file_and_refusal_to_overwrite_input(tmp_path: Path) -> None:
    f = tiny(tmp_path, 'check c "x": possible Order\n')
    out_path = tmp_path / "out.json"
    code, out, _ = run([f], "json", output=str(out_path))
    assert code == 0 and out == ""
    assert json.loads(out_path.read_text())["summary"] == {"holds": 1, "fails": 0, "unknown": 0}
    code, _, err = run([f], "json", output=f)
    assert code == 2 and "refusing to write the output over the input file" in err
    code, _, err = run([f], "json", output=str(tmp_path / "no" / "such" / "dir.json"))
    assert code == 2 and "does not exist" in err


def test_help_documents_exit_codes_and_stays_off_z3() -> None:
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "verifier", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0
    assert "3    some result is unknown" in r.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")
    }
    assert "click" in imported
    assert not {mod for mod in imported if mod == "z3" or mod.startswith("z3.")}


def test_z3_global_parameters_are_left_alone() -> None:
    """Importing the solver and verifying change no global Z3 parameter, and a caller's
    own global seed does not change our witnesses: every solver has its own seed.
    (mutual_nda's witnesses do depend on the seed: without the solvers' own, a
    global seed of 7 gives another scenario for two of its checks.)"""
    code = """if True:
        import json, sys, z3
        z3.set_param("smt.random_seed", 7)
        z3.set_param("sat.random_seed", 7)
        from dsl.diagnostics import Sources
        from dsl.load import load_contract
        from verifier.report.jsondoc import to_json
        from verifier.verify.run import verify_contract
        lc = load_contract("contracts/mutual_nda.contract", Sources())
        doc = to_json(verify_contract(lc.contract, lc.sha256))
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\\n")
        sys.stderr.write(z3.get_param("smt.random_seed") + " " + z3.get_param("sat.random_seed"))
    """
    ours = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    plain = subprocess.run(
        [sys.executable, "-m", "verifier", "contracts/mutual_nda.contract", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert ours.returncode == 0, ours.stderr
    assert ours.stderr == "7 7"
    assert ours.stdout == plain.stdout


_GC_PROBE = """if True:
    import atexit, gc, sys
    atexit.register(lambda: sys.stderr.write(f"\\nfrozen={gc.get_freeze_count()} enabled={gc.isenabled()}\\n"))
    import verifier.cli as cli
"""


@pytest.mark.parametrize("args", [[SEED], [SEED, "--no-analyses"]])
def test_console_script_freezes_its_heap_and_cli_from_python_does_not(args: list[str]) -> None:
    """``verify`` (the console script, ``python -m verifier``) owns its process and freezes
    the loaded heap for the collector, on both paths (without click, and through it);
    ``verifier.cli.verify_cli([...])`` called from a program leaves the collector alone."""
    script = subprocess.run(
        [sys.executable, "-c", _GC_PROBE + f"    sys.argv = ['verify', *{args!r}]\n    cli.verify_main()\n"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    called = subprocess.run(
        [sys.executable, "-c", _GC_PROBE + f"    rc = cli.verify_cli({args!r})\n    sys.exit(rc)\n"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert script.returncode == called.returncode == 0, script.stderr + called.stderr
    assert script.stdout == called.stdout
    frozen = int(script.stderr.rsplit("frozen=", 1)[1].split()[0])
    assert frozen > 10_000  # the modules and the contract
    assert called.stderr.rstrip().endswith("frozen=0 enabled=True")


def test_an_internal_error_exits_4_before_a_failing_check() -> None:
    """A result the interpreter does not confirm is a bug of ours: exit 4 (the
    table's "internal error"), not 3 as an unknown, and before a failing check,
    since the other verdicts of that run may be wrong too."""
    import attrs

    from verifier.verify.results import Verdict, exit_code

    lc = load_contract(str(ROOT / SEED), Sources())
    assert lc.contract is not None
    v = verify_contract(lc.contract, only=["oracle_above_cap", "exit_via_agi"], analyses=False)
    assert exit_code(v) == 0
    broken = attrs.evolve(v.results[0], verdict=Verdict.UNKNOWN, internal_error=True)
    failing = attrs.evolve(v.results[1], verdict=Verdict.FAILS)
    assert exit_code(attrs.evolve(v, results=(failing,))) == 1
    assert exit_code(attrs.evolve(v, results=(broken, failing))) == 4
