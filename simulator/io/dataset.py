"""The default dataset: four CSV files read into plain, typed rows.

A dataset folder holds ``commodities.csv``, ``nodes.csv``, ``links.csv``,
``stockpiles.csv`` and, optionally, ``recipes.csv`` (UTF-8, comma separated,
one header row).  Every row has a
non-empty ``source`` column saying where its figures come from; the loader
keeps that text apart, in :attr:`Dataset.sources`, so the rows carry exactly
the keys a scenario's ``commodities:`` and ``network:`` sections use.

The loader checks the *form* of the files: columns present, text cells
non-empty, numbers finite and non-negative, no duplicate rows.  Whether the
network balances (``production + imports = demand + exports``) is the trade
network's check (:mod:`simulator.model.network`), not this module's.  Every
problem found is reported, each with its ``file:line:column``, in one
:class:`~simulator.errors.InputError`.

Example
-------
>>> from simulator.io.dataset import load_dataset
>>> data = load_dataset()  # the embedded folder ``simulator/data``
>>> data.commodities["gallium"]["unit"]
't'
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from simulator.errors import InputError, Issue, Location
from simulator.io.files import read_input_file, unreadable_reason

__all__ = [
    "DEFAULT_RECIPE",
    "REGIONS",
    "CsvTable",
    "Dataset",
    "RowPlace",
    "load_dataset",
    "read_csv_table",
]

REGIONS: dict[str, str] = {"ROW": "rest of world"}
"""Non-ISO nodes the dataset uses: one rest-of-world node per commodity."""

SOURCE_COLUMN = "source"

Row = dict[str, object]
SourceKey = tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    """The rows of a dataset folder, typed; sources kept apart.

    Attributes
    ----------
    commodities : dict
        Commodity id → ``{"unit": str, "price_usd_per_unit": float,
        "value_at_risk_usd_per_unit": float, "carrying_cost_per_year": float}``.
    nodes : list of dict
        One per (commodity, country): ``commodity``, ``country`` (str) and
        ``production_per_year``, ``capacity_per_year``, ``demand_per_year``
        (units/yr), ``inventory_days`` (days of demand), all float.
    links : list of dict
        One per (commodity, exporter, importer): ``commodity``, ``from``,
        ``to`` (str), ``flow_per_year`` (units/yr; 0 for a potential route)
        and ``lead_time_days`` (float).
    stockpiles : list of dict
        Public stockpiles: ``country``, ``commodity``, ``holder`` (str),
        ``holding_days`` and ``target_days`` (float, or ``None`` where the
        figure is not public).
    recipes : list of dict
        One per (product, country, input): ``commodity`` (the product),
        ``country`` (``*`` for the commodity's default recipe), ``input``
        (str), ``per_unit`` (units of input per unit of product) and
        ``input_stock_days`` (days of input use the producer holds), float.
    sources : dict
        Row key → the row's ``source`` text.  Keys are the file stem followed
        by the row's key columns: ``("commodities", id)``,
        ``("nodes", commodity, country)``, ``("links", commodity, from, to)``,
        ``("stockpiles", country, commodity, holder)``,
        ``("recipes", commodity, country, input)``.
    regions : dict
        Region code → name for the non-ISO nodes used (``{"ROW": "rest of world"}``).
    """

    commodities: dict[str, dict[str, object]]
    nodes: list[dict[str, object]]
    links: list[dict[str, object]]
    stockpiles: list[dict[str, object]]
    sources: dict[SourceKey, str]
    regions: dict[str, str] = field(default_factory=lambda: dict(REGIONS))
    recipes: list[dict[str, object]] = field(default_factory=list)


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


_COMMODITIES = CsvTable(
    "commodities.csv",
    key=("id",),
    text=("id", "unit"),
    numbers=("price_usd_per_unit", "value_at_risk_usd_per_unit", "carrying_cost_per_year"),
)
_NODES = CsvTable(
    "nodes.csv",
    key=("commodity", "country"),
    text=("commodity", "country"),
    numbers=("production_per_year", "capacity_per_year", "demand_per_year", "inventory_days"),
)
_LINKS = CsvTable(
    "links.csv",
    key=("commodity", "from", "to"),
    text=("commodity", "from", "to"),
    numbers=("flow_per_year", "lead_time_days"),
)
_STOCKPILES = CsvTable(
    "stockpiles.csv",
    key=("country", "commodity", "holder"),
    text=("country", "commodity", "holder"),
    optional_numbers=("holding_days", "target_days"),
)
_RECIPES = CsvTable(
    "recipes.csv",
    key=("commodity", "country", "input"),
    text=("commodity", "country", "input"),
    numbers=("per_unit", "input_stock_days"),
    optional_file=True,
)

DEFAULT_RECIPE = "*"
"""The ``country`` of a ``recipes.csv`` row that gives the commodity's default recipe."""


def load_dataset(folder: Path | None = None) -> Dataset:
    """Read a dataset folder; ``None`` reads the embedded one (``simulator/data``).

    Parameters
    ----------
    folder : pathlib.Path or None
        A folder holding the CSV files in the layout described in the
        module docstring.

    Returns
    -------
    Dataset
        The typed rows and their sources.

    Raises
    ------
    simulator.errors.InputError
        When a file is missing or unreadable, a column is missing or
        unexpected, a text cell is empty, a number cell is not a finite
        non-negative number, or a row repeats another's key.  Every problem
        is listed, each located as ``file:line:column``.
    """
    root: Traversable = files("simulator.data") if folder is None else folder
    issues: list[Issue] = []
    sources: dict[SourceKey, str] = {}
    tables = {
        table.stem: read_csv_table(root, table, sources, issues)
        for table in (_COMMODITIES, _NODES, _LINKS, _STOCKPILES, _RECIPES)
    }
    if issues:
        raise InputError(issues)
    commodities = {str(row.pop("id")): row for row in tables["commodities"]}
    return Dataset(
        commodities=commodities,
        nodes=tables["nodes"],
        links=tables["links"],
        stockpiles=tables["stockpiles"],
        sources=sources,
        recipes=tables["recipes"],
    )


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
    header_issues = _header_issues(table, header, RowPlace(name, 1, _field_columns(lines[0])))
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
        columns = _field_columns(lines[line - 1]) if line <= len(lines) else [1]
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


def _field_columns(line: str) -> list[int]:
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
