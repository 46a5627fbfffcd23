"""Multi-tier production, derived by hand (``docs/model.md``, "Multi-tier production").

The chain: CHN mines ``ore`` and ships it to JPN (lead 5 days); JPN makes
``magnet`` from 2 ore each (capacity = production = 1/day; input stock 10
days of ore use = 20 ore) and ships them to KOR (lead 3); KOR makes ``motor``
from 0.5 magnet each (capacity = production = 2/day; input stock 6 days of
magnet use = 6 magnets) and ships them to JPN (lead 4), which holds 15 days
of motors (30) and uses 2 a day.  No producer has spare capacity and no
other route exists, so nothing is rerouted.  CHN bans ore to JPN from day
``t0 = 20`` for ever.  A shipment that leaves on day ``d`` arrives on day
``d + L``; the baseline pipeline arrives on days ``0 … L − 1``; a producer
makes ``min(capacity, input stock today / units per unit)``, today's
arrivals included.

**All ore from CHN (2/day).**  The last ore leaves CHN on day 19 and arrives
on day 24.  On days 20–24 the day's arrival (2) covers the day's use (2), so
JPN's ore stays at 20; from day 25 it falls by 2 a day and is 0 at the end of
day 34.  JPN makes no magnet from day 35 = t0 + L1 + 10.  The last magnet
arrives in KOR on day 34 + 3 = 37; KOR's 6 magnets last days 38–43, so KOR
makes no motor from day 44 = 35 + L2 + 6.  The last motors arrive in JPN on
day 43 + 4 = 47; its 30 motors last days 48–62: JPN is **short from day
63** = t0 + L1 + 10 + L2 + 6 + L3 + 15, 2 a day, i.e. 2 × (100 − 63) = **74
motors** over a 100-day horizon.

**Half the ore recycled in JPN (1/day from JPN, 1/day from CHN).**  From day
25 JPN's ore falls by 2 − 1 = 1 a day: 0 at the end of day 44; from day 45
JPN has 1 ore a day, enough for 0.5 magnet.  KOR receives 0.5 magnet a day
from day 45 + 3 = 48, so its stock falls by 0.5 a day: 0 at the end of day 59
(6 / 0.5 = 12 days); from day 60 it makes 0.5 / 0.5 = 1 motor a day.  JPN
receives 1 motor a day from day 64, its stock falls by 1 a day: 0 at the end
of day 93.  JPN is **short from day 94**, 1 a day: **56 motors** over 150
days.

**With substitution** (a third of the ore replaceable, after 10 days short,
at once).  Ore is first short on day 45 (1 < 2 needed for 1 magnet), so
substitution runs from day 55: a magnet needs 2 × (1 − 1/3) = 4/3 ore, and 1
ore makes 0.75 magnet (all the ore is used; 0.5 ore a day is replaced).  KOR
receives 0.5 magnet a day on days 48–57 (stock 6 − 10 × 0.5 = 1 at the end of
day 57), then 0.75: its stock falls by 0.25 a day, 0 at the end of day 61;
from day 62 it makes 0.75 / 0.5 = 1.5 motors a day.  JPN receives 1.5 from
day 66 and its stock falls by 0.5 a day: 0 at the end of day 125 (60 days).
JPN is short from day **126**, 0.5 a day: **12 motors** over 150 days, a
reduction of 56 − 12 = **44**.

**A ramp** (half replaceable, delay 10, ramp 4 days): from day 55 the
replaceable share is 0.5 × (d + 1)/4 on day 55 + d, so a magnet needs
2 − 0.25 (d + 1) ore and JPN's 1 ore makes 4/7, 2/3, 4/5 and then 1 magnet.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from invariants import check_invariants
from recipe_strategies import chains
from scenario_factory import build, run

from simulator.analysis.metrics import metrics_table
from simulator.engine import RunResult, simulate

T0 = 20


def chain(
    *, recycled: float = 0.0, substitution: dict[str, Any] | None = None, horizon: int = 150
) -> dict[str, Any]:
    """The three-tier chain of the module docstring; JPN recycles ``recycled`` ore a day."""
    magnet: dict[str, Any] = {
        "price_usd_per_unit": 10,
        "value_at_risk_usd_per_unit": 10,
        "recipe": {"ore": 2},
        "input_stock_days": 10,
    }
    if substitution is not None:
        magnet["substitution"] = {"ore": substitution}
    per_year = 365.0
    nodes = [
        {"country": "CHN", "commodity": "ore", "production_per_year": (2 - recycled) * per_year},
        {
            "country": "JPN",
            "commodity": "ore",
            "production_per_year": recycled * per_year,
            "demand_per_year": 2 * per_year,
        },
        {"country": "JPN", "commodity": "magnet", "production_per_year": per_year},
        {"country": "KOR", "commodity": "magnet", "demand_per_year": per_year},
        {"country": "KOR", "commodity": "motor", "production_per_year": 2 * per_year},
        {
            "country": "JPN",
            "commodity": "motor",
            "demand_per_year": 2 * per_year,
            "inventory_days": 15,
        },
    ]
    links = [
        {
            "commodity": "ore",
            "from": "CHN",
            "to": "JPN",
            "flow_per_year": (2 - recycled) * per_year,
            "lead_time_days": 5,
        },
        {
            "commodity": "magnet",
            "from": "JPN",
            "to": "KOR",
            "flow_per_year": per_year,
            "lead_time_days": 3,
        },
        {
            "commodity": "motor",
            "from": "KOR",
            "to": "JPN",
            "flow_per_year": 2 * per_year,
            "lead_time_days": 4,
        },
    ]
    return {
        "name": "three-tier",
        "horizon_days": horizon,
        "seed": 1,
        "commodities": {
            "ore": {"price_usd_per_unit": 1, "value_at_risk_usd_per_unit": 1},
            "magnet": magnet,
            "motor": {
                "price_usd_per_unit": 100,
                "value_at_risk_usd_per_unit": 100,
                "recipe": {"magnet": 0.5},
                "input_stock_days": 6,
            },
        },
        "network": {"nodes": nodes, "links": links},
        "shocks": [
            {
                "id": "ore-ban",
                "kind": "export_control",
                "exporter": "CHN",
                "commodity": "ore",
                "targets": ["JPN"],
                "mode": "ban",
                "effective_day": T0,
                "duration_days": None,
            }
        ],
    }


def _series(result: RunResult, commodity: str, name: str, country: str) -> np.ndarray:
    rec = result.records[commodity]
    return rec[name][:, rec.countries.index(country)]


def _steps(horizon: int, *pieces: tuple[int, float]) -> np.ndarray:
    """A daily series: ``value`` from day ``start`` on, for each ``(start, value)`` in order."""
    out = np.zeros(horizon)
    for start, value in pieces:
        out[start:] = value
    return out


def test_all_ore_from_china_the_importer_of_motors_is_short_from_day_63() -> None:
    result, _ = run(chain(recycled=0.0, horizon=100))
    np.testing.assert_allclose(
        _series(result, "magnet", "production", "JPN"), _steps(100, (0, 1.0), (35, 0.0)), atol=1e-12
    )
    np.testing.assert_allclose(
        _series(result, "motor", "production", "KOR"), _steps(100, (0, 2.0), (44, 0.0)), atol=1e-12
    )
    ore = _series(result, "ore", "inventory", "JPN")
    assert ore[24] == pytest.approx(20.0)
    np.testing.assert_allclose(ore[25:35], 20.0 - 2.0 * np.arange(1, 11), atol=1e-12)
    short = _series(result, "motor", "shortfall", "JPN")
    np.testing.assert_allclose(short, _steps(100, (0, 0.0), (63, 2.0)), atol=1e-9)
    assert short.sum() == pytest.approx(74.0)
    # The ban on ore starts the clock of every tier below it: motors run short 43 days in.
    assert result.shock_start_day == {"ore": T0, "magnet": T0, "motor": T0}
    jpn = next(
        row
        for row in metrics_table(result, build(chain(horizon=100)))
        if (row["country"], row["commodity"]) == ("JPN", "motor")
    )
    assert jpn["tts_days"] == 63 - T0
    assert jpn["shortfall"] == pytest.approx(74.0)


def test_half_the_ore_recycled_the_importer_is_short_from_day_94() -> None:
    result, _ = run(chain(recycled=1.0))
    np.testing.assert_allclose(
        _series(result, "magnet", "production", "JPN"), _steps(150, (0, 1.0), (45, 0.5)), atol=1e-12
    )
    np.testing.assert_allclose(
        _series(result, "motor", "production", "KOR"), _steps(150, (0, 2.0), (60, 1.0)), atol=1e-12
    )
    short = _series(result, "motor", "shortfall", "JPN")
    np.testing.assert_allclose(short, _steps(150, (0, 0.0), (94, 1.0)), atol=1e-9)
    assert short.sum() == pytest.approx(56.0)
    # The ore JPN's magnet makers used: 2 a day, then the 1 recycled a day; none replaced.
    ore = result.records["ore"]
    used = ore.used_in_products[:, ore.countries.index("JPN")]
    np.testing.assert_allclose(used, _steps(150, (0, 2.0), (45, 1.0)), atol=1e-12)
    assert float(np.abs(ore.substituted).max()) == 0.0
    assert result.ledgers["ore"].used_in_products == pytest.approx(used.sum())


def test_a_short_input_is_shared_with_final_users_in_proportion_to_needs() -> None:
    """JPN also uses 2 ore a day itself and holds 5 days of that (10) beside the magnet
    makers' 20: 30 ore, 4 a day needed.  The last ore arrives on day 24; the stock covers
    days 25–31 (30 − 7 × 4 = 2 left).  On day 32 the 2 ore are shared 2:2, so JPN's own use
    gets 1 (short 1) and the magnet makers 1 (0.5 magnet); from day 33 there is none."""
    scenario = chain(horizon=40)
    jpn, chn = scenario["network"]["nodes"][1], scenario["network"]["nodes"][0]
    jpn["demand_per_year"] += 2 * 365.0
    jpn["inventory_days"] = 5
    chn["production_per_year"] += 2 * 365.0
    scenario["network"]["links"][0]["flow_per_year"] += 2 * 365.0
    result, _ = run(scenario)
    np.testing.assert_allclose(
        _series(result, "magnet", "production", "JPN"),
        _steps(40, (0, 1.0), (32, 0.5), (33, 0.0)),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        _series(result, "ore", "shortfall", "JPN"),
        _steps(40, (0, 0.0), (32, 1.0), (33, 2.0)),
        atol=1e-12,
    )
    # Demand and consumption of ore include the magnet makers' use: 2 + 2, then 2 + 1, then 2.
    np.testing.assert_allclose(
        _series(result, "ore", "demand", "JPN"),
        _steps(40, (0, 4.0), (32, 3.0), (33, 2.0)),
        atol=1e-12,
    )


def test_substitution_cuts_the_shortfall_by_44_motors() -> None:
    result, _ = run(chain(recycled=1.0, substitution={"share": 1 / 3, "delay_days": 10}))
    np.testing.assert_allclose(
        _series(result, "magnet", "production", "JPN"),
        _steps(150, (0, 1.0), (45, 0.5), (55, 0.75)),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        _series(result, "motor", "production", "KOR"), _steps(150, (0, 2.0), (62, 1.5)), atol=1e-12
    )
    short = _series(result, "motor", "shortfall", "JPN")
    np.testing.assert_allclose(short, _steps(150, (0, 0.0), (126, 0.5)), atol=1e-9)
    assert short.sum() == pytest.approx(12.0)
    ore = result.records["ore"]
    jpn = ore.countries.index("JPN")
    np.testing.assert_allclose(
        ore.substituted[:, jpn], _steps(150, (0, 0.0), (55, 0.5)), atol=1e-12
    )


def test_substitution_ramps_up_over_its_ramp_days() -> None:
    result, _ = run(
        chain(recycled=1.0, substitution={"share": 0.5, "delay_days": 10, "ramp_days": 4})
    )
    made = _series(result, "magnet", "production", "JPN")
    np.testing.assert_allclose(
        made[44:60], [1.0] + [0.5] * 10 + [4 / 7, 2 / 3, 4 / 5, 1.0, 1.0], atol=1e-12
    )


# --- properties (hypothesis; tests/recipe_strategies.py) ------------------------------------

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None)
TOL = 1e-9


def _check(scenario: dict[str, Any], r: int = 0) -> RunResult:
    """Simulate and check every invariant of ``tests/invariants.py`` (recipes included)."""
    validated = build(scenario)
    result = simulate(validated, r)
    check_invariants(validated, result)
    return result


def _nothing_moves(result: RunResult) -> None:
    for rec in result.records.values():
        a = rec.arrays
        np.testing.assert_allclose(a["shortfall"], 0.0, atol=TOL)
        np.testing.assert_allclose(
            a["inventory"], np.broadcast_to(rec.inventory_target, a["inventory"].shape), atol=TOL
        )
        for name in ("production", "exports_shipped", "imports_shipped", "in_transit", "demand"):
            np.testing.assert_allclose(
                a[name], np.broadcast_to(a[name][0], a[name].shape), atol=TOL, err_msg=name
            )
        for name in ("released", "transfers_in", "transfers_out", "stocked", "demand_forgone"):
            np.testing.assert_allclose(a[name], 0.0, atol=TOL, err_msg=name)
        np.testing.assert_allclose(rec.price, rec.base_price, rtol=TOL)
        if rec.substituted.size:
            assert float(np.abs(rec.substituted).max()) <= TOL


@SETTINGS
@given(scenario=chains())
def test_with_recipes_no_shock_nothing_moves(scenario: dict[str, Any]) -> None:
    _nothing_moves(_check(scenario))


@SETTINGS
@given(scenario=chains(policies=True, market=True))
def test_with_recipes_every_policy_and_a_market_no_shock_nothing_moves(
    scenario: dict[str, Any],
) -> None:
    _nothing_moves(_check(scenario))


@SETTINGS
@given(scenario=chains(shocks=True))
def test_with_recipes_material_is_conserved_under_random_shocks(scenario: dict[str, Any]) -> None:
    _check(scenario, r=3)


@SETTINGS
@given(scenario=chains(shocks=True, policies=True, market=True))
def test_with_recipes_every_policy_on_any_tier_conserves_material(
    scenario: dict[str, Any],
) -> None:
    """Reserves, a pool, loans and joint procurement on random tiers, with a market."""
    _check(scenario, r=1)
