"""Invariants of the engine over random networks, shocks and policies (hypothesis).

Networks are balanced by construction: each country keeps ``own`` of its
production and trades on random links, so ``production = own + exports`` and
``demand = own + imports`` (hence ``production >= exports``).  Capacity is at
least production.  Policies keep every trigger below every member's
inventory target (at baseline coverage before consumption is
``inventory_days + 1``), otherwise a reserve would rightly release at baseline.

Whatever the draw: the ledger balances (``simulate`` raises otherwise), a run
with no shock moves nothing, the same seed gives the same arrays, shortfall
stays within demand, fill rates within [0, 1] and stocks non-negative.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scenario_factory import COMMODITY, base_dict, build, link, node, series, shock

from simulator.analysis.metrics import metrics_table
from simulator.engine import CONSERVATION_RTOL, RunResult, Stream, simulate
from simulator.model.scenario import Scenario

TOL = 1e-9
CODES = ("CHN", "KOR", "JPN", "AUS", "USA", "DEU", "VNM", "IND")
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None)
STOCKS = ("inventory", "strategic", "pool")

amounts = st.floats(min_value=1.0, max_value=500.0, allow_nan=False)


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
def controls(draw: st.DrawFn, scenario: dict[str, Any], number: int) -> dict[str, Any]:
    """A ban, quota or licensing control with random exporter, targets, timing, extras.

    The exporter has links (a control that can never act is refused), usually
    ones with flow (so the control bites); at least one of its importers is a
    target; the effective day is usually in the first half of the horizon,
    always before its end.
    """
    codes = _codes(scenario)
    horizon = scenario["horizon_days"]
    links = scenario["network"]["links"]
    exporters = sorted({x["from"] for x in links if x["flow_per_year"] > 0})
    routes = sorted({x["from"] for x in links})
    mode = draw(st.sampled_from(["ban", "quota", "licensing"]))
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
                    st.lists(st.sampled_from(codes)).filter(
                        lambda c: not set(importers) <= set(c)
                    ),
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
    if draw(st.booleans()):
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
def with_policies(draw: st.DrawFn, shocks: bool) -> dict[str, Any]:
    """Every policy on: national reserves, a joint pool, a loan transfer, joint procurement.

    Inventories are at least 10 days and every coverage trigger below 10.
    """
    scenario = draw(networks(min_inventory_days=10.0, max_inventory_days=30.0))
    codes = _codes(scenario)
    trigger = st.floats(0.0, 9.5)
    delay = st.one_of(st.integers(0, 10), st.just({"dist": "uniform", "low": 0, "high": 10}))
    reserves = draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
    stockpiles = [
        {
            "id": f"reserve-{code}",
            "country": code,
            "commodity": COMMODITY,
            "size_days": draw(st.floats(0.0, 60.0)),
            "trigger": draw(st.sampled_from(["coverage", "any_shortfall"])),
            "trigger_coverage_days": draw(trigger),
            "decision_delay_days": draw(delay),
            "max_release_per_day": draw(st.one_of(st.none(), st.floats(0.0, 5.0))),
            "replenish_per_day": draw(st.floats(0.0, 2.0)),
            "floor_days": draw(st.floats(0.0, 10.0)),
        }
        for code in reserves
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
    if shocks:
        k = draw(st.integers(1, 3))
        scenario["shocks"] = [draw(controls(scenario, i)) for i in range(k)]
    return scenario


# --- checks ---------------------------------------------------------------------------------


def _check_run(scenario: Scenario, r: int = 0) -> RunResult:
    """Run twice; check conservation, determinism and the bounds of every record."""
    result = simulate(scenario, r)
    for ledger in result.ledgers.values():
        assert ledger.relative_gap <= CONSERVATION_RTOL
    again = simulate(scenario, r)
    assert again.drawn == result.drawn
    for commodity, rec in result.records.items():
        for name, values in rec.arrays.items():
            np.testing.assert_array_equal(values, again.records[commodity][name], err_msg=name)
        a = rec.arrays
        assert np.all(a["shortfall"] >= -TOL)
        assert np.all(a["shortfall"] <= a["demand"] + TOL)
        np.testing.assert_allclose(a["consumption"] + a["shortfall"], a["demand"], atol=TOL)
        fill = rec.fill_rate()
        assert np.all((fill >= -TOL) & (fill <= 1 + TOL))
        for name in STOCKS:
            assert np.all(a[name] >= -TOL), name
    for row in metrics_table(result, scenario):
        assert -TOL <= row["fill_rate"] <= 1 + TOL
        assert row["shortfall"] >= -TOL
    return result


def _check_nothing_moves(result: RunResult) -> None:
    for rec in result.records.values():
        a = rec.arrays
        np.testing.assert_allclose(a["shortfall"], 0.0, atol=TOL)
        np.testing.assert_allclose(
            a["inventory"],
            np.broadcast_to(rec.inventory_target, a["inventory"].shape),
            atol=TOL,
            rtol=TOL,
        )
        for name in ("strategic", "pool"):
            np.testing.assert_allclose(
                a[name], np.broadcast_to(a[name][0], a[name].shape), atol=TOL
            )
        for name in ("released", "transfers_in", "transfers_out", "loans_outstanding"):
            assert np.all(a[name] == 0.0), name
        np.testing.assert_allclose(a["consumption"], a["demand"], atol=TOL)


# --- the properties ---------------------------------------------------------------------


@SETTINGS
@given(scenario=networks())
def test_no_shock_nothing_moves(scenario: dict[str, Any]) -> None:
    _check_nothing_moves(_check_run(build(scenario)))


@SETTINGS
@given(scenario=with_policies(shocks=False))
def test_no_shock_nothing_moves_with_every_policy(scenario: dict[str, Any]) -> None:
    _check_nothing_moves(_check_run(build(scenario)))


@SETTINGS
@given(scenario=shocked())
def test_invariants_under_random_shocks(scenario: dict[str, Any]) -> None:
    _check_run(build(scenario), r=3)


@SETTINGS
@given(scenario=with_policies(shocks=True))
def test_invariants_under_random_shocks_with_every_policy(scenario: dict[str, Any]) -> None:
    _check_run(build(scenario), r=1)


def test_shock_drawn_after_the_horizon_moves_nothing() -> None:
    """A control whose effective day is drawn on the horizon day or later never acts.

    (A control that can only take effect after the horizon is refused by validation.)
    """
    late = {"dist": "uniform", "low": 364, "high": 10_000}
    scenario = build(base_dict(shocks=[shock("ban", effective_day=late)]))
    replication = next(
        r for r in range(20) if simulate(scenario, r).drawn["shocks.ctrl.effective_day"] >= 365
    )
    result = _check_run(scenario, r=replication)
    _check_nothing_moves(result)
    assert result.shock_start_day == {COMMODITY: None}


# --- licensing draws ------------------------------------------------------------------------

LICENSING = shock(
    "licensing",
    licence={
        "processing_days": {"dist": "uniform", "low": 10, "high": 60},
        "approval_probability": 0.6,
    },
)


def test_random_licensing_same_seed_same_result() -> None:
    """Same (seed, replication): identical records; another replication or seed: other draws."""
    scenario = build(base_dict(shocks=[LICENSING], horizon_days=200))
    first = _check_run(scenario, r=2)
    shipped = series(first, "imports_shipped", "KOR")
    for other in (simulate(scenario, 3), simulate(scenario, 2, seed=8)):
        assert not np.array_equal(shipped, series(other, "imports_shipped", "KOR"))


def test_random_licensing_follows_the_licence_stream() -> None:
    """Each day's request on CHN->KOR draws its delay, then its approval, from the licence
    stream of (r, LICENCE, crc32("ctrl:CHN->KOR")); shipments leave only on the decision
    day of an approved request, and the first one on the earliest such day."""
    scenario = build(base_dict(shocks=[LICENSING], horizon_days=200))
    for r in range(4):
        result = simulate(scenario, r)
        key = zlib.crc32(b"ctrl:CHN->KOR")
        seq = np.random.SeedSequence(scenario.seed, spawn_key=(r, int(Stream.LICENCE), key))
        rng = np.random.Generator(np.random.PCG64(seq))
        approved_days = set()
        for day in range(50, 200):
            delay = max(0, round(rng.uniform(10, 60)))
            if rng.uniform() < 0.6:
                approved_days.add(day + delay)
        shipped = series(result, "imports_shipped", "KOR")
        shipping_days = {int(d) for d in np.flatnonzero(shipped[50:] > 0) + 50}
        assert shipping_days <= approved_days
        assert min(shipping_days) == min(approved_days)
