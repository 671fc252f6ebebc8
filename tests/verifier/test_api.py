"""The Python API (``verifier.api``, ``docs/api.md``): each call's results, its
inputs (paths, text, loaded objects), its errors, and that it leaves the process
as it found it; the examples of ``docs/api.md`` run as written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dsl import model as m
from dsl.scenario import Scenario
from tests import ROOT
from verifier import api
from verifier.api import (
    CheckReport,
    Comparison,
    DiffStatus,
    FindingCode,
    InputError,
    LimitReached,
    Severity,
    Verdict,
    Verification,
    WhereasError,
    check,
    diff,
    simulate,
    verify,
)

SEED = ROOT / "contracts" / "openai_microsoft.contract"
SAAS = ROOT / "contracts" / "saas_agreement.contract"
CAP_5B = ROOT / "examples" / "amendments" / "oracle_cap_5b.amendment"
REWORD = ROOT / "examples" / "amendments" / "reword_only.amendment"
ORACLE_12B = ROOT / "examples" / "scenarios" / "oracle_12b.scenario"
SEED_CHECKS = [
    "oracle_within_waiver",
    "oracle_above_cap",
    "oracle_before_waiver",
    "other_provider",
    "exit_via_agi",
    "access_after_declaration",
    "no_access_after_agi",
    "access_without_declaration",
    "microsoft_cannot_declare",
    "supply_breach",
]


@pytest.fixture(scope="module")
def seed() -> Verification:
    return verify(SEED)


# ----------------------------------------------------------------- docs/api.md


def test_docs_examples_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Every ```python block of docs/api.md, run from the repository's root as the page says."""
    blocks = re.findall(
        r"^```python\n(.*?)^```", (ROOT / "docs" / "api.md").read_text(encoding="utf-8"), re.S | re.M
    )
    assert blocks
    monkeypatch.chdir(ROOT)
    for block in blocks:
        exec(compile(block, "docs/api.md", "exec"), {"__name__": "docs_api"})
    out = capsys.readouterr().out
    assert "holds   possible oracle_within_waiver" in out  # the comment on the print line
    assert "error[not-a-member]" in out  # the bad input did raise


# ----------------------------------------------------------------- verify


def test_verify_the_seed(seed: Verification) -> None:
    assert [r.id for r in seed.results] == SEED_CHECKS
    assert all(r.verdict is Verdict.HOLDS for r in seed.results)
    assert seed.summary() == {Verdict.HOLDS: 10, Verdict.FAILS: 0, Verdict.UNKNOWN: 0}
    assert seed.summary() == {"holds": 10, "fails": 0, "unknown": 0}  # StrEnum: the strings still work
    assert json.dumps(seed.summary()) == '{"holds": 10, "fails": 0, "unknown": 0}'
    assert {r.kind for r in seed.results} == {"possible", "always", "never"}
    assert seed.contract.file == str(SEED)
    assert len(seed.sha256) == 64


def test_verify_takes_a_path_a_str_path_text_and_loaded_objects(
    seed: Verification, monkeypatch: pytest.MonkeyPatch
) -> None:
    want = [(r.id, r.verdict, r.clauses) for r in seed.results]
    text = SEED.read_text(encoding="utf-8")
    monkeypatch.chdir(ROOT)
    report = check("contracts/openai_microsoft.contract")
    assert report.contract is not None
    for source in ("contracts/openai_microsoft.contract", text, report, report.contract):
        v = verify(source, analyses=False)
        assert [(r.id, r.verdict, r.clauses) for r in v.results] == want
    from_text = verify(text, analyses=False)
    assert from_text.contract.file == "<contract>"
    assert from_text.sha256 == seed.sha256  # the same bytes


def test_a_failing_check_has_a_replayed_counterexample() -> None:
    v = verify(SAAS, checks="termination_right_lapses", analyses=False)
    assert [r.id for r in v.results] == ["termination_right_lapses"]
    (r,) = v.results
    assert r.verdict is Verdict.FAILS
    assert r.scenario is not None and r.scenario.events and r.replayed and r.timeline is not None
    assert r.explanation.startswith("No, ")


def test_findings_are_typed() -> None:
    v = verify(ROOT / "tests" / "data" / "analyses.contract")
    assert {f.code for f in v.findings} == {FindingCode.CONFLICT, FindingCode.DEAD_CLAUSE}
    assert all(isinstance(f.severity, Severity) for f in v.findings)
    assert {(f.code, f.severity) for f in v.findings} >= {("conflict", "error"), ("dead-clause", "warning")}


