"""Licensing counts what is already approved: hand-derived cases on the base case.

Base case (``scenario_factory.base_dict``): CHN ships 1 unit/day to KOR, lead
10 days; KOR consumes 1/day and holds 30 days.  Licensing from day 50 for
ever, every licence approved after exactly ``W`` processing days.

The order-up-to rule (``tau = 1``) orders ``1 + T - X`` where the position
``X`` counts stock, transit, waiting requests and licences approved today.
The target ``T = 30 + 10 + LT`` adds the licence pipeline
``LT(t) = min(t - 50, W)`` (baseline flow times the processing time, built up
over ``W`` days).  As long as nothing is lost, the position after ordering
and consuming is the day's target, so the next day's order is
``1 + T(t + 1) - T(t)``: 1 on day 50, 2 on days 51..50 + W, 1 afterwards.
Counting approved quantities in the position on their day is what keeps it
so: otherwise the order of each approval day asks again for what was just
approved.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenario_factory import base_dict, run, series, shock

TOL = 1e-9
HORIZON = 365
DAYS = np.arange(HORIZON)


def _licensing(processing_days: int, approval: float = 1.0, capacity: float = 365.0) -> dict:
    licence = {"processing_days": processing_days, "approval_probability": approval}
    return base_dict(chn_capacity=capacity, shocks=[shock("licensing", licence=licence)])


def test_zero_processing_days_ship_the_same_day() -> None:
    """W = 0 and certain approval: each request is approved and ships on its own day.

    Nothing differs from the baseline: KOR receives and consumes 1/day and
    holds 30 every day (a hidden one-day delay would leave it 29 from day 60).
    """
    result, rows = run(_licensing(0))
    np.testing.assert_allclose(series(result, "imports_shipped", "KOR"), 1.0, atol=TOL)
    np.testing.assert_allclose(series(result, "inventory", "KOR"), 30.0, atol=TOL)
    assert rows["KOR"]["shortfall"] == pytest.approx(0.0, abs=TOL)


def test_zero_processing_days_denied_at_once_is_a_ban() -> None:
    """W = 0, approval probability 0: every request is denied on its day.

    Nothing leaves from day 50, as under a ban with no alternative supplier:
    KOR is short 1/day from day 90, 275 units.
    """
    result, rows = run(_licensing(0, approval=0.0))
    np.testing.assert_allclose(series(result, "imports_shipped", "KOR")[50:], 0.0, atol=TOL)
    assert rows["KOR"]["shortfall"] == pytest.approx(275.0, abs=TOL)
    assert rows["KOR"]["tts_days"] == 40


def test_short_review_with_spare_capacity_settles_back_at_target() -> None:
    """W = 10 < 30 days of stock; CHN capacity 2/day (1/day spare).

    Orders (see the module docstring): 1 on day 50, 2 on days 51..60, 1 from
    day 61.  Each is approved and ships W = 10 days later (CHN serves 2 from
    its spare capacity): shipments 0 on days 50..59, 1 on day 60, 2 on days
    61..70, 1 from day 71; arrivals 10 days after that.  KOR ends day 59 at
    30, falls to 20 at the end of day 69, holds 20 on day 70, regains 1/day
    on days 71..80 and is back at 30 from the end of day 80 for good: no
    shortfall, minimum coverage 20.
    """
    result, rows = run(_licensing(10, capacity=730.0))
    shipped = series(result, "imports_shipped", "KOR")
    expected = np.select(
        [DAYS < 50, DAYS < 60, DAYS == 60, DAYS <= 70], [1.0, 0.0, 1.0, 2.0], default=1.0
    )
    np.testing.assert_allclose(shipped, expected, atol=TOL)
    inventory = series(result, "inventory", "KOR")
    np.testing.assert_allclose(inventory[69:71], 20.0, atol=TOL)
    np.testing.assert_allclose(inventory[71:81], 21.0 + np.arange(10), atol=TOL)
    np.testing.assert_allclose(inventory[80:], 30.0, atol=TOL)
    assert rows["KOR"]["shortfall"] == pytest.approx(0.0, abs=TOL)
    assert rows["KOR"]["min_coverage_days"] == pytest.approx(20.0, abs=TOL)


def test_short_review_without_spare_capacity_settles_w_days_below_target() -> None:
    """W = 10, CHN at capacity (1/day): the 10 days without shipments are never made up.

    CHN ships 0 on days 50..59 and 1/day from day 60 (what KOR asks above 1
    cannot be served and is lost), so 1/day arrives from day 70.  KOR ends
    day 69 at 20 and stays there: no shortfall, settled at 30 - W = 20.
    """
    result, rows = run(_licensing(10))
    shipped = series(result, "imports_shipped", "KOR")
    np.testing.assert_allclose(shipped[50:60], 0.0, atol=TOL)
    np.testing.assert_allclose(shipped[60:], 1.0, atol=TOL)
    np.testing.assert_allclose(series(result, "inventory", "KOR")[69:], 20.0, atol=TOL)
    assert rows["KOR"]["shortfall"] == pytest.approx(0.0, abs=TOL)


@pytest.mark.parametrize("capacity", [365.0, 730.0])
def test_long_review_runs_out_of_stock_for_the_uncovered_days(capacity: float) -> None:
    """W = 45 > 30 days of stock, with (2/day) and without (1/day) spare capacity.

    Nothing ships on days 50..94; the request of day 50 ships on day 95 and
    arrives on day 105.  KOR's 30 units cover days 60..89: short 1/day on
    days 90..104, 15 units, whatever the spare capacity (tts 40, ttr 55).

    Settled state.  Without spare capacity CHN ships 1/day for good: the 45
    days without shipments, less the 30 days of stock, are the shortfall, and
    the stock never rebuilds (0 from day 89 on).  With spare capacity the
    position returns to its target, 30 + 10 + 45: the pipeline then holds 10
    days in transit and 45 days of waiting requests at 1/day, so the stock
    settles at 30.
    """
    result, rows = run(_licensing(45, capacity=capacity))
    short = np.flatnonzero(series(result, "shortfall", "KOR") > TOL)
    assert short.tolist() == list(range(90, 105))
    kor = rows["KOR"]
    assert kor["shortfall"] == pytest.approx(15.0, abs=TOL)
    assert kor["tts_days"] == 40
    assert kor["ttr_days"] == 55
    inventory = series(result, "inventory", "KOR")
    if capacity == 365.0:
        np.testing.assert_allclose(inventory[89:], 0.0, atol=TOL)
    else:
        np.testing.assert_allclose(inventory[-60:], 30.0, atol=TOL)
