"""``metrics_table`` computes every importer's row at once: the same rows as one at a time.

Each country's row must equal, exactly and with the same types, what
:func:`simulator.analysis.metrics._row` gives on that country's series
alone (the formulas of the ``calc_*`` functions), on a synthetic world with
a ban and on a shipped policy scenario with a joint pool and mutual transfers.
The market's columns (:mod:`simulator.analysis.market_metrics`) are computed
for all countries with matrix products, which add in another order than the
one-country formulas: they must agree to 1e-12.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from world_network import world_scenario

from simulator import load_scenario
from simulator.analysis.market_metrics import (
    MARKET_METRICS,
    calc_price_cost_usd,
    calc_price_ratios,
    calc_shortfall_loss_usd,
    calc_welfare_loss_usd,
)
from simulator.analysis.metrics import _row, metrics_table
from simulator.engine import RunResult, simulate
from simulator.model.scenario import Scenario


def _one_by_one(result: RunResult, scenario: Scenario) -> list[dict[str, Any]]:
    rows = []
    for commodity, rec in result.records.items():
        spec = scenario.commodities[commodity]
        args = (
            result.shock_start_day.get(commodity),
            spec.price_usd_per_unit,
            spec.carrying_cost_per_year,
        )
        for i, country in enumerate(rec.countries):
            if rec.demand_per_day[i] > 0:
                series = {name: arr[:, i] for name, arr in rec.arrays.items()}
                sizes = (float(rec.reserve_size[i]), float(rec.pool_size[i]))
                row = _row(series, float(rec.demand_per_day[i]), sizes, *args)
                row.update(_market(scenario, rec, i, series))
                rows.append({"country": country, "commodity": commodity, "group": False, **row})
    return rows


def _market(scenario: Scenario, rec: Any, i: int, series: dict[str, Any]) -> dict[str, float]:
    """The market's columns of country ``i`` by the one-country formulas."""
    spec = scenario.commodities[rec.commodity]
    value = spec.value_at_risk_usd_per_unit
    for node in scenario.network.nodes:
        own = node.value_at_risk_usd_per_unit
        if (node.commodity, node.country) == (rec.commodity, rec.countries[i]) and own:
            value = own
    price, base = rec.price, rec.base_price
    forgone = series["demand_forgone"]
    peak, mean = calc_price_ratios(price, base)
    return {
        "economic_loss_usd": calc_shortfall_loss_usd(
            series["demand"], series["shortfall"], value, spec.loss_exponent
        )
        + calc_welfare_loss_usd(price, base, forgone),
        "demand_forgone": float(forgone.sum()),
        "price_cost_usd": calc_price_cost_usd(price, base, rec.bought()[:, i]),
        "peak_price_ratio": peak,
        "mean_price_ratio": mean,
    }


_APPROX = ("economic_loss_usd", *MARKET_METRICS)


POLICIES = Path(__file__).resolve().parent.parent / "scenarios" / "policies"

SCENARIOS = {
    "world-ban": lambda: world_scenario(16, 2, 60, horizon_days=200, seed=7),
    "world-no-shock": lambda: world_scenario(10, 1, 20, horizon_days=50, ban_day=None, seed=1),
    "policies-both": lambda: load_scenario(POLICIES / "both.yaml"),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_country_rows_equal_one_at_a_time(name: str) -> None:
    scenario = SCENARIOS[name]()
    for r in range(2):
        result = simulate(scenario, r)
        countries = [row for row in metrics_table(result, scenario) if not row["group"]]
        expected = _one_by_one(result, scenario)
        for got, want in zip(countries, expected, strict=True):
            for name in _APPROX:
                assert got.pop(name) == pytest.approx(want.pop(name), rel=1e-12, abs=1e-9), name
        assert countries == expected
        for got, want in zip(countries, expected, strict=True):
            assert [type(v) for v in got.values()] == [type(v) for v in want.values()]
