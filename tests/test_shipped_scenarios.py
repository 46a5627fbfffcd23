"""Every YAML file shipped under ``scenarios/`` validates, runs and conserves material.

A file with a top-level ``scenario:`` key is an experiment: it is loaded with
:func:`simulator.experiments.load_plan` and each of its variants (every sweep
point included) is run for one replication.  Any other file is a scenario:
loaded with :func:`simulator.io.load_scenario` and run for one replication.
Every run must satisfy the invariants of ``tests/invariants.py``, recomputed
from its daily records and the scenario (per-country balances, reserves,
transit counters, loans, capacity, and the engine's ledger against the records).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from invariants import check_invariants

from simulator.engine import simulate
from simulator.experiments import load_plan
from simulator.io import load_scenario, read_yaml
from simulator.model.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SCHEMA = SCENARIOS / "schema" / "scenario.schema.json"
SCHEMA_COMMENT = "# yaml-language-server: $schema="


def _shipped() -> list[Path]:
    return sorted(
        p
        for p in SCENARIOS.rglob("*.y*ml")
        if p.suffix in {".yaml", ".yml"} and SCENARIOS / "schema" not in p.parents
    )


def _is_experiment(path: Path) -> bool:
    data = read_yaml(path).data
    return isinstance(data, dict) and "scenario" in data


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(SCENARIOS)) for p in paths]


SHIPPED = _shipped()
SCENARIO_FILES = [p for p in SHIPPED if not _is_experiment(p)]
EXPERIMENT_FILES = [p for p in SHIPPED if _is_experiment(p)]


def _run_and_check(scenario: Scenario, seed: int | None = None) -> None:
    result = simulate(scenario, 0, seed=seed)
    assert set(result.ledgers) == set(scenario.commodities)
    check_invariants(scenario, result)


def test_there_are_shipped_scenarios() -> None:
    assert SCENARIO_FILES
    names = {p.relative_to(SCENARIOS).parts[0] for p in SHIPPED}
    assert {"examples", "replays", "experiments"} <= names


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_ids(SCENARIO_FILES))
def test_scenario_file_starts_with_its_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(SCHEMA_COMMENT), f"{path.name}: first line is {first!r}"
    target = (path.parent / first[len(SCHEMA_COMMENT) :].strip()).resolve()
    assert target == SCHEMA.resolve(), f"{path.name}: the schema path does not lead to {SCHEMA}"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=_ids(SCENARIO_FILES))
def test_scenario_validates_runs_and_conserves(path: Path) -> None:
    scenario = load_scenario(path)
    # SCENARIO-FORMAT.md: the description is required (what question the file answers).
    assert scenario.description.strip(), f"{path.name} has no description"
    _run_and_check(scenario)


@pytest.mark.parametrize("path", EXPERIMENT_FILES, ids=_ids(EXPERIMENT_FILES))
def test_experiment_validates_and_every_variant_runs(path: Path) -> None:
    plan = load_plan(path)
    assert plan.variants
    assert plan.baseline in {v.name for v in plan.variants} | {v.baseline for v in plan.variants}
    for variant in plan.variants:
        _run_and_check(variant.scenario, seed=plan.seed)
