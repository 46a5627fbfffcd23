"""Policies at a price: a release is a public good; refilling reserves pushes the price up.

The case: CHN ships 1/day each to KOR and JPN (lead 10, 30 days of stock),
AUS makes 1/day for itself with room for 1/day more and has zero-flow routes
to both (lead 10).  CHN bans everyone from day 50 for 100 days.  Market:
elasticity -0.25, adjustment 10 days, supply ramp 30 days.  Reserves hold
60 days, release below 20 days of cover and refill at up to 1/day.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scenario_factory import COMMODITY, ban, base_dict, link, node, run

BAN_END = 150


def _case(*reserves: str) -> dict[str, Any]:
    scenario = base_dict(
        shocks=[ban(targets="all", effective_day=50, duration_days=100)], horizon_days=365
    )
    scenario["network"]["nodes"] = [
        node("CHN", production_per_year=730.0, capacity_per_year=900.0),
        node("KOR", demand_per_year=365.0, inventory_days=30.0),
        node("JPN", demand_per_year=365.0, inventory_days=30.0),
        node("AUS", production_per_year=365.0, capacity_per_year=730.0, demand_per_year=365.0),
    ]
    scenario["network"]["links"] = [
        link("CHN", "KOR", 365.0, 10),
        link("CHN", "JPN", 365.0, 10),
        link("AUS", "KOR", 0.0, 10),
        link("AUS", "JPN", 0.0, 10),
    ]
    scenario["market"] = {
        COMMODITY: {
            "demand_elasticity": -0.25,
            "price_adjustment_days": 10.0,
            "supply_ramp_days": 30.0,
        }
    }
    scenario["policies"] = {
        "stockpiles": [
            {
                "id": f"{code.lower()}-reserve",
                "country": code,
                "commodity": COMMODITY,
                "size_days": 60,
                "trigger_coverage_days": 20,
                "replenish_per_day": 1.0,
            }
            for code in reserves
        ]
    }
    return scenario


def test_koreas_release_lowers_japans_purchase_cost() -> None:
    """Korea's reserve lowers the world price, never raises it during the ban, and
    Japan — which holds nothing — pays less for what it buys."""
    without, rows_without = run(_case())
    with_kor, rows_with = run(_case("KOR"))
    p_without = without.records[COMMODITY].price
    p_with = with_kor.records[COMMODITY].price
    assert np.all(p_with[:BAN_END] <= p_without[:BAN_END] * (1 + 1e-12))
    assert p_with.mean() < p_without.mean()
    assert rows_with["JPN"]["price_cost_usd"] < rows_without["JPN"]["price_cost_usd"]


def test_two_reserves_refilling_at_once_raise_the_price_more_than_one() -> None:
    """After the ban both reserves buy back what they released: the price after the ban
    is higher, and stays high longer, than when Korea alone refills."""
    one, _ = run(_case("KOR"))
    two, _ = run(_case("KOR", "JPN"))
    rec_one, rec_two = one.records[COMMODITY], two.records[COMMODITY]
    assert rec_two["stocked"][BAN_END:].sum() > rec_one["stocked"][BAN_END:].sum()
    after_one, after_two = rec_one.price[BAN_END + 30 :], rec_two.price[BAN_END + 30 :]
    assert after_two.mean() > after_one.mean()
    assert after_two.max() > after_one.max()
