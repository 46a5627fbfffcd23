"""Event times that may not happen within the horizon: time to survive and time to recover.

``tts_days`` is missing (null) when a country has **no shortfall** within the
horizon, and ``ttr_days`` is missing when it has **not recovered** by the
horizon.  A missing value is therefore not "unknown": it says the event time is
later than the horizon — a right-censored observation.  Averaging such columns
(dropping the nulls, or filling them with the horizon) would bias any mean, so
they are summarised here as survival curves instead:

- the Kaplan–Meier estimate ``S(t) = prod_{t_i <= t} (1 - d_i / n_i)``, with
  ``d_i`` the events at day ``t_i`` and ``n_i`` the replications still at risk
  (no event before ``t_i`` and not censored before ``t_i``).  Every censored
  replication here is censored at the same day (the end of the horizon, after
  every observed event), so the estimate is simply the empirical share
  ``S(t) = #{r : T_r > t} / n`` with the censored ``T_r`` counted as larger
  than any day in the horizon;
- the share of replications in which the event happens at all;
- the median event time ``min{t : S(t) <= 1/2}``, undefined (``None``) when
  fewer than half of the replications have the event;
- a paired probability that one policy does better than another, comparing
  replication by replication with the censored value ranked after every
  observed day (ordinal comparisons stay valid under common censoring).

For ``tts_days`` the event is the first shortfall and later is better; for
``ttr_days`` the event is recovery and sooner is better.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "EVENT_METRICS",
    "SurvivalCurve",
    "censored_p_better",
    "kaplan_meier",
]

FloatArray = npt.NDArray[np.float64]

EVENT_METRICS: dict[str, str] = {"tts_days": "shortfall", "ttr_days": "recovery"}
"""Metrics whose missing values mean "not within the horizon", with the event they time."""


@dataclass(frozen=True)
class SurvivalCurve:
    """A right-continuous step function ``S(t)`` of the share of replications without the event.

    ``days[i]`` are the distinct observed event days (ascending), ``survival[i]``
    is ``S`` from ``days[i]`` (inclusive) to ``days[i+1]`` (exclusive), and
    ``S(t) = 1`` before ``days[0]``.  ``at_risk[i]`` and ``events[i]`` are the
    ``n_i`` and ``d_i`` of the Kaplan–Meier product.
    """

    n: int
    n_events: int
    days: FloatArray
    survival: FloatArray
    at_risk: npt.NDArray[np.int64]
    events: npt.NDArray[np.int64]
    censor_day: float | None

    @property
    def share_with_event(self) -> float:
        """``n_events / n`` (NaN when there are no replications)."""
        return self.n_events / self.n if self.n else float("nan")

    @property
    def median_days(self) -> float | None:
        """``min{t : S(t) <= 0.5}``, or ``None`` when ``S`` stays above one half."""
        # The product of KM factors can land a rounding error above an exact 1/2.
        below = np.flatnonzero(self.survival <= 0.5 + 1e-12)
        return float(self.days[below[0]]) if below.size else None

    def at(self, day: float) -> float:
        """``S(day)``: the estimated share of replications whose event is later than ``day``."""
        k = int(np.searchsorted(self.days, day, side="right"))
        return 1.0 if k == 0 else float(self.survival[k - 1])


def _as_times(values: Sequence[float | None] | npt.ArrayLike) -> FloatArray:
    """Event times as floats, with NaN for the missing (censored) ones."""
    raw = [np.nan if v is None else v for v in np.asarray(values, dtype=object).ravel()]
    return np.asarray(raw, dtype=np.float64)


def kaplan_meier(
    times: Sequence[float | None] | npt.ArrayLike,
    censor_day: float | None = None,
    censor_days: npt.ArrayLike | None = None,
) -> SurvivalCurve:
    """Kaplan–Meier estimate of ``S(t) = P(T > t)`` from event times with missing = censored.

    Parameters
    ----------
    times
        One event time per replication (days since the shock); ``None`` or NaN
        when the event did not happen within the horizon.
    censor_day
        The day (since the shock) at which the horizon ends, the common
        censoring time of every missing value; ``None`` when unknown, meaning
        "after every observed event".
    censor_days
        Per-replication censoring days instead of one common ``censor_day``
        (NaN entries fall back to ``censor_day``).

    Returns
    -------
    SurvivalCurve
        ``S(t) = prod_{t_i <= t} (1 - d_i / n_i)`` at each distinct event day
        ``t_i``; a replication censored at ``c`` is at risk for ``t_i <= c``.

    Examples
    --------
    Five replications: first shortfall on days 3, 3 and 10, none in the other two.

    >>> curve = kaplan_meier([3, None, 10, 3, None], censor_day=365)
    >>> curve.days.tolist(), curve.survival.tolist()
    ([3.0, 10.0], [0.6, 0.4])
    >>> curve.median_days
    10.0
    """
    t = _as_times(times)
    observed = ~np.isnan(t)
    common = np.inf if censor_day is None else float(censor_day)
    censor = np.full(t.shape, common)
    if censor_days is not None:
        per = np.asarray(censor_days, dtype=np.float64).ravel()
        censor = np.where(np.isnan(per), common, per)
    # A replication's follow-up ends at its event or at its censoring day.
    follow = np.where(observed, t, censor)
    days = np.unique(t[observed])
    at_risk = np.array([int((follow >= d).sum()) for d in days], dtype=np.int64)
    events = np.array([int((t[observed] == d).sum()) for d in days], dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        factors = np.where(at_risk > 0, 1.0 - events / np.maximum(at_risk, 1), 1.0)
    survival = np.cumprod(factors) if days.size else np.zeros(0)
    return SurvivalCurve(
        n=int(t.size),
        n_events=int(observed.sum()),
        days=days.astype(np.float64),
        survival=survival.astype(np.float64),
        at_risk=at_risk,
        events=events,
        censor_day=censor_day,
    )


def censored_p_better(
    variant: Sequence[float | None] | npt.ArrayLike,
    baseline: Sequence[float | None] | npt.ArrayLike,
    later_is_better: bool,
) -> float:
    """Paired share of replications in which the variant's event time is better, ties half.

    A missing time ranks after every observed day (the event is beyond the
    horizon), so ``p = mean_r [ 1{v_r better than b_r} + 1/2 * 1{v_r = b_r} ]``
    with two missing values counting as a tie.

    >>> censored_p_better([5, None, 2, None], [3, 4, 2, None], later_is_better=True)
    0.75
    """
    v = np.nan_to_num(_as_times(variant), nan=np.inf)
    b = np.nan_to_num(_as_times(baseline), nan=np.inf)
    if v.size == 0:
        return float("nan")
    better = v > b if later_is_better else v < b
    return float(np.mean(better + 0.5 * (v == b)))
