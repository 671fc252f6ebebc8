"""Outputs never destroy inputs (``verifier.files``, ``whereas fmt --write``): one test
a case, each asserting that the input's bytes are unchanged (SHA-256 before and
after) and the message the user sees.

- ``-o`` and ``--report`` over an input, by file identity: the contract named on
  the command line, the base an amendment names, through a symbolic link, a hard
  link or ``..``; both sides of a what-if and of ``diff``; bad input too (a
  diagnostics document must not land on an input); two outputs that are one file.
- special files (``/dev/null``, ``/dev/stdout`` and ``/dev/stderr`` in real
  processes, with stdout a pipe or a file opened for appending; a terminal)
  written as streams, never replaced or truncated;
- ``fmt --write``: a byte order mark, CRLF and CR line endings and hard links
  kept; read-only files refused unless ``--force`` (as root too: decided by the
  mode bits); a read-only folder and a full disk give a message, exit 2, no
  traceback; a formatted text that would not parse is never written (exit 4).

Cases that need an ordinary user (root may write anything) run in a forked child
that drops to uid/gid 65534 on files under a folder that user can reach; where
privileges cannot be dropped, they are skipped with the reason. CI runs as root.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import verifier.cli.commands  # noqa: F401  (loaded before a fork drops privileges)
from tests import ROOT
from verifier.cli import main

VENV_BIN = Path(sys.executable).parent
NOBODY = 65534

CONTRACT = (
    'contract "Tiny" effective 2024-01-01 horizon 2024-12-31\n'
    "party Seller\nparty Buyer\nevent Order by Buyer\n"
    'check c "x": possible Order\ncheck d "y": possible Order\n'
)
AMENDMENT = 'amendment "x"\n  to "t.contract"\n\nremove check d\n'
UNFORMATTED = CONTRACT.replace("party Buyer", "party    Buyer")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def deal(tmp_path: Path) -> Path:
    p = tmp_path / "t.contract"
    p.write_text(CONTRACT, encoding="utf-8")
    (tmp_path / "a.amendment").write_text(AMENDMENT, encoding="utf-8")
    return p


# ----------------------------------------------------------------- outputs over inputs


def test_an_amendment_output_over_its_base_is_refused(deal: Path) -> None:
    amendment = deal.parent / "a.amendment"
    before = sha(deal)
    for args in (
        ["verify", str(amendment), "-o", str(deal)],
        ["verify", str(amendment), "--format", "sarif", "-o", str(deal)],
        ["verify", str(amendment), "--report", str(deal), "--report-format", "md"],
    ):
        code, out, err = run(*args)
        assert code == 2, err
        assert (
            f"error: refusing to write the {'report' if '--report' in args else 'output'} over the input file {deal}"
            in err
        )
        assert sha(deal) == before and out == ""


def test_an_output_through_a_symlink_or_hard_link_or_dotdot_is_the_input(deal: Path) -> None:
    before = sha(deal)
    link = deal.parent / "link.contract"
    link.symlink_to(deal.name)
    hard = deal.parent / "hard.contract"
    os.link(deal, hard)
    (deal.parent / "sub").mkdir()
    dotdot = deal.parent / "sub" / ".." / deal.name
    for given, output in ((link, deal), (deal, link), (deal, hard), (hard, deal), (deal, dotdot)):
        code, _, err = run("verify", str(given), "-o", str(output))
        assert code == 2, err
        assert f"refusing to write the output over the input file {given} ({output} is that file)" in err
    assert sha(deal) == before and link.is_symlink() and os.stat(hard).st_nlink == 2


def test_bad_input_never_lands_on_an_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.contract"
    bad.write_text(
        'contract "B" effective 2024-01-01\nparty A\ncheck c "x": possible Nope\n', encoding="utf-8"
    )
    before = sha(bad)
    code, _, err = run("verify", str(bad), "--format", "sarif", "-o", str(bad))
    assert code == 2 and f"refusing to write the output over the input file {bad}" in err
    binary = tmp_path / "b.contract"
    binary.write_bytes(b"\x00\x01binary")
    code, _, err = run("verify", str(binary), "--format", "json", "-o", str(binary))
    assert code == 2 and f"refusing to write the output over the input file {binary}" in err
    assert sha(bad) == before and binary.read_bytes() == b"\x00\x01binary"


def test_what_if_and_diff_refuse_either_side(deal: Path) -> None:
    amendment = deal.parent / "a.amendment"
    other = deal.parent / "other.contract"
    other.write_text(CONTRACT.replace('"y"', '"z"'), encoding="utf-8")
    sums = {p: sha(p) for p in (deal, amendment, other)}
    for args, victim in (
        (["verify", str(deal), "--what-if", str(amendment), "-o", str(deal)], deal),
        (["verify", str(deal), "--what-if", str(amendment), "-o", str(amendment)], amendment),
        (
            [
                "verify",
                str(deal),
                "--what-if",
                str(amendment),
                "--report",
                str(amendment),
                "--report-format",
                "md",
            ],
            amendment,
        ),
        (["diff", str(deal), str(other), "-o", str(other)], other),
        (["diff", str(deal), str(amendment), "-o", str(deal)], deal),
    ):
        code, _, err = run(*args)
        assert code == 2, err
        assert f"over the input file {victim}" in err
    assert {p: sha(p) for p in sums} == sums


def test_an_output_and_a_report_cannot_be_one_file(deal: Path) -> None:
    out = deal.parent / "x.md"
    link = deal.parent / "y.md"
    link.symlink_to("x.md")  # dangling: both names are one new file
    code, _, err = run("verify", str(deal), "-o", str(out), "--report", str(link))
    assert code == 2 and f"the output {out} and the report {link} would be the same file" in err
    assert not out.exists() and sha(deal) == hashlib.sha256(CONTRACT.encode()).hexdigest()


def test_a_new_output_and_a_device_are_written(deal: Path) -> None:
    out = deal.parent / "new.json"
    code, _, err = run("verify", str(deal), "--no-analyses", "--format", "json", "-o", str(out))
    assert code == 0, err
    assert json.loads(out.read_text(encoding="utf-8"))["summary"] == {"holds": 2, "fails": 0, "unknown": 0}
    report = deal.parent / "r.md"
    code, _, err = run("verify", str(deal), "--no-analyses", "-o", "/dev/null", "--report", str(report))
    assert code == 0, err
    assert report.read_text(encoding="utf-8").startswith("# Verification report")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    # a device takes both: it replaces nothing (this was refused as "the same file")
    args = ["-o", "/dev/null", "--report", "/dev/null", "--report-format", "html"]
    code, _, err = run("verify", str(deal), "--no-analyses", *args)
    assert (code, err) == (0, "")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_scenario_contract_is_an_input() -> None:
    """``InputsRead`` records the contract a scenario's ``for`` names, as it is read."""
    from dsl.load import load_scenario
    from verifier.files import InputsRead, guard_outputs

    scenario = ROOT / "examples" / "scenarios" / "supply_met.scenario"
    read = InputsRead()
    sc, c, _ = load_scenario(str(scenario), read)
    assert sc is not None and c is not None
    seed = ROOT / "contracts" / "openai_microsoft.contract"
    problem = guard_outputs([("the output", str(seed))], read)
    assert problem is not None and "refusing to write the output over the input file" in problem
    assert os.path.samefile(problem.split("input file ")[1].split(" ")[0].rstrip(";"), seed)


