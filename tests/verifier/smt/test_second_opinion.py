"""A second opinion on every answer (docs/cli.md, "A second opinion"): the
checks' questions as SMT-LIB 2 files (``verify --emit-smt2 DIR``) that other
solvers re-check, and cvc5's answer to each (``verify --confirm``), which must
agree with Z3's on every shipped contract and amendment."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.load import load_contract
from tests import ROOT
from verifier.cli import main
from verifier.smt import smtlib
from verifier.smt.outcome import Agreement
from verifier.smt.second import Opinion, cvc5_version
from verifier.verify.results import FindingCode, Verdict, exit_code
from verifier.verify.run import verify_contract

SEED = str(ROOT / "contracts" / "openai_microsoft.contract")
SHIPPED = sorted(
    p.relative_to(ROOT).as_posix()
    for p in [
        *(ROOT / "contracts").glob("*.contract"),
        *(ROOT / "examples" / "amendments").glob("*.amendment"),
    ]
)
NO_CVC5 = "cvc5 is not installed (pip install 'whereas[confirm]'): the second opinion cannot be tested"
needs_cvc5 = pytest.mark.skipif(cvc5_version() is None, reason=NO_CVC5)
VERIFY = str(Path(sys.executable).parent / "verify")
STATUS = re.compile(r"^\(set-info :status (sat|unsat|unknown)\)$", re.M)


def _contract(path: str) -> m.Contract:
    lc = load_contract(str(ROOT / path), Sources())
    assert lc.contract is not None, [d.message for d in lc.diagnostics]
    return lc.contract


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@needs_cvc5
@pytest.mark.parametrize("path", SHIPPED)
def test_cvc5_confirms_every_answer_of_every_shipped_contract_and_amendment(path: str) -> None:
    v = verify_contract(_contract(path), opinion=Opinion(None, confirm=True))
    assert v.results
    # the analyses' questions too: a disputed one would be an internal-error finding
    assert [f for f in v.findings if f.code == FindingCode.INTERNAL_ERROR] == []
    for r in v.results:
        assert r.verdict != Verdict.UNKNOWN, (r.id, r.reason)
        assert r.confirmation is not None, r.id
        assert r.confirmation.agreement == Agreement.CONFIRMED, (r.id, r.confirmation)
        assert r.confirmation.solver == f"cvc5 {cvc5_version()}"
        assert r.confirmation.answer == r.confirmation.expected in ("sat", "unsat")


@needs_cvc5
def test_a_wrong_encoding_of_one_clause_in_the_export_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # the export leaves out §2's definitions (exclusive compute), so its literal
    # says nothing: cvc5 finds a purchase above the cap without breach where Z3
    # proved there is none, and the result becomes an internal error (exit 4)
    honest = smtlib.assertions

    def without_section_2(prover, query, within):  # type: ignore[no-untyped-def]
        terms = honest(prover, query, within)
        enc = prover.enc
        wrong = {
            str(enc.t.eq(v, enc.t.and_(enc.lits[cid], d)).sexpr()) for cid, v, d in enc.guarded if cid == "§2"
        }
        assert wrong, "§2 has definitions in the encoding"
        return [t for t in terms if str(t.sexpr()) not in wrong]

    monkeypatch.setattr(smtlib, "assertions", without_section_2)
    c = _contract("contracts/openai_microsoft.contract")
    v = verify_contract(c, analyses=False, only=["oracle_above_cap"], opinion=Opinion(None, confirm=True))
    (r,) = v.results
    assert r.verdict == Verdict.UNKNOWN and r.internal_error
    assert r.confirmation is not None and r.confirmation.agreement == Agreement.DISAGREES
    assert r.reason == f"internal error: Z3 answers unsat, cvc5 {cvc5_version()} answers sat"
    assert r.explanation.startswith("INTERNAL ERROR: two solvers disagree")
    assert exit_code(v) == 4


def _leave_out(monkeypatch: pytest.MonkeyPatch, clause: str) -> None:
    """The export says nothing of ``clause``'s definitions: a wrong encoding of it."""
    honest = smtlib.assertions

    def without(prover, query, within):  # type: ignore[no-untyped-def]
        terms = honest(prover, query, within)
        enc = prover.enc
        wrong = {
            str(enc.t.eq(v, enc.t.and_(enc.lits[cid], d)).sexpr())
            for cid, v, d in enc.guarded
            if cid == clause
        }
        return [t for t in terms if str(t.sexpr()) not in wrong]

    monkeypatch.setattr(smtlib, "assertions", without)


