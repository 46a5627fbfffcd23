"""``extends``: the deep merge, chains with positions per file, cycles, dotted paths."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from simulator.errors import InputError, Location
from simulator.io.extends import (
    PathNotFoundError,
    deep_merge,
    get_path,
    load_with_extends,
    resolve_path,
    set_path,
)
from simulator.io.scenario_file import load_scenario

BAD = Path(__file__).parent / "data" / "bad"

BASE_SCENARIO = """\
name: base
description: The two-country case.
horizon_days: 365
commodities:
  widget: {price_usd_per_unit: 1000, value_at_risk_usd_per_unit: 50000}
network:
  nodes:
    - {country: CHN, commodity: widget, production_per_year: 365}
    - {country: KOR, commodity: widget, demand_per_year: 365, inventory_days: 30}
  links:
    - {commodity: widget, from: CHN, to: KOR, flow_per_year: 365, lead_time_days: 10}
shocks:
  - {id: ban, exporter: CHN, commodity: widget, targets: [KOR], mode: ban,
     effective_day: 50, duration_days: 120}
  - {id: later, exporter: CHN, commodity: widget, mode: ban, effective_day: 300}
policies:
  stockpiles:
    - {id: kor, country: KOR, commodity: widget, size_days: 60, trigger_coverage_days: 10}
