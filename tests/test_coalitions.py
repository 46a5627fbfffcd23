"""Coalition policies on ``scenarios/examples/pooled-vs-national.yaml``: answers by hand.

The example: CHN makes 2/day (capacity 3/day) for KOR and JPN, each consuming
1/day with 30 days (30 units) of inventory and a 10-day lead time.  CHN bans
KOR on days 50..169.  Without a policy KOR ends day 59 at 30, empties it on
days 60..89 and is short 1/day on days 90..179 (shipments resume on day 170
and arrive from day 180): shortfall 90, tts 40, ttr 130.  JPN is untouched.

Each policy is checked against the same scenario with the policy removed, so
every difference is the policy's doing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scenario_factory import (
    EXAMPLES,
    build,
    example_dict,
    pooled_vs_national_dict,
    run,
    series,
)
from scipy import stats

from simulator.engine import simulate
from simulator.io import load_scenario

TOL = 1e-9
HONOURS = "policies.mutual_transfers.kj-transfer.honours.{}"


def test_example_file_is_what_the_project_loader_reads() -> None:
    """The project's loader and a plain YAML parse give the same validated scenario."""
    loaded = load_scenario(EXAMPLES / "pooled-vs-national.yaml")
    assert loaded.resolved_dict() == build(example_dict("pooled-vs-national")).resolved_dict()


# --- the example, one policy at a time ------------------------------------------------------


def test_neither_policy() -> None:
    """No policy: KOR short 1/day on days 90..179; JPN stays at 30 days."""
    result, rows = run(pooled_vs_national_dict(pool=False, transfer=False))
    assert rows["KOR"]["shortfall"] == pytest.approx(90.0, abs=TOL)
    assert rows["KOR"]["tts_days"] == 40
    assert rows["KOR"]["ttr_days"] == 130
    assert rows["JPN"]["shortfall"] == pytest.approx(0.0, abs=TOL)
    assert rows["JPN"]["min_coverage_days"] == pytest.approx(30.0, abs=TOL)
    short_days = np.flatnonzero(series(result, "shortfall", "KOR") > TOL)
    assert short_days.tolist() == list(range(90, 180))


def test_joint_pool_only() -> None:
    """The 60-unit pool (at JPN, lead 3 to KOR), trigger 10 days, no delay.

    The pool keeps members below the trigger at the trigger level: it releases
    what brings them back to 10 days after the day's use, net of releases on
    their way.  KOR's coverage before consumption is 90 - k on day k >= 60,
    first below 10 on day 81 (9): it gets 10 + 1 - 9 = 2, then 1 a day (its use)
    on days 82..139, when the pool is empty: 2 + 58 = 60 units.  KOR's 30 units
    and the pool's 60 cover days 60..149; it is short on days 150..179:
    shortfall 30, tts 100, ttr 130.  JPN never needs the pool: min coverage 30.
    """
    result, rows = run(pooled_vs_national_dict(pool=True, transfer=False))
    released = series(result, "released", "KOR")
    assert np.flatnonzero(released).tolist() == list(range(81, 140))
    assert released[81] == pytest.approx(2.0, abs=TOL)
    np.testing.assert_allclose(released[82:140], 1.0, atol=TOL)
    assert series(result, "released", "JPN").sum() == pytest.approx(0.0, abs=TOL)
    pool_total = series(result, "pool", "KOR") + series(result, "pool", "JPN")
    np.testing.assert_allclose(pool_total[:81], 60.0, atol=TOL)
    np.testing.assert_allclose(pool_total[139:], 0.0, atol=TOL)
    kor, jpn = rows["KOR"], rows["JPN"]
    assert kor["shortfall"] == pytest.approx(30.0, abs=TOL)
    assert kor["tts_days"] == 100
    assert kor["ttr_days"] == 130
    assert jpn["shortfall"] == pytest.approx(0.0, abs=TOL)
    assert jpn["min_coverage_days"] == pytest.approx(30.0, abs=TOL)

    _, without = run(pooled_vs_national_dict(pool=False, transfer=False))
    assert without["KOR"]["shortfall"] - kor["shortfall"] == pytest.approx(60.0, abs=TOL)


