"""The verdict: per focus country and commodity, which variant is best and where it fails.

One sentence per focus country × commodity (the countries of
:func:`~simulator.analysis.headline.default_focus`: the coalitions' members
and the controls' named targets, never an exporter), the first of its group
in the headline (:func:`with_verdicts`):

- the **best** variant on the chosen metric (the best mean; ties named, the
  one with the higher P(best), then the first in the experiment's order);
- its **effect** against its baseline: the mean paired difference with the
  BCa interval when the comparison bootstrapped, else the paired-t interval;
- **P(best)**, the bootstrap probability that it has the best mean (the same
  resamples as ``compare --detail``);
- and, when it does worse than its baseline in some futures, the PRIM **box**
  of those futures (:func:`simulator.analysis.explore.discover`).

When the baseline itself is best, the sentence names the closest variant and
its effect instead; when every variant does the same, it says so.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulator.analysis.compare import ComparisonReport
from simulator.analysis.comparison_rows import comparison_rng
from simulator.analysis.explore import Discovery, discover
from simulator.analysis.headline import Headline, HeadlineRow, default_focus
from simulator.analysis.paired import METRIC_DIRECTIONS, Direction, probability_best
from simulator.analysis.quantities import (
    format_difference,
    format_interval,
    format_metric,
    format_share,
    metric_label,
)
from simulator.analysis.results import ResultsFolder
from simulator.analysis.survival import EVENT_METRICS

__all__ = ["P_BEST_RESAMPLES", "Verdict", "focus_countries", "headline_verdict", "with_verdicts"]

P_BEST_RESAMPLES = 2000
"""Resamples of P(best) when the comparison did not bootstrap (``compare``'s default)."""


@dataclass(frozen=True)
class Verdict:
    """One verdict (see the module docstring); ``text`` is the sentence."""

    country: str
    commodity: str
    metric: str
    best: str
    baseline: str
    tied: tuple[str, ...]
    mean_diff: float | None
    ci_low: float | None
    ci_high: float | None
    interval: str
    p_best: float | None
    discovery: Discovery | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "commodity": self.commodity,
            "metric": self.metric,
            "best": self.best,
            "baseline": self.baseline,
            "tied_with": list(self.tied),
            "mean_diff": self.mean_diff,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "interval": self.interval,
            "p_best": self.p_best,
            "loses": None if self.discovery is None else self.discovery.to_dict(),
            "text": self.text,
        }

    def row(self) -> HeadlineRow:
        """The verdict as a headline row of kind ``verdict``."""
        return HeadlineRow(
            "verdict",
            self.country,
            self.commodity,
            self.metric,
            self.text,
            variant=self.best,
            baseline=self.baseline,
            mean_diff=self.mean_diff,
            ci_low=self.ci_low,
            ci_high=self.ci_high,
        )


def focus_countries(folder: ResultsFolder) -> list[str]:
    """The headline's focus (:func:`~simulator.analysis.headline.default_focus`), countries only."""
    summary = folder.summary
    groups = set(summary.loc[summary["group"].astype(bool), "country"])
    present = [str(c) for c in pd.unique(summary["country"])]
    scenario = folder.scenario(folder.variants[0] if folder.variants else None)
    return [c for c in default_focus(scenario, present) if c not in groups]


def headline_verdict(
    folder: ResultsFolder,
    report: ComparisonReport,
    metric: str | None = None,
    countries: Sequence[str] | None = None,
    *,
    sensitivity: bool = True,
) -> list[Verdict]:
    """The verdicts of a comparison (see the module docstring).

    ``metric`` defaults to ``shortfall`` when compared, else the first compared
    metric with a direction (not a censored time); ``countries`` to
    :func:`focus_countries` (coalitions among them are left out).  With
    ``sensitivity=False`` each verdict's discovery has no PAWN ranking (its
    sentence is the same): what the printed headline and the report need.
    """
    ranked = [
        m
        for m in report.metrics
        if METRIC_DIRECTIONS.get(m, Direction.NONE) is not Direction.NONE
        and m not in EVENT_METRICS  # censored times have no mean to rank
    ]
    chosen = metric or ("shortfall" if "shortfall" in ranked else (ranked[0] if ranked else None))
    if chosen is None or chosen not in ranked or report.statistics.empty:
        return []
    stats = report.statistics[report.statistics["metric"] == chosen]
    groups = set(folder.summary.loc[folder.summary["group"].astype(bool), "country"])
    focus = [c for c in countries if c not in groups] if countries else focus_countries(folder)
    lines: list[Verdict] = []
    for country in focus:
        for commodity in pd.unique(stats.loc[stats["country"] == country, "commodity"]):
            line = _verdict(folder, report, stats, chosen, country, str(commodity), sensitivity)
            if line is not None:
                lines.append(line)
    return lines


def with_verdicts(summary: Headline, verdicts: Sequence[Verdict]) -> Headline:
    """``summary`` led by its verdicts: target rows, then each verdict and its group's rows.

    Groups (country · commodity) with a verdict come first, in the verdicts'
    order, each opening with its verdict; the other groups follow.  A verdict
    is left out where the headline already says every variant is the same on
    every replication.
    """
    targets = [r for r in summary.rows if r.kind == "target"]
    groups: dict[tuple[str, str], list[HeadlineRow]] = {}
    for row in summary.rows:
        if row.kind != "target":
            groups.setdefault((row.country, row.commodity), []).append(row)
    rows = list(targets)
    for v in verdicts:
        key = (v.country, v.commodity)
        own = groups.pop(key, [])
        if not any(r.kind == "same" for r in own):
            rows.append(v.row())
        rows += own
    for own in groups.values():
        rows += own
    return dataclasses.replace(summary, rows=tuple(rows))


