"""Daily trajectories of a run as a table (for Parquet files, fan charts and notebooks)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.engine.records import RunResult

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
)


def daily_table(result: RunResult, every: int = 1) -> pd.DataFrame:
    """One row per day (every ``every``-th day, from day 0) × importing country × commodity.

    Countries without demand are left out.  ``coverage_days`` is end-of-day
    commercial inventory in days of baseline demand; ``fill_rate`` is
    ``consumption / demand`` of the day.
    """
    if every < 1:
        raise ValueError(f"expected every >= 1, found {every}")
    frames = []
    for commodity, rec in result.records.items():
        days = np.arange(0, rec.days, every)
        importers = np.flatnonzero(rec.demand_per_day > 0)
        if importers.size == 0 or days.size == 0:
            continue
        coverage = rec.coverage_days()[np.ix_(days, importers)]
        fill = rec.fill_rate()[np.ix_(days, importers)]
        columns: dict[str, object] = {
            "replication": result.replication,
            "day": np.repeat(days, importers.size),
            "country": np.tile(np.array(rec.countries, dtype=object)[importers], days.size),
            "commodity": commodity,
            "coverage_days": coverage.reshape(-1),
            "fill_rate": fill.reshape(-1),
        }
        for name in DAILY_COLUMNS[4:]:
            if name in columns:
                continue
            columns[name] = rec.arrays[name][np.ix_(days, importers)].reshape(-1)
        frames.append(pd.DataFrame(columns)[list(DAILY_COLUMNS)])
    if not frames:
        return pd.DataFrame(columns=list(DAILY_COLUMNS))
    return pd.concat(frames, ignore_index=True)
