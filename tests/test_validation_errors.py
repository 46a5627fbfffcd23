"""Every documented mistake in a scenario file is reported as ``FILE:LINE:COL: path: message``.

Each bad file under ``tests/data/bad/`` is the two-country case with one
mistake (or several, all reported at once).  The dataset merge is checked
here too: what comes from the dataset, what the file overrides, and where an
error in a dataset-derived entry is located.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from simulator.errors import InputError, Location
from simulator.io import dataset as dataset_io
from simulator.io import scenario_file
from simulator.io.market import MarketParameters
from simulator.io.scenario_file import load_scenario, load_scenario_text, merge_dataset
from simulator.io.yaml import parse_yaml

BAD = Path(__file__).parent / "data" / "bad"
EXAMPLE = Path(__file__).parents[1] / "scenarios" / "examples" / "two-country-ban.yaml"


def _issues(name: str) -> list[str]:
    path = BAD / name
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    return [str(i) for i in caught.value.issues]


def _expect(name: str, *lines: str) -> None:
    """The issues of ``name`` are exactly ``lines`` (each ``LINE:COL: path: message``)."""
    assert _issues(name) == [f"{BAD / name}:{line}" for line in lines]


NODE_KEYS = (
    "country, commodity, production_per_year, capacity_per_year, demand_per_year,"
    " inventory_days, expansion, recipe, input_stock_days, substitution, contracting_delay_days,"
    " value_at_risk_usd_per_unit"
)
KOR_HINT = "(did you mean 'KOR'?)"
UNKNOWN_CODE = "expected an ISO 3166-1 alpha-3 code (e.g. KOR) or a region declared under regions:"


def test_shipped_example_is_valid() -> None:
    scenario = load_scenario(EXAMPLE)
    assert scenario.name == "two-country-ban"
    assert len(scenario.network.links) == 1


def test_misspelt_key() -> None:
    _expect(
        "misspelt-key.yaml",
        f"10:41: network.nodes.1.demand_per_yaer: unknown key; expected one of {NODE_KEYS};"
        " did you mean demand_per_year?",
    )


def test_wrong_enum() -> None:
    _expect(
        "wrong-enum.yaml",
        "18:11: shocks.0.mode: expected one of ban, quota, licensing; found 'embargo'",
    )


def test_wrong_type() -> None:
    _expect("wrong-type.yaml", "4:15: horizon_days: expected an integer, found 'one year'")


def test_bad_distribution_low_above_mode() -> None:
    _expect(
        "bad-distribution.yaml",
        "16:23: network.links.0.lead_time_days: expected low <= mode <= high,"
        " found low=12.0, mode=10.0, high=20.0",
    )


def test_quota_without_quota_share_is_located_at_the_shock() -> None:
    _expect(
        "quota-without-share.yaml",
        "14:5: shocks.0: mode quota needs quota_share (share of baseline flow allowed)",
    )


def test_unknown_country_code() -> None:
    _expect(
        "unknown-country.yaml",
        f"10:17: network.nodes.1.country: unknown country code 'KOX' {KOR_HINT}; {UNKNOWN_CODE}",
        f"12:42: network.links.0.to: unknown country code 'KOX' {KOR_HINT}; {UNKNOWN_CODE}",
    )


def test_link_to_a_country_that_is_not_a_node() -> None:
    _expect(
        "link-to-non-node.yaml",
        "13:42: network.links.1.to: JPN is not a node of commodity widget; add it to network.nodes",
    )


def test_self_loop() -> None:
    _expect("self-loop.yaml", "13:7: network.links.1: self-loop KOR -> KOR")


def test_lead_time_below_one_day() -> None:
    _expect(
        "short-lead-time.yaml",
        "12:83: network.links.0.lead_time_days: expected a lead time of 1 to 3650 days, found 0.5",
    )


def test_negative_flow() -> None:
    _expect(
        "negative-flow.yaml",
        "12:62: network.links.0.flow_per_year: expected a number between 0 and 1e+15, found -365",
    )


def test_unbalanced_countries_named_with_their_gap() -> None:
    _expect(
        "unbalanced.yaml",
        "10:7: network.nodes.0: CHN (widget) does not balance: production + imports = 365"
        " but demand + exports = 300 (gap +65 per year); fix the figures or set reconcile: true",
        "11:7: network.nodes.1: KOR (widget) does not balance: production + imports = 300"
        " but demand + exports = 365 (gap -65 per year); fix the figures or set reconcile: true",
    )


def test_several_errors_are_all_reported_in_file_order() -> None:
    _expect(
        "several-errors.yaml",
        "4:15: horizon_days: expected an integer between 1 and 36500, found -5",
        "5:1: seedd: unknown key; expected one of name, description, horizon_days, seed,"
        " replications, data, reconcile, regions, commodities, network, shocks, coalitions,"
        " policies, ordering, market, backtest; did you mean seed?",
        f"11:41: network.nodes.1.demand_per_yaer: unknown key; expected one of {NODE_KEYS};"
        " did you mean demand_per_year?",
        "13:120: network.links.0.lead_time_days.sigma: expected a number > 0 and <= 10, found 0",
        "18:14: shocks.0.targets: expected 'all', a list or a mapping; found 5",
        "19:11: shocks.0.mode: expected one of ban, quota, licensing; found 'embargo'",
    )


# --- more shapes of mistakes, written inline --------------------------------------------

GOOD = EXAMPLE.read_text(encoding="utf-8")


def _text_issues(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_scenario_text(text, "t.yaml")
    return [str(i) for i in caught.value.issues]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "mode: ban",
            "mode: ban\n    leakage: {via: THA}",
            "t.yaml:21:14: shocks.0.leakage.share: required key missing",
        ),
        (
            "duration_days: null",
            "duration_days: {dist: weibull, k: 2}",
            "t.yaml:22:27: shocks.0.duration_days.dist: expected one of fixed, uniform,"
            " triangular, normal, lognormal, choice; found 'weibull'",
        ),
        (
            "duration_days: null",
            "duration_days: {low: 1, high: 2}",
            "t.yaml:22:20: shocks.0.duration_days.dist: required key missing; expected one of"
            " fixed, uniform, triangular, normal, lognormal, choice",
        ),
        (
            "duration_days: null",
            "duration_days: {dist: uniform, low: 1, hihg: 2}",
            "t.yaml:22:20: shocks.0.duration_days.high: required key missing\n"
            "t.yaml:22:44: shocks.0.duration_days.hihg: unknown key; expected one of dist,"
            " low, high; did you mean high?",
        ),
        (
            "targets: [KOR]",
            "targets: [KOR, 7JP]",
            "t.yaml:19:20: shocks.0.targets.1: expected text matching the pattern"
            " ^[A-Za-z][A-Za-z0-9_+-]*$, found '7JP'",
        ),
        (
            "targets: [KOR]",
            "targets: {all_except: [KOR], only: [JPN]}",
            "t.yaml:19:34: shocks.0.targets.only: unknown key; expected one of all_except",
        ),
        (
            "targets: [KOR]",
            "targets: alll",
            "t.yaml:19:14: shocks.0.targets: expected 'all', found 'alll'",
        ),
        (
            "seed: 1",
            "seed: 1\nreconcile: maybe",
            "t.yaml:6:12: reconcile: expected true or false, found 'maybe'",
        ),
        (
            "seed: 1",
            "seed: 1\ncoalitions: {KJ: KOR}",
            "t.yaml:6:18: coalitions.KJ: expected a list, found 'KOR'",
        ),
        (
            "seed: 1",
            "seed: 1\nordering: 3",
            "t.yaml:6:11: ordering: expected a mapping, found 3",
        ),
        (
            "    effective_day: 50",
            "    effective_day: 50\n    announced_day: 1.5",
            "t.yaml:22:20: shocks.0.announced_day: expected an integer, found 1.5",
        ),
    ],
)
def test_located_messages(old: str, new: str, expected: str) -> None:
    assert old in GOOD
    assert "\n".join(_text_issues(GOOD.replace(old, new, 1))) == expected


def test_root_must_be_a_mapping() -> None:
    assert _text_issues("- a\n- b\n") == [
        "t.yaml:1:1: <root>: expected a mapping of scenario keys (name, horizon_days, ...),"
        " found a list"
    ]
    assert _text_issues("# nothing\n")[0].startswith("t.yaml:1:1: <root>: empty file")


def test_missing_required_keys_are_located_at_the_mapping() -> None:
    assert _text_issues("description: no name, no horizon\nseed: 3\n") == [
        "t.yaml:1:1: name: required key missing",
        "t.yaml:1:1: horizon_days: required key missing",
    ]


def test_policy_unit_checks_are_located_at_the_entry() -> None:
    text = GOOD + (
        "policies:\n"  # 23
        "  stockpiles:\n"  # 24
        "    - {id: s, country: KOR, commodity: widget, size_days: 10, size_units: 4,\n"  # 25
        "       trigger_coverage_days: 5, floor_days: -1}\n"  # 26
    )
    # field errors first: the entry's own checks run once its fields are valid
    assert _text_issues(text) == [
        "t.yaml:26:46: policies.stockpiles.0.floor_days:"
        " expected a number between 0 and 36500, found -1",
    ]
    assert _text_issues(text.replace("floor_days: -1", "floor_days: 1")) == [
        "t.yaml:25:7: policies.stockpiles.0: expected exactly one of size_days or size_units",
    ]


# --- the dataset -------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeDataset:
    """The shape of :class:`simulator.io.dataset.Dataset`, with hand-made figures."""

    commodities: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {
            "widget": {
                "unit": "t",
                "price_usd_per_unit": 1000.0,
                "value_at_risk_usd_per_unit": 50000.0,
                "carrying_cost_per_year": 0.05,
            },
            "gadget": {
                "unit": "kg",
                "price_usd_per_unit": 10.0,
                "value_at_risk_usd_per_unit": 20.0,
                "carrying_cost_per_year": 0.1,
            },
        }
    )
    recipes: list[dict[str, Any]] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(
        default_factory=lambda: [
            _node("widget", "CHN", 365, 0),
            _node("widget", "KOR", 0, 300),
            _node("widget", "ROW", 0, 65),
            _node("gadget", "JPN", 10, 10),
        ]
    )
    links: list[dict[str, Any]] = field(
        default_factory=lambda: [
            _link("widget", "CHN", "KOR", 300, 3),
            _link("widget", "CHN", "ROW", 65, 20),
        ]
    )
    regions: dict[str, str] = field(default_factory=lambda: {"ROW": "rest of world"})


def _node(commodity: str, country: str, production: float, demand: float) -> dict[str, Any]:
    return {
        "commodity": commodity,
        "country": country,
        "production_per_year": float(production),
        "capacity_per_year": float(production),
        "demand_per_year": float(demand),
        "inventory_days": 30.0,
    }


def _link(commodity: str, exporter: str, importer: str, flow: float, lead: float) -> dict[str, Any]:
    return {
        "commodity": commodity,
        "from": exporter,
        "to": importer,
        "flow_per_year": float(flow),
        "lead_time_days": float(lead),
    }


@pytest.fixture
def fake_dataset(monkeypatch: pytest.MonkeyPatch) -> list[Path | None]:
    """Replace the dataset loader with :class:`FakeDataset`; records the folders asked for."""
    asked: list[Path | None] = []

    def load(folder: Path | None = None) -> FakeDataset:
        asked.append(folder)
        return FakeDataset()

    monkeypatch.setattr(dataset_io, "load_dataset", load)
    # The fake dataset has no market figures (as a dataset folder without market.csv).
    monkeypatch.setattr(scenario_file, "load_market_parameters", lambda *_: MarketParameters(()))
    return asked


WITH_DATA = """\
name: with-data
horizon_days: 365
data: builtin
commodities:
  widget: {}
