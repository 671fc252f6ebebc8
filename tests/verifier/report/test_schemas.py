"""Every ``--format json`` output against its schema in ``verifier/report/schemas/``.

The schemas (draft 2020-12) are checked to be valid schemas; then the real
commands run, in process as a user would call them, over every shipped contract,
scenario and amendment, and each document they print is validated: ``verify``
(``whereas.verify/2``) and ``verify A B`` (``whereas.verify-many/1``),
``whereas simulate`` (``whereas.simulate/2``, or ``whereas.check/1`` for bad
input) of every scenario, on its contract and on every amendment of it, ``whereas
check`` (``whereas.check/1``), ``verify --what-if`` and ``whereas diff``
(``whereas.verify/2`` with a ``comparison``, ``diff.schema.json``).
Last, one broken document per schema and per kind of mistake must be rejected.

``verify`` runs with ``--no-analyses`` (analyses add findings, not fields), but
for ``tests/data/analyses.contract``, whose findings cover the ``findings`` items.
"""

from __future__ import annotations

import copy
import functools
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from jsonschema.validators import validator_for
from referencing import Registry, Resource

from dsl import syntax as s
from dsl.diagnostics import CODES, Sources
from dsl.load import parse_file, resolve_relative
from tests import ROOT
from verifier.cli.commands import verify_command, whereas
from verifier.verify.results import FINDING_CODES

SCHEMA_DIR = ROOT / "verifier" / "report" / "schemas"
SCHEMAS: dict[str, dict[str, Any]] = {
    p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
    for p in sorted(SCHEMA_DIR.glob("*.json"))
}
# the schemas refer to each other by $id (verify-many and diff to verify)
REGISTRY: Registry = Registry().with_resources(
    (sc["$id"], Resource.from_contents(sc)) for sc in SCHEMAS.values()
)

GOLDEN_DIAGNOSTICS = ROOT / "tests" / "golden" / "diagnostics"
ANALYSES = "tests/data/analyses.contract"
SEED = "contracts/openai_microsoft.contract"


def rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


CONTRACTS = [rel(p) for p in sorted((ROOT / "contracts").glob("*.contract"))]
SCENARIOS = [rel(p) for p in sorted((ROOT / "examples" / "scenarios").glob("*.scenario"))]
AMENDMENTS = [rel(p) for p in sorted((ROOT / "examples" / "amendments").glob("*.amendment"))]
BAD_INPUTS = [
    rel(p)
    for p in sorted(GOLDEN_DIAGNOSTICS.glob("*.*"))
    if p.suffix in (".contract", ".scenario", ".amendment")
]


def validator(name: str) -> jsonschema.protocols.Validator:
    schema = SCHEMAS[name]
    cls = validator_for(schema)
    return cls(schema, registry=REGISTRY, format_checker=cls.FORMAT_CHECKER)


def validate(name: str, doc: Any) -> None:
    validator(name).validate(doc)


@functools.cache
def run(*args: str) -> tuple[int, Any]:
    """``verify ...`` or ``whereas ...`` run in process from the repository root (file
    names in the output are the relative ones); the exit code and the JSON printed.
    Cached: the negative tests reuse the documents."""
    prog, *rest = args
    command = verify_command if prog == "verify" else whereas
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        r = CliRunner().invoke(command, rest, catch_exceptions=False)
    return r.exit_code, json.loads(r.stdout)


def base_of(amendment: str) -> str:
    node, diags = parse_file(str(ROOT / amendment), Sources())
    assert isinstance(node, s.AmendmentFile), diags
    return rel(Path(resolve_relative(str(ROOT / amendment), node.contract)).resolve())


# ----------------------------------------------------------------- the schemas themselves


def test_there_is_a_schema_for_every_json_output() -> None:
    assert set(SCHEMAS) == {"check", "simulate", "verify", "verify-many", "diff"}


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_schema_is_valid_for_its_draft(name: str) -> None:
    schema = SCHEMAS[name]
    cls = validator_for(schema)
    assert cls is jsonschema.Draft202012Validator, f"{name}: $schema is {schema.get('$schema')!r}"
    cls.check_schema(schema)
    # verify/2 made ``bounds.occurrences`` nullable and added ``reach``; simulate/2 moved
    # the contract's end out of ``state_changes`` into ``terminations`` and added
    # ``story`` and ``at_horizon``; the others are at 1.
    version = {"verify": 2, "simulate": 2}.get(name, 1)
    assert schema["$id"] == f"https://whereas.dev/schemas/{name}-{version}.json"
    tag = schema["properties"]["schema"]["const"]
    assert f"({tag}" in schema["title"], schema["title"]
    assert schema["description"]


