"""The report's paired comparisons: one table per metric against the baseline.

Each row is a variant × country × commodity with its mean paired difference,
its t, BCa and Bonferroni intervals and the shares better, equal and worse;
the difference is coloured by what it means (better or worse, when the
paired-t interval excludes zero).  Rows in which the variant equals the
baseline on every replication are left out and named in one line; interval
figures are drawn for shortfall and economic loss only.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

from simulator.analysis import plots
from simulator.analysis.compare import LOSS_METRICS, ComparisonReport
from simulator.analysis.quantities import format_cell, unit_of
from simulator.analysis.report_figures import Figures
from simulator.analysis.report_tables import (
    METRIC_TITLES,
    Cell,
    escape,
    format_share,
    format_value,
    html_table,
    num,
    records,
)

__all__ = ["comparison_section"]


_FIGURE_METRICS = ("shortfall", "economic_loss_usd")
"""Metrics whose paired differences are also drawn (the others are in the tables);
the first metric compared when none of these is."""


def _all_zero(row: dict[str, Any]) -> bool:
    """Whether a comparison row says nothing: the variant equals the baseline on every
    replication (its paired differences are all zero)."""
    if row.get("share_equal") == 1:
        return True
    keys = ("mean_diff", "ci_low", "ci_high")
    return all(row.get(k) == 0 for k in keys)


def _outcomes(row: dict[str, Any]) -> str:
    shares = (row.get("share_better"), row.get("share_equal"), row.get("share_worse"))
    if any(s is None or (isinstance(s, float) and math.isnan(s)) for s in shares):
        return "—"
    return " / ".join(format_share(s) for s in shares)


def comparison_section(report: ComparisonReport, figures: Figures) -> str:
    if report.comparisons.empty:
        return ""
    parts = ['<h2 id="comparisons">Paired comparisons against the baseline</h2>']
    adjusted = f"Bonferroni CI ({100 * report.adjusted_confidence:.4g} %)"
    left_out: list[str] = []
    drawn = [m for m in report.metrics if m in _FIGURE_METRICS] or list(report.metrics[:1])
    for metric in report.metrics:
        rows = report.comparisons[report.comparisons["metric"] == metric]
        if rows.empty:
            continue
        kept = [r for r in records(rows) if not _all_zero(r)]
        if len(kept) < len(rows):
            zero = {f"{r['country']} · {r['commodity']}" for r in records(rows) if _all_zero(r)}
            left_out.append(f"{METRIC_TITLES.get(metric, metric)} ({', '.join(sorted(zero))})")
        if not kept:
            continue
        loss = metric in LOSS_METRICS
        header: list[str | Cell] = [
            "Country / group",
            "Commodity",
            "Variant",
            num("n"),
            num("Mean"),
            num("Baseline mean"),
            num("Δ mean"),
            num("95 % CI (t)"),
            num("95 % CI (BCa)"),
            num(adjusted),
            num("Better / equal / worse"),
        ]
        if loss:
            header += [num("CVaR95 (baseline)")]

        def cell(value: Any, difference: bool = False, m: str = metric) -> str:
            return format_cell(value, m, difference)

        def interval(low: Any, high: Any) -> str:
            return (
                "—" if low is None or high is None else f"{cell(low, True)} to {cell(high, True)}"
            )

        body: list[list[str | Cell]] = []
        for row in kept:
            cells: list[str | Cell] = [
                row["country"],
                row["commodity"],
                row["variant"],
                num(format_value(row["n"])),
                num(cell(row["mean"])),
                num(cell(row["baseline_mean"])),
                num(cell(row["mean_diff"], True), plots.outcome(row)),
                num(interval(row["ci_low"], row["ci_high"])),
                num(interval(row["ci_low_bootstrap"], row["ci_high_bootstrap"])),
                num(interval(row["adjusted_ci_low"], row["adjusted_ci_high"])),
                num(_outcomes(row)),
            ]
            if loss:
                cells.append(num(f"{cell(row['cvar95'])} ({cell(row['baseline_cvar95'])})"))
            body.append(cells)
        direction = str(rows["direction"].iloc[0])
        better = {"higher": "higher is better", "lower": "lower is better"}.get(
            direction, "policy activity: no better direction"
        )
        units = sorted({unit_of(metric, report.unit(str(c))) for c in rows["commodity"]})
        title = METRIC_TITLES.get(metric, metric)
        hint = f"{', '.join(units)}; {better}"
        parts.append(f"<h3>{escape(title)} <small>({escape(hint)})</small></h3>")
        parts.append(html_table(header, body))
        if metric in drawn:
            shown = rows[[not _all_zero(r) for r in records(rows)]]
            parts.append(
                figures.maybe(
                    partial(plots.difference_bars, shown, metric, report.variants),
                    f"{title}: mean paired difference against {report.baseline} with"
                    " intervals (green better, red worse, grey no clear difference)",
                    narrow=True,
                )
            )
    if left_out:
        parts.append(
            '<p class="note">Left out, as equal to the baseline on every replication: '
            f"{escape('; '.join(left_out))}.</p>"
        )
    return "\n".join(parts)