# ----------------------------------------------------------------- streams, in real processes


def test_dev_stdout_and_stderr_are_streams_in_a_real_process(deal: Path, tmp_path: Path) -> None:
    verify = str(VENV_BIN / "verify")
    p = subprocess.run(
        [verify, str(deal), "--no-analyses", "--format", "json", "-o", "/dev/stdout"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["summary"]["holds"] == 2
    # stdout a file opened for appending: what it held is kept, the output follows it
    log = tmp_path / "log.txt"
    log.write_text("before\n", encoding="utf-8")
    with open(log, "a", encoding="utf-8") as f:
        p = subprocess.run(
            [verify, str(deal), "--no-analyses", "--format", "json", "-o", "/dev/stdout"],
            stdout=f,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert p.returncode == 0, p.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("before\n{") and json.loads(text[len("before\n") :])["summary"]["holds"] == 2
    p = subprocess.run(
        [verify, str(deal), "--no-analyses", "--format", "json", "-o", "/dev/stderr"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0 and p.stdout == ""
    assert '"schema"' in p.stderr


def test_a_terminal_is_written_as_a_stream() -> None:
    from verifier.files import write_text

    master, slave = os.openpty()
    try:
        name = os.ttyname(slave)
        write_text(name, "to the terminal\n")
        assert b"to the terminal" in os.read(master, 1000)
        assert stat.S_ISCHR(os.stat(name).st_mode)
    finally:
        os.close(master)
        os.close(slave)


# ----------------------------------------------------------------- fmt --write


def test_fmt_write_keeps_a_bom_and_crlf(tmp_path: Path) -> None:
    f = tmp_path / "t.contract"
    f.write_bytes(b"\xef\xbb\xbf" + UNFORMATTED.replace("\n", "\r\n").encode())
    code, _, err = run("fmt", "--write", str(f))
    assert code == 0 and err == f"reformatted {f}\n"
    data = f.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    code, out, _ = run("fmt", str(f))  # stdout: LF, no BOM, and nothing more to do
    assert code == 0 and out.encode() == data[3:].replace(b"\r\n", b"\n")
    before = sha(f)
    assert run("fmt", "--write", str(f)) == (0, "", "") and sha(f) == before


def test_fmt_write_keeps_cr_and_the_dominant_ending_of_a_mixed_file(tmp_path: Path) -> None:
    cr = tmp_path / "cr.contract"
    cr.write_bytes(UNFORMATTED.replace("\n", "\r").encode())
    code, _, err = run("fmt", "--write", str(cr))
    assert code == 0, err
    assert b"\n" not in cr.read_bytes() and cr.read_bytes().count(b"\r") >= CONTRACT.count("\n")
    mixed = tmp_path / "mixed.contract"
    lines = UNFORMATTED.split("\n")
    mixed.write_bytes(("\r\n".join(lines[:-2]) + "\n" + lines[-2] + "\n").encode())
    code, _, err = run("fmt", "--write", str(mixed))
    assert code == 0, err
    data = mixed.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") > 3


def test_fmt_write_keeps_hard_links_and_symlinks(tmp_path: Path) -> None:
    f = tmp_path / "t.contract"
    f.write_text(UNFORMATTED, encoding="utf-8")
    other = tmp_path / "other.contract"
    os.link(f, other)
    ino = os.stat(f).st_ino
    code, _, err = run("fmt", "--write", str(other))
    assert code == 0, err
    assert os.stat(f).st_ino == os.stat(other).st_ino == ino and os.stat(f).st_nlink == 2
    assert f.read_text(encoding="utf-8") == run("fmt", str(f))[1] != UNFORMATTED
    link = tmp_path / "link.contract"
    target = tmp_path / "target.contract"
    target.write_text(UNFORMATTED, encoding="utf-8")
    link.symlink_to("target.contract")
    assert run("fmt", "--write", str(link))[0] == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8") != UNFORMATTED
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "link.contract",
        "other.contract",
        "t.contract",
        "target.contract",
    ]


def test_fmt_write_refuses_a_read_only_file_even_as_root_unless_forced(tmp_path: Path) -> None:
    f = tmp_path / "t.contract"
    f.write_text(UNFORMATTED, encoding="utf-8")
    os.chmod(f, 0o444)
    before = sha(f)
    code, _, err = run("fmt", "--write", str(f))
    assert code == 2
    assert err == (
        f"error: {f} is read-only (mode -r--r--r--); not rewritten. "
        "Make it writable, or give --force to rewrite it keeping its mode\n"
    )
    assert sha(f) == before
    code, _, err = run("fmt", "--write", "--force", str(f))
    assert code == 0 and err == f"reformatted {f}\n"
    assert sha(f) != before and stat.S_IMODE(os.stat(f).st_mode) == 0o444


def test_fmt_never_writes_a_text_that_does_not_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import verifier.cli.fmt as fmt

    f = tmp_path / "t.contract"
    f.write_text(UNFORMATTED, encoding="utf-8")
    before = sha(f)
    monkeypatch.setattr(fmt, "format_source", lambda text, path: ("contract ((( broken\n", []))
    code, _, err = run("fmt", "--write", str(f))
    assert code == 4
    assert err.startswith(f"internal error: the formatted text of {f} does not parse (")
    assert "the file was left as it was" in err and "Traceback" not in err
    assert sha(f) == before


@contextlib.contextmanager
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "disk"
    mnt.mkdir()
    p = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True, text=True
    )
    if p.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill: {p.stderr.strip() or p.returncode}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_fmt_write_on_a_full_disk_keeps_the_file(tmp_path: Path) -> None:
    with tiny_disk(tmp_path) as disk:
        f = disk / "t.contract"
        f.write_text(UNFORMATTED, encoding="utf-8")
        hard = disk / "hard.contract"
        os.link(f, hard)
        filler = disk / "filler"
        with contextlib.suppress(OSError), open(filler, "wb") as fh:
            while True:
                fh.write(b"x" * 4096)
                fh.flush()
        before = sha(f)
        for path in (f, hard):
            code, _, err = run("fmt", "--write", str(path))
            assert code == 2 and "No space left on device" in err and "Traceback" not in err, err
            assert err.endswith(f"{path} was left as it was\n")
        assert sha(f) == before
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "hard.contract", "t.contract"]


# ----------------------------------------------------------------- as an ordinary user


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder an ordinary user (65534) owns, outside root's private temp folders."""
    d = Path(tempfile.mkdtemp(prefix="whereas-files-"))
    if os.geteuid() == 0:
        os.chown(d, NOBODY, NOBODY)
    try:
        yield d
    finally:
        for p in [d, *d.rglob("*")]:
            with contextlib.suppress(OSError):
                os.chmod(p, 0o700 if p.is_dir() else 0o600)
        shutil.rmtree(d, ignore_errors=True)


def as_user(fn: Callable[[], Any]) -> Any:
    """``fn()`` as an ordinary user: in a forked child that drops to 65534 (as root),
    or here (not root). What it returns must be JSON."""
    if os.geteuid() != 0:
        return fn()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            payload = {"ok": fn()}
        except BaseException:
            payload = {"error": traceback.format_exc()}
        try:
            os.write(w, json.dumps(payload).encode())
        finally:
            os._exit(0)
    os.close(w)
    data = b""
    while chunk := os.read(r, 65536):
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    if not data:
        pytest.skip("could not run as an ordinary user (the child said nothing)")
    result = json.loads(data)
    if "error" in result:
        if "PermissionError" in result["error"] and "setuid" in result["error"]:
            pytest.skip(f"cannot drop privileges: {result['error'].splitlines()[-1]}")
        raise AssertionError(result["error"])
    return result["ok"]


def own(path: Path) -> None:
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)


def test_as_a_user_fmt_refuses_a_read_only_file_and_a_read_only_folder(shared: Path) -> None:
    f = shared / "ro.contract"
    f.write_text(UNFORMATTED, encoding="utf-8")
    own(f)
    os.chmod(f, 0o444)
    folder = shared / "locked"
    folder.mkdir()
    g = folder / "t.contract"
    g.write_text(UNFORMATTED, encoding="utf-8")
    own(folder)
    own(g)
    os.chmod(folder, 0o555)
    before = {p: sha(p) for p in (f, g)}

    def child() -> list[Any]:
        return [run("fmt", "--write", str(f)), run("fmt", "--write", "--force", str(g))]

    (code_f, _, err_f), (code_g, _, err_g) = as_user(child)
    assert code_f == 2 and f"error: {f} is read-only (mode -r--r--r--)" in err_f
    assert code_g == 2 and "Traceback" not in err_g
    assert err_g == (
        f"error: cannot write {g}: the folder {folder} is not writable (Permission denied); {g} was left as it was\n"
    )
    assert {p: sha(p) for p in before} == before and sorted(p.name for p in folder.iterdir()) == [
        "t.contract"
    ]


def test_as_a_user_an_output_owned_by_another_keeps_its_owner(shared: Path) -> None:
    """A file this user may write but not give away (owned by root, mode 0666) is
    rewritten in place: its owner, mode and inode are kept."""
    if os.geteuid() != 0:
        pytest.skip("needs root to make a file owned by another user")
    from verifier.files import write_text

    out = shared / "out.json"
    out.write_text("old\n", encoding="utf-8")
    os.chmod(out, 0o666)
    ino = os.stat(out).st_ino
    as_user(lambda: write_text(str(out), "new\n"))
    st = os.stat(out)
    assert out.read_text(encoding="utf-8") == "new\n"
    assert (st.st_uid, st.st_ino, stat.S_IMODE(st.st_mode)) == (0, ino, 0o666)
    assert sorted(p.name for p in shared.iterdir()) == ["out.json"]


def test_real_whereas_fmt_write_refuses_a_read_only_file(tmp_path: Path) -> None:
    f = tmp_path / "t.contract"
    f.write_text(UNFORMATTED, encoding="utf-8")
    os.chmod(f, 0o400)
    before = sha(f)
    p = subprocess.run(
        [str(VENV_BIN / "whereas"), "fmt", "--write", str(f)], capture_output=True, text=True, timeout=60
    )
    assert p.returncode == 2 and "is read-only (mode -r--------)" in p.stderr and "Traceback" not in p.stderr
    assert sha(f) == before
