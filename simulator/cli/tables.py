"""Tables that fit the terminal: columns are dropped, never numbers cut.

Rich squeezes a table wider than the console by truncating cells (``0.8…``),
which turns numbers into lies.  :func:`fitted_table` instead marks number
columns as unbreakable and drops the optional columns, least important
first, until the table renders at the console's width with no cell cut (no
``…``); the caller says which columns went (they are in ``--json`` and the
report).  Names and headers may wrap.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

__all__ = ["Column", "fitted_table", "stdout_width"]


@dataclass(frozen=True)
class Column:
    """A column: its header, whether it holds numbers, and how soon it may be dropped.

    ``drop`` 0 means never; among optional columns the highest ``drop`` goes first.
    """

    header: str
    numeric: bool = True
    drop: int = 0


def stdout_width(when_piped: int = 80) -> int:
    """The width to print at: ``COLUMNS`` when set, else the terminal's, else ``when_piped``."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    if sys.stdout.isatty():
        return os.get_terminal_size(sys.stdout.fileno()).columns
    return when_piped


def _build(title: str, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> Table:
    table = Table(
        title=escape(title),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for k, column in enumerate(columns):
        # Names keep their longest word whole (up to 16 characters), numbers their width.
        words = [w for row in rows for w in row[k].split()] + column.header.split()
        table.add_column(
            Text(column.header, no_wrap=False, overflow="fold"),
            justify="right" if column.numeric else "left",
            no_wrap=column.numeric,
            overflow="ellipsis" if column.numeric else "fold",
            min_width=None if column.numeric else min(16, max(len(w) for w in words)),
        )
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def _fits(table: Table, width: int, cells: Sequence[str]) -> bool:
    """Whether ``table`` renders at ``width`` columns with every text of ``cells`` whole.

    ``cells`` are the numbers and the first word of each name.
    """
    stream = io.StringIO()
    probe = Console(width=width, file=stream, color_system=None, highlight=False)
    probe.print(table, crop=False)
    text = stream.getvalue()
    widest = max((len(line.rstrip()) for line in text.splitlines()), default=0)
    return widest <= width and "…" not in text and all(cell in text for cell in cells)


def fitted_table(
    console: Console,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
) -> tuple[Table, list[str]]:
    """A table of ``rows`` that fits ``console.width``, and the headers of the columns dropped.

    Optional columns are dropped (highest ``drop`` first) while rendering at
    the console's width would cut a number.
    """
    keep = list(range(len(columns)))
    dropped: list[str] = []
    while True:
        table = _build(title, [columns[i] for i in keep], [[r[i] for i in keep] for r in rows])
        optional = [i for i in keep if columns[i].drop > 0]
        cells = [
            part
            for r in rows
            for i in keep
            for part in ([r[i]] if columns[i].numeric else r[i].split()[:1])
        ]
        if not optional or _fits(table, console.width, cells):
            return table, dropped
        worst = max(optional, key=lambda i: (columns[i].drop, i))
        keep.remove(worst)
        dropped.append(columns[worst].header)
