"""Market parameters of the embedded dataset: ``market.csv``, read and checked.

The market the engine simulates (a daily price, demand that responds to it,
supply that responds to it, a loss valued per unit of a country's own
consumption: ``docs/model.md``, "Market") needs figures the network files do
not hold.  The
long-format file ``simulator/data/market.csv`` gives them, one row per figure:

``commodity, country, parameter, low, central, high, unit, flag, source``

``country`` is empty for a commodity-wide figure (an elasticity, a
substitution rate, a ramp time) and names a node of the commodity for a
per-producer or per-country one (a capacity utilisation, a country's own value
at risk, a figure of USGS Open-File Report 2024-1057).  ``flag`` is ``S`` (the
central value is read from a source) or ``E`` (an estimate: arithmetic shown
or an assumption, with a range; ``low < high``).  The meaning, unit, scope and
physical bounds of each parameter are in :data:`PARAMETERS`
(:mod:`simulator.io.market_parameters`, re-exported here); ``SOURCES.md``
("Market parameters") gives every source and derivation.

With ``data: builtin`` a scenario's ``market:`` takes the central values
(:func:`simulator.io.market_merge.merge_market`), and experiments sample their
ranges (:func:`simulator.io.market_merge.market_ranges`).  Every problem found
is reported as ``file:line:column``.

Example
-------
>>> market = load_market_parameters()
>>> market.get("rare_earth_oxides", "substitution_per_year").central
0.1
>>> round(market.value_at_risk("gallium", "USA").central / 1e6, 3)  # 3.46 x $3.1B / 16 t
670.375
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

from simulator.errors import Issue, did_you_mean
from simulator.io.dataset import Dataset, load_dataset
from simulator.io.market_parameters import (
    BY_COUNTRY,
    FLAGS,
    PARAMETERS,
    REQUIRED,
    ParameterSpec,
)
from simulator.io.sourced_rows import (
    SourcedRow,
    check_numbers,
    check_sourced_rows,
    empty_source,
    read_sourced_file,
    wrong_field_count,
)

__all__ = [
    "FLAGS",
    "MARKET_FILE",
    "PARAMETERS",
    "REQUIRED",
    "MarketParameter",
    "MarketParameters",
    "ParameterSpec",
    "load_market_parameters",
]

MARKET_FILE = "market.csv"
"""The file of market parameters in a dataset folder."""

_HEADER = ("commodity", "country", "parameter", "low", "central", "high", "unit", "flag", "source")
_NUMBERS = ("low", "central", "high")


@dataclass(frozen=True)
class MarketParameter:
    """One figure of ``market.csv``.

    Attributes
    ----------
    commodity : str
    country : str or None
        None for a commodity-wide figure.
    parameter : str
        A key of :data:`PARAMETERS`.
    low, central, high : float
    unit : str
    flag : str
        ``S`` or ``E``.
    source : str
    line : int
        The row's line in the file (for messages).
    """

    commodity: str
    country: str | None
    parameter: str
    low: float
    central: float
    high: float
    unit: str
    flag: str
    source: str
    line: int = 0

    @property
    def label(self) -> str:
        """``market.gallium.demand_elasticity`` or ``market.gallium.CHN.capacity_utilisation``."""
        middle = [self.commodity] if self.country is None else [self.commodity, self.country]
        return ".".join(["market", *middle, self.parameter])


@dataclass(frozen=True)
class MarketParameters:
    """The rows of ``market.csv``, in file order, with look-ups."""

    rows: tuple[MarketParameter, ...]

    def __iter__(self) -> Iterator[MarketParameter]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def find(
        self, commodity: str, parameter: str, country: str | None = None
    ) -> MarketParameter | None:
        """The row for ``(commodity, country, parameter)``, or None."""
        for row in self.rows:
            if (row.commodity, row.country, row.parameter) == (commodity, country, parameter):
                return row
        return None

    def get(self, commodity: str, parameter: str, country: str | None = None) -> MarketParameter:
        """The row for ``(commodity, country, parameter)``; KeyError if there is none."""
        row = self.find(commodity, parameter, country)
        if row is None:
            where = commodity if country is None else f"{commodity}, {country}"
            raise KeyError(f"no {parameter} for {where} in {MARKET_FILE}")
        return row

    def value_at_risk(self, commodity: str, country: str) -> MarketParameter:
        """The country's own value at risk per unit short, else the commodity default."""
        name = "value_at_risk_own_consumption_usd_per_unit"
        return self.find(commodity, name, country) or self.get(commodity, name)

    def missing(self, dataset: Dataset) -> list[str]:
        """What the dataset needs and the file lacks: a required parameter of a
        commodity, or the capacity utilisation of a producer with capacity."""
        have = {(r.commodity, r.country, r.parameter) for r in self.rows}
        gaps = [
            f"{commodity}: {name}"
            for commodity in dataset.commodities
            for name in REQUIRED
            if (commodity, None, name) not in have
        ]
        for node in dataset.nodes:
            commodity, country = str(node["commodity"]), str(node["country"])
            if float(node["capacity_per_year"]) > 0 and (  # type: ignore[arg-type]
                (commodity, country, "capacity_utilisation") not in have
            ):
                gaps.append(f"{commodity}, {country}: capacity_utilisation")
        return gaps


