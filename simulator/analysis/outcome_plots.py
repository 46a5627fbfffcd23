"""Figures of outcomes over replications: loss distributions, paired differences,
survival curves and a metric against a swept parameter.

Loss distributions and survival curves come one pair (country, commodity) to a
figure, or several pairs as small multiples in one figure (:func:`loss_ecdfs`,
:func:`survival_plots`: a panel per pair, one legend), as the report draws them.

Each function returns a :class:`matplotlib.figure.Figure` on its own Agg
canvas (:func:`~simulator.analysis.figures.new_figure`), drawn in the house
style; a variant keeps the colour of its position in ``variants``, and a
paired difference is coloured by its outcome (:data:`OUTCOME_COLOURS`: green
better, red worse, grey no clear difference).  Re-exported by
:mod:`simulator.analysis.plots`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from simulator.analysis.figures import (
    axis_label,
    metric_axis,
    new_figure,
    panel_grid,
    style,
    variant_colours,
    variants_legend,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "OUTCOME_COLOURS",
    "difference_bars",
    "loss_ecdf",
    "loss_ecdfs",
    "outcome",
    "survival_plot",
    "survival_plots",
    "sweep_response",
]

FloatArray = npt.NDArray[np.float64]


def loss_ecdf(
    summary: pd.DataFrame,
    country: str,
    commodity: str,
    metric: str = "economic_loss_usd",
    variants: Sequence[str] | None = None,
) -> Figure:
    """Empirical CDF of a loss metric over replications, one step curve per variant.

    ``F(x) = #{r : X_r <= x} / n``; the dotted line at 0.95 reads off each
    variant's 95th percentile (its CVaR95 is the mean beyond it).
    """
    rows = _rows_of(summary, country, commodity)
    names = list(variants) if variants is not None else list(pd.unique(rows["variant"]))
    with style():
        figure = new_figure(5.0, 3.0)
        ax = figure.subplots()
        _ecdf_panel(ax, rows, metric, variant_colours(names))
        ax.set_xlabel(axis_label(metric))
        ax.set_ylabel("share of replications ≤ x")
        ax.set_title(f"{axis_label(metric)} — {country} · {commodity}")
        ax.legend(loc="lower right", fontsize=8)
    return figure


def loss_ecdfs(
    summary: pd.DataFrame,
    pairs: Sequence[tuple[str, str]],
    metric: str = "economic_loss_usd",
    variants: Sequence[str] | None = None,
) -> Figure:
    """:func:`loss_ecdf` for several ``(country, commodity)`` pairs: one figure of small
    multiples, a panel per pair (each its own x scale, one y scale), one legend."""
    if not pairs:
        raise ValueError("no (country, commodity) pair to draw")
    names = list(variants) if variants is not None else list(pd.unique(summary["variant"]))
    colours = variant_colours(names)
    with style():
        figure, axes = panel_grid(len(pairs), sharey=True)
        for ax, (country, commodity) in zip(axes, pairs, strict=True):
            _ecdf_panel(ax, _rows_of(summary, country, commodity), metric, colours)
            ax.set_title(f"{country} · {commodity}")
        figure.supxlabel(axis_label(metric), fontsize=9)
        figure.supylabel("share of replications ≤ x", fontsize=9)
        variants_legend(figure, colours)
    return figure


def _rows_of(frame: pd.DataFrame, country: str, commodity: str) -> pd.DataFrame:
    return frame[(frame["country"] == country) & (frame["commodity"] == commodity)]


def _ecdf_panel(ax: Axes, rows: pd.DataFrame, metric: str, colours: dict[str, str]) -> None:
    """One step curve per variant of ``colours`` and the dotted line at 0.95."""
    for variant, colour in colours.items():
        x = rows.loc[rows["variant"] == variant, metric].to_numpy(dtype=np.float64, na_value=np.nan)
        x = np.sort(x[~np.isnan(x)])
        if x.size == 0:
            continue
        y = np.arange(1, x.size + 1) / x.size
        ax.step(np.r_[x[0], x], np.r_[0.0, y], where="post", color=colour, label=variant)
    ax.axhline(0.95, color="0.5", linestyle=":", linewidth=0.8)
    ax.set_ylim(0, 1.02)
    metric_axis(ax.xaxis, metric)


OUTCOME_COLOURS: dict[str, str] = {"better": "#1a9850", "worse": "#d73027", "": "#999999"}
"""Colour of a paired difference: green better, red worse, grey no clear difference."""


def outcome(row: dict[str, Any]) -> str:
    """``better``/``worse`` when the paired-t interval excludes zero, else ``""``."""
    low, high = row.get("ci_low"), row.get("ci_high")
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return ""
    if row.get("direction") == "higher":
        return "better" if low > 0 else ("worse" if high < 0 else "")
    if row.get("direction") == "lower":
        return "better" if high < 0 else ("worse" if low > 0 else "")
    return ""


def difference_bars(
    comparisons: pd.DataFrame,
    metric: str,
    variants: Sequence[str] | None = None,
) -> Figure:
    """Mean paired differences against the baseline with their intervals, one bar per row.

    Bars are ``D̄`` for each variant × country × commodity of
    ``comparisons`` (the table of :func:`~simulator.analysis.compare.compare_results`),
    coloured by what they mean (:data:`OUTCOME_COLOURS`: better, worse, or no
    clear difference by the paired-t interval), not by variant; thick whiskers
    the paired-t interval, thin whiskers the Bonferroni-adjusted one, diamonds
    the BCa bootstrap bounds.  ``variants`` is accepted for compatibility.
    """
    rows = comparisons[comparisons["metric"] == metric].reset_index(drop=True)
    if rows.empty:
        raise ValueError(f"no comparison rows for metric {metric!r}")
    labels = [f"{r.country} · {r.commodity} · {r.variant}" for r in rows.itertuples()]
    y = np.arange(len(rows))[::-1].astype(np.float64)

    def column(name: str) -> FloatArray:
        return rows[name].to_numpy(dtype=np.float64, na_value=np.nan)

    mean = column("mean_diff")
    with style():
        figure = new_figure(6.5, 1.2 + 0.32 * len(rows))
        ax = figure.subplots()
        colour = [
            OUTCOME_COLOURS[outcome({str(k): v for k, v in r.items()})]
            for r in rows.to_dict(orient="records")
        ]
        ax.barh(y, mean, color=colour, alpha=0.7, height=0.6)
        for low, high, width in (
            ("adjusted_ci_low", "adjusted_ci_high", 0.8),
            ("ci_low", "ci_high", 2.2),
        ):
            lo, hi = column(low), column(high)
            ax.hlines(y, lo, hi, color="0.15", linewidth=width)
        ax.plot(column("ci_low_bootstrap"), y, "d", color="0.15", markersize=3.5)
        ax.plot(column("ci_high_bootstrap"), y, "d", color="0.15", markersize=3.5)
        ax.axvline(0.0, color="0.3", linewidth=0.8)
        from matplotlib.lines import Line2D

        keys = [
            Line2D([], [], color="0.15", linewidth=2.2, label="paired t"),
            Line2D([], [], color="0.15", linewidth=0.8, label="Bonferroni-adjusted"),
            Line2D(
                [],
                [],
                color="0.15",
                marker="d",
                linestyle="",
                markersize=3.5,
                label="BCa bootstrap",
            ),
        ]
        figure.legend(handles=keys, loc="outside lower center", ncols=3, fontsize=8)
        ax.set_yticks(y, labels)
        direction = str(rows["direction"].iloc[0]) if "direction" in rows else "none"
        better = {"higher": "  (higher is better →)", "lower": "  (← lower is better)"}
        ax.set_xlabel(f"variant − baseline: {axis_label(metric)}{better.get(direction, '')}")
        metric_axis(ax.xaxis, metric, difference=True)
        baseline = str(rows["baseline"].iloc[0]) if "baseline" in rows else "baseline"
        ax.set_title(f"{axis_label(metric)}: paired difference against {baseline}")
    return figure


def survival_plot(
    survival: pd.DataFrame,
    country: str,
    commodity: str,
    metric: str = "tts_days",
    variants: Sequence[str] | None = None,
    *,
    censor_day: float | None = None,
) -> Figure:
    """Kaplan–Meier curves ``S(t)`` of TTS (or TTR), one per variant.

    ``survival`` is the ``survival`` table of a comparison report.  For TTS,
    ``S(t)`` is the share of replications still without shortfall ``t`` days
    after the shock; for TTR, the share not yet recovered.  Curves end at the
    horizon (``censor_day`` days after the shock) when it is known.
    """
    rows = _rows_of(survival[survival["metric"] == metric], country, commodity)
    names = list(variants) if variants is not None else list(pd.unique(rows["variant"]))
    with style():
        figure = new_figure(5.0, 3.0)
        ax = figure.subplots()
        _survival_panel(ax, rows, variant_colours(names), censor_day)
        ax.set_xlabel(_DAYS_AFTER)
        ax.set_ylabel(_SURVIVING.get(metric, "survival"))
        ax.set_title(f"{axis_label(metric)} — {country} · {commodity}")
        ax.legend(loc="best", fontsize=8)
    return figure


def survival_plots(
    survival: pd.DataFrame,
    pairs: Sequence[tuple[str, str]],
    metric: str = "tts_days",
    variants: Sequence[str] | None = None,
    *,
    censor_days: Mapping[str, float | None] | None = None,
) -> Figure:
    """:func:`survival_plot` for several ``(country, commodity)`` pairs: one figure of
    small multiples on shared axes, a panel per pair, one legend; ``censor_days``
    gives each commodity's horizon in days after its shock."""
    if not pairs:
        raise ValueError("no (country, commodity) pair to draw")
    rows = survival[survival["metric"] == metric]
    names = list(variants) if variants is not None else list(pd.unique(rows["variant"]))
    colours = variant_colours(names)
    ends = censor_days or {}
    with style():
        figure, axes = panel_grid(len(pairs), sharex=True, sharey=True)
        for ax, (country, commodity) in zip(axes, pairs, strict=True):
            _survival_panel(ax, _rows_of(rows, country, commodity), colours, ends.get(commodity))
            ax.set_title(f"{country} · {commodity}")
        figure.supxlabel(_DAYS_AFTER, fontsize=9)
        figure.supylabel(_SURVIVING.get(metric, "survival"), fontsize=9)
        variants_legend(figure, colours)
    return figure


