"""Broken versions of every shipped file never crash the front end.

Every contract, scenario and amendment under ``contracts/`` and ``examples/``
is mutated (truncated, lines deleted, swapped or repeated, tokens replaced by
other tokens of the file or by junk) and run through the pipeline: parse with
``dsl.parse.parse_text``, then check (``dsl.load.check_node`` for a contract,
``check_scenario`` against the named contract for a scenario,
``apply_amendment`` then ``check_node`` for an amendment).

The property: no exception; the result is a model, or diagnostics with at
least one error; every diagnostic has a code registered in ``CODES``, a
non-empty message, a 1-based position inside the file it names, and renders.

Hypothesis draws the mutations (``derandomize`` when the environment variable
``CI`` is set, so CI tries the same ones every run); a deterministic sweep
truncates each file at line ends and at regular offsets in between, and deletes
each line in turn (evenly thinned out to ``sweep_points`` per file).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl import model as m
from dsl import syntax as s
from dsl.amend import apply_amendment
from dsl.diagnostics import CODES, Diagnostic, Sources, render
from dsl.load import check_node, load_contract, load_syntax, resolve_relative
from dsl.parse import parse_text
from dsl.scenario import check_scenario
from tests import ROOT

CI = bool(os.environ.get("CI"))


def shipped_files() -> list[Path]:
    files = sorted(ROOT.glob("contracts/*.contract"))
    for ext in ("contract", "scenario", "amendment"):
        files += sorted(ROOT.glob(f"examples/**/*.{ext}"))
    return files


FILES = shipped_files()
IDS = [str(p.relative_to(ROOT)) for p in FILES]

# The time budget is shared, so the file stays fast as more contracts ship:
# about 100 Hypothesis examples per mutation kind over all the contracts (where
# the checker runs on every example) and 10 per scenario or amendment; the
# deterministic sweeps take about 300 points per kind over all the contracts and
# up to 80 per scenario or amendment. WHEREAS_MUTATION_EXAMPLES sets the examples
# per file for a longer hunt:
#   WHEREAS_MUTATION_EXAMPLES=2000 pytest tests/dsl/test_mutations.py
_MORE = int(os.environ.get("WHEREAS_MUTATION_EXAMPLES", "0"))
N_CONTRACTS = max(1, sum(p.suffix == ".contract" for p in FILES))


def sweep_points(path: Path) -> int:
    return max(20, 300 // N_CONTRACTS) if path.suffix == ".contract" else 80


def mutation_settings(path: Path) -> settings:
    examples = _MORE or (max(15, 100 // N_CONTRACTS) if path.suffix == ".contract" else 10)
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=CI,
        database=None if CI or settings.default is None else settings.default.database,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


def spread(points: list[int], most: int) -> list[int]:
    """At most ``most`` of the points, evenly spaced, always with the first and last."""
    if len(points) <= most:
        return points
    step = len(points) / (most - 1)
    return sorted(
        {points[min(len(points) - 1, round(k * step))] for k in range(most)} | {points[0], points[-1]}
    )


# Things a writer might type by mistake, and characters the language does not use.
JUNK = [
    "",
    " ",
    "\n",
    "§",
    "§9",
    "§2.1",
    "$",
    "$1,2",
    "$1.555",
    "1,",
    "€",
    "US$",
    "%",
    "50%",
    "(",
    ")",
    ":",
    ",",
    ".",
    '"',
    "“",
    "'",
    "#",
    "|",
    "=",
    "==",
    "<",
    "*",
    "-",
    "+",
    "0",
    "2024-02-30",
    "9999-12-31",
    "0001-01-01",
    "10 days",
    "2 years",
    "not",
    "and",
    "or",
    "implies",
    "must",
    "may",
    "by",
    "anyone",
    "when",
    "where",
    "while",
    "until",
    "from",
    "after",
    "before",
    "on",
    "exception to §1",
    "prevailing over §1",
    "violation of §1",
    "ends",
    "starts",
    "the contract",
    "survives",
    "check",
    "given",
    "possible",
    "always",
    "never",
    "party",
    "kind",
    "fact",
    "event",
    "state",
    "holds",
    "effective",
    "horizon",
    "currency",
    "contract",
    "scenario",
    "amendment",
    "add",
    "replace",
    "remove",
    "\t",
    "\x0c",
    "\u2028",
    "\ufeff",
    "\x00",
    "é",
    "Ω",
    "🙂",
]


# ----------------------------------------------------------------- the pipeline and the property


@functools.cache
def _base_contract(path: str) -> m.Contract | None:
    """The (unmutated) contract a scenario names, checked once."""
    if not Path(path).is_file():
        return None
    return load_contract(path, Sources()).contract


@functools.cache
def _base_syntax(path: str) -> s.ContractFile | None:
    if not Path(path).is_file():
        return None
    node = load_syntax(path, Sources(), s.NOWHERE)
    return node if isinstance(node, s.ContractFile) else None


def run_pipeline(text: str, path: Path) -> list[Diagnostic]:
    """Parse and check one file's text as the CLI would, without reading it from disk."""
    name = str(path.relative_to(ROOT))
    node, diags = parse_text(text, name)
    if node is None:
        assert any(d.is_error for d in diags), "no model and no error"
        return diags
    if isinstance(node, s.ContractFile):
        contract, more = check_node(node, name)
        diags = diags + more
        assert contract is not None or any(d.is_error for d in diags), "no contract and no error"
    elif isinstance(node, s.ScenarioFile):
        base = _base_contract(resolve_relative(str(path), node.contract))
        if base is not None:
            scenario, more = check_scenario(node, base, name)
            diags = diags + more
            assert scenario is not None or any(d.is_error for d in diags), "no scenario and no error"
    else:
        assert isinstance(node, s.AmendmentFile)
        base_syntax = _base_syntax(resolve_relative(str(path), node.contract))
        if base_syntax is not None:
            amended, more = apply_amendment(base_syntax, node)
            diags = diags + more
            assert amended is not None or any(d.is_error for d in diags), "no amended contract and no error"
            if amended is not None:
                contract, more = check_node(amended, name)
                diags = diags + more
                assert contract is not None or any(d.is_error for d in diags), "no contract and no error"
    return diags