def load_market_parameters(
    folder: Traversable | Path | None = None, dataset: Dataset | None = None
) -> MarketParameters:
    """Read and check ``market.csv`` (default: the embedded one).

    Parameters
    ----------
    folder : Traversable or Path, optional
        A dataset folder; None reads ``simulator/data``.  A folder without the
        file has no market parameters (an empty result).
    dataset : Dataset, optional
        The dataset whose commodities and nodes the rows must name (default:
        read from ``folder``).

    Returns
    -------
    MarketParameters

    Raises
    ------
    simulator.errors.InputError
        Every problem found, located as ``file:line:column``.
    """
    found = read_sourced_file(folder, MARKET_FILE)
    if found is None:
        return MarketParameters(())
    name, text = found
    data = dataset if dataset is not None else load_dataset(None if folder is None else folder)  # type: ignore[arg-type]
    commodities = set(data.commodities)
    nodes = {(str(n["commodity"]), str(n["country"])) for n in data.nodes}
    rows = check_sourced_rows(
        name,
        text,
        _HEADER,
        "market",
        lambda row: _check_row(row, commodities, nodes),
        lambda p: (p.commodity, p.country, p.parameter),
        lambda p: (f"duplicate row for {p.label}", "parameter"),
        skip_blank=True,
    )
    return MarketParameters(tuple(rows))


def _check_row(
    row: SourcedRow, commodities: set[str], nodes: set[tuple[str, str]]
) -> MarketParameter | list[Issue]:
    """The row as a parameter, or the problems found in it."""
    miscounted = wrong_field_count(row, _HEADER)
    if miscounted is not None:
        return [miscounted]
    cells, path, locate = row.cells, row.path, row.locate
    issues: list[Issue] = []
    commodity, country, parameter = cells["commodity"], cells["country"], cells["parameter"]
    if commodity not in commodities:
        issues.append(
            Issue(
                (*path, "commodity"),
                f"unknown commodity {commodity!r}{did_you_mean(commodity, commodities)}",
                locate("commodity"),
            )
        )
    spec = PARAMETERS.get(parameter)
    if spec is None:
        issues.append(
            Issue(
                (*path, "parameter"),
                f"unknown parameter {parameter!r}{did_you_mean(parameter, PARAMETERS)}",
                locate("parameter"),
            )
        )
    else:
        if spec.scope == "commodity" and country and parameter not in BY_COUNTRY:
            issues.append(
                Issue(
                    (*path, "country"),
                    f"expected an empty country for {parameter}, a commodity-wide figure,"
                    f" found {country!r}",
                    locate("country"),
                )
            )
        if spec.scope == "country" and not country:
            issues.append(
                Issue(
                    (*path, "country"),
                    f"expected a country for {parameter}, found an empty cell",
                    locate("country"),
                )
            )
        if cells["unit"] != spec.unit:
            issues.append(
                Issue(
                    (*path, "unit"),
                    f"expected the unit {spec.unit!r} for {parameter}, found {cells['unit']!r}",
                    locate("unit"),
                )
            )
    if country and commodity in commodities and (commodity, country) not in nodes:
        issues.append(
            Issue(
                (*path, "country"),
                f"no node {commodity}, {country} in nodes.csv",
                locate("country"),
            )
        )
    if cells["flag"] not in FLAGS:
        issues.append(
            Issue(
                (*path, "flag"),
                f"expected one of {', '.join(FLAGS)}, found {cells['flag']!r}",
                locate("flag"),
            )
        )
    source = empty_source(row, "the figure's source")
    unsourced = [] if source is None else [source]
    numbers, unreadable = check_numbers(row, _NUMBERS)
    issues += unreadable
    if issues or spec is None:
        return issues + unsourced
    low, central, high = numbers["low"], numbers["central"], numbers["high"]
    if not low <= central <= high:
        issues.append(
            Issue(
                (*path, "low"),
                f"expected low <= central <= high, found {low:g}, {central:g}, {high:g}",
                locate("low"),
            )
        )
    if cells["flag"] == "E" and not low < high:
        issues.append(
            Issue(
                (*path, "high"),
                f"expected an estimate (flag E) to carry a range, low < high,"
                f" found {low:g}, {high:g}",
                locate("high"),
            )
        )
    for column in _NUMBERS:
        value = numbers[column]
        if not spec.minimum <= value <= spec.maximum:
            issues.append(
                Issue(
                    (*path, column),
                    f"expected {parameter} within [{spec.minimum:g}, {spec.maximum:g}],"
                    f" found {value:g}",
                    locate(column),
                )
            )
    if issues or unsourced:
        return issues + unsourced
    return MarketParameter(
        commodity,
        country or None,
        parameter,
        low,
        central,
        high,
        cells["unit"],
        cells["flag"],
        cells["source"],
        row.line,
    )
