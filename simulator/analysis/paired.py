"""Statistics of paired samples: intervals, win probabilities and tail losses.

Two policies run on the same replications with the same random draws
(common random numbers) give paired outcomes ``X_r(v)`` and ``X_r(b)``; their
differences ``D_r = X_r(v) - X_r(b)`` carry the comparison.  Pure functions on
arrays, each with its formula:

- :func:`paired_t_interval` — ``D̄ ± t_{n-1, (1+c)/2} · s_D / √n``;
- :func:`bootstrap_interval` — the BCa bootstrap interval of the mean of ``D``;
- :func:`p_better` — the share of replications on which the variant is better,
  ties counted half, in the metric's :class:`Direction`;
- :func:`outcome_shares` — the shares better, equal and worse (ties reported);
- :func:`cvar` — the mean of the worst ``1 - level`` share of outcomes;
- :func:`probability_best` — the probability that each of several variants has
  the best mean, by resampling whole replications.
"""

from __future__ import annotations

import enum
import math

import numpy as np
import numpy.typing as npt

from simulator.analysis.bootstrap import bca_mean_interval
from simulator.analysis.sweep import mean_interval

__all__ = [
    "CVAR_LEVEL",
    "LOSS_METRICS",
    "METRIC_DIRECTIONS",
    "Direction",
    "bootstrap_interval",
    "cvar",
    "outcome_shares",
    "p_better",
    "paired_t_interval",
    "probability_best",
]

FloatArray = npt.NDArray[np.float64]


class Direction(enum.Enum):
    """Which way a metric improves."""

    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"


METRIC_DIRECTIONS: dict[str, Direction] = {
    "shortfall": Direction.LOWER,
    "fill_rate": Direction.HIGHER,
    "tts_days": Direction.HIGHER,
    "ttr_days": Direction.LOWER,
    "peak_shortfall_rate": Direction.LOWER,
    "shortage_days": Direction.LOWER,
    "lost_days": Direction.LOWER,
    "economic_loss_usd": Direction.LOWER,
    "min_coverage_days": Direction.HIGHER,
    "stockpile_cost_usd": Direction.LOWER,
    "released": Direction.NONE,
    "transfers_in": Direction.NONE,
    "transfers_out": Direction.NONE,
    "loans_outstanding": Direction.NONE,
    "pool_level": Direction.NONE,
    "pool_drawn": Direction.NONE,
    "pool_paid": Direction.LOWER,
    "demand_forgone": Direction.LOWER,
    "price_cost_usd": Direction.LOWER,
    "peak_price_ratio": Direction.LOWER,
    "mean_price_ratio": Direction.LOWER,
}
"""Direction of improvement of every metric of :data:`~simulator.analysis.metrics.METRICS`."""

LOSS_METRICS: tuple[str, ...] = ("shortfall", "economic_loss_usd", "lost_days")
"""Metrics whose upper tail is summarised by CVaR."""

CVAR_LEVEL = 0.95
"""Level of the CVaR reported for loss metrics: the mean of the worst 5 %."""


def paired_t_interval(diff: npt.ArrayLike, confidence: float = 0.95) -> tuple[float, float]:
    """Paired-t interval of the mean difference: ``D̄ ± t_{n-1, (1+c)/2} · s_D / √n``.

    ``(nan, nan)`` with fewer than two pairs.
    """
    return mean_interval(diff, confidence)


def bootstrap_interval(
    diff: npt.ArrayLike,
    confidence: float = 0.95,
    *,
    rng: np.random.Generator,
    n_resamples: int = 2000,
) -> tuple[float, float]:
    """BCa bootstrap interval of the mean of the paired differences ``D_r``.

    Resamples replications (whole pairs): the interval of
    ``scipy.stats.bootstrap(method="BCa")``, computed by
    :func:`~simulator.analysis.bootstrap.bca_mean_interval` without importing
    :mod:`scipy.stats`.  All-equal differences give the degenerate interval
    ``(D, D)``; ``(nan, nan)`` with fewer than two pairs, and NaN for an end
    where BCa is undefined.
    """
    d = np.asarray(diff, dtype=np.float64)
    if d.size < 2:
        return (math.nan, math.nan)
    if float(np.ptp(d)) == 0.0:
        return (float(d[0]), float(d[0]))
    return bca_mean_interval(d, confidence, rng=rng, n_resamples=n_resamples)


