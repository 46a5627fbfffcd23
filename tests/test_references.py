"""Cross-reference errors: each broken reference located at its own key."""

from __future__ import annotations

import pytest

from simulator.errors import InputError
from simulator.io.scenario_file import load_scenario_text

BASE = """\
name: refs
description: cross-references
horizon_days: 100
commodities:
  widget: {price_usd_per_unit: 1, value_at_risk_usd_per_unit: 2}
network:
  nodes:
    - {country: CHN, commodity: widget, production_per_year: 20}
    - {country: KOR, commodity: widget, demand_per_year: 10, inventory_days: 30}
    - {country: JPN, commodity: widget, demand_per_year: 10, inventory_days: 30}
  links:
    - {commodity: widget, from: CHN, to: KOR, flow_per_year: 10, lead_time_days: 5}
    - {commodity: widget, from: CHN, to: JPN, flow_per_year: 10, lead_time_days: 5}
coalitions:
  KJ: [KOR, JPN]
"""


def _errors(tail: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_scenario_text(BASE + tail, "refs.yaml")
    return [str(issue) for issue in caught.value.issues]


def test_every_broken_reference_is_reported_at_its_own_line() -> None:
    errors = _errors(
        """\
shocks:
  - {id: ban, exporter: CHN, commodity: widget, targets: [KOR, XXK], mode: ban, effective_day: -3}
policies:
  stockpiles:
    - {id: ban, country: KOR, commodity: widget, size_days: 5, trigger_coverage_days: 2}
  joint_stockpiles:
    - {id: pool, coalition: KX, commodity: widget, size_days: 5, location: JPN,
       trigger_coverage_days: 2}
    - {id: pool2, coalition: KJ, commodity: widget, size_days: 5, location: CHN,
       trigger_coverage_days: 2, allocation: shares, shares: {KOR: 0.5, JPN: 0.6}}
"""
    )
    assert errors == [
        "refs.yaml:17:64: shocks.0.targets.1: expected an ISO 3166-1 alpha-3 code (e.g. KOR)"
        " or a region declared under regions:; found 'XXK'",
        "refs.yaml:17:96: shocks.0.effective_day: expected a number of days >= 0, found -3",
        "refs.yaml:22:29: policies.joint_stockpiles.0.coalition: expected one of the coalitions"
        " KJ; found 'KX'",
        "refs.yaml:24:77: policies.joint_stockpiles.1.location: expected a member of KJ"
        " (KOR, JPN), found 'CHN'",
        "refs.yaml:25:62: policies.joint_stockpiles.1.shares: expected shares summing to 1,"
        " found 1.1",
        "refs.yaml:17:10: shocks.0.id: id 'ban' is used 2 times; ids of shocks and policies"
        " must be unique",
    ]


def test_honour_probability_of_a_non_member() -> None:
    errors = _errors(
        """\
policies:
  mutual_transfers:
    - {id: t, coalition: KJ, commodities: [widget], trigger_coverage_days: 5,
       donor_floor_days: 10, honour_probability: {KOR: 1, USA: 0.5}}
"""
    )
    assert errors == [
        "refs.yaml:19:64: policies.mutual_transfers.0.honour_probability.USA: expected a member"
        " of KJ (KOR, JPN), found 'USA'"
    ]


def test_a_pool_whose_coalition_has_no_node_of_its_commodity_is_located() -> None:
    """A joint stockpile of gadget for KJ, where neither KOR nor JPN is a gadget node:
    a located error (it used to divide by zero when the run built the pool)."""
    text = BASE.replace(
        "network:\n",
        "  gadget: {price_usd_per_unit: 1, value_at_risk_usd_per_unit: 2}\nnetwork:\n",
    ).replace(
        "  links:\n",
        "    - {country: CHN, commodity: gadget, production_per_year: 10}\n"
        "    - {country: USA, commodity: gadget, demand_per_year: 10, inventory_days: 30}\n"
        "  links:\n"
        "    - {commodity: gadget, from: CHN, to: USA, flow_per_year: 10, lead_time_days: 5}\n",
    )
    tail = (
        "policies:\n"
        "  joint_stockpiles:\n"
        "    - {id: pool, coalition: KJ, commodity: gadget, location: KOR, size_days: 30,\n"
        "       trigger_coverage_days: 5}\n"
    )
    with pytest.raises(InputError) as caught:
        load_scenario_text(text + tail, "refs.yaml")
    (issue,) = caught.value.issues
    assert issue.path == ("policies", "joint_stockpiles", 0, "coalition")
    assert "none of whom is a node of gadget" in issue.message
    assert issue.location is not None
    lines = (text + tail).splitlines()
    assert lines[issue.location.line - 1].index("KJ") + 1 == issue.location.column
