"""The TextMate grammar of the VS Code extension (editors/vscode/syntaxes/): applied
the way an editor applies it, pattern by pattern at each position (with Python's
``re``, which reads every pattern of this grammar as Oniguruma does), no shipped file
has an ``invalid`` token, the scopes fall where a reader expects them, and the
extension's manifest points at the grammar and the language server."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests import ROOT

VSCODE = ROOT / "editors" / "vscode"
GRAMMAR = json.loads((VSCODE / "syntaxes" / "whereas.tmLanguage.json").read_text(encoding="utf-8"))
SHIPPED = sorted(
    p
    for folder in ("contracts", "examples")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".contract", ".scenario", ".amendment")
)


def _rules(patterns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The grammar's patterns with includes resolved, in order."""
    out: list[dict[str, Any]] = []
    for p in patterns:
        if "include" in p:
            target = GRAMMAR["repository"][p["include"].lstrip("#")]
            out += _rules(target["patterns"]) if "patterns" in target and "match" not in target else [target]
        else:
            out.append(p)
    return out


RULES = _rules(GRAMMAR["patterns"])


def scopes(text: str) -> list[tuple[str, str]]:
    """(scope, text) of every token; blanks between tokens are skipped."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        for rule in RULES:
            if "match" in rule:
                m = re.compile(rule["match"], re.M).match(text, i)
                if m is None or m.end() == i:
                    continue
                if "captures" in rule:
                    for k, cap in sorted(rule["captures"].items()):
                        if m.group(int(k)):
                            out.append((cap["name"], m.group(int(k))))
                else:
                    out.append((rule["name"], m.group(0)))
                i = m.end()
                break
            b = re.compile(rule["begin"]).match(text, i)
            if b is None:
                continue
            end = re.compile(r"(?:\\.|[^\\])*?" + rule["end"], re.S) if rule.get("patterns") else None
            e = (end or re.compile(".*?" + rule["end"], re.S)).match(text, b.end())
            stop = len(text) if e is None else e.end()
            out.append((rule["name"], text[i:stop]))
            i = stop
            break
        else:
            raise AssertionError(f"no rule matches at {i}: {text[i : i + 20]!r}")
    return out


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_shipped_file_has_an_invalid_token(path: Path) -> None:
    got = scopes(path.read_text(encoding="utf-8"))
    assert [t for s, t in got if s.startswith("invalid")] == []


def test_the_seed_s_words_get_their_scopes() -> None:
    got = set(scopes((ROOT / "contracts" / "openai_microsoft.contract").read_text(encoding="utf-8")))
    assert ("entity.name.section.clause.whereas", "§2.1") in got
    assert ("markup.heading.title.whereas", " Oracle waiver [F4]") in got
    assert ("constant.numeric.money.whereas", "US$6.6B") in got
    assert ("constant.numeric.date.whereas", "2024-06-01") in got
    assert ("keyword.other.whereas", "must") in got and ("storage.type.whereas", "money") in got
    assert ("variable.other.whereas", "BuyCompute") in got
    assert any(s == "string.quoted.double.whereas" and "\n" in t for s, t in got)  # a quotation over lines
    assert any(s.startswith("comment.") for s, _ in got)


def test_a_stray_character_is_invalid() -> None:
    assert ("invalid.illegal.whereas", "@") in scopes("party A @\n")


def test_the_manifest_ties_the_files_to_the_grammar_and_the_server() -> None:
    pkg = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    (lang,) = pkg["contributes"]["languages"]
    assert lang["extensions"] == [".contract", ".scenario", ".amendment"]
    (grammar,) = pkg["contributes"]["grammars"]
    assert grammar["scopeName"] == GRAMMAR["scopeName"]
    assert (VSCODE / grammar["path"]).is_file() and (VSCODE / lang["configuration"]).is_file()
    assert pkg["contributes"]["configuration"]["properties"]["whereas.server.command"]["default"] == [
        "whereas",
        "lsp",
    ]
    # the client is extension.js, bundled into the manifest's main when the .vsix is built
    bundle = pkg["scripts"]["bundle"].split()
    assert (
        bundle[:2] == ["esbuild", "extension.js"] and f"--outfile={pkg['main'].removeprefix('./')}" in bundle
    )
    assert pkg["scripts"]["vscode:prepublish"] == "npm run bundle"
    js = (VSCODE / "extension.js").read_text(encoding="utf-8")
    assert 'getConfiguration("whereas")' in js and '.get("server.command"' in js
    if shutil.which("node") is not None:  # the client parses as JavaScript
        subprocess.run(["node", "--check", str(VSCODE / "extension.js")], check=True)


def test_an_amendment_s_clause_head_is_a_heading() -> None:
    got = scopes(
        (ROOT / "examples" / "amendments" / "right_of_first_refusal.amendment").read_text(encoding="utf-8")
    )
    assert ("keyword.other.whereas", "add") in got
    assert ("entity.name.section.clause.whereas", "§2.2") in got
    assert ("markup.heading.title.whereas", " Right of first refusal [ROFR]") in got
    assert ("keyword.other.whereas", "of") not in got  # the head's words are no keywords
    removal = scopes("remove §2.1\n")
    assert removal == [("keyword.other.whereas", "remove"), ("entity.name.section.clause.whereas", "§2.1")]


def test_prevailing_over_is_two_keywords() -> None:
    assert scopes("exception to §2 prevailing over §2.1\n") == [
        ("keyword.other.whereas", "exception"),
        ("keyword.other.whereas", "to"),
        ("entity.name.section.clause.whereas", "§2"),
        ("keyword.other.whereas", "prevailing"),
        ("keyword.other.whereas", "over"),
        ("entity.name.section.clause.whereas", "§2.1"),
    ]


def test_every_word_of_the_language_is_a_keyword_type_or_constant() -> None:
    lark = (ROOT / "dsl" / "grammar.lark").read_text(encoding="utf-8")
    words = {w for w in re.findall(r'"([a-z]+)"', lark)} | {"USD", "EUR", "GBP", "CHF"}
    for unit in ("day", "week", "month", "year"):
        words |= {unit, unit + "s"}
    got = {w: s for w in sorted(words) for s, t in scopes(w + "\n") if t == w}
    assert set(got) == words
    assert [w for w, s in got.items() if s.split(".")[0] not in ("keyword", "storage", "constant")] == []
    # and the grammar has no keyword the language does not have ("days?" is day and days)
    (alternatives,) = re.findall(r"\(\?:(.*)\)", GRAMMAR["repository"]["keyword"]["match"])
    spelt = [w for a in alternatives.split("|") for w in ([a[:-1], a[:-2]] if a.endswith("?") else [a])]
    assert [w for w in spelt if w not in words] == []
