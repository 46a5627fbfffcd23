"""The statistical sections of the HTML report: tables, with their interval plots.

Paired comparisons of every metric against the baseline, each metric's
distribution over replications, the probability of being best, time to
survive and to recover, the sweep and the targets.  Each function returns the
section's HTML, or ``""`` when the report has nothing for it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from simulator.analysis import plots
from simulator.analysis.compare import LOSS_METRICS, ComparisonReport, ResultsFolder
from simulator.analysis.quantities import format_cell, unit_of
from simulator.analysis.report_figures import Figures, focus_pairs
from simulator.analysis.report_tables import (
    METRIC_TITLES,
    Cell,
    escape,
    format_interval,
    format_share,
    format_value,
    html_table,
    num,
    records,
)

if TYPE_CHECKING:
    from simulator.analysis.sweep import Target, TargetResult

__all__ = [
    "comparison_section",
    "events_section",
    "p_best_section",
    "statistics_section",
    "sweep_section",
    "targets_section",
]


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


def statistics_section(report: ComparisonReport) -> str:
    """Each metric's distribution over replications, per variant (collapsed when comparing)."""
    if report.statistics.empty:
        return ""
    single = len(report.variants) < 2
    parts = [
        '<h2 id="statistics">Distribution over replications</h2>',
        "<p>Mean, median, 5th and 95th percentiles over replications, and for losses the"
        " CVaR95 (the mean of the worst 5 %).</p>",
    ]
    zero: list[str] = []
    for metric in report.metrics:
        rows = report.statistics[report.statistics["metric"] == metric]
        if rows.empty:
            continue
        kept = [
            r
            for r in records(rows)
            if not all(r.get(k) == 0 for k in ("mean", "p05", "p95"))  # all zero: said below
        ]
        title = METRIC_TITLES.get(metric, metric)
        if len(kept) < len(rows):
            zero.append(title)
        if not kept:
            continue
        header: list[str | Cell] = [
            "Country / group", "Commodity", "Variant", num("n"), num("Mean"), num("Median"),
            num("5 %"), num("95 %"), num("CVaR95"),
        ]  # fmt: skip

        def cell(value: Any, m: str = metric) -> Cell:
            return num(format_cell(value, m))

        body: list[list[str | Cell]] = [
            [
                r["country"],
                r["commodity"],
                r["variant"],
                num(format_value(r["n"])),
                cell(r["mean"]),
                cell(r["median"]),
                cell(r["p05"]),
                cell(r["p95"]),
                cell(r["cvar95"]),
            ]
            for r in kept
        ]
        opened = " open" if single else ""
        units = sorted({unit_of(metric, report.unit(str(c))) for c in rows["commodity"]})
        parts.append(
            f"<details{opened}><summary>{escape(title)} ({escape(', '.join(units))})</summary>"
            f"{html_table(header, body)}</details>"
        )
    if zero:
        parts.append(
            '<p class="note">Rows that are zero on every replication are left out of: '
            f"{escape(', '.join(zero))}.</p>"
        )
    return "\n".join(parts)


def p_best_section(report: ComparisonReport) -> str:
    if report.p_best.empty or len(report.variants) < 2:
        return ""
    wide = report.p_best.pivot_table(
        index=["metric", "country", "commodity"],
        columns="variant",
        values="p_best",
        sort=False,
    )
    names = [v for v in report.variants if v in wide.columns]
    header: list[str | Cell] = [
        "Metric",
        "Country / group",
        "Commodity",
        *(num(v) for v in names),
    ]
    body: list[list[str | Cell]] = []
    for key, row in wide.iterrows():
        index: tuple[Any, ...] = key if isinstance(key, tuple) else (key,)
        metric, country, commodity = (str(k) for k in index)
        shares = {v: float(row[v]) for v in names}
        top = max(shares.values())
        # Highlight a variant only when it alone has the largest share.
        leaders = [v for v, p in shares.items() if p == top]
        best = leaders[0] if len(leaders) == 1 else None
        body.append(
            [
                metric,
                country,
                commodity,
                *(num(format_share(row[v]), "better" if v == best else "") for v in names),
            ]
        )
    return (
        '<h2 id="p-best">Probability of being best</h2>'
        "<p>Share of bootstrap resamples of the replications (the same resample for every"
        " variant) in which each variant has the best mean.</p>" + html_table(header, body)
    )