def test_what_if_returns_the_comparison() -> None:
    cmp = verify(SEED, what_if=CAP_5B)
    assert isinstance(cmp, Comparison)
    assert cmp.diff_status is DiffStatus.DIFFERENCE
    assert cmp.difference is not None and cmp.difference.what
    assert [row[0] for row in cmp.rows] == SEED_CHECKS
    assert all(isinstance(b, Verdict) and isinstance(a, Verdict) for _, b, a, _ in cmp.rows)
    assert cmp.amendment_file == str(CAP_5B)


def test_what_if_from_text_resolves_its_base_from_the_current_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Amendment text names its base relative to the current directory (a file: to its folder)."""
    text = CAP_5B.read_text(encoding="utf-8").replace("../../contracts/", "contracts/")
    monkeypatch.chdir(ROOT)
    cmp = verify("contracts/openai_microsoft.contract", what_if=text)
    assert cmp.diff_status is DiffStatus.DIFFERENCE
    assert cmp.amendment_file == "<amendment>"
    alone = verify(text, analyses=False)  # an amendment alone: applied to the base it names
    assert alone.contract.clauses["§2.1"].title == "Oracle waiver"
    monkeypatch.chdir(ROOT / "examples")
    with pytest.raises(InputError) as e:
        verify(str(SEED), what_if=text)
    assert [d.code for d in e.value.diagnostics] == ["wrong-contract"]


def test_what_if_on_text_applies_the_amendment_to_that_text() -> None:
    cmp = verify(SEED.read_text(encoding="utf-8"), what_if=CAP_5B)
    assert cmp.diff_status is DiffStatus.DIFFERENCE
    assert cmp.base.contract.file == "<contract>"


def test_what_if_for_another_contract_is_refused() -> None:
    with pytest.raises(InputError) as e:
        verify(SAAS, what_if=CAP_5B)
    assert [d.code for d in e.value.diagnostics] == ["wrong-contract"]
    assert "this amendment is written for" in str(e.value)


# ----------------------------------------------------------------- diff


def test_diff_of_two_versions() -> None:
    same = diff(SEED, REWORD)
    assert same.diff_status is DiffStatus.NONE and same.difference is None
    text = SEED.read_text(encoding="utf-8")
    other = text.replace("amount <= $10B, software: Microsoft", "amount <= $11B, software: Microsoft")
    assert other != text
    changed = diff(SEED, other)  # a whole contract, as text
    assert changed.diff_status is DiffStatus.DIFFERENCE
    assert changed.amendment_file == "<other>"
    assert changed.difference is not None
    assert any("BuyCompute" in o.event for o in changed.difference.scenario.events)
    assert diff(text, other).diff_status is DiffStatus.DIFFERENCE  # both as text


def test_what_if_takes_only_an_amendment() -> None:
    with pytest.raises(InputError) as e:
        verify(SEED, what_if=SAAS)
    assert [d.code for d in e.value.diagnostics] == ["wrong-file-kind"]


# ----------------------------------------------------------------- simulate


def test_simulate_a_breach() -> None:
    tl = simulate(SEED, ORACLE_12B)
    assert [(v.party, v.clause) for v in tl.violations] == [("OpenAI", "§2")]
    assert simulate(None, ORACLE_12B).violations == tl.violations  # the contract the scenario names
    text = ORACLE_12B.read_text(encoding="utf-8")
    assert simulate(SEED, text).violations == tl.violations
    report = check(ORACLE_12B)
    assert report.ok and isinstance(report.scenario, Scenario)
    assert simulate(None, report).violations == tl.violations
    assert simulate(SEED, report.scenario).violations == tl.violations


def test_simulate_stops_at_its_time_limit_in_any_thread() -> None:
    import threading

    from verifier.budget import Stop
    from verifier.verify.limits import Limits

    days = "".join(
        f"2024-{m:02d}-{d:02d} RequestCompute(amount: $1B) by OpenAI\n" for m in (2, 3) for d in range(1, 21)
    )
    text = f'scenario "Forty requests"\n  for "{SEED}"\n\n' + days
    assert (
        len(simulate(SEED, text, limits=Limits(timeout=60)).events) == 40
    )  # within the limit: the whole run
    caught: list[BaseException] = []

    def run() -> None:  # a signal could not stop it here: not the main thread
        try:
            simulate(SEED, text, limits=Limits(timeout=0))
        except LimitReached as e:
            caught.append(e)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    (e,) = caught
    assert isinstance(e, LimitReached) and isinstance(e, WhereasError) and e.stop == Stop.TIME
    assert str(e) == "the simulation did not finish within the time limit (0 s)"


def test_simulate_without_a_breach() -> None:
    tl = simulate(SEED, ROOT / "examples" / "scenarios" / "supply_met.scenario")
    assert tl.violations == []


def test_simulate_a_missing_fact_is_bad_input(tmp_path: Path) -> None:
    c = tmp_path / "t.contract"
    c.write_text(
        'contract "T" effective 2024-01-01 horizon 2024-12-31\nparty A\nfact cap: money\n'
        "event Pay(amount: money) by A\n\n§1 Cap\n  A must not Pay(amount: x) where x > cap\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as e:
        simulate(c, f'scenario "s" for "{c}"\n\n2024-02-01 Pay(amount: $5) by A\n')
    assert [d.code for d in e.value.diagnostics] == ["missing-argument"]
    assert "fact cap = ..." in str(e.value)


# ----------------------------------------------------------------- check and bad input


def test_check_reports_without_raising() -> None:
    good = check(SEED)
    assert good.ok and good.contract is not None and good.diagnostics == () and good.messages == ""
    bad = check(SEED.read_text(encoding="utf-8").replace("(from: OtherCloud)", "(from: OtherCloude)"))
    assert not bad.ok and bad.contract is None
    assert [d.code for d in bad.errors] == ["not-a-member"]
    assert bad.messages.startswith("<contract>:68:26: error[not-a-member]")
    assert bad.messages.endswith("1 error, 0 warnings")


def test_bad_input_raises_with_the_diagnostics_as_whereas_check_prints_them(tmp_path: Path) -> None:
    import io

    from verifier.cli.check import run_check
    from verifier.cli.common import Streams

    bad = tmp_path / "bad.contract"
    bad.write_text(
        SEED.read_text(encoding="utf-8").replace("(from: OtherCloud)", "(from: OtherCloude)"),
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    assert run_check([str(bad)], "text", Streams(out, err)) == 2
    for call in (lambda: verify(bad), lambda: diff(bad, SEED), lambda: simulate(bad, ORACLE_12B)):
        with pytest.raises(InputError) as e:
            call()
        assert isinstance(e.value, WhereasError) and isinstance(e.value, ValueError)
        assert [d.code for d in e.value.diagnostics] == ["not-a-member"]
        assert str(e.value) + "\n" == err.getvalue()
        assert e.value.message == f"{bad}:68:26: `OtherCloude` is not a Provider"


def test_the_path_or_text_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Path is a file; a str without a newline is a path, with a newline source text."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as e:
        verify("missing.contract")
    assert [d.code for d in e.value.diagnostics] == ["file-not-found"]
    assert "a str without a newline is read as a path" in str(e.value)
    one_line = 'contract "T" effective 2024-01-01'
    with pytest.raises(InputError) as e:
        verify(one_line)  # no newline: a path, whatever it looks like
    assert e.value.diagnostics[0].code == "file-not-found"
    Path("weird name").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    assert check("weird name").ok and check(Path("weird name")).ok  # any existing name, any suffix
    assert check(SEED.read_text(encoding="utf-8")).file == "<contract>"
    assert (
        check(ORACLE_12B.read_text(encoding="utf-8").replace("../../", str(ROOT) + "/")).file == "<scenario>"
    )
    assert check(REWORD.read_text(encoding="utf-8").replace("../../", str(ROOT) + "/")).file == "<amendment>"
    with pytest.raises(TypeError):
        verify(42)  # type: ignore[call-overload]


def test_scenario_text_names_its_contract_from_the_current_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    text = ORACLE_12B.read_text(encoding="utf-8")  # for "../../contracts/openai_microsoft.contract"
    monkeypatch.chdir(ROOT / "examples" / "scenarios")
    assert [v.clause for v in simulate(None, text).violations] == ["§2"]
    monkeypatch.chdir(ROOT)
    with pytest.raises(InputError) as e:
        simulate(None, text)
    assert e.value.diagnostics[0].code == "file-not-found"


def test_unknown_checks_and_bad_bounds_are_bad_input() -> None:
    with pytest.raises(InputError, match="no check named nope in .*openai_microsoft.contract"):
        verify(SEED, checks=["nope"])
    for kw in ({"bound": 0}, {"jobs": 0}, {"bound": True}):
        with pytest.raises(InputError):
            verify(SEED, **kw)  # type: ignore[call-overload]
    with pytest.raises(InputError, match="do not apply to a what-if"):
        verify(SEED, what_if=CAP_5B, checks=["supply_breach"])
    with pytest.raises(InputError, match="is a scenario, not a contract"):
        verify(check(ORACLE_12B))


def test_a_scenario_is_not_a_contract() -> None:
    with pytest.raises(InputError) as e:
        verify(ORACLE_12B)
    assert [d.code for d in e.value.diagnostics] == ["wrong-file-kind"]


def test_a_contract_object_cannot_take_an_amendment_written_for_text() -> None:
    c = verify(SEED.read_text(encoding="utf-8"), analyses=False).contract
    assert isinstance(c, m.Contract)
    with pytest.raises(InputError, match="needs the text of the contract it changes"):
        verify(c, what_if=CAP_5B)
    loaded = check(SEED).contract  # from a file: the amendment names that file
    assert loaded is not None
    assert verify(loaded, what_if=CAP_5B).diff_status is DiffStatus.DIFFERENCE


# ----------------------------------------------------------------- the package and the process


def test_the_package_reexports_the_api_lazily() -> None:
    import verifier

    assert verifier.check is api.check and verifier.diff is api.diff and verifier.simulate is api.simulate
    assert verifier.Verdict is Verdict and verifier.CheckReport is CheckReport
    import verifier.verify.run

    assert callable(verifier.verify.run.verify_contract)  # the subpackage is not shadowed by a function


_FRESH = """if True:
    import gc, json, os, sys
    gc.set_threshold(500, 7, 9)
    forks = []
    os.register_at_fork(before=lambda: forks.append(1))
    def state():
        return [gc.isenabled(), gc.get_freeze_count(), gc.get_threshold()]
    before = state()
    import verifier
    assert "z3" not in sys.modules and "verifier.api" not in sys.modules, "import verifier"
    from verifier.api import check, diff, simulate, verify
    assert "z3" not in sys.modules, "import verifier.api"
    check("contracts/openai_microsoft.contract")
    simulate("contracts/openai_microsoft.contract", "examples/scenarios/oracle_12b.scenario")
    assert "z3" not in sys.modules, "check and simulate do not solve"
    import z3
    z3.set_param("smt.random_seed", 5)
    verify("contracts/openai_microsoft.contract")
    diff("contracts/openai_microsoft.contract", "examples/amendments/oracle_cap_5b.amendment")
    from tests.benchcontracts import generated
    verify(generated(2000, 200), analyses=False)  # big enough to be split: not without jobs > 1
    print(json.dumps({"before": before, "after": state(), "forks": len(forks),
                      "seed": z3.get_param("smt.random_seed")}))
