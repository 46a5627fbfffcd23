"""Reading a CSV file of the dataset or the bundled history into typed rows, every problem located.

:func:`read_csv_table` checks the *form* of one file against its declared
:class:`CsvTable`: the header, text cells non-empty, numbers finite and
non-negative, a non-empty ``source`` on every row, no two rows with the same
key.  Each problem is an :class:`~simulator.errors.Issue` at its
``file:line:column`` (:class:`RowPlace`); the caller gathers them into one
:class:`~simulator.errors.InputError`.  :mod:`simulator.io.dataset` and
:mod:`simulator.io.history` declare their files and read them with it.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

from simulator.errors import InputError, Issue, Location
from simulator.io.files import read_input_file, unreadable_reason

__all__ = [
    "SOURCE_COLUMN",
    "CsvTable",
    "Row",
    "RowPlace",
    "SourceKey",
    "field_columns",
    "read_csv_table",
]

SOURCE_COLUMN = "source"

Row = dict[str, object]
SourceKey = tuple[str, ...]


@dataclass(frozen=True)
class CsvTable:
    """The declared form of one CSV file: which columns hold what."""

    file: str
    key: tuple[str, ...]
    text: tuple[str, ...]
    numbers: tuple[str, ...] = ()
    optional_numbers: tuple[str, ...] = ()
    optional_file: bool = False

    @property
    def stem(self) -> str:
        return self.file.removesuffix(".csv")

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.text, *self.numbers, *self.optional_numbers, SOURCE_COLUMN)


def read_csv_table(
    root: Traversable,
    table: CsvTable,
    sources: dict[SourceKey, str],
    issues: list[Issue],
    places: list[RowPlace] | None = None,
) -> list[Row]:
    """Rows of one file; problems are appended to ``issues``, sources to ``sources``.

    When ``places`` is given, the place of each row returned is appended to it
    (in the same order), so a caller can locate further checks of its cells.
    """
    resource = root.joinpath(table.file)
    name = str(resource)
    try:
        if isinstance(resource, Path):  # a user's folder: regular files of bounded size only
            if unreadable_reason(resource) == "no such file":
                raise FileNotFoundError(name)
            raw = read_input_file(resource, what="dataset file", key=(table.stem,))
        else:
            raw = resource.read_bytes()
        text = raw.decode("utf-8-sig")  # tolerate a byte-order mark
    except FileNotFoundError:
        if table.optional_file:
            return []
        issues.append(
            Issue((table.stem,), f"missing dataset file {table.file}", Location(name, 1, 1))
        )
        return []
    except InputError as error:
        issues.extend(error.issues)
        return []
    except (OSError, UnicodeDecodeError) as exc:
        issues.append(
            Issue(
                (table.stem,),
                f"cannot read {table.file} as UTF-8 text: {exc}",
                Location(name, 1, 1),
            )
        )
        return []
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""))
    first = next(reader, None)
    if first is None:
        issues.append(
            Issue((table.stem,), "expected a header row, found an empty file", Location(name, 1, 1))
        )
        return []
    header = [h.strip() for h in first]
    header_issues = _header_issues(table, header, RowPlace(name, 1, field_columns(lines[0])))
    if header_issues:
        issues.extend(header_issues)
        return []

    rows: list[Row] = []
    first_line: dict[SourceKey, int] = {}
    index = -1  # position of the record among the file's data records
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        index += 1
        line = reader.line_num
        columns = field_columns(lines[line - 1]) if line <= len(lines) else [1]
        place = RowPlace(name, line, columns, tuple(header))
        parsed = _parse_row(table, header, record, place, (table.stem, index), issues)
        if parsed is None:
            continue
        row, source = parsed
        key = (table.stem, *(str(row[k]) for k in table.key))
        if key in first_line:
            issues.append(
                Issue(
                    (table.stem, index),
                    f"duplicate row for {', '.join(key[1:])}: already given on line"
                    f" {first_line[key]}",
                    place.at(0),
                )
            )
            continue
        first_line[key] = line
        sources[key] = source
        rows.append(row)
        if places is not None:
            places.append(place)
    return rows


@dataclass(frozen=True)
class RowPlace:
    """Where a CSV record was written: file, line and the column each field starts at."""

    file: str
    line: int
    columns: list[int]
    header: tuple[str, ...] = ()

    def at(self, field_no: int) -> Location:
        """The location of field ``field_no`` (0-based) of the record."""
        column = self.columns[min(field_no, len(self.columns) - 1)]
        return Location(self.file, self.line, column)

    def of(self, column: str) -> Location:
        """The location of the record's cell in ``column`` (its start if the header lacks it)."""
        return self.at(self.header.index(column) if column in self.header else 0)