def events_section(
    report: ComparisonReport, results: ResultsFolder, focus: Sequence[str], figures: Figures
) -> str:
    if report.events.empty:
        return ""
    header: list[str | Cell] = [
        "Metric",
        "Country / group",
        "Commodity",
        "Variant",
        num("n"),
        num("With the event"),
        num("Median (days)"),
        num("P(better), ties ½"),
    ]
    body: list[list[str | Cell]] = []
    for row in records(report.events):
        label = "shortfall" if row["metric"] == "tts_days" else "recovered"
        if row["metric"] == "ttr_days" and not row["n"]:
            cells = [METRIC_TITLES.get("ttr_days", "ttr_days"), row["country"], row["commodity"]]
            body.append([*cells, row["variant"], num("0"), num("no shortfall"), num("—"), num("—")])
            continue
        body.append(
            [
                METRIC_TITLES.get(row["metric"], row["metric"]),
                row["country"],
                row["commodity"],
                row["variant"],
                num(format_value(row["n"])),
                num(f"{format_share(row['share_with_event'])} {label}"),
                num(format_value(row["median_days"])),
                num(format_share(row["p_better"])),
            ]
        )
    parts = [
        '<h2 id="events">Time to survive and time to recover</h2>',
        "<p>TTS is missing when a country has no shortfall within the horizon, TTR when it"
        " has not recovered by the horizon (TTR counts only the replications with a"
        " shortfall): these are right-censored times, so they are not"
        " averaged. The table gives the share of replications with the event, the"
        " Kaplan–Meier median when at least half have it, and the paired probability that the"
        " variant does better than the baseline (a missing time ranks after every day).</p>",
        html_table(header, body),
    ]
    grid = []
    events = report.events
    tts = events[events["metric"] == "tts_days"]
    for country, commodity in focus_pairs(report.events, focus):
        mine = tts[(tts["country"] == country) & (tts["commodity"] == commodity)]
        if not (mine["n_events"] > 0).any():
            continue  # no shortfall in any variant: a flat line (the table says so)
        censor = results.days_after_shock(report.baseline, commodity)
        grid.append(
            figures.maybe(
                partial(
                    plots.survival_plot,
                    report.survival,
                    country,
                    commodity,
                    "tts_days",
                    report.variants,
                    censor_day=censor,
                ),
                f"Share of replications without shortfall, {country} · {commodity}",
            )
        )
    parts.append('<div class="grid">' + "".join(grid) + "</div>")
    return "\n".join(parts)


def sweep_section(report: ComparisonReport, figures: Figures) -> str:
    sweep = report.sweep
    if sweep is None or sweep.empty:
        return ""
    parts = [
        '<h2 id="sweep">Sweep</h2>',
        "<p>Each metric at each swept value: mean over the replications at that value and"
        " its t interval (other swept parameters pooled).</p>",
    ]
    for parameter in report.sweep_parameters:
        for metric in report.metrics:
            rows = sweep[(sweep["parameter"] == parameter) & (sweep["metric"] == metric)]
            if rows.empty:
                continue
            title = METRIC_TITLES.get(metric, metric)
            header: list[str | Cell] = [
                "Country / group",
                "Commodity",
                num(parameter),
                num("n"),
                num("Mean"),
                num("95 % CI"),
            ]
            body: list[list[str | Cell]] = [
                [
                    r["country"],
                    r["commodity"],
                    num(format_value(r["value"])),
                    num(format_value(r["n"])),
                    num(format_value(r["mean"])),
                    num(format_interval(r["ci_low"], r["ci_high"])),
                ]
                for r in records(rows)
            ]
            parts.append(f"<h3>{escape(title)} against {escape(parameter)}</h3>")
            parts.append(
                "<details><summary>Table</summary>" + html_table(header, body) + "</details>"
            )
            parts.append(
                figures.maybe(
                    partial(plots.sweep_response, sweep, parameter, metric),
                    f"{title} against {parameter}",
                    narrow=True,
                )
            )
    return "\n".join(parts)


def targets_section(targets: Sequence[TargetResult]) -> str:
    if not targets:
        return ""
    parts = ['<h2 id="targets">Targets</h2>']
    for result in targets:
        target: Target = result.target
        header: list[str | Cell] = [
            result.by,
            num("n"),
            num("Meeting"),
            num("Share"),
            num("Wilson 95 % CI"),
            "Meets target",
        ]
        body: list[list[str | Cell]] = [
            [
                format_value(r["value"]),
                num(format_value(r["n"])),
                num(format_value(r["met"])),
                num(format_share(r["share"])),
                num(f"[{format_share(r['wilson_low'])}, {format_share(r['wilson_high'])}]"),
                Cell(
                    "yes" if r["meets_target"] else "no", css="better" if r["meets_target"] else ""
                ),
            ]
            for r in records(result.table)
        ]
        parts.append(f"<h3>{escape(target.text)} — {escape(result.commodity)}</h3>")
        if result.by != "variant":
            answer = (
                "none of the swept values"
                if result.smallest_value is None
                else f"{result.by} = {format_value(result.smallest_value)}"
            )
            sure = (
                "none"
                if result.smallest_value_confident is None
                else format_value(result.smallest_value_confident)
            )
            parts.append(
                f"<p>Smallest value meeting the target: <strong>{escape(answer)}"
                f"</strong> (by the Wilson lower bound: {escape(sure)}).</p>"
            )
        parts.append(html_table(header, body))
    return "\n".join(parts)
