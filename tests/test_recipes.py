"""Recipes in scenario files: resolution, located errors, the dataset merge, and refusal to run.

The chain in ``tests/data/three-tier-chain.yaml`` (heavy and light oxides →
magnets → motors) balances by hand: e.g. JPN makes 50 magnets a year, which
need 50 × 0.1 = 5 of heavy oxide and 50 × 0.3 = 15 of light oxide, exactly its
demand for each (4 + 1 and 6 + 9 imported).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from invariants import check_invariants

import simulator as ss
from simulator.cli import main
from simulator.errors import InputError
from simulator.io.scenario_file import load_scenario, load_scenario_text, merge_dataset
from simulator.io.yaml import parse_yaml
from simulator.model.recipes import producer_recipes, recipe_graph

CHAIN = Path(__file__).parent / "data" / "three-tier-chain.yaml"
TEXT = CHAIN.read_text(encoding="utf-8")
NAME = "chain.yaml"


def _issues(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_scenario_text(text, NAME)
    return [str(i) for i in caught.value.issues]


def _at(text: str, needle: str, occurrence: int = 0) -> str:
    """``NAME:LINE:COL`` of the ``occurrence``-th ``needle`` in ``text`` (1-based line/col)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return f"{NAME}:{line}:{column}"


def _replace(old: str, new: str) -> str:
    assert TEXT.count(old) == 1, old
    return TEXT.replace(old, new)


# --------------------------------------------------------------------------- resolution


def test_producers_take_the_commodity_recipe_with_its_stock() -> None:
    recipes = producer_recipes(load_scenario(CHAIN))
    assert set(recipes) == {
        ("magnet", "CHN"),
        ("magnet", "JPN"),
        ("motor", "JPN"),
        ("motor", "KOR"),
    }
    jpn = recipes["magnet", "JPN"]
    assert dict(jpn.inputs) == {"heavy": 0.1, "light": 0.3}
    assert dict(jpn.input_stock_days) == {"heavy": 30.0, "light": 30.0}
    assert jpn.path == ("commodities", "magnet", "recipe")
    # motor states no input stock: none is held
    assert dict(recipes["motor", "KOR"].input_stock_days) == {"magnet": 0.0}


def test_a_node_recipe_replaces_the_default_and_an_empty_one_removes_it() -> None:
    text = _replace(
        "{country: JPN, commodity: magnet, production_per_year: 50, demand_per_year: 30}",
        "{country: JPN, commodity: magnet, production_per_year: 50, demand_per_year: 30,"
        " recipe: {light: 0.25}, input_stock_days: {light: 45},"
        " substitution: {light: {share: 0.2, delay_days: 30, ramp_days: 60}}}",
    )
    text = text.replace(
        "{country: CHN, commodity: magnet, production_per_year: 60, demand_per_year: 30}",
        "{country: CHN, commodity: magnet, production_per_year: 60, demand_per_year: 30,"
        " recipe: {}}",
    )
    recipes = producer_recipes(load_scenario_text(text, NAME))
    assert ("magnet", "CHN") not in recipes
    jpn = recipes["magnet", "JPN"]
    assert dict(jpn.inputs) == {"light": 0.25}
    assert dict(jpn.input_stock_days) == {"light": 45.0}
    assert jpn.substitution["light"].share == 0.2
    assert jpn.path == ("network", "nodes", 7, "recipe")


def test_the_recipe_graph_runs_from_inputs_to_products() -> None:
    g = recipe_graph(load_scenario(CHAIN))
    assert set(g.edges) == {("heavy", "magnet"), ("light", "magnet"), ("magnet", "motor")}


# --------------------------------------------------------------------------- located errors


def test_unknown_input_is_a_located_error() -> None:
    text = _replace("recipe: {heavy: 0.1, light: 0.3}", "recipe: {heavy: 0.1, lihgt: 0.3}")
    assert _issues(text) == [
        f"{_at(text, '0.3}')}: commodities.magnet.recipe.lihgt: unknown input commodity"
        " 'lihgt' of magnet; expected one of the scenario's commodities heavy, light,"
        " magnet, motor"
    ]


