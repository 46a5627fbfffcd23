"""Resilience metrics of one run as columns: every importer, then every coalition, per commodity.

:func:`metric_columns` computes the numbers of
:func:`simulator.analysis.metrics.metrics_table` (which builds its rows from
them) as one NumPy array per metric over all rows of a run, without a dict
per row, so that a batch packs them straight into Arrow arrays
(:mod:`simulator.experiments.tasks`).

The formulas are those of the ``calc_*`` functions of
:mod:`simulator.analysis.metrics`, applied to all rows of a commodity at
once.  The metrics read day by day (:mod:`simulator.analysis.metric_kernel`)
come from the importers' columns of the records, read in place, and from
each coalition's series (the sum of its members'); every sum over the days
adds the same values in numpy's order, as the one-row version does, and
gives the same number; the arithmetic on the sums is the same IEEE
operations in the same order, element by element.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from simulator.analysis.market_metrics import MARKET_METRICS, calc_price_ratios, market_columns
from simulator.analysis.metric_kernel import (
    FILL_RATE,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    LOST_DAYS,
    MIN_COVERAGE,
    PEAK_RATE,
    SHORTAGE_DAYS,
    SHORTFALL,
    TTR,
    TTR_MISSING,
    TTS,
    TTS_MISSING,
    series_metrics,
)
from simulator.analysis.metrics import METRICS, committed_cost

if TYPE_CHECKING:  # annotations only: the analysis of results must not load the engine
    from simulator.engine.records import CommodityRecords, RunResult
    from simulator.model.scenario import Scenario

__all__ = ["INTEGER_METRICS", "NULLABLE_METRICS", "ROW_ORDER", "MetricColumns", "metric_columns"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

ROW_ORDER: tuple[str, ...] = (
    *(m for m in METRICS if m != "economic_loss_usd" and m not in MARKET_METRICS),
    "economic_loss_usd",
    *MARKET_METRICS,
)
"""The metrics in the order of a row's keys (after ``country, commodity, group``)."""

INTEGER_METRICS = frozenset({"shortage_days", "tts_days", "ttr_days"})
"""Metrics held as ``int64`` columns (whole days); the others are ``float64``."""

NULLABLE_METRICS: tuple[str, ...] = ("tts_days", "ttr_days")
"""Metrics that some rows have no value of (no shortfall, no recovery, no shock)."""

_SUMMED_SERIES = ("released", "transfers_in", "transfers_out", "pool_drawn", "stocked", "pool_paid")
"""Series summed over the days (0 without a policy: an importer's sums are then not computed)."""
_GROUP_SERIES = (
    "demand",
    "shortfall",
    "inventory",
    "released",
    "pool_drawn",
    "stocked",
    "pool_paid",
    "loans_outstanding",
    "pool",
)
"""Series a coalition's metrics read; its transfers are internal, so 0."""


@dataclass(frozen=True, eq=False)
class MetricColumns:
    """The metrics of a run's rows, one array per metric.

    Attributes
    ----------
    country : list of str
        Each row's country code, or coalition name.
    commodity : list of str
    group : numpy.ndarray of bool
        True for a coalition's row.
    values : dict
        Metric name (each of :data:`ROW_ORDER`) → its values, ``int64`` for
        :data:`INTEGER_METRICS`, else ``float64``.
    missing : dict
        Metric name (each of :data:`NULLABLE_METRICS`) → True where the row
        has no value (its entry in ``values`` is then 0).
    """

    country: list[str]
    commodity: list[str]
    group: BoolArray
    values: dict[str, npt.NDArray[Any]]
    missing: dict[str, BoolArray]

    def __len__(self) -> int:
        return len(self.country)

    def rows(self) -> list[dict[str, Any]]:
        """One dict per row: ``country, commodity, group``, then the metrics (None where missing).

        Values are Python ``int`` (whole days), ``float`` and ``bool``.
        """
        columns = [self.values[name].tolist() for name in ROW_ORDER]
        for name, where in self.missing.items():
            column = columns[ROW_ORDER.index(name)]
            for i in np.flatnonzero(where).tolist():
                column[i] = None
        keys = ("country", "commodity", "group", *ROW_ORDER)
        cells = zip(self.country, self.commodity, self.group.tolist(), *columns, strict=True)
        return [dict(zip(keys, row, strict=True)) for row in cells]

    @classmethod
    def concat(cls, parts: list[MetricColumns]) -> MetricColumns:
        """The rows of ``parts``, one after the other (none: no rows)."""
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return _empty()
        return cls(
            [c for part in parts for c in part.country],
            [c for part in parts for c in part.commodity],
            np.concatenate([part.group for part in parts]),
            {name: np.concatenate([part.values[name] for part in parts]) for name in ROW_ORDER},
            {
                name: np.concatenate([part.missing[name] for part in parts])
                for name in NULLABLE_METRICS
            },
        )


