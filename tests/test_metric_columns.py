"""The metrics of a run as columns (:func:`simulator.analysis.metric_columns.metric_columns`).

``metrics_table``'s rows are built from these columns; here the columns are
checked against the one-row formulas and against numbers derived by hand:

- a coalition's row equals, exactly, :func:`simulator.analysis.metrics._row`
  on the sum of its members' series (its transfers internal, so 0), on
  shipped scenarios with one and two coalitions, several commodities and
  policies; its market columns are the sums of its members';
- hand-made records: time to survive cut at 0 when short before the shock,
  no recovery when still short on the last day, a shortfall below the
  ``EPS`` threshold not counted, and a coalition of the two;
- records of no days, and commodities without importers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scenario_factory import build, pooled_vs_national_dict

from simulator import load_scenario
from simulator.analysis.market_metrics import MARKET_METRICS
from simulator.analysis.metric_columns import (
    INTEGER_METRICS,
    NULLABLE_METRICS,
    ROW_ORDER,
    metric_columns,
)
from simulator.analysis.metrics import METRICS, _row, metrics_table
from simulator.engine import CommodityRecords, Ledger, RunResult, simulate
from simulator.model.scenario import Scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SHIPPED = (
    "policies/kj-plus.yaml",  # one coalition of three, a pool and transfers
    "experiments/base/gallium.yaml",  # two coalitions, two commodities
    "experiments/base/magnets.yaml",  # four commodities in tiers, one coalition
)
TOL = 1e-12


def _group_by_formulas(
    result: RunResult, scenario: Scenario, commodity: str, members: list[int]
) -> dict[str, Any]:
    """A coalition's metrics, but the market's, by the one-row formulas on its summed series."""
    rec = result.records[commodity]
    spec = scenario.commodities[commodity]
    series = {name: arr[:, members].sum(axis=1) for name, arr in rec.arrays.items()}
    series["transfers_in"] = np.zeros(rec.days)
    series["transfers_out"] = np.zeros(rec.days)
    sizes = (float(rec.reserve_size[members].sum()), float(rec.pool_size[members].sum()))
    return _row(
        series,
        float(rec.demand_per_day[members].sum()),
        sizes,
        result.shock_start_day.get(commodity),
        spec.price_usd_per_unit,
        spec.carrying_cost_per_year,
    )


@pytest.mark.parametrize("file", SHIPPED)
def test_coalition_rows_equal_the_one_row_formulas(file: str) -> None:
    scenario = load_scenario(SCENARIOS / file)
    assert scenario.coalitions
    result = simulate(scenario, 0)
    rows = metrics_table(result, scenario)
    checked = 0
    for commodity, rec in result.records.items():
        countries = {
            row["country"]: row
            for row in rows
            if row["commodity"] == commodity and not row["group"]
        }
        for name, codes in scenario.coalitions.items():
            members = [rec.countries.index(c) for c in codes if c in rec.countries]
            members = [i for i in members if rec.demand_per_day[i] > 0]
            found = [r for r in rows if (r["country"], r["commodity"]) == (name, commodity)]
            if not members:
                assert not found
                continue
            (got,) = found
            assert got["group"] is True
            for metric in ("economic_loss_usd", *MARKET_METRICS[:2]):
                total = sum(countries[rec.countries[i]][metric] for i in members)
                assert got.pop(metric) == pytest.approx(total, rel=TOL, abs=1e-9), metric
            for metric in MARKET_METRICS[2:]:  # the world price's: the same for every row
                assert got.pop(metric) == countries[rec.countries[members[0]]][metric]
            want = _group_by_formulas(result, scenario, commodity, members)
            assert {k: v for k, v in got.items() if k in want} == want
            assert [type(got[k]) for k in want] == [type(v) for v in want.values()]
            checked += 1
    assert checked


@pytest.mark.parametrize("file", SHIPPED)
def test_rows_are_the_columns(file: str) -> None:
    """Row ``i`` holds entry ``i`` of every column, None where the column says missing."""
    scenario = load_scenario(SCENARIOS / file)
    result = simulate(scenario, 1)
    columns = metric_columns(result, scenario)
    rows = metrics_table(result, scenario)
    assert len(rows) == len(columns)
    assert [(r["country"], r["commodity"], r["group"]) for r in rows] == list(
        zip(columns.country, columns.commodity, columns.group.tolist(), strict=True)
    )
    for name in ROW_ORDER:
        values = columns.values[name]
        assert values.dtype == (np.int64 if name in INTEGER_METRICS else np.float64)
        missing = columns.missing.get(name, np.zeros(len(rows), np.bool_))
        for row, value, absent in zip(rows, values.tolist(), missing.tolist(), strict=True):
            assert row[name] is None if absent else row[name] == value


def test_every_metric_is_a_column_once() -> None:
    assert sorted(ROW_ORDER) == sorted(METRICS)
    assert len(set(ROW_ORDER)) == len(ROW_ORDER)
    assert set(NULLABLE_METRICS) <= set(INTEGER_METRICS)


# --- hand-made records ------------------------------------------------------------------


def _result(
    rec: CommodityRecords, shock_day: int | None, scenario: Scenario
) -> tuple[RunResult, Scenario]:
    result = RunResult(
        scenario="hand-made",
        seed=0,
        replication=0,
        horizon_days=rec.days,
        records={rec.commodity: rec},
        ledgers={rec.commodity: Ledger(rec.commodity, 0.0, 0.0, 0.0, 0.0)},
        shock_start_day={rec.commodity: shock_day},
        drawn={},
    )
    return result, scenario


def _ten_days() -> tuple[RunResult, Scenario]:
    """10 days, demand 10/day for KOR, JPN and AUS (CHN none), the shock on day 3.

    KOR is short 5/day on days 0-4 (before the shock); JPN 1 on day 9, the
    last; AUS 1e-12 on day 2, below the threshold ``EPS * d = 1e-8``.
    """
    countries = ("CHN", "KOR", "JPN", "AUS")
    demand_per_day = np.array([0.0, 10.0, 10.0, 10.0])
    rec = CommodityRecords.empty("widget", countries, demand_per_day, demand_per_day * 30, 10)
    a = rec.arrays
    a["demand"][:] = demand_per_day
    a["shortfall"][0:5, 1] = 5.0
    a["shortfall"][9, 2] = 1.0
    a["shortfall"][2, 3] = 1e-12
    a["inventory"][:] = 40.0
    a["inventory"][6, 2] = 15.0
    return _result(rec, 3, build(pooled_vs_national_dict()))


def test_hand_made_rows() -> None:
    result, scenario = _ten_days()
    rows = {row["country"]: row for row in metrics_table(result, scenario)}
    assert list(rows) == ["KOR", "JPN", "AUS", "KJ"]
    kor, jpn, aus, kj = rows["KOR"], rows["JPN"], rows["AUS"], rows["KJ"]
    # KOR: short from day 0, before the shock on day 3: survives 0 days; fill
    # rate 0.5 until day 4, so recovered on day 5, two days after the shock.
    assert (kor["tts_days"], kor["ttr_days"], kor["shortage_days"]) == (0, 2, 5)
    assert kor["shortfall"] == pytest.approx(25.0, abs=TOL)
    assert kor["fill_rate"] == pytest.approx(0.75, abs=TOL)
    assert kor["peak_shortfall_rate"] == pytest.approx(0.5, abs=TOL)
    assert kor["lost_days"] == pytest.approx(2.5, abs=TOL)
    # JPN: short only on the last day (fill 0.9): 6 days after the shock, not recovered.
    assert (jpn["tts_days"], jpn["ttr_days"], jpn["shortage_days"]) == (6, None, 1)
    assert jpn["fill_rate"] == pytest.approx(0.99, abs=TOL)
    assert jpn["min_coverage_days"] == pytest.approx(1.5, abs=TOL)
    # AUS: a shortfall below the threshold is no shortage day; fill never below 0.99.
    assert (aus["tts_days"], aus["ttr_days"], aus["shortage_days"]) == (None, 0, 0)
    assert aus["min_coverage_days"] == pytest.approx(4.0, abs=TOL)
    # KJ, on KOR + JPN: 20/day demanded, 5 short on days 0-4 and 1 on day 9.
    assert kj["group"] is True
    assert (kj["tts_days"], kj["ttr_days"], kj["shortage_days"]) == (0, None, 6)
    assert kj["shortfall"] == pytest.approx(26.0, abs=TOL)
    assert kj["fill_rate"] == pytest.approx(1 - 26 / 200, abs=TOL)
    assert kj["peak_shortfall_rate"] == pytest.approx(0.25, abs=TOL)
    assert kj["lost_days"] == pytest.approx(5 * 0.25 + 0.05, abs=TOL)
    assert kj["min_coverage_days"] == pytest.approx(55 / 20, abs=TOL)


def test_no_shock_day_means_no_times() -> None:
    result, scenario = _ten_days()
    result.shock_start_day["widget"] = None
    columns = metric_columns(result, scenario)
    for name in ("tts_days", "ttr_days"):
        assert columns.missing[name].all()
        assert not columns.values[name].any()
    assert all(row["tts_days"] is None and row["ttr_days"] is None for row in columns.rows())


@pytest.mark.parametrize("shock_day", [0, None])
def test_records_of_no_days(shock_day: int | None) -> None:
    """Nothing recorded: nothing short, no price; the committed stock still costs its price."""
    countries = ("CHN", "KOR", "JPN")
    demand_per_day = np.array([0.0, 10.0, 10.0])
    rec = CommodityRecords.empty("widget", countries, demand_per_day, demand_per_day * 30, 0)
    rec.reserve_size[1] = 50.0
    rec.pool_size[1:] = 20.0
    result, scenario = _result(rec, shock_day, build(pooled_vs_national_dict()))
    price = scenario.commodities["widget"].price_usd_per_unit
    rows = {row["country"]: row for row in metrics_table(result, scenario)}
    assert list(rows) == ["KOR", "JPN", "KJ"]
    for row in rows.values():
        assert row["tts_days"] is None
        assert row["ttr_days"] == (None if shock_day is None else 0)
        assert (row["shortfall"], row["fill_rate"], row["shortage_days"]) == (0.0, 1.0, 0)
        assert row["min_coverage_days"] == np.inf
        assert (row["loans_outstanding"], row["pool_level"]) == (0.0, 0.0)
        assert (row["peak_price_ratio"], row["mean_price_ratio"]) == (1.0, 1.0)
    # The carrying cost of no days is 0: what is committed is bought once.
    assert rows["KOR"]["stockpile_cost_usd"] == pytest.approx(70 * price, rel=TOL)
    assert rows["JPN"]["stockpile_cost_usd"] == pytest.approx(20 * price, rel=TOL)
    assert rows["KJ"]["stockpile_cost_usd"] == pytest.approx(90 * price, rel=TOL)
    assert rows["KJ"]["pool_paid"] == pytest.approx(40 * price, rel=TOL)
    series = {name: arr[:, 1] for name, arr in rec.arrays.items()}
    carrying = scenario.commodities["widget"].carrying_cost_per_year
    kor = _row(series, 10.0, (50.0, 20.0), shock_day, price, carrying)
    assert {k: rows["KOR"][k] for k in kor} == kor


def test_commodities_without_importers_have_no_rows() -> None:
    countries = ("CHN", "KOR")
    none = np.zeros(2)
    rec = CommodityRecords.empty("widget", countries, none, none, 5)
    result, scenario = _result(rec, 1, build(pooled_vs_national_dict()))
    columns = metric_columns(result, scenario)
    assert len(columns) == 0
    assert columns.rows() == []
    assert all(values.size == 0 for values in columns.values.values())
