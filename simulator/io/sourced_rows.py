"""Sourced CSV files of the dataset: one figure a row, each with its source, checked row by row.

``uncertainty.csv`` (:mod:`simulator.io.data_ranges`) and ``market.csv``
(:mod:`simulator.io.market`) share one shape: a fixed header, one figure per
row with ``low``, ``central`` and ``high`` numbers and a ``source`` that may
not be empty, every row checked on its own and against the dataset, no figure
twice.  This module reads such a file and does the common part; each file's
module checks what its rows mean.  Every problem is collected (not only the
first) and located as ``file:line:column``: the column where the cell starts,
commas inside quotes included.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

from simulator.errors import InputError, Issue, Location
from simulator.io.csv_tables import field_columns

__all__ = [
    "SourcedRow",
    "check_numbers",
    "check_sourced_rows",
    "empty_source",
    "read_sourced_file",
    "wrong_field_count",
]

T = TypeVar("T")


@dataclass(frozen=True)
class SourcedRow:
    """One data row of a sourced CSV file, with what it takes to locate its cells.

    Attributes
    ----------
    path : tuple
        ``(prefix, index)``: the file's name in messages (``market``) and the
        row's index among the data rows, from 0.
    line : int
        The row's line in the file (the header is line 1).
    record : list of str
        The fields as read.
    cells : dict
        The stripped fields by column name (the header's columns, in order;
        a short row lacks its last ones).
    locate : callable
        ``locate(column)``: the :class:`~simulator.errors.Location` of a
        column's cell (the row's last cell when the row is short).
    """

    path: tuple[str, int]
    line: int
    record: list[str]
    cells: dict[str, str]
    locate: Callable[[str], Location]


def read_sourced_file(folder: Traversable | Path | None, file_name: str) -> tuple[str, str] | None:
    """``(name, text)`` of ``file_name`` in a dataset folder (default: the embedded one).

    Parameters
    ----------
    folder : Traversable or Path, optional
        A dataset folder; None reads ``simulator/data``.
    file_name : str
        The file, e.g. ``market.csv``.

    Returns
    -------
    tuple of str, or None
        The file's name for messages and its text (a byte-order mark
        dropped); None when ``folder`` is given and has no such file.
    """
    root: Traversable = files("simulator.data") if folder is None else folder
    resource = root.joinpath(file_name)
    if folder is not None and not resource.is_file():
        return None
    return str(resource), resource.read_text(encoding="utf-8-sig")


def check_sourced_rows(
    name: str,
    text: str,
    header: Sequence[str],
    prefix: str,
    check: Callable[[SourcedRow], T | list[Issue]],
    identity: Callable[[T], Hashable],
    duplicate: Callable[[T], tuple[str, str]],
    *,
    skip_blank: bool = False,
) -> list[T]:
    """Every row of ``text`` checked by ``check``, in file order, none twice.

    Parameters
    ----------
    name, text : str
        The file's name (for locations) and its text.
    header : sequence of str
        The columns the first line must name, in order.
    prefix : str
        The first part of each issue's path (``("market", index, column)``).
    check : callable
        A row → the figure it holds, or the list of its problems.
    identity : callable
        A figure → what may appear only once in the file.
    duplicate : callable
        A figure that appears again → ``(what, column)``: the issue reads
        ``"{what}: already on line N"``, located at that column.
    skip_blank : bool, default False
        Pass over rows whose every cell is blank (else ``check`` sees them).

    Returns
    -------
    list
        The figures, in file order.

    Raises
    ------
    simulator.errors.InputError
        A header that is not ``header`` (alone), else every problem of every row.
    """
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""))
    found_header = [h.strip() for h in next(reader, [])]
    if tuple(found_header) != tuple(header):
        raise InputError.single(
            f"expected the columns {', '.join(header)}, found {', '.join(found_header) or 'none'}",
            (prefix, "header"),
            Location(name, 1, 1),
        )
    columns_of = list(header)
    issues: list[Issue] = []
    figures: list[T] = []
    seen: dict[Hashable, int] = {}
    for index, record in enumerate(reader):
        line = reader.line_num
        if skip_blank and not any(cell.strip() for cell in record):
            continue
        starts = field_columns(lines[line - 1]) if line <= len(lines) else [1]

        def at(column: str, *, _starts: list[int] = starts, _line: int = line) -> Location:
            return Location(name, _line, _starts[min(columns_of.index(column), len(_starts) - 1)])

        cells = dict(zip(columns_of, (c.strip() for c in record), strict=False))
        found = check(SourcedRow((prefix, index), line, record, cells, at))
        if isinstance(found, list):
            issues += found
            continue
        key = identity(found)
        if key in seen:
            what, column = duplicate(found)
            again = f"{what}: already on line {seen[key]}"
            issues.append(Issue((prefix, index), again, at(column)))
            continue
        seen[key] = line
        figures.append(found)
    if issues:
        raise InputError(issues)
    return figures


def wrong_field_count(row: SourcedRow, header: Sequence[str]) -> Issue | None:
    """An issue at the row's first cell when it has not one field per column, else None."""
    if len(row.record) == len(header):
        return None
    return Issue(
        row.path, f"expected {len(header)} fields, found {len(row.record)}", row.locate(header[0])
    )


def empty_source(row: SourcedRow, what: str) -> Issue | None:
    """An issue when the row's ``source`` cell is empty (``expected WHAT, found an empty cell``)."""
    if row.cells["source"]:
        return None
    return Issue(
        (*row.path, "source"), f"expected {what}, found an empty cell", row.locate("source")
    )


def check_numbers(
    row: SourcedRow, columns: Sequence[str], *, non_negative: bool = False
) -> tuple[dict[str, float], list[Issue]]:
    """The row's ``columns`` as numbers (NaN where unreadable) and an issue for each that is
    not a finite number (or, with ``non_negative``, a negative one)."""
    numbers: dict[str, float] = {}
    issues: list[Issue] = []
    expected = "a non-negative number" if non_negative else "a number"
    for column in columns:
        try:
            value = float(row.cells[column])
        except ValueError:
            value = math.nan
        numbers[column] = value
        if not math.isfinite(value) or (non_negative and value < 0):
            issues.append(
                Issue(
                    (*row.path, column),
                    f"expected {expected}, found {row.cells[column]!r}",
                    row.locate(column),
                )
            )
    return numbers, issues
