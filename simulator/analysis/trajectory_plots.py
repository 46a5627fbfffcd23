"""Figures of the daily trajectories: fan charts and resilience triangles.

Each function returns a :class:`matplotlib.figure.Figure` on its own Agg
canvas (:func:`~simulator.analysis.figures.new_figure`), drawn in the house
style; a variant keeps the colour of its position in ``variants``
(:func:`~simulator.analysis.figures.variant_colours`).  ``daily`` is a results
folder's daily table (``variant``, ``replication``, ``day``, ``country``,
``commodity`` and the daily columns).  Re-exported by
:mod:`simulator.analysis.plots`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from simulator.analysis.figures import axis_label, new_figure, style, variant_colours

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["fan_chart", "resilience_triangle", "resilience_triangles"]

FloatArray = npt.NDArray[np.float64]


def _series(
    daily: pd.DataFrame, column: str, variant: str, country: str, commodity: str
) -> tuple[FloatArray, FloatArray]:
    """Days and a days × replications array of ``column``."""
    rows = daily[
        (daily["variant"] == variant)
        & (daily["country"] == country)
        & (daily["commodity"] == commodity)
    ]
    if rows.empty:
        raise ValueError(f"no daily rows for variant {variant!r}, {country} × {commodity}")
    wide = rows.pivot_table(index="day", columns="replication", values=column, aggfunc="first")
    return (
        wide.index.to_numpy(dtype=np.float64),
        wide.to_numpy(dtype=np.float64, na_value=np.nan),
    )


def _quantiles(values: FloatArray, qs: Sequence[float]) -> FloatArray:
    with np.errstate(all="ignore"):
        return np.asarray(np.nanquantile(values, qs, axis=1), dtype=np.float64)


def _mark_shock(ax: Axes, shock_day: float | None) -> None:
    if shock_day is not None:
        ax.axvline(shock_day, color="0.3", linestyle="--", linewidth=0.8)


def _variant_panels(n: int, panel_height: float) -> tuple[Figure, list[Axes]]:
    """A figure of ``n`` panels on shared axes, three to a row; the spare cells hidden."""
    cols = min(3, n)
    rows = math.ceil(n / cols)
    figure = new_figure(3.2 * cols + 0.6, panel_height * rows + 0.5)
    axes = figure.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return figure, list(axes[:n])


def fan_chart(
    daily: pd.DataFrame,
    column: str,
    country: str,
    commodity: str,
    variants: Sequence[str] | None = None,
    *,
    shock_day: float | None = None,
) -> Figure:
    """Median and 25–75 % / 5–95 % bands over replications of a daily ``column``, per variant.

    One panel per variant (shared axes); at each day ``t`` the bands are the
    empirical quantiles ``q_p(x_{t,1}, …, x_{t,n})`` over the ``n`` replications.
    ``column`` is ``coverage_days`` or ``fill_rate`` (any daily column works).
    """
    names = list(variants) if variants is not None else list(pd.unique(daily["variant"]))
    colours = variant_colours(names)
    with style():
        figure, axes = _variant_panels(len(names), 2.5)
        low = 1.0
        for ax, variant in zip(axes, names, strict=True):
            days, values = _series(daily, column, variant, country, commodity)
            q05, q25, q50, q75, q95 = _quantiles(values, (0.05, 0.25, 0.5, 0.75, 0.95))
            low = min(low, float(np.nanmin(q05, initial=1.0)))
            colour = colours[variant]
            ax.fill_between(days, q05, q95, color=colour, alpha=0.18, linewidth=0, label="5–95 %")
            ax.fill_between(days, q25, q75, color=colour, alpha=0.35, linewidth=0, label="25–75 %")
            ax.plot(days, q50, color=colour, linewidth=1.4, label="median")
            _mark_shock(ax, shock_day)
            ax.set_title(variant)
            ax.set_xlabel("day")
        axes[0].set_ylabel(axis_label(column, daily=True))
        if column == "fill_rate":
            axes[0].set_ylim(max(0.0, min(low, 0.95) - 0.03), 1.02)
        handles, labels = axes[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8)
        figure.suptitle(f"{axis_label(column, daily=True)} — {country} · {commodity}")
    return figure


def _draw_triangle(
    ax: Axes,
    daily: pd.DataFrame,
    variant: str,
    country: str,
    commodity: str,
    shock_day: float | None,
    colour: str,
) -> tuple[float, float]:
    """Draw one resilience triangle on ``ax``; returns the lowest value drawn, the lost area."""
    days, values = _series(daily, "fill_rate", variant, country, commodity)
    with np.errstate(all="ignore"):
        mean = np.nanmean(values, axis=1)
    q05, q95 = _quantiles(values, (0.05, 0.95))
    lost = float(np.nansum(1.0 - mean))
    ax.fill_between(days, q05, q95, color=colour, alpha=0.15, linewidth=0, label="5–95 %")
    ax.fill_between(days, mean, 1.0, color="C3", alpha=0.35, linewidth=0, label="lost area")
    ax.plot(days, mean, color=colour, linewidth=1.4, label="mean fill rate")
    if shock_day is not None:
        _mark_shock(ax, shock_day)
        ax.annotate(
            f"shock, day {shock_day:g}",
            (shock_day, 1.0),
            xytext=(3, -12),
            textcoords="offset points",
            fontsize=8,
            color="0.3",
        )
    ax.set_xlabel("day")
    finite = np.concatenate([q05[np.isfinite(q05)], mean[np.isfinite(mean)], [1.0]])
    return float(finite.min()), lost


def resilience_triangle(
    daily: pd.DataFrame,
    variant: str,
    country: str,
    commodity: str,
    *,
    shock_day: float | None = None,
    colour: str = "C0",
) -> Figure:
    """The resilience triangle of one variant: mean daily fill rate, its band, the lost area.

    The shaded area between the mean fill rate ``f̄_t`` and 1 is
    ``Σ_t (1 - f̄_t)`` days of demand — the mean of the replications'
    ``lost_days`` (the sum and the mean commute).  The band is the 5–95 %
    range over replications; the dashed line marks the shock's effective day.
    """
    with style():
        figure = new_figure(5.0, 3.0)
        ax = figure.subplots()
        low, lost = _draw_triangle(ax, daily, variant, country, commodity, shock_day, colour)
        ax.set_ylim(max(0.0, min(low, 0.95) - 0.03), 1.02)
        ax.set_ylabel("daily fill rate")
        ax.set_title(f"{variant} — {country} · {commodity}: lost {lost:,.1f} days of demand")
        ax.legend(loc="lower left", fontsize=8)
    return figure


def resilience_triangles(
    daily: pd.DataFrame,
    variants: Sequence[str],
    country: str,
    commodity: str,
    *,
    shock_day: float | None = None,
) -> Figure:
    """:func:`resilience_triangle` of several variants side by side, on shared axes."""
    colours = variant_colours(variants)
    with style():
        figure, axes = _variant_panels(len(variants), 2.6)
        low = 1.0
        for ax, variant in zip(axes, variants, strict=True):
            bottom, lost = _draw_triangle(
                ax, daily, variant, country, commodity, shock_day, colours[variant]
            )
            low = min(low, bottom)
            ax.set_title(f"{variant}: lost {lost:,.1f} days")
        axes[0].set_ylim(max(0.0, min(low, 0.95) - 0.03), 1.02)
        axes[0].set_ylabel("daily fill rate")
        handles, labels = axes[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8)
        figure.suptitle(f"Resilience triangles — {country} · {commodity}")
    return figure