def test_a_recipe_cycle_is_a_located_error() -> None:
    # JPN's own magnet recipe needs motors, and motors need magnets.
    text = _replace(
        "{country: JPN, commodity: magnet, production_per_year: 50, demand_per_year: 30}",
        "{country: JPN, commodity: magnet, production_per_year: 50, demand_per_year: 30,"
        " recipe: {heavy: 0.1, light: 0.3, motor: 0.001}}",
    )
    (issue,) = _issues(text)
    assert issue.startswith(_at(text, "0.01}") + ": commodities.motor.recipe.magnet: ")
    assert "recipe cycle: magnet needs motor needs magnet" in issue


def test_a_product_that_is_its_own_input_is_a_cycle() -> None:
    text = _replace("recipe: {magnet: 0.01}", "recipe: {magnet: 0.01, motor: 0.1}")
    (issue,) = _issues(text)
    assert issue == (
        f"{_at(text, '0.1}')}: commodities.motor.recipe.motor: recipe cycle: motor needs"
        " motor; recipes must form an acyclic graph (a product cannot be its own input,"
        " directly or through other products)"
    )


def test_substitution_and_stock_name_inputs_of_the_recipe() -> None:
    text = _replace(
        "    input_stock_days: 30\n",
        "    input_stock_days: {heavy: 30, magnet: 5}\n    substitution: {motor: {share: 0.5}}\n",
    )
    assert _issues(text) == [
        f"{_at(text, '5}')}: commodities.magnet.input_stock_days.magnet: expected an input of"
        " magnet's recipe (heavy, light), found 'magnet'",
        f"{_at(text, '{share')}: commodities.magnet.substitution.motor: expected an input of"
        " magnet's recipe (heavy, light), found 'motor'",
    ]


def test_a_substitution_delay_is_not_negative() -> None:
    text = _replace(
        "    input_stock_days: 30\n",
        "    input_stock_days: 30\n    substitution: {heavy: {share: 0.5, delay_days: -3}}\n",
    )
    assert _issues(text) == [
        f"{_at(text, '-3}')}: commodities.magnet.substitution.heavy.delay_days: expected a"
        " number of days >= 0, found -3"
    ]


def test_a_producer_must_be_a_node_of_its_inputs() -> None:
    # KOR gains magnet capacity, so the default recipe applies to it; KOR has no oxide node.
    old = "{country: KOR, commodity: magnet, demand_per_year: 50}"
    text = _replace(old, old[:-1] + ", capacity_per_year: 5}")
    where = _at(text, "{country: KOR, commodity: magnet")
    assert _issues(text) == [
        f"{where}: network.nodes.8: KOR makes magnet, whose recipe (commodities.magnet.recipe)"
        f" needs {name}, but KOR is not a node of {name}; add it to network.nodes (its demand"
        " includes this input use)"
        for name in ("heavy", "light")
    ]


def test_an_input_demand_must_cover_its_use_in_products() -> None:
    # JPN makes 60 magnets (keeps 40, balance 60 = 40 + 20): they need 60 x 0.1 = 6 heavy
    # (demand 5) and 60 x 0.3 = 18 light (demand 15).
    text = _replace(
        "{country: JPN, commodity: magnet, production_per_year: 50, demand_per_year: 30}",
        "{country: JPN, commodity: magnet, production_per_year: 60, demand_per_year: 40}",
    )
    assert _issues(text) == [
        f"{_at(text, '5}', 0)}: network.nodes.2.demand_per_year: expected JPN's demand for heavy"
        " to cover its use in products (production x units per unit: magnet 6; total 6 per"
        " year), found 5",
        f"{_at(text, '15}')}: network.nodes.5.demand_per_year: expected JPN's demand for light"
        " to cover its use in products (production x units per unit: magnet 18; total 18 per"
        " year), found 15",
    ]