def test_check_schema_lists_every_diagnostic_code_with_its_severity() -> None:
    diag = SCHEMAS["check"]["$defs"]["diagnostic"]
    assert diag["properties"]["code"]["enum"] == list(CODES)
    assert diag["if"]["properties"]["code"]["enum"] == [
        c for c, (sev, _) in CODES.items() if sev == "warning"
    ]


def test_verify_schema_lists_every_finding_code() -> None:
    assert set(SCHEMAS["verify"]["$defs"]["finding"]["properties"]["code"]["enum"]) == set(FINDING_CODES)


# ----------------------------------------------------------------- the real outputs


@pytest.mark.parametrize("contract", CONTRACTS)
def test_verify_json(contract: str) -> None:
    code, doc = run("verify", contract, "--format", "json", "--no-analyses")
    assert code in (0, 1, 3)
    validate("verify", doc)
    assert doc["contract"]["file"] == contract and doc["findings"] == []


def test_verify_json_with_findings() -> None:
    code, doc = run("verify", ANALYSES, "--format", "json")
    assert code in (0, 1, 3)
    validate("verify", doc)
    assert {"conflict", "dead-clause"} <= {f["code"] for f in doc["findings"]}
    assert any(f["scenario"] is not None for f in doc["findings"])


def test_verify_two_contracts_json() -> None:
    code, doc = run("verify", SEED, CONTRACTS[0], "--format", "json", "--no-analyses", "--timings")
    assert code in (0, 1, 3)
    validate("verify-many", doc)
    assert [c["contract"]["file"] for c in doc["contracts"]] == [SEED, CONTRACTS[0]]
    for item in doc["contracts"]:
        validate("verify", item)
        assert item["analyses_seconds"] == 0  # --no-analyses: none ran


