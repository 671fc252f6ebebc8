"""Reports: Markdown, HTML, SARIF and JUnit from ``verify``.

Golden files in ``tests/golden/reports/`` hold the seed contract's reports with
the run's date and the tool versions replaced by placeholders (``normalise``);
``pytest tests/verifier/report/test_reports.py --update-golden`` rewrites them for review in
``git diff``. SARIF is validated against ``tests/schemas/sarif-2.1.0.json``, the
official OASIS SARIF 2.1.0 schema (errata 01), vendored unmodified (see
``tests/schemas/README.md``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from click.testing import CliRunner

from dsl.diagnostics import Sources
from dsl.load import load_contract
from tests import ROOT
from verifier import __version__
from verifier.cli.commands import verify_command
from verifier.report import RunInfo, human_report, machine_report
from verifier.report.formal import clause_reading
from verifier.report.human import md_escape
from verifier.verify.results import Verdict, Verification
from verifier.verify.run import verify_contract

GOLDEN = ROOT / "tests" / "golden" / "reports"
SEED = "contracts/openai_microsoft.contract"
AMENDMENT = "examples/amendments/expert_panel.amendment"
SARIF_SCHEMA_FILE = ROOT / "tests/schemas/sarif-2.1.0.json"
SARIF_SCHEMA = json.loads(SARIF_SCHEMA_FILE.read_text(encoding="utf-8"))
# the sha-256 of the vendored file, as tests/schemas/README.md records it
SARIF_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
VERIFY_SCHEMA = json.loads((ROOT / "verifier/report/schemas/verify.schema.json").read_text())

EVIL = """contract "Evil <script>alert(1)</script> | * _ # [x](y)"
  effective 2024-01-01
  horizon 2024-12-31
  currency USD

party Buyer
party Seller

event Order(amount: money) by Buyer
event Deliver by Seller

§1 Delivery <script>alert(1)</script> | * _
  text "<script>alert(1)</script> | * _ # [x](y) `code` ![img](http://evil.example/x.png)"
  when Order: Seller must Deliver within 10 days

check never_late "<script>alert(1)</script> | * _ # [x](y)":
  never breach of §1

check can_order "Ordering | is * possible":
  possible Order
