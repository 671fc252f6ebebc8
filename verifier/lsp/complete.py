"""From a position in an open document to the words that can be written there:
completion by context.

The context is read from the words before the cursor (``Scan``'s tokens, so that it
works while the file is half-written), not from the parser:

- after ``§``, ``exception to``, ``prevailing over``, ``violation of``, ``breach of`` and an
  amendment's ``replace`` / ``remove``: the clause ids;
- after ``within``: the duration facts (``within NoticePeriod``);
- after ``by``: the parties and their bodies (``OpenAI.Board``); after ``P.``: the
  bodies of party ``P``;
- inside an event's parentheses: its argument names, and after ``name:`` (or
  ``name <=`` ...) the values of that argument's type (a kind's members, the parties,
  or the facts of that type);
- at the start of a line: the words that start an item (``party``, ``check``, ...;
  in a scenario ``fact``), and after a scenario line's date: the events;
- anywhere else: every declared name, clause id and keyword, as before.

The names come from the document and from the contract a scenario or amendment names.
"""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from verifier.lsp.features import Document, Index
from verifier.lsp.scan import ITEM_STARTS, KEYWORDS, Declaration, Token

ITEM = types.CompletionItemKind
SHOWN = {
    "clause": ITEM.Module,
    "check": ITEM.Event,
    "party": ITEM.Class,
    "body": ITEM.Class,
    "kind": ITEM.Enum,
    "member": ITEM.EnumMember,
    "fact": ITEM.Constant,
    "event": ITEM.Function,
    "state": ITEM.Variable,
}
CLAUSE_AFTER = {("exception", "to"), ("prevailing", "over"), ("violation", "of"), ("breach", "of")}
CONTRACT_STARTS = sorted(ITEM_STARTS - {"add", "replace", "remove"}) + ["contract"]
AMENDMENT_STARTS = ["add", "remove", "replace"]
VALUE_AFTER = {":", "<=", ">=", "<", ">", "=", "!="}  # an argument's name, then its value


def completion(index: Index, pos: types.Position) -> types.CompletionList:
    """What can be written at ``pos`` (the editor filters it by what is typed)."""
    doc = index.doc
    decls = [x for d in index.docs for x in d.scan.declarations]
    before, prefix = _before(doc, pos)
    prev = before[-1] if before else None
    prev2 = before[-2] if len(before) > 1 else None
    on_line = [t for t in before if t.line == _line(doc, pos)]
    if prefix.startswith("§") or (
        prev is not None
        and (
            (prev2 is not None and (prev2.text, prev.text) in CLAUSE_AFTER)
            or (doc.scan.file_kind == "amendment" and prev.text in ("replace", "remove"))
        )
    ):
        return _items(x for x in decls if x.kind == "clause")
    if prev is not None and prev.text == "." and prev2 is not None and prev2.kind == "name":
        return _items(x for x in decls if x.kind == "body" and x.detail == prev2.text)
    if prev is not None and prev.text == "within":  # `within 30 days` or a duration fact
        return _items(x for x in decls if x.kind == "fact" and x.detail == "duration")
    if prev is not None and prev.text == "by":
        return _items([*_actors(decls), *_keywords(["anyone"])])
    inside = _arguments(before) if prev is not None else None
    if inside is not None:
        event, arg = inside
        params = _params(index, event)
        if arg is None:
            return _items(
                types.CompletionItem(label=n, kind=ITEM.Field, detail=t, insert_text=f"{n}: ")
                for n, t in params
            )
        return _items(_values(decls, dict(params).get(arg)))
    if not on_line:
        if doc.scan.file_kind == "scenario":
            return _items(_keywords(["fact"]))
        if doc.scan.file_kind == "amendment":
            return _items(_keywords([*AMENDMENT_STARTS, *CONTRACT_STARTS]))
        return _items([*_keywords(CONTRACT_STARTS), *(x for x in decls if x.kind == "clause")])
    if doc.scan.file_kind == "scenario" and len(on_line) == 1 and on_line[0].kind == "date":
        return _items(x for x in decls if x.kind == "event")
    return _items([*decls, *_keywords(KEYWORDS)])


