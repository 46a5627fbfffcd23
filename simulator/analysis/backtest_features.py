"""Features of an episode on a monthly grid, computed the same way from history and from a run.

Pure functions: daily or monthly series in, numbers out.  Conventions (the
same for history and model):

- **ratio** of a month: the month's flow per day over the pre-control
  average per day (history: the mean of the baseline window's records;
  model: the link's baseline flow).  A model month counts when at least half
  its days fall inside the horizon.
- **trough**: the first month, from the control month on, where the ratio is
  lowest, and that ratio (its *depth*) — over the months history has figures
  for, so both sides are read on the same months.
- **recovery**: the first of those months after the trough with a ratio of at
  least the replay's ``recovery_share``; ``None`` when there is none.
- **shortage**: the month of the first day a country's shortfall exceeds
  :data:`SHORTAGE_SHARE` of its daily demand; ``None`` when it never does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from simulator.io.history import TradeRecord
from simulator.model.calendar import Month

__all__ = [
    "SHORTAGE_SHARE",
    "Trough",
    "first_shortage_month",
    "history_baseline_per_day",
    "history_monthly_ratios",
    "model_monthly_ratios",
    "recovery_month",
    "trough",
]

FloatArray = npt.NDArray[np.float64]

SHORTAGE_SHARE = 0.01
"""A day counts as short when its shortfall exceeds this share of daily demand."""


@dataclass(frozen=True)
class Trough:
    """Month of the lowest ratio (the first one, on ties) and the ratio there."""

    month: Month
    depth: float


def history_baseline_per_day(records: Sequence[TradeRecord], first: Month, last: Month) -> float:
    """Pre-control average in tonnes per day from the records inside ``[first, last]``.

    ``Σ tonnes / Σ days`` over the records wholly inside the window; when one
    record spans the whole window it is used alone (a reported total is
    preferred to a sum of months that may be incomplete).

    >>> from simulator.io.history import TradeRecord
    >>> jan, dec = Month.parse("2022-01"), Month.parse("2022-12")
    >>> year = TradeRecord("e", "x", "CHN", "WLD", "export", jan, dec, 365.0, "reported", "s")
    >>> history_baseline_per_day([year], jan, dec)
    1.0
    """
    inside = [r for r in records if first <= r.start and r.end <= last]
    whole = [r for r in inside if r.start == first and r.end == last]
    chosen = whole[:1] or [r for r in inside if r.months == 1] or inside[:1]
    if not chosen:
        raise ValueError(f"no records inside the baseline window {first} … {last}")
    days = sum(_days(r.start, r.end) for r in chosen)
    return sum(r.tonnes for r in chosen) / days


def history_monthly_ratios(
    records: Sequence[TradeRecord], baseline_per_day: float
) -> dict[Month, float]:
    """Each one-month record's tonnes per day over the baseline per day."""
    return {r.start: r.tonnes / r.start.days / baseline_per_day for r in records if r.months == 1}


def model_monthly_ratios(
    daily: FloatArray, day0: date, baseline_per_day: float
) -> dict[Month, float]:
    """Mean daily flow of each calendar month over ``baseline_per_day``.

    ``daily[d]`` is the flow on day ``d`` (date ``day0 + d``).  Months with
    fewer than half their days inside the run are left out.

    >>> flows = np.array([2.0] * 31 + [1.0] * 20)   # July, then 20 days of August
    >>> r = model_monthly_ratios(flows, date(2023, 7, 1), 2.0)
    >>> [(str(m), v) for m, v in r.items()]
    [('2023-07', 1.0), ('2023-08', 0.5)]
    """
    months: dict[Month, list[float]] = {}
    for d, value in enumerate(daily):
        months.setdefault(Month.of(day0 + timedelta(days=d)), []).append(float(value))
    return {
        m: float(np.mean(values)) / baseline_per_day
        for m, values in months.items()
        if 2 * len(values) >= m.days
    }


def trough(ratios: Mapping[Month, float], months: Sequence[Month]) -> Trough | None:
    """The trough of ``ratios`` over ``months`` (those present in ``ratios``)."""
    present = [m for m in sorted(months) if m in ratios]
    if not present:
        return None
    lowest = min(present, key=lambda m: (ratios[m], m))
    return Trough(lowest, ratios[lowest])


def recovery_month(
    ratios: Mapping[Month, float], months: Sequence[Month], after: Month, share: float
) -> Month | None:
    """The first of ``months`` after ``after`` whose ratio is at least ``share``."""
    for m in sorted(months):
        if m > after and m in ratios and ratios[m] >= share:
            return m
    return None


def first_shortage_month(shortfall: FloatArray, demand: float, day0: date) -> Month | None:
    """Month of the first day with ``shortfall > SHORTAGE_SHARE * demand`` (``None``: never)."""
    if demand <= 0:
        return None
    short = np.flatnonzero(shortfall > SHORTAGE_SHARE * demand)
    if short.size == 0:
        return None
    return Month.of(day0 + timedelta(days=int(short[0])))


def _days(first: Month, last: Month) -> int:
    return sum((first + k).days for k in range(last - first + 1))
