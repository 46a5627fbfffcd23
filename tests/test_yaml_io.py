"""YAML parsing with positions, YAML 1.2 scalars, YAML-level errors, resolved round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.errors import InputError, Location
from simulator.io.resolved import dump_scenario_yaml
from simulator.io.scenario_file import load_scenario, load_scenario_text
from simulator.io.yaml import SourceMap, parse_yaml, read_yaml

BAD = Path(__file__).parent / "data" / "bad"
EXAMPLE = Path(__file__).parents[1] / "scenarios" / "examples" / "two-country-ban.yaml"


def _only_issue(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_yaml(path)
    assert len(caught.value.issues) == 1
    return str(caught.value.issues[0])


# --- YAML 1.2 scalars --------------------------------------------------------------------


def test_yaml_12_scalars_norway_stays_text_and_exponents_are_numbers() -> None:
    text = "country: NO\nflag: yes\nflow: 1e3\nsmall: 2.5e-3\ncount: 7\non: true\nnothing: ~\n"
    data = parse_yaml(text, "s.yaml").data
    assert data == {
        "country": "NO",
        "flag": "yes",
        "flow": 1000.0,
        "small": 0.0025,
        "count": 7,
        "on": True,
        "nothing": None,
    }
    assert type(data["flow"]) is float
    assert type(data["count"]) is int
    assert type(data["country"]) is str


def test_plain_python_types_only() -> None:
    text = "a: &x {b: [1, 2.5, 'q', true]}\nc: *x\nd: 2023-08-01\n2024: year key\n"
    data = parse_yaml(text, "t.yaml").data
    assert data == {
        "a": {"b": [1, 2.5, "q", True]},
        "c": {"b": [1, 2.5, "q", True]},
        "d": "2023-08-01",
        "2024": "year key",
    }

    def types(value: object) -> set[type]:
        if isinstance(value, dict):
            return {dict}.union(*(types(v) for v in value.values()), {type(k) for k in value})
        if isinstance(value, list):
            return {list}.union(*(types(v) for v in value))
        return {type(value)}

    assert types(data) <= {dict, list, str, int, float, bool, type(None)}


# --- positions ---------------------------------------------------------------------------


def test_positions_of_keys_values_and_list_items() -> None:
    text = (
        "name: x\n"  # 1
        "network:\n"  # 2
        "  nodes:\n"  # 3
        "    - {country: CHN, commodity: w}\n"  # 4
        "    - country: KOR\n"  # 5
        "      commodity: w\n"  # 6
    )
    doc = parse_yaml(text, "p.yaml")
    values, keys = doc.positions.values, doc.positions.keys
    assert values[("name",)] == Location("p.yaml", 1, 7)
    assert keys[("name",)] == Location("p.yaml", 1, 1)
    assert keys[("network", "nodes")] == Location("p.yaml", 3, 3)
    assert values[("network", "nodes", 0)] == Location("p.yaml", 4, 7)
    assert keys[("network", "nodes", 0, "country")] == Location("p.yaml", 4, 8)
    assert values[("network", "nodes", 0, "country")] == Location("p.yaml", 4, 17)
    assert values[("network", "nodes", 1)] == Location("p.yaml", 5, 7)
    assert values[("network", "nodes", 1, "commodity")] == Location("p.yaml", 6, 18)
    # every key has a value position, every list item has one
    assert set(keys) <= set(values)


def test_locate_falls_back_to_the_nearest_located_ancestor() -> None:
    positions = SourceMap({(): Location("f", 1, 1), ("a",): Location("f", 2, 3)})
    assert positions.locate(("a", 4, "b")) == Location("f", 2, 3)
    assert positions.locate(("z",)) == Location("f", 1, 1)
    assert positions.locate_key(("a",)) == Location("f", 2, 3)
    doc = parse_yaml("a: {b: 1}\nc: 2\n", "u.yaml")
    assert sorted((p, k) for p, _, k in doc.positions.under(("a",))) == [
        (("a",), False),
        (("a",), True),
        (("a", "b"), False),
        (("a", "b"), True),
    ]


# --- errors at the YAML level --------------------------------------------------------------


def test_duplicate_key_is_located_with_its_path() -> None:
    path = BAD / "duplicate-key.yaml"
    assert _only_issue(path) == (
        f"{path}:19:5: shocks.0.mode: duplicate key 'mode';"
        " it is already defined at line 17, column 5 of this mapping"
    )


def test_syntax_error_at_the_position_ruamel_reports() -> None:
    path = BAD / "syntax-error.yaml"
    issue = _only_issue(path)
    assert issue.startswith(f"{path}:7:8: <root>: YAML syntax error: ")
    assert "line 6, column 11" in issue


def test_python_tag_is_an_error_not_an_object() -> None:
    path = BAD / "python-tag.yaml"
    assert _only_issue(path) == (
        f"{path}:4:15: horizon_days: unsupported tag !!python/object/apply:os.getcwd;"
        " expected plain YAML data (mappings, lists, text, numbers, true/false, null)"
    )


def test_python_tag_is_never_run(tmp_path: Path) -> None:
    target = tmp_path / "created-by-yaml"
    text = (
        f"a: !!python/object/apply:os.mkdir [{str(target)!r}]\nb: !!python/object:os.system {{}}\n"
    )
    with pytest.raises(InputError) as caught:
        parse_yaml(text, "evil.yaml")
    assert not target.exists()
    assert [i.path for i in caught.value.issues] == [("a",), ("b",)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!binary aGk=\n", "unsupported YAML value (bytes)"),
        ("a: !!set {x}\n", "unsupported YAML value (CommentedSet)"),
        ("a: !custom 3\n", "unsupported tag !custom"),
        ("[1, 2]: x\n", "expected a text key"),
    ],
)
def test_values_that_are_not_plain_data(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_yaml(text, "v.yaml")
    (issue,) = caught.value.issues
    assert issue.location is not None
    assert issue.location.line == 1
    assert message in issue.message


def test_unreadable_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_yaml(tmp_path / "absent.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"name: ok\ndescription: caf\xe9\n")
    with pytest.raises(InputError) as caught:
        read_yaml(latin)
    assert str(caught.value.issues[0]).startswith(f"{latin}:2:17: <root>: expected UTF-8 text")


def test_empty_document_is_none() -> None:
    assert parse_yaml("# only a comment\n", "e.yaml").data is None


# --- resolved round trip -------------------------------------------------------------------

EVERYTHING = """
name: everything
description: "Every policy kind and distribution. Norway is NO; 1e3 is a number."
horizon_days: 730
seed: 7
replications: 3
regions: {ROW: rest of world}
commodities:
  gallium: {unit: t, price_usd_per_unit: 250000, value_at_risk_usd_per_unit: 3.3e7,
            carrying_cost_per_year: 0.04}
