"""The day-by-day metrics of a run's rows, compiled with numba: the records read in place.

:func:`series_metrics` computes, for every series (a column of a
commodity's ``days × countries`` records, or of the coalitions' summed
series), what a dozen NumPy expressions of :mod:`simulator.analysis.metrics`
give: the sums of shortfall, demand and daily shortfall rate over the days,
the peak rate, the lowest inventory, the days with shortfall, the first of
them and the last day of low fill.  It reads the records day by day, a day's
row of every series at once, where the run wrote them: no ``rows × days``
copy, and one call instead of some twenty NumPy calls a replication.

Each number is the one NumPy gives, to the bit (a NaN is a NaN: which of
two NaNs an addition keeps is not specified, in NumPy or in numba):

- element-wise values use the same IEEE operations (numba is not asked for
  fast math);
- a sum over days is NumPy's: ``add.reduce`` starts from 0 and adds numpy's
  ``pairwise_sum`` of the days (below 8 values, one by one; up to 128, eight
  interleaved partial sums; above, the two halves, the first rounded down
  to a multiple of 8).  ``tests/test_metric_kernel.py`` checks the sums
  against ``numpy.sum`` on series of many lengths, so a NumPy that sums
  otherwise fails there;
- maxima and minima propagate NaN, as ``numpy.max`` and ``numpy.min`` do.

Loaded by :mod:`simulator.analysis.metric_columns` only: the analysis of a
results folder never imports numba.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from simulator.analysis.metrics import EPS, RECOVERY_FILL_RATE

__all__ = [
    "FILL_RATE",
    "FLOAT_COLUMNS",
    "INT_COLUMNS",
    "LOST_DAYS",
    "MIN_COVERAGE",
    "PEAK_RATE",
    "SHORTAGE_DAYS",
    "SHORTFALL",
    "TTR",
    "TTR_MISSING",
    "TTS",
    "TTS_MISSING",
    "series_metrics",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SHORTFALL, FILL_RATE, PEAK_RATE, LOST_DAYS, MIN_COVERAGE = range(5)
"""Rows of :func:`series_metrics`'s ``floats``."""
FLOAT_COLUMNS = 5
SHORTAGE_DAYS, TTS, TTS_MISSING, TTR, TTR_MISSING = range(5)
"""Rows of :func:`series_metrics`'s ``ints`` (the ``_MISSING`` ones 1 where there is no value)."""
INT_COLUMNS = 5

_FLOOR = 1e-300
"""Demand below which a day's shortfall threshold is taken at this demand (as ``short_days``)."""
_BLOCK = 128
"""numpy's ``PW_BLOCKSIZE``: runs up to this long are summed with eight partial sums."""
_STACK = 192
"""Entries of the stacks of the pairwise tree: three per level of halving, at most 63 levels."""