def test_mutual_transfer_only() -> None:
    """Loan-based transfer, trigger 10 days, donor floor 20 days, lead 5.

    Day 81: KOR's coverage is 9 < 10.  JPN holds 31 after arrivals and keeps
    its floor plus the day's use, 21: it gives 10, arriving on day 86; JPN ends
    the day at 20 (its floor).  JPN reorders the 10 it lacks: CHN's spare is
    3 - 1 (JPN's baseline; KOR's is banned) = 2/day, so 2 extra leave on days
    82..86 and arrive on days 92..96.  KOR is below the trigger then, so each
    2 is passed on the day it arrives (arriving at KOR on days 97..101) and
    reordered the next day (leaving 93..97, arriving 103..107), and so on:
    every 11 days KOR receives 10 units and consumes 11.  KOR's lowest stock
    of each cycle (end of days 85, 96, 107, 118, 129) is 4, 3, 2, 1, 0; from
    then on each cycle has one day short by 1: days 140, 151, 162, 173.
    Shortfall 4, tts 90, ttr 124.  JPN never goes below 20 days, and every
    loan is repaid once KOR is back above its target.
    """
    result, rows = run(pooled_vs_national_dict(pool=False, transfer=True))
    transfers_in = series(result, "transfers_in", "KOR")
    given = series(result, "transfers_out", "JPN")
    assert np.flatnonzero(transfers_in)[0] == 81
    assert transfers_in[81] == pytest.approx(10.0, abs=TOL)
    assert given[81] == pytest.approx(10.0, abs=TOL)
    np.testing.assert_allclose(transfers_in[92:97], 2.0, atol=TOL)
    np.testing.assert_allclose(transfers_in[82:92], 0.0, atol=TOL)
    short_days = np.flatnonzero(series(result, "shortfall", "KOR") > TOL)
    assert short_days.tolist() == [140, 151, 162, 173]
    kor, jpn = rows["KOR"], rows["JPN"]
    assert kor["shortfall"] == pytest.approx(4.0, abs=TOL)
    assert kor["tts_days"] == 90
    assert kor["ttr_days"] == 124
    assert jpn["shortfall"] == pytest.approx(0.0, abs=TOL)
    assert jpn["min_coverage_days"] == pytest.approx(20.0, abs=TOL)
    _assert_loans_repaid(result)

    _, without = run(pooled_vs_national_dict(pool=False, transfer=False))
    assert without["KOR"]["shortfall"] == pytest.approx(90.0, abs=TOL)
    assert without["JPN"]["min_coverage_days"] == pytest.approx(30.0, abs=TOL)


def test_pool_and_transfer() -> None:
    """Both policies: the pool covers KOR to day 149 and transfers the rest.

    KOR is never short; JPN gives but never below its 20-day floor; loans are
    repaid.  Each policy alone leaves KOR short (30 and 4 units).
    """
    result, rows = run(pooled_vs_national_dict(pool=True, transfer=True))
    assert rows["KOR"]["shortfall"] == pytest.approx(0.0, abs=TOL)
    assert rows["KOR"]["tts_days"] is None
    assert rows["JPN"]["shortfall"] == pytest.approx(0.0, abs=TOL)
    assert rows["JPN"]["min_coverage_days"] == pytest.approx(20.0, abs=TOL)
    assert rows["KOR"]["transfers_in"] > 0.0
    _assert_loans_repaid(result)

    for pool, transfer in [(True, False), (False, True)]:
        _, alone = run(pooled_vs_national_dict(pool=pool, transfer=transfer))
        assert alone["KOR"]["shortfall"] > 1.0


def _assert_loans_repaid(result: Any) -> None:
    jpn_inventory = series(result, "inventory", "JPN")
    assert np.min(jpn_inventory) >= 20.0 - TOL  # the donor floor, after the day's use
    for country in ("KOR", "JPN"):
        loans = series(result, "loans_outstanding", country)
        assert loans[-1] == pytest.approx(0.0, abs=TOL)
    assert np.min(series(result, "loans_outstanding", "KOR")) < -1.0  # KOR did borrow
    repaid = series(result, "transfers_out", "KOR").sum()
    borrowed = series(result, "transfers_in", "KOR").sum()
    assert repaid == pytest.approx(borrowed, abs=1e-6)


# --- equal total stock: national or pooled -------------------------------------------------


def _national(targets: list[str]) -> dict[str, Any]:
    """30 days each in national reserves (KOR, JPN), trigger 10, no delay; no coalition policy."""
    scenario = pooled_vs_national_dict(pool=False, transfer=False, targets=targets)
    scenario["policies"] = {
        "stockpiles": [
            {
                "id": f"{country.lower()}-reserve",
                "country": country,
                "commodity": "widget",
                "size_days": 30,
                "trigger_coverage_days": 10,
                "decision_delay_days": 0,
            }
            for country in ("KOR", "JPN")
        ]
    }
    return scenario


def _pooled(targets: list[str]) -> dict[str, Any]:
    """One pool of 30 days of combined demand (60 units), no transfers."""
    return pooled_vs_national_dict(pool=True, transfer=False, targets=targets)


