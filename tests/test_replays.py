"""The historical replays in ``scenarios/replays/`` reproduce their episodes qualitatively.

Each replay's ``description`` states what happened and what the model gives;
these tests hold the model to it on a few replications.  Calendar days are
given next to model days; day 0 of each replay is stated in its file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from simulator.analysis.metrics import metrics_table
from simulator.engine import RunResult, simulate
from simulator.io import load_scenario
from simulator.model.scenario import Scenario

REPLAYS = Path(__file__).resolve().parents[1] / "scenarios" / "replays"
REPLICATIONS = range(4)

FloatArray = npt.NDArray[np.float64]


@cache
def _scenario(name: str) -> Scenario:
    return load_scenario(REPLAYS / f"{name}.yaml")


@cache
def _run(name: str, replication: int) -> RunResult:
    return simulate(_scenario(name), replication)


def _row(result: RunResult, name: str, country: str) -> dict[str, object]:
    rows = metrics_table(result, _scenario(name))
    return next(r for r in rows if r["country"] == country and not r["group"])


def _exports(result: RunResult, commodity: str, exporter: str) -> FloatArray:
    """Daily shipments that left ``exporter`` (units/day).

    An exporter that imports nothing (China, for these commodities) changes its
    own inventory only by what it keeps for itself and what it consumes, so
    ``exports = production - consumption - change of inventory``.
    """
    rec = result.records[commodity]
    i = rec.countries.index(exporter)
    assert not rec["arrivals"][:, i].any(), f"{exporter} must not import {commodity}"
    inventory = rec["inventory"][:, i]
    previous = np.concatenate([[rec.inventory_target[i]], inventory[:-1]])
    return rec["production"][:, i] - rec["consumption"][:, i] - (inventory - previous)


def _inflow(scenario: Scenario, commodity: str, importer: str, exclude: str) -> float:
    """Baseline flow per day into ``importer`` from every supplier but ``exclude``."""
    return (
        sum(
            link.flow_per_year
            for link in scenario.network.links
            if link.commodity == commodity
            and link.importer == importer
            and link.exporter != exclude
        )
        / 365.0
    )


# --- gallium, 2023 --------------------------------------------------------------------------

GALLIUM = "gallium-2023"
AUG_1, SEP_21, OCT_1, DEC_1, JAN_1 = 29, 80, 90, 151, 182


@cache
def _gallium_baseline_exports() -> float:
    """China's exports per day without the shock (the same measure, no control)."""
    quiet = _scenario(GALLIUM).model_copy(update={"shocks": []})
    exports = _exports(simulate(quiet, 0), "gallium", "CHN")
    np.testing.assert_allclose(exports, exports[0], rtol=1e-9)
    return float(exports[0])


def test_gallium_baseline_is_chinas_2022_exports() -> None:
    assert _gallium_baseline_exports() * 365 == pytest.approx(94.0, rel=1e-6)


@pytest.mark.parametrize("replication", REPLICATIONS)
def test_gallium_july_rush_then_nothing_until_late_september(replication: int) -> None:
    exports = _exports(_run(GALLIUM, replication), "gallium", "CHN")
    base = _gallium_baseline_exports()
    assert exports[:AUG_1].sum() > 1.2 * base * AUG_1  # front-loading in July
    assert np.all(np.abs(exports[AUG_1 : SEP_21 - 1]) < 1e-9)  # August to 19 September
    first = AUG_1 + int(np.flatnonzero(exports[AUG_1:] > 1e-9)[0])
    assert SEP_21 - 1 <= first <= OCT_1 + 5  # first licences in late September


@pytest.mark.parametrize("replication", REPLICATIONS)
def test_gallium_exports_back_near_baseline_by_december(replication: int) -> None:
    exports = _exports(_run(GALLIUM, replication), "gallium", "CHN")
    base = _gallium_baseline_exports()
    october = exports[OCT_1 : OCT_1 + 31].sum() / (31 * base)
    december = exports[DEC_1:JAN_1].sum() / (31 * base)
    assert 0.0 < october < 0.6  # a slow start
    assert 0.8 <= december <= 1.6  # back near the pre-control level (with catch-up)


@pytest.mark.parametrize("replication", REPLICATIONS)
def test_gallium_japan_has_no_shortfall(replication: int) -> None:
    row = _row(_run(GALLIUM, replication), GALLIUM, "JPN")
    assert row["shortfall"] == 0.0
    assert row["tts_days"] is None
    assert 140 <= row["min_coverage_days"] <= 180  # six months of stock, partly drawn


@pytest.mark.parametrize("replication", REPLICATIONS)
def test_gallium_korea_runs_short_before_the_licences_arrive(replication: int) -> None:
    """Korea: 98% Chinese, one month of stock, no reserve in the data."""
    result = _run(GALLIUM, replication)
    row = _row(result, GALLIUM, "KOR")
    rec = result.records["gallium"]
    i = rec.countries.index("KOR")
    annual = rec.demand_per_day[i] * 365
    assert row["tts_days"] is not None
    assert 45 <= row["tts_days"] <= 65
    assert 0 < row["shortfall"] < 0.15 * annual
    # Its own output and non-Chinese imports are never cut: the peak is at most China's
    # share, a little less where other suppliers' spare capacity fills some of the gap.
    china = _inflow(_scenario(GALLIUM), "gallium", "KOR", exclude="") - _inflow(
        _scenario(GALLIUM), "gallium", "KOR", exclude="CHN"
    )
    share = china * 365 / annual
    assert 0.95 * share <= row["peak_shortfall_rate"] <= share + 1e-9
    assert row["ttr_days"] is not None  # recovered within the horizon