def _empty() -> MetricColumns:
    return MetricColumns(
        [],
        [],
        np.zeros(0, np.bool_),
        {n: np.zeros(0, np.int64 if n in INTEGER_METRICS else np.float64) for n in ROW_ORDER},
        {n: np.zeros(0, np.bool_) for n in NULLABLE_METRICS},
    )


def metric_columns(result: RunResult, scenario: Scenario) -> MetricColumns:
    """Every metric for every importing country × commodity, then for every coalition.

    The rows of :func:`~simulator.analysis.metrics.metrics_table`, in the
    same order and with the same numbers, as columns.
    """
    parts = [
        _commodity_columns(rec, commodity, scenario, result.shock_start_day.get(commodity))
        for commodity, rec in result.records.items()
    ]
    return MetricColumns.concat([part for part in parts if len(part)])


def _coalitions(scenario: Scenario, rec: CommodityRecords) -> list[tuple[str, list[int]]]:
    """Each coalition with members that import this commodity: its name and their indices."""
    found = []
    for name, members in scenario.coalitions.items():
        idx = [rec.countries.index(c) for c in members if c in rec.countries]
        idx = [i for i in idx if rec.demand_per_day[i] > 0]
        if idx:
            found.append((name, idx))
    return found


def _commodity_columns(
    rec: CommodityRecords, commodity: str, scenario: Scenario, shock_day: int | None
) -> MetricColumns:
    """The rows of one commodity: its importers, then its coalitions."""
    importers = np.flatnonzero(rec.demand_per_day > 0)
    groups = _coalitions(scenario, rec)
    if importers.size == 0 and not groups:
        return _empty()
    a = rec.arrays
    members = [idx for _, idx in groups]
    # A coalition's series are the sums of its members', as one-row metrics sum them.
    series = {
        name: [
            np.zeros(rec.days) if name in rec.unwritten else a[name][:, idx].sum(axis=1)
            for idx in members
        ]
        for name in _GROUP_SERIES
    }

    def per_row(values: FloatArray, sums: list[float] | list[np.float64]) -> FloatArray:
        """An array over countries, taken at the importers, then ``sums`` for the coalitions."""
        own = values[importers]
        return np.concatenate([own, np.array(sums, np.float64)]) if members else own

    spec = scenario.commodities[commodity]
    days = rec.days
    totals = {}
    for name in _SUMMED_SERIES:  # (a series the run never wrote is 0: see rec.unwritten)
        written = name not in rec.unwritten and a[name].any()
        own = a[name].T[importers].sum(axis=1) if written else np.zeros(importers.size)
        group_sums = [s.sum() for s in series[name]] if name in series else [0.0] * len(members)
        totals[name] = np.concatenate([own, group_sums]) if members else own
    if days and not {"loans_outstanding", "pool"} <= rec.unwritten:
        last = {
            name: per_row(a[name][days - 1], [s[-1] for s in series[name]])
            for name in ("loans_outstanding", "pool")
        }
    else:
        last = {
            name: np.zeros(importers.size + len(members)) for name in ("loans_outstanding", "pool")
        }
    reserve = per_row(rec.reserve_size, [rec.reserve_size[idx].sum() for idx in members])
    pool = per_row(rec.pool_size, [rec.pool_size[idx].sum() for idx in members])
    demand_per_day = per_row(rec.demand_per_day, [rec.demand_per_day[idx].sum() for idx in members])
    price, carrying = spec.price_usd_per_unit, spec.carrying_cost_per_year
    values, missing = _daily_metrics(a, importers, series, demand_per_day, shock_day)
    values.update(
        stockpile_cost_usd=committed_cost(reserve + pool, totals["stocked"], price, carrying, days),
        released=totals["released"],
        transfers_in=totals["transfers_in"],
        transfers_out=totals["transfers_out"],
        loans_outstanding=last["loans_outstanding"],
        pool_level=last["pool"],
        pool_drawn=totals["pool_drawn"],
        pool_paid=committed_cost(pool, totals["pool_paid"], price, carrying, days),
    )
    market = market_columns(rec, _values_at_risk(scenario, rec), spec.loss_exponent)
    for name, column in market.items():
        values[name] = per_row(column, [column[idx].sum() for idx in members])
    rows = importers.size + len(members)
    peak, mean = calc_price_ratios(rec.price, rec.base_price)
    values["peak_price_ratio"] = np.full(rows, peak)
    values["mean_price_ratio"] = np.full(rows, mean)
    names = [rec.countries[i] for i in importers.tolist()] + [name for name, _ in groups]
    group = np.zeros(rows, np.bool_)
    group[importers.size :] = True
    return MetricColumns(names, [commodity] * rows, group, values, missing)


