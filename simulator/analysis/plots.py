"""Figures of a results folder: fan charts, resilience triangles, ECDFs, intervals, survival.

Every function returns a :class:`matplotlib.figure.Figure` drawn on the Agg
canvas, created inside the function: importing this module sets no backend
and touches no global pyplot state, so notebooks show the returned figure and
scripts save it with :func:`save_figure` (SVG and PNG) or embed it with
:func:`figure_svg` / :func:`figure_png_data_uri`.  User-provided names
(variants, countries, commodities) are drawn as plain text: mathtext is off,
so a ``$`` in a name is just a dollar sign.

Each variant keeps the colour of its position in ``variants`` across figures.
"""

from __future__ import annotations

import base64
import io
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from simulator.analysis.figures import metric_axis, new_figure, style

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "OUTCOME_COLOURS",
    "difference_bars",
    "fan_chart",
    "figure_png_data_uri",
    "figure_svg",
    "loss_ecdf",
    "outcome",
    "resilience_triangle",
    "resilience_triangles",
    "save_figure",
    "survival_plot",
    "sweep_response",
    "variant_colours",
]

FloatArray = npt.NDArray[np.float64]

_DAILY_LABELS = {
    "coverage_days": "coverage (days of demand)",
    "fill_rate": "daily fill rate",
    "shortfall": "daily shortfall (units)",
}
_LABELS = {
    "fill_rate": "fill rate",
    "economic_loss_usd": "economic loss (USD)",
    "shortfall": "shortfall (units)",
    "lost_days": "lost days (days of demand)",
    "tts_days": "time to survive (days)",
    "ttr_days": "time to recover (days)",
}


def variant_colours(variants: Sequence[str]) -> dict[str, str]:
    """Colour of each variant: matplotlib's cycle ``C0, C1, …`` by position."""
    return {v: f"C{i % 10}" for i, v in enumerate(variants)}