@needs_cvc5
def test_a_wrong_export_of_an_analysis_question_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # §2 of the analyses' contract is dead (nothing it covers can happen in force);
    # an export without its definitions lets cvc5 find a scenario where it applies
    _leave_out(monkeypatch, "§2")
    lc = load_contract(str(ROOT / "tests" / "data" / "analyses.contract"), Sources())
    assert lc.contract is not None
    v = verify_contract(lc.contract, opinion=Opinion(None, confirm=True))
    wrong = [f for f in v.findings if f.code == FindingCode.INTERNAL_ERROR]
    assert [(f.message, f.clauses) for f in wrong] == [
        (
            "two solvers disagree on the dead-clause analysis of §2: "
            f"cvc5 {cvc5_version()} disagrees: it answers sat where Z3 answers unsat",
            ("§2",),
        )
    ]
    assert ("dead-clause", ("§2",)) not in [(f.code, f.clauses) for f in v.findings]
    assert exit_code(v) == 4


def _emit(folder: Path, *more: str) -> tuple[int, str, str]:
    return run("verify", SEED, "--emit-smt2", str(folder), "--no-analyses", *more)


def test_every_check_has_a_self_contained_file_that_names_its_question(tmp_path: Path) -> None:
    code, out, err = _emit(tmp_path / "smt")
    assert code == 0, err
    files = sorted(p.name for p in (tmp_path / "smt" / "openai_microsoft").iterdir())
    ids = [ch.id for ch in _contract("contracts/openai_microsoft.contract").checks]
    assert files == sorted(f"check-{i}.1.smt2" for i in ids)
    text = (tmp_path / "smt" / "openai_microsoft" / "check-oracle_above_cap.1.smt2").read_text()
    head = text.splitlines()[:10]
    assert head == [
        "; Whereas: one question about a contract, in SMT-LIB 2",
        f"; contract: Microsoft–OpenAI partnership, as reported in late 2024 ({SEED})",
        "; check-oracle_above_cap",
        "; check oracle_above_cap: Buying more than $10B from Oracle is a breach by OpenAI",
        "; asked: a course of events on which what it rules out happens (at most 1 occurrence of "
        "BuyCompute), on 2 clauses of the contract",
        "; clause literals (true: the clause is in the contract; false: struck out):",
        "; |use[§2]| §2 Exclusive compute: asserted",
        "; |use[§2.1]| §2.1 Oracle waiver: asserted",
        "(set-logic QF_LIA)",
        "(set-info :status unsat)",
    ]
    assert text.endswith("(check-sat)\n(exit)\n")
    assert re.search(r"\(assert\s+\|use\[§2\]\|\)", text)


def test_the_files_are_the_same_bytes_on_every_run(tmp_path: Path) -> None:
    # Z3 names shared subterms after internal numbers that depend on the
    # process's history; the files renumber them, so two runs (in fresh processes,
    # with other hash seeds, one of them solving the checks in two workers) agree
    def emit(folder: Path, seed: str, *more: str) -> dict[str, bytes]:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [VERIFY, SEED, "--emit-smt2", str(folder), "-q", *more],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        return {p.name: p.read_bytes() for p in (folder / "openai_microsoft").iterdir()}

    one = emit(tmp_path / "a", "1")
    two = emit(tmp_path / "b", "2", "--jobs", "2")
    assert one == two and len(one) == 12  # 10 checks, a conflict question, the other analyses together
    assert all(re.search(rb"\$x1\b", t) for t in one.values() if b"(let" in t)


def test_renumbering_leaves_quoted_symbols_alone() -> None:
    text = "(let (($x631 (and |a!7| $x12))) (let ((a!3 $x631)) (or a!3 |$x12|)))"
    assert smtlib.renumber(text) == "(let (($x1 (and |a!7| $x2))) (let ((a!1 $x1)) (or a!1 |$x12|)))"


def _binary_answers(program: list[str], folder: Path) -> list[tuple[str, str, str]]:
    """(file, stated status, the program's answer) of every file under ``folder``."""
    out = []
    for f in sorted(folder.rglob("*.smt2")):
        text = f.read_text()
        stated = STATUS.search(text)
        assert stated is not None, f
        got = subprocess.run([*program, str(f)], capture_output=True, text=True, timeout=120)
        out.append(
            (
                f.name,
                stated.group(1),
                got.stdout.strip().splitlines()[0] if got.stdout.strip() else got.stderr,
            )
        )
    return out