"""


def test_the_api_leaves_the_process_as_it_found_it() -> None:
    run = subprocess.run([sys.executable, "-c", _FRESH], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert got["after"] == got["before"] == [True, 0, [500, 7, 9]]
    assert got["forks"] == 0
    assert got["seed"] == "5"


def test_limits_through_the_api() -> None:
    """``limits=`` on ``verify`` and ``diff``: what a limit stops is unknown, with the limit named."""
    from verifier.verify.limits import Limits

    seed = str(ROOT / "contracts" / "openai_microsoft.contract")
    v = api.verify(seed, limits=Limits(timeout=0))
    assert {r.verdict for r in v.results} == {api.Verdict.UNKNOWN}
    assert (
        v.results[0].reason
        == "not decided: the run's time limit of 0 s was reached before this check was finished"
    )
    cap = str(ROOT / "examples" / "amendments" / "oracle_cap_5b.amendment")
    assert api.diff(seed, cap, limits=Limits(timeout=0)).diff_status == api.DiffStatus.UNKNOWN
    assert api.diff(seed, cap).diff_status == api.DiffStatus.DIFFERENCE


def test_the_package_exports_the_apis_names() -> None:
    """``verifier`` lists the API's names again for lazy import: the same list,
    but ``verify`` (the subpackage's name there)."""
    import verifier

    assert set(verifier.__all__) - {"__version__", "api"} == set(api.__all__) - {"verify"}
    assert all(getattr(verifier, n) is getattr(api, n) for n in set(api.__all__) - {"verify"})
