"""Decision delays mean what they say, for national reserves and joint pools.

The rule (``docs/model.md``, "Decision delays"): a release decision is taken
only on a day when the trigger has held on every day since the first day of
the current spell below it, ``decision_delay_days`` before; a day at or above
the trigger ends the spell and cancels its pending decision for good.

A hand-derived case with two bans, then a property over random controls that
are lifted and re-imposed, random triggers (some above the inventory target)
and random delays, checked from the daily records alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenario_factory import COMMODITY, ban, base_dict, link, node, run, series, shock

from simulator.engine import RunResult

TOL = 1e-9
SLACK = 1e-9
"""Tolerance on coverage comparisons rebuilt from the records (rounding only)."""


def _kor_reserve(delay: int) -> dict[str, Any]:
    return {
        "id": "kor-reserve",
        "country": "KOR",
        "commodity": COMMODITY,
        "size_days": 20,
        "trigger_coverage_days": 10,
        "decision_delay_days": delay,
    }


def test_a_lifted_ban_cancels_the_decision_and_a_second_ban_waits_the_full_delay() -> None:
    """Ban on days 50..79, ban again from day 120 for ever; CHN capacity 2/day.

    Reserve: 20 days, trigger 10 days of coverage, decision delay 75 days.
    Coverage is inventory after arrivals, before consumption (days of demand).

    First ban: KOR ends day 59 at 30 and receives nothing on days 60..89
    (orders of days 50..79 were cut), so coverage on day k is 90 - k there:
    below 10 from day 81, the first day of a spell (decision due day 156).
    From day 80 KOR orders its gap back; CHN serves 2/day (1 of spare
    capacity), so 2/day arrives from day 90: coverage on day k >= 90 is
    k - 88, which is 10 on day 98.  The spell ends on day 98 and its decision
    is cancelled.  (Orders stay at 2/day until the position is back at its
    target of 40 on day 109; the stock is back at 30 at the end of day 119.)

    Second ban: arrivals go on until day 129 (shipments of days 110..119,
    1/day), KOR ends day 129 at 30, and coverage on day k >= 130 is 160 - k:
    below 10 from day 151, a new spell.  Its decision is due on day
    151 + 75 = 226 (coverage has stayed below 10: it is 0 from day 160).  The
    old decision of day 156 must not come back to life.  On day 226 KOR needs
    target + demand - stock = 31 and the reserve gives its 20.

    Shortfall: KOR is empty from day 160; short 1/day on days 160..225 (66),
    then the 20 units last days 226..245, short again on days 246..364 (119):
    185 in all (205 without the reserve, less its 20).
    """
    first = ban(id="first", effective_day=50, duration_days=30)
    second = ban(id="second", effective_day=120)
    scenario = base_dict(chn_capacity=730.0, shocks=[first, second])
    scenario["policies"] = {"stockpiles": [_kor_reserve(75)]}
    result, rows = run(scenario)
    coverage = series(result, "inventory", "KOR") + series(result, "consumption", "KOR")
    coverage -= series(result, "released", "KOR")
    k = np.arange(60, 90)
    np.testing.assert_allclose(coverage[k], 90.0 - k, atol=TOL)
    k = np.arange(90, 99)
    np.testing.assert_allclose(coverage[k], k - 88.0, atol=TOL)
    k = np.arange(130, 160)
    np.testing.assert_allclose(coverage[k], 160.0 - k, atol=TOL)
    released = series(result, "released", "KOR")
    assert np.flatnonzero(released > TOL).tolist() == [226]
    assert released[226] == pytest.approx(20.0, abs=TOL)
    assert rows["KOR"]["shortfall"] == pytest.approx(185.0, abs=TOL)
    short = np.flatnonzero(series(result, "shortfall", "KOR") > TOL)
    assert short.tolist() == list(range(160, 226)) + list(range(246, 365))


# --- the property ---------------------------------------------------------------------------

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None)
MEMBERS = ("KOR", "JPN")


@st.composite
def lifted_and_reimposed(draw: st.DrawFn) -> dict[str, Any]:
    """CHN supplies KOR and JPN; two or three controls that start and end at random days."""
    scenario = base_dict(chn_capacity=draw(st.floats(730.0, 1460.0)), horizon_days=300)
    lead = draw(st.integers(1, 20))
    scenario["network"]["links"][0]["lead_time_days"] = lead
    scenario["network"]["nodes"][0]["production_per_year"] = 730.0
    scenario["network"]["nodes"][1]["inventory_days"] = draw(st.integers(5, 40))
    scenario["network"]["nodes"].append(
        node("JPN", demand_per_year=365.0, inventory_days=draw(st.integers(5, 40)))
    )
    scenario["network"]["links"].append(link("CHN", "JPN", 365.0, draw(st.integers(1, 20))))
    controls = []
    for number in range(draw(st.integers(2, 3))):
        mode = draw(st.sampled_from(["ban", "quota"]))
        fields: dict[str, Any] = {
            "id": f"ctrl{number}",
            "targets": draw(st.sampled_from([["KOR"], ["JPN"], ["KOR", "JPN"]])),
            "effective_day": draw(st.integers(0, 250)),
            "duration_days": draw(st.integers(1, 80)),
        }
        if mode == "quota":
            fields["quota_share"] = draw(st.floats(0.0, 0.9))
        controls.append(shock(mode, **fields))
    scenario["shocks"] = controls
    scenario["coalitions"] = {"KJ": list(MEMBERS)}
    return scenario


def _release_rule(draw: st.DrawFn) -> dict[str, Any]:
    """A random size, coverage trigger (up to 60 days: often above the target) and delay."""
    return {
        "commodity": COMMODITY,
        "size_days": draw(st.floats(1.0, 60.0)),
        "trigger_coverage_days": draw(st.floats(0.0, 60.0)),
        "decision_delay_days": draw(st.integers(0, 40)),
        "max_release_per_day": draw(st.one_of(st.none(), st.floats(0.1, 5.0))),
        "replenish_per_day": draw(st.floats(0.0, 2.0)),
    }


@st.composite
def with_national_reserve(draw: st.DrawFn) -> dict[str, Any]:
    scenario = draw(lifted_and_reimposed())
    reserve = {"id": "reserve", "country": "KOR", **_release_rule(draw)}
    scenario["policies"] = {"stockpiles": [reserve]}
    return scenario


@st.composite
def with_joint_pool(draw: st.DrawFn) -> dict[str, Any]:
    """A pool of KOR and JPN; releases reach members at once (lead 0), so they are observable."""
    scenario = draw(lifted_and_reimposed())
    location = draw(st.sampled_from(MEMBERS))
    pool = {"id": "pool", "coalition": "KJ", "location": location, "lead_time_days": 0}
    pool.update(_release_rule(draw))
    scenario["policies"] = {"joint_stockpiles": [pool]}
    return scenario


def _coverage_before_release(result: RunResult, countries: tuple[str, ...]) -> np.ndarray:
    """Coverage each day after arrivals, before releases and consumption (days × countries)."""
    records = result.records[COMMODITY]
    columns = [records.countries.index(c) for c in countries]
    a = records.arrays
    stock = a["inventory"] + a["consumption"] - a["released"]
    return np.asarray(stock[:, columns] / records.demand_per_day[columns])


def _check_release_episodes(
    released: np.ndarray, triggered: np.ndarray, may_stand_down: np.ndarray, delay: int
) -> None:
    """Every release day ``t`` follows a decision day ``e <= t`` reached by a full spell.

    ``e`` comes after the last day before ``t`` on which the rule could have
    stood down (``may_stand_down``), and the trigger held on each of the days
    ``e - delay .. e``.
    """
    for t in np.flatnonzero(released > TOL):
        earlier = np.flatnonzero(may_stand_down[:t])
        after = int(earlier[-1]) + 1 if earlier.size else 0
        reached = [e for e in range(max(after, delay), t + 1) if triggered[e - delay : e + 1].all()]
        assert reached, (
            f"release on day {t} without {delay + 1} days below the trigger"
            f" since day {after}: triggered {np.flatnonzero(triggered[: t + 1]).tolist()}"
        )


@SETTINGS
@given(scenario=with_national_reserve())
def test_a_national_reserve_releases_only_after_a_full_spell(scenario: dict[str, Any]) -> None:
    result, _ = run(scenario)
    spec = scenario["policies"]["stockpiles"][0]
    coverage = _coverage_before_release(result, ("KOR",))[:, 0]
    target = scenario["network"]["nodes"][1]["inventory_days"]
    _check_release_episodes(
        series(result, "released", "KOR"),
        coverage < spec["trigger_coverage_days"] + SLACK,
        coverage >= target + 1.0 - SLACK,
        spec["decision_delay_days"],
    )


@SETTINGS
@given(scenario=with_joint_pool())
def test_a_joint_pool_releases_only_after_a_full_spell(scenario: dict[str, Any]) -> None:
    result, _ = run(scenario)
    spec = scenario["policies"]["joint_stockpiles"][0]
    coverage = _coverage_before_release(result, MEMBERS)
    targets = np.array(
        [n["inventory_days"] for n in scenario["network"]["nodes"] if n["country"] in MEMBERS]
    )
    below = coverage < spec["trigger_coverage_days"] + SLACK
    released = sum(series(result, "released", c) for c in MEMBERS)
    _check_release_episodes(
        np.asarray(released),
        below.any(axis=1),
        ~(coverage < spec["trigger_coverage_days"] - SLACK).any(axis=1)
        & (coverage >= targets - SLACK).all(axis=1),
        spec["decision_delay_days"],
    )
