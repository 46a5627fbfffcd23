"""The C allocator of a process that runs replications one after another (glibc only).

A replication at 40 countries allocates about 3 MB of records and work
space in a few blocks and frees them when the next one starts.  glibc's
``malloc`` serves a block of more than 128 KB with a fresh ``mmap`` until
a freed one teaches it otherwise, and gives the top of its heap back to the
operating system once 128 KB of it are free: either way the next
replication gets its memory from the kernel again, with a page fault for
each page it touches (20–30 a replication, at times 80, in a batch of the
40-country network of ``benchmarks/``, whether or not the chunk holds the
previous result, ``simulator.experiments.tasks.HOLD_BYTES``).

:func:`keep_freed_memory` raises both thresholds with ``mallopt`` (glibc's
``M_MMAP_THRESHOLD`` and ``M_TRIM_THRESHOLD``), so that blocks under 16 MiB
come from the heap and up to 64 MiB of freed heap is kept for the next
replication.  Set one threshold without the other and glibc stops adapting
the second, which is worse than the default (``benchmarks/README.md``).

It is done only where the process is the simulator's own, the command line's
(:func:`simulator.cli.entry`), a process pool's workers and those of the
local Dask cluster that ``--dask local`` starts
(:mod:`simulator.experiments.executors`), which call :func:`permit`; and only
once such a process runs a chunk of replications small enough for a chunk to
hold one while the next runs (``simulator.experiments.tasks.HOLD_BYTES``,
64 MiB): a world-sized batch keeps its allocator's settings (glibc's, or on
Dask the trim threshold its nannies set), under which its Dask workers' peak
memory was 900 MiB against 1,080 with the thresholds raised
(``benchmarks/README.md``).  Never in a caller's process, nor on the workers
of a user's Dask scheduler.  A user's own setting of glibc's malloc (the
``MALLOC_*_`` variables, or ``glibc.malloc`` tunables in ``GLIBC_TUNABLES``)
is left alone, as is any other C library.
"""

from __future__ import annotations

import os
import sys

__all__ = [
    "MMAP_THRESHOLD",
    "TRIM_THRESHOLD",
    "freed_memory_kept",
    "keep_freed_memory",
    "malloc_set_by_user",
    "permit",
    "permitted",
    "user_malloc_settings",
]

MMAP_THRESHOLD = 16 * 2**20
"""Blocks at least this large are mapped on their own (glibc's default: 128 KiB, adaptive)."""

TRIM_THRESHOLD = 64 * 2**20
"""Free memory at the top of the heap kept for later use (glibc's default: 128 KiB, adaptive)."""

_M_TRIM_THRESHOLD = -1  # glibc's <malloc.h>
_M_MMAP_THRESHOLD = -3

_kept = False
_permitted = False
_dasks = False


def user_malloc_settings(environment: dict[str, str] | None = None) -> bool:
    """Whether the environment sets glibc's malloc parameters itself."""
    env = os.environ if environment is None else environment
    named = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_")
    return any(name in env for name in named) or "glibc.malloc" in env.get("GLIBC_TUNABLES", "")


_USER_SETTINGS = user_malloc_settings()
"""Whether malloc's parameters were set in the environment when this module was imported.

Read once: the nannies of a Dask cluster started in this process later write
Dask's own into ``os.environ``."""


def permit(*, environment_is_dasks: bool = False) -> None:
    """This process is the simulator's own: a chunk of small replications may tune it.

    ``environment_is_dasks``: the ``MALLOC_*_`` variables this process
    started with are Dask's (a worker of the local cluster ``--dask local``
    starts, whose nannies set ``MALLOC_TRIM_THRESHOLD_``), not the user's, who
    set none (checked where the cluster was started).
    """
    global _permitted, _dasks
    _permitted = True
    _dasks = environment_is_dasks


def malloc_set_by_user() -> bool:
    """Whether the user set malloc's parameters: :func:`user_malloc_settings` at import."""
    return _USER_SETTINGS


def permitted() -> bool:
    """Whether :func:`permit` was called in this process."""
    return _permitted


def freed_memory_kept() -> bool:
    """Whether :func:`keep_freed_memory` has set the thresholds in this process."""
    return _kept


def _glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") is not None
    except (ValueError, OSError):  # not a name this platform knows, or no GNU C library
        return False


def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds in this process; return whether they are set.

    False (and nothing changed) on another C library or platform, or when
    the user set malloc's parameters in the environment
    (:func:`user_malloc_settings`, read when this module was imported).
    Calling it again does nothing more.
    """
    global _kept
    if _kept:
        return True
    if sys.platform != "linux" or not _glibc() or (_USER_SETTINGS and not _dasks):
        return False
    import ctypes  # here: the entry point imports this module for every command

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    mapped: int = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    trimmed: int = mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    _kept = mapped == 1 and trimmed == 1  # mallopt returns 1 on success
    return _kept
