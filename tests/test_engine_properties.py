"""Invariants of the engine over random networks, shocks and policies (hypothesis).

Scenarios come from ``tests/strategies.py``.  For "nothing moves", policies
keep every trigger below every member's inventory target (at baseline,
coverage before consumption is ``inventory_days + 1``), otherwise a reserve
would rightly release at baseline.

Whatever the draw: the invariants of ``tests/invariants.py`` hold (per-country
balances, reserves, transit counters, loans, capacity, the ledger against the
records), a run with no shock moves nothing, the same seed gives the same
arrays, and fill rates stay within [0, 1].
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
from hypothesis import given, settings
from invariants import check_invariants
from scenario_factory import COMMODITY, base_dict, build, series, shock
from strategies import networks, shocked, with_policies

from simulator.analysis.metrics import metrics_table
from simulator.engine import RunResult, Stream, simulate
from simulator.model.scenario import Scenario

TOL = 1e-9
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None)
STOCKS = ("inventory", "strategic", "pool")

# --- checks ---------------------------------------------------------------------------------


def _check_run(scenario: Scenario, r: int = 0) -> RunResult:
    """Run twice; check the invariants (tests/invariants.py), determinism, record bounds."""
    result = simulate(scenario, r)
    check_invariants(scenario, result)
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
        for name in ("strategic", "pool", "in_transit", "exports_shipped", "imports_shipped"):
            np.testing.assert_allclose(
                a[name], np.broadcast_to(a[name][0], a[name].shape), atol=TOL, err_msg=name
            )
        for name in (
            "released", "transfers_in", "transfers_out", "loans_outstanding", "stocked",
            "policy_in_transit",
        ):  # fmt: skip
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


@SETTINGS
@given(scenario=with_policies(shocks=True, any_trigger=True, all_controls=True))
def test_invariants_with_every_policy_and_every_kind_of_control(scenario: dict[str, Any]) -> None:
    """Reserves, pool, loans, joint procurement; a leaking ban, a quota and licensing at once;
    triggers anywhere up to 60 days (some above the inventory target)."""
    _check_run(build(scenario), r=2)


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
