"""The documented maximum of every input that drives a run's memory or time.

A scenario or experiment past one of these limits is refused when it is
validated, with the limit in the message, rather than allowed to run for
hours, to fill memory, or to overflow to infinity in the results.  The limits
are far above any real use (a lead time of ten years, a century simulated).

Day-valued quantities that may be random (lead times, delays, the day a
control takes effect) each have a :class:`DayRange`: the whole days a draw may
take.  A distribution whose support leaves its range is an error, unless it
says ``truncate: true`` (see :mod:`simulator.model.distributions`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "DAYS",
    "DELAY_DAYS",
    "INVESTMENT_DELAY_DAYS",
    "LEAD_TIME_DAYS",
    "MAX_BOOTSTRAP_RESAMPLES",
    "MAX_DAYS_OF_DEMAND",
    "MAX_DISTRIBUTION_PARAMETER",
    "MAX_HORIZON_DAYS",
    "MAX_LEAD_TIME_DAYS",
    "MAX_LOG_SIGMA",
    "MAX_PRICE_USD_PER_UNIT",
    "MAX_QUANTITY_PER_YEAR",
    "MAX_REPLICATIONS",
    "MAX_SWEEP_POINTS",
    "DayRange",
]

MAX_HORIZON_DAYS = 36_500
"""Longest horizon: a century of days."""

MAX_LEAD_TIME_DAYS = 3_650
"""Longest lead time or delay (links, transfers, pools, leakage, licences, decisions,
capacity expansion): ten years.  The engine's arrival calendars span the horizon
plus the longest lead time, so this bounds their memory."""

MAX_QUANTITY_PER_YEAR = 1e15
"""Largest flow, production, capacity or demand, in units per year."""

MAX_PRICE_USD_PER_UNIT = 1e12
"""Largest price or value at risk per unit.  With the quantity limit, every money
figure of a run (at most about 1e15 × 1e12 × 100 years) stays finite."""

MAX_DAYS_OF_DEMAND = 36_500.0
"""Largest stock expressed in days of demand (inventory targets, reserve sizes, floors)."""

MAX_DISTRIBUTION_PARAMETER = 1e15
"""Largest magnitude of a distribution's location or scale (mean, median, bounds, sd)."""

MAX_LOG_SIGMA = 10.0
"""Largest log-scale ``sigma`` of a log-normal (beyond it a draw may overflow)."""

MAX_REPLICATIONS = 10_000_000
"""Most replications per variant (scenario files, experiment files, ``--replications``)."""

MAX_SWEEP_POINTS = 100_000
"""Most points of a sweep (a grid's product of value counts, times the sample size)."""

MAX_BOOTSTRAP_RESAMPLES = 1_000_000
"""Most bootstrap resamples of a comparison."""


@dataclass(frozen=True, slots=True)
class DayRange:
    """The whole days a day-valued quantity may take: ``low … high`` (``high`` may be inf)."""

    low: float
    high: float
    what: str

    def describe(self) -> str:
        """``a lead time of 1 to 3650 days`` or ``a number of days >= 0``, for messages."""
        if math.isinf(self.high):
            return f"{self.what} >= {self.low:g}"
        return f"{self.what} of {self.low:g} to {self.high:g} days"

    def contains(self, low: float, high: float) -> bool:
        """Whether ``[low, high]`` lies within the range."""
        return low >= self.low and high <= self.high


LEAD_TIME_DAYS = DayRange(1, MAX_LEAD_TIME_DAYS, "a lead time")
"""A link's lead time: at least one day, at most :data:`MAX_LEAD_TIME_DAYS`."""

DELAY_DAYS = DayRange(0, MAX_LEAD_TIME_DAYS, "a delay")
"""A government's decision delay (reserves, pools): 0 … :data:`MAX_LEAD_TIME_DAYS`."""

INVESTMENT_DELAY_DAYS = DayRange(1, MAX_LEAD_TIME_DAYS, "an investment delay")
"""From the decision to invest to the first added capacity: 1 … :data:`MAX_LEAD_TIME_DAYS`."""

DAYS = DayRange(0, math.inf, "a number of days")
"""A day, a duration or a licence's processing time: >= 0.  Beyond the horizon
they are harmless (nothing happens after the last day), so unbounded above."""