def test_recipe_quantities_are_positive() -> None:
    text = _replace("recipe: {magnet: 0.01}", "recipe: {magnet: 0}")
    (issue,) = _issues(text)
    assert issue.startswith(_at(text, "0}") + ": commodities.motor.recipe.magnet:")
    assert issue.endswith("expected a number > 0, found 0")


# --------------------------------------------------------------------------- the dataset


@dataclass
class _Dataset:
    commodities: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {
            c: {"price_usd_per_unit": 1.0, "value_at_risk_usd_per_unit": 1.0}
            for c in ("ore", "metal")
        }
    )
    nodes: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"commodity": "ore", "country": "KOR", "production_per_year": 20.0,
             "demand_per_year": 20.0},
            {"commodity": "metal", "country": "KOR", "production_per_year": 10.0,
             "demand_per_year": 10.0},
            {"commodity": "metal", "country": "JPN", "production_per_year": 1.0,
             "demand_per_year": 1.0},
        ]
    )  # fmt: skip
    links: list[dict[str, Any]] = field(default_factory=list)
    regions: dict[str, str] = field(default_factory=dict)
    recipes: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"commodity": "metal", "country": "*", "input": "ore", "per_unit": 2.0,
             "input_stock_days": 30.0},
            {"commodity": "metal", "country": "JPN", "input": "ore", "per_unit": 0.0001,
             "input_stock_days": 10.0},
        ]
    )  # fmt: skip


def _merged(commodities: str) -> dict[str, Any]:
    text = f"name: d\nhorizon_days: 5\ndata: builtin\ncommodities: {commodities}\n"
    merged = merge_dataset(parse_yaml(text, "d.yaml"), _Dataset()).data
    assert isinstance(merged, dict)
    return merged


def test_dataset_recipes_join_commodities_and_nodes_when_the_input_is_simulated() -> None:
    merged = _merged("{ore: {}, metal: {}}")
    assert merged["commodities"]["metal"]["recipe"] == {"ore": 2.0}
    assert merged["commodities"]["metal"]["input_stock_days"] == {"ore": 30.0}
    (jpn,) = (n for n in merged["network"]["nodes"] if n["country"] == "JPN")
    assert jpn["recipe"] == {"ore": 0.0001}


def test_dataset_recipes_whose_input_is_left_out_are_not_merged() -> None:
    merged = _merged("{metal: {}}")
    assert "recipe" not in merged["commodities"]["metal"]
    assert all("recipe" not in n for n in merged["network"]["nodes"])


def test_a_scenario_may_clear_the_dataset_recipe() -> None:
    """``recipe: null`` also drops the dataset's input stocks that went with it (they
    would name inputs of a recipe that is gone); a stock the user writes stays."""
    merged = _merged("{ore: {}, metal: {recipe: null}}")
    assert merged["commodities"]["metal"]["recipe"] is None
    assert "input_stock_days" not in merged["commodities"]["metal"]
    own = _merged("{ore: {}, metal: {recipe: {ore: 1}, input_stock_days: 5}}")
    assert own["commodities"]["metal"]["input_stock_days"] == 5


# --------------------------------------------------------------------------- running


def _runs_with_nothing_moving(scenario: ss.Scenario) -> None:
    result = ss.simulate(scenario)
    check_invariants(scenario, result)
    for rec in result.records.values():
        assert float(np.abs(rec["shortfall"]).max()) < 1e-9
        np.testing.assert_allclose(
            rec["inventory"],
            np.broadcast_to(rec.inventory_target, rec["inventory"].shape),
            atol=1e-9,
        )


def test_simulate_runs_recipes_and_with_no_shock_nothing_moves() -> None:
    _runs_with_nothing_moving(load_scenario(CHAIN))


def test_without_recipes_the_same_chain_runs() -> None:
    text = TEXT.replace("recipe: {heavy: 0.1, light: 0.3}", "recipe: null").replace(
        "recipe: {magnet: 0.01}", "recipe: null"
    )
    result = ss.simulate(load_scenario_text(text, NAME))
    assert set(result.records) == {"heavy", "light", "magnet", "motor"}


