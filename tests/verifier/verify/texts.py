"""A contract written into a test's folder and loaded, with its errors as a user reads
them (code and message): shared by the tests of single constructs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.load import load_contract


def load_text(folder: Path, text: str) -> tuple[m.Contract | None, list[tuple[str, str]]]:
    """``text`` as ``folder/t.contract``, loaded: the checked contract (None with errors)
    and the errors' (code, message)."""
    p = folder / "t.contract"
    p.write_text(text, encoding="utf-8")
    lc = load_contract(str(p), Sources())
    return lc.contract, [(d.code, d.message) for d in lc.diagnostics if d.is_error]


def day(iso: str) -> int:
    """The day number of an ISO date, as scenarios hold it."""
    return m.day(dt.date.fromisoformat(iso))
