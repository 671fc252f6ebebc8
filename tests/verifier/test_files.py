"""The one writer of every output (``verifier.files.write_text``): atomic replacement
that keeps permission bits and links, streams for special files, and an
``OutputError`` that says why, never a half-written file or a leftover."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

import pytest

from verifier.files import InputsRead, OutputError, guard_outputs, write_text


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_text_keeps_permission_bits(tmp_path: Path) -> None:
    path = tmp_path / "deal.contract"
    path.write_text("old\n", encoding="utf-8")
    os.chmod(path, 0o640)
    write_text(str(path), "new – text\n")
    assert path.read_text(encoding="utf-8") == "new – text\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == ["deal.contract"]


def test_write_text_leaves_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    path = tmp_path / "deal.contract"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_text(str(path), "half \ud800 written")  # a lone surrogate has no UTF-8
    assert path.read_text(encoding="utf-8") == "old\n"
    assert _leftovers(tmp_path) == ["deal.contract"]


def test_write_text_creates_a_file_and_writes_through_links(tmp_path: Path) -> None:
    new = tmp_path / "new.contract"
    write_text(str(new), "a\n")
    assert new.read_text(encoding="utf-8") == "a\n"
    link = tmp_path / "link.contract"
    link.symlink_to(new)
    write_text(str(link), "b\n")
    assert link.is_symlink() and new.read_text(encoding="utf-8") == "b\n"
    assert _leftovers(tmp_path) == ["link.contract", "new.contract"]


def test_write_text_to_a_device_writes_to_it_and_leaves_it_a_device() -> None:
    write_text("/dev/null", "nothing\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_write_text_to_a_pipe_streams(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_text(str(fifo), "through the pipe\n")
        assert os.read(r, 100) == b"through the pipe\n"
    finally:
        os.close(r)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_write_text_says_why_it_cannot_write(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"the folder .*missing does not exist"):
        write_text(str(tmp_path / "missing" / "out.json"), "{}")
    with pytest.raises(OutputError, match="it is a folder"):
        write_text(str(tmp_path), "{}")
    assert _leftovers(tmp_path) == []


def test_a_new_file_gets_the_mode_of_any_new_file_and_the_umask_is_left_alone(tmp_path: Path) -> None:
    was = os.umask(0o027)
    try:
        write_text(str(tmp_path / "new.json"), "{}")
        assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640
        assert os.umask(0o027) == 0o027  # still what the caller set
    finally:
        os.umask(was)
    assert _leftovers(tmp_path) == ["new.json"]


# ----------------------------------------------------------------- temporary files


def test_planted_symlinks_at_likely_temporary_names_are_never_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n", encoding="utf-8")
    out = tmp_path / "out.json"
    out.write_text("old\n", encoding="utf-8")
    likely = [".out.json.tmp", "out.json.tmp", "out.json~", ".out.json.swp", ".out.json.0000000000000000.tmp"]
    for name in likely:
        (tmp_path / name).symlink_to(victim)
    # even a link at the very name drawn is refused by O_EXCL: the next name is drawn
    tokens = iter(["0000000000000000", "1111111111111111"])
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(tokens))
    write_text(str(out), "new\n")
    assert out.read_text(encoding="utf-8") == "new\n" and not out.is_symlink()
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert all((tmp_path / n).is_symlink() and os.readlink(tmp_path / n) == str(victim) for n in likely)
    assert _leftovers(tmp_path) == sorted([*likely, "out.json", "victim"])


def test_a_keyboard_interrupt_during_the_write_leaves_the_old_file_and_no_leftover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "deal.json"
    path.write_text("old\n", encoding="utf-8")
    hard = tmp_path / "hard.json"
    os.link(path, hard)
    single = tmp_path / "single.json"
    single.write_text("old\n", encoding="utf-8")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    for p in (single, path):  # replaced atomically; rewritten in place (two links)
        with pytest.raises(KeyboardInterrupt):
            write_text(str(p), "new text, longer than the old\n")
        assert p.read_text(encoding="utf-8") == "old\n"
    assert _leftovers(tmp_path) == ["deal.json", "hard.json", "single.json"]


def test_an_interrupted_in_place_rewrite_puts_the_old_bytes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "deal.json"
    path.write_text("old text\n", encoding="utf-8")
    os.link(path, tmp_path / "hard.json")
    calls = []
    real_fsync = os.fsync

    def second_fsync_interrupted(fd: int) -> None:  # the temporary file is flushed; then the file itself
        calls.append(fd)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", second_fsync_interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_text(str(path), "new\n")
    assert path.read_text(encoding="utf-8") == "old text\n"
    assert _leftovers(tmp_path) == ["deal.json", "hard.json"]


# ----------------------------------------------------------------- modes, owners, links


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o604, 0o444])
def test_an_existing_outputs_mode_is_kept(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "out.json"
    path.write_text("old\n", encoding="utf-8")
    os.chmod(path, mode)
    if os.geteuid() != 0 and not mode & 0o200:
        pytest.skip("only root may replace a read-only file's text through write_text's in-place path")
    write_text(str(path), "new\n")
    assert stat.S_IMODE(path.stat().st_mode) == mode and path.read_text(encoding="utf-8") == "new\n"


def test_owner_and_group_are_kept_and_a_setgid_folder_gives_its_group(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to make files owned by another user")
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chown(folder, 0, 65534)
    os.chmod(folder, 0o2775)
    old = folder / "old.json"
    old.write_text("old\n", encoding="utf-8")
    os.chown(old, 65534, 0)  # another owner, and not the folder's group
    os.chmod(old, 0o640)
    write_text(str(old), "new\n")
    st = old.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (65534, 0, 0o640)
    new = folder / "new.json"
    write_text(str(new), "{}")
    assert new.stat().st_gid == 65534  # the folder's group, as for any new file there
    assert old.read_text(encoding="utf-8") == "new\n" and _leftovers(folder) == ["new.json", "old.json"]


def test_an_output_with_hard_links_is_rewritten_in_place(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text("a much longer old text\n", encoding="utf-8")
    other = tmp_path / "elsewhere.json"
    os.link(path, other)
    ino = path.stat().st_ino
    write_text(str(path), "new\n")
    assert other.read_text(encoding="utf-8") == "new\n" == path.read_text(encoding="utf-8")
    assert path.stat().st_ino == ino and path.stat().st_nlink == 2
    write_text(str(other), "newer and longer than before\n")
    assert path.read_text(encoding="utf-8") == "newer and longer than before\n"
    assert _leftovers(tmp_path) == ["elsewhere.json", "out.json"]


def test_dev_full_says_the_disk_is_full() -> None:
    with pytest.raises(OutputError, match="cannot write /dev/full: No space left on device"):
        write_text("/dev/full", "x" * 10000)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


# ----------------------------------------------------------------- guard_outputs


def test_guard_outputs_compares_identities(tmp_path: Path) -> None:
    a = tmp_path / "a.contract"
    a.write_text("x\n", encoding="utf-8")
    link = tmp_path / "l.contract"
    link.symlink_to(a)
    read = InputsRead()
    read.add(str(link), "x\n")  # what the loader does once it has read a file
    read.add("<contract>", "text given, not a file")
    assert read.files == {str(link): (a.stat().st_dev, a.stat().st_ino)}
    assert guard_outputs([("the output", str(a))], read) == (
        f"error: refusing to write the output over the input file {link} ({a} is that file); nothing was written"
    )
    assert guard_outputs([("the output", str(tmp_path / "new.json"))], read) is None
    assert (
        guard_outputs([("the output", None), ("the report", "-"), ("x", "/dev/null")], read, [str(a)]) is None
    )
    assert guard_outputs([("the output", str(a))], named=[str(tmp_path / "missing"), str(link)]) is not None
    both = guard_outputs(
        [("the output", str(tmp_path / "o.md")), ("the report", str(tmp_path / "." / "o.md"))]
    )
    assert both is not None and "would be the same file" in both
    assert guard_outputs([("the output", "/dev/null"), ("the report", "/dev/null")]) is None
    assert a.read_text(encoding="utf-8") == "x\n"