def _label(name: str, daily: bool = False) -> str:
    labels = _DAILY_LABELS if daily else _LABELS
    return labels.get(name, name.replace("_", " "))


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
        cols = min(3, len(names))
        rows = math.ceil(len(names) / cols)
        figure = new_figure(3.2 * cols + 0.6, 2.5 * rows + 0.5)
        axes = figure.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).ravel()
        low = 1.0
        for ax, variant in zip(axes, names, strict=False):
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
        for ax in axes[len(names) :]:
            ax.set_visible(False)
        axes[0].set_ylabel(_label(column, daily=True))
        if column == "fill_rate":
            axes[0].set_ylim(max(0.0, min(low, 0.95) - 0.03), 1.02)
        handles, labels = axes[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8)
        figure.suptitle(f"{_label(column, daily=True)} — {country} · {commodity}")
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
        cols = min(3, len(variants))
        rows = math.ceil(len(variants) / cols)
        figure = new_figure(3.2 * cols + 0.6, 2.6 * rows + 0.5)
        axes = figure.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).ravel()
        low = 1.0
        for ax, variant in zip(axes, variants, strict=False):
            bottom, lost = _draw_triangle(
                ax, daily, variant, country, commodity, shock_day, colours[variant]
            )
            low = min(low, bottom)
            ax.set_title(f"{variant}: lost {lost:,.1f} days")
        for ax in axes[len(variants) :]:
            ax.set_visible(False)
        axes[0].set_ylim(max(0.0, min(low, 0.95) - 0.03), 1.02)
        axes[0].set_ylabel("daily fill rate")
        handles, labels = axes[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8)
        figure.suptitle(f"Resilience triangles — {country} · {commodity}")
    return figure


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
    rows = summary[(summary["country"] == country) & (summary["commodity"] == commodity)]
    names = list(variants) if variants is not None else list(pd.unique(rows["variant"]))
    colours = variant_colours(names)
    with style():
        figure = new_figure(5.0, 3.0)
        ax = figure.subplots()
        for variant in names:
            x = rows.loc[rows["variant"] == variant, metric].to_numpy(
                dtype=np.float64, na_value=np.nan
            )
            x = np.sort(x[~np.isnan(x)])
            if x.size == 0:
                continue
            y = np.arange(1, x.size + 1) / x.size
            ax.step(
                np.r_[x[0], x], np.r_[0.0, y], where="post", color=colours[variant], label=variant
            )
        ax.axhline(0.95, color="0.5", linestyle=":", linewidth=0.8)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel(_label(metric))
        metric_axis(ax.xaxis, metric)
        ax.set_ylabel("share of replications ≤ x")
        ax.set_title(f"{_label(metric)} — {country} · {commodity}")
        ax.legend(loc="lower right", fontsize=8)
    return figure


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
        ax.set_xlabel(f"variant − baseline: {_label(metric)}{better.get(direction, '')}")
        metric_axis(ax.xaxis, metric, difference=True)
        baseline = str(rows["baseline"].iloc[0]) if "baseline" in rows else "baseline"
        ax.set_title(f"{_label(metric)}: paired difference against {baseline}")
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
    rows = survival[
        (survival["metric"] == metric)
        & (survival["country"] == country)
        & (survival["commodity"] == commodity)
    ]
    names = list(variants) if variants is not None else list(pd.unique(rows["variant"]))
    colours = variant_colours(names)
    end = censor_day
    if end is None and not rows.empty:
        end = float(rows["day"].max()) * 1.05 + 1
    ylabel = {"tts_days": "share without shortfall", "ttr_days": "share not yet recovered"}
    with style():
        figure = new_figure(5.0, 3.0)
        ax = figure.subplots()
        for variant in names:
            part = rows[rows["variant"] == variant].sort_values("day")
            days = part["day"].to_numpy(dtype=np.float64)
            s = part["survival"].to_numpy(dtype=np.float64)
            x = np.r_[0.0, days, end if end is not None else (days[-1] if days.size else 1.0)]
            y = np.r_[1.0, s, s[-1] if s.size else 1.0]
            ax.step(x, y, where="post", color=colours[variant], label=variant)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("days since the shock took effect")
        ax.set_ylabel(ylabel.get(metric, "survival"))
        ax.set_title(f"{_label(metric)} — {country} · {commodity}")
        ax.legend(loc="best", fontsize=8)
    return figure


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
        ax.set_ylabel(_label(metric))
        metric_axis(ax.yaxis, metric)
        ax.set_title(f"{_label(metric)} against {parameter.rsplit('.', 1)[-1]}")
        ax.legend(loc="best", fontsize=8)
    return figure


def save_figure(figure: Figure, stem: str | Path, dpi: int = 150) -> tuple[Path, Path]:
    """Write ``stem.svg`` and ``stem.png``; returns both paths."""
    base = Path(stem)
    base.parent.mkdir(parents=True, exist_ok=True)
    svg, png = base.with_suffix(".svg"), base.with_suffix(".png")
    with style():
        figure.savefig(svg, format="svg", metadata={"Date": None})
        figure.savefig(png, format="png", dpi=dpi)
    return svg, png


_SVG_START = re.compile(r"<svg\b")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>", re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(href="#|url\(#)([^")]+)')


def figure_svg(figure: Figure, prefix: str = "fig") -> str:
    """The figure as an inline ``<svg>`` element for an HTML page.

    The XML prolog, comments and metadata are dropped, and every ``id`` (and
    reference to one) gets ``prefix`` so that several figures in one page do
    not share ids.
    """
    buffer = io.StringIO()
    with style():
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    start = _SVG_START.search(text)
    text = text[start.start() :] if start else text
    text = _METADATA.sub("", _COMMENT.sub("", text))
    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    return _REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)


def figure_png_data_uri(figure: Figure, dpi: int = 110) -> str:
    """The figure as a ``data:image/png;base64,…`` URI."""
    buffer = io.BytesIO()
    with style():
        figure.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