def _p_best(
    folder: ResultsFolder, report: ComparisonReport, metric: str, country: str, commodity: str
) -> dict[str, float]:
    """P(best) per variant: the report's, or drawn the way ``compare`` draws it."""
    table = report.p_best
    found = table[
        (table["metric"] == metric)
        & (table["country"] == country)
        & (table["commodity"] == commodity)
    ]
    if not found.empty:
        return {str(v): float(p) for v, p in zip(found["variant"], found["p_best"], strict=True)}
    summary = folder.summary
    part = summary[(summary["country"] == country) & (summary["commodity"] == commodity)]
    wide = part.pivot_table(index="replication", columns="variant", values=metric, aggfunc="first")
    wide = wide[[v for v in report.variants if v in wide.columns]].dropna()
    if wide.shape[1] < 2 or wide.empty:
        return {}
    shares = probability_best(
        wide.to_numpy(dtype=np.float64),
        METRIC_DIRECTIONS[metric],
        rng=comparison_rng(report.seed, "p_best", metric, country, commodity),
        n_resamples=report.n_resamples or P_BEST_RESAMPLES,
    )
    return {str(v): float(p) for v, p in zip(wide.columns, shares, strict=True)}


def _verdict(
    folder: ResultsFolder,
    report: ComparisonReport,
    stats: pd.DataFrame,
    metric: str,
    country: str,
    commodity: str,
    sensitivity: bool = True,
) -> Verdict | None:
    rows = stats[(stats["country"] == country) & (stats["commodity"] == commodity)]
    rows = rows[rows["mean"].notna()]
    if len(rows) < 2:  # nothing to choose between
        return None
    sign = 1.0 if METRIC_DIRECTIONS[metric] is Direction.LOWER else -1.0
    score = {str(v): sign * float(m) for v, m in zip(rows["variant"], rows["mean"], strict=True)}
    best_score = min(score.values())
    tolerance = 1e-9 * max(1.0, abs(best_score))
    p_best = _p_best(folder, report, metric, country, commodity)
    order = {v: i for i, v in enumerate(report.variants)}
    tied = [v for v, s in score.items() if s <= best_score + tolerance]
    tied.sort(key=lambda v: (-p_best.get(v, 0.0), order.get(v, len(order))))
    best, others = tied[0], tuple(tied[1:])
    baseline = report.baselines.get(best, report.baseline)
    unit = report.unit(commodity)
    label = metric_label(metric)
    pbest = p_best.get(best)

    about = functools.partial(Verdict, country, commodity, metric, best, baseline, others)

    def without_effect(text: str) -> Verdict:
        return about(None, None, None, "", pbest, None, f"verdict: {text}.")

    if len(tied) == len(score) > 1:
        mean = sign * best_score
        return without_effect(
            f"every variant does the same ({label} {format_metric(mean, metric, unit)})"
        )
    what = f"{best} is best on {label}"
    if others:
        what += f" (tied with {', '.join(others)})"
    pb_text = f"P(best) {format_share(pbest)}" if pbest is not None and math.isfinite(pbest) else ""
    if best == baseline:
        behind = [v for v in score if v not in tied]
        runner = min(behind, key=lambda v: (score[v], order.get(v, 0))) if behind else best
        diff, low, high, kind = _effect(report, runner, metric, country, commodity)
        closest = ""
        if diff is not None and runner != best:
            closest = f" (the closest, {runner}: {format_difference(diff, metric, unit)}"
            if low is not None and high is not None:
                closest += f", {_level(report)} {kind} {format_interval(low, high, metric, unit)}"
            closest += ")"
        pb_part = f"; {pb_text}" if pb_text else ""
        return without_effect(f"{what}: no variant beats {baseline} on average{closest}{pb_part}")
    diff, low, high, kind = _effect(report, best, metric, country, commodity)
    effect = f"{format_difference(diff, metric, unit)} against {baseline}"
    if low is not None and high is not None:
        effect += f" ({_level(report)} {kind} {format_interval(low, high, metric, unit)})"
    part = folder.summary[
        (folder.summary["country"] == country) & (folder.summary["commodity"] == commodity)
    ]
    found = discover(part, best, baseline, metric, seed=folder.seed, sensitivity=sensitivity)
    loses = f"it is worse than {baseline} {found.clause}"
    text = f"verdict: {what}: {effect}" + (f", {pb_text}" if pb_text else "") + f"; {loses}."
    return about(diff, low, high, kind, pbest, found, text)


def _level(report: ComparisonReport) -> str:
    return f"{100 * report.confidence:g}%"


def _effect(
    report: ComparisonReport, variant: str, metric: str, country: str, commodity: str
) -> tuple[float | None, float | None, float | None, str]:
    """``variant``'s mean paired difference and its interval: BCa when bootstrapped, else t."""
    table = report.comparisons
    rows = table[
        (table["variant"] == variant)
        & (table["metric"] == metric)
        & (table["country"] == country)
        & (table["commodity"] == commodity)
    ]
    if rows.empty:
        return None, None, None, ""
    row = rows.iloc[0]
    low, high = _finite(row["ci_low_bootstrap"]), _finite(row["ci_high_bootstrap"])
    if low is not None and high is not None:
        return _finite(row["mean_diff"]), low, high, "BCa"
    return _finite(row["mean_diff"]), _finite(row["ci_low"]), _finite(row["ci_high"]), "CI"


def _finite(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None
