"""Hypothesis strategies: chains of two or three commodities made from one another.

Each commodity's network is a balanced random network (``tests/strategies.py``).
``part`` is made from ``ore`` and, with three tiers, ``good`` from ``part``
(and sometimes ``ore`` too).  The recipe check wants a producer's demand for
each input to cover its use (``production × units per unit``): each producer
adds that use to its country's demand for the input, supplied by a random
country of the input (itself: more domestic production; another: a link with
that flow), top tier first, so a supplier that is itself a producer then adds
its own inputs.  Every network stays balanced.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from scenario_factory import base_dict, link
from strategies import controls, market_parameters, networks, stockpile

__all__ = ["chains"]

NAMES = ("ore", "part", "good")

Nodes = list[dict[str, Any]]
Links = list[dict[str, Any]]


def _supply(
    draw: st.DrawFn, nodes: Nodes, links: Links, country: str, use: float, days: float
) -> None:
    """Add ``use`` a year to ``country``'s demand, supplied by a random country."""
    commodity = nodes[0]["commodity"]
    by_country = {n["country"]: n for n in nodes}
    if country not in by_country:
        new = {"country": country, "commodity": commodity, "inventory_days": days}
        new |= dict.fromkeys(("production_per_year", "capacity_per_year", "demand_per_year"), 0.0)
        nodes.append(new)
        by_country[country] = new
    by_country[country]["demand_per_year"] += use
    supplier = draw(st.sampled_from(sorted(by_country)))
    by_country[supplier]["production_per_year"] += use
    by_country[supplier]["capacity_per_year"] += use
    if supplier == country:
        return
    for x in links:
        if (x["from"], x["to"]) == (supplier, country):
            x["flow_per_year"] += use
            return
    links.append({**link(supplier, country, use, draw(st.integers(1, 20))), "commodity": commodity})


def _substitution(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "share": draw(st.floats(0.0, 1.0)),
        "delay_days": draw(
            st.one_of(st.integers(0, 30), st.just({"dist": "uniform", "low": 0, "high": 30}))
        ),
        "ramp_days": draw(st.floats(0.0, 20.0)),
    }


@st.composite
def chains(
    draw: st.DrawFn, *, shocks: bool = False, policies: bool = False, market: bool = False
) -> dict[str, Any]:
    """A balanced chain ``ore → part (→ good)`` with recipes, input stocks and substitution.

    ``shocks`` adds one to three random controls on any tier; ``policies``
    national reserves, a joint pool, a loan transfer and joint procurement
    on random tiers (inventories and input stocks of at least 10 days and
    triggers below 10, so nothing is released at baseline); ``market`` a
    random market on some tiers.
    """
    low = 10.0 if policies else 0.0
    names = NAMES[: draw(st.integers(2, 3))]
    scenario = base_dict(horizon_days=draw(st.integers(30, 150)))
    nets: dict[str, tuple[Nodes, Links]] = {}
    commodities: dict[str, dict[str, Any]] = {}
    for name in names:
        net = draw(networks(min_inventory_days=low, max_inventory_days=30.0))["network"]
        nodes = [{**n, "commodity": name} for n in net["nodes"]]
        nets[name] = (nodes, [{**x, "commodity": name} for x in net["links"]])
        commodities[name] = {"price_usd_per_unit": 10.0, "value_at_risk_usd_per_unit": 100.0}
    for tier, name in enumerate(names[1:], start=1):
        recipe = {names[tier - 1]: draw(st.floats(0.1, 3.0))}
        if tier == 2 and draw(st.booleans()):
            recipe["ore"] = draw(st.floats(0.1, 3.0))
        spec = commodities[name]
        spec["recipe"] = recipe
        spec["input_stock_days"] = draw(st.floats(low, 30.0))
        if draw(st.booleans()):
            spec["substitution"] = {k: _substitution(draw) for k in recipe}
        nodes = nets[name][0]
        if draw(st.booleans()):  # one producer states its own recipe (maybe none)
            own = draw(st.sampled_from(nodes))
            own["recipe"] = draw(st.sampled_from([{}, {k: a * 2 for k, a in recipe.items()}]))
            own["input_stock_days"] = draw(st.floats(low, 30.0))
    for name in reversed(names[1:]):  # top tier first: suppliers then add their own inputs
        default = commodities[name]["recipe"]
        for node in nets[name][0]:
            recipe = node.get("recipe", default)
            if node["capacity_per_year"] <= 0:
                continue
            for k, per_unit in recipe.items():
                days = draw(st.floats(low, 30.0))
                _supply(
                    draw, *nets[k], node["country"], node["production_per_year"] * per_unit, days
                )
    scenario["commodities"] = commodities
    scenario["network"] = {
        "nodes": [n for name in names for n in nets[name][0]],
        "links": [x for name in names for x in nets[name][1]],
    }
    scenario["seed"] = draw(st.integers(0, 2**32))
    if market:
        chosen = draw(st.lists(st.sampled_from(names), unique=True))
        scenario["market"] = {name: draw(market_parameters(investment=False)) for name in chosen}
    if shocks:
        scenario["shocks"] = []
        for i in range(draw(st.integers(1, 3))):
            name = draw(st.just("ore") | st.sampled_from(names))  # the raw material more often
            nodes, links = nets[name]
            sub = {
                "horizon_days": scenario["horizon_days"],
                "network": {"nodes": nodes, "links": links},
            }
            scenario["shocks"].append({**draw(controls(sub, i)), "commodity": name})
    if policies:
        scenario.update(_policies(draw, names, nets))
    return scenario


