"""The market, derived by hand: price, demand forgone, output ceilings, market off.

Rules (``docs/model.md``, "Market"): scarcity ``x`` is the larger of the
share of demand not supplied and the share of the inventory target missing,
both measured the day before; the price closes ``1/A`` of its gap to
``p0 (1 + phi x)`` a day; demand is ``D0 (p/p0) ** eps (1 - sigma)``; a
producer's ceiling moves toward ``b + (K - b)(1 - p0/p)`` by ``(K - b)/R`` a day.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scenario_factory import COMMODITY, ban, base_dict, link, node, run, series

TOL = 1e-9
P0 = 1000.0


def _market(**fields: Any) -> dict[str, Any]:
    return {COMMODITY: {"demand_elasticity": -0.25, "price_adjustment_days": 2.0, **fields}}


def _lone_importer(**market: Any) -> dict[str, Any]:
    """KOR buys 1/day from CHN only, lead 1 day, no inventory; CHN bans KOR from day 0."""
    scenario = base_dict(shocks=[ban(effective_day=0)], horizon_days=12)
    scenario["network"]["nodes"][1]["inventory_days"] = 0.0
    scenario["network"]["links"] = [link("CHN", "KOR", 365.0, 1)]
    scenario["market"] = _market(**market)
    return scenario


def test_a_total_cut_prices_demand_out_along_the_derived_path() -> None:
    """phi = 1/|eps| = 4, A = 2, no stock, no other supplier.

    Day 0: the price is p0 (nothing was short the day before); the 1 unit
    shipped the day before arrives and is consumed; the day's order (1) is cut
    whole, so none of KOR's demand is supplied: u = 1 (CHN has no demand).
    From day 1 every order is cut and nothing arrives: x = 1 every day, so
    ``p_t = p0 (1 + 4 (1 - (1/2) ** t))``: 3 p0, 4 p0, 4.5 p0, ...
    Demand ``d_t = (p_t / p0) ** -0.25``, all of it short; forgone ``1 - d_t``.
    """
    result, rows = run(_lone_importer())
    days = np.arange(12)
    ratio = 1.0 + 4.0 * (1.0 - 0.5**days)
    rec = result.records[COMMODITY]
    np.testing.assert_allclose(rec.price, P0 * ratio, rtol=1e-12)
    demand = ratio**-0.25
    np.testing.assert_allclose(series(result, "demand", "KOR"), demand, rtol=1e-12)
    np.testing.assert_allclose(series(result, "demand_forgone", "KOR"), 1.0 - demand, atol=1e-12)
    expected_short = np.where(days == 0, 0.0, demand)
    np.testing.assert_allclose(series(result, "shortfall", "KOR"), expected_short, atol=1e-12)
    kor = rows["KOR"]
    assert kor["demand_forgone"] == pytest.approx(float((1.0 - demand).sum()), rel=1e-12)
    assert kor["peak_price_ratio"] == pytest.approx(ratio[-1], rel=1e-12)
    assert kor["mean_price_ratio"] == pytest.approx(ratio.mean(), rel=1e-12)
    # The loss: V per unit short, plus half the price rise on each unit forgone.
    welfare = 0.5 * float(((ratio - 1.0) * P0 * (1.0 - demand)).sum())
    loss = 50_000.0 * float(expected_short.sum()) + welfare
    assert kor["economic_loss_usd"] == pytest.approx(loss, rel=1e-12)
    # Only day 0's unit was bought, at p0: no extra spending.
    assert kor["price_cost_usd"] == pytest.approx(0.0, abs=1e-9)


def test_an_explicit_flexibility_and_substitution_follow_their_formulas() -> None:
    """phi = 2 (not 1/|eps|), A = 1, substitution s = 365/yr (1 a day at full premium).

    With A = 1 the price jumps to the scarcity price: p_0 = p0, then
    p_t = 3 p0 (x = 1).  The substituted share grows by ``(1 - p0/p_t)`` = 2/3
    a day from day 1 and is capped at 1: sigma = 2/3 on day 1, 1 from day 2.
    Demand ``3 ** -0.25 (1 - sigma)``: 3 ** -0.25 / 3 on day 1, then 0.
    """
    result, _ = run(
        _lone_importer(price_flexibility=2.0, price_adjustment_days=1.0, substitution_per_year=1.0)
    )
    # substitution_per_year is a share (<= 1): 1/yr gives 1/365 a day at full premium.
    rec = result.records[COMMODITY]
    np.testing.assert_allclose(rec.price[:3], [P0, 3 * P0, 3 * P0], rtol=1e-12)
    sigma = np.minimum(np.cumsum(np.where(np.arange(12) >= 1, 2 / 3 / 365, 0.0)), 1.0)
    expected = np.where(np.arange(12) >= 1, 3.0**-0.25, 1.0) * (1.0 - sigma)
    np.testing.assert_allclose(series(result, "demand", "KOR"), expected, rtol=1e-12)


def test_with_no_shock_nothing_moves() -> None:
    """No control: the price stays at p0 to 1e-9, nothing is forgone or short."""
    scenario = base_dict(horizon_days=200)
    scenario["market"] = _market(substitution_per_year=0.1, supply_ramp_days=10.0)
    scenario["network"]["nodes"][0]["capacity_per_year"] = 730.0
    result, rows = run(scenario)
    rec = result.records[COMMODITY]
    np.testing.assert_allclose(rec.price, P0, rtol=1e-9)
    assert float(np.abs(rec["demand_forgone"]).max()) == 0.0
    np.testing.assert_allclose(series(result, "production", "CHN"), 1.0, rtol=1e-12)
    assert rows["KOR"]["shortfall"] == 0.0
    assert rows["KOR"]["price_cost_usd"] == pytest.approx(0.0, abs=1e-6)


def test_an_idle_plant_ramps_toward_capacity_as_the_price_rises() -> None:
    """AUS: baseline 1/day for itself, capacity 3/day, ramp R = 4 days; A = 1, phi = 4.

    CHN bans KOR (1/day, no stock, lead 1) from day 0; KOR's route from AUS
    (no flow, lead 1, no contracting delay) takes rerouted requests at once.
    Day 0: price p0, AUS ceiling 1 (its baseline), all taken by AUS itself:
    KOR's rerouted unit is unserved.  Demand on day 0: KOR 1, AUS 1; supplied:
    AUS 1, KOR 0, so u = 1/2 = x, and p_1 = 3 p0 and AUS wants ``1 + 2 (1 - 1/3) = 7/3``, moving
    there by at most (3 - 1)/4 = 1/2 a day: ceiling 1.5 on day 1, 2 on day 2.
    On day 1 AUS's own demand is ``3 ** -0.25`` (the price cut it), so AUS
    ships KOR what is left of its ceiling: ``1.5 - 3 ** -0.25``.
    """
    scenario = _lone_importer(price_adjustment_days=1.0, supply_ramp_days=4.0)
    scenario["horizon_days"] = 4
    scenario["network"]["nodes"].append(
        node("AUS", production_per_year=365.0, capacity_per_year=3 * 365.0, demand_per_year=365.0)
    )
    scenario["network"]["links"].append(link("AUS", "KOR", 0.0, 1))
    result, _ = run(scenario)
    rec = result.records[COMMODITY]
    assert rec.price[1] == pytest.approx(3 * P0, rel=1e-12)
    production = series(result, "production", "AUS")
    assert production[0] == pytest.approx(1.0, rel=1e-12)
    assert production[1] == pytest.approx(1.5, rel=1e-12)
    shipped = series(result, "exports_shipped", "AUS")
    assert shipped[1] == pytest.approx(1.5 - 3.0**-0.25, rel=1e-12)


def test_market_off_is_the_fixed_price_engine() -> None:
    """``market: off`` and no ``market:`` give the same records; the price never moves."""
    plain = base_dict(shocks=[ban()])
    off = {**plain, "market": "off"}
    a, _ = run(plain)
    b, _ = run(off)
    for name, arr in a.records[COMMODITY].arrays.items():
        np.testing.assert_array_equal(arr, b.records[COMMODITY].arrays[name], err_msg=name)
    np.testing.assert_array_equal(b.records[COMMODITY].price, P0)
    assert float(np.abs(b.records[COMMODITY]["demand_forgone"]).max()) == 0.0
