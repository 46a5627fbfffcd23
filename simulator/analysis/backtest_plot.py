"""The backtest figure: the model's 90% band and median of each series, history's points on top."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from simulator.analysis.backtest import BacktestResult
from simulator.analysis.figures import new_figure, style
from simulator.model.calendar import Month

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["backtest_figure"]

HISTORY_MONTHS_BEFORE = 12
"""History's points drawn before the first modelled month (the pre-control year)."""


def backtest_figure(results: Sequence[BacktestResult]) -> Figure:
    """One panel per trade series of ``results``: ratio to the pre-control average by month.

    The shaded band is the model's 5th–95th percentile over replications, the
    line its median; black dots are history; the dashed line marks the first
    month under control.
    """
    bands = [(r, b) for r in results for b in r.bands]
    if not bands:
        raise ValueError("no trade series to draw")
    with style():
        figure = new_figure(7.0, 2.6 * len(bands))
        axes = figure.subplots(len(bands), 1, squeeze=False)[:, 0]
        for ax, (result, band) in zip(axes, bands, strict=True):
            first = Month.parse(band.months[0])
            x = [Month.parse(m) - first for m in band.months]
            ax.fill_between(x, band.low, band.high, color="C0", alpha=0.25, label="model 90% band")
            ax.plot(x, band.median, color="C0", linewidth=1.5, label="model median")
            shown = {
                Month.parse(m) - first: v
                for m, v in band.history.items()
                if -HISTORY_MONTHS_BEFORE <= Month.parse(m) - first <= x[-1]
            }
            ax.plot(
                list(shown),
                list(shown.values()),
                "o",
                color="black",
                markersize=4,
                label="history",
                zorder=3,
            )
            ax.axvline(
                Month.parse(band.control_month) - first, color="0.3", linestyle="--", linewidth=0.8
            )
            ax.axhline(1.0, color="0.6", linewidth=0.6)
            start, stop = min([*x, *shown]), x[-1]
            ticks = list(range(start, stop + 1, max(1, (stop - start) // 6)))
            ax.set_xticks(ticks, [str(first + t) for t in ticks], fontsize=8)
            ax.set_ylabel("× pre-control")
            ax.set_title(f"{result.replay}: {band.name}", fontsize=10, loc="left")
            ax.legend(loc="best", fontsize=7)
    return figure
