"""The cyclic garbage collector around a command's start-up and the process's exit.

Starting a batch imports numba, scipy, networkx, pydantic and pyarrow and reads
the input: hundreds of thousands of objects that live as long as the process,
and almost no garbage in reference cycles (the collector's full passes during
a batch's start-up find a few dozen objects).  Those passes cost about a tenth
of a CPU second of a batch's start-up, and the passes Python makes while it
shuts down, over the same objects, about a third of a second more.

- :func:`startup` pauses the collector while a command starts, and lets it
  run again when the command says its start-up is over (and on any error).
- When the command line owns the process (:func:`simulator.cli.entry`, the
  entry point, calls :func:`own_process`), the objects alive at that moment
  are also frozen (:func:`gc.freeze`: no later pass scans them), and so is
  everything once the command is done (:func:`freeze_for_exit`), so the
  passes of shutdown skip it.  ``atexit`` handlers still run and the standard
  streams are still flushed; objects in reference cycles are not finalised,
  which a command's files and folders never rely on (they are closed, and
  their locks released, when the command ends).  Called in another process
  (a test, a notebook), a command freezes nothing: frozen objects are never
  collected, and there is no unfreezing only one's own.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator

__all__ = ["freeze_for_exit", "own_process", "startup"]

_owned = False


def own_process() -> None:
    """The command line owns this process: it runs one command, then exits."""
    global _owned
    _owned = True


@contextlib.contextmanager
def startup() -> Iterator[Callable[[], None]]:
    """Run a command with the collector paused until it calls the function yielded.

    Examples
    --------
    >>> enabled = gc.isenabled()
    >>> with startup() as started:
    ...     paused = not gc.isenabled()
    ...     started()
    ...     resumed = gc.isenabled() == enabled
    >>> paused, resumed, gc.isenabled() == enabled
    (True, True, True)
    """
    enabled = gc.isenabled()
    gc.disable()

    def started() -> None:
        if _owned:
            gc.freeze()
        if enabled:
            gc.enable()

    try:
        yield started
    finally:
        if enabled:
            gc.enable()


def freeze_for_exit() -> None:
    """Freeze every object alive: the process is about to exit (see the module's text)."""
    gc.freeze()