def p_better(diff: npt.ArrayLike, direction: Direction) -> float | None:
    """Share of replications on which the variant is better, ties half.

    ``p = (1/n) Σ_r [1{D_r > 0} + ½·1{D_r = 0}]`` when higher is better
    (``D_r < 0`` when lower is better); ``None`` for metrics without a direction.
    """
    d = np.asarray(diff, dtype=np.float64)
    if direction is Direction.NONE:
        return None
    if d.size == 0:
        return math.nan
    wins = d > 0 if direction is Direction.HIGHER else d < 0
    return float(np.mean(wins + 0.5 * (d == 0)))


def outcome_shares(diff: npt.ArrayLike, direction: Direction) -> tuple[float, float, float] | None:
    """Shares of replications on which the variant is better, equal and worse.

    ``(P(better), P(equal), P(worse))``, summing to 1: with ``D_r`` the paired
    differences, ``(1/n)·#{D_r > 0}``, ``(1/n)·#{D_r = 0}``, ``(1/n)·#{D_r < 0}``
    when higher is better (the signs swap when lower is better).  Unlike
    :func:`p_better`, ties are reported, not split: a policy that changes
    nothing on most replications shows a large P(equal).  ``None`` for metrics
    without a direction; NaNs for no pairs.

    >>> outcome_shares([1.0, 0.0, -1.0, 2.0], Direction.LOWER)
    (0.25, 0.25, 0.5)
    """
    d = np.asarray(diff, dtype=np.float64)
    if direction is Direction.NONE:
        return None
    if d.size == 0:
        return (math.nan, math.nan, math.nan)
    up, down = float(np.mean(d > 0)), float(np.mean(d < 0))
    equal = float(np.mean(d == 0))
    return (up, equal, down) if direction is Direction.HIGHER else (down, equal, up)


def cvar(values: npt.ArrayLike, level: float = CVAR_LEVEL) -> float:
    """Mean of the worst ``1 - level`` share of replications (largest losses).

    With the values sorted worst first, ``x_(0) >= x_(1) >= …`` and the tail mass
    ``k = (1 - level)·n`` replications,
    ``CVaR = (1/k) [Σ_{i < ⌊k⌋} x_(i) + (k - ⌊k⌋)·x_(⌊k⌋)]``: the expected loss in
    the worst ``1 - level`` of the empirical distribution (a fractional
    replication counts in part).  ``k < 1`` gives the worst value.

    >>> cvar(range(1, 21))   # 20 replications: the worst 5 % is one value
    20.0
    >>> round(cvar(range(1, 31)), 12)   # k = 1.5: (30 + 0.5·29) / 1.5
    29.666666666667
    """
    x = np.sort(np.asarray(values, dtype=np.float64))[::-1]
    if x.size == 0:
        return math.nan
    k = round((1.0 - level) * x.size, 9)
    if k <= 0:
        return float(x[0])
    whole = math.floor(k)
    if whole >= x.size:
        return float(x.mean())
    return float((x[:whole].sum() + (k - whole) * x[whole]) / k)


def probability_best(
    values: npt.ArrayLike,
    direction: Direction,
    *,
    rng: np.random.Generator,
    n_resamples: int = 2000,
) -> FloatArray:
    """Probability that each column (variant) has the best mean, by paired bootstrap.

    ``values`` is ``n × V`` (replications × variants).  Each of ``B`` resamples
    draws ``n`` replication indices with replacement, the same for every
    variant, computes the ``V`` means and gives the win to the best (shared
    equally on a tie); ``p_best = wins / B``.
    """
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0 or direction is Direction.NONE:
        return np.full(x.shape[-1] if x.ndim == 2 else 0, np.nan)
    index = rng.integers(0, x.shape[0], size=(n_resamples, x.shape[0]))
    means = _resample_means(x, index)
    score = means if direction is Direction.HIGHER else -means
    winners = score == score.max(axis=1, keepdims=True)
    shares = winners / winners.sum(axis=1, keepdims=True)
    return np.asarray(shares.mean(axis=0), dtype=np.float64)


def _resample_means(x: FloatArray, index: npt.NDArray[np.int64]) -> FloatArray:
    """``B × V``: per resample (a row of ``index``) and column of ``x``, the mean of the
    drawn rows.

    Each sum is taken in the order of the draws, ``x[i₁] + x[i₂] + …`` — the
    order in which ``x[index].mean(axis=1)`` adds for two or more columns, so
    the means are the same to the last bit — one column at a time, which is
    several times faster than gathering whole rows of ``x``.
    """
    drawn = np.ascontiguousarray(index.T)  # row k: the k-th draw of every resample
    sums = np.empty((index.shape[0], x.shape[1]), dtype=np.float64)
    for column in range(x.shape[1]):
        values = x[:, column][drawn]
        total = values[0].copy()
        for row in values[1:]:
            total += row
        sums[:, column] = total
    return np.asarray(sums / x.shape[0], dtype=np.float64)
