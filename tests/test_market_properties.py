"""Invariants of the market over random networks, controls, policies and parameters.

Whatever the draw (``tests/strategies.py`` plus a random ``market:``): the
engine's invariants hold (``tests/invariants.py``: balances, the ledger,
capacity), the price never falls below its baseline while the only shocks
are supply cuts and is never negative, demand plus demand forgone is the
baseline, and with no shock nothing moves — the price stays at baseline to
1e-9.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from invariants import check_invariants
from scenario_factory import COMMODITY, build
from strategies import market_parameters, networks, shocked, with_policies

from simulator.engine import simulate

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None)
TOL = 1e-9


@st.composite
def markets(draw: st.DrawFn) -> dict[str, Any]:
    """A random ``market:`` for the strategies' one commodity."""
    return {COMMODITY: draw(market_parameters())}


def _with_market(scenario: dict[str, Any], market: dict[str, Any]) -> dict[str, Any]:
    return {**scenario, "market": market}


def _check(scenario: dict[str, Any], r: int = 0) -> None:
    validated = build(scenario)
    result = simulate(validated, r)
    check_invariants(validated, result)
    rec = result.records[COMMODITY]
    a = rec.arrays
    assert np.all(rec.price > 0.0)
    assert np.all(rec.price >= rec.base_price * (1 - 1e-12))
    np.testing.assert_allclose(
        a["demand"] + a["demand_forgone"],
        np.broadcast_to(rec.demand_per_day, a["demand"].shape),
        rtol=1e-12,
        atol=1e-12,
    )
    assert np.all(a["demand_forgone"] >= -1e-12)
    assert np.all(a["shortfall"] >= -TOL)


@SETTINGS
@given(scenario=shocked(), market=markets())
def test_random_controls_keep_every_invariant(
    scenario: dict[str, Any], market: dict[str, Any]
) -> None:
    _check(_with_market(scenario, market), r=1)


@SETTINGS
@given(scenario=with_policies(shocks=True, any_trigger=True, all_controls=True), market=markets())
def test_every_policy_and_every_control_with_a_market(
    scenario: dict[str, Any], market: dict[str, Any]
) -> None:
    _check(_with_market(scenario, market), r=2)


@SETTINGS
@given(scenario=with_policies(shocks=False), market=markets())
def test_no_shock_the_price_stays_at_baseline(
    scenario: dict[str, Any], market: dict[str, Any]
) -> None:
    validated = build(_with_market(scenario, market))
    result = simulate(validated, 0)
    check_invariants(validated, result)
    rec = result.records[COMMODITY]
    np.testing.assert_allclose(rec.price, rec.base_price, rtol=1e-9)
    np.testing.assert_allclose(rec["demand_forgone"], 0.0, atol=1e-9)
    np.testing.assert_allclose(rec["shortfall"], 0.0, atol=1e-9)


@SETTINGS
@given(scenario=networks(), market=markets())
def test_no_shock_no_policy_nothing_moves(scenario: dict[str, Any], market: dict[str, Any]) -> None:
    validated = build(_with_market(scenario, market))
    result = simulate(validated, 0)
    rec = result.records[COMMODITY]
    np.testing.assert_allclose(rec.price, rec.base_price, rtol=1e-9)
    production = rec["production"]
    np.testing.assert_allclose(production, np.broadcast_to(production[0], production.shape))
