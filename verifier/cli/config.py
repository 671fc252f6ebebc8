"""From ``[tool.whereas]`` in the nearest ``pyproject.toml`` to option defaults:
the same options as the command line, which wins over it.

The file is searched for upward from the current directory; the first
``pyproject.toml`` found is the project's, whether or not it has a
``[tool.whereas]`` table. The keys (``docs/cli.md`` lists them), each used by
the commands that have the option:

==============  =========================================  ==========================
key             value                                      commands
==============  =========================================  ==========================
``format``      text, json, sarif, junit, github           check, simulate, verify, diff
``color``       auto, always, never                        all
``bound``       an integer from 1 to 8                     verify, diff
``jobs``        an integer from 1 to 64                    verify, diff
``timeout``     seconds, a positive number                 verify, diff, simulate
``rlimit``      a positive integer (Z3 resource units)     verify, diff
``max-memory``  a size: bytes, or ``512M``, ``2G``, ...    verify, diff
``analyses``    true or false                              verify
``strict``      true or false                              verify
==============  =========================================  ==========================

A bad value, an unknown key or a file that is not TOML is a diagnostic that
names the file, the line and the key (exit 2).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

import attrs

FORMATS = ("text", "json", "sarif", "junit", "github")
COLORS = ("auto", "always", "never")

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


class ConfigError(Exception):
    """A value that cannot be used; the message says what was expected."""


def parse_size(text: str) -> int:
    """Bytes, from ``1073741824``, ``512M``, ``2G``, ``1.5GiB`` (powers of 1024)."""
    m = _SIZE.match(text)
    if m is None:
        raise ConfigError(f"expected a size such as 512M or 2G, found {text!r}")
    value = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if value < 1 << 20:
        raise ConfigError(f"expected a size of at least 1M, found {text!r}")
    return int(value)


def _choice(options: tuple[str, ...]) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if not isinstance(v, str) or v not in options:
            raise ConfigError(f"expected one of {', '.join(options)}, found {v!r}")
        return v

    return check


def _int(lo: int, hi: int | None) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, int) or v < lo or (hi is not None and v > hi):
            span = f"from {lo} to {hi}" if hi is not None else f"of at least {lo}"
            raise ConfigError(f"expected an integer {span}, found {v!r}")
        return v

    return check


def _seconds(v: Any) -> Any:
    if isinstance(v, bool) or not isinstance(v, int | float) or v <= 0:
        raise ConfigError(f"expected a number of seconds above 0, found {v!r}")
    return float(v)


def _size(v: Any) -> Any:
    if isinstance(v, bool):
        raise ConfigError(f"expected a size such as 512M or 2G, found {v!r}")
    if isinstance(v, int):
        return parse_size(str(v))
    if isinstance(v, str):
        return parse_size(v)
    raise ConfigError(f"expected a size such as 512M or 2G, found {v!r}")


def _bool(v: Any) -> Any:
    if not isinstance(v, bool):
        raise ConfigError(f"expected true or false, found {v!r}")
    return v


# key -> (the option's parameter name, how to check a value)
KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "format": ("fmt", _choice(FORMATS)),
    "color": ("color", _choice(COLORS)),
    "bound": ("bound", _int(1, 8)),
    "jobs": ("jobs", _int(1, 64)),
    "timeout": ("timeout", _seconds),
    "rlimit": ("rlimit", _int(1, None)),
    "max-memory": ("max_memory", _size),
    "analyses": ("analyses", _bool),
    "strict": ("strict", _bool),
    "witness": ("witness", _choice(("plausible", "smallest"))),
}


@attrs.frozen
class Problem:
    """A bad ``[tool.whereas]``: where, and what is wrong."""

    file: str
    line: int
    col: int
    key: str
    message: str
    source_line: str

    def render(self) -> str:
        gutter = f"{self.line:>4} | "
        return (
            f"{self.file}:{self.line}:{self.col}: error[config]: {self.message}\n"
            f"{gutter}{self.source_line}\n"
            f"{' ' * (len(gutter) - 2)}| {' ' * (self.col - 1)}^\n"
            f"  hint: the keys of [tool.whereas] are {', '.join(KEYS)} (docs/cli.md)\n"
        )


@attrs.frozen
class Config:
    """The values found (by parameter name) and the file they came from."""

    file: str | None = None
    values: dict[str, Any] = attrs.field(factory=dict)


def find_pyproject(start: str | None = None) -> str | None:
    """The nearest ``pyproject.toml`` at or above ``start`` (the current directory)."""
    folder = os.path.abspath(start or os.getcwd())
    while True:
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load(start: str | None = None) -> tuple[Config, Problem | None]:
    """``[tool.whereas]`` of the nearest ``pyproject.toml``, checked."""
    path = find_pyproject(start)
    if path is None:
        return Config(), None
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return Config(), None  # unreadable: as if there were none (it is not our file)
    text = data.decode("utf-8", errors="replace")
    if b"whereas" not in data:
        return Config(path), None  # the common case: no table of ours, no TOML parsing
    name = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
    import tomllib

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        return Config(path), _problem(name, text, line, col, "", f"not valid TOML: {e}")
    table = doc.get("tool", {}).get("whereas")
    if table is None:
        return Config(path), None
    if not isinstance(table, dict):
        return Config(path), _problem(
            name, text, *_where(text, "whereas"), "", "[tool.whereas] is not a table"
        )
    values: dict[str, Any] = {}
    for key, value in table.items():
        line, col = _where(text, key)
        if key not in KEYS:
            return Config(path), _problem(name, text, line, col, key, f"[tool.whereas] has no key {key!r}")
        param, check = KEYS[key]
        try:
            values[param] = check(value)
        except ConfigError as e:
            return Config(path), _problem(name, text, line, col, key, f"[tool.whereas] {key}: {e}")
    return Config(path, values), None


def _where(text: str, key: str) -> tuple[int, int]:
    """The line and column of ``key = ...`` in the ``[tool.whereas]`` table (else the table's header)."""
    lines = text.replace("\r\n", "\n").split("\n")
    header = next(
        (i for i, ln in enumerate(lines) if re.match(r"^\s*\[\s*tool\s*\.\s*whereas\s*\]", ln)), None
    )
    if header is None:
        return 1, 1
    pattern = re.compile(r"^(\s*)[\"']?" + re.escape(key) + r"[\"']?\s*=")
    for i in range(header + 1, len(lines)):
        if re.match(r"^\s*\[", lines[i]):
            break
        m = pattern.match(lines[i])
        if m:
            return i + 1, len(m.group(1)) + 1
    return header + 1, 1


def _problem(name: str, text: str, line: int, col: int, key: str, message: str) -> Problem:
    lines = text.replace("\r\n", "\n").split("\n")
    source = lines[line - 1] if 1 <= line <= len(lines) else ""
    return Problem(name, line, max(col, 1), key, message, source)
