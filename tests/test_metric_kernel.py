"""The compiled day-by-day metrics give what the NumPy expressions give, to the bit.

:func:`simulator.analysis.metric_kernel.series_metrics` replaces, per
series, ``s.sum()``, ``d.sum()``, the fill rate, the daily rates
``np.where(d > 0, s / d, 0.0)`` with their maximum and sum, the lowest
inventory, ``short_days`` (``s > EPS * np.maximum(d, 1e-300)``) with its
count and first day, and the last day of low fill
(``np.where(d > 0, 1 - s / d, 1.0) < RECOVERY_FILL_RATE``).

- On random matrices with zeros of both signs, NaN, infinities, negative
  values and values at the thresholds, every value must equal NumPy's:
  the same bits for sums and element-wise values, the sign of zero
  included (a NaN equals any NaN: which of two NaNs an addition keeps is
  not specified).
- On long series of values of very different sizes, where the order of the
  additions shows in the last bits, its sums must be NumPy's pairwise sums:
  of the row of a C-ordered ``rows × days`` matrix and of a strided column,
  for lengths around each of numpy's block boundaries (8, 128, halves).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.analysis.metric_kernel import (
    FILL_RATE,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    LOST_DAYS,
    MIN_COVERAGE,
    PEAK_RATE,
    SHORTAGE_DAYS,
    SHORTFALL,
    TTR,
    TTR_MISSING,
    TTS,
    TTS_MISSING,
    series_metrics,
)
from simulator.analysis.metrics import RECOVERY_FILL_RATE, short_days

FloatArray = npt.NDArray[np.float64]

SPECIAL = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-300, 1e-310, 1.0, 10.0, 1e-8, 1e-9, 0.01, 0.1]
SHARES = [0.0, 1e-9, 0.5, *(0.01 + k * np.spacing(0.01) for k in range(-3, 12))]
"""Shortfall as a share of demand: around the fill rate's threshold, ulp by ulp."""
VALUES = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(SPECIAL)


def _run(
    demand: FloatArray,
    shortfall: FloatArray,
    inventory: FloatArray,
    per_day: FloatArray,
    shock: int,
) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    width = demand.shape[1]
    floats = np.full((FLOAT_COLUMNS, width), 7.0)
    ints = np.full((INT_COLUMNS, width), 99, np.int64)
    series_metrics(demand, shortfall, inventory, per_day, shock, floats, ints)
    return floats, ints


def _same_bits(got: FloatArray, want: FloatArray) -> bool:
    """Equal to the bit, the sign of zero included; any NaN equals any NaN.

    Which of two NaNs an addition returns is not specified (LLVM may swap
    the operands of an addition), so NaNs are compared as NaN.
    """
    a, b = np.asarray(got, np.float64), np.asarray(want, np.float64)
    a, b = np.where(np.isnan(a), np.nan, a), np.where(np.isnan(b), np.nan, b)
    return bool(a.tobytes() == b.tobytes())


@st.composite
def _series(draw: st.DrawFn) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, int]:
    days = draw(st.integers(0, 20))
    width = draw(st.integers(0, 4))
    cells = st.lists(VALUES, min_size=days * width, max_size=days * width)
    demand = np.array(draw(cells), np.float64).reshape(days, width)
    shortfall = np.array(draw(cells), np.float64).reshape(days, width)
    inventory = np.array(draw(cells), np.float64).reshape(days, width)
    if draw(st.booleans()) and demand.size:  # shortfall a share of demand, near the thresholds
        shares = st.lists(st.sampled_from(SHARES), min_size=demand.size, max_size=demand.size)
        share = np.array(draw(shares)).reshape(demand.shape)
        with np.errstate(invalid="ignore"):  # inf * 0
            shortfall = demand * share
    per_day = np.array(draw(st.lists(VALUES, min_size=width, max_size=width)), np.float64)
    shock = draw(st.integers(-1, 25))
    return demand, shortfall, inventory, per_day, shock


