"""Start a batch's fork server as soon as the process starts, before the command line is parsed.

A ``batch`` on a process pool waits for the pool's fork server: it imports
the simulator and loads the compiled daily steps
(:mod:`simulator.experiments.warm`), about a second of work on one core,
and every worker is a fork of it.  The ``batch`` command starts it once its
options are parsed, a fifth of a second after the process starts (typer,
rich and the command modules are imported first).  :func:`start_pool_early`,
called by the entry point, reads the few arguments that decide the backend
and starts the server at once, while this process goes on importing.

It only ever starts earlier what the command would start anyway: the
command still parses its arguments and builds its backend itself
(:func:`~simulator.experiments.executors.make_backend`; starting the server
again does nothing).  When the guess is wrong (the command then stops on a
usage error, or runs on Dask) the server was started for nothing and exits
with this process.
"""

from __future__ import annotations

__all__ = ["early_pool_workers", "start_pool_early"]


def early_pool_workers(args: list[str], cores: int) -> int | None:
    """The pool's workers if ``args`` run ``batch`` on a process pool, else None.

    ``args`` are the command line's arguments (``sys.argv[1:]``) and
    ``cores`` the CPU cores available.  None for another command, for
    ``--help``, for ``--dask``, for one worker (in this process), and for
    anything ``batch`` would refuse (more workers than cores without
    ``--force``, a count that is not a whole number).

    Examples
    --------
    >>> early_pool_workers(["batch", "exp.yaml"], cores=2)
    2
    >>> early_pool_workers(["batch", "exp.yaml", "--workers=1"], cores=2)
    >>> early_pool_workers(["batch", "exp.yaml", "--workers", "4", "--force"], cores=2)
    4
    >>> early_pool_workers(["batch", "exp.yaml", "--dask", "local"], cores=2)
    >>> early_pool_workers(["compare", "results"], cores=2)
    """
    if not args or args[0] != "batch" or "--help" in args or "--dask" in args:
        return None
    if any(a.startswith("--dask=") for a in args):
        return None
    workers: int | None = cores
    for i, arg in enumerate(args[1:], start=1):
        value: str | None = None
        if arg == "--workers":
            value = args[i + 1] if i + 1 < len(args) else None
        elif arg.startswith("--workers="):
            value = arg.removeprefix("--workers=")
        else:
            continue
        workers = int(value) if value is not None and value.isdigit() else None
    if workers is None or workers <= 1 or (workers > cores and "--force" not in args):
        return None
    return workers


def start_pool_early(args: list[str]) -> None:
    """Start the fork server now if ``args`` run ``batch`` on a process pool."""
    if not args or args[0] != "batch":
        return  # nothing imported for other commands
    from simulator.experiments.executors import ProcessPoolBackend, available_cores

    workers = early_pool_workers(args, available_cores())
    if workers is not None:
        ProcessPoolBackend(workers).start()
