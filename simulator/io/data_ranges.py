"""Plausible ranges of the dataset's estimates: ``uncertainty.csv``, read and checked.

The embedded dataset fixes every figure at one value.  Where that value is an
estimate or an assumption (an importer's stock in days, a producer's spare
capacity, the lead time of a route nobody uses yet, a value at risk), the
long-format file ``simulator/data/uncertainty.csv`` gives it a range: one row
per figure, naming the figure by the dataset file (``table``), its key columns
and its column (``field``), with ``low``, ``central`` (the dataset's own value),
``high``, a ``shape`` and the ``source`` of the range (its reason; see
``SOURCES.md``, "Uncertain figures").  Figures read straight from a source
have no row and stay fixed.

Rows are checked against the dataset: the figure must exist, ``central`` must
equal the dataset's value (so a range cannot drift from the figure it
qualifies), ``low <= central <= high`` with ``low < high``, and the range must
keep the figure valid (capacity never below production, lead times of at
least a day).  Every problem is reported as ``file:line:column``.

Example
-------
>>> ranges = load_ranges()
>>> japan = next(r for r in ranges if r.label == "data.gallium.JPN.inventory_days")
>>> (japan.low, japan.central, japan.high, japan.shape)
(30.0, 180.0, 200.0, 'triangular')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Literal

import numpy as np
import numpy.typing as npt

from simulator.errors import Issue
from simulator.io.dataset import Dataset, load_dataset
from simulator.io.sourced_rows import (
    SourcedRow,
    check_numbers,
    check_sourced_rows,
    empty_source,
    read_sourced_file,
    wrong_field_count,
)

__all__ = ["RANGES_FILE", "SHAPES", "DataRange", "load_ranges"]

RANGES_FILE = "uncertainty.csv"
"""The file of ranges in a dataset folder."""

SHAPES: tuple[str, ...] = ("uniform", "triangular")
"""Shapes a range may have; ``triangular`` peaks at the central value."""

Shape = Literal["uniform", "triangular"]
FloatArray = npt.NDArray[np.float64]

_COLUMNS = ("table", "commodity", "country", "from", "to", "field")
_NUMBERS = ("low", "central", "high")
_HEADER = (*_COLUMNS, *_NUMBERS, "shape", "source")
_KEYS: dict[str, tuple[str, ...]] = {
    "commodities": ("commodity",),
    "nodes": ("commodity", "country"),
    "links": ("commodity", "from", "to"),
}
_FIELDS: dict[str, tuple[str, ...]] = {
    "commodities": ("price_usd_per_unit", "value_at_risk_usd_per_unit", "carrying_cost_per_year"),
    "nodes": ("capacity_per_year", "inventory_days"),
    "links": ("lead_time_days",),
}
"""Fields that may carry a range.  Production, demand and flows may not: the
baseline must balance, and they are read from sources or close the balance."""


@dataclass(frozen=True)
class DataRange:
    """The plausible range of one figure of the dataset.

    Attributes
    ----------
    table : str
        ``commodities``, ``nodes``, ``links`` or ``market`` (a commodity's
        market figure, from ``market.csv``: :func:`simulator.io.market_merge.market_ranges`).
    key : tuple of str
        The figure's row: ``(commodity,)``, ``(commodity, country)`` or
        ``(commodity, from, to)``.
    field : str
        The column, e.g. ``inventory_days``.
    low, central, high : float
        The range and the dataset's own value.
    shape : str
        ``uniform`` on ``[low, high]``, or ``triangular`` with its mode at ``central``.
    source : str
        Why this range (see ``SOURCES.md``).
    """

    table: str
    key: tuple[str, ...]
    field: str
    low: float
    central: float
    high: float
    shape: Shape
    source: str = ""

    @property
    def commodity(self) -> str:
        """The commodity the figure belongs to."""
        return self.key[0]

    @property
    def label(self) -> str:
        """The figure's name: ``data.gallium.JPN.inventory_days``,
        ``data.gallium.AUS-KOR.lead_time_days``, ``data.gallium.value_at_risk_usd_per_unit``,
        ``data.gallium.market.demand_elasticity``.

        Summary columns are ``u.<label>``.
        """
        if self.table == "links":
            middle = [self.key[0], f"{self.key[1]}-{self.key[2]}"]
        elif self.table == "market":
            middle = [self.key[0], "market"]
        else:
            middle = list(self.key)
        return ".".join(["data", *middle, self.field])

    def ppf(self, u: npt.ArrayLike) -> FloatArray:
        """The values at quantiles ``u`` (in [0, 1]) of the range's distribution.

        Examples
        --------
        >>> r = DataRange("nodes", ("gallium", "KOR"), "inventory_days", 15, 30, 60, "triangular")
        >>> [round(float(v), 6) for v in r.ppf([0.0, 1 / 3, 1.0])]  # mode at 1/3 of the width
        [15.0, 30.0, 60.0]
        """
        q = np.asarray(u, dtype=float)
        width = self.high - self.low
        if self.shape == "uniform":
            return np.asarray(self.low + q * width, dtype=float)
        c = (self.central - self.low) / width
        from scipy import stats  # imported here: scipy.stats is slow to import

        return np.asarray(stats.triang.ppf(q, c, loc=self.low, scale=width), dtype=float)


def load_ranges(
    folder: Traversable | None = None, dataset: Dataset | None = None
) -> list[DataRange]:
    """Read and check ``uncertainty.csv`` (default: the embedded one).

    Parameters
    ----------
    folder : Traversable, optional
        A dataset folder; None reads ``simulator/data``.  A folder without the
        file has no ranges.
    dataset : Dataset, optional
        The dataset the ranges qualify (default: read from ``folder``).

    Returns
    -------
    list of DataRange
        In file order.

    Raises
    ------
    simulator.errors.InputError
        Every problem found, located as ``file:line:column``.
    """
    found = read_sourced_file(folder, RANGES_FILE)
    if found is None:
        return []
    name, text = found
    data = dataset if dataset is not None else load_dataset(None if folder is None else folder)  # type: ignore[arg-type]
    values = _dataset_values(data)
    return check_sourced_rows(
        name,
        text,
        _HEADER,
        "uncertainty",
        lambda sourced: _check_row(sourced, values),
        lambda r: (r.table, *r.key, r.field),
        lambda r: (f"duplicate range for {r.label}", "table"),
    )


def _dataset_values(data: Dataset) -> dict[tuple[str, ...], dict[str, object]]:
    rows: dict[tuple[str, ...], dict[str, object]] = {}
    for commodity, row in data.commodities.items():
        rows[("commodities", commodity)] = row
    for row in data.nodes:
        rows[("nodes", str(row["commodity"]), str(row["country"]))] = row
    for row in data.links:
        rows[("links", str(row["commodity"]), str(row["from"]), str(row["to"]))] = row
    return rows


def _check_row(
    sourced: SourcedRow, values: dict[tuple[str, ...], dict[str, object]]
) -> DataRange | list[Issue]:
    """The row as a range, or the problems found in it."""
    miscounted = wrong_field_count(sourced, _HEADER)
    if miscounted is not None:
        return [miscounted]
    cells, path, locate = sourced.cells, sourced.path, sourced.locate
    table = cells["table"]
    if table not in _KEYS:
        return [
            Issue(
                (*path, "table"),
                f"expected one of {', '.join(_KEYS)}, found {table!r}",
                locate("table"),
            )
        ]
    issues: list[Issue] = []
    key_columns = _KEYS[table]
    for column in ("commodity", "country", "from", "to"):
        wanted = column in key_columns
        if wanted and not cells[column]:
            issues.append(
                Issue(
                    (*path, column),
                    f"expected a {column} for a {table} row, found an empty cell",
                    locate(column),
                )
            )
        if not wanted and cells[column]:
            issues.append(
                Issue(
                    (*path, column),
                    f"expected an empty cell for a {table} row, found {cells[column]!r}",
                    locate(column),
                )
            )
    field = cells["field"]
    if field not in _FIELDS[table]:
        issues.append(
            Issue(
                (*path, "field"),
                f"expected one of {', '.join(_FIELDS[table])} for a {table} row, found {field!r}",
                locate("field"),
            )
        )
    shape = cells["shape"]
    if shape not in SHAPES:
        issues.append(
            Issue(
                (*path, "shape"),
                f"expected one of {', '.join(SHAPES)}, found {shape!r}",
                locate("shape"),
            )
        )
    unsourced = empty_source(sourced, "the range's reason")
    if unsourced is not None:
        issues.append(unsourced)
    numbers, unreadable = check_numbers(sourced, _NUMBERS, non_negative=True)
    issues += unreadable
    if issues:
        return issues
    key = tuple(cells[c] for c in key_columns)
    row = values.get((table, *key))
    if row is None:
        return [Issue(path, f"no row {', '.join(key)} in {table}.csv", locate("commodity"))]
    low, central, high = numbers["low"], numbers["central"], numbers["high"]
    figure = float(row[field])  # type: ignore[arg-type]
    if not math.isclose(central, figure, rel_tol=1e-9, abs_tol=1e-12):
        issues.append(
            Issue(
                (*path, "central"),
                f"expected {figure:g}, the value in {table}.csv, found {central:g}",
                locate("central"),
            )
        )
    if not low <= central <= high or not low < high:
        issues.append(
            Issue(
                (*path, "low"),
                f"expected low <= central <= high and low < high,"
                f" found {low:g}, {central:g}, {high:g}",
                locate("low"),
            )
        )
    if field == "capacity_per_year" and low < float(row["production_per_year"]):  # type: ignore[arg-type]
        issues.append(
            Issue(
                (*path, "low"),
                "expected capacity never below production"
                f" {row['production_per_year']}, found low {low:g}",
                locate("low"),
            )
        )
    if field == "lead_time_days" and low < 1:
        issues.append(
            Issue(
                (*path, "low"),
                f"expected lead times of at least 1 day, found {low:g}",
                locate("low"),
            )
        )
    if issues:
        return issues
    return DataRange(table, key, field, low, central, high, shape, cells["source"])  # type: ignore[arg-type]
