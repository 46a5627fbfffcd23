"""Metric functions on small hand-made series, and group rows of the metrics table.

The V-shaped dip used throughout: demand 10/day over 10 days (days 0..9), the
shock on day 1, shortfall 0, 0, 2, 4, 6, 4, 2, 0, 0, 0, so the daily fill rate
is 1, 1, .8, .6, .4, .6, .8, 1, 1, 1.
"""

from __future__ import annotations

import numpy as np
import pytest
from scenario_factory import build, pooled_vs_national_dict

from simulator.analysis.metrics import (
    METRICS,
    calc_committed_cost_usd,
    calc_economic_loss_usd,
    calc_fill_rate,
    calc_lost_days,
    calc_min_coverage_days,
    calc_peak_shortfall_rate,
    calc_shortage_days,
    calc_shortfall,
    calc_ttr_days,
    calc_tts_days,
    metrics_table,
)
from simulator.engine import CommodityRecords, Ledger, RunResult
from simulator.model.scenario import Scenario

TOL = 1e-12
DEMAND = np.full(10, 10.0)
DIP = np.array([0, 0, 2, 4, 6, 4, 2, 0, 0, 0], dtype=float)
SHOCK_DAY = 1


def test_shortfall_and_fill_rate() -> None:
    """Shortfall 2 + 4 + 6 + 4 + 2 = 18 of 100 demanded: fill rate 0.82."""
    assert calc_shortfall(DIP) == pytest.approx(18.0, abs=TOL)
    assert calc_fill_rate(DEMAND, DIP) == pytest.approx(0.82, abs=TOL)
    assert calc_fill_rate(np.zeros(3), np.zeros(3)) == 1.0


def test_time_to_survive() -> None:
    """First day short is 2, the shock day 1: tts 1; none short → None; no shock → None."""
    assert calc_tts_days(DEMAND, DIP, SHOCK_DAY) == 1
    assert calc_tts_days(DEMAND, np.zeros(10), SHOCK_DAY) is None
    assert calc_tts_days(DEMAND, DIP, None) is None
    assert calc_tts_days(DEMAND, DIP, 5) == 0  # short before the shock: clipped to 0


def test_time_to_recover() -> None:
    """Last day below 99% is day 6; recovered from day 7: ttr 7 - 1 = 6."""
    assert calc_ttr_days(DEMAND, DIP, SHOCK_DAY) == 6
    assert calc_ttr_days(DEMAND, np.zeros(10), SHOCK_DAY) == 0
    assert calc_ttr_days(DEMAND, DIP, None) is None
    still_short = DIP.copy()
    still_short[-1] = 1.0  # fill rate 0.9 on the last day
    assert calc_ttr_days(DEMAND, still_short, SHOCK_DAY) is None
    barely = np.zeros(10)
    barely[4] = 0.1  # fill rate 0.99 counts as recovered
    assert calc_ttr_days(DEMAND, barely, SHOCK_DAY) == 0
    barely[4] = 0.1000001
    assert calc_ttr_days(DEMAND, barely, SHOCK_DAY) == 4


def test_peak_shortage_days_and_lost_days() -> None:
    """Peak 6/10 = 0.6; five days short; area 0.2 + 0.4 + 0.6 + 0.4 + 0.2 = 1.8 days."""
    assert calc_peak_shortfall_rate(DEMAND, DIP) == pytest.approx(0.6, abs=TOL)
    assert calc_shortage_days(DEMAND, DIP) == 5
    assert calc_lost_days(DEMAND, DIP) == pytest.approx(1.8, abs=TOL)


def test_shortfall_below_the_threshold_does_not_count() -> None:
    """A day short by 1e-12 of 10 (relative 1e-13 < 1e-9) is not a shortage day."""
    tiny = np.zeros(10)
    tiny[3] = 1e-12
    assert calc_shortage_days(DEMAND, tiny) == 0
    assert calc_tts_days(DEMAND, tiny, 0) is None


def test_zero_demand_days() -> None:
    """A day without demand has fill rate 1 and no lost days."""
    demand = np.array([0.0, 10.0, 10.0])
    short = np.array([0.0, 5.0, 0.0])
    assert calc_lost_days(demand, short) == pytest.approx(0.5, abs=TOL)
    assert calc_peak_shortfall_rate(demand, short) == pytest.approx(0.5, abs=TOL)
    assert calc_peak_shortfall_rate(np.zeros(3), np.zeros(3)) == 0.0


def test_money_and_coverage() -> None:
    """Loss 18 * 50 000; coverage min(30, 12, 25)/10 = 1.2 days.

    Committed cost of a 100-unit reserve over 365 days at price 1000 and
    5%/yr: carrying 100 * 1000 * 0.05 = 5 000, filling it 100 000, and
    refilling the 30 units bought back on two days 30 000: 135 000 USD,
    however much of the year it spent empty.
    """
    assert calc_economic_loss_usd(DIP, 50_000.0) == pytest.approx(900_000.0, rel=TOL)
    inventory = np.array([30.0, 12.0, 25.0])
    assert calc_min_coverage_days(inventory, 10.0) == pytest.approx(1.2, abs=TOL)
    assert calc_min_coverage_days(inventory, 0.0) is None
    refilled = np.zeros(365)
    refilled[[200, 201]] = [10.0, 20.0]
    cost = calc_committed_cost_usd(100.0, refilled, 1000.0, 0.05, 365)
    assert cost == pytest.approx(135_000.0, rel=TOL)
    assert calc_committed_cost_usd(100.0, np.zeros(365), 1000.0, 0.05, 365) == pytest.approx(
        105_000.0, rel=TOL
    )


