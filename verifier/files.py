"""From text to a file on disk, all at once: the one writer of every output.

``fmt --write``, ``-o OUT`` and ``--report PATH`` all write through
``write_text``. A regular file is replaced atomically: the text goes to a new
temporary file in the same folder (an unpredictable name, created exclusively),
is flushed to disk, takes the old file's permission bits (and, where the
process may, its owner), and then takes its place with ``os.replace``; a
reader sees the old file or the new one, never half of one. A symbolic link
keeps pointing at the file it named, which is the one replaced. A special file
(a terminal, ``/dev/null``, a pipe) is written to as a stream, never replaced.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat


class OutputError(Exception):
    """An output that could not be written; the message says which and why."""


def write_text(path: str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``: atomically for a regular or new file,
    as a stream for a special one. Raises ``OutputError``."""
    target = os.path.realpath(path)
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"cannot write {path}: it is a folder")
        _write_stream(path, target, text)
        return
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise OutputError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        fd, tmp = _new_temp(folder, os.path.basename(target))
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                with contextlib.suppress(OSError):  # only a privileged process may give a file away
                    os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, target)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"cannot write {path}: {e.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_stream(path: str, target: str, text: str) -> None:
    try:
        with open(target, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror}") from None


def _new_temp(folder: str, name: str) -> tuple[int, str]:
    """A new file beside the target: an unpredictable name, created exclusively
    (never through a link planted there), with the mode a new file gets (0666 less
    the umask, applied by the system: nothing here reads or changes the umask)."""
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(8)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")
