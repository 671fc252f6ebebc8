"""Every output repeats byte for byte: the run's time from ``SOURCE_DATE_EPOCH``
(``verifier.clock``), and the same bytes across hash seeds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys

import pytest

from tests import ROOT
from verifier.clock import ClockError, run_started


def test_source_date_epoch_is_the_reports_time() -> None:
    assert run_started({"SOURCE_DATE_EPOCH": "1700000000"}) == dt.datetime(
        2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC
    )
    assert run_started({"SOURCE_DATE_EPOCH": "0"}) == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def test_without_source_date_epoch_the_clock_in_whole_seconds() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    t = run_started({})
    assert before <= t <= dt.datetime.now(dt.UTC) and t.microsecond == 0
    assert run_started({"SOURCE_DATE_EPOCH": ""}).microsecond == 0


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("yesterday", "is not a whole number of seconds since 1970-01-01"),
        ("-5", "is not a whole number of seconds since 1970-01-01"),
        ("1.5", "is not a whole number of seconds since 1970-01-01"),
        ("999999999999", "is past the year 9999"),
        ("9" * 40, "is not a whole number of seconds since 1970-01-01"),
    ],
)
def test_a_bad_source_date_epoch_is_refused_with_its_reason(value: str, says: str) -> None:
    with pytest.raises(ClockError) as e:
        run_started({"SOURCE_DATE_EPOCH": value})
    assert str(e.value) == f"SOURCE_DATE_EPOCH={value!r} {says}" + (
        " (for example SOURCE_DATE_EPOCH=1700000000)" if "whole number" in says else ""
    )


# ---------------------------------------------------------------- across hash seeds

CONTRACTS = sorted((ROOT / "contracts").glob("*.contract"))
AMENDMENTS = sorted((ROOT / "examples" / "amendments").glob("*.amendment"))
SCENARIOS = sorted((ROOT / "examples" / "scenarios").glob("*.scenario"))


def outputs() -> dict[str, str]:
    """Every output of every shipped file, by name -> its sha-256: each contract
    verified once and written in every format (text, JSON, SARIF, JUnit, HTML,
    Markdown), each amendment compared with its base in every format, each scenario
    simulated (text, JSON), and one run of the whole command line. Run in a fresh
    process per hash seed (``test_every_output_repeats_across_hash_seeds``)."""
    import io
    import json

    from dsl.diagnostics import Sources
    from dsl.load import load_amended, load_contract
    from verifier.cli import main
    from verifier.report import human_report, machine_report
    from verifier.report.jsondoc import comparison_json, to_json
    from verifier.report.text import comparison_text, to_text
    from verifier.verify.run import verify_contract
    from verifier.verify.whatif import compare

    out: dict[str, str] = {}

    def keep(name: str, text: str) -> None:
        out[name] = hashlib.sha256(text.encode()).hexdigest()

    for path in CONTRACTS:
        lc = load_contract(str(path), Sources())
        assert lc.contract is not None, path
        v = verify_contract(lc.contract, lc.sha256)
        keep(f"{path.name} text", to_text(v))
        keep(f"{path.name} json", json.dumps(to_json(v, False), indent=2, ensure_ascii=False))
        for fmt in ("sarif", "junit"):
            keep(f"{path.name} {fmt}", machine_report(fmt, [v]))
        for fmt in ("html", "md"):
            keep(f"{path.name} {fmt}", human_report(fmt, [v]))
    for path in AMENDMENTS:
        base = str(ROOT / "contracts" / "openai_microsoft.contract")
        lb, la = load_contract(base, Sources()), load_amended(base, str(path), Sources())
        assert lb.contract is not None and la.contract is not None, path
        cmp = compare(lb.contract, la.contract, lb.sha256, la.sha256, amendment_file=str(path))
        keep(f"{path.name} text", comparison_text(cmp))
        keep(f"{path.name} json", json.dumps(comparison_json(cmp), indent=2, ensure_ascii=False))
        for fmt in ("sarif", "junit"):
            keep(f"{path.name} {fmt}", machine_report(fmt, [], cmp))
        for fmt in ("html", "md"):
            keep(f"{path.name} {fmt}", human_report(fmt, comparison=cmp))
    for path in SCENARIOS:
        for fmt in ("text", "json"):
            stdout, stderr = io.StringIO(), io.StringIO()
            code = main(["simulate", str(path), "--format", fmt], stdout, stderr)
            keep(f"{path.name} {fmt}", f"{code}\n{stdout.getvalue()}{stderr.getvalue()}")
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["verify", *map(str, CONTRACTS[:2]), "--format", "sarif"], stdout, stderr)
    keep("verify (command line) sarif", f"{code}\n{stdout.getvalue()}{stderr.getvalue()}")
    return out


def _outputs_with_seed(seed: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1767225600"}
    code = "import json; from tests.verifier.report.test_determinism import outputs; print(json.dumps(outputs()))"
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )


def test_every_output_repeats_across_hash_seeds() -> None:
    """The issue's bar: every output format of every shipped contract (and amendment
    and scenario) repeats byte for byte across three runs with different hash seeds
    under one ``SOURCE_DATE_EPOCH``. Two at a time: the machine has two cores."""
    runs: list[dict[str, str]] = []
    for batch in (("0", "1"), ("4242",)):
        procs = [_outputs_with_seed(seed) for seed in batch]
        for p in procs:
            stdout, _ = p.communicate(timeout=300)
            assert p.returncode == 0
            runs.append(json.loads(stdout))
    first = runs[0]
    assert len(first) == 6 * len(CONTRACTS) + 6 * len(AMENDMENTS) + 2 * len(SCENARIOS) + 1
    for other in runs[1:]:
        differ = sorted(k for k in first if first[k] != other.get(k))
        assert differ == [], f"differ across hash seeds: {differ}"


def test_a_contracts_results_do_not_depend_on_what_was_verified_before() -> None:
    """``verify A B`` says of B what ``verify B`` says, and so does the library called twice:
    a same-day witness's order used to follow the terms A left in Z3. Each in a fresh
    process: this one has verified other contracts already."""

    def second(first: bool) -> str:
        code = f"import sys; from tests.verifier.report.test_determinism import _text_of_second as t; sys.stdout.write(t({first}))"
        run = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return run.stdout

    alone = second(False)
    assert "clean_exit" in alone
    assert second(True) == alone


def _text_of_second(first: bool = True) -> str:
    """``mutual_nda``'s text report, verified after ``exclusive_distribution`` if ``first``."""
    from dsl.diagnostics import Sources
    from dsl.load import load_contract
    from verifier.report.text import to_text
    from verifier.verify.run import verify_contract

    names = ["exclusive_distribution.contract"] * first + ["mutual_nda.contract"]
    texts = []
    for name in names:
        lc = load_contract(str(ROOT / "contracts" / name), Sources())
        assert lc.contract is not None
        texts.append(to_text(verify_contract(lc.contract, lc.sha256)))
    return texts[-1]
