"""The compiled day scan of the metrics gives what the NumPy expressions give, element by element.

:func:`simulator.analysis.metric_kernel.scan_days` replaces
``short_days`` (``s > EPS * np.maximum(d, 1e-300)``), the daily rates
``np.where(d > 0, s / d, 0.0)`` and the low-fill days
``np.where(d > 0, 1 - s / d, 1.0) < RECOVERY_FILL_RATE``.  On random matrices
with zeros of both signs, NaN, infinities, negative values and values at the
thresholds, its rates must equal NumPy's bit for bit, and its counts and
first and last days those of the boolean matrices.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.analysis.metric_kernel import FIRST_SHORT, LAST_LOW, SHORTAGE_DAYS, scan_days
from simulator.analysis.metrics import RECOVERY_FILL_RATE, short_days

SPECIAL = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-300, 1e-310, 1.0, 10.0, 1e-8, 1e-9, 0.01, 0.1]
SHARES = [0.0, 1e-9, 0.5, *(0.01 + k * np.spacing(0.01) for k in range(-3, 12))]
"""Shortfall as a share of demand: around the fill rate's threshold, ulp by ulp."""
VALUES = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(SPECIAL)


@st.composite
def _matrices(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    rows = draw(st.integers(0, 4))
    days = draw(st.integers(0, 12))
    cells = st.lists(VALUES, min_size=rows * days, max_size=rows * days)
    demand = np.array(draw(cells), np.float64).reshape(rows, days)
    shortfall = np.array(draw(cells), np.float64).reshape(rows, days)
    if draw(st.booleans()) and demand.size:  # shortfall a share of demand, near the thresholds
        shares = st.lists(st.sampled_from(SHARES), min_size=demand.size, max_size=demand.size)
        share = np.array(draw(shares)).reshape(demand.shape)
        with np.errstate(invalid="ignore"):  # inf * 0
            shortfall = demand * share
    return demand, shortfall


@settings(max_examples=300, deadline=None)  # the first example may compile
@given(data=st.data())
def test_scan_equals_the_numpy_expressions(data: st.DataObject) -> None:
    d, s = data.draw(_matrices())
    rows = d.shape[0]
    rate = np.full_like(d, 7.0)
    scan = np.full((rows, 3), 99, np.int64)
    scan_days(d, s, rate, scan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        want_rate = np.where(d > 0, s / d, 0.0)
        low = np.where(d > 0, 1.0 - s / d, 1.0) < RECOVERY_FILL_RATE
    short = short_days(d, s)
    assert rate.tobytes() == want_rate.tobytes()  # NaN and the sign of zero included
    for k in range(rows):
        short_at, low_at = np.flatnonzero(short[k]), np.flatnonzero(low[k])
        assert scan[k, SHORTAGE_DAYS] == short_at.size
        assert scan[k, FIRST_SHORT] == (short_at[0] if short_at.size else -1)
        assert scan[k, LAST_LOW] == (low_at[-1] if low_at.size else -1)


def test_hand_made_days() -> None:
    """Demand 8 on four days, 0 on the fifth; shortfall 0, 4, 2**-30, 1/8, 3.

    Day 1 is short (4 > EPS * 8) and low (fill 0.5); day 2 is neither (2**-30,
    about 9.3e-10, is under EPS * 8); day 3 is short and low (fill 1 - 1/64
    < 0.99); day 4 has no demand: its rate is 0, its 3 units short count
    (3 > EPS * 1e-300), but no fill rate is low.
    """
    d = np.array([[8.0, 8.0, 8.0, 8.0, 0.0]])
    s = np.array([[0.0, 4.0, 2.0**-30, 0.125, 3.0]])
    rate = np.empty_like(d)
    scan = np.empty((1, 3), np.int64)
    scan_days(d, s, rate, scan)
    assert rate.tolist() == [[0.0, 0.5, 2.0**-33, 1 / 64, 0.0]]
    assert scan.tolist() == [[3, 1, 3]]