network:
  nodes:
    - {country: CHN, commodity: gallium, production_per_year: 100, capacity_per_year: 120,
       demand_per_year: 40, inventory_days: 30}
    - {country: KOR, commodity: gallium, demand_per_year: 30, inventory_days: 30}
    - {country: JPN, commodity: gallium, production_per_year: 10, demand_per_year: 40,
       inventory_days: 60,
       expansion: {sustain_days: 20, delay_days: {dist: uniform, low: 200, high: 400},
                   ramp_per_year: 5, max_capacity_per_year: 30}}
    - {country: AUS, commodity: gallium, production_per_year: 0, capacity_per_year: 0,
       expansion: {delay_days: 365, ramp_per_year: 20, max_capacity_per_year: 55}}
    - {country: ROW, commodity: gallium, production_per_year: 5, demand_per_year: 5}
  links:
    - {commodity: gallium, from: CHN, to: KOR, flow_per_year: 30,
       lead_time_days: {dist: triangular, low: 3, mode: 4, high: 6}}
    - {commodity: gallium, from: CHN, to: JPN, flow_per_year: 30,
       lead_time_days: {dist: lognormal, median: 4, sigma: 0.2, truncate: true}}
    - {commodity: gallium, from: AUS, to: KOR, flow_per_year: 0, lead_time_days: 12}
