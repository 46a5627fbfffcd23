"""``metrics_table`` computes every importer's row at once: the same rows as one at a time.

Each country's row must equal, exactly and with the same types, what
:func:`simulator.analysis.metrics._row` gives on that country's series
alone (the formulas of the ``calc_*`` functions), on a synthetic world with
a ban and on a shipped policy scenario with a joint pool and mutual transfers.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from world_network import world_scenario

from simulator import load_scenario
from simulator.analysis.metrics import _row, metrics_table
from simulator.engine import RunResult, simulate
from simulator.model.scenario import Scenario


def _one_by_one(result: RunResult, scenario: Scenario) -> list[dict[str, Any]]:
    rows = []
    for commodity, rec in result.records.items():
        spec = scenario.commodities[commodity]
        args = (
            result.shock_start_day.get(commodity),
            spec.value_at_risk_usd_per_unit,
            spec.price_usd_per_unit,
            spec.carrying_cost_per_year,
        )
        for i, country in enumerate(rec.countries):
            if rec.demand_per_day[i] > 0:
                series = {name: arr[:, i] for name, arr in rec.arrays.items()}
                sizes = (float(rec.reserve_size[i]), float(rec.pool_size[i]))
                row = _row(series, float(rec.demand_per_day[i]), sizes, *args)
                rows.append({"country": country, "commodity": commodity, "group": False, **row})
    return rows


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
        assert countries == expected
        for got, want in zip(countries, expected, strict=True):
            assert [type(v) for v in got.values()] == [type(v) for v in want.values()]
