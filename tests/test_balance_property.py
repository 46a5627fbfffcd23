"""Property: networks built to balance pass; unbalancing one country names that country."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.errors import InputError
from simulator.model.countries import ISO3166_ALPHA3
from simulator.model.network import BALANCE_RTOL, TradeNetwork
from simulator.model.scenario import Scenario

CODES = sorted(ISO3166_ALPHA3)
flows = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def balanced(draw: st.DrawFn) -> dict[str, Any]:
    """A one-commodity scenario whose every country balances by construction.

    Random links carry random flows; each country produces its exports plus a
    random amount it keeps, and its demand is what it keeps plus its imports,
    so production + imports = demand + exports and exports <= production.
    """
    countries = draw(st.lists(st.sampled_from(CODES), min_size=2, max_size=8, unique=True))
    pairs = [(a, b) for a in countries for b in countries if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=12, unique=True))
    links: list[dict[str, Any]] = [
        {
            "commodity": "widget",
            "from": a,
            "to": b,
            "flow_per_year": draw(flows),
            "lead_time_days": draw(st.integers(min_value=1, max_value=60)),
        }
        for a, b in chosen
    ]
    nodes = []
    for country in countries:
        exports = sum(x["flow_per_year"] for x in links if x["from"] == country)
        imports = sum(x["flow_per_year"] for x in links if x["to"] == country)
        kept = draw(flows)
        nodes.append(
            {
                "country": country,
                "commodity": "widget",
                "production_per_year": exports + kept,
                "demand_per_year": kept + imports,
            }
        )
    return {
        "name": "random",
        "horizon_days": 100,
        "commodities": {"widget": {"price_usd_per_unit": 1, "value_at_risk_usd_per_unit": 1}},
        "network": {"nodes": nodes, "links": links},
    }


@settings(max_examples=60, deadline=None)
@given(balanced())
def test_balanced_networks_pass(doc: dict[str, Any]) -> None:
    network = TradeNetwork.from_scenario(Scenario.model_validate(doc))
    assert network.commodities == ("widget",)
    assert network["widget"].n_links == len(doc["network"]["links"])


@settings(max_examples=60, deadline=None)
@given(balanced(), st.data())
def test_perturbing_one_demand_names_that_country(doc: dict[str, Any], data: st.DataObject) -> None:
    nodes = doc["network"]["nodes"]
    i = data.draw(st.integers(min_value=0, max_value=len(nodes) - 1))
    node = nodes[i]
    supply = node["production_per_year"] + sum(
        x["flow_per_year"] for x in doc["network"]["links"] if x["to"] == node["country"]
    )
    # comfortably beyond the tolerance, relative to the larger side after the change
    factor = data.draw(st.floats(min_value=10, max_value=1e6))
    delta = factor * BALANCE_RTOL * (supply + 1) + 1e-9
    sign = data.draw(st.sampled_from([1, -1])) if node["demand_per_year"] > 2 * delta else 1
    node["demand_per_year"] += sign * delta
    with pytest.raises(InputError) as caught:
        TradeNetwork.from_scenario(Scenario.model_validate(doc))
    named = [issue for issue in caught.value.issues if node["country"] in issue.message]
    assert len(named) == 1
    assert named[0].path == ("network", "nodes", i)
    assert "does not balance" in named[0].message
    assert len(caught.value.issues) == 1
