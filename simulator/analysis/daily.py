"""Daily trajectories of a run as a table (for Parquet files, fan charts and notebooks)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from simulator.engine.records import CommodityRecords, RunResult

__all__ = ["DAILY_COLUMNS", "daily_table"]

DAILY_COLUMNS: tuple[str, ...] = (
    "replication",
    "day",
    "country",
    "commodity",
    "demand",
    "consumption",
    "shortfall",
    "coverage_days",
    "fill_rate",
    "inventory",
    "strategic",
    "pool",
    "released",
    "transfers_in",
    "transfers_out",
    "loans_outstanding",
    "demand_forgone",
    "price",
    "purchase_cost_usd",
)

_SUMMED = DAILY_COLUMNS[4:7] + DAILY_COLUMNS[9:17]
"""Columns that are quantities: a group's value is the sum of its members'."""


def daily_table(
    result: RunResult, every: int = 1, groups: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """One row per day (every ``every``-th day, from day 0) × importer × commodity.

    Countries without demand are left out.  With ``groups`` (e.g. the
    scenario's coalitions), each group with importing members gets rows too:
    its quantities are the members' sums, its ``coverage_days`` the members'
    inventory over their baseline demand, its ``fill_rate`` their consumption
    over their demand, and transfers between members cancel out.
    ``coverage_days`` is end-of-day commercial inventory in days of baseline
    demand; ``fill_rate`` is ``consumption / demand`` of the day; ``price`` the
    world price per unit of the day (the same for every country);
    ``purchase_cost_usd`` the price times what left for the country that day
    (its imports and its own producers' supply).
    """
    if every < 1:
        raise ValueError(f"expected every >= 1, found {every}")
    frames = []
    for commodity, rec in result.records.items():
        days = np.arange(0, rec.days, every)
        importers = np.flatnonzero(rec.demand_per_day > 0)
        if importers.size == 0 or days.size == 0:
            continue
        names = [rec.countries[i] for i in importers]
        bought = rec.bought()[days]
        columns = [_series(rec, days, [int(i)], bought) for i in importers]
        for name, members in (groups or {}).items():
            index = [rec.countries.index(c) for c in members if c in rec.countries]
            index = [i for i in index if rec.demand_per_day[i] > 0]
            if index:
                names.append(name)
                columns.append(_series(rec, days, index, bought))
        frame = pd.DataFrame(
            {
                key: np.concatenate([c[key] for c in columns])
                for key in (*_SUMMED, "coverage_days", "fill_rate", "purchase_cost_usd")
            }
        )
        frame.insert(0, "replication", result.replication)
        frame.insert(1, "day", np.tile(days, len(names)))
        frame.insert(2, "country", np.repeat(np.array(names, dtype=object), days.size))
        frame.insert(3, "commodity", commodity)
        frame["price"] = np.tile(rec.price[days], len(names))
        frames.append(frame[list(DAILY_COLUMNS)])
    if not frames:
        return pd.DataFrame(columns=list(DAILY_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def _series(
    rec: CommodityRecords,
    days: npt.NDArray[np.int64],
    members: list[int],
    bought: npt.NDArray[np.float64],
) -> dict[str, npt.NDArray[np.float64]]:
    """The daily columns of one country (or the sums over a group of them).

    ``bought`` is :meth:`CommodityRecords.bought` on ``days``.
    """
    out: dict[str, npt.NDArray[np.float64]] = {}
    for name in _SUMMED:
        out[name] = rec.arrays[name][np.ix_(days, members)].sum(axis=1)
    if len(members) > 1:
        out["transfers_in"] = np.zeros(days.size)
        out["transfers_out"] = np.zeros(days.size)
        out["loans_outstanding"] = np.zeros(days.size)
    out["purchase_cost_usd"] = bought[:, members].sum(axis=1) * rec.price[days]
    baseline = float(rec.demand_per_day[members].sum())
    out["coverage_days"] = out["inventory"] / baseline
    demand = out["demand"]
    out["fill_rate"] = np.divide(
        out["consumption"], demand, out=np.ones(days.size), where=demand > 0
    )
    return out
