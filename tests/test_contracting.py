"""Switching suppliers takes time: contracting delays and the ramp-up of new routes.

Base case (``scenario_factory.base_dict``): CHN ships 1/day to KOR, lead 10;
KOR holds 30 days.  CHN bans KOR from day 50 for ever.  AUS has a zero-flow
potential route to KOR (lead 10) and spare capacity.  The rule
(``docs/model.md``, step 4): the first day an importer has requests to
reroute starts a contract on each of its links, which takes rerouted requests
from ``contracting_delay_days`` later; a route with no baseline flow then
carries ``(d + 1) / R`` of what it would on day ``d`` of its contract for
``R = ramp_days`` days.  The importer's own orders on a route with baseline
flow (its share of each order) need no contract.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scenario_factory import COMMODITY, ban, base_dict, build, link, node, run, series

from simulator.engine import simulate

TOL = 1e-9
DAYS = np.arange(365)


def _ban_with_australia(capacity: float = 365.0, **link_fields: Any) -> dict[str, Any]:
    scenario = base_dict(shocks=[ban()])
    scenario["network"]["nodes"].append(
        node("AUS", production_per_year=0.0, capacity_per_year=capacity)
    )
    scenario["network"]["links"].append({**link("AUS", "KOR", 0.0, 10), **link_fields})
    return scenario


def test_a_contracting_delay_longer_than_the_stock_leaves_the_uncovered_days_short() -> None:
    """Contracting delay D = 45 days; AUS capacity 1/day.

    KOR's requests are cut from day 50; the contract runs from day 95, so AUS
    ships 1/day from day 95 (KOR asks at least that) and it arrives from day
    105.  KOR ends day 59 at 30 and gets nothing on days 60..104: its 30 days
    cover days 60..89 and it is short 1/day on days 90..104, 15 = D - 30 units.
    """
    result, rows = run(_ban_with_australia(contracting_delay_days=45))
    production = series(result, "production", "AUS")
    np.testing.assert_allclose(production, np.where(DAYS >= 95, 1.0, 0.0), atol=TOL)
    short = np.flatnonzero(series(result, "shortfall", "KOR") > TOL)
    assert short.tolist() == list(range(90, 105))
    assert rows["KOR"]["shortfall"] == pytest.approx(15.0, abs=TOL)


@pytest.mark.parametrize(("capacity", "settled"), [(365.0, 10.0), (730.0, 30.0)])
def test_a_contracting_delay_shorter_than_the_stock(capacity: float, settled: float) -> None:
    """D = 20: AUS ships from day 70, arriving from day 80; KOR falls to 10 on day 79.

    With AUS at 1/day KOR stays at 10 (no shortfall); with 2/day it orders
    its gap back and settles at its 30-day target.
    """
    result, rows = run(_ban_with_australia(capacity, contracting_delay_days=20))
    assert series(result, "production", "AUS")[69] == 0.0
    assert series(result, "production", "AUS")[70] >= 1.0
    inventory = series(result, "inventory", "KOR")
    assert inventory[79] == pytest.approx(10.0, abs=TOL)
    assert inventory[-1] == pytest.approx(settled, abs=TOL)
    assert rows["KOR"]["shortfall"] == pytest.approx(0.0, abs=TOL)
    assert rows["KOR"]["min_coverage_days"] == pytest.approx(10.0, abs=TOL)


def test_the_link_overrides_the_importer_which_overrides_the_commodity() -> None:
    """Commodity default 45, KOR's node 20: 20 applies (no shortfall); the link's 45 wins."""
    scenario = _ban_with_australia()
    scenario["commodities"][COMMODITY]["contracting_delay_days"] = 45
    scenario["network"]["nodes"][1]["contracting_delay_days"] = 20
    _, rows = run(scenario)
    assert rows["KOR"]["shortfall"] == pytest.approx(0.0, abs=TOL)
    scenario["network"]["links"][1]["contracting_delay_days"] = 45
    _, rows = run(scenario)
    assert rows["KOR"]["shortfall"] == pytest.approx(15.0, abs=TOL)
    del scenario["network"]["links"][1]["contracting_delay_days"]
    del scenario["network"]["nodes"][1]["contracting_delay_days"]
    _, rows = run(scenario)
    assert rows["KOR"]["shortfall"] == pytest.approx(15.0, abs=TOL)


def test_a_drawn_delay_is_recorded_and_sets_the_shortfall() -> None:
    """D ~ uniform(10, 60), one draw per replication and link (contracting stream).

    By the first test's derivation KOR is short ``max(0, D - 30)`` units,
    with D the drawn value rounded to whole days; lead times and other draws
    are untouched by it.
    """
    delay = {"dist": "uniform", "low": 10, "high": 60}
    scenario = build(_ban_with_australia(contracting_delay_days=delay))
    drawn = []
    for r in range(6):
        result = simulate(scenario, r)
        d = round(result.drawn[f"contracting_delay_days:{COMMODITY}:AUS->KOR"])
        drawn.append(d)
        shortfall = float(series(result, "shortfall", "KOR").sum())
        assert shortfall == pytest.approx(max(0, d - 30), abs=TOL)
    assert len(set(drawn)) > 1


def test_a_new_route_ramps_up_over_its_stated_days() -> None:
    """No contracting delay, ramp 10 days; AUS capacity 1/day.

    On day 50 + d AUS ships (d + 1)/10 of the 1/day it would ship, for
    d = 0..9, then 1/day; arrivals follow 10 days later.  KOR loses
    Σ (1 - (d + 1)/10) = 10 - 5.5 = 4.5 units on days 60..69 and, AUS being
    at capacity, stays at 30 - 4.5 = 25.5: no shortfall.
    """
    result, rows = run(_ban_with_australia(ramp_days=10))
    production = series(result, "production", "AUS")
    np.testing.assert_allclose(production[50:60], (np.arange(10) + 1) / 10, atol=TOL)
    np.testing.assert_allclose(production[60:], 1.0, atol=TOL)
    np.testing.assert_allclose(series(result, "inventory", "KOR")[69:], 25.5, atol=TOL)
    assert rows["KOR"]["shortfall"] == pytest.approx(0.0, abs=TOL)


def test_no_delay_and_no_ramp_give_todays_results() -> None:
    """Zero delays and ramps stated at every level change nothing.

    The case of ``test_rerouted_requests_split_by_spare_capacity``
    (``tests/test_engine_analytic.py``, derived before contracting existed):
    AUS (spare 0.25/day, lead 15) and USA (spare 0.5/day, lead 20) serve
    KOR's cut requests from day 50: tts 105, shortfall 52.5.
    """
    scenario = base_dict(shocks=[ban()])
    for code, capacity, lead in (("AUS", 91.25, 15), ("USA", 182.5, 20)):
        scenario["network"]["nodes"].append(
            node(code, production_per_year=0.0, capacity_per_year=capacity)
        )
        scenario["network"]["links"].append(link(code, "KOR", 0.0, lead))
    plain, plain_rows = run(scenario)
    scenario["commodities"][COMMODITY].update(contracting_delay_days=0, new_route_ramp_days=0)
    scenario["network"]["nodes"][1]["contracting_delay_days"] = 0
    for spec in scenario["network"]["links"][1:]:
        spec.update(contracting_delay_days=0, ramp_days=0)
    stated, rows = run(scenario)
    for name, values in plain.records[COMMODITY].arrays.items():
        np.testing.assert_array_equal(values, stated.records[COMMODITY].arrays[name], name)
    assert rows["KOR"]["tts_days"] == plain_rows["KOR"]["tts_days"] == 105
    assert rows["KOR"]["shortfall"] == pytest.approx(52.5, abs=TOL)


def test_an_existing_supplier_scales_up_within_its_contract_without_delay() -> None:
    """KOR buys half from CHN, half from AUS (capacity 2/day); CHN bans KOR from day 50.

    Contracting takes 1,000 days, so CHN's cut half is never rerouted; but
    KOR's own orders to AUS (half of each order) need no contract.  With
    ``tau = 1`` the gap ``g = T - X`` after each day follows
    ``g' = (g + 1) / 2`` from 0, so the order ``1 + g`` gives AUS
    ``(1 + g) / 2 = 1 - 0.5^(d + 1)`` on day 50 + d.  The gap tends to 1, so
    KOR holds 30 - 1 = 29 in the end, without shortfall: what it lost,
    Σ 0.5^(d + 1) = 1 unit.
    """
    scenario = base_dict(shocks=[ban()])
    scenario["commodities"][COMMODITY]["contracting_delay_days"] = 1000
    scenario["network"]["nodes"][0].update(production_per_year=182.5, capacity_per_year=182.5)
    scenario["network"]["nodes"].append(
        node("AUS", production_per_year=182.5, capacity_per_year=730.0)
    )
    scenario["network"]["links"] = [
        link("CHN", "KOR", 182.5, 10),
        link("AUS", "KOR", 182.5, 10),
    ]
    result, rows = run(scenario)
    production = series(result, "production", "AUS")
    np.testing.assert_allclose(production[:50], 0.5, atol=TOL)
    d = np.arange(40)
    np.testing.assert_allclose(production[50:90], 1 - 0.5 ** (d + 1), atol=TOL)
    assert series(result, "inventory", "KOR")[-1] == pytest.approx(29.0, abs=1e-9)
    assert rows["KOR"]["shortfall"] == pytest.approx(0.0, abs=TOL)
