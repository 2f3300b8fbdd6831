"""Write output files the way the file system expects: a regular file is replaced atomically
(complete or absent), a symlink is written through, a device or FIFO is written straight to.

How each kind of path is written (see README, "Output files"):

* a new name, or a regular file with one link: a temporary file `.ms-XXXXXXXX.tmp` in the same
  folder, fsync, then rename over the name. A new file gets `0666 & ~umask`; an existing file
  keeps its mode (and, where permitted, its owner and group).
* a symlink: followed to its target, and the target is written as above (a dangling symlink
  creates its target); the symlink itself stays.
* a regular file with more than one hard link: rewritten in place (truncate, write, fsync),
  so every link keeps seeing the same file. This write is not atomic; a rename would split
  the links and leave the other names with the old report.
* a character or block device, FIFO or socket, and `/dev/stdout`, `/dev/fd/N`, `/proc/...`:
  opened for writing as it is (never created, truncated or replaced) and written straight to.
  A FIFO waits for a reader, as `cat > fifo` would.
* a directory: refused (IsADirectoryError).

SIGTERM and SIGHUP during a write (when their handler is the default one) remove the temporary
file and raise Terminated; the CLI then exits 128 + the signal number. SIGINT does the same
through KeyboardInterrupt (exit 130).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

STDOUT = "-"
"""The name that means standard output (`-o -`)."""

_MAX_LINKS = 40


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived while a file was being written; nothing was left behind."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"terminated by {signal.Signals(signum).name}")


def is_stdout(path: Path | str | None) -> bool:
    """True when `path` means standard output: no path, or `-`."""
    return path is None or str(path) == STDOUT


def same_file(source: os.stat_result | None, output: Path | str | None) -> bool:
    """True when writing `output` (None or "-": standard output) would write into the
    regular file whose status is `source` (the input being read): same device and inode,
    however it is named (the same path, a symlink, a hard link, /dev/fd/N). Check this
    before opening the output, which may truncate it."""
    import sys

    if source is None or not stat.S_ISREG(source.st_mode):
        return False
    try:
        target = os.fstat(sys.stdout.fileno()) if is_stdout(output) else os.stat(str(output))
    except (OSError, ValueError, AttributeError):
        return False
    return (target.st_dev, target.st_ino) == (source.st_dev, source.st_ino)


def status_of(name: Path | str, stream: object = None) -> os.stat_result | None:
    """The status of the input `name` ("-": standard input), or of the open `stream`; None
    when it has none (a stream without a descriptor) or cannot be read."""
    import sys

    try:
        if stream is None and str(name) != STDOUT:
            return os.stat(str(name))
        handle: Any = stream if stream is not None else sys.stdin
        return os.fstat(handle.fileno())
    except (OSError, ValueError, AttributeError):
        return None


def write_output(path: Path | str, text: str) -> None:
    """Write `text` (as UTF-8) to `path` as the module docstring describes.

    Raises OSError (with `errno` and `strerror`) when it cannot be written; a regular file
    is then untouched and no temporary file is left. Raises Terminated on SIGTERM or SIGHUP.
    """
    data = text.encode("utf-8")
    target, special = _resolve(Path(path))
    try:
        status: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        status = None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    with _cleanup_on_termination():
        if special or (status is not None and not stat.S_ISREG(status.st_mode)):
            _write_straight(target, data)
        elif status is not None and status.st_nlink > 1:
            _write_in_place(target, data)
        else:
            _replace(target, data, status)


write_atomically = write_output
"""The former name of write_output."""


# where to write -----------------------------------------------------------------------------


def _resolve(path: Path) -> tuple[Path, bool]:
    """The path a write should land on (symlinks followed) and whether it is a special
    path (/dev/stdout, /dev/fd/N, anything under /proc) that must be written straight to."""
    current = Path(os.path.abspath(path))
    for _ in range(_MAX_LINKS):
        folder = Path(os.path.realpath(current.parent))
        current = folder / current.name
        if folder.parts[1:2] == ("proc",):
            return current, True
        try:
            link = os.readlink(current)
        except OSError:  # not a symlink, or missing: this is the target
            return current, False
        current = folder / link
    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))


# how to write -------------------------------------------------------------------------------


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _write_straight(target: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(target, flags)  # no O_CREAT, no O_TRUNC: the file is as it is
    try:
        _write_all(descriptor, data)
    finally:
        os.close(descriptor)


def _write_in_place(target: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(target, flags)
    try:
        _write_all(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _replace(target: Path, data: bytes, status: os.stat_result | None) -> None:
    descriptor, temporary = tempfile.mkstemp(prefix=".ms-", suffix=".tmp", dir=target.parent)
    try:
        try:
            _write_all(descriptor, data)
            if status is not None:
                if (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
                    with contextlib.suppress(OSError):
                        os.fchown(descriptor, status.st_uid, status.st_gid)
                os.fchmod(descriptor, stat.S_IMODE(status.st_mode))
            else:
                os.fchmod(descriptor, 0o666 & ~_umask())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# signals --------------------------------------------------------------------------------------


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def _cleanup_on_termination() -> Iterator[None]:
    """While the body runs, SIGTERM and SIGHUP raise Terminated (so the temporary file is
    removed on the way out) instead of killing the process outright. Handlers someone else
    installed (or SIG_IGN, as under nohup) are left alone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, object] = {}
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None and signal.getsignal(signum) == signal.SIG_DFL:
            previous[signum] = signal.signal(signum, _terminate)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