network:
  nodes:
    - {country: KOR, commodity: widget, inventory_days: 45}
    - {country: JPN, commodity: widget}
  links:
    - {commodity: widget, exporter: CHN, importer: KOR, lead_time_days: 5}
"""


def test_dataset_merge_order_overrides_and_regions(fake_dataset: list[Path | None]) -> None:
    scenario = load_scenario_text(WITH_DATA, "d.yaml")
    assert fake_dataset == [None]
    assert list(scenario.commodities) == ["widget"]
    assert scenario.commodities["widget"].price_usd_per_unit == 1000.0
    nodes = [(n.country, n.demand_per_year, n.inventory_days) for n in scenario.network.nodes]
    assert nodes == [
        ("CHN", 0.0, 30.0),
        ("KOR", 300.0, 45.0),
        ("ROW", 65.0, 30.0),
        ("JPN", 0.0, 0.0),
    ]
    links = [
        (x.exporter, x.importer, x.flow_per_year, x.lead_time_days) for x in scenario.network.links
    ]
    assert links == [("CHN", "KOR", 300.0, 5.0), ("CHN", "ROW", 65.0, 20.0)]
    assert scenario.regions == {"ROW": "rest of world"}
    assert scenario.data == "builtin"


def test_dataset_every_commodity_when_none_named(fake_dataset: list[Path | None]) -> None:
    text = "name: all\nhorizon_days: 30\ndata: builtin\n"
    scenario = load_scenario_text(text, "d.yaml")
    assert list(scenario.commodities) == ["widget", "gadget"]
    assert len(scenario.network.nodes) == 4


def test_user_commodity_keys_override_the_dataset(fake_dataset: list[Path | None]) -> None:
    text = WITH_DATA.replace("widget: {}", "widget: {price_usd_per_unit: 7}")
    scenario = load_scenario_text(text, "d.yaml")
    assert scenario.commodities["widget"].price_usd_per_unit == 7.0
    assert scenario.commodities["widget"].value_at_risk_usd_per_unit == 50000.0


def test_dataset_folder_is_relative_to_the_file(
    fake_dataset: list[Path | None], tmp_path: Path
) -> None:
    (tmp_path / "figures").mkdir()
    path = tmp_path / "s.yaml"
    path.write_text(WITH_DATA.replace("data: builtin", "data: figures"), encoding="utf-8")
    load_scenario(path)
    assert fake_dataset == [tmp_path / "figures"]
    path.write_text(WITH_DATA.replace("data: builtin", "data: nowhere"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert str(caught.value.issues[0]).startswith(f"{path}:3:7: data: expected 'builtin'")


def test_errors_in_dataset_entries(fake_dataset: list[Path | None]) -> None:
    # An inline override that unbalances KOR (located at the inline entry) and,
    # through the link, CHN (a dataset node, located at the data: line).
    text = WITH_DATA.replace("lead_time_days: 5}", "lead_time_days: 5, flow_per_year: 200}")
    issues = _text_issues_named(text, "d.yaml")
    assert [i.split(" does not balance")[0] for i in issues] == [
        "d.yaml:3:7: network.nodes.0: CHN (widget)",
        "d.yaml:8:7: network.nodes.1: KOR (widget)",
    ]


def test_commodity_references_checked_with_a_dataset(fake_dataset: list[Path | None]) -> None:
    text = WITH_DATA + (
        "shocks:\n  - {id: b, exporter: CHN, commodity: gadget, mode: ban, effective_day: 1}\n"
    )
    assert _text_issues_named(text, "d.yaml") == [
        "d.yaml:13:39: shocks.0.commodity: expected one of the scenario's commodities widget;"
        " found 'gadget'"
    ]


def test_resolved_dataset_scenario_round_trips(fake_dataset: list[Path | None]) -> None:
    from simulator.io.resolved import dump_scenario_yaml

    scenario = load_scenario_text(WITH_DATA, "d.yaml")
    assert load_scenario_text(dump_scenario_yaml(scenario), "r.yaml") == scenario


def test_merge_dataset_positions() -> None:
    doc = parse_yaml(WITH_DATA, "d.yaml")
    merged = merge_dataset(doc, FakeDataset())
    data_line = Location("d.yaml", 3, 7)
    assert merged.positions.locate(("network", "nodes", 0, "demand_per_year")) == data_line
    assert merged.positions.values[("network", "nodes", 1, "inventory_days")] == Location(
        "d.yaml", 8, 57
    )
    assert merged.positions.values[("network", "nodes", 3)] == Location("d.yaml", 9, 7)
    assert doc.data["network"]["nodes"][0] == {
        "country": "KOR",
        "commodity": "widget",
        "inventory_days": 45,
    }


def _text_issues_named(text: str, name: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_scenario_text(text, name)
    return [str(i) for i in caught.value.issues]


def test_the_builtin_dataset_loads() -> None:
    text = (
        "name: gallium\nhorizon_days: 365\ndata: builtin\ncommodities: {gallium: {}}\n"
        "shocks:\n  - {id: b, exporter: CHN, commodity: gallium, targets: [KOR], mode: ban,"
        " effective_day: 10}\n"
    )
    scenario = load_scenario_text(text, "g.yaml")
    assert list(scenario.commodities) == ["gallium"]
    assert {n.country for n in scenario.network.nodes} >= {"CHN", "KOR", "JPN"}
