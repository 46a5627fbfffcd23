"""Resilience metrics of one run as columns: every importer, then every coalition, per commodity.

:func:`metric_columns` computes the numbers of
:func:`simulator.analysis.metrics.metrics_table` (which builds its rows from
them) as one NumPy array per metric over all rows of a run, without a dict
per row, so that a batch packs them straight into Arrow arrays
(:mod:`simulator.experiments.tasks`).

The formulas are those of the ``calc_*`` functions of
:mod:`simulator.analysis.metrics`, applied to all rows of a commodity at
once.  Each daily series becomes a row of a C-ordered ``rows × days`` matrix
(an importer's own series, or a coalition's: the sum of its members'), so
every sum over the days runs over the same values in the same order as the
one-row version and gives the same number; the arithmetic on the sums is
the same IEEE operations in the same order, element by element.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from simulator.analysis.market_metrics import MARKET_METRICS, calc_price_ratios, market_columns
from simulator.analysis.metric_kernel import FIRST_SHORT, LAST_LOW, SHORTAGE_DAYS, scan_days
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

    def stacked(name: str) -> FloatArray:
        """``rows × days``: the importers' series, then the coalitions'."""
        own: FloatArray = a[name].T[importers]
        return np.concatenate([own, np.stack(series[name])]) if members else own

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
    values = _daily_metrics(
        stacked("demand"), stacked("shortfall"), stacked("inventory"), demand_per_day, shock_day
    )
    missing = {name: values.pop(f"{name}_missing") for name in NULLABLE_METRICS}
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
    d: FloatArray,
    s: FloatArray,
    inventory: FloatArray,
    demand_per_day: FloatArray,
    shock_day: int | None,
) -> dict[str, npt.NDArray[Any]]:
    """The metrics read from each row's demand ``d``, shortfall ``s`` and inventory, day by day.

    ``tts_days_missing`` and ``ttr_days_missing`` say where those have no value.
    """
    rows, days = d.shape
    rate = np.empty_like(d)
    scan = np.empty((rows, 3), np.int64)
    scan_days(d, s, rate, scan)  # the daily rates and the days that count, in one pass
    shortfall = s.sum(axis=1)
    demand = d.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        fill_rate = np.where(demand <= 0, 1.0, 1.0 - shortfall / demand)
    tts = np.zeros(rows, np.int64)
    ttr = np.zeros(rows, np.int64)
    no_tts = np.ones(rows, np.bool_)
    no_ttr = np.ones(rows, np.bool_)
    if shock_day is not None:
        first_short, last_low = scan[:, FIRST_SHORT], scan[:, LAST_LOW]
        no_tts = first_short < 0
        tts = np.where(no_tts, 0, np.maximum(first_short - shock_day, 0))
        # Recovered within the horizon unless the fill rate is still low on the last day.
        any_low = last_low >= 0
        no_ttr = any_low & (last_low == days - 1)
        ttr = np.where(any_low & ~no_ttr, np.maximum(last_low + 1 - shock_day, 0), 0)
    return {
        "shortfall": shortfall,
        "fill_rate": fill_rate,
        "tts_days": tts,
        "tts_days_missing": no_tts,
        "ttr_days": ttr,
        "ttr_days_missing": no_ttr,
        "peak_shortfall_rate": rate.max(axis=1, initial=0.0),
        "shortage_days": scan[:, SHORTAGE_DAYS].copy(),
        "lost_days": rate.sum(axis=1),
        "min_coverage_days": np.min(inventory, axis=1, initial=np.inf) / demand_per_day,
    }


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