def _policies(
    draw: st.DrawFn, names: tuple[str, ...], nets: dict[str, tuple[Nodes, Links]]
) -> dict[str, Any]:
    """Reserves, one joint pool, a loan transfer and joint procurement on random tiers."""
    trigger = st.floats(0.0, 9.5)
    delay = st.one_of(st.integers(0, 10), st.just({"dist": "uniform", "low": 0, "high": 10}))
    pairs = sorted({(name, n["country"]) for name in names for n in nets[name][0]})
    reserves = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=4, unique=True))
    stockpiles = [
        draw(stockpile(f"reserve-{name}-{code}", code, name, trigger, delay))
        for name, code in reserves
    ]
    pooled = draw(st.sampled_from(names))
    codes = sorted({n["country"] for n in nets[pooled][0]})  # a pool needs member nodes
    members = draw(st.lists(st.sampled_from(codes), min_size=2, unique=True))
    pool = {
        "id": "pool",
        "coalition": "C",
        "commodity": pooled,
        "location": draw(st.sampled_from(members)),
        "size_days": draw(st.floats(0.0, 60.0)),
        "trigger_coverage_days": draw(trigger),
        "decision_delay_days": draw(delay),
        "lead_time_days": draw(st.integers(0, 10)),
        "replenish_per_day": draw(st.floats(0.0, 2.0)),
        "floor_days": draw(st.floats(0.0, 5.0)),
    }
    tiers = st.lists(st.sampled_from(names), min_size=1, unique=True)
    transfer = {
        "id": "transfer",
        "coalition": "C",
        "commodities": draw(tiers),
        "trigger_coverage_days": draw(trigger),
        "donor_floor_days": draw(st.floats(0.0, 10.0)),
        "lead_time_days": draw(st.integers(0, 10)),
        "burden": draw(st.sampled_from(["consumption", "spare_stock"])),
        "loan": True,
        "honour_probability": draw(st.just(1.0) | st.floats(0.0, 1.0)),
    }
    procurement = {
        "id": "procurement",
        "coalition": "C",
        "commodities": draw(tiers),
        "priority": draw(st.booleans()),
        "share": draw(st.one_of(st.none(), st.floats(0.0, 1.0))),
    }
    return {
        "coalitions": {"C": members},
        "policies": {
            "stockpiles": stockpiles,
            "joint_stockpiles": [pool],
            "mutual_transfers": [transfer],
            "joint_procurement": [procurement],
        },
    }
