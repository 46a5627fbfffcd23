"""The day-by-day part of the metrics of a run's rows, compiled with numba: one pass over the days.

:func:`scan_days` replaces a dozen NumPy passes over a commodity's
``rows × days`` matrices (shortage days, the first one, the last day of low
fill, the daily shortfall rates) with one compiled loop, so the cost per
replication is that of reading the days once.  Each value is the one the
NumPy expressions of :mod:`simulator.analysis.metrics` give, element by
element with the same IEEE operations; the sums over days stay in NumPy
(:mod:`simulator.analysis.metric_columns`), whose pairwise order this loop
does not reproduce.

Loaded by :mod:`simulator.analysis.metric_columns` only: the analysis of a
results folder never imports numba.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from simulator.analysis.metrics import EPS, RECOVERY_FILL_RATE

__all__ = ["FIRST_SHORT", "LAST_LOW", "SHORTAGE_DAYS", "scan_days"]

SHORTAGE_DAYS, FIRST_SHORT, LAST_LOW = 0, 1, 2
"""Columns of :func:`scan_days`'s ``scan``."""

_FLOOR = 1e-300
"""Demand below which a day's shortfall threshold is taken at this demand (as ``short_days``)."""


@njit(cache=True, nogil=True, error_model="numpy")
def scan_days(
    demand: npt.NDArray[np.float64],
    shortfall: npt.NDArray[np.float64],
    rate: npt.NDArray[np.float64],
    scan: npt.NDArray[np.int64],
) -> None:  # pragma: no cover - compiled
    """Fill ``rate`` and ``scan`` from each row's daily ``demand`` and ``shortfall``.

    Parameters
    ----------
    demand, shortfall : numpy.ndarray
        ``rows × days``, float64.
    rate : numpy.ndarray
        ``rows × days``, written: ``s_t / d_t`` where ``d_t > 0``, else 0
        (``np.where(d > 0, s / d, 0.0)``).
    scan : numpy.ndarray
        ``rows × 3``, int64, written: per row the number of days with
        shortfall (``short_days``: ``s_t > EPS * max(d_t, 1e-300)``, NaN
        demand kept as ``np.maximum`` keeps it), the first such day and the
        last day whose fill rate ``1 - s_t / d_t`` is below
        ``RECOVERY_FILL_RATE`` (only days with ``d_t > 0``); -1 where there
        is none.
    """
    rows, days = demand.shape
    for k in range(rows):
        count = 0
        first = -1
        last_low = -1
        for t in range(days):
            d = demand[k, t]
            s = shortfall[k, t]
            floor = d if (d > _FLOOR or d != d) else _FLOOR
            if s > EPS * floor:
                count += 1
                if first < 0:
                    first = t
            if d > 0:
                r = s / d
                rate[k, t] = r
                if 1.0 - r < RECOVERY_FILL_RATE:
                    last_low = t
            else:
                rate[k, t] = 0.0
        scan[k, SHORTAGE_DAYS] = count
        scan[k, FIRST_SHORT] = first
        scan[k, LAST_LOW] = last_low
