"""``whereas lsp`` driven by a real LSP client (pygls's ``LanguageClient``) over the
server's stdin and stdout, as an editor drives it: open the seed contract, a scenario and
an amendment, edit them, and read back what an editor would show."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types  # noqa: E402
from pygls.exceptions import JsonRpcException  # noqa: E402

from tests import ROOT  # noqa: E402
from tests.verifier.lsp.client import Session, generated, uri  # noqa: E402

SEED = ROOT / "contracts" / "openai_microsoft.contract"
SEED_TEXT = SEED.read_text(encoding="utf-8")
SCENARIO = ROOT / "examples" / "scenarios" / "oracle_12b.scenario"
AMENDMENT = ROOT / "examples" / "amendments" / "oracle_cap_5b.amendment"
SEED_LINES = SEED_TEXT.split("\n")


def at(text: str, line_starts: str, word: str) -> tuple[int, int]:
    """0-based (line, character) of ``word`` on the first line that starts with ``line_starts``."""
    for i, line in enumerate(text.split("\n")):
        if line.startswith(line_starts):
            return i, line.index(word)
    raise AssertionError(f"no line starts with {line_starts!r}")


def span(loc: types.Location) -> tuple[str, int, int, int, int]:
    r = loc.range
    return (
        Path(loc.uri.removeprefix("file://")).name,
        r.start.line,
        r.start.character,
        r.end.line,
        r.end.character,
    )


@pytest.fixture(scope="module")
def lsp() -> Iterator[Session]:
    s = Session()
    yield s
    assert s.close() == 0  # shut down and exited cleanly


@pytest.fixture(scope="module")
def seed(lsp: Session) -> str:
    return lsp.open(SEED)


def test_the_server_says_what_it_can_do(lsp: Session) -> None:
    caps = lsp.result.capabilities
    assert lsp.result.server_info is not None and lsp.result.server_info.name == "whereas"
    assert caps.hover_provider and caps.definition_provider and caps.references_provider
    assert caps.document_symbol_provider and caps.document_formatting_provider
    assert caps.completion_provider is not None and caps.code_lens_provider is not None
    assert caps.rename_provider and caps.code_action_provider
    assert caps.position_encoding == types.PositionEncodingKind.Utf16


def test_the_seed_contract_has_no_diagnostics(lsp: Session, seed: str) -> None:
    assert lsp.diagnostics(seed, 1) == []


def test_a_misspelt_member_is_diagnosed_where_it_is_written_with_its_hint(lsp: Session) -> None:
    u = lsp.open(ROOT / "contracts" / "edited.contract", SEED_TEXT)
    assert lsp.diagnostics(u) == []
    lsp.replace(u, SEED_TEXT.replace("BuyCompute(from: OtherCloud)", "BuyCompute(from: OtherCloude)"))
    (d,) = lsp.diagnostics(u)
    assert d.code == "not-a-member" and d.source == "whereas"
    assert d.severity == types.DiagnosticSeverity.Error
    # `  never BuyCompute(from: OtherCloude) ...` is line 68 of the file: 0-based 67
    assert (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) == (
        67,
        25,
        67,
        36,
    )
    assert d.message.splitlines()[0] == "`OtherCloude` is not a Provider"
    assert "hint: did you mean `OtherCloud`?" in d.message.splitlines()
    # an incremental edit that breaks the syntax, then one that repairs everything
    line, _ = at(SEED_TEXT, "  exception to §2", "§2")
    lsp.edit(u, (line, 0), (line, 0), "  exception to )\n")
    (d,) = lsp.diagnostics(u)
    assert d.code == "syntax-unexpected-token"
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (line, 15, 16)
    lsp.replace(u, SEED_TEXT)
    assert lsp.diagnostics(u) == []
    lsp.close_document(u)


def test_a_diagnostics_labels_are_its_related_locations(lsp: Session) -> None:
    path = ROOT / "contracts" / "duplicate.contract"
    u = lsp.open(path, SEED_TEXT.replace("party Microsoft\n", "party Microsoft\nparty Microsoft\n"))
    (d,) = lsp.diagnostics(u)
    assert d.code == "duplicate-name" and d.message.startswith("party `Microsoft` is declared twice")
    assert (d.range.start.line, d.range.end.character) == (11, 15)
    assert d.related_information is not None
    (related,) = d.related_information
    assert related.message == "first declared here"
    assert related.location.uri == u and related.location.range.start.line == 10
    lsp.close_document(u)


def test_columns_are_utf16_code_units(lsp: Session) -> None:
    text = (
        'contract "c" effective 2024-01-01 horizon 2025-01-01\n'
        "party P\nevent E by P\n"
        'check c "\U0001f916 robots, é": possible Ee\n'
    )
    u = lsp.open(ROOT / "contracts" / "utf16.contract", text)
    (d,) = [x for x in lsp.diagnostics(u) if x.code == "undefined-name"]
    line = text.split("\n")[3]
    col = line.index("Ee")  # code points; the robot is one code point, two UTF-16 units
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (3, col + 1, col + 3)
    lsp.close_document(u)


def test_hover_on_a_clause_shows_its_title_text_and_formal_reading(lsp: Session, seed: str) -> None:
    line, char = at(SEED_TEXT, "  exception to §2", "§2")
    h = lsp.hover(seed, line, char)
    assert h is not None and isinstance(h.contents, types.MarkupContent)
    assert h.contents.value.split("\n\n")[:2] == [
        "**§2 Exclusive compute** [F2, F3]",
        "> In return for the investment, OpenAI agreed to buy compute exclusively from Microsoft.",
    ]
    assert "OpenAI must not BuyCompute where from != Microsoft" in h.contents.value
    h = lsp.hover(seed, *at(SEED_TEXT, "§2.1 Oracle waiver", "§"))
    assert h is not None and isinstance(h.contents, types.MarkupContent)
    assert h.contents.value.startswith("**§2.1 Oracle waiver** [F4]\n\n> In June Microsoft agreed")
    assert "US$10B with Oracle" in h.contents.value  # the quoted text on one line
    assert (
        "exception to §2\napplies from 2024-06-01\n"
        "OpenAI may BuyCompute where from == Oracle and amount <= $10B and software == Microsoft"
    ) in h.contents.value


def test_hover_on_a_name_shows_its_declaration(lsp: Session, seed: str) -> None:
    h = lsp.hover(seed, *at(SEED_TEXT, "  never BuyCompute(from: OtherCloud)", "BuyCompute"))
    assert h is not None and isinstance(h.contents, types.MarkupContent)
    assert h.contents.value == (
        "event `BuyCompute`\n\n```whereas\n"
        "event BuyCompute(from: Provider, amount: money, software: Provider) by OpenAI\n"
        '  "OpenAI buys compute; `software` is who supplies the software that runs the hardware"\n```'
    )
    h = lsp.hover(seed, *at(SEED_TEXT, "  never BuyCompute(from: OtherCloud)", "OtherCloud"))
    assert h is not None and isinstance(h.contents, types.MarkupContent)
    assert h.contents.value.startswith("member of kind `Provider` `OtherCloud`")


def test_hover_on_a_literal_shows_its_exact_value(lsp: Session, seed: str) -> None:
    def shown(line_starts: str, word: str) -> str:
        h = lsp.hover(seed, *at(SEED_TEXT, line_starts, word))
        assert h is not None and isinstance(h.contents, types.MarkupContent)
        return h.contents.value

    assert shown("fact FundingRound", "US$6.6B") == "`US$6.6B`: 6,600,000,000.00 USD (read as $6.6B)"
    assert shown("  from 2024-06-01", "2024") == "`2024-06-01`: Saturday 1 June 2024"
    assert shown("    Microsoft must SupplyCompute", "90") == "`90 days`: 90 days"
    # a word in a quoted text or a comment is nothing to hover
    assert lsp.hover(seed, *at(SEED_TEXT, '  text "In June', "Microsoft")) is None
    assert lsp.hover(seed, 0, 3) is None


def test_definition_of_names_and_clause_ids(lsp: Session, seed: str) -> None:
    (loc,) = lsp.definition(seed, *at(SEED_TEXT, "  OpenAI may BuyCompute(from: Oracle", "Oracle"))
    assert span(loc) == ("openai_microsoft.contract", 12, 50, 12, 56)  # the member in `kind Provider`
    (loc,) = lsp.definition(seed, *at(SEED_TEXT, "  exception to §2", "§2"))
    assert span(loc) == ("openai_microsoft.contract", 31, 0, 31, 2)  # `§2 Exclusive compute`
    (loc,) = lsp.definition(seed, *at(SEED_TEXT, "  possible not MicrosoftAccess", "MicrosoftAccess"))
    assert span(loc)[1:3] == at(SEED_TEXT, "state MicrosoftAccess", "MicrosoftAccess")
    assert lsp.definition(seed, *at(SEED_TEXT, "  possible not MicrosoftAccess", "not")) == []


def test_references_of_an_event(lsp: Session, seed: str) -> None:
    found = lsp.references(seed, *at(SEED_TEXT, "event BuyCompute", "BuyCompute"))
    lines = sorted({span(loc)[1] for loc in found if span(loc)[0] == "openai_microsoft.contract"})
    # the declaration, §2, §2.1 and four checks (0-based lines)
    assert lines == [19, 33, 40, 58, 61, 64, 67]
    without = lsp.references(seed, *at(SEED_TEXT, "event BuyCompute", "BuyCompute"), declaration=False)
    assert 19 not in {span(loc)[1] for loc in without}
    found = lsp.references(seed, *at(SEED_TEXT, "§2 Exclusive", "§2"))
    assert sorted(span(loc)[1] for loc in found) == [31, 38]


def test_document_symbols_are_the_outline(lsp: Session, seed: str) -> None:
    syms = lsp.symbols(seed)
    names = [(s.name, s.kind) for s in syms]
    K = types.SymbolKind
    assert names[:5] == [
        ("OpenAI", K.Class),
        ("Microsoft", K.Class),
        ("Provider", K.Enum),
        ("FundingRound", K.Constant),
        ("ExpectedSpend2024", K.Constant),
    ]
    assert [c.name for c in syms[0].children] == ["Board"]
    assert [c.name for c in syms[2].children] == ["Microsoft", "Oracle", "OtherCloud"]
    clauses = [s.name for s in syms if s.kind == K.Module]
    assert clauses == [
        "§1 Investment",
        "§2 Exclusive compute",
        "§2.1 Oracle waiver",
        "§3 Supply of compute",
        "§7 AGI clause",
        "§7.1 The board decides",
    ]
    checks = [s for s in syms if s.kind == K.Function]
    assert len(checks) == 10 and checks[0].name == "oracle_within_waiver"
    assert checks[0].detail == "OpenAI can buy up to $10B of Oracle compute without breach"
    waiver = syms[names.index(("§2.1 Oracle waiver", K.Module))]
    assert (waiver.range.start.line, waiver.range.end.line) == (35, 40)


def test_formatting_gives_whereas_fmts_layout(lsp: Session, seed: str) -> None:
    assert lsp.formatting(seed) in ([], ())  # the seed is formatted
    messy = SEED_TEXT.replace("party Microsoft\n", "party    Microsoft\n\n\n").replace(
        "  OpenAI.Board has power", "      OpenAI.Board   has power"
    )
    u = lsp.open(ROOT / "contracts" / "messy.contract", messy)
    (edit,) = lsp.formatting(u)
    assert (edit.range.start.line, edit.range.start.character) == (0, 0)
    assert edit.range.end.line == messy.count("\n")
    assert edit.new_text == SEED_TEXT
    lsp.replace(u, messy.replace("party    Microsoft", "party"))
    assert lsp.formatting(u) is None  # a file that does not parse is not formatted
    lsp.close_document(u)


def test_a_scenario_names_the_contract_it_is_for(lsp: Session) -> None:
    text = SCENARIO.read_text(encoding="utf-8")
    u = lsp.open(SCENARIO)
    assert lsp.diagnostics(u) == []
    (loc,) = lsp.definition(u, *at(text, "2024-07-01", "BuyCompute"))
    assert loc.uri == uri(SEED) and span(loc)[1:3] == (19, 6)
    h = lsp.hover(u, *at(text, "2024-07-01", "$12B"))
    assert h is not None and isinstance(h.contents, types.MarkupContent)
    assert h.contents.value == "`$12B`: 12,000,000,000.00 USD (read as $12B)"
    lsp.replace(u, text.replace("BuyCompute(", "BuyComput("))
    (d,) = lsp.diagnostics(u)
    assert d.code == "undefined-name" and "did you mean `BuyCompute`?" in d.message
    assert d.range.start.line == at(text, "2024-07-01", "BuyCompute")[0]
    lsp.close_document(u)


def test_an_amendment_reads_its_contracts_clauses(lsp: Session, seed: str) -> None:
    text = AMENDMENT.read_text(encoding="utf-8")
    u = lsp.open(AMENDMENT)
    assert lsp.diagnostics(u) == []
    where = at(text, "  exception to §2", "§2")
    (loc,) = lsp.definition(u, *where)
    assert loc.uri == uri(SEED) and span(loc)[1:3] == (31, 0)
    h = lsp.hover(u, *at(text, "replace §2.1", "§2.1"))
    assert h is not None and isinstance(h.contents, types.MarkupContent)
    # the clause as amended: capped at $5B
    assert "OpenAI may BuyCompute where from == Oracle and amount <= $5B" in h.contents.value
    # from the contract, the references of §2.1 reach the open amendment that replaces it
    found = {span(loc)[:2] for loc in lsp.references(seed, *at(SEED_TEXT, "§2.1 Oracle waiver", "§"))}
    assert found == {
        ("openai_microsoft.contract", 35),
        ("oracle_cap_5b.amendment", at(text, "replace §2.1", "§")[0]),
    }
    lsp.close_document(u)


def test_completion_offers_declared_names_and_keywords(lsp: Session, seed: str) -> None:
    got = lsp.completion(seed, 58, 11)
    labels = {i.label for i in (got.items if hasattr(got, "items") else got)}
    assert {"BuyCompute", "OtherCloud", "MicrosoftAccess", "§2.1", "possible", "breach"} <= labels


def test_requests_about_documents_never_opened_or_past_the_end_are_answered(lsp: Session, seed: str) -> None:
    ghost = uri(ROOT / "contracts" / "never_opened.contract")
    assert lsp.hover(ghost, 0, 0) is None
    assert lsp.definition(ghost, 0, 0) is None
    assert lsp.symbols(ghost) is None
    assert lsp.hover(seed, 10_000, 10_000) is None
    assert lsp.definition(seed, 3, 10_000) == []


def test_a_file_larger_than_the_front_end_reads_is_said_so_and_answered(lsp: Session) -> None:
    huge = SEED_TEXT + "# padding\n" * (4 * 1024 * 1024 // 10 + 1)
    u = lsp.open(ROOT / "contracts" / "huge.contract", huge)
    (d,) = lsp.diagnostics(u)
    assert d.code == "file-too-large"
    assert lsp.hover(u, 35, 1) is None and lsp.symbols(u) in ([], ()) and lsp.formatting(u) is None
    lsp.close_document(u)


def test_random_edits_every_request_is_answered(lsp: Session) -> None:
    """Random edits of the seed (insertions of its own words and of junk, deletions,
    line swaps); after each, every kind of request at a random position gets an answer
    (an error would raise here) and the diagnostics of that version arrive."""
    rng = random.Random(20)
    words = SEED_TEXT.split() + ["§", '"', "(", ")", ":", "\U0001f916", "\x00", "é", "\r\n", "§9.9", "$", "-"]
    u = lsp.open(ROOT / "contracts" / "fuzzed.contract", SEED_TEXT)
    lines = list(SEED_LINES)
    for _ in range(40):
        op = rng.random()
        i = rng.randrange(len(lines))
        if op < 0.2:  # an incremental change, as editors send them
            word = rng.choice(words).replace("\r\n", "\n")
            version = lsp.edit(u, (i, 0), (i, 0), word + " ")
            lines[i] = word + " " + lines[i]
            lines = "\n".join(lines).split("\n")
        elif op < 0.5:
            col = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:col] + rng.choice(words) + " " + lines[i][col:]
        elif op < 0.75 and len(lines) > 1:
            del lines[i]
        else:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        if op >= 0.2:
            version = lsp.replace(u, "\n".join(lines))
        diags = lsp.diagnostics(u, version)
        assert all(d.code and d.message for d in diags)
        line, char = rng.randrange(len(lines) + 2), rng.randrange(90)
        lsp.hover(u, line, char)
        lsp.definition(u, line, char)
        lsp.references(u, line, char)
        lsp.completion(u, line, char)
        lsp.symbols(u)
        lsp.formatting(u)
        lsp.code_lens(u)
        lsp.prepare_rename(u, line, char)
        lsp.code_actions(u, diags)
        try:
            lsp.rename(u, line, char, "Renamed")
        except JsonRpcException as e:  # an answer too: nothing to rename there, or a clash
            assert "whereas:" in str(e) and "failed" not in str(e)
    # the server's text is the one the edits made: formatting it is formatting ours
    final = "\n".join(lines)
    edits = lsp.formatting(u)
    assert edits is None or edits in ([], ()) or edits[0].range.end.line == final.count("\n")
    lsp.close_document(u)
    assert not [m for m in lsp.logs if "failed" in m]  # no handler raised


def test_without_pygls_the_command_says_how_to_install_it() -> None:
    code = (
        "import sys; sys.modules['pygls'] = None; sys.argv = ['whereas', 'lsp']; "
        "from verifier.cli import whereas_main; whereas_main()"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.returncode == 2
    assert "pip install 'whereas[lsp]'" in p.stderr and p.stdout == ""


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _answers(out: bytes) -> dict[int, dict[str, object]]:
    found: dict[int, dict[str, object]] = {}
    while out:
        head, _, rest = out.partition(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
        message, out = json.loads(rest[:length]), rest[length:]
        if "id" in message and "method" not in message:
            found[message["id"]] = message
    return found


def test_malformed_requests_are_answered_with_errors_and_the_server_goes_on() -> None:
    """Raw JSON-RPC over the pipe: a hover whose position is not a position, one about a
    document never opened, then a good one; each gets its answer, in order."""
    from tests.verifier.lsp.client import START

    doc: dict[str, object] = {"uri": uri(SEED), "languageId": "whereas", "version": 1, "text": SEED_TEXT}
    line, char = at(SEED_TEXT, "§2.1 Oracle waiver", "§")
    messages: list[dict[str, object]] = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"capabilities": {}, "processId": None},
        },
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": doc}},
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "textDocument/hover",
            "params": {"textDocument": {"uri": doc["uri"]}, "position": {"line": "three"}},
        },
        {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "textDocument/hover",
            "params": {
                "textDocument": {"uri": "file:///nowhere.contract"},
                "position": {"line": 0, "character": 0},
            },
        },
        {
            "jsonrpc": "2.0",
            "id": 4,
            "method": "textDocument/hover",
            "params": {"textDocument": {"uri": doc["uri"]}, "position": {"line": line, "character": char}},
        },
        {"jsonrpc": "2.0", "id": 5, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    p = subprocess.run(
        [sys.executable, "-c", START],
        input=b"".join(_frame(m) for m in messages),
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert p.returncode == 0
    got = _answers(p.stdout)
    assert sorted(got) == [1, 2, 3, 4, 5]
    assert "error" in got[2] and "result" not in got[2]
    error = got[2]["error"]
    assert isinstance(error, dict)
    assert error["code"] == -32602  # invalid params, naming the request
    assert error["message"].startswith("textDocument/hover: ")
    assert got[3]["result"] is None
    result = got[4]["result"]
    assert isinstance(result, dict) and result["contents"]["value"].startswith("**§2.1 Oracle waiver**")


def test_a_handler_that_raises_is_logged_and_answered_with_an_internal_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from pygls.exceptions import JsonRpcInternalError

    from verifier.lsp.session import WhereasServer, guarded

    server = WhereasServer()  # not connected: its log message to the client goes nowhere

    @guarded(server, "hover")
    def broken(params: object) -> None:
        raise KeyError("a bug")

    with pytest.raises(JsonRpcInternalError, match="whereas: hover failed: KeyError: 'a bug'"):
        broken(None)
    assert "hover failed" in caplog.text and "Traceback" in caplog.text

    @guarded(server, "didChange", request=False)
    def broken_notification(params: object) -> None:
        raise ValueError("another bug")

    assert broken_notification(None) is None  # a notification has no answer: logged only


def test_rename_a_state_and_a_clause_everywhere_they_are_written(lsp: Session) -> None:
    from tests.verifier.lsp.client import apply

    u = lsp.open(ROOT / "contracts" / "renamed.contract", SEED_TEXT)
    lsp.diagnostics(u)
    where = at(SEED_TEXT, "state MicrosoftAccess", "MicrosoftAccess")
    r = lsp.prepare_rename(u, *where)
    assert (r.start.line, r.start.character, r.end.character) == (where[0], where[1], where[1] + 15)
    edit = lsp.rename(u, *where, "MsAccess")
    assert list(edit.changes) == [u]
    renamed = apply(SEED_TEXT, edit.changes[u])
    assert renamed == SEED_TEXT.replace("MicrosoftAccess", "MsAccess")
    edit = lsp.rename(u, *at(SEED_TEXT, "  exception to §2", "§2"), "§4")
    assert sorted(e.range.start.line for e in edit.changes[u]) == [31, 38]
    renamed = apply(renamed, edit.changes[u])
    lsp.replace(u, renamed)
    assert lsp.diagnostics(u) == []  # the renamed contract checks
    from pygls.exceptions import JsonRpcException

    for bad, why in (
        ("Oracle", "`Oracle` is declared already"),
        ("never", "`never` is a keyword of the language"),
        ("9lives", "`9lives` cannot be a name"),
    ):
        with pytest.raises(JsonRpcException, match=why):
            lsp.rename(u, *at(renamed, "state MsAccess", "MsAccess"), bad)
    assert lsp.prepare_rename(u, 0, 0) is None  # a comment: nothing to rename
    lsp.close_document(u)


def test_a_hint_did_you_mean_is_a_quick_fix(lsp: Session) -> None:
    from tests.verifier.lsp.client import apply

    broken = SEED_TEXT.replace("BuyCompute(from: OtherCloud)", "BuyCompute(from: OtherCloude)")
    u = lsp.open(ROOT / "contracts" / "fixable.contract", broken)
    diags = lsp.diagnostics(u)
    (action,) = lsp.code_actions(u, diags)
    assert action.title == "Change `OtherCloude` to `OtherCloud`"
    assert action.kind == types.CodeActionKind.QuickFix and action.is_preferred
    assert apply(broken, action.edit.changes[u]) == SEED_TEXT
    assert lsp.code_actions(u, []) in ([], ())
    lsp.close_document(u)


def test_a_burst_of_edits_is_checked_once_when_it_pauses(lsp: Session, tmp_path: Path) -> None:
    """Diagnostics are debounced by the time a check of the document takes: of five
    edits of a 1,000-clause contract sent at once, the first may be checked at once
    (nothing was waiting), the others wait for the burst to end: the last version."""
    big, text = generated(tmp_path, "gen_contract.py", 1000, 10)
    u = lsp.open(big)
    assert lsp.diagnostics(u) == []
    for n in range(5):
        lsp.replace(u, text + "\n" * (n + 1))
    assert lsp.diagnostics(u) == []
    assert [p.version for p in lsp.published[u]] in ([1, 6], [1, 2, 6])
    lsp.close_document(u)
