"""The market's metrics on hand-made series (known answers) and on a run's groups."""

from __future__ import annotations

import numpy as np
import pytest
from scenario_factory import COMMODITY, ban, base_dict, link, node, run

from simulator.analysis.market_metrics import (
    calc_price_cost_usd,
    calc_price_ratios,
    calc_shortfall_loss_usd,
    calc_welfare_loss_usd,
)

DEMAND = np.array([2.0, 2.0, 2.0])
SHORT = np.array([0.0, 1.0, 2.0])
PRICE = np.array([1.0, 3.0, 5.0])


def test_the_shortfall_loss_is_linear_by_default_and_convex_with_an_exponent() -> None:
    """V = 10.  k = 1: 10 x (0 + 1 + 2) = 30.  k = 2: 10 x 2 x (0 + 1/4 + 1) = 25: the
    shallow day (half short) costs half as much per unit as the day with nothing."""
    assert calc_shortfall_loss_usd(DEMAND, SHORT, 10.0) == pytest.approx(30.0)
    assert calc_shortfall_loss_usd(DEMAND, SHORT, 10.0, 2.0) == pytest.approx(25.0)
    # A day with no demand loses nothing, whatever the exponent.
    assert calc_shortfall_loss_usd(np.zeros(2), np.zeros(2), 10.0, 3.0) == 0.0


def test_welfare_extra_spending_and_price_ratios() -> None:
    """p0 = 1: forgone (1, 1, 0) -> half of (0 x 1 + 2 x 1 + 4 x 0) = 1; bought 1 a day ->
    (0 + 2 + 4) = 6; peak 5, mean 3."""
    assert calc_welfare_loss_usd(PRICE, 1.0, np.array([1.0, 1.0, 0.0])) == pytest.approx(1.0)
    assert calc_price_cost_usd(PRICE, 1.0, np.ones(3)) == pytest.approx(6.0)
    assert calc_price_ratios(PRICE, 1.0) == (5.0, 3.0)
    # A price below baseline on a day is no welfare loss but is negative extra spending.
    assert calc_welfare_loss_usd(np.array([0.5]), 1.0, np.array([1.0])) == 0.0
    assert calc_price_cost_usd(np.array([0.5]), 1.0, np.array([2.0])) == pytest.approx(-1.0)


def test_a_groups_loss_is_the_sum_of_its_members_losses_with_any_exponent() -> None:
    """KOR and JPN (one coalition) both banned; loss exponent 2.  The group's loss is not
    the group's summed shortfall through the exponent: it is the members' losses added."""
    scenario = base_dict(shocks=[ban(targets="all")], horizon_days=200)
    scenario["network"]["nodes"] = [
        node("CHN", production_per_year=730.0, capacity_per_year=730.0),
        node("KOR", demand_per_year=365.0, inventory_days=30.0),
        node("JPN", demand_per_year=365.0, inventory_days=60.0),
    ]
    scenario["network"]["links"] = [link("CHN", "KOR", 365.0, 10), link("CHN", "JPN", 365.0, 10)]
    scenario["commodities"][COMMODITY]["loss_exponent"] = 2.0
    scenario["coalitions"] = {"KJ": ["KOR", "JPN"]}
    scenario["network"]["nodes"][2]["value_at_risk_usd_per_unit"] = 80_000.0
    result, rows = run(scenario)
    rec = result.records[COMMODITY]
    losses = []
    for code, value in (("KOR", 50_000.0), ("JPN", 80_000.0)):
        i = rec.countries.index(code)
        loss = calc_shortfall_loss_usd(rec["demand"][:, i], rec["shortfall"][:, i], value, 2.0)
        assert rows[code]["economic_loss_usd"] == pytest.approx(loss, rel=1e-12)
        losses.append(loss)
    assert rows["KJ"]["economic_loss_usd"] == pytest.approx(sum(losses), rel=1e-12)
    assert rows["KOR"]["economic_loss_usd"] > 0
    assert rows["JPN"]["economic_loss_usd"] > 0
