"""The one writer of every output (``verifier.files.write_text``): atomic replacement
that keeps permission bits and links, streams for special files, and an
``OutputError`` that says why, never a half-written file or a leftover."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from verifier.files import OutputError, write_text


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
