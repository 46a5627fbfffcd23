"""The headline verdict: per focus country and commodity, which variant is best and where it fails.

One line per focus country × commodity (the coalition members and the
explicit targets of the controls, never an exporter that imposes one):

- the **best** variant on the chosen metric (the best mean; ties named, the
  first in the experiment's order chosen, after the higher P(best));
- its **effect** against its baseline: the mean paired difference and the
  BCa interval from :func:`simulator.analysis.compare.compare_results`;
- **P(best)**, the bootstrap probability that it has the best mean;
- and, when it does worse than the baseline in some futures, the PRIM
  **box** of those futures (:func:`simulator.analysis.explore.discover`).

The verdict reads the same tables as ``compare``; it adds no statistics of its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from simulator.analysis.compare import ComparisonReport
from simulator.analysis.explore import Discovery, discover
from simulator.analysis.paired import METRIC_DIRECTIONS, Direction
from simulator.analysis.results import ResultsFolder
from simulator.analysis.survival import EVENT_METRICS

__all__ = ["Verdict", "focus_countries", "headline_verdict"]


@dataclass(frozen=True)
class Verdict:
    """One headline line (see the module docstring); ``text`` is the sentence."""

    country: str
    commodity: str
    metric: str
    best: str
    baseline: str
    tied: tuple[str, ...]
    mean_diff: float | None
    ci_low: float | None
    ci_high: float | None
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
            "ci_low_bootstrap": self.ci_low,
            "ci_high_bootstrap": self.ci_high,
            "p_best": self.p_best,
            "loses": None if self.discovery is None else self.discovery.to_dict(),
            "text": self.text,
        }


def focus_countries(folder: ResultsFolder) -> list[str]:
    """Coalition members and the listed targets of the controls, never an exporter.

    Falls back to every country (not coalition) in the results when the
    scenario names none.
    """
    scenario = folder.scenario(folder.variants[0] if folder.variants else None)
    chosen: list[str] = []
    for members in (scenario.get("coalitions") or {}).values():
        chosen += [str(m) for m in members]
    exporters = set()
    for shock in scenario.get("shocks") or []:
        exporters.add(str(shock.get("exporter")))
        if isinstance(shock.get("targets"), list):
            chosen += [str(t) for t in shock["targets"]]
    present = set(folder.summary.loc[~folder.summary["group"].astype(bool), "country"])
    found = [c for c in dict.fromkeys(chosen) if c in present and c not in exporters]
    return found or sorted(c for c in present if c not in exporters)


def _number(value: float | None) -> str:
    from simulator.analysis.report import format_value

    return format_value(value)


def headline_verdict(
    folder: ResultsFolder,
    report: ComparisonReport,
    metric: str | None = None,
    countries: Sequence[str] | None = None,
) -> list[Verdict]:
    """The verdict lines of a comparison (see the module docstring).

    ``metric`` defaults to ``shortfall`` when compared, else the first compared
    metric with a direction (not a censored time); ``countries`` to
    :func:`focus_countries` (those compared).
    """
    metrics = [
        m
        for m in report.metrics
        if METRIC_DIRECTIONS.get(m, Direction.NONE) is not Direction.NONE
        and m not in EVENT_METRICS  # censored times have no mean to rank
    ]
    chosen = metric or (
        "shortfall" if "shortfall" in metrics else (metrics[0] if metrics else None)
    )
    if chosen is None or report.statistics.empty:
        return []
    stats = report.statistics[report.statistics["metric"] == chosen]
    focus = list(countries) if countries else focus_countries(folder)
    lines: list[Verdict] = []
    for country in focus:
        for commodity in pd.unique(stats.loc[stats["country"] == country, "commodity"]):
            line = _verdict(folder, report, stats, chosen, country, str(commodity))
            if line is not None:
                lines.append(line)
    return lines


def _verdict(
    folder: ResultsFolder,
    report: ComparisonReport,
    stats: pd.DataFrame,
    metric: str,
    country: str,
    commodity: str,
) -> Verdict | None:
    rows = stats[(stats["country"] == country) & (stats["commodity"] == commodity)]
    rows = rows[rows["mean"].notna()]
    if rows.empty:
        return None
    sign = 1.0 if METRIC_DIRECTIONS[metric] is Direction.LOWER else -1.0
    score = {str(v): sign * float(m) for v, m in zip(rows["variant"], rows["mean"], strict=True)}
    best_score = min(score.values())
    tolerance = 1e-9 * max(1.0, abs(best_score))
    pb = report.p_best[
        (report.p_best["metric"] == metric)
        & (report.p_best["country"] == country)
        & (report.p_best["commodity"] == commodity)
    ]
    p_best = {str(v): float(p) for v, p in zip(pb["variant"], pb["p_best"], strict=True)}
    order = {v: i for i, v in enumerate(report.variants)}
    tied = [v for v, s in score.items() if s <= best_score + tolerance]
    tied.sort(key=lambda v: (-p_best.get(v, 0.0), order.get(v, len(order))))
    best, others = tied[0], tuple(tied[1:])
    baseline = report.baselines.get(best, report.baseline)
    unit = _unit(folder, commodity, metric)
    pbest = p_best.get(best)

    def without_effect(text: str) -> Verdict:
        return Verdict(
            country, commodity, metric, best, baseline, others, None, None, None, pbest, None, text
        )

    if len(tied) == len(score) > 1:
        mean = sign * best_score
        return without_effect(
            f"{country} {commodity}: every variant does the same on {metric}"
            f" ({_number(mean)}{unit})."
        )
    what = f"{country} {commodity}: {best} is best on {metric}"
    if others:
        what += f" (tied with {', '.join(others)})"
    pb_text = f"P(best) {pbest:.0%}" if pbest is not None and math.isfinite(pbest) else ""
    if best == baseline:
        pb_part = f"; {pb_text}" if pb_text else ""
        runner = min((v for v in score if v != best), key=lambda v: (score[v], order.get(v, 0)))
        diff, low, high = _effect(report, runner, metric, country, commodity)
        closest = ""
        if diff is not None:
            closest = f" (the closest, {runner}: {_number(diff)}{unit}"
            if low is not None and high is not None:
                closest += f", {report.confidence:.0%} BCa [{_number(low)}, {_number(high)}]"
            closest += ")"
        return without_effect(f"{what}: no variant beats {baseline} on average{closest}{pb_part}.")
    diff, low, high = _effect(report, best, metric, country, commodity)
    level = f"{report.confidence:.0%}"
    effect = f"{_number(diff)}{unit} against {baseline}"
    if low is not None and high is not None:
        effect += f" ({level} BCa [{_number(low)}, {_number(high)}])"
    part = folder.summary[
        (folder.summary["country"] == country) & (folder.summary["commodity"] == commodity)
    ]
    found = discover(part, best, baseline, metric, seed=folder.seed)
    loses = f"it is worse than {baseline} {found.clause}"
    text = f"{what}: {effect}" + (f", {pb_text}" if pb_text else "") + f"; {loses}."
    return Verdict(
        country, commodity, metric, best, baseline, others, diff, low, high, pbest, found, text
    )


def _effect(
    report: ComparisonReport, variant: str, metric: str, country: str, commodity: str
) -> tuple[float | None, float | None, float | None]:
    """The mean paired difference of ``variant`` against its baseline and its BCa interval."""
    table = report.comparisons
    rows = table[
        (table["variant"] == variant)
        & (table["metric"] == metric)
        & (table["country"] == country)
        & (table["commodity"] == commodity)
    ]
    if rows.empty:
        return None, None, None
    row = rows.iloc[0]
    return (
        _finite(row["mean_diff"]),
        _finite(row["ci_low_bootstrap"]),
        _finite(row["ci_high_bootstrap"]),
    )


def _unit(folder: ResultsFolder, commodity: str, metric: str) -> str:
    """`` t`` for a shortfall in tonnes, `` USD`` for a loss, `` days`` for times; else ``""``."""
    if metric in ("shortfall", "released", "transfers_in", "transfers_out"):
        unit = ((folder.scenario().get("commodities") or {}).get(commodity) or {}).get("unit")
        return f" {unit}" if unit else ""
    if metric.endswith("_usd"):
        return " USD"
    if metric.endswith("_days"):
        return " days"
    return ""


def _finite(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None
