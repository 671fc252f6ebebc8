"""The Pygments lexer (verifier/lsp/lexer.py): found through its entry point, no error
token on any shipped file, the text kept whole, and the tokens a reader sees coloured."""

from __future__ import annotations

from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Generic, Keyword, Name, Number, String

from tests import ROOT

SHIPPED = sorted(
    p
    for folder in ("contracts", "examples")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".contract", ".scenario", ".amendment")
)


def test_pygments_finds_it_by_name_and_by_file_name() -> None:
    assert get_lexer_by_name("whereas").name == "Whereas"
    for name in ("x.contract", "x.scenario", "x.amendment"):
        assert get_lexer_for_filename(name).name == "Whereas"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_file_lexes_without_an_error_token(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tokens = list(get_lexer_by_name("whereas").get_tokens(text))
    assert [v for t, v in tokens if t in Error] == []
    whole = text if text.endswith("\n") else text + "\n"  # Pygments ends the text with a line break
    assert "".join(v for _, v in tokens) == whole


def test_the_seed_s_words_get_their_colours() -> None:
    text = (ROOT / "contracts" / "openai_microsoft.contract").read_text(encoding="utf-8")
    tokens = [(t, v) for t, v in get_lexer_by_name("whereas").get_tokens(text) if v.strip()]
    got = set(tokens)
    assert (Name.Label, "§2.1") in got  # a clause heading's id ...
    assert (Generic.Heading, " Oracle waiver [F4]") in got  # ... and its title
    assert (Name.Label, "§2") in got  # `exception to §2`
    assert (Number, "US$6.6B") in got and (Number, "$10B") in got
    assert (Number.Other, "2024-06-01") in got
    assert (Keyword, "must") in got and (Keyword, "exception") in got
    assert (Keyword.Type, "money") in got
    assert (Name, "BuyCompute") in got
    assert any(t in String for t, _ in tokens)
    assert any(t in Comment for t, _ in tokens)


def test_a_character_the_language_has_no_use_for_is_an_error_and_lexing_goes_on() -> None:
    tokens = list(get_lexer_by_name("whereas").get_tokens("party A @ ;\nparty B\n"))
    assert [v for t, v in tokens if t in Error] == ["@", ";"]
    assert (Name, "B") in tokens


def test_an_amendments_added_and_replaced_clauses_are_headings() -> None:
    text = (ROOT / "examples" / "amendments" / "right_of_first_refusal.amendment").read_text(encoding="utf-8")
    tokens = [(t, v) for t, v in get_lexer_by_name("whereas").get_tokens(text) if v.strip()]
    at = next(i for i, x in enumerate(tokens) if x == (Keyword, "add") and tokens[i + 1][1].startswith("§"))
    assert tokens[at + 1][0] is Name.Label
    assert tokens[at + 2][0] is Generic.Heading and "Right of first refusal" in tokens[at + 2][1]
    assert (Keyword, "of") not in tokens  # the heading's words are not the language's
    removed = list(get_lexer_by_name("whereas").get_tokens("remove §2.1\n"))
    assert (Keyword, "remove") in removed and (Name.Label, "§2.1") in removed
