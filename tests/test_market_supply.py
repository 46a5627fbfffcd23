"""Capacity is not production: front-loading surges and catch-up come from headroom.

Base case (``scenario_factory.base_dict``): CHN makes 1/day for KOR (lead 10
days, KOR holds 30 days); market with elasticity -0.25 (flexibility 4),
adjustment 10 days, supply ramp 10 days.  The rule (``docs/model.md``,
"Market"): a producer's ceiling moves toward ``b + (K - b)(1 - p0/p)`` by at
most ``(K - b)/R`` a day; without headroom (``K = b``) it stays at ``b``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scenario_factory import COMMODITY, ban, base_dict, run, series

P0 = 1000.0
MARKET = {COMMODITY: {"demand_elasticity": -0.25, "price_adjustment_days": 10.0,
                      "supply_ramp_days": 10.0}}  # fmt: skip


def _case(capacity: float, **control: Any) -> dict[str, Any]:
    scenario = base_dict(chn_capacity=capacity, shocks=[ban(**control)], horizon_days=250)
    scenario["market"] = MARKET
    return scenario


def test_after_a_ban_the_backlog_is_served_up_to_the_ceiling_the_price_allows() -> None:
    """Ban from day 50 for 60 days; CHN capacity 2/day.

    During the ban KOR's demand goes unserved (it is the only buyer, u = 1),
    so the price climbs toward 5 p0 and CHN's ceiling toward
    ``1 + (2 - 1)(1 - p0/p)``; the ramp (0.1 a day) is done long before day
    110, so the ceiling equals that target.  On day 110 KOR orders its whole
    inventory and pipeline gap (about 40 days of demand), far above the
    ceiling: CHN ships exactly ``2 - p0/p_110``.  Without headroom (capacity
    1/day) it ships its baseline, 1.
    """
    result, _ = run(_case(730.0, duration_days=60))
    price = result.records[COMMODITY].price
    production = series(result, "production", "CHN")
    assert production[110] == pytest.approx(2.0 - P0 / price[110], rel=1e-9)
    assert production[110] > 1.5
    assert np.all(production <= 2.0 + 1e-12)
    flat, _ = run(_case(365.0, duration_days=60))
    assert series(flat, "production", "CHN")[110] == pytest.approx(1.0, rel=1e-12)
    assert np.all(series(flat, "production", "CHN") <= 1.0 + 1e-12)


def test_an_announced_control_is_front_loaded_only_where_there_is_headroom() -> None:
    """Announced on day 20, in force from day 50, KOR front-loads 30 extra days.

    The raised inventory target shows as a missing share of the world's target
    (g > 0), so the price rises from day 21 and CHN's ceiling with it: with
    capacity 2/day CHN ships more than 1/day before the control; at capacity
    1/day it cannot.
    """
    control = {"announced_day": 20, "front_loading": {"extra_inventory_days": 30}}
    result, _ = run(_case(730.0, **control))
    price = result.records[COMMODITY].price
    assert price[20] == P0
    assert price[21] > P0
    window = slice(21, 50)
    assert series(result, "production", "CHN")[window].max() > 1.0
    flat, _ = run(_case(365.0, **control))
    assert series(flat, "production", "CHN")[window].max() == pytest.approx(1.0, rel=1e-12)