@pytest.fixture(scope="module")
def shipped_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("smt2")
    for path in SHIPPED:
        code, _, err = run("verify", str(ROOT / path), "--emit-smt2", str(folder), "-q")
        assert code in (0, 1), err
    return folder


def test_the_z3_program_re_checks_every_exported_file(shipped_files: Path) -> None:
    z3 = shutil.which("z3", path=str(Path(sys.executable).parent)) or shutil.which("z3")
    if z3 is None:
        pytest.skip("the z3 program (shipped with z3-solver) is not on the PATH")
    answers = _binary_answers([z3], shipped_files)
    assert len(answers) >= 50
    assert [a for a in answers if a[1] != a[2]] == []


def test_the_cvc5_program_re_checks_every_exported_file(shipped_files: Path) -> None:
    cvc5 = shutil.which("cvc5")
    if cvc5 is None:
        pytest.skip("the cvc5 program is not installed (Debian: apt-get install cvc5; .ci/run installs it)")
    answers = _binary_answers([cvc5], shipped_files)
    assert len(answers) >= 50
    assert [a for a in answers if a[1] != a[2]] == []


@needs_cvc5
def test_confirm_in_the_text_and_the_json(tmp_path: Path) -> None:
    code, out, err = run("verify", SEED, "--confirm", "--no-analyses")
    assert code == 0, err
    assert f"  second opinion: confirmed by cvc5 {cvc5_version()}\n" in out
    assert out.rstrip().endswith(f"0 findings; all confirmed by cvc5 {cvc5_version()}")
    code, out, err = run(
        "verify", SEED, "--confirm", "--emit-smt2", str(tmp_path), "--format", "json", "--no-analyses"
    )
    assert code == 0, err
    doc = json.loads(out)
    schema = json.loads((ROOT / "verifier" / "report" / "schemas" / "verify.schema.json").read_text())
    jsonschema.validate(doc, schema)
    first = doc["results"][1]
    assert first["id"] == "oracle_above_cap"
    assert first["confirmation"] == {
        "solver": f"cvc5 {cvc5_version()}",
        "agreement": "confirmed",
        "answer": "unsat",
        "z3": "unsat",
        "reason": "",
        "files": [str(tmp_path / "openai_microsoft" / "check-oracle_above_cap.1.smt2")],
    }


def test_confirm_without_cvc5_says_how_to_install_it(tmp_path: Path) -> None:
    (tmp_path / "cvc5.py").write_text("raise ImportError('hidden for this test')\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    got = subprocess.run(
        [VERIFY, SEED, "--confirm"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert got.returncode == 2
    assert got.stdout == ""
    assert got.stderr == (
        "error: --confirm needs cvc5, which is not installed; install it with "
        "`pip install 'whereas[confirm]'` (or `pip install cvc5`)\n"
    )


def test_a_folder_holding_other_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / "openai_microsoft" / "notes.txt"
    mine.parent.mkdir()
    mine.write_text("my notes")
    code, out, err = _emit(tmp_path)
    assert code == 2 and out == ""
    assert err == (
        f"error: --emit-smt2: {mine.parent} holds {mine}, which Whereas did not write; "
        "nothing was written (give an empty or new folder)\n"
    )
    assert sorted(p.name for p in mine.parent.iterdir()) == ["notes.txt"] and mine.read_text() == "my notes"
    # a folder of an earlier run's questions is emptied and written again
    mine.unlink()
    (mine.parent / "check-gone.1.smt2").write_text("; Whereas: one question about a contract, in SMT-LIB 2\n")
    code, _, err = _emit(tmp_path)
    assert code == 0, err
    names = {p.name for p in mine.parent.iterdir()}
    assert "check-gone.1.smt2" not in names and "check-oracle_above_cap.1.smt2" in names
    # a file given as the folder
    code, _, err = run("verify", SEED, "--emit-smt2", SEED)
    assert code == 2  # click says: "Directory ... is a file"


@needs_cvc5
@pytest.mark.parametrize("suffix", ["md", "html"])
def test_the_reports_show_the_second_opinion(tmp_path: Path, suffix: str) -> None:
    report = tmp_path / f"report.{suffix}"
    code, _, err = run("verify", SEED, "--confirm", "--no-analyses", "-q", "--report", str(report))
    assert code == 0, err
    text = report.read_text()
    said = (
        f"*Second opinion:* confirmed by cvc5 {cvc5_version()}"
        if suffix == "md"
        else f"<strong>Second opinion:</strong> confirmed by cvc5 {cvc5_version()}"
    )
    assert text.count(said) == 10
