"""The memory estimate ``validate`` reports matches what a replication really allocates."""

from __future__ import annotations

import tracemalloc

from hostile_cases import large_scenario

from simulator.engine import simulate
from simulator.engine.footprint import estimate_replication_bytes
from simulator.model.network import TradeNetwork
from simulator.model.scenario import Scenario


def test_estimate_is_close_to_the_measured_peak() -> None:
    """10 years × 100 countries: the estimate is within 20 % of tracemalloc's peak.

    NumPy reports its array allocations to ``tracemalloc``, so the peak is the
    memory the replication's arrays really took (the first run warms caches).
    """
    data = large_scenario()
    data["horizon_days"] = 3650
    data["network"]["links"][0]["lead_time_days"] = 365
    scenario = Scenario.model_validate(data)
    estimate = estimate_replication_bytes(scenario, TradeNetwork.from_scenario(scenario))
    simulate(scenario, 0)
    tracemalloc.start()
    try:
        simulate(scenario, 0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert 0.8 * peak <= estimate <= 1.2 * peak
