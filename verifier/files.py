"""From text to a file on disk, all at once, never over an input: the one writer of
every output, and the guard every command runs before it writes.

``fmt --write``, ``-o OUT`` and ``--report PATH`` all write through ``write_text``:

- A regular file is replaced atomically: the text goes to a new temporary file in
  the target's folder (an unpredictable name, created with ``O_EXCL``, so never
  through a link planted there), is flushed to disk, takes the old file's
  permission bits, owner and group, and then takes its place with ``os.replace``;
  a reader sees the old file or the new one, never half of one. On every failure
  (``OSError``, an encoding error, ``KeyboardInterrupt``) the temporary file is
  removed and the old file is untouched. A new file gets the mode of any new file
  (0666 less the umask, applied by the system).
- A file with more than one hard link, or whose owner or group this process may
  not give to a new file, is rewritten in place instead, so that every link (and
  the owner) is kept: the whole new text is first written and flushed to the
  temporary file, so a full disk is found before the file is touched; then the
  file is overwritten and cut to length; if that fails, its old bytes are written
  back and, if even that fails, the error names the temporary file, which holds
  the new text.
- A symbolic link keeps pointing at the file it named, which is the one written.
- A special file (a terminal, ``/dev/null``, a pipe, a socket) is written to as a
  stream, never replaced. A path that is the process's own standard output or
  error (``/dev/stdout``, ``/dev/fd/2``, or a file that stdout is redirected to)
  is written through that descriptor, at its position, never truncated: ``-o
  /dev/stdout >> log`` appends to the log.

``guard_outputs`` compares every output path with every file the run read
(``InputsRead`` records them as the loader reads them: the files named on the
command line, the base contract an amendment names, the contract a scenario is
for) by identity (``st_dev``/``st_ino``, through symbolic and hard links), and the
outputs with each other; a command calls it before it writes anything.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import sys
from collections.abc import Iterable

from dsl.diagnostics import Sources


class OutputError(Exception):
    """An output that could not be written; the message says which and why."""


class InputsRead(Sources):
    """``Sources`` that also remember the identity of every file the loader read
    (its device and inode, taken as it is read), for ``guard_outputs``. A name that
    is not a file on disk (text given to the API, ``<stdin>``) is not recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, tuple[int, int]] = {}

    def add(self, name: str, text: str) -> None:
        super().add(name, text)
        ident = _identity(name)
        if ident is not None:
            self.files.setdefault(name, ident)


