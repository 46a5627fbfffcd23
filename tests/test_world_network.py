"""The synthetic world of benchmarks/world_network.py validates and balances.

A scaled-down instance (12 countries, 2 commodities, 40 links each) must pass
the model's own checks (:meth:`TradeNetwork.from_scenario` raises on any
imbalance or transit trade), balance exactly by the model's rules when summed
here, be reproducible from its seed, and simulate.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from world_network import world_data, world_scenario

from simulator.engine import simulate
from simulator.model.network import BALANCE_RTOL, TradeNetwork

COUNTRIES, COMMODITIES, LINKS = 12, 2, 40


def test_small_world_validates_and_balances() -> None:
    data = world_data(COUNTRIES, COMMODITIES, LINKS, seed=3)
    scenario = world_scenario(COUNTRIES, COMMODITIES, LINKS, seed=3)
    network = TradeNetwork.from_scenario(scenario)  # raises on imbalance or transit trade
    assert network.commodities == ("c00", "c01")
    assert network.reconciliations == []
    assert len(data["network"]["nodes"]) == COUNTRIES * COMMODITIES
    assert len(data["network"]["links"]) == LINKS * COMMODITIES

    imports: dict[tuple[str, str], float] = defaultdict(float)
    exports: dict[tuple[str, str], float] = defaultdict(float)
    pairs = set()
    for link in data["network"]["links"]:
        key = (link["commodity"], link["from"], link["to"])
        assert link["from"] != link["to"]
        assert key not in pairs
        pairs.add(key)
        exports[link["commodity"], link["from"]] += link["flow_per_year"]
        imports[link["commodity"], link["to"]] += link["flow_per_year"]
    for node in data["network"]["nodes"]:
        key = (node["commodity"], node["country"])
        supply = node["production_per_year"] + imports[key]
        use = node["demand_per_year"] + exports[key]
        assert supply == pytest.approx(use, rel=BALANCE_RTOL, abs=1e-9)
        assert exports[key] <= node["production_per_year"] * (1 + 1e-12)
        assert node["capacity_per_year"] >= node["production_per_year"]
        assert node["demand_per_year"] >= 0


def test_small_world_is_reproducible_and_runs() -> None:
    assert world_data(COUNTRIES, COMMODITIES, LINKS, seed=3) == world_data(
        COUNTRIES, COMMODITIES, LINKS, seed=3
    )
    assert world_data(COUNTRIES, COMMODITIES, LINKS, seed=3) != world_data(
        COUNTRIES, COMMODITIES, LINKS, seed=4
    )
    scenario = world_scenario(COUNTRIES, COMMODITIES, LINKS, horizon_days=60, seed=3)
    result = simulate(scenario, 0)  # checks each commodity's material ledger
    assert set(result.records) == {"c00", "c01"}
    assert all(day == 30 for day in result.shock_start_day.values())


def test_world_rejects_impossible_sizes() -> None:
    with pytest.raises(ValueError, match="links"):
        world_data(3, 1, 7)
