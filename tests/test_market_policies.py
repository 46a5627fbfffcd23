"""Policies at a price: a release is a public good; refilling reserves pushes the price up.

The case: CHN ships 1/day each to KOR and JPN (lead 10, 30 days of stock),
AUS makes 1/day for itself with room for 1/day more and has zero-flow routes
to both (lead 10).  CHN bans everyone from day 50 for 100 days.  Market:
elasticity -0.25, adjustment 10 days, supply ramp 30 days.  Reserves hold
60 days and release below 20 days of cover.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scenario_factory import COMMODITY, ban, base_dict, link, node, run

BAN_END = 150


def _case(*reserves: str, refilling: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The case with a reserve for each of ``reserves``; those in ``refilling`` (default: all)
    buy back what they release at up to 1/day, the others never refill."""
    refill = reserves if refilling is None else refilling
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
                "replenish_per_day": 1.0 if code in refill else 0.0,
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
    """Both countries hold a reserve and release the same way in the three runs; only
    the refilling differs: none, Korea's alone, both.  Refilling is bought at the
    prevailing price and pushes it up, two refills more than one."""
    none, _ = run(_case("KOR", "JPN", refilling=()))
    one, _ = run(_case("KOR", "JPN", refilling=("KOR",)))
    two, _ = run(_case("KOR", "JPN"))
    prices = [r.records[COMMODITY].price for r in (none, one, two)]
    stocked = [r.records[COMMODITY]["stocked"].sum() for r in (none, one, two)]
    assert stocked[0] == 0.0 < stocked[1] < stocked[2]
    first_refill = int(np.flatnonzero(two.records[COMMODITY]["stocked"].sum(axis=1) > 0)[0])
    for p in prices[1:]:  # the same crisis until the first refill
        np.testing.assert_array_equal(p[:first_refill], prices[0][:first_refill])
    extra_one = (prices[1] - prices[0]).sum()
    extra_two = (prices[2] - prices[0]).sum()
    assert 0.0 < extra_one < extra_two
    assert prices[2].max() >= prices[1].max() >= prices[0].max()
