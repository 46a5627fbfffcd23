"""The bundled history (``simulator/data/history/``), its loader, and the monthly features."""

from __future__ import annotations

import shutil
from datetime import date
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest

from simulator.analysis.backtest_features import (
    SHORTAGE_SHARE,
    first_shortage_month,
    history_baseline_per_day,
    model_monthly_ratios,
    recovery_month,
    trough,
)
from simulator.errors import InputError
from simulator.io.history import BASES, TradeRecord, load_history
from simulator.model.calendar import Month

HISTORY = Path(str(files("simulator.data").joinpath("history")))
EPISODES = {"gallium-germanium-2023", "rare-earths-2010", "urea-2021"}
m = Month.parse


def test_bundled_history_holds_the_three_episodes_only() -> None:
    history = load_history()
    assert set(history.episodes) == EPISODES
    assert {e.episode for e in history.events} == EPISODES
    assert {p.episode for p in history.prices} == EPISODES


def test_every_figure_says_how_it_was_obtained() -> None:
    history = load_history()
    for record in (*history.trade, *history.prices):
        assert record.basis in BASES
        assert record.source.strip()
        if record.basis == "derived":  # the arithmetic is shown: a formula with its result
            assert "=" in record.source, record


def test_history_covers_a_year_before_and_after_each_control() -> None:
    history = load_history()
    controls = {"gallium-germanium-2023": m("2023-08"), "rare-earths-2010": m("2010-09"),
                "urea-2021": m("2021-10")}  # fmt: skip
    for episode, control in controls.items():
        months = [r.start for r in history.trade if r.episode == episode]
        months += [r.end for r in history.trade if r.episode == episode]
        assert min(months) <= control + -12, episode
        assert max(months) >= control + 12, episode


def test_calibration_names_no_fitted_parameter() -> None:
    assert load_history().calibration == ()


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "history"
    shutil.copytree(HISTORY, folder)
    return folder


def test_bad_cells_are_located(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    trade = folder / "trade.csv"
    lines = trade.read_text().splitlines()
    lines[1] = lines[1].replace(",2022-01,2022-12,", ",2022-13,2022-12,", 1)
    lines[2] = lines[2].replace(",reported,", ",guessed,", 1)
    trade.write_text("\n".join(lines) + "\n")
    (folder / "calibration.csv").write_text(
        "parameter,value,fitted_on,method,source\nprice_flexibility,0.5,urea-1999,least squares,x\n"
    )
    with pytest.raises(InputError) as caught:
        load_history(folder)
    messages = [str(i) for i in caught.value.issues]
    assert len(messages) == 2  # the calibration is checked once the records load
    assert messages[0].startswith(f"{trade}:2:{lines[1].index('2022-13') + 1}: trade.0.start:")
    assert "expected a month as YYYY-MM, found '2022-13'" in messages[0]
    assert messages[1].startswith(f"{trade}:3:{lines[2].index('guessed') + 1}: trade.1.basis:")


def test_calibration_on_an_unknown_episode_is_located(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "calibration.csv").write_text(
        "parameter,value,fitted_on,method,source\nprice_flexibility,0.5,urea-1999,least squares,x\n"
    )
    with pytest.raises(InputError, match=r"calibration\.csv:2:\d+: .*found urea-1999"):
        load_history(folder)


# --- calendar and features, on cases worked by hand -----------------------------------------


def test_months() -> None:
    assert str(m("2023-12") + 1) == "2024-01"
    assert m("2024-03") - m("2023-08") == 7
    assert m("2024-02").days == 29
    assert Month.of(date(2021, 10, 11)) == m("2021-10")
    with pytest.raises(ValueError, match="YYYY-MM"):
        m("2023-7")


def _record(start: str, end: str, tonnes: float) -> TradeRecord:
    return TradeRecord("e", "x", "CHN", "WLD", "export", m(start), m(end), tonnes, "reported", "s")


def test_baseline_prefers_a_total_spanning_the_window() -> None:
    year = _record("2022-01", "2022-12", 365.0)
    july = _record("2022-07", "2022-07", 62.0)  # 2 t/day: ignored when the total is there
    assert history_baseline_per_day([july, year], m("2022-01"), m("2022-12")) == 1.0
    assert history_baseline_per_day([july], m("2022-01"), m("2022-12")) == 2.0
    with pytest.raises(ValueError, match="no records inside"):
        history_baseline_per_day([july], m("2023-01"), m("2023-12"))


def test_model_months_need_half_their_days() -> None:
    # 3 July 2023 + 45 days: July has 29 days (counted), August 16 of 31 (counted: 32 >= 31).
    ratios = model_monthly_ratios(np.full(45, 3.0), date(2023, 7, 3), 2.0)
    assert ratios == {m("2023-07"): 1.5, m("2023-08"): 1.5}
    # 15 days of August is less than half: left out.
    assert m("2023-08") not in model_monthly_ratios(np.full(44, 3.0), date(2023, 7, 3), 2.0)


def test_trough_and_recovery() -> None:
    ratios = {m("2023-08"): 0.0, m("2023-09"): 0.0, m("2023-10"): 0.5, m("2023-12"): 0.9}
    months = sorted(ratios)
    found = trough(ratios, months)
    assert found is not None
    assert (found.month, found.depth) == (m("2023-08"), 0.0)  # the first of equal lows
    assert recovery_month(ratios, months, found.month, 0.8) == m("2023-12")
    assert recovery_month(ratios, months, found.month, 0.95) is None
    assert trough(ratios, [m("2024-01")]) is None


def test_first_shortage_month_ignores_rounding() -> None:
    shortfall = np.zeros(40)
    shortfall[20] = SHORTAGE_SHARE * 10.0  # exactly the threshold: not short
    shortfall[35] = 1.0
    assert first_shortage_month(shortfall, 10.0, date(2021, 10, 11)) == m("2021-11")  # 15 Nov
    assert first_shortage_month(np.zeros(5), 10.0, date(2021, 10, 11)) is None
