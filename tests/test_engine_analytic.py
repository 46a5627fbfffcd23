"""Analytic cases: tiny deterministic scenarios whose answers are derived by hand.

Base case (see ``scenario_factory.base_dict``): CHN produces 1 unit/day, all of
it shipped to KOR with a 10-day lead time; KOR consumes 1/day and holds 30 days
(30 units); the horizon is days 0..364.  At baseline each day KOR receives 1
(shipped 10 days earlier), orders 1, consumes 1, and ends the day at 30.  A
control from day 50 acts on orders from day 50, so arrivals go on until day 59
and KOR ends day 59 with 30 units whatever the control.

Every derivation is in the test's docstring; numbers are exact (the engine
works on multiples of 1/2, 1/4 and 1/365 here), so tolerances are 1e-9.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scenario_factory import (
    VALUE_AT_RISK,
    ban,
    base_dict,
    link,
    node,
    run,
    series,
    shock,
)

TOL = 1e-9
HORIZON = 365
DAYS = np.arange(HORIZON)


def with_alternatives(
    suppliers: list[tuple[str, float, float, float, int]], **base: Any
) -> dict[str, Any]:
    """The banned base case plus suppliers ``(code, production, capacity, demand, lead)``.

    Each has a zero-flow potential route to KOR; production and demand are
    equal, so each balances with no trade.
    """
    scenario = base_dict(shocks=[ban()], **base)
    for code, production, capacity, demand, lead in suppliers:
        scenario["network"]["nodes"].append(
            node(
                code,
                production_per_year=production,
                capacity_per_year=capacity,
                demand_per_year=demand,
            )
        )
        scenario["network"]["links"].append(link(code, "KOR", 0.0, lead))
    return scenario


# --- controls --------------------------------------------------------------------------


def test_ban_for_ever() -> None:
    """A ban from day 50 that never ends.

    KOR ends day 59 at 30 and receives nothing from day 60, so it consumes its
    30 units on days 60..89 and is short 1/day on days 90..364:
    tts = 90 - 50 = 40, shortfall = shortage days = 275, fill rate = 90/365,
    no recovery, min coverage 0, loss = 275 * 50 000 USD.
    """
    result, rows = run(base_dict(shocks=[ban()]))
    kor = rows["KOR"]
    assert kor["tts_days"] == 40
    assert kor["shortfall"] == pytest.approx(275.0, abs=TOL)
    assert kor["shortage_days"] == 275
    assert kor["fill_rate"] == pytest.approx(90 / 365, abs=TOL)
    assert kor["ttr_days"] is None
    assert kor["min_coverage_days"] == pytest.approx(0.0, abs=TOL)
    assert kor["economic_loss_usd"] == pytest.approx(275 * VALUE_AT_RISK, rel=TOL)
    short = series(result, "shortfall", "KOR")
    np.testing.assert_allclose(short, np.where(DAYS >= 90, 1.0, 0.0), atol=TOL)
    assert result.shock_start_day == {"widget": 50}


def test_quota_half() -> None:
    """A quota of half the baseline flow from day 50.

    Shipments are capped at 0.5/day from day 50, so arrivals are 0.5/day from
    day 60.  KOR's 30 units fall by 0.5/day: gone at the end of day 119.  From
    day 120 KOR is short 0.5/day: tts = 70, shortage days = 365 - 120 = 245,
    shortfall = 0.5 * 245 = 122.5.
    """
    result, rows = run(base_dict(shocks=[shock("quota", quota_share=0.5)]))
    kor = rows["KOR"]
    assert kor["tts_days"] == 70
    assert kor["shortfall"] == pytest.approx(122.5, abs=TOL)
    assert kor["shortage_days"] == 245
    arrivals = series(result, "arrivals", "KOR")
    np.testing.assert_allclose(arrivals, np.where(DAYS >= 60, 0.5, 1.0), atol=TOL)
    inventory = series(result, "inventory", "KOR")
    assert inventory[119] == pytest.approx(0.0, abs=TOL)
    assert inventory[118] == pytest.approx(0.5, abs=TOL)


def test_licensing_with_certain_approval() -> None:
    """Licensing from day 50, every licence approved after exactly 45 days.

    The request of day 50 is decided (approved) on day 95 and ships then, so
    nothing leaves for KOR (and CHN produces nothing) on days 50..94, and
    shipments resume on day 95, arriving from day 105.  KOR's 30 units last
    days 60..89; it is short 1/day on days 90..104: shortfall 15, tts 40,
    recovered from day 105 (ttr 55).
    """
    licensing = shock("licensing", licence={"processing_days": 45, "approval_probability": 1.0})
    result, rows = run(base_dict(shocks=[licensing]))
    shipped = series(result, "imports_shipped", "KOR")
    produced = series(result, "production", "CHN")
    blocked = (DAYS >= 50) & (DAYS <= 94)
    assert np.all(shipped[blocked] == 0.0)
    assert np.all(produced[blocked] == 0.0)
    assert np.all(shipped[~blocked] > 0.0)
    assert np.all(produced[~blocked] > 0.0)
    assert series(result, "arrivals", "KOR")[105] > 0.0
    kor = rows["KOR"]
    assert kor["shortfall"] == pytest.approx(15.0, abs=TOL)
    assert kor["tts_days"] == 40
    assert kor["ttr_days"] == 55
    short_days = np.flatnonzero(series(result, "shortfall", "KOR") > TOL)
    assert short_days.tolist() == list(range(90, 105))


def test_front_loading_before_a_ban() -> None:
    """Announced on day 20, effective day 50, importers front-load 15 extra days.

    CHN has capacity 2/day, so 1/day spare.  On day 20 KOR's target rises from
    30 to 45 days: its position (stock + transit = 40) is 15 below the new
    target (55), so it orders 1 + 15; 1 is baseline and 1 extra is served from
    the spare capacity.  Each day the gap shrinks by the extra unit shipped, so
    KOR receives 2/day for shipments of days 20..34 (arrivals days 30..44) and
    ends days 44..59 at 45 units.  With nothing arriving from day 60, 45 units
    last days 60..104: tts = 105 - 50 = 55 (40 without front-loading),
    shortfall = 365 - 105 = 260.
    """
    front = ban(announced_day=20, front_loading={"extra_inventory_days": 15})
    result, rows = run(base_dict(chn_capacity=730.0, shocks=[front]))
    shipped = series(result, "imports_shipped", "KOR")
    np.testing.assert_allclose(shipped[20:35], 2.0, atol=TOL)
    np.testing.assert_allclose(shipped[35:50], 1.0, atol=TOL)
    inventory = series(result, "inventory", "KOR")
    np.testing.assert_allclose(inventory[:30], 30.0, atol=TOL)
    assert inventory[30] == pytest.approx(31.0, abs=TOL)
    np.testing.assert_allclose(inventory[44:60], 45.0, atol=TOL)
    kor = rows["KOR"]
    assert kor["tts_days"] == 55
    assert kor["shortfall"] == pytest.approx(260.0, abs=TOL)

    _, plain = run(base_dict(chn_capacity=730.0, shocks=[ban()]))
    assert plain["KOR"]["tts_days"] == 40
    assert kor["tts_days"] - plain["KOR"]["tts_days"] == 15


LEAKY_BAN = {"via": "VNM", "share": 0.5, "extra_lead_time_days": 7}


def _leaky() -> dict[str, Any]:
    scenario = base_dict(shocks=[ban(leakage=LEAKY_BAN)])
    scenario["network"]["nodes"].append(node("VNM"))
    return scenario


def test_leakage_arrives_with_extra_lead_time() -> None:
    """Half of the banned flow leaks through VNM with 7 extra days (lead 17).

    The first blocked request (1 unit, day 50) leaks 0.5, which arrives on day
    50 + 17 = 67.  Nothing reaches KOR on days 60..66, so it ends day 66 at 23.
    """
    result, _ = run(_leaky())
    arrivals = series(result, "arrivals", "KOR")
    np.testing.assert_allclose(arrivals[:60], 1.0, atol=TOL)
    np.testing.assert_allclose(arrivals[60:67], 0.0, atol=TOL)
    assert arrivals[67] == pytest.approx(0.5, abs=TOL)
    assert series(result, "imports_shipped", "KOR")[50] == pytest.approx(0.5, abs=TOL)
    assert series(result, "inventory", "KOR")[66] == pytest.approx(23.0, abs=TOL)


def test_leakage_is_half_the_banned_flow() -> None:
    """Half of the banned baseline flow (0.5/day) arrives, 17 days after it leaves.

    Arrivals are 0.5/day from day 67.  KOR ends day 66 at 23 and loses 0.5/day
    from day 67: empty at the end of day 112, short 0.5/day on days 113..364:
    tts = 63, shortfall = 0.5 * 252 = 126.
    """
    result, rows = run(_leaky())
    arrivals = series(result, "arrivals", "KOR")
    np.testing.assert_allclose(arrivals[67:], 0.5, atol=TOL)
    assert rows["KOR"]["tts_days"] == 63
    assert rows["KOR"]["shortfall"] == pytest.approx(126.0, abs=TOL)


# --- strategic stockpile ----------------------------------------------------------------


def test_national_stockpile_with_decision_delay() -> None:
    """A 20-day reserve, trigger below 10 days of coverage, decision delay 5 days.

    Coverage (inventory after arrivals, before consumption) on day k >= 60 is
    30 - (k - 60) = 90 - k: first below 10 on day 81 (9 days), so the reserve
    is armed on day 81 and first releases on day 86.  On day 86 KOR holds 4 and
    needs 30 + 1 - 4 = 27 to be back at target: the reserve gives all its 20.
    KOR then has 24 units for days 86..109 and is short from day 110:
    tts = 60, shortfall = 365 - 110 = 255.
    """
    scenario = base_dict(shocks=[ban()])
    scenario["policies"] = {
        "stockpiles": [
            {
                "id": "kor-reserve",
                "country": "KOR",
                "commodity": "widget",
                "size_days": 20,
                "trigger_coverage_days": 10,
                "decision_delay_days": 5,
            }
        ]
    }
    result, rows = run(scenario)
    inventory = series(result, "inventory", "KOR")
    k = np.arange(60, 86)
    np.testing.assert_allclose(inventory[k] + 1.0, 90.0 - k, atol=TOL)  # coverage before use
    released = series(result, "released", "KOR")
    assert np.flatnonzero(released).tolist() == [86]
    assert released[86] == pytest.approx(20.0, abs=TOL)
    strategic = series(result, "strategic", "KOR")
    np.testing.assert_allclose(strategic[:86], 20.0, atol=TOL)
    np.testing.assert_allclose(strategic[86:], 0.0, atol=TOL)
    kor = rows["KOR"]
    assert kor["tts_days"] == 60
    assert kor["shortfall"] == pytest.approx(255.0, abs=TOL)
    assert kor["released"] == pytest.approx(20.0, abs=TOL)


# --- rerouting to alternative suppliers --------------------------------------------------


@pytest.mark.parametrize("lead", [5, 10, 25, 40])
def test_second_supplier_with_enough_spare_capacity(lead: int) -> None:
    """AUS has 1/day spare (capacity 365/yr, no commitments) on a potential route, lead L.

    From day 50 KOR's whole request (1/day: its position stays at target) is
    cut and rerouted to AUS, which serves all of it, so 1/day arrives from day
    50 + L.  When L > 10, KOR ends day 59 at 30, gets nothing on days
    60..(49 + L) and ends day 49 + L at 30 - (L - 10) = 40 - L; when L <= 10
    the two routes overlap and KOR never falls below 30.  For L <= 40 it is
    never short; its lowest coverage is min(30, 40 - L).
    """
    result, rows = run(with_alternatives([("AUS", 0.0, 365.0, 0.0, lead)]))
    kor = rows["KOR"]
    assert kor["shortfall"] == pytest.approx(0.0, abs=TOL)
    assert kor["tts_days"] is None
    assert kor["min_coverage_days"] == pytest.approx(min(30.0, 40.0 - lead), abs=TOL)
    production = series(result, "production", "AUS")
    np.testing.assert_allclose(production[:50], 0.0, atol=TOL)
    assert production[50] == pytest.approx(1.0, abs=TOL)


def test_second_supplier_one_day_too_far() -> None:
    """As above with L = 41: KOR is empty at the end of day 89 and AUS's first 1 arrives
    on day 91, so KOR is short exactly 1 unit, on day 90 (tts 40)."""
    result, rows = run(with_alternatives([("AUS", 0.0, 365.0, 0.0, 41)]))
    assert rows["KOR"]["shortfall"] == pytest.approx(1.0, abs=TOL)
    assert rows["KOR"]["tts_days"] == 40
    assert np.flatnonzero(series(result, "shortfall", "KOR") > TOL).tolist() == [90]


@pytest.mark.parametrize("lead", [10, 20, 30])
def test_second_supplier_with_half_a_day_of_spare(lead: int) -> None:
    """AUS has 0.5/day spare capacity, lead L >= 10; KOR's rerouted requests exceed it.

    KOR requests at least 1/day, AUS ships its 0.5/day spare from day 50 (the
    rest is cut), arriving from day 50 + L.  KOR ends day 49 + L at 40 - L,
    then loses 0.5/day: empty after 2 (40 - L) = 80 - 2L days, at the end of
    day 129 - L.  Short 0.5/day on days 130 - L..364:
    tts = 80 - L, shortfall = 0.5 (235 + L), shortage days = 235 + L.
    """
    result, rows = run(with_alternatives([("AUS", 0.0, 182.5, 0.0, lead)]))
    kor = rows["KOR"]
    assert kor["tts_days"] == 80 - lead
    assert kor["shortfall"] == pytest.approx(0.5 * (235 + lead), abs=TOL)
    assert kor["shortage_days"] == 235 + lead
    np.testing.assert_allclose(series(result, "production", "AUS")[50:], 0.5, atol=TOL)


def test_spare_capacity_is_net_of_the_suppliers_own_demand() -> None:
    """AUS produces 0.5/day for its own demand with capacity 1/day: spare 0.5/day.

    KOR gets exactly what it got from a supplier with 0.5/day and no demand
    (L = 20: tts 60, shortfall 127.5), AUS produces 1/day from day 50 and is
    never short itself.
    """
    result, rows = run(with_alternatives([("AUS", 182.5, 365.0, 182.5, 20)]))
    assert rows["KOR"]["tts_days"] == 60
    assert rows["KOR"]["shortfall"] == pytest.approx(127.5, abs=TOL)
    assert rows["AUS"]["shortfall"] == pytest.approx(0.0, abs=TOL)
    production = series(result, "production", "AUS")
    np.testing.assert_allclose(production[:50], 0.5, atol=TOL)
    np.testing.assert_allclose(production[50:], 1.0, atol=TOL)


def test_rerouted_requests_split_by_spare_capacity() -> None:
    """AUS (spare 0.25/day, lead 15) and USA (spare 0.5/day, lead 20) share KOR's requests.

    A rerouted request q is split 1:2 by spare capacity: AUS gets q/3, USA
    2q/3; KOR requests q >= 1 > 0.75, so each serves exactly its spare:
    AUS 0.25/day, USA 0.5/day from day 50.  Arrivals: nothing on days 60..64,
    0.25 on days 65..69, 0.75 from day 70.  KOR ends day 64 at 25, day 69 at
    25 - 5 * 0.75 = 21.25, then loses 0.25/day: empty at the end of day 154.
    Short 0.25/day on days 155..364: tts 105, shortfall 0.25 * 210 = 52.5.
    """
    result, rows = run(
        with_alternatives([("AUS", 0.0, 91.25, 0.0, 15), ("USA", 0.0, 182.5, 0.0, 20)])
    )
    np.testing.assert_allclose(series(result, "production", "AUS")[50:], 0.25, atol=TOL)
    np.testing.assert_allclose(series(result, "production", "USA")[50:], 0.5, atol=TOL)
    arrivals = series(result, "arrivals", "KOR")
    np.testing.assert_allclose(arrivals[60:65], 0.0, atol=TOL)
    np.testing.assert_allclose(arrivals[65:70], 0.25, atol=TOL)
    np.testing.assert_allclose(arrivals[70:], 0.75, atol=TOL)
    assert series(result, "inventory", "KOR")[69] == pytest.approx(21.25, abs=TOL)
    assert rows["KOR"]["tts_days"] == 105
    assert rows["KOR"]["shortfall"] == pytest.approx(52.5, abs=TOL)


# --- capacity expansion -----------------------------------------------------------------

EXPANSION = {
    "sustain_days": 30,
    "delay_days": 100,
    "ramp_per_year": 365,
    "max_capacity_per_year": 730,
}


def _expanding() -> dict[str, Any]:
    scenario = with_alternatives([("AUS", 0.0, 182.5, 0.0, 10)])
    scenario["network"]["nodes"][-1]["expansion"] = EXPANSION
    return scenario


def test_capacity_expansion_starts_on_the_derived_day() -> None:
    """AUS (spare 0.5/day) faces unmet extra requests from KOR every day from day 50.

    The 30th consecutive day of unmet requests is day 79: AUS invests then and
    its new capacity comes online 100 days later, at the start of day 179; it
    grows after that day's trade, so production is 0.5/day on days 50..179
    and above 0.5 from day 180 on.
    """
    result, _ = run(_expanding())
    production = series(result, "production", "AUS")
    np.testing.assert_allclose(production[50:180], 0.5, atol=TOL)
    assert np.all(production[180:] > 0.5 + TOL)


def test_capacity_expansion_ramps_at_the_stated_rate() -> None:
    """Capacity grows by ramp_per_year = 365 units/yr per year, i.e. 1/365 unit/day per day.

    From 0.5/day at the end of day 178, capacity is 0.5 + k/365 units/day
    after k days of ramp; KOR still asks for more than that, so AUS produces
    0.5 + (t - 179)/365 on day t >= 180 (0.5 + 1/365 on day 180; 1/day, i.e.
    365/yr, around day 361; the 730/yr ceiling is beyond the horizon).
    """
    result, _ = run(_expanding())
    production = series(result, "production", "AUS")
    t = np.arange(180, 300)
    np.testing.assert_allclose(production[t], 0.5 + (t - 179) / 365, atol=1e-6)
