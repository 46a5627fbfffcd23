"""The ``supplyshock`` command line (also ``python -m simulator``).

Each command lives in its own module and holds no model logic: it parses
arguments, calls the public API and prints.  Data goes to stdout, progress and
diagnostics to stderr.  Exit codes: 0 ok, 1 a run failed, 2 usage error,
3 invalid input (every issue printed as ``FILE:LINE:COL: path: message``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import typer
from rich.console import Console

from simulator.errors import InputError, Issue, dotted

__all__ = [
    "EXIT_FAILED",
    "EXIT_INVALID",
    "EXIT_USAGE",
    "app",
    "main",
    "report_warnings",
    "stdout_console",
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


def stdout_console(width_when_piped: int = 160) -> Console:
    """A rich console on stdout: the terminal's width, or a fixed width when piped.

    Rich falls back to 80 columns when stdout is not a terminal, which folds
    wide tables; files and pipes get ``width_when_piped`` columns instead.
    """
    return Console(width=None if sys.stdout.isatty() else width_when_piped)


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


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    _register()
    try:
        app(args=argv, standalone_mode=True)
    except InputError as error:
        report_input_error(error)
        return EXIT_INVALID
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