def test_a_recipe_without_producers_does_not_change_the_run() -> None:
    # Nobody has capacity for motors: the recipe is inert and the run goes ahead.
    text = TEXT.replace("recipe: {heavy: 0.1, light: 0.3}", "recipe: null")
    text = text.replace("production_per_year: 2000, demand_per_year: 1500", "demand_per_year: 0")
    text = text.replace("production_per_year: 4000, demand_per_year: 4500", "demand_per_year: 0")
    text = text.replace(
        "    - {commodity: motor, from: JPN, to: KOR, flow_per_year: 500, lead_time_days: 4}\n",
        "",
    )
    scenario = load_scenario_text(text, NAME)
    assert scenario.commodities["motor"].recipe == {"magnet": 0.01}
    ss.simulate(scenario)


@pytest.mark.parametrize("command", ["run", "batch"])
def test_the_command_line_runs_recipes(command: str, tmp_path: Path) -> None:
    args = [command, str(CHAIN)]
    if command == "batch":
        args += ["--out", str(tmp_path / "out"), "--replications", "1", "--quiet"]
    assert main(args) == 0


RECONCILED = (
    _replace(
        "    - {commodity: heavy, from: AUS, to: JPN, flow_per_year: 1, lead_time_days: 8}",
        "    - {commodity: heavy, from: AUS, to: JPN, flow_per_year: 0.5, lead_time_days: 8}",
    )
    .replace(
        "{country: AUS, commodity: heavy, production_per_year: 1}",
        "{country: AUS, commodity: heavy, production_per_year: 0.5}",
    )
    .replace("horizon_days: 60\n", "horizon_days: 60\nreconcile: true\n")
    .replace(
        "{country: JPN, commodity: heavy, demand_per_year: 5}",
        "{country: JPN, commodity: heavy, demand_per_year: 5}  # JPN",
    )
)
"""JPN imports 4.5 heavy a year but declares 5 (its magnets' use): reconcile lowers it to 4.5."""


def test_an_input_demand_reconciled_below_its_use_is_refused_where_it_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = load_scenario_text(RECONCILED, NAME)  # valid: the recipe check reads 5
    with pytest.raises(
        InputError, match=r"reconcile: true lowered JPN's demand for heavy to 4\.5 "
    ):
        ss.simulate(scenario)
    path = tmp_path / NAME
    path.write_text(RECONCILED, encoding="utf-8")
    assert main(["run", str(path)]) == 3
    where = _at(RECONCILED, "5}  # JPN").replace(NAME, str(path))
    assert f"{where}: network.nodes.2.demand_per_year: reconcile: true lowered" in (
        capsys.readouterr().err
    )


def test_the_embedded_chains_load_and_run() -> None:
    everything = load_scenario_text("name: all\nhorizon_days: 5\ndata: builtin\n", "all.yaml")
    recipes = producer_recipes(everything)
    assert dict(recipes["vehicle_motors", "KOR"].inputs) == {"ndfeb_magnets": 0.0035}
    assert set(recipes["ndfeb_magnets", "JPN"].inputs) == {
        "rare_earth_oxides_light",
        "rare_earth_oxides_heavy",
    }
    _runs_with_nothing_moving(everything)
    # Magnets alone: their inputs are outside the scenario, so they run as before.
    magnets = load_scenario_text(
        "name: m\nhorizon_days: 5\ndata: builtin\ncommodities: {ndfeb_magnets: {}}\n", "m.yaml"
    )
    assert magnets.commodities["ndfeb_magnets"].recipe is None
    assert producer_recipes(magnets) == {}


def test_validate_accepts_recipes_and_says_production_is_limited_by_inputs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", str(CHAIN)]) == 0
    out = capsys.readouterr().out
    assert "4 producers with recipes" in out  # CHN, JPN magnets; JPN, KOR motors
    assert "production limited by inputs" in out