@settings(max_examples=300, deadline=None)  # the first example may compile
@given(case=_series())
def test_every_value_equals_the_numpy_expressions(
    case: tuple[FloatArray, FloatArray, FloatArray, FloatArray, int],
) -> None:
    demand, shortfall, inventory, per_day, shock = case
    days = demand.shape[0]
    floats, ints = _run(demand, shortfall, inventory, per_day, shock)
    d, s = np.ascontiguousarray(demand.T), np.ascontiguousarray(shortfall.T)  # rows × days
    with np.errstate(all="ignore"):  # NaN and infinities are among the values
        rate = np.where(d > 0, s / d, 0.0)
        low = np.where(d > 0, 1.0 - s / d, 1.0) < RECOVERY_FILL_RATE
        total_s, total_d = s.sum(axis=1), d.sum(axis=1)
        fill = np.where(total_d <= 0, 1.0, 1.0 - total_s / total_d)
        coverage = np.min(inventory.T, axis=1, initial=np.inf) / per_day
        lost = rate.sum(axis=1)
    assert _same_bits(floats[SHORTFALL], total_s)
    assert _same_bits(floats[FILL_RATE], fill)
    assert _same_bits(floats[LOST_DAYS], lost)
    np.testing.assert_array_equal(floats[PEAK_RATE], rate.max(axis=1, initial=0.0))
    np.testing.assert_array_equal(floats[MIN_COVERAGE], coverage)
    short = short_days(d, s)
    for k in range(d.shape[0]):
        short_at, low_at = np.flatnonzero(short[k]), np.flatnonzero(low[k])
        assert ints[SHORTAGE_DAYS, k] == short_at.size
        if shock < 0:  # no shock: neither has a value
            assert (ints[TTS, k], ints[TTS_MISSING, k], ints[TTR, k], ints[TTR_MISSING, k]) == (
                0,
                1,
                0,
                1,
            )
            continue
        if short_at.size:
            assert (ints[TTS, k], ints[TTS_MISSING, k]) == (max(short_at[0] - shock, 0), 0)
        else:
            assert (ints[TTS, k], ints[TTS_MISSING, k]) == (0, 1)
        if not low_at.size:  # never low: recovered at once
            assert (ints[TTR, k], ints[TTR_MISSING, k]) == (0, 0)
        elif low_at[-1] == days - 1:  # still low on the last day
            assert (ints[TTR, k], ints[TTR_MISSING, k]) == (0, 1)
        else:
            assert (ints[TTR, k], ints[TTR_MISSING, k]) == (max(low_at[-1] + 1 - shock, 0), 0)


LENGTHS = [0, 1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 135, 136, 137, 255, 256, 257, 264, 365]
LONG = [730, 1000, 3650, 8192, 8193, 20_000]


def test_sums_are_numpys_pairwise_sums() -> None:
    """Values of mixed sign and size: any other order of additions shows in the last bits.

    A sequential sum is checked to differ on the long series, so the test
    can tell the orders apart.
    """
    rng = np.random.default_rng(2026)
    for days in LENGTHS + LONG:
        width = 3
        values = rng.standard_normal((days, width)) * 10.0 ** rng.uniform(-6, 6, (days, width))
        demand = np.abs(values) + 1.0
        floats, _ = _run(demand, values, demand, np.ones(width), -1)
        rows = np.ascontiguousarray(values.T)
        assert _same_bits(floats[SHORTFALL], rows.sum(axis=1))
        assert _same_bits(floats[SHORTFALL], [values[:, c].sum() for c in range(width)])
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(demand > 0, values / demand, 0.0)
        assert _same_bits(floats[LOST_DAYS], np.ascontiguousarray(rate.T).sum(axis=1))
        if days >= 3650:
            sequential = [float(np.cumsum(values[:, c])[-1]) for c in range(width)]
            assert not _same_bits(floats[SHORTFALL], sequential)


def test_hand_made_days() -> None:
    """Demand 8 on four days, 0 on the fifth; shortfall 0, 4, 2**-30, 1/8, 3; shock on day 1.

    Day 1 is short (4 > EPS * 8) and low (fill 0.5); day 2 is neither (2**-30,
    about 9.3e-10, is under EPS * 8); day 3 is short and low (fill 1 - 1/64
    < 0.99); day 4 has no demand: its rate is 0, its 3 units short count
    (3 > EPS * 1e-300), but no fill rate is low.  So: 3 short days, the
    first on the shock's day (TTS 0), the last low on day 3 (TTR 3 + 1 - 1
    = 3); rates 0, 1/2, 2**-33, 1/64, 0 (peak 1/2); inventory at least 2,
    over a demand of 8 a day: 0.25 days.
    """
    d = np.array([[8.0, 8.0, 8.0, 8.0, 0.0]]).T
    s = np.array([[0.0, 4.0, 2.0**-30, 0.125, 3.0]]).T
    inventory = np.array([[9.0, 2.0, 5.0, 3.0, 4.0]]).T
    floats, ints = _run(d, s, inventory, np.array([8.0]), 1)
    assert floats[:, 0].tolist() == [
        4.0 + 2.0**-30 + 0.125 + 3.0,
        1.0 - (4.0 + 2.0**-30 + 0.125 + 3.0) / 32.0,
        0.5,
        0.5 + 2.0**-33 + 1 / 64,
        0.25,
    ]
    assert ints[:, 0].tolist() == [3, 0, 0, 3, 0]
