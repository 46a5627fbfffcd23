"""Reading a user's input file: regular files only, of bounded size, with a located error.

Every file a user names (a scenario, an ``extends:`` base, an experiment's
``scenario:``, a dataset CSV) is read through :func:`read_input_file`, which
refuses what would hang, exhaust memory or crash later instead of reporting:

* anything but a regular file — a FIFO (reading it would wait for a writer
  forever), a device such as ``/dev/zero`` (endless), a directory, a socket;
* a file larger than :func:`max_input_bytes` (10 MB unless the environment
  variable ``SUPPLYSHOCK_MAX_INPUT_MB`` says otherwise);
* a path holding a NUL byte, a symbolic-link loop, a name too long for the
  file system, a missing or unreadable file.

The file is opened without blocking (``O_NONBLOCK``) and checked with
``fstat`` on the open descriptor, so a FIFO is refused, never waited on, and
what is checked is what is read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from simulator.errors import InputError, Location, PathPart

__all__ = [
    "DEFAULT_MAX_INPUT_MB",
    "MAX_INPUT_ENV",
    "max_input_bytes",
    "read_input_file",
    "unreadable_reason",
]

DEFAULT_MAX_INPUT_MB = 10.0
"""Largest input file read, in megabytes (10⁶ bytes), unless overridden."""

MAX_INPUT_ENV = "SUPPLYSHOCK_MAX_INPUT_MB"
"""Environment variable that overrides :data:`DEFAULT_MAX_INPUT_MB`."""

_READ_BLOCK = 1 << 20


def max_input_bytes() -> int:
    """The largest input file read, in bytes: ``SUPPLYSHOCK_MAX_INPUT_MB`` or 10 MB.

    Raises
    ------
    InputError
        The variable is set to something other than a positive number.
    """
    raw = os.environ.get(MAX_INPUT_ENV)
    if raw is None or not raw.strip():
        return int(DEFAULT_MAX_INPUT_MB * 1e6)
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = -1.0
    if not 0 < megabytes < 1e6:
        raise InputError.single(
            f"expected a number of megabytes in (0, 1000000), found {raw!r}", (MAX_INPUT_ENV,)
        )
    return int(megabytes * 1e6)


def unreadable_reason(path: str | Path) -> str | None:
    """Why ``path`` cannot be read as an input file, or None when it is a regular file.

    Follows symbolic links; does not open the file (a FIFO stays unopened).
    """
    name = str(path)
    if "\x00" in name:
        return "the path contains a NUL byte"
    try:
        info = os.stat(name)
    except OSError as error:
        return _os_reason(error)
    if stat.S_ISREG(info.st_mode):
        return None
    return f"expected a regular file, found {_kind(info.st_mode)}"


def read_input_file(
    path: str | Path,
    *,
    what: str = "file",
    at: Location | None = None,
    key: tuple[PathPart, ...] = (),
) -> bytes:
    """The bytes of the regular file ``path``, at most :func:`max_input_bytes` of them.

    Parameters
    ----------
    path : str or pathlib.Path
        The file, as the user named it (shown in messages).
    what : str
        What the file is, for messages ("scenario", "base scenario", ...).
    at : Location, optional
        Where the user named the file (an ``extends:`` key); default the file
        itself, line 1, column 1.
    key : tuple
        The document path of that reference (``("extends",)``).

    Raises
    ------
    InputError
        The file is missing, unreadable, not a regular file, too large, or
        its path is not a valid file name.
    """
    name = str(path)
    where = at if at is not None else Location(name, 1, 1)
    limit = max_input_bytes()

    def fail(reason: str) -> InputError:
        return InputError.single(f"cannot read {what} {name}: {reason}", key, where)

    if "\x00" in name:
        raise fail("the path contains a NUL byte")
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise fail(_os_reason(error)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise fail(f"expected a regular file, found {_kind(info.st_mode)}")
        if info.st_size > limit:
            raise fail(_too_large(info.st_size, limit))
        chunks: list[bytes] = []
        size = 0
        while True:
            block = os.read(fd, _READ_BLOCK)
            if not block:
                break
            size += len(block)
            if size > limit:  # the file grew while being read
                raise fail(_too_large(size, limit))
            chunks.append(block)
    except OSError as error:
        raise fail(_os_reason(error)) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> str:
    return (
        f"expected at most {limit / 1e6:g} MB, found {size / 1e6:.1f} MB"
        f" (set {MAX_INPUT_ENV} to read larger files)"
    )


def _os_reason(error: OSError) -> str:
    if error.errno == errno.ENOENT:
        return "no such file"
    if error.errno == errno.ELOOP:
        return "too many levels of symbolic links (a symbolic-link loop)"
    if error.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    if error.errno == errno.EISDIR:
        return "expected a regular file, found a directory"
    return error.strerror or str(error)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