def test_pooling_helps_when_only_korea_is_hit() -> None:
    """Only KOR banned; 60 units held either way.

    National: KOR's own 30 + its reserve's 30 cover days 60..119; short on
    days 120..179: 60 (tts 70).  JPN's reserve is never used.  Pooled: KOR
    can draw all 60 (see the pool-only test): short 30.  JPN is never short
    and never below its commercial target in either case.
    """
    national_result, national = run(_national(["KOR"]))
    pooled_result, pooled = run(_pooled(["KOR"]))
    assert national["KOR"]["shortfall"] == pytest.approx(60.0, abs=TOL)
    assert national["KOR"]["tts_days"] == 70
    assert pooled["KOR"]["shortfall"] == pytest.approx(30.0, abs=TOL)
    assert pooled["KOR"]["shortfall"] < national["KOR"]["shortfall"]
    np.testing.assert_allclose(series(national_result, "strategic", "JPN"), 30.0, atol=TOL)
    for rows in (national, pooled):
        assert rows["JPN"]["shortfall"] == pytest.approx(0.0, abs=TOL)
        assert rows["JPN"]["min_coverage_days"] == pytest.approx(30.0, abs=TOL)
    assert series(pooled_result, "released", "JPN").sum() == pytest.approx(0.0, abs=TOL)


def test_pooling_is_no_better_when_both_are_hit() -> None:
    """KOR and JPN banned alike: the pool splits by need, 30 each, as national reserves would.

    Each has 30 + 30 units for days 60..119 and is short on days 120..179:
    60 each, 120 in total, either way.
    """
    _, national = run(_national(["KOR", "JPN"]))
    _, pooled = run(_pooled(["KOR", "JPN"]))
    assert national["KJ"]["shortfall"] == pytest.approx(120.0, abs=TOL)
    assert pooled["KJ"]["shortfall"] == pytest.approx(national["KJ"]["shortfall"], abs=TOL)
    for country in ("KOR", "JPN"):
        assert pooled[country]["shortfall"] == pytest.approx(60.0, abs=TOL)
        assert pooled[country]["released"] == pytest.approx(30.0, abs=TOL)


# --- honouring a transfer agreement --------------------------------------------------------


def _with_honour(probability: float) -> dict[str, Any]:
    scenario = pooled_vs_national_dict(pool=False, transfer=True)
    scenario["policies"]["mutual_transfers"][0]["honour_probability"] = probability
    return scenario


def test_transfer_never_honoured_is_a_no_op() -> None:
    """``honour_probability: 0``: every record is identical to the scenario without it."""
    never, _ = run(_with_honour(0.0))
    without, _ = run(pooled_vs_national_dict(pool=False, transfer=False))
    a, b = never.records["widget"], without.records["widget"]
    assert a.countries == b.countries
    for name, values in a.arrays.items():
        np.testing.assert_array_equal(values, b[name], err_msg=name)
    assert never.drawn[HONOURS.format("JPN")] == 0.0


def _one_day(probability: float) -> dict[str, Any]:
    """The scenario over one day, without its shock (it could never act in one day)."""
    short = _with_honour(probability)
    short["horizon_days"] = 1
    short["shocks"] = []
    return short


def _honours(drawn: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in drawn.items() if ".honours." in k}


def test_honour_probability_half_over_replications() -> None:
    """With probability 0.5, JPN honours in a share of replications inside the 99.9% band.

    Honour is drawn once per replication when the run is built (politics
    stream), so a one-day horizon draws it as a full run does.  The count over
    400 replications must lie in the central 99.9% interval of Binomial(400, 0.5).
    """
    scenario = build(_one_day(0.5))
    n = 400
    honoured = sum(simulate(scenario, r).drawn[HONOURS.format("JPN")] for r in range(n))
    low, high = stats.binom.interval(0.999, n, 0.5)
    assert low <= honoured <= high


def test_transfers_flow_only_when_both_members_honour() -> None:
    """Reciprocal agreement: KOR receives only when JPN gives and KOR itself honours.

    A full run's draws match the one-day runs' (same replication, same streams).
    """
    scenario = build(_with_honour(0.5))
    one_day = build(_one_day(0.5))
    seen = set()
    for r in range(12):
        result = simulate(scenario, r)
        kor, jpn = (bool(result.drawn[HONOURS.format(c)]) for c in ("KOR", "JPN"))
        assert _honours(result.drawn) == _honours(simulate(one_day, r).drawn) != {}
        received = series(result, "transfers_in", "KOR").sum()
        assert (received > 0) == (kor and jpn)
        seen.add((kor, jpn))
    assert (True, True) in seen
    assert len(seen) > 1