def _header_issues(table: CsvTable, header: list[str], place: RowPlace) -> list[Issue]:
    """Missing, unexpected and repeated columns of a header row."""
    expected = ", ".join(table.columns)
    issues = [
        Issue(
            (table.stem, "header"),
            f"missing column '{column}'; expected columns {expected}, found {', '.join(header)}",
            place.at(0),
        )
        for column in table.columns
        if column not in header
    ]
    issues += [
        Issue(
            (table.stem, "header"),
            f"unexpected column '{column}'; expected columns {expected}",
            place.at(i),
        )
        for i, column in enumerate(header)
        if column not in table.columns
    ]
    issues += [
        Issue((table.stem, "header"), f"column '{column}' is repeated", place.at(i))
        for i, column in enumerate(header)
        if column in header[:i]
    ]
    return issues


def _parse_row(
    table: CsvTable,
    header: list[str],
    record: list[str],
    place: RowPlace,
    path: tuple[str, int],
    issues: list[Issue],
) -> tuple[Row, str] | None:
    """The typed row and its source text, or ``None`` after appending its problems."""
    if len(record) != len(header):
        issues.append(
            Issue(
                path,
                f"expected {len(header)} fields ({', '.join(header)}), found {len(record)}",
                place.at(0),
            )
        )
        return None
    cells = {column: cell.strip() for column, cell in zip(header, record, strict=True)}
    row: Row = {}
    found = len(issues)
    for column in table.columns:
        cell = cells[column]
        where = place.at(header.index(column))
        if column in table.text or column == SOURCE_COLUMN:
            if not cell:
                issues.append(
                    Issue((*path, column), "expected a non-empty text, found an empty cell", where)
                )
            row[column] = cell
            continue
        value = _number(cell, optional=column in table.optional_numbers)
        if isinstance(value, str):
            issues.append(Issue((*path, column), value, where))
        else:
            row[column] = value
    if len(issues) > found:
        return None
    source = str(row.pop(SOURCE_COLUMN))
    return row, source


def _number(cell: str, optional: bool) -> float | str | None:
    """The cell as a finite non-negative float, ``None`` if empty and optional.

    A ``str`` result is the message for a bad cell: what was expected, what was found.
    """
    expected = "a non-negative number" + (" or an empty cell" if optional else "")
    if not cell:
        return None if optional else f"expected {expected}, found an empty cell"
    try:
        value = float(cell)
    except ValueError:
        return f"expected {expected}, found {cell!r}"
    if not math.isfinite(value) or value < 0:
        return f"expected {expected}, found {cell!r}"
    return value


def field_columns(line: str) -> list[int]:
    """1-based character column where each comma-separated field of ``line`` starts.

    Follows the default ``csv`` dialect: commas inside double quotes do not
    separate fields and ``""`` inside quotes is a literal quote.
    """
    starts = [1]
    quoted = False
    i = 0
    while i < len(line):
        char = line[i]
        if quoted:
            if char == '"':
                if line[i + 1 : i + 2] == '"':
                    i += 1
                else:
                    quoted = False
        elif char == '"':
            quoted = True
        elif char == ",":
            starts.append(i + 2)
        i += 1
    return starts