def assert_well_formed(diags: list[Diagnostic], text: str, path: Path) -> None:
    name = str(path.relative_to(ROOT))
    n_lines = text.count("\n") + 1
    sources = Sources()
    sources.add(name, text)
    for d in diags:
        assert d.code in CODES, d
        assert d.message.strip(), d
        assert d.span.line >= 1 and d.span.col >= 1, d
        if d.span.file == name:
            assert d.span.line <= n_lines, (d, n_lines)
        for lb in d.labels:
            assert lb.span.line >= 1 and lb.message.strip(), d
        assert render(d, sources)


def assert_robust(text: str, path: Path) -> None:
    assert_well_formed(run_pipeline(text, path), text, path)


# ----------------------------------------------------------------- the shipped files themselves


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_shipped_file_checks_without_errors(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    diags = run_pipeline(text, path)
    assert [d for d in diags if d.is_error] == []
    assert_well_formed(diags, text, path)


def test_there_are_shipped_files() -> None:
    assert any(p.suffix == ".contract" for p in FILES)


# ----------------------------------------------------------------- deterministic sweeps


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_truncated_at_line_ends_and_regular_offsets(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    cuts = {i for i, ch in enumerate(text) if ch == "\n"} | {i + 1 for i, ch in enumerate(text) if ch == "\n"}
    cuts |= set(range(0, len(text) + 1, 11)) | {len(text)}
    for cut in spread(sorted(cuts), sweep_points(path)):
        assert_robust(text[:cut], path)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_each_line_deleted_in_turn(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    for i in spread(list(range(len(lines))), sweep_points(path)):
        assert_robust("\n".join(lines[:i] + lines[i + 1 :]), path)


# ----------------------------------------------------------------- Hypothesis mutations


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _tokens(text: str) -> list[str]:
    """The file split into words and the blanks between them (joined back, the file)."""
    return re.split(r"(\s+)", text)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_truncated_anywhere(path: Path) -> None:
    @mutation_settings(path)
    @given(data=st.data())
    def mutate(data: st.DataObject) -> None:
        text = path.read_text(encoding="utf-8")
        cut = data.draw(st.integers(0, len(text)), label="cut")
        assert_robust(text[:cut], path)

    mutate()


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_lines_deleted_swapped_or_repeated(path: Path) -> None:
    @mutation_settings(path)
    @given(data=st.data())
    def mutate(data: st.DataObject) -> None:
        lines = _lines(path)
        index = st.integers(0, len(lines) - 1)
        for _ in range(data.draw(st.integers(1, 4), label="steps")):
            action = data.draw(st.sampled_from(["delete", "swap", "repeat"]), label="action")
            i, j = data.draw(index, label="i"), data.draw(index, label="j")
            if action == "delete" and len(lines) > 1:
                del lines[min(i, len(lines) - 1)]
            elif action == "swap":
                i, j = min(i, len(lines) - 1), min(j, len(lines) - 1)
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(min(j, len(lines)), lines[min(i, len(lines) - 1)])
        assert_robust("\n".join(lines), path)

    mutate()


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_tokens_replaced_by_tokens_of_the_file(path: Path) -> None:
    @mutation_settings(path)
    @given(data=st.data())
    def mutate(data: st.DataObject) -> None:
        parts = _tokens(path.read_text(encoding="utf-8"))
        words = [i for i, p in enumerate(parts) if p and not p.isspace()]
        vocabulary = sorted({parts[i] for i in words})
        for _ in range(data.draw(st.integers(1, 3), label="steps")):
            i = data.draw(st.sampled_from(words), label="where")
            parts[i] = data.draw(st.sampled_from(vocabulary), label="by")
        assert_robust("".join(parts), path)

    mutate()


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_tokens_replaced_or_split_by_junk(path: Path) -> None:
    @mutation_settings(path)
    @given(data=st.data())
    def mutate(data: st.DataObject) -> None:
        text = path.read_text(encoding="utf-8")
        parts = _tokens(text)
        words = [i for i, p in enumerate(parts) if p and not p.isspace()]
        junk = st.sampled_from(JUNK) | st.text(max_size=4)
        for _ in range(data.draw(st.integers(1, 3), label="steps")):
            if data.draw(st.booleans(), label="replace a word"):
                i = data.draw(st.sampled_from(words), label="where")
                parts[i] = data.draw(junk, label="by")
            else:
                joined = "".join(parts)
                at = data.draw(st.integers(0, len(joined)), label="insert at")
                parts = _tokens(joined[:at] + data.draw(junk, label="insert") + joined[at:])
                words = [i for i, p in enumerate(parts) if p and not p.isspace()] or [0]
        assert_robust("".join(parts), path)

    mutate()