# --- metrics_table ------------------------------------------------------------------------


def _hand_made_result() -> tuple[RunResult, Scenario]:
    """A 10-day run of the coalition example's countries with made-up records.

    KOR has the V-shaped dip and a reserve, JPN a smaller dip, a pool share and
    a loan to KOR; CHN has no demand (no row).
    """
    scenario = build(pooled_vs_national_dict())
    countries = ("CHN", "KOR", "JPN")
    demand_per_day = np.array([0.0, 10.0, 10.0])
    rec = CommodityRecords.empty("widget", countries, demand_per_day, demand_per_day * 30, 10)
    a = rec.arrays
    a["demand"][:] = demand_per_day
    a["shortfall"][:, 1] = DIP
    a["shortfall"][:, 2] = DIP / 2
    a["consumption"][:] = a["demand"] - a["shortfall"]
    a["inventory"][:, 1] = np.linspace(300.0, 0.0, 10)
    a["inventory"][:, 2] = np.linspace(300.0, 150.0, 10)
    a["strategic"][:, 1] = 50.0
    a["pool"][:, 1:] = 20.0
    rec.reserve_size[1] = 50.0
    rec.pool_size[1:] = 20.0
    a["stocked"][8, 1] = 5.0
    a["pool_paid"][9, 2] = 2.0
    a["stocked"][9, 2] = 2.0
    a["pool_drawn"][3, 2] = 2.0
    a["released"][3, 1] = 5.0
    a["transfers_out"][4, 2] = 7.0
    a["transfers_in"][4, 1] = 7.0
    a["loans_outstanding"][4:, 1] = -7.0
    a["loans_outstanding"][4:, 2] = 7.0
    ledger = Ledger("widget", 1.0, 0.0, 0.0, 1.0)
    result = RunResult(
        scenario="hand-made",
        seed=0,
        replication=0,
        horizon_days=10,
        records={"widget": rec},
        ledgers={"widget": ledger},
        shock_start_day={"widget": SHOCK_DAY},
        drawn={},
    )
    return result, scenario


def test_metrics_table_rows() -> None:
    result, scenario = _hand_made_result()
    rows = {row["country"]: row for row in metrics_table(result, scenario)}
    assert set(rows) == {"KOR", "JPN", "KJ"}
    assert all(set(METRICS) <= set(row) for row in rows.values())
    kor = rows["KOR"]
    assert kor["commodity"] == "widget"
    assert kor["group"] is False
    assert kor["shortfall"] == pytest.approx(18.0, abs=TOL)
    assert kor["tts_days"] == 1
    assert kor["ttr_days"] == 6
    assert kor["lost_days"] == pytest.approx(1.8, abs=TOL)
    assert kor["min_coverage_days"] == pytest.approx(0.0, abs=TOL)
    assert kor["released"] == pytest.approx(5.0, abs=TOL)
    assert kor["transfers_in"] == pytest.approx(7.0, abs=TOL)
    assert kor["loans_outstanding"] == pytest.approx(-7.0, abs=TOL)
    # (50 reserve + 20 pool) units for 10 days at 1000 USD and 5%/yr, bought (70) and
    # refilled (5) at 1000 USD.
    committed = 70 * 1000 * 0.05 * 10 / 365 + (70 + 5) * 1000
    assert kor["stockpile_cost_usd"] == pytest.approx(committed, rel=TOL)
    assert kor["pool_drawn"] == 0.0
    assert kor["pool_paid"] == pytest.approx(20 * 1000 * (1 + 0.05 * 10 / 365), rel=TOL)
    jpn = rows["JPN"]
    assert jpn["pool_drawn"] == pytest.approx(2.0, abs=TOL)
    pool_paid = 20 * 1000 * 0.05 * 10 / 365 + (20 + 2) * 1000
    assert jpn["pool_paid"] == pytest.approx(pool_paid, rel=TOL)
    assert jpn["stockpile_cost_usd"] == pytest.approx(pool_paid, rel=TOL)


def test_group_rows_are_sums_of_members() -> None:
    """The KJ row is computed on the sum of KOR's and JPN's series.

    Additive metrics add up; ratios use the summed series (fill rate
    1 - 27/200); flows between members are internal and vanish; KJ's
    coverage is the lowest of (KOR + JPN inventory) / 20.
    """
    result, scenario = _hand_made_result()
    rows = {row["country"]: row for row in metrics_table(result, scenario)}
    kor, jpn, kj = rows["KOR"], rows["JPN"], rows["KJ"]
    assert kj["group"] is True
    additive = (
        "shortfall",
        "economic_loss_usd",
        "released",
        "stockpile_cost_usd",
        "pool_level",
        "pool_drawn",
        "pool_paid",
    )
    for name in additive:
        assert kj[name] == pytest.approx(kor[name] + jpn[name], rel=TOL), name
    assert kj["lost_days"] == pytest.approx(27 / 20, abs=TOL)
    assert kj["fill_rate"] == pytest.approx(1 - 27 / 200, abs=TOL)
    assert kj["peak_shortfall_rate"] == pytest.approx(9 / 20, abs=TOL)
    assert kj["shortage_days"] == 5
    assert kj["tts_days"] == 1
    assert kj["ttr_days"] == 6
    assert kj["transfers_in"] == 0.0
    assert kj["transfers_out"] == 0.0
    assert kj["loans_outstanding"] == pytest.approx(0.0, abs=TOL)
    inventory = result.records["widget"]["inventory"][:, 1:].sum(axis=1)
    assert kj["min_coverage_days"] == pytest.approx(np.min(inventory) / 20, abs=TOL)
