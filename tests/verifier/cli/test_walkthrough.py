"""The walkthrough's commands print exactly what the walkthrough shows.

Each ```console block in examples/openai_microsoft.md starts with `$ command`;
the rest of the block is the command's output. `--update-golden` rewrites the
outputs (review them in `git diff`)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests import ROOT

WALKTHROUGH = ROOT / "examples" / "openai_microsoft.md"
BLOCK = re.compile(r"```console\n\$ (?P<cmd>[^\n]*)\n(?P<out>.*?)```", re.S)
BIN = Path(sys.executable).parent


def run(cmd: str) -> str:
    argv = shlex.split(cmd)
    exe = BIN / argv[0]
    assert exe.exists(), f"{exe} is not installed"
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    r = subprocess.run([str(exe), *argv[1:]], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode in (0, 1), f"{cmd} exited {r.returncode}: {r.stderr}"
    assert r.stderr == "", r.stderr
    return r.stdout


def blocks() -> list[tuple[str, str]]:
    return [(m.group("cmd"), m.group("out")) for m in BLOCK.finditer(WALKTHROUGH.read_text(encoding="utf-8"))]


def test_walkthrough_has_commands() -> None:
    cmds = [c for c, _ in blocks()]
    assert len(cmds) >= 7
    assert all(c.split()[0] in ("verify", "whereas") for c in cmds)


@pytest.mark.parametrize("cmd", [c for c, _ in blocks()])
def test_walkthrough_output_matches(cmd: str, request: pytest.FixtureRequest) -> None:
    shown = dict(blocks())[cmd]
    actual = run(cmd)
    if request.config.getoption("--update-golden"):
        text = WALKTHROUGH.read_text(encoding="utf-8")
        text = text.replace(f"```console\n$ {cmd}\n{shown}```", f"```console\n$ {cmd}\n{actual}```", 1)
        WALKTHROUGH.write_text(text, encoding="utf-8")
        return
    assert actual == shown