def _identity(path: str) -> tuple[int, int] | None:
    """The regular file ``path`` names (through links), as (device, inode); None if
    there is none."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def guard_outputs(
    outputs: Iterable[tuple[str, str | None]], read: InputsRead | None = None, named: Iterable[str] = ()
) -> str | None:
    """Why the run must not write its outputs, or None if it may try; call it
    before writing anything, diagnostics documents included.

    ``outputs``: (what it is, its path), e.g. ``("the output", "out.json")``; a
    None path (stdout) or ``-`` is skipped. The inputs: ``read``, the
    ``InputsRead`` the loader filled (every file it read, with the identity it
    had when read), and ``named``, paths (those given on the command line, even
    if they could not be read). An output is refused if it is one of the inputs,
    whatever the name it is given by (a symbolic link, a hard link, ``..``); a
    not yet existing output cannot be an input. Two outputs are refused if they
    are one file (or one new path); a special file (``/dev/null``, a terminal)
    may take both."""
    idents: list[tuple[str, tuple[int, int]]] = list(read.files.items()) if read is not None else []
    for f in named:
        ident = _identity(f)
        if ident is not None:
            idents.append((f, ident))
    seen: list[tuple[str, str, tuple[int, int] | str]] = []
    for what, path in outputs:
        if path is None or path == "-":
            continue
        try:
            st: os.stat_result | None = os.stat(path)
        except (OSError, ValueError):
            st = None
        if st is not None and not stat.S_ISREG(st.st_mode):
            continue  # a stream: writing to it replaces nothing
        key: tuple[int, int] | str
        if st is not None:
            key = (st.st_dev, st.st_ino)
            for f, ident in idents:
                if ident == key:
                    also = "" if f == path else f" ({path} is that file)"
                    return (
                        f"error: refusing to write {what} over the input file {f}{also}; nothing was written"
                    )
        else:
            key = os.path.realpath(path)
        for other_what, other_path, other_key in seen:
            if other_key == key:
                return f"error: {other_what} {other_path} and {what} {path} would be the same file; nothing was written"
        seen.append((what, path, key))
    return None


def write_text(path: str, text: str) -> None:
    """Write ``text`` (UTF-8, as given: no newline translation) to ``path``:
    atomically for a regular or new file, as a stream for a special one (see the
    module's docstring). Raises ``OutputError``; on any failure the old file is as it was."""
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
    if st is not None:
        fd = _standard_stream(st)
        if fd is not None:
            _write_descriptor(path, fd, text)
            return
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"cannot write {path}: it is a folder")
        if not stat.S_ISREG(st.st_mode):
            _write_stream(path, text)
            return
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise OutputError(f"cannot write {path}: the folder {folder} does not exist")
    data = text.encode("utf-8")  # before any file exists: a text with no UTF-8 changes nothing
    try:
        fd, tmp = _new_temp(folder, os.path.basename(target))
    except OSError as e:
        if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise OutputError(
                f"cannot write {path}: the folder {folder} is not writable ({e.strerror})"
            ) from None
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
    keep_tmp = False
    try:
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            if st is None:
                os.replace(tmp, target)
                return
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            owned = _give(tmp, st)
            if st.st_nlink > 1 or not owned:
                try:
                    _rewrite_in_place(path, target, data, tmp)
                except OutputError:
                    keep_tmp = True  # the file may be half written: the new text stays in tmp
                    raise
                return
            os.replace(tmp, target)
        except OSError as e:
            raise OutputError(f"cannot write {path}: {e.strerror}") from None
    finally:
        if not keep_tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _give(tmp: str, st: os.stat_result) -> bool:
    """Give ``tmp`` the owner and group of the file it replaces; False if this
    process may not (only a privileged one may give a file away)."""
    mine = os.stat(tmp)
    if (st.st_uid, st.st_gid) == (mine.st_uid, mine.st_gid):
        return True
    try:
        os.chown(tmp, st.st_uid, st.st_gid)
    except PermissionError:
        return False
    os.chmod(tmp, stat.S_IMODE(st.st_mode))  # chown clears set-user/group-ID bits
    return True


def _rewrite_in_place(path: str, target: str, data: bytes, tmp: str) -> None:
    """Overwrite ``target`` with ``data`` (already safe in ``tmp``), keeping its
    inode; on failure put its old bytes back, or say where the new text is."""
    fd = os.open(target, os.O_RDWR | os.O_CLOEXEC)
    try:
        old = b""
        while chunk := os.read(fd, 1 << 20):
            old += chunk
        if len(data) > len(old):
            try:  # a full disk fails here, before a byte of the file is changed
                os.posix_fallocate(fd, 0, len(data))
            except OSError as e:
                if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                    os.ftruncate(fd, len(old))
                    raise
        try:
            _put(fd, data)
        except BaseException as e:  # KeyboardInterrupt too: the old bytes go back
            try:
                _put(fd, old)
            except OSError:
                why = e.strerror if isinstance(e, OSError) else type(e).__name__
                raise OutputError(
                    f"cannot write {path}: {why}; it may be half written: the new text is in {tmp}"
                ) from None
            raise
    finally:
        os.close(fd)


def _put(fd: int, data: bytes) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.ftruncate(fd, len(data))
    os.fsync(fd)


def _standard_stream(st: os.stat_result) -> int | None:
    """1 or 2 if ``st`` is the file the process's stdout or stderr writes to."""
    for fd in (1, 2):
        try:
            fst = os.fstat(fd)
        except OSError:
            continue
        if (fst.st_dev, fst.st_ino) == (st.st_dev, st.st_ino):
            return fd
    return None


def _write_descriptor(path: str, fd: int, text: str) -> None:
    """Write through the process's own stdout or stderr, where the shell put it."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # what was printed before comes first
            stream.flush()
    view = memoryview(text.encode("utf-8"))
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}") from None


def _write_stream(path: str, text: str) -> None:
    data = text.encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
    finally:
        os.close(fd)


def _new_temp(folder: str, name: str) -> tuple[int, str]:
    """A new file beside the target: an unpredictable name, created exclusively
    (never through a link planted there), with the mode a new file gets (0666 less
    the umask, applied by the system: nothing here reads or changes the umask)."""
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(8)}.tmp")
        try:
            return os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666
            ), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")