def test_verify_timings_say_what_the_analyses_cost() -> None:
    code, doc = run("verify", ANALYSES, "--format", "json", "--timings")
    validate("verify", doc)
    assert 0 < doc["analyses_seconds"] <= doc["seconds"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_simulate_json(scenario: str) -> None:
    code, doc = run("whereas", "simulate", scenario, "--format", "json")
    assert code in (0, 1)
    validate("simulate", doc)
    assert doc["scenario"]["file"] == scenario
    assert (code == 1) == any(doc["breach"].values())


@pytest.mark.parametrize("amendment", AMENDMENTS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_simulate_json_on_an_amendment(scenario: str, amendment: str) -> None:
    """Every scenario on every amendment of the seed: states the amendments add
    (``Exclusivity``), their changes and the states at the horizon."""
    code, doc = run("whereas", "simulate", amendment, scenario, "--format", "json")
    assert code in (0, 1)
    validate("simulate", doc)
    assert doc["contract"]["file"] == amendment
    declared = [st["state"] for st in doc["at_horizon"]["states"]]
    assert {c["state"] for c in doc["state_changes"]} <= set(declared)


def test_simulate_json_with_a_termination(tmp_path: Path) -> None:
    """No shipped scenario ends its contract."""
    (tmp_path / "t.contract").write_text(
        'contract "T" effective 2024-01-01 horizon 2024-12-31\n'
        "party A\nevent Quit by A\nstate Open holds from effective\n"
        "§1 Exit\n  Quit ends the contract\n§2 Close\n  Quit ends Open\n",
        encoding="utf-8",
    )
    sc = tmp_path / "quit.scenario"
    sc.write_text('scenario "Quit" for "t.contract"\n2024-03-01 Quit by A\n', encoding="utf-8")
    code, doc = run("whereas", "simulate", str(sc), "--format", "json")
    assert code == 0
    validate("simulate", doc)
    assert doc["terminations"] == [{"date": "2024-03-02", "clause": "§1", "cause": "Quit (§1)"}]
    assert [c["state"] for c in doc["state_changes"]] == ["Open"]
    assert doc["at_horizon"]["not_in_force_from"] == "2024-03-02"


def test_simulate_json_with_a_conflict(tmp_path: Path) -> None:
    """No shipped scenario has a conflict: two exceptions of equal priority that disagree."""
    shutil.copy(ROOT / ANALYSES, tmp_path / "analyses.contract")
    sc = tmp_path / "conflict.scenario"
    sc.write_text(
        'scenario "Office sublet in July"\n  for "analyses.contract"\n\n'
        "2024-07-01 Sublet(use: Office) by Tenant\n",
        encoding="utf-8",
    )
    code, doc = run("whereas", "simulate", str(sc), "--format", "json")
    assert code == 0
    validate("simulate", doc)
    [conflict] = doc["conflicts"]
    assert conflict["clauses"] == ["§1.1", "§1.2"]
    assert doc["events"][conflict["event"]]["decisions"] == [
        {"rule": "§1", "decided_by": None, "value": "conflict"}
    ]


def test_simulate_json_of_bad_input_is_a_check_document() -> None:
    code, doc = run(
        "whereas", "simulate", "tests/golden/diagnostics/missing-argument.scenario", "--format", "json"
    )
    assert code == 2
    validate("check", doc)
    assert doc["summary"]["errors"] >= 1


def test_check_json_with_errors() -> None:
    """Every golden input in one run: every code but wrong-contract (which `check` cannot
    give), with labels, warnings and files that are not text."""
    code, doc = run("whereas", "check", *BAD_INPUTS, "--format", "json")
    assert code == 2
    validate("check", doc)
    codes = {d["code"] for d in doc["diagnostics"]}
    # the limits on file size, text length and items are tested on files made in a
    # temporary folder (tests/dsl/test_diagnostics.py): too large to ship
    made = {"file-too-large", "text-too-long", "too-many-declarations"}
    assert codes == set(CODES) - {"wrong-contract", "not-a-file"} - made
    assert any(d["labels"] for d in doc["diagnostics"])
    assert doc["summary"] == {
        "errors": sum(d["severity"] == "error" for d in doc["diagnostics"]),
        "warnings": sum(d["severity"] == "warning" for d in doc["diagnostics"]),
    }


def test_check_json_of_clean_files() -> None:
    code, doc = run("whereas", "check", *CONTRACTS, *SCENARIOS, *AMENDMENTS, "--format", "json")
    assert code == 0
    validate("check", doc)
    assert doc["summary"]["errors"] == 0


@pytest.mark.parametrize("amendment", AMENDMENTS)
def test_what_if_json(amendment: str) -> None:
    base = base_of(amendment)
    code, doc = run("verify", base, "--what-if", amendment, "--format", "json")
    assert code in (0, 1, 3)
    validate("diff", doc)
    validate("verify", doc)
    assert doc["schema"] == "whereas.verify/2"
    assert (doc["comparison"]["base"], doc["comparison"]["amendment"]) == (base, amendment)


def test_diff_json_of_two_contracts() -> None:
    code, doc = run(
        "whereas",
        "diff",
        "contracts/mutual_nda.contract",
        "contracts/software_licence.contract",
        "--format",
        "json",
    )
    assert code == 1
    validate("diff", doc)
    assert doc["comparison"]["status"] == "difference"


def test_diff_json_without_a_difference() -> None:
    code, doc = run("whereas", "diff", SEED, SEED, "--format", "json")
    assert code == 0
    validate("diff", doc)
    cmp = doc["comparison"]
    assert (cmp["status"], cmp["difference"]) == ("none", None) and cmp["note"]


# ----------------------------------------------------------------- broken documents are rejected


def _verify_doc() -> Any:
    return run("verify", SEED, "--format", "json", "--no-analyses")[1]


def _findings_doc() -> Any:
    return run("verify", ANALYSES, "--format", "json")[1]


def _many_doc() -> Any:
    return run("verify", SEED, CONTRACTS[0], "--format", "json", "--no-analyses", "--timings")[1]


def _simulate_doc() -> Any:
    return run("whereas", "simulate", "examples/scenarios/oracle_12b.scenario", "--format", "json")[1]


def _agi_doc() -> Any:
    return run("whereas", "simulate", "examples/scenarios/board_declares_agi.scenario", "--format", "json")[1]


def _check_doc() -> Any:
    return run("whereas", "check", *BAD_INPUTS, "--format", "json")[1]


def _diff_doc() -> Any:
    return run("verify", SEED, "--what-if", "examples/amendments/expert_panel.amendment", "--format", "json")[
        1
    ]


def _set(path: str, value: Any) -> Callable[[Any], None]:
    """Set the value at a dotted path (numbers index lists)."""

    def mutate(doc: Any) -> None:
        *parents, last = path.split(".")
        for k in parents:
            doc = doc[int(k)] if k.isdigit() else doc[k]
        doc[int(last) if last.isdigit() else last] = value

    return mutate


def _drop(path: str) -> Callable[[Any], None]:
    def mutate(doc: Any) -> None:
        *parents, last = path.split(".")
        for k in parents:
            doc = doc[int(k)] if k.isdigit() else doc[k]
        del doc[last]

    return mutate


def _first_error_diagnostic(field: str, value: Any) -> Callable[[Any], None]:
    def mutate(doc: Any) -> None:
        next(d for d in doc["diagnostics"] if d["severity"] == "error")[field] = value

    return mutate


BROKEN: dict[str, tuple[str, Callable[[], Any], Callable[[Any], None]]] = {
    "verify: a verdict that is not one": ("verify", _verify_doc, _set("results.0.verdict", "maybe")),
    "verify: no summary": ("verify", _verify_doc, _drop("summary")),
    "verify: a result without its clauses": ("verify", _verify_doc, _drop("results.0.clauses")),
    "verify: an unknown finding code": ("verify", _findings_doc, _set("findings.0.code", "typo")),
    "verify-many: the tag of one contract": ("verify-many", _many_doc, _set("schema", "whereas.verify/2")),
    "verify-many: one contract only": ("verify-many", _many_doc, lambda d: d["contracts"].pop()),
    "verify-many: a verdict in an item": (
        "verify-many",
        _many_doc,
        _set("contracts.1.results.0.verdict", "yes"),
    ),
    "verify-many: a field it does not have": ("verify-many", _many_doc, _set("count", 2)),
    "simulate: a decision that is not one": (
        "simulate",
        _simulate_doc,
        _set("events.0.decisions.0.value", "allowed"),
    ),
    "simulate: no breach": ("simulate", _simulate_doc, _drop("breach")),
    "simulate: a violation of no kind": ("simulate", _simulate_doc, _set("violations.0.kind", "breach")),
    "simulate: an ineffective act by a power": (
        "simulate",
        _simulate_doc,
        lambda d: d["events"][0].update(effective=False, power="§7.1"),
    ),
    "simulate: a date that is not one": ("simulate", _simulate_doc, _set("events.0.date", "2024-13-01")),
    "simulate: a termination as a change of no state": (
        "simulate",
        _agi_doc,
        _set("state_changes.0.state", None),
    ),
    "simulate: a story entry of no kind": ("simulate", _agi_doc, _set("story.0.kind", "breach")),
    "simulate: no states at the horizon": ("simulate", _agi_doc, _drop("at_horizon")),
    "simulate: a contract in force that ended": (
        "simulate",
        _agi_doc,
        _set("at_horizon.not_in_force_from", "2026-03-02"),
    ),
    "simulate: a state that holds maybe": ("simulate", _agi_doc, _set("at_horizon.states.0.holds", "maybe")),
    "simulate: a termination without its clause": (
        "simulate",
        _agi_doc,
        lambda d: d["terminations"].append({"date": "2026-03-02", "cause": "DeclareAGI (§7)"}),
    ),
    "check: an unregistered code": ("check", _check_doc, _first_error_diagnostic("code", "no-such-code")),
    "check: an error code as a warning": (
        "check",
        _check_doc,
        _first_error_diagnostic("severity", "warning"),
    ),
    "check: line 0": ("check", _check_doc, _first_error_diagnostic("line", 0)),
    "check: no labels": ("check", _check_doc, lambda d: d["diagnostics"][0].pop("labels")),
    "check: no summary": ("check", _check_doc, _drop("summary")),
    "diff: a status that is not one": ("diff", _diff_doc, _set("comparison.status", "changed")),
    "diff: a difference without the status": ("diff", _diff_doc, _set("comparison.status", "none")),
    "diff: a verdict that is not one": ("diff", _diff_doc, _set("comparison.checks.0.after", "gone")),
    "diff: no note": ("diff", _diff_doc, _drop("comparison.note")),
    "diff: no comparison": ("diff", _diff_doc, _drop("comparison")),
    "diff: a field the verification does not have": ("diff", _diff_doc, _set("extra", True)),
    "diff: a verdict of the amended contract": ("diff", _diff_doc, _set("results.0.verdict", "maybe")),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_document_is_rejected(case: str) -> None:
    name, source, mutate = BROKEN[case]
    doc = copy.deepcopy(source())
    validate(name, doc)  # the document as printed is valid: what is rejected is the mistake
    mutate(doc)
    with pytest.raises(jsonschema.ValidationError):
        validate(name, doc)
