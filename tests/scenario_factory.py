"""Helpers that build small scenario dicts for the engine tests.

The base case is the two-country case every analytic test starts from: China
produces 365 units/yr of ``widget`` (capacity 365) and ships all of it to
Korea, which consumes 365/yr (1 unit/day), holds 30 days of inventory, and
receives each shipment 10 days after it leaves.  Helpers return plain dicts so
a test can change any field before validating it with
:meth:`Scenario.model_validate`.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from invariants import check_invariants
from ruamel.yaml import YAML

from simulator.analysis.metrics import metrics_table
from simulator.engine import RunResult, simulate
from simulator.model.scenario import Scenario

__all__ = [
    "COMMODITY",
    "VALUE_AT_RISK",
    "ban",
    "base_dict",
    "build",
    "example_dict",
    "link",
    "node",
    "pooled_vs_national_dict",
    "run",
    "series",
    "shock",
]

COMMODITY = "widget"
VALUE_AT_RISK = 50_000.0
"""USD of downstream output lost per unit of widget shortfall."""

ScenarioDict = dict[str, Any]
FloatArray = npt.NDArray[np.float64]

EXAMPLES = Path(__file__).resolve().parent.parent / "scenarios" / "examples"
"""The example scenarios shipped with the project."""


def node(country: str, **fields: Any) -> dict[str, Any]:
    """A network node of ``widget`` for ``country``."""
    return {"country": country, "commodity": COMMODITY, **fields}


def link(exporter: str, importer: str, flow: float, lead: Any) -> dict[str, Any]:
    """A ``widget`` link ``exporter -> importer`` with ``flow`` units/yr and lead time ``lead``."""
    return {
        "commodity": COMMODITY,
        "from": exporter,
        "to": importer,
        "flow_per_year": flow,
        "lead_time_days": lead,
    }


def shock(mode: str = "ban", **fields: Any) -> dict[str, Any]:
    """An export control by CHN on KOR from day 50 until the horizon, unless overridden."""
    spec: dict[str, Any] = {
        "id": "ctrl",
        "kind": "export_control",
        "exporter": "CHN",
        "commodity": COMMODITY,
        "targets": ["KOR"],
        "mode": mode,
        "effective_day": 50,
        "duration_days": None,
    }
    spec.update(fields)
    return spec


def ban(**fields: Any) -> dict[str, Any]:
    """A ban by CHN on KOR from day 50, for ever unless ``duration_days`` is given."""
    return shock("ban", **fields)


def base_dict(
    *,
    chn_capacity: float = 365.0,
    shocks: list[dict[str, Any]] | None = None,
    horizon_days: int = 365,
) -> ScenarioDict:
    """The two-country case: CHN → KOR, 365/yr, KOR inventory 30 days, lead 10 days."""
    return {
        "name": "two-country",
        "horizon_days": horizon_days,
        "seed": 7,
        "commodities": {
            COMMODITY: {
                "unit": "t",
                "price_usd_per_unit": 1000.0,
                "value_at_risk_usd_per_unit": VALUE_AT_RISK,
            }
        },
        "network": {
            "nodes": [
                node("CHN", production_per_year=365.0, capacity_per_year=chn_capacity),
                node("KOR", demand_per_year=365.0, inventory_days=30.0),
            ],
            "links": [link("CHN", "KOR", 365.0, 10)],
        },
        "shocks": [] if shocks is None else shocks,
    }


def example_dict(name: str) -> ScenarioDict:
    """The parsed YAML of ``scenarios/examples/<name>.yaml`` (plain data, no ``extends``)."""
    path = EXAMPLES / f"{name}.yaml"
    data: ScenarioDict = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data


def pooled_vs_national_dict(
    *,
    pool: bool = True,
    transfer: bool = True,
    targets: list[str] | None = None,
) -> ScenarioDict:
    """The coalition example ``pooled-vs-national.yaml``, with either policy removed.

    CHN produces 730/yr (capacity 1095) for KOR and JPN, each demanding 365/yr
    with 30 days of inventory and a 10-day lead time; CHN bans KOR from day 50
    for 120 days.  ``kj-pool`` holds 30 days of combined demand (60 units) at
    JPN; ``kj-transfer`` is a loan-based mutual transfer with a 20-day floor.
    ``targets`` replaces the ban's targets.
    """
    scenario = example_dict("pooled-vs-national")
    policies = scenario.setdefault("policies", {})
    if not pool:
        policies.pop("joint_stockpiles", None)
    if not transfer:
        policies.pop("mutual_transfers", None)
    if targets is not None:
        for spec in scenario["shocks"]:
            spec["targets"] = list(targets)
    return scenario


def build(scenario: ScenarioDict) -> Scenario:
    """Validate a scenario dict (a deep copy, so the caller may keep editing it)."""
    return Scenario.model_validate(copy.deepcopy(scenario))


def run(
    scenario: ScenarioDict, replication: int = 0
) -> tuple[RunResult, dict[str, dict[str, Any]]]:
    """Simulate ``scenario`` and return the result with its metric rows by country (or group).

    Every run is checked against the invariants of ``tests/invariants.py``.
    """
    validated = build(scenario)
    result = simulate(validated, replication)
    check_invariants(validated, result)
    rows = {row["country"]: row for row in metrics_table(result, validated)}
    return result, rows


def series(result: RunResult, name: str, country: str) -> FloatArray:
    """The daily ``name`` record of ``country`` for ``widget``."""
    records = result.records[COMMODITY]
    return records[name][:, records.countries.index(country)]