_DAYS_AFTER = "days since the shock took effect"
_SURVIVING = {"tts_days": "share without shortfall", "ttr_days": "share not yet recovered"}


def _survival_panel(
    ax: Axes, rows: pd.DataFrame, colours: dict[str, str], censor_day: float | None
) -> None:
    """One Kaplan–Meier step curve per variant of ``colours``, to the horizon when known."""
    end = censor_day
    if end is None and not rows.empty:
        end = float(rows["day"].max()) * 1.05 + 1
    for variant, colour in colours.items():
        part = rows[rows["variant"] == variant].sort_values("day")
        days = part["day"].to_numpy(dtype=np.float64)
        s = part["survival"].to_numpy(dtype=np.float64)
        x = np.r_[0.0, days, end if end is not None else (days[-1] if days.size else 1.0)]
        y = np.r_[1.0, s, s[-1] if s.size else 1.0]
        ax.step(x, y, where="post", color=colour, label=variant)
    ax.set_ylim(-0.02, 1.02)


def sweep_response(
    sweep: pd.DataFrame,
    parameter: str,
    metric: str,
    countries: Sequence[str] | None = None,
    commodity: str | None = None,
) -> Figure:
    """A metric's mean against a swept parameter, with its t interval, per country.

    ``sweep`` is :func:`~simulator.analysis.sweep.sweep_table`'s output.
    Non-numeric swept values are placed at equal spacing in sweep order.
    """
    rows = sweep[(sweep["parameter"] == parameter) & (sweep["metric"] == metric)]
    if commodity is not None:
        rows = rows[rows["commodity"] == commodity]
    if countries is not None:
        rows = rows[rows["country"].isin(list(countries))]
    if rows.empty:
        raise ValueError(f"no sweep rows for {parameter!r} and metric {metric!r}")
    values = list(dict.fromkeys(rows["value"]))
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    position: Callable[[Any], float] = (
        (lambda v: float(v)) if numeric else (lambda v: float(values.index(v)))
    )
    with style():
        figure = new_figure(5.0, 3.0)
        ax = figure.subplots()
        for i, ((country, item), part) in enumerate(
            rows.groupby(["country", "commodity"], sort=False)
        ):
            x = np.array([position(v) for v in part["value"]])
            order = np.argsort(x)
            mean = part["mean"].to_numpy(dtype=np.float64, na_value=np.nan)[order]
            low = part["ci_low"].to_numpy(dtype=np.float64, na_value=np.nan)[order]
            high = part["ci_high"].to_numpy(dtype=np.float64, na_value=np.nan)[order]
            colour = f"C{i % 10}"
            ax.fill_between(x[order], low, high, color=colour, alpha=0.2, linewidth=0)
            ax.plot(x[order], mean, "o-", color=colour, markersize=3.5, label=f"{country} · {item}")
        if not numeric:
            ax.set_xticks(range(len(values)), [str(v) for v in values])
        ax.set_xlabel(parameter)
        ax.set_ylabel(axis_label(metric))
        metric_axis(ax.yaxis, metric)
        ax.set_title(f"{axis_label(metric)} against {parameter.rsplit('.', 1)[-1]}")
        ax.legend(loc="best", fontsize=8)
    return figure