@njit(cache=True, nogil=True, error_model="numpy")
def series_metrics(
    demand: FloatArray,
    shortfall: FloatArray,
    inventory: FloatArray,
    demand_per_day: FloatArray,
    shock_day: int,
    floats: FloatArray,
    ints: IntArray,
) -> None:  # pragma: no cover - compiled
    """Write the metrics of every series (column) of ``demand``, ``shortfall`` and ``inventory``.

    The days are read in order, each day's row of every series at once (the
    records are ``days × countries``, C-ordered).  The sums over days follow
    numpy's pairwise tree: above 128 days, the two halves (the first rounded
    down to a multiple of 8), summed separately and added; the blocks are
    met in day order, so a stack of the sums of halves not yet complete
    (``parts``) replaces the recursion.

    Parameters
    ----------
    demand, shortfall, inventory : numpy.ndarray
        ``days × series`` (a commodity's records, or coalitions' sums).
    demand_per_day : numpy.ndarray
        Each series' baseline demand.
    shock_day : int
        The day the shock starts, or -1 without one.
    floats, ints : numpy.ndarray
        ``FLOAT_COLUMNS × series`` and ``INT_COLUMNS × series``, written:

        - ``SHORTFALL``: ``sum_t s_t``; ``FILL_RATE``: 1 where
          ``sum_t d_t <= 0``, else ``1 - sum_t s_t / sum_t d_t``;
        - ``PEAK_RATE``, ``LOST_DAYS``: the maximum (at least 0) and the sum
          of the daily rates ``s_t / d_t`` (0 where ``d_t <= 0``);
        - ``MIN_COVERAGE``: the lowest inventory (``inf`` without days) over
          the baseline demand;
        - ``SHORTAGE_DAYS``: days with ``s_t > EPS * max(d_t, 1e-300)``;
        - ``TTS``: days from the shock to the first of them (0 if before),
          ``TTR``: to the day after the last with a fill rate
          ``1 - s_t / d_t`` below ``RECOVERY_FILL_RATE``; missing (1 in
          ``TTS_MISSING``, ``TTR_MISSING``) without a shock, without a short
          day (``TTS``), and when the last low day is the last day (``TTR``;
          without a low day it is 0).
    """
    days, width = demand.shape
    count = np.zeros(width, np.int64)
    first_short = np.full(width, -1, np.int64)
    last_low = np.full(width, -1, np.int64)
    peak = np.zeros(width)
    lowest = np.full(width, np.inf)
    rate = np.empty(width)
    partial = np.empty((3, 8, width))  # a block's eight partial sums: shortfall, demand, rate
    parts = np.empty((_STACK, 3, width))  # sums of blocks and halves not yet added
    starts = np.empty(_STACK, np.int64)  # halves still to sum; a size of -1: add the last two
    sizes = np.empty(_STACK, np.int64)
    top, done = 0, 0
    starts[0], sizes[0] = 0, days
    while top >= 0:
        start, size = starts[top], sizes[top]
        top -= 1
        if size < 0:  # both halves summed: add them
            done -= 1
            for q in range(3):
                for c in range(width):
                    parts[done - 1, q, c] = parts[done - 1, q, c] + parts[done, q, c]
            continue
        if size > _BLOCK:
            half = size // 2
            half -= half % 8
            sizes[top + 1] = -1
            starts[top + 2], sizes[top + 2] = start + half, size - half
            starts[top + 3], sizes[top + 3] = start, half  # the first half first
            top += 3
            continue
        # A block of at most 128 days: below 8, summed from 0 in order; else eight
        # partial sums over the days of each offset modulo 8, added as
        # ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)), then the last size % 8 days.
        end = start + size if size < 8 else start + size - size % 8
        if size < 8:
            parts[done] = 0.0
        for t in range(start, start + size):
            for c in range(width):  # the day's scan
                d = demand[t, c]
                s = shortfall[t, c]
                floor = d if (d > _FLOOR or d != d) else _FLOOR
                if s > EPS * floor:
                    count[c] += 1
                    if first_short[c] < 0:
                        first_short[c] = t
                r = 0.0
                if d > 0:
                    r = s / d
                    if 1.0 - r < RECOVERY_FILL_RATE:
                        last_low[c] = t
                rate[c] = r
                if peak[c] == peak[c] and (r != r or r > peak[c]):  # numpy.max: NaN wins
                    peak[c] = r
                v = inventory[t, c]
                if lowest[c] == lowest[c] and (v != v or v < lowest[c]):  # NaN wins
                    lowest[c] = v
            if size < 8 or t >= end:
                for c in range(width):
                    parts[done, 0, c] += shortfall[t, c]
                    parts[done, 1, c] += demand[t, c]
                    parts[done, 2, c] += rate[c]
            elif t < start + 8:
                k = t - start
                for c in range(width):
                    partial[0, k, c] = shortfall[t, c]
                    partial[1, k, c] = demand[t, c]
                    partial[2, k, c] = rate[c]
            else:
                k = (t - start) % 8
                for c in range(width):
                    partial[0, k, c] += shortfall[t, c]
                    partial[1, k, c] += demand[t, c]
                    partial[2, k, c] += rate[c]
            if size >= 8 and t == end - 1:  # the partial sums are complete
                for q in range(3):
                    for c in range(width):
                        parts[done, q, c] = (
                            (partial[q, 0, c] + partial[q, 1, c])
                            + (partial[q, 2, c] + partial[q, 3, c])
                        ) + (
                            (partial[q, 4, c] + partial[q, 5, c])
                            + (partial[q, 6, c] + partial[q, 7, c])
                        )
        done += 1
    for c in range(width):
        total_short = 0.0 + parts[0, 0, c]  # add.reduce starts from its identity
        total_demand = 0.0 + parts[0, 1, c]
        floats[SHORTFALL, c] = total_short
        floats[FILL_RATE, c] = 1.0 if total_demand <= 0 else 1.0 - total_short / total_demand
        floats[PEAK_RATE, c] = peak[c]
        floats[LOST_DAYS, c] = 0.0 + parts[0, 2, c]
        floats[MIN_COVERAGE, c] = lowest[c] / demand_per_day[c]
        first, low = first_short[c], last_low[c]
        ints[SHORTAGE_DAYS, c] = count[c]
        ints[TTS, c] = 0
        ints[TTS_MISSING, c] = 1
        ints[TTR, c] = 0
        ints[TTR_MISSING, c] = 1
        if shock_day >= 0:
            if first >= 0:
                ints[TTS, c] = max(first - shock_day, 0)
                ints[TTS_MISSING, c] = 0
            ints[TTR_MISSING, c] = 1 if low >= 0 and low == days - 1 else 0
            if low >= 0 and low != days - 1:
                ints[TTR, c] = max(low + 1 - shock_day, 0)
