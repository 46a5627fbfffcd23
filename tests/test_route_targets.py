"""Inventory targets follow the routes actually used (hand-derived).

The pipeline part of an importer's order-up-to target is its baseline import
flow ``F`` times the lead time of the routes now carrying its shipments,
weighted by what each carries (``docs/model.md``, step 2).  At baseline that
is ``Σ f·L``; after rerouting to a longer route the importer holds more in
transit and its stock still returns to its inventory target.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenario_factory import ban, base_dict, link, node, run, series

TOL = 1e-9
DAYS = np.arange(365)


def _ban_with_australia(capacity: float, lead: int) -> dict:
    scenario = base_dict(shocks=[ban()])
    scenario["network"]["nodes"].append(
        node("AUS", production_per_year=0.0, capacity_per_year=capacity)
    )
    scenario["network"]["links"].append(link("AUS", "KOR", 0.0, lead))
    return scenario


def test_rerouting_to_a_longer_route_settles_at_the_inventory_target() -> None:
    """Ban from day 50; AUS (capacity 2/day, no other buyer) on a 30-day route.

    Day 50: KOR's request (1) is cut and rerouted to AUS, which ships it; the
    day's shipments all travel 30 days, so KOR's pipeline target becomes
    1/day x 30 = 30 and its order-up-to target 30 + 30 = 60.
    Day 51: position = stock 31 + transit 9 (8 from CHN, 1 from AUS) = 40, so
    KOR orders 1 + 60 - 40 = 21; AUS serves 2 (its capacity) and the position
    rises by 1 a day: orders are served 2/day on days 51..70 (on day 70 the
    order is exactly 2) and 1/day from day 71.
    Arrivals: CHN's last on day 59; AUS's 1 on day 80, 2/day on days 81..100,
    1/day from day 101.  Stock: 30 at the end of day 59, down 1/day to 10 on
    day 79, 10 on day 80, up 1/day to 30 on day 100, then 30 for good.  No
    shortfall; minimum coverage 10.  (With the baseline 10-day pipeline in the
    target, KOR would settle at 30 - (30 - 10) = 10.)
    """
    result, rows = run(_ban_with_australia(730.0, 30))
    shipped = series(result, "production", "AUS")
    expected = np.select([DAYS < 50, DAYS == 50, DAYS <= 70], [0.0, 1.0, 2.0], default=1.0)
    np.testing.assert_allclose(shipped, expected, atol=TOL)
    inventory = series(result, "inventory", "KOR")
    np.testing.assert_allclose(inventory[60:80], 29.0 - np.arange(20), atol=TOL)
    assert inventory[80] == pytest.approx(10.0, abs=TOL)
    np.testing.assert_allclose(inventory[81:101], 11.0 + np.arange(20), atol=TOL)
    np.testing.assert_allclose(inventory[100:], 30.0, atol=TOL)
    assert rows["KOR"]["shortfall"] == pytest.approx(0.0, abs=TOL)
    assert rows["KOR"]["min_coverage_days"] == pytest.approx(10.0, abs=TOL)


def test_a_supplier_with_no_spare_capacity_leaves_the_longer_pipeline_unfilled() -> None:
    """As above with AUS capacity 1/day: KOR wants the longer pipeline but cannot get it.

    AUS ships 1/day from day 50, arriving from day 80; KOR falls to 10 on
    day 79 and, with arrivals equal to its use, stays at 10: the 20 days of
    extra pipeline could only have come from spare capacity.
    """
    result, rows = run(_ban_with_australia(365.0, 30))
    np.testing.assert_allclose(series(result, "production", "AUS")[50:], 1.0, atol=TOL)
    np.testing.assert_allclose(series(result, "inventory", "KOR")[79:], 10.0, atol=TOL)
    assert rows["KOR"]["shortfall"] == pytest.approx(0.0, abs=TOL)
