"""From one run's rules, results and files to a SARIF 2.1.0 log: the envelope
the three SARIF writers share (``sarif`` for a verification, ``diagnostics``
for bad input and ``whereas check``, ``breaches`` for ``simulate``), and how a
file becomes an artifact URI. Light on purpose: the bad-input path imports it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def uri(path: str) -> str:
    """A file as an artifact URI: relative paths stay relative (to the
    repository, for code scanning); absolute ones become file: URIs."""
    if os.path.isabs(path):
        return "file://" + quote(path.replace(os.sep, "/"))
    return quote(path.replace(os.sep, "/"))


def envelope(
    *,
    version: str,
    rules: Sequence[dict[str, Any]],
    results: Sequence[dict[str, Any]],
    artifacts: Sequence[dict[str, Any]],
    started: str,
    successful: bool = True,
    extensions: Sequence[dict[str, Any]] = (),
    properties: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The log of one run of whereas ``version``, started at ``started``
    (``YYYY-MM-DDTHH:MM:SSZ``); ``successful`` False when it met an internal
    error; ``extensions``: the tools it ran (z3)."""
    tool: dict[str, Any] = {
        "driver": {"name": "whereas", "version": version, "semanticVersion": version, "rules": list(rules)}
    }
    if extensions:
        tool["extensions"] = list(extensions)
    run: dict[str, Any] = {
        "tool": tool,
        "invocations": [{"executionSuccessful": successful, "startTimeUtc": started}],
        "artifacts": list(artifacts),
        "results": list(results),
    }
    if properties is not None:
        run["properties"] = properties
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