shocks:
  - id: licensing
    exporter: CHN
    commodity: gallium
    targets: all
    mode: licensing
    announced_day: 0
    effective_day: 29
    duration_days: {dist: lognormal, median: 150, sigma: 0.4}
    licence:
      processing_days: {dist: normal, mean: 45, sd: 10, low: 30, high: 90}
      approval_probability: 0.7
    leakage: {via: ROW, share: 0.1, extra_lead_time_days: 20}
    front_loading: {extra_inventory_days: 30}
  - id: quota
    exporter: CHN
    commodity: gallium
    targets: {all_except: [JPN]}
    mode: quota
    quota_share: 0.3
    effective_day: {dist: fixed, value: 10}
    duration_days: {dist: choice, values: [90, 180], weights: [0.25, 0.75]}
  - {id: ban, exporter: CHN, commodity: gallium, targets: [KOR], mode: ban,
     effective_day: 400, duration_days: null}
coalitions:
  KJ: [KOR, JPN]
  KJ+: [KOR, JPN, AUS]
policies:
  stockpiles:
    - {id: kor-reserve, country: KOR, commodity: gallium, size_days: 60,
       trigger_coverage_days: 20,
       decision_delay_days: {dist: triangular, low: 5, mode: 8, high: 15},
       max_release_per_day: null, floor_days: 0, replenish_per_day: 0.2}
    - {id: jpn-reserve, country: JPN, commodity: gallium, size_units: 12, trigger: any_shortfall,
       max_release_per_day: 0.5}
  joint_stockpiles:
    - {id: kj-pool, coalition: KJ, commodity: gallium, size_days: 30, location: JPN,
       allocation: shares, shares: {KOR: 0.5, JPN: 0.5}, trigger_coverage_days: 10,
       decision_delay_days: 0, lead_time_days: 3}
  mutual_transfers:
    - {id: kj-transfer, coalition: KJ, commodities: [gallium], trigger_coverage_days: 10,
       donor_floor_days: 20, lead_time_days: 5, burden: spare_stock, loan: true,
       honour_probability: {KOR: 0.9, JPN: 0.8}, reciprocal: false}
  joint_procurement:
    - {id: kj-buy, coalition: KJ+, commodities: [gallium], priority: true, share: 0.5}
ordering: {adjustment_days: 7}
"""


def test_round_trip_with_every_policy_kind_and_distribution() -> None:
    scenario = load_scenario_text(EVERYTHING, "everything.yaml")
    text = dump_scenario_yaml(scenario)
    again = load_scenario_text(text, "resolved.yaml")
    assert again == scenario
    assert dump_scenario_yaml(again) == text
    assert scenario.description.startswith("Every policy kind")
    kinds = {type(s.duration_days).__name__ for s in scenario.shocks}
    assert kinds == {"LogNormal", "Choice", "NoneType"}


def test_round_trip_of_the_shipped_example() -> None:
    scenario = load_scenario(EXAMPLE)
    assert scenario.shocks[0].duration_days is None  # a file's own null is a value
    assert load_scenario_text(dump_scenario_yaml(scenario), "resolved.yaml") == scenario


def test_round_trip_keeps_text_that_looks_like_other_types() -> None:
    text = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace("name: two-country-ban", "name: '1e3'")
        .replace("description: One supplier", "description: 'NO'\n# One supplier")
    )
    scenario = load_scenario_text(text, "looks.yaml")
    assert (scenario.name, scenario.description) == ("1e3", "NO")
    assert load_scenario_text(dump_scenario_yaml(scenario), "r.yaml") == scenario