# --- urea, Korea 2021 -----------------------------------------------------------------------

UREA = "urea-korea-2021"
OCT_15, NOV_10, JAN_1_2022 = 4, 30, 82


@pytest.mark.parametrize("replication", REPLICATIONS)
def test_urea_korea_short_within_weeks_and_recovered_within_two_months(replication: int) -> None:
    row = _row(_run(UREA, replication), UREA, "KOR")
    assert row["tts_days"] is not None
    assert 14 <= row["tts_days"] <= 42
    assert row["ttr_days"] is not None
    assert row["ttr_days"] <= 75
    assert OCT_15 + row["ttr_days"] < JAN_1_2022


@pytest.mark.parametrize("replication", REPLICATIONS)
def test_urea_emergency_imports_from_vietnam(replication: int) -> None:
    result = _run(UREA, replication)
    rec = result.records["urea_industrial"]
    vnm = rec.countries.index("VNM")
    base = 275_000 / 365
    extra = rec["production"][:, vnm] - base
    assert np.all(np.abs(extra[:OCT_15]) < 1e-6)
    # Vietnam ships Korea's blocked orders during the hold, up to its spare capacity...
    assert extra[OCT_15:NOV_10].min() > 0
    assert extra.max() <= (337_500 - 275_000) / 365 + 1e-6
    assert 3_000 < extra[OCT_15:NOV_10].sum() < 6_000  # Vietnam sold Korea 5,200 t in Nov 2021
    # After the hold, Korea rebuilds its stock from Vietnam's spare capacity while
    # China, at capacity, serves only its baseline; then Vietnam is back to baseline
    # and Korea at its target (the extra 39,000 t bought in mid-November 2021 from
    # Vietnam, Saudi Arabia and Russia played that part).
    kor = rec.countries.index("KOR")
    assert extra[NOV_10:].sum() > 0
    assert np.all(np.abs(extra[JAN_1_2022 + 30 :]) < 1e-6)
    target = rec.inventory_target[kor]
    assert rec["inventory"][-1, kor] == pytest.approx(target, rel=1e-9)


@pytest.mark.parametrize("replication", REPLICATIONS)
def test_urea_japan_untouched(replication: int) -> None:
    row = _row(_run(UREA, replication), UREA, "JPN")
    assert row["shortfall"] == 0.0


# --- rare earths, Japan 2010 ----------------------------------------------------------------

RARE_EARTHS = "rare-earths-japan-2010"
SEP_21_2010, NOV_20_2010 = 82, 142


def test_rare_earths_nothing_from_china_during_the_halt() -> None:
    scenario = _scenario(RARE_EARTHS)
    rec = _run(RARE_EARTHS, 0).records["rare_earth_oxides"]
    jpn = rec.countries.index("JPN")
    shipped = rec["imports_shipped"][:, jpn]
    others = _inflow(scenario, "rare_earth_oxides", "JPN", exclude="CHN")
    china = _inflow(scenario, "rare_earth_oxides", "JPN", exclude="") - others
    # Before and after the halt: Japan's other suppliers plus 60% of the Chinese flow.
    np.testing.assert_allclose(shipped[1:SEP_21_2010], others + 0.6 * china, rtol=1e-9)
    np.testing.assert_allclose(shipped[NOV_20_2010 + 1 :], others + 0.6 * china, rtol=1e-9)
    # During the halt: only the others (none has spare capacity to make up for China).
    np.testing.assert_allclose(shipped[SEP_21_2010:NOV_20_2010], others, rtol=1e-9)


def test_rare_earths_japans_stock_cushions_the_halt() -> None:
    result = _run(RARE_EARTHS, 0)
    row = _row(result, RARE_EARTHS, "JPN")
    assert row["shortfall"] == 0.0
    coverage = result.records["rare_earth_oxides"].coverage_days()
    jpn = result.records["rare_earth_oxides"].countries.index("JPN")
    assert 140 <= coverage[SEP_21_2010 - 1, jpn] <= 160  # about five months at the halt
    assert 95 <= coverage[NOV_20_2010 - 1, jpn] <= 115  # about 3.5 months after it
    assert 20 <= coverage[-1, jpn] <= 50  # the 40% quota keeps drawing it down


def test_rare_earths_quota_alone_hurts_korea_and_the_us() -> None:
    rows = {r["country"]: r for r in metrics_table(_run(RARE_EARTHS, 0), _scenario(RARE_EARTHS))}
    for country in ("KOR", "USA"):
        assert rows[country]["shortfall"] > 0
        assert SEP_21_2010 <= rows[country]["tts_days"] <= NOV_20_2010
