"""Load the engine's compiled functions once, in the fork server, for every pool worker.

A process pool's fork server imports this module (with the task module) before
it forks the workers (:class:`~simulator.experiments.executors.ProcessPoolBackend`).
Importing it runs one short replication of a small built-in scenario — an
export ban, a price, a national reserve, a joint stockpile and a loan transfer
agreement — and its metrics, so that numba loads the machine code of the daily
steps and of the metrics' day scan from its cache here, once, and every worker
forked afterwards starts with it in memory instead of loading it again before
its first replication (about half a second each).  The fork server does this
while the main process reads and checks the experiment, so it costs the batch
nothing it would wait for.

Warming up is an optimisation only: if the replication fails for any reason,
the workers load the functions themselves, as they would without it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["WARM_SCENARIO", "warm_up"]

WARM_SCENARIO: dict[str, Any] = {
    "name": "warm-up",
    "horizon_days": 40,
    "seed": 0,
    "commodities": {
        "widget": {"unit": "t", "price_usd_per_unit": 1000, "value_at_risk_usd_per_unit": 50000}
    },
    "network": {
        "nodes": [
            {
                "country": "CHN",
                "commodity": "widget",
                "production_per_year": 730,
                "capacity_per_year": 800,
                "demand_per_year": 0,
            },
            {
                "country": "AUS",
                "commodity": "widget",
                "production_per_year": 365,
                "capacity_per_year": 500,
                "demand_per_year": 0,
            },
            {"country": "KOR", "commodity": "widget", "demand_per_year": 730, "inventory_days": 5},
            {"country": "JPN", "commodity": "widget", "demand_per_year": 365, "inventory_days": 5},
        ],
        "links": [
            {
                "commodity": "widget",
                "from": "CHN",
                "to": "KOR",
                "flow_per_year": 365,
                "lead_time_days": 5,
            },
            {
                "commodity": "widget",
                "from": "CHN",
                "to": "JPN",
                "flow_per_year": 365,
                "lead_time_days": 5,
            },
            {
                "commodity": "widget",
                "from": "AUS",
                "to": "KOR",
                "flow_per_year": 365,
                "lead_time_days": 5,
            },
            {
                "commodity": "widget",
                "from": "AUS",
                "to": "JPN",
                "flow_per_year": 0,
                "lead_time_days": 5,
            },
        ],
    },
    "market": {"widget": {"demand_elasticity": -0.3}},
    "shocks": [
        {
            "id": "ban",
            "kind": "export_control",
            "exporter": "CHN",
            "commodity": "widget",
            "targets": "all",
            "mode": "ban",
            "effective_day": 2,
        }
    ],
    "coalitions": {"kj": ["KOR", "JPN"]},
    "policies": {
        "stockpiles": [
            {
                "id": "reserve",
                "country": "KOR",
                "commodity": "widget",
                "size_days": 10,
                "trigger_coverage_days": 3,
                "decision_delay_days": 1,
                "replenish_per_day": 1.0,
            },
        ],
        "joint_stockpiles": [
            {
                "id": "pool",
                "coalition": "kj",
                "commodity": "widget",
                "location": "KOR",
                "size_days": 10,
                "trigger_coverage_days": 3,
                "decision_delay_days": 1,
                "lead_time_days": 2,
                "replenish_per_day": 1.0,
            },
        ],
        "mutual_transfers": [
            {
                "id": "transfer",
                "coalition": "kj",
                "commodities": ["widget"],
                "trigger_coverage_days": 2,
                "donor_floor_days": 1,
                "lead_time_days": 2,
                "loan": True,
            },
        ],
    },
}
"""The scenario of the warm-up replication (every kind of daily step it can reach)."""


def warm_up() -> bool:
    """Run one replication of :data:`WARM_SCENARIO`; return whether it ran."""
    try:
        from simulator.analysis.metric_columns import metric_columns
        from simulator.engine import simulate
        from simulator.model.scenario import Scenario

        scenario = Scenario.model_validate(WARM_SCENARIO)
        metric_columns(simulate(scenario), scenario)
    except Exception:  # an optimisation only: the workers load what they need themselves
        return False
    return True


WARMED = warm_up()
"""Whether this process's import loaded the compiled functions."""