"""


# --- deep_merge --------------------------------------------------------------------------


def test_mappings_merge_recursively_and_keep_base_order() -> None:
    base = {"a": 1, "m": {"x": 1, "y": {"p": 1, "q": 2}}, "z": 0}
    overlay = {"m": {"y": {"q": 3, "r": 4}, "w": 5}, "new": 6}
    assert deep_merge(base, overlay) == {
        "a": 1,
        "m": {"x": 1, "y": {"p": 1, "q": 3, "r": 4}, "w": 5},
        "z": 0,
        "new": 6,
    }
    assert list(deep_merge(base, overlay)) == ["a", "m", "z", "new"]


def test_lists_of_entries_with_ids_merge_by_id_and_append_new_ids_in_order() -> None:
    base = {"shocks": [{"id": "a", "v": 1, "w": 1}, {"id": "b", "v": 2}]}
    overlay = {"shocks": [{"id": "c", "v": 30}, {"id": "b", "v": 20}, {"id": "d"}]}
    assert deep_merge(base, overlay)["shocks"] == [
        {"id": "a", "v": 1, "w": 1},
        {"id": "b", "v": 20},
        {"id": "c", "v": 30},
        {"id": "d"},
    ]


def test_other_lists_are_replaced() -> None:
    base = {"targets": ["KOR", "JPN"], "nodes": [{"country": "CHN"}], "mixed": [{"id": "a"}, 3]}
    overlay = {"targets": ["USA"], "nodes": [{"country": "KOR"}], "mixed": [{"id": "a", "x": 1}]}
    assert deep_merge(base, overlay) == overlay


def test_an_empty_overlay_list_empties_and_duplicate_ids_replace() -> None:
    assert deep_merge({"s": [{"id": "a"}]}, {"s": []}) == {"s": []}
    twice = [{"id": "a", "v": 1}, {"id": "a", "v": 2}]
    assert deep_merge({"s": [{"id": "a", "v": 0, "w": 0}]}, {"s": twice}) == {"s": twice}


def test_null_in_the_overlay_removes_the_key() -> None:
    base = {
        "policies": {"stockpiles": [{"id": "s"}], "mutual_transfers": [{"id": "t"}]},
        "shocks": [{"id": "ban", "duration_days": 90, "mode": "ban"}],
    }
    overlay = {
        "policies": {"mutual_transfers": None, "absent": None},
        "shocks": [{"id": "ban", "duration_days": None}],
    }
    assert deep_merge(base, overlay) == {
        "policies": {"stockpiles": [{"id": "s"}]},
        "shocks": [{"id": "ban", "mode": "ban"}],
    }


def test_values_added_by_the_overlay_keep_their_nulls() -> None:
    merged = deep_merge({"shocks": [{"id": "a"}]}, {"shocks": [{"id": "b", "duration_days": None}]})
    assert merged["shocks"][1] == {"id": "b", "duration_days": None}


def test_deep_merge_is_pure() -> None:
    base: dict[str, Any] = {"m": {"l": [1, 2]}, "s": [{"id": "a", "v": [1]}]}
    overlay: dict[str, Any] = {"m": {"k": {"deep": [3]}}, "s": [{"id": "b", "v": [2]}]}
    before = copy.deepcopy((base, overlay))
    merged = deep_merge(base, overlay)
    merged["m"]["l"].append(99)
    merged["m"]["k"]["deep"].append(99)
    merged["s"][1]["v"].append(99)
    assert (base, overlay) == before


# --- extends files -----------------------------------------------------------------------


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_chain_of_extends_with_positions_in_each_file(tmp_path: Path) -> None:
    base = _write(tmp_path, "base/base.yaml", BASE_SCENARIO)
    middle = _write(
        tmp_path,
        "base/middle.yaml",
        "extends: base.yaml\nname: middle\nshocks:\n  - {id: ban, duration_days: null}\n",
    )
    child = _write(
        tmp_path,
        "policy/child.yaml",
        "extends: ../base/middle.yaml\n"  # 1
        "name: child\n"  # 2
        "shocks:\n"  # 3
        "  - id: ban\n"  # 4
        "    targets: all\n"  # 5
        "  - id: extra\n"  # 6
        "    exporter: CHN\n"  # 7
        "    commodity: widget\n"  # 8
        "    mode: ban\n"  # 9
        "    effective_day: 10\n"  # 10
        "policies:\n"  # 11
        "  stockpiles: null\n",  # 12
    )
    doc = load_with_extends(child)
    assert "extends" not in doc.data
    assert doc.data["name"] == "child"
    assert [s["id"] for s in doc.data["shocks"]] == ["ban", "later", "extra"]
    assert doc.data["shocks"][0] == {
        "id": "ban",
        "exporter": "CHN",
        "commodity": "widget",
        "targets": "all",
        "mode": "ban",
        "effective_day": 50,
    }
    assert doc.data["policies"] == {}
    where = doc.positions.values
    assert where[("name",)] == Location(str(child), 2, 7)
    assert where[("shocks", 0, "targets")] == Location(str(child), 5, 14)
    assert where[("shocks", 0, "mode")].file == str(base)
    assert where[("shocks", 1)].file == str(base)
    assert where[("shocks", 2, "effective_day")] == Location(str(child), 10, 20)
    assert where[("horizon_days",)] == Location(str(base), 3, 15)
    assert str(middle).endswith("middle.yaml")

    scenario = load_scenario(child)
    assert scenario.shocks[0].duration_days is None
    assert scenario.policies.stockpiles == []


def test_errors_point_to_the_file_that_wrote_the_value(tmp_path: Path) -> None:
    base = _write(tmp_path, "base.yaml", BASE_SCENARIO.replace("mode: ban,\n", "mode: bann,\n"))
    child = _write(tmp_path, "child.yaml", "extends: base.yaml\nname: child\nhorizon_days: 0\n")
    with pytest.raises(InputError) as caught:
        load_scenario(child)
    assert sorted(str(i) for i in caught.value.issues) == [
        f"{base}:13:71: shocks.0.mode: expected one of ban, quota, licensing; found 'bann'",
        f"{child}:3:15: horizon_days: expected an integer between 1 and 36500, found 0",
    ]


def test_extends_cycle_is_located_at_the_extends_key() -> None:
    a, b = BAD / "extends-cycle-a.yaml", BAD / "extends-cycle-b.yaml"
    with pytest.raises(InputError) as caught:
        load_scenario(a)
    (issue,) = caught.value.issues
    assert str(issue) == f"{b}:3:1: extends: extends cycle: {a} -> {b} -> {a}"


def test_extends_missing_file_is_located_at_the_extends_key() -> None:
    path = BAD / "extends-missing.yaml"
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    (issue,) = caught.value.issues
    assert str(issue).startswith(
        f"{path}:3:1: extends: base scenario '../no-such-base.yaml' not found (looked for "
    )


def test_a_file_extending_itself(tmp_path: Path) -> None:
    path = _write(tmp_path, "self.yaml", "name: self\nextends: self.yaml\n")
    with pytest.raises(InputError, match="extends cycle"):
        load_with_extends(path)


def test_extends_must_name_a_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", "name: x\nextends: [a.yaml]\n")
    with pytest.raises(InputError) as caught:
        load_with_extends(path)
    assert str(caught.value.issues[0]).startswith(f"{path}:2:1: extends: expected the path")


# --- dotted paths ------------------------------------------------------------------------

DOC: dict[str, Any] = {
    "shocks": [{"id": "ban", "duration_days": 90}, {"id": "q", "quota_share": 0.3}],
    "policies": {"joint_stockpiles": [{"id": "kj-pool", "size_days": 30}]},
    "targets": ["KOR", "JPN"],
}


def test_get_path_by_id_and_by_index() -> None:
    assert get_path(DOC, "shocks.ban.duration_days") == 90
    assert get_path(DOC, "shocks.1.quota_share") == 0.3
    assert get_path(DOC, "policies.joint_stockpiles.kj-pool.size_days") == 30
    assert get_path(DOC, "targets.-1") == "JPN"
    assert resolve_path(DOC, "shocks.q.quota_share") == ("shocks", 1, "quota_share")


def test_set_path_returns_a_new_document() -> None:
    before = copy.deepcopy(DOC)
    changed = set_path(DOC, "policies.joint_stockpiles.kj-pool.size_days", 60)
    assert get_path(changed, "policies.joint_stockpiles.kj-pool.size_days") == 60
    assert set_path(DOC, "shocks.ban.effective_day", 5)["shocks"][0]["effective_day"] == 5
    assert set_path(DOC, "targets.0", "USA")["targets"] == ["USA", "JPN"]
    assert before == DOC


def test_missing_paths_say_what_exists() -> None:
    with pytest.raises(PathNotFoundError) as caught:
        get_path(DOC, "policies.joint_stockpiles.kj-big.size_days")
    assert caught.value.found == ("policies", "joint_stockpiles")
    assert "kj-pool" in str(caught.value)
    with pytest.raises(PathNotFoundError):
        set_path(DOC, "ordering.adjustment_days", 3)
    assert set_path(DOC, "ordering.adjustment_days", 3, create=True)["ordering"] == {
        "adjustment_days": 3
    }
    with pytest.raises(PathNotFoundError):
        set_path(DOC, "shocks.nope.duration_days", 1, create=True)
    with pytest.raises(PathNotFoundError):
        get_path(DOC, "shocks..x")


def test_text_resolves_extends_relative_to_its_name(tmp_path: Path) -> None:
    from simulator.io.scenario_file import load_scenario_text

    _write(tmp_path, "base.yaml", BASE_SCENARIO)
    scenario = load_scenario_text(
        "extends: base.yaml\nname: from-text\nseed: 4\n", str(tmp_path / "virtual.yaml")
    )
    assert (scenario.name, scenario.seed, scenario.horizon_days) == ("from-text", 4, 365)
