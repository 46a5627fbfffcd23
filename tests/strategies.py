"""Hypothesis strategies: random balanced networks, export controls and policies.

Networks are balanced by construction: each country keeps ``own`` of its
production and trades on random links, so ``production = own + exports`` and
``demand = own + imports`` (hence ``production >= exports``).  Capacity is at
least production.  Zero-flow links are potential routes.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from scenario_factory import COMMODITY, base_dict, link, node, shock

__all__ = [
    "controls",
    "every_control",
    "market_parameters",
    "networks",
    "shocked",
    "stockpile",
    "with_policies",
]

CODES = ("CHN", "KOR", "JPN", "AUS", "USA", "DEU", "VNM", "IND")

amounts = st.floats(min_value=1.0, max_value=500.0, allow_nan=False)


@st.composite
def stockpile(
    draw: st.DrawFn,
    ident: str,
    country: str,
    commodity: str,
    trigger: st.SearchStrategy[float],
    delay: st.SearchStrategy[Any],
) -> dict[str, Any]:
    """A national reserve of ``commodity`` in ``country`` with random size, trigger and refill."""
    return {
        "id": ident,
        "country": country,
        "commodity": commodity,
        "size_days": draw(st.floats(0.0, 60.0)),
        "trigger": draw(st.sampled_from(["coverage", "any_shortfall"])),
        "trigger_coverage_days": draw(trigger),
        "decision_delay_days": draw(delay),
        "max_release_per_day": draw(st.one_of(st.none(), st.floats(0.0, 5.0))),
        "replenish_per_day": draw(st.floats(0.0, 2.0)),
        "floor_days": draw(st.floats(0.0, 10.0)),
    }


@st.composite
def market_parameters(draw: st.DrawFn, investment: bool = True) -> dict[str, Any]:
    """One commodity's random ``market:`` entry over the valid ranges (some at their edges).

    ``investment`` adds the investment rule's threshold and sustain days, and
    sometimes a price flexibility other than ``1 / |elasticity|``.
    """
    spec: dict[str, Any] = {
        "demand_elasticity": draw(st.floats(-2.0, -0.01)),
        "price_adjustment_days": draw(st.floats(1.0, 90.0)),
        "substitution_per_year": draw(st.floats(0.0, 1.0)),
        "supply_ramp_days": draw(st.floats(1.0, 365.0)),
        "capacity_growth_per_year": draw(st.floats(0.0, 0.5)),
        "investment_lead_years": draw(st.floats(0.0, 0.3)),
    }
    if investment:
        spec["investment_price_ratio"] = draw(st.floats(1.01, 5.0))
        spec["investment_sustain_days"] = draw(st.integers(1, 60))
        if draw(st.booleans()):
            spec["price_flexibility"] = draw(st.floats(0.1, 50.0))
    return spec


@st.composite
def networks(
    draw: st.DrawFn, min_inventory_days: float = 0.0, max_inventory_days: float = 60.0
) -> dict[str, Any]:
    """A balanced network of 3–8 countries; some links are zero-flow potential routes."""
    n = draw(st.integers(3, 8))
    codes = CODES[:n]
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=3 * n, unique=True))
    flows = [draw(st.one_of(st.just(0.0), amounts)) for _ in chosen]
    own = [draw(st.one_of(st.just(0.0), amounts)) for _ in codes]
    exports, imports = [0.0] * n, [0.0] * n
    for (a, b), flow in zip(chosen, flows, strict=True):
        exports[a] += flow
        imports[b] += flow
    nodes = []
    for i, code in enumerate(codes):
        production = own[i] + exports[i]
        spec: dict[str, Any] = {
            "production_per_year": production,
            "capacity_per_year": production * (1 + draw(st.floats(0.0, 1.0))),
            "demand_per_year": own[i] + imports[i],
            "inventory_days": draw(st.floats(min_inventory_days, max_inventory_days)),
        }
        if draw(st.integers(0, 4)) == 0:
            spec["expansion"] = {
                "sustain_days": draw(st.integers(1, 20)),
                "delay_days": draw(st.integers(1, 40)),
                "ramp_per_year": draw(st.floats(0.0, 500.0)),
                "max_capacity_per_year": draw(st.floats(0.0, 2000.0)),
            }
        nodes.append(node(code, **spec))
    links = [
        link(codes[a], codes[b], flow, draw(st.integers(1, 20)))
        for (a, b), flow in zip(chosen, flows, strict=True)
    ]
    scenario = base_dict(horizon_days=draw(st.integers(30, 200)))
    scenario["network"] = {"nodes": nodes, "links": links}
    scenario["seed"] = draw(st.integers(0, 2**32))
    return scenario


@st.composite
def controls(
    draw: st.DrawFn,
    scenario: dict[str, Any],
    number: int,
    mode: str | None = None,
    leakage: bool | None = None,
) -> dict[str, Any]:
    """A ban, quota or licensing control with random exporter, targets, timing, extras.

    The exporter has links (a control that can never act is refused), usually
    ones with flow (so the control bites); at least one of its importers is a
    target; the effective day is usually in the first half of the horizon,
    always before its end.  ``mode`` and
    ``leakage`` fix the mode and whether blocked flow leaks (random when None).
    """
    codes = _codes(scenario)
    horizon = scenario["horizon_days"]
    links = scenario["network"]["links"]
    exporters = sorted({x["from"] for x in links if x["flow_per_year"] > 0})
    routes = sorted({x["from"] for x in links})
    mode = mode or draw(st.sampled_from(["ban", "quota", "licensing"]))
    effective = draw(st.one_of(st.integers(0, horizon // 2), st.integers(0, horizon - 1)))
    exporter = draw(st.sampled_from(exporters or routes) | st.sampled_from(routes))
    importers = sorted({x["to"] for x in links if x["from"] == exporter})
    fields: dict[str, Any] = {
        "id": f"ctrl{number}",
        "exporter": exporter,
        "targets": draw(
            st.one_of(
                st.just("all"),
                st.lists(st.sampled_from(importers), min_size=1, unique=True),
                st.builds(
                    lambda c: {"all_except": c},
                    st.lists(st.sampled_from(codes)).filter(lambda c: not set(importers) <= set(c)),
                ),
            )
        ),
        "effective_day": draw(
            st.one_of(
                st.just(effective),
                st.just({"dist": "uniform", "low": 0, "high": horizon}),
            )
        ),
        "duration_days": draw(
            st.one_of(
                st.none(),
                st.integers(0, horizon),
                st.just({"dist": "uniform", "low": 1, "high": 60}),
            )
        ),
    }
    if mode == "quota":
        fields["quota_share"] = draw(st.floats(0.0, 1.0))
    if mode == "licensing":
        fields["licence"] = {
            "processing_days": draw(
                st.one_of(st.integers(0, 30), st.just({"dist": "uniform", "low": 0, "high": 30}))
            ),
            "approval_probability": draw(st.floats(0.0, 1.0)),
        }
    if draw(st.booleans()) if leakage is None else leakage:
        fields["leakage"] = {
            "via": draw(st.sampled_from(codes)),
            "share": draw(st.floats(0.0, 1.0)),
            "extra_lead_time_days": draw(st.integers(0, 10)),
        }
    if isinstance(fields["effective_day"], int) and draw(st.booleans()):
        fields["announced_day"] = draw(st.integers(0, effective))
        fields["front_loading"] = {"extra_inventory_days": draw(st.floats(0.0, 30.0))}
    return shock(mode, **fields)


def _codes(scenario: dict[str, Any]) -> list[str]:
    return [n["country"] for n in scenario["network"]["nodes"]]


@st.composite
def shocked(draw: st.DrawFn) -> dict[str, Any]:
    """A random network with one to three random controls."""
    scenario = draw(networks())
    k = draw(st.integers(1, 3))
    scenario["shocks"] = [draw(controls(scenario, i)) for i in range(k)]
    return scenario


@st.composite
def every_control(draw: st.DrawFn, scenario: dict[str, Any]) -> list[dict[str, Any]]:
    """A ban whose blocked flow leaks, a quota and a licensing control, in random order.

    Each with random exporter, targets and timing (some lifted and later
    overridden by another on the same links).
    """
    modes = draw(st.permutations(["ban", "quota", "licensing"]))
    return [
        draw(controls(scenario, i, mode=mode, leakage=mode == "ban"))
        for i, mode in enumerate(modes)
    ]


@st.composite
def with_policies(
    draw: st.DrawFn, shocks: bool, any_trigger: bool = False, all_controls: bool = False
) -> dict[str, Any]:
    """Every policy on: national reserves, a joint pool, a loan transfer, joint procurement.

    Inventories are at least 10 days and every coverage trigger below 10, so
    that nothing is released at baseline — unless ``any_trigger``, which draws
    triggers up to 60 days (above some targets).  ``shocks`` adds one to three
    random controls, ``all_controls`` one of each mode (see :func:`every_control`).
    """
    scenario = draw(networks(min_inventory_days=10.0, max_inventory_days=30.0))
    codes = _codes(scenario)
    trigger = st.floats(0.0, 60.0 if any_trigger else 9.5)
    delay = st.one_of(st.integers(0, 10), st.just({"dist": "uniform", "low": 0, "high": 10}))
    reserves = draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
    stockpiles = [
        draw(stockpile(f"reserve-{code}", code, COMMODITY, trigger, delay)) for code in reserves
    ]
    members = draw(st.lists(st.sampled_from(codes), min_size=2, unique=True))
    allocation = draw(st.sampled_from(["need", "shares"]))
    pool: dict[str, Any] = {
        "id": "pool",
        "coalition": "C",
        "commodity": COMMODITY,
        "location": draw(st.sampled_from(members)),
        "allocation": allocation,
        "size_days": draw(st.floats(0.0, 60.0)),
        "trigger_coverage_days": draw(trigger),
        "decision_delay_days": draw(delay),
        "lead_time_days": draw(st.integers(0, 10)),
        "replenish_per_day": draw(st.floats(0.0, 2.0)),
        "floor_days": draw(st.floats(0.0, 5.0)),
    }
    if allocation == "shares":
        weights = [draw(st.floats(0.1, 1.0)) for _ in members]
        shares = [w / sum(weights) for w in weights]
        shares[-1] = 1.0 - sum(shares[:-1])
        pool["shares"] = dict(zip(members, shares, strict=True))
    transfer = {
        "id": "transfer",
        "coalition": "C",
        "commodities": [COMMODITY],
        "trigger_coverage_days": draw(trigger),
        "donor_floor_days": draw(st.floats(0.0, 10.0)),
        "lead_time_days": draw(st.integers(0, 10)),
        "burden": draw(st.sampled_from(["consumption", "spare_stock"])),
        "loan": True,
        "honour_probability": draw(st.just(1.0) | st.floats(0.0, 1.0)),
        "reciprocal": draw(st.booleans()),
    }
    procurement = {
        "id": "procurement",
        "coalition": "C",
        "commodities": [COMMODITY],
        "priority": draw(st.booleans()),
        "share": draw(st.one_of(st.none(), st.floats(0.0, 1.0))),
    }
    scenario["coalitions"] = {"C": members}
    scenario["policies"] = {
        "stockpiles": stockpiles,
        "joint_stockpiles": [pool],
        "mutual_transfers": [transfer],
        "joint_procurement": [procurement],
    }
    if all_controls:
        scenario["shocks"] = draw(every_control(scenario))
    elif shocks:
        k = draw(st.integers(1, 3))
        scenario["shocks"] = [draw(controls(scenario, i)) for i in range(k)]
    return scenario
