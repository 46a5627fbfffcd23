"""The JSON Schema of scenario files: in step with the models, and right about real files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from simulator.io.yaml import read_yaml
from simulator.model.schema import scenario_json_schema

ROOT = Path(__file__).parents[1]
COMMITTED = ROOT / "scenarios" / "schema" / "scenario.schema.json"
EXAMPLE = ROOT / "scenarios" / "examples" / "two-country-ban.yaml"


def test_committed_schema_matches_the_models() -> None:
    """Regenerate with ``supplyshock schema -o scenarios/schema/scenario.schema.json``."""
    expected = json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
    assert COMMITTED.read_text(encoding="utf-8") == expected


def test_schema_allows_extends_and_forbids_unknown_keys() -> None:
    schema = scenario_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "supplyshock scenario"
    assert schema["properties"]["extends"]["type"] == "string"
    assert schema["additionalProperties"] is False
    assert schema["then"] == {"required": ["name", "horizon_days"]}
    assert schema["if"] == {"not": {"required": ["extends"]}}
    node = schema["$defs"]["Node"]
    assert node["additionalProperties"] is False
    assert set(node["required"]) == {"country", "commodity"}


def test_dataset_figures_may_be_omitted() -> None:
    defs = scenario_json_schema()["$defs"]
    assert "required" not in defs["Commodity"]
    assert defs["Link"]["required"] == ["commodity", "from", "to"]


def test_example_keys_are_all_in_the_schema() -> None:
    """Every key the shipped example uses is a property of the schema where it stands."""
    schema = scenario_json_schema()
    data = read_yaml(EXAMPLE).data

    def check(value: Any, node: dict[str, Any], where: str) -> None:
        node = _resolve(schema, node)
        if isinstance(value, dict) and "properties" in node:
            for key, child in value.items():
                assert key in node["properties"], f"{where}.{key}"
                check(child, node["properties"][key], f"{where}.{key}")
        elif isinstance(value, dict) and "additionalProperties" in node:
            for key, child in value.items():
                check(child, node["additionalProperties"], f"{where}.{key}")
        elif isinstance(value, list) and "items" in node:
            for i, child in enumerate(value):
                check(child, node["items"], f"{where}.{i}")

    check(data, schema, "")


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str):
        resolved: dict[str, Any] = schema["$defs"][ref.rsplit("/", 1)[-1]]
        return resolved
    return node


def test_example_points_editors_at_the_schema() -> None:
    first = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/scenario.schema.json"
    assert (EXAMPLE.parent / "../schema/scenario.schema.json").resolve() == COMMITTED.resolve()


def test_committed_experiment_schema_matches_the_models() -> None:
    """Regenerate with ``supplyshock schema --experiment -o ...experiment.schema.json``."""
    from simulator.experiments.schema import experiment_json_schema

    committed = ROOT / "scenarios" / "schema" / "experiment.schema.json"
    expected = json.dumps(experiment_json_schema(), indent=2, ensure_ascii=False) + "\n"
    assert committed.read_text(encoding="utf-8") == expected


def test_every_shipped_file_names_its_schema() -> None:
    schemas = ROOT / "scenarios" / "schema"
    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        kind = "experiment" if "scenario" in (read_yaml(path).data or {}) else "scenario"
        relative = os.path.relpath(schemas / f"{kind}.schema.json", path.parent)
        assert first == f"# yaml-language-server: $schema={relative}", path