def _daily_metrics(
    a: dict[str, FloatArray],
    importers: IntArray,
    series: dict[str, list[FloatArray]],
    demand_per_day: FloatArray,
    shock_day: int | None,
) -> tuple[dict[str, npt.NDArray[Any]], dict[str, BoolArray]]:
    """The metrics read day by day: the importers' from the records ``a``, then the coalitions'.

    :func:`~simulator.analysis.metric_kernel.series_metrics` reads every
    country's column of the records in place (the importers' are kept), then
    the coalitions' summed ``series``.  ``demand_per_day`` is per row.
    Returns the values and, for :data:`NULLABLE_METRICS`, where there is none.
    """
    shock = -1 if shock_day is None else shock_day
    width = a["demand"].shape[1]
    per_day = np.ones(width)  # a non-importer's coverage is computed, then dropped
    per_day[importers] = demand_per_day[: importers.size]
    floats = np.empty((FLOAT_COLUMNS, width))
    ints = np.empty((INT_COLUMNS, width), np.int64)
    series_metrics(a["demand"], a["shortfall"], a["inventory"], per_day, shock, floats, ints)
    floats, ints = floats[:, importers], ints[:, importers]
    if series["demand"]:
        groups = len(series["demand"])
        demand, shortfall, inventory = (  # days × coalitions
            np.stack(series[n], axis=1) for n in ("demand", "shortfall", "inventory")
        )
        group_floats = np.empty((FLOAT_COLUMNS, groups))
        group_ints = np.empty((INT_COLUMNS, groups), np.int64)
        group_per_day = demand_per_day[importers.size :]
        series_metrics(demand, shortfall, inventory, group_per_day, shock, group_floats, group_ints)
        floats = np.concatenate([floats, group_floats], axis=1)
        ints = np.concatenate([ints, group_ints], axis=1)
    values: dict[str, npt.NDArray[Any]] = {
        "shortfall": floats[SHORTFALL],
        "fill_rate": floats[FILL_RATE],
        "tts_days": ints[TTS],
        "ttr_days": ints[TTR],
        "peak_shortfall_rate": floats[PEAK_RATE],
        "shortage_days": ints[SHORTAGE_DAYS],
        "lost_days": floats[LOST_DAYS],
        "min_coverage_days": floats[MIN_COVERAGE],
    }
    missing = {"tts_days": ints[TTS_MISSING] == 1, "ttr_days": ints[TTR_MISSING] == 1}
    return values, missing


def _values_at_risk(scenario: Scenario, rec: CommodityRecords) -> FloatArray:
    """Each country's value at risk per unit short: its node's own, else the commodity's."""
    values = np.full(
        len(rec.countries), scenario.commodities[rec.commodity].value_at_risk_usd_per_unit
    )
    where = {c: i for i, c in enumerate(rec.countries)}
    for node in scenario.network.nodes:
        own = node.value_at_risk_usd_per_unit
        if node.commodity == rec.commodity and own is not None and node.country in where:
            values[where[node.country]] = own
    return values
