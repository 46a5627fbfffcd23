"""The ``supplyshock`` command line (also ``python -m simulator``).

Each command lives in its own module and holds no model logic: it parses
arguments, calls the public API and prints.  Data goes to stdout, progress and
diagnostics to stderr.  Exit codes: 0 ok, 1 a run failed, 2 usage error,
3 invalid input (every issue printed as ``FILE:LINE:COL: path: message``).
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

from simulator.errors import InputError, Issue, dotted

__all__ = [
    "EXIT_FAILED",
    "EXIT_INVALID",
    "EXIT_USAGE",
    "app",
    "entry",
    "json_safe",
    "json_text",
    "main",
    "report_warnings",
    "stdout_console",
    "writable_file",
]

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INVALID = 3

app = typer.Typer(
    name="supplyshock",
    help="Simulate export-control supply shocks on trade networks and compare stockpile policies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    # Imported for their side effect of adding commands to ``app``.
    from simulator.cli import commands  # noqa: F401


def stdout_console(width_when_piped: int = 80) -> Console:
    """A rich console on stdout: ``COLUMNS``, else the terminal's width, else ``width_when_piped``.

    Tables fit the width they are given (:mod:`simulator.cli.tables`), so a
    pipe gets readable 80-column output unless ``COLUMNS`` asks for more.
    """
    from rich.console import Console

    from simulator.cli.tables import stdout_width

    return Console(width=stdout_width(width_when_piped))


@contextlib.contextmanager
def working(message: str) -> Iterator[None]:
    """A spinner with ``message`` on stderr while the block runs, only on a terminal.

    It appears after a second, so quick work shows nothing; pipes and files get nothing.
    """
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    status = Console(stderr=True).status(message, spinner="dots")
    timer = threading.Timer(1.0, status.start)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        status.stop()


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float (NaN, ±inf) replaced by None, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def json_text(payload: Any) -> str:
    """Standard JSON (indented) that never fails on a non-finite number: it becomes null."""
    return json.dumps(json_safe(payload), indent=2, allow_nan=False, default=str)


def writable_file(path: Path, option: str, *, create_folder: bool = False) -> Path:
    """``path`` when a file can be written there; a usage error (exit 2) naming ``option`` if not.

    Refuses a directory, a path with a NUL byte, and a path whose folder does
    not exist (unless ``create_folder``: then the folder is created).
    """
    text = str(path)
    problem = None
    if "\x00" in text:
        problem = "the path contains a NUL byte"
    elif path.is_dir():
        problem = f"{text} is a directory; expected a file name"
    elif create_folder and not path.parent.is_dir():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            problem = f"cannot create the folder {path.parent}: {error.strerror or error}"
    elif not path.parent.is_dir():
        problem = f"the folder {path.parent} does not exist; create it first"
    if problem is not None:
        raise typer.BadParameter(problem, param_hint=option)
    return path


def report_input_error(error: InputError) -> None:
    """Print every issue of ``error`` to stderr, one per line."""
    for issue in error.issues:
        print(str(issue), file=sys.stderr)
    n = len(error.issues)
    print(f"{n} error{'s' if n != 1 else ''} found", file=sys.stderr)


def report_warnings(warnings: Iterable[Issue]) -> None:
    """Print each warning to stderr as ``FILE:LINE:COL: path: warning: message``."""
    for issue in warnings:
        where = f"{issue.location}: " if issue.location is not None else ""
        print(f"{where}{dotted(issue.path)}: warning: {issue.message}", file=sys.stderr)


def _entry(argv: list[str] | None) -> None:
    """Run ``app``; ``COMMAND ... --help`` goes straight to the command.

    Through the group, typer coerces the group's own (absent) ``--help`` flag
    with pydantic, which costs a tenth of a second of imports before the
    command's help can print; the command alone prints the same help without it.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) >= 2 and "--help" in args[1:] and not args[0].startswith("-"):
        group = typer.main.get_command(app)
        command = getattr(group, "commands", {}).get(args[0])
        if command is not None:
            command.main(args=args[1:], prog_name=f"supplyshock {args[0]}", standalone_mode=True)
            return
    app(args=argv, standalone_mode=True)


def entry() -> None:
    """The process's entry point (the ``supplyshock`` script, ``python -m simulator``).

    :func:`main`, then the exit, sparing shutdown the collector's passes over
    what the command left alive (:func:`simulator.cli.collector.freeze_for_exit`).
    The process is the simulator's own, so its C allocator may keep the memory a
    replication frees for the next (:func:`simulator.experiments.allocator.permit`).
    A batch on a process pool has its fork server started first
    (:func:`simulator.cli.pool_start.start_pool_early`).
    """
    from simulator.cli.collector import freeze_for_exit, own_process
    from simulator.cli.pool_start import start_pool_early
    from simulator.experiments.allocator import permit

    own_process()
    permit()
    start_pool_early(sys.argv[1:])
    code = main()
    freeze_for_exit()
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    _register()
    try:
        _entry(argv)
    except InputError as error:
        report_input_error(error)
        return EXIT_INVALID
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
