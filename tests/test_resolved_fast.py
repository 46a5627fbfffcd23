"""The resolved scenario's fast path for flat network entries writes what ruamel writes.

``dump_scenario_yaml`` writes network entries whose keys and values are all
plain scalars itself (a world-sized network takes ruamel about a minute);
the text must be the one ruamel gives, byte for byte.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from scenario_factory import base_dict, build

from simulator.io.resolved import _dump, dump_scenario_yaml
from simulator.io.scenario_file import load_scenario, load_scenario_text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from world_network import world_scenario  # noqa: E402

SHIPPED = [
    path
    for path in sorted((ROOT / "scenarios").rglob("*.yaml"))
    if "\nscenario:" not in path.read_text(encoding="utf-8") and "schema" not in path.parts
]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenarios_dump_the_same(path: Path) -> None:
    scenario = load_scenario(path)
    assert _dump(scenario, fast=True) == _dump(scenario, fast=False)


def test_every_policy_kind_and_distribution_dumps_the_same() -> None:
    from test_yaml_io import EVERYTHING

    scenario = load_scenario_text(EVERYTHING, "everything.yaml")
    assert _dump(scenario, fast=True) == _dump(scenario, fast=False)


def test_a_synthetic_world_dumps_the_same_and_round_trips() -> None:
    scenario = world_scenario(12, 2, 40, seed=3)
    text = dump_scenario_yaml(scenario)
    assert "supplyshock-fast-path" not in text
    assert text == _dump(scenario, fast=False)
    assert load_scenario_text(text, "resolved.yaml") == scenario


@pytest.mark.parametrize(
    ("country", "importer"), [("NOR", "KOR"), ("CHN", "KOR")], ids=["plain", "base"]
)
def test_odd_numbers_and_codes_dump_the_same(country: str, importer: str) -> None:
    data = base_dict()
    data["network"]["nodes"][0]["country"] = country
    data["network"]["links"][0]["from"] = country
    data["network"]["nodes"][0]["production_per_year"] = 365.0
    data["network"]["nodes"][1]["inventory_days"] = 1e-05
    data["network"]["links"][0]["flow_per_year"] = 365.00000000000006
    scenario = build(data)
    assert _dump(scenario, fast=True) == _dump(scenario, fast=False)