"""


def verify(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(verify_command, list(args), catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def normalise(text: str) -> str:
    """The parts of a report that change from run to run: the date of the run
    and the versions of whereas, Python and Z3."""
    from verifier.smt.solver import z3_version

    text = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC", "<RUN-DATE>", text)
    text = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?", "<RUN-DATE>", text)
    for value, name in (
        (z3_version(), "<Z3-VERSION>"),
        (platform.python_version(), "<PYTHON-VERSION>"),
        (__version__, "<WHEREAS-VERSION>"),
    ):
        text = re.sub(rf"(?<![\w.]){re.escape(value)}(?![\w.])", name, text)
    return text


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT


# ----------------------------------------------------------------- golden reports

GOLDEN_CASES = {
    "seed.md": ([SEED, "--report", "{out}"], 0),
    "seed.html": ([SEED, "--report", "{out}"], 0),
    "seed.txt": ([SEED, "-o", "{out}"], 0),
    "seed.json": ([SEED, "--format", "json", "-o", "{out}"], 0),
    "seed.sarif.json": ([SEED, "--format", "sarif", "-o", "{out}"], 0),
    "seed.junit.xml": ([SEED, "--format", "junit", "-o", "{out}"], 0),
    "whatif-expert_panel.md": ([SEED, "--what-if", AMENDMENT, "--report", "{out}"], 1),
}
# each library contract's text, JSON, Markdown and HTML, with its witnesses and
# explanations as a reader sees them (exit 1: each has a check that fails on purpose)
LIBRARY = sorted(p.stem for p in (ROOT / "contracts").glob("*.contract") if p.stem != "openai_microsoft")
for _stem in LIBRARY:
    _path = f"contracts/{_stem}.contract"
    GOLDEN_CASES[f"library/{_stem}.txt"] = ([_path, "-o", "{out}"], 1)
    GOLDEN_CASES[f"library/{_stem}.json"] = ([_path, "--format", "json", "-o", "{out}"], 1)
    GOLDEN_CASES[f"library/{_stem}.md"] = ([_path, "--report", "{out}"], 1)
    GOLDEN_CASES[f"library/{_stem}.html"] = ([_path, "--report", "{out}"], 1)


@pytest.mark.parametrize("name", list(GOLDEN_CASES))
def test_golden_report(name: str, at_root: Path, tmp_path: Path, update_golden: bool) -> None:
    args, code = GOLDEN_CASES[name]
    out = tmp_path / name
    out.parent.mkdir(parents=True, exist_ok=True)
    got_code, _, err = verify(*[a.format(out=out) for a in args])
    assert got_code == code, err
    got = normalise(out.read_text(encoding="utf-8"))
    expected = GOLDEN / name
    if update_golden:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(got, encoding="utf-8")
    assert expected.exists(), f"no golden file {expected}: run pytest {__file__} --update-golden"
    assert got == expected.read_text(encoding="utf-8"), f"{name} differs from {expected} (--update-golden)"


def test_reports_are_deterministic_but_for_date_and_versions(at_root: Path, tmp_path: Path) -> None:
    lc = load_contract(SEED, Sources())
    assert lc.contract is not None
    v = verify_contract(lc.contract, lc.sha256)
    a = RunInfo(dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "9.9.9", "3.99.0", "4.99.0")
    b = attrs.evolve(a, started=dt.datetime(2030, 6, 7, 8, 9, 10, tzinfo=dt.UTC))
    for fmt in ("md", "html"):
        assert normalise(human_report(fmt, [v], run=a)) == normalise(human_report(fmt, [v], run=b))
        assert "2025-01-02 03:04:05 UTC" in human_report(fmt, [v], run=a)
        assert "3.99.0" in human_report(fmt, [v], run=a) and "4.99.0" in human_report(fmt, [v], run=a)
    for fmt in ("sarif", "junit"):
        assert normalise(machine_report(fmt, [v], run=a)) == normalise(machine_report(fmt, [v], run=b))


# ----------------------------------------------------------------- SARIF


def validate_sarif(text: str) -> dict[str, Any]:
    """Validate with the draft the official schema declares (draft-04: it names itself with ``id``)."""
    doc: dict[str, Any] = json.loads(text)
    cls = jsonschema.validators.validator_for(SARIF_SCHEMA)
    cls(SARIF_SCHEMA, format_checker=cls.FORMAT_CHECKER).validate(doc)
    return doc


def test_sarif_schema_is_the_official_one_unmodified() -> None:
    assert hashlib.sha256(SARIF_SCHEMA_FILE.read_bytes()).hexdigest() == SARIF_SCHEMA_SHA256
    assert (
        SARIF_SCHEMA["id"]
        == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    assert SARIF_SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert SARIF_SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert jsonschema.validators.validator_for(SARIF_SCHEMA) is jsonschema.Draft4Validator
    # valid for the draft it declares, and for draft-07 too (it uses nothing the two drafts read differently
    # but ``id``, which names the schema and is not used to resolve its references: all are ``#/definitions/...``)
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    jsonschema.Draft7Validator.check_schema(SARIF_SCHEMA)


def test_sarif_schema_rejects_what_it_should() -> None:
    """The vendored schema is not vacuous: a result without a message, a bad level, a property the
    format does not have are refused."""
    good = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "whereas"}},
                "results": [{"message": {"text": "x"}, "level": "error"}],
            }
        ],
    }
    validate_sarif(json.dumps(good))
    for bad in (
        {**good, "version": "2.2"},
        {
            "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "whereas"}}, "results": [{"level": "error"}]}],
        },
        {
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": {"name": "whereas"}},
                    "results": [{"message": {"text": "x"}, "level": "fatal"}],
                }
            ],
        },
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "whereas", "information_uri": "x"}}}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate_sarif(json.dumps(bad))


def test_sarif_seed_has_stable_rules_and_no_results(at_root: Path) -> None:
    code, out, _ = verify(SEED, "--format", "sarif")
    assert code == 0
    doc = validate_sarif(out)
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0"
    assert run["tool"]["driver"]["name"] == "whereas" and run["tool"]["driver"]["version"] == __version__
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    lc = load_contract(SEED, Sources())
    assert lc.contract is not None
    assert ids[: len(lc.contract.checks)] == [f"whereas/check/{c.id}" for c in lc.contract.checks]
    assert ids[len(lc.contract.checks) :] == [
        "whereas/finding/conflict",
        "whereas/finding/dead-clause",
        "whereas/finding/power-never-effective",
        "whereas/finding/unfulfillable-obligation",
        "whereas/finding/internal-error",
    ]
    # every check holds: nothing to alert on; the proofs are listed in the run's properties
    assert run["results"] == []
    assert len(run["properties"]["whereas/proved"]) == 10
    assert run["artifacts"][0]["location"]["uri"] == SEED


def test_sarif_failing_check_has_location_and_code_flow(at_root: Path) -> None:
    code, out, _ = verify(SEED, "--what-if", AMENDMENT, "--format", "sarif")
    assert code == 1
    run = validate_sarif(out)["runs"][0]
    [res] = run["results"]
    assert res["ruleId"] == "whereas/check/access_after_declaration" and res["level"] == "error"
    assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == SEED and loc["region"]["startLine"] == 73
    [step] = res["codeFlows"][0]["threadFlows"][0]["locations"]
    assert step["location"]["message"]["text"] == "2026-03-01 DeclareAGI by OpenAI.Board"
    # the board's power, as the amendment rewrote it, is the clause that did not apply
    where = step["location"]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == AMENDMENT and where["region"]["startLine"] == 15
    assert [c["id"] for c in run["properties"]["whereas/what-if"]["checks"] if c["changed"]] == [
        "access_after_declaration",
        "ip_through_2032",
        "board_alone_cannot",
    ]


def evil_verification(tmp_path: Path) -> Verification:
    path = tmp_path / "evil.contract"
    path.write_text(EVIL, encoding="utf-8")
    lc = load_contract(str(path), Sources())
    assert lc.contract is not None, lc.diagnostics
    return verify_contract(lc.contract, lc.sha256)


def test_sarif_unknown_is_a_warning_and_events_are_dated(tmp_path: Path) -> None:
    v = evil_verification(tmp_path)
    assert [r.verdict for r in v.results] == ["fails", "holds"]
    unknown = attrs.evolve(
        v.results[1],
        verdict=Verdict.UNKNOWN,
        reason="the solver gave up: canceled",
        scenario=None,
        timeline=None,
    )
    v = attrs.evolve(v, results=(v.results[0], unknown))
    doc = validate_sarif(machine_report("sarif", [v]))
    fails, unk = doc["runs"][0]["results"]
    assert (fails["level"], unk["level"]) == ("error", "warning")
    assert fails["locations"][0]["physicalLocation"]["region"]["startLine"] == v.results[0].line
    assert fails["relatedLocations"][0]["message"]["text"].startswith("§1 Delivery")
    steps = fails["codeFlows"][0]["threadFlows"][0]["locations"]
    assert steps[0]["location"]["message"]["text"] == "2024-07-01 Order(amount: $10K) by Buyer"
    assert steps[0]["location"]["physicalLocation"]["region"]["startLine"] == 12  # §1
    assert "the solver gave up" in unk["message"]["text"]


# ----------------------------------------------------------------- JUnit


def test_junit_seed_parses_back(at_root: Path) -> None:
    code, out, _ = verify(SEED, "--format", "junit")
    assert code == 0
    root = ET.fromstring(out)
    [suite] = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == (
        "10",
        "0",
        "0",
        "0",
    )
    assert suite.get("tests") == "10" and suite.get("name") == SEED
    assert {c.get("classname") for c in cases} == {SEED}
    assert [c.get("name") for c in cases][:2] == ["oracle_within_waiver", "oracle_above_cap"]
    assert not suite.findall(".//failure") and not suite.findall(".//skipped")


def test_junit_failure_and_skipped(tmp_path: Path) -> None:
    v = evil_verification(tmp_path)
    unknown = attrs.evolve(
        v.results[1], verdict=Verdict.UNKNOWN, reason="the solver gave up: canceled", scenario=None
    )
    v = attrs.evolve(v, results=(v.results[0], unknown))
    root = ET.fromstring(machine_report("junit", [v]))
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped"), suite.get("errors")) == (
        "2",
        "1",
        "1",
        "0",
    )
    failing, skipped = suite.findall("testcase")
    assert failing.get("classname") == v.contract.file and failing.get("name") == "never_late"
    failure = failing.find("failure")
    assert failure is not None and failure.get("message", "").startswith("No, this can happen.")
    assert "2024-07-01  Order(amount: $10K) by Buyer" in (failure.text or "")
    assert "§1 Delivery <script>alert(1)</script>" in (failure.text or "")  # text, escaped by the XML writer
    skip = skipped.find("skipped")
    assert skip is not None and skip.get("message") == "the solver gave up: canceled"


# ----------------------------------------------------------------- JSON stays valid


def test_verify_json_still_validates(at_root: Path, tmp_path: Path) -> None:
    for args in ([SEED], [str(tmp_path / "evil.contract")]):
        (tmp_path / "evil.contract").write_text(EVIL, encoding="utf-8")
        _, out, _ = verify(*args, "--format", "json")
        jsonschema.validate(json.loads(out), VERIFY_SCHEMA)


# ----------------------------------------------------------------- contract text stays text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs_)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data


def test_contract_text_cannot_inject_markup(tmp_path: Path) -> None:
    contract = tmp_path / "evil.contract"
    contract.write_text(EVIL, encoding="utf-8")
    md, html = tmp_path / "r.md", tmp_path / "r.html"
    assert verify(str(contract), "--report", str(md))[0] == 1
    assert verify(str(contract), "--report", str(html))[0] == 1
    m = md.read_text(encoding="utf-8")
    assert "<script>" not in m and not re.search(r"(?<!\\)<script", m)  # only ever "\<script"
    assert r"\<script\>alert(1)\</script\>" in m
    for escaped in (r"\|", r"\*", r"\_", r"\#", r"\[x\](y)", r"\`code\`", r"!\[img\]"):
        assert escaped in m, escaped
    # outside <pre> (where Markdown is not interpreted) no link or image survives
    prose = re.sub(r"<pre>.*?</pre>", "", m, flags=re.DOTALL)
    assert "![img](" not in prose and "[x](y)" not in prose
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in m  # source lines, in <pre>
    h = html.read_text(encoding="utf-8")
    assert "<script" not in h.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in h
    p = _Tags()
    p.feed(h)
    assert not [t for t, _ in p.tags if t in ("script", "img", "iframe", "object", "embed", "link")]


def test_md_escape() -> None:
    assert md_escape("a | b * c _ d") == r"a \| b \* c \_ d"
    assert md_escape("# head") == r"\# head"
    assert md_escape("[x](y)") == r"\[x\](y)"
    assert md_escape("<b>&amp;") == r"\<b\>&amp;amp;"
    assert md_escape("- item") == r"\- item"
    assert md_escape("1. item") == r"1\. item"
    assert md_escape("2024-06-01 and 3.11.2") == "2024-06-01 and 3.11.2"
    assert md_escape("US$6.6B\nnext") == r"US\$6.6B next"
    assert md_escape(r"\|") == r"\\\|"


def test_html_is_self_contained(at_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "seed.html"
    assert verify(SEED, "--report", str(out))[0] == 0
    h = out.read_text(encoding="utf-8")
    p = _Tags()
    p.feed(h)
    tags = [t for t, _ in p.tags]
    assert "svg" in tags and "style" in tags
    assert not [t for t in tags if t in ("script", "img", "iframe", "object", "embed", "link")]
    assert not [a for _, a in p.tags if "src" in a]
    hrefs = [a["href"] for t, a in p.tags if t == "a" and a.get("href")]
    assert hrefs and all(x is not None and x.startswith("#") for x in hrefs)
    ids = {a["id"] for _, a in p.tags if a.get("id")}
    missing = {x[1:] for x in hrefs if x is not None} - ids
    assert not missing, f"links to nothing: {missing}"
    assert "clause-2-1" in ids and "check-exit_via_agi" in ids
    assert "@media print" in p.style and "url(" not in p.style and "@import" not in p.style


def test_what_if_html_highlights_changes_and_sides(at_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "whatif.html"
    assert verify(SEED, "--what-if", AMENDMENT, "--report", str(out))[0] == 1
    h = out.read_text(encoding="utf-8")
    assert h.count('<tr class="changed">') == 3 + 2  # three verdicts, two readings
    assert "Before (base)" in h and "After (amended)" in h
    # the base's reading cites the base's own §7.1, kept in the appendix under its own anchor
    assert 'href="#base-clause-7-1"' in h and 'id="base-clause-7-1"' in h


def test_formal_reading_of_the_seed(at_root: Path) -> None:
    lc = load_contract(SEED, Sources())
    assert lc.contract is not None
    read = {cid: clause_reading(cl) for cid, cl in lc.contract.clauses.items()}
    assert read["§2"] == ["OpenAI must not BuyCompute where from != Microsoft"]
    assert read["§2.1"] == [
        "exception to §2",
        "applies from 2024-06-01",
        "OpenAI may BuyCompute where from == Oracle and amount <= $10B and software == Microsoft",
    ]
    assert read["§3"] == [
        "when RequestCompute by OpenAI: Microsoft must SupplyCompute where "
        "amount >= the amount of RequestCompute within 90 days"
    ]
    assert read["§7"] == ["DeclareAGI ends MicrosoftAccess"]
    assert read["§7.1"] == ["OpenAI.Board has power to DeclareAGI"]


# ----------------------------------------------------------------- bad targets


def test_report_in_missing_folder_exits_2_and_writes_nothing(at_root: Path, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "report.html"
    code, _, err = verify(SEED, "--report", str(target))
    assert code == 2 and "does not exist" in err
    assert not (tmp_path / "no").exists()


def test_report_over_a_folder_or_unknown_format_exits_2(at_root: Path, tmp_path: Path) -> None:
    (tmp_path / "r.html").mkdir()
    code, _, err = verify(SEED, "--report", str(tmp_path / "r.html"))
    assert code == 2 and "is a folder" in err
    code, _, err = verify(SEED, "--report", str(tmp_path / "r.txt"))
    assert code == 2 and "--report-format" in err and not (tmp_path / "r.txt").exists()
    code, _, _ = verify(SEED, "--report", str(tmp_path / "r.txt"), "--report-format", "md")
    assert code == 0 and (tmp_path / "r.txt").read_text(encoding="utf-8").startswith("# Verification report")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.txt"]  # no temp file left


def test_report_never_overwrites_an_input(tmp_path: Path) -> None:
    contract = tmp_path / "evil.contract"
    contract.write_text(EVIL, encoding="utf-8")
    before = contract.read_bytes()
    code, _, err = verify(str(contract), "--report", str(contract))
    assert code == 2 and "refusing to write the report over the input file" in err
    code, _, err = verify(str(contract), "--report", str(contract), "--report-format", "html")
    assert code == 2 and "refusing" in err
    # an amendment's base contract is an input too, though not named on the command line
    amendment = tmp_path / "a.amendment"
    amendment.write_text('amendment "x"\n  to "evil.contract"\n\nremove check can_order\n', encoding="utf-8")
    code, _, err = verify(str(amendment), "--report", str(contract), "--report-format", "md")
    assert code == 2 and "refusing" in err, err
    code, _, err = verify(
        str(contract), "--what-if", str(amendment), "--report", str(amendment), "--report-format", "md"
    )
    assert code == 2 and "refusing" in err
    assert contract.read_bytes() == before


def test_report_and_output_cannot_be_one_file(at_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.md"
    code, _, err = verify(SEED, "--format", "sarif", "-o", str(out), "--report", str(out))
    assert code == 2 and "same file" in err and not out.exists()


# ----------------------------------------------------------------- a real browser


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian's chromium is not installed "
    "(apt-get install chromium); the HTML report is not opened in a browser",
)
def test_html_report_renders_in_headless_chromium(at_root: Path, tmp_path: Path) -> None:
    report = tmp_path / "seed.html"
    assert verify(SEED, "--report", str(report))[0] == 0
    shot = tmp_path / "report.png"
    base = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
    ]
    env = {**os.environ, "HOME": str(tmp_path)}
    r = subprocess.run(
        base + [f"--screenshot={shot}", "--window-size=1280,2000", report.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert shot.exists(), r.stderr[-2000:]
    data = shot.read_bytes()
    assert _png_size(data) == (1280, 2000)
    assert len(data) > 50_000, "the screenshot is nearly blank"
    # Chromium logs every console message as "...:INFO:CONSOLE:<line>] "<text>", source: ..."
    # (errors included, and uncaught exceptions as "Uncaught ..."); the report runs no
    # script, so any such line means something went wrong.
    console = [ln for ln in r.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert not console, console
    dom = subprocess.run(
        base + ["--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=180, env=env
    )
    assert "<svg" in dom.stdout and "Microsoft–OpenAI partnership" in dom.stdout
    assert 'id="clause-2-1"' in dom.stdout