def _line(doc: Document, pos: types.Position) -> int:
    return doc.source.line_col(pos)[0]


def _before(doc: Document, pos: types.Position) -> tuple[list[Token], str]:
    """The tokens before the cursor, without the word being typed, and that word's
    part before the cursor."""
    line, col = doc.source.line_col(pos)
    off = doc.scan.offset(line, col)
    toks = [t for t in doc.scan.tokens if t.offset < off]
    prefix = ""
    if toks and toks[-1].offset + len(toks[-1].text) >= off and toks[-1].kind in ("name", "clause"):
        prefix = toks[-1].text[: off - toks[-1].offset]
        toks = toks[:-1]
    elif doc.scan.text[off - 1 : off] == "§":
        prefix = "§"
    return toks, prefix


def _arguments(before: list[Token]) -> tuple[str, str | None] | None:
    """Inside ``Event(...)``, where an argument's name or value goes: the event and,
    for a value, the argument's name."""
    depth = 0
    for i in range(len(before) - 1, -1, -1):
        t = before[i]
        if t.text == ")":
            depth += 1
        elif t.text == "(":
            if depth == 0:
                if i == 0 or before[i - 1].kind != "name":
                    return None
                last = before[-1]
                if last.text in ("(", ","):
                    return before[i - 1].text, None
                k = len(before) - 1
                while k > i and before[k].text in VALUE_AFTER:  # `<=` may be two words
                    k -= 1
                if k < len(before) - 1 and k > i and before[k].kind == "name":
                    return before[i - 1].text, before[k].text
                return None
            depth -= 1
        elif t.line != before[-1].line and t.text in ITEM_STARTS:
            return None
    return None


def _params(index: Index, event: str) -> list[tuple[str, str]]:
    """``event``'s arguments and their types, as declared (``from: Provider``)."""
    for d in index.docs:
        for x in d.scan.declarations:
            if x.kind != "event" or x.name != event:
                continue
            toks = [t for t in d.scan.tokens if x.token.offset < t.offset <= x.end.offset]
            if not toks or toks[0].text != "(":
                return []
            out = []
            for i in range(1, len(toks) - 2):
                if toks[i].text == ")":
                    break
                if toks[i].kind == "name" and toks[i + 1].text == ":" and toks[i + 2].kind == "name":
                    out.append((toks[i].text, toks[i + 2].text))
            return out
    return []


def _values(decls: list[Declaration], typ: str | None) -> list[types.CompletionItem | Declaration]:
    """What an argument of type ``typ`` can be: a kind's members, the parties, or the
    facts of that type."""
    if typ is None:
        return list(decls)
    members = [x for x in decls if x.kind == "member" and x.detail == typ]
    if members or any(x.kind == "kind" and x.name == typ for x in decls):
        return list(members)
    if typ == "party":
        return _actors(decls)
    return [x for x in decls if x.kind == "fact" and x.detail == typ]


def _actors(decls: list[Declaration]) -> list[types.CompletionItem | Declaration]:
    out: list[types.CompletionItem | Declaration] = [x for x in decls if x.kind == "party"]
    out += [
        types.CompletionItem(label=f"{x.detail}.{x.name}", kind=ITEM.Class, detail=f"body of {x.detail}")
        for x in decls
        if x.kind == "body"
    ]
    return out


def _keywords(words: list[str] | tuple[str, ...]) -> list[types.CompletionItem]:
    return [types.CompletionItem(label=w, kind=ITEM.Keyword) for w in words]


def _items(found: Iterable[types.CompletionItem | Declaration]) -> types.CompletionList:
    items: dict[str, types.CompletionItem] = {}
    for x in found:
        if isinstance(x, Declaration):
            item = types.CompletionItem(
                label=x.name, kind=SHOWN.get(x.kind, ITEM.Reference), detail=f"{x.kind} {x.detail}".strip()
            )
        else:
            item = x
        items.setdefault(item.label, item)
    return types.CompletionList(is_incomplete=False, items=list(items.values()))
