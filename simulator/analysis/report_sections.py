"""The statistical sections of the HTML report: tables, with their plots.

(The paired comparisons are in :mod:`simulator.analysis.report_comparisons`.)
Each metric's distribution over replications, the probability of being best, time to
survive and to recover, the sweep and the targets.  Each function returns the
section's HTML, or ``""`` when the report has nothing for it: a sweep whose
every series is zero at every swept value is left out (:func:`left_out_note`
says so in one line).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd

from simulator.analysis import plots
from simulator.analysis.compare import ComparisonReport, ResultsFolder
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
    "events_section",
    "left_out_note",
    "p_best_section",
    "statistics_section",
    "sweep_section",
    "targets_section",
]


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
    even = 0
    for key, row in wide.iterrows():
        index: tuple[Any, ...] = key if isinstance(key, tuple) else (key,)
        metric, country, commodity = (str(k) for k in index)
        shares = {v: float(row[v]) for v in names}
        top = max(shares.values())
        if top - min(shares.values()) < 1e-12:
            even += 1  # every variant ties: the row says nothing
            continue
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
    left_out = (
        f'<p class="note">Left out: {even} rows in which every variant ties.</p>' if even else ""
    )
    return (
        '<h2 id="p-best">Probability of being best</h2>'
        "<p>Share of bootstrap resamples of the replications (the same resample for every"
        " variant) in which each variant has the best mean.</p>"
        + (html_table(header, body) if body else "")
        + left_out
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
    # A pair without shortfall in any variant would draw flat lines (the table says so).
    tts = report.events[(report.events["metric"] == "tts_days") & (report.events["n_events"] > 0)]
    short = set(zip(tts["country"].astype(str), tts["commodity"].astype(str), strict=True))
    pairs = [pair for pair in focus_pairs(report.events, focus) if pair in short]
    if pairs:
        censor = {c: results.days_after_shock(report.baseline, c) for _, c in pairs}
        parts.append(
            figures.maybe(
                partial(
                    plots.survival_plots,
                    report.survival,
                    pairs,
                    "tts_days",
                    report.variants,
                    censor_days=censor,
                ),
                "Share of replications without shortfall (Kaplan–Meier), by days since the"
                f" shock took effect: {', '.join(f'{c} · {k}' for c, k in pairs)}",
                narrow=len(pairs) == 1,
            )
        )
    return "\n".join(parts)


def _sweep_shown(report: ComparisonReport) -> tuple[pd.DataFrame, list[str]]:
    """The sweep's rows worth showing, and the blocks (metric against parameter) with a series
    left out because it is zero at every swept value (mean and interval)."""
    sweep = report.sweep
    if sweep is None or sweep.empty:
        return pd.DataFrame(), []
    values = sweep[["mean", "ci_low", "ci_high"]].astype("float64").fillna(0.0)
    zero = pd.Series((values == 0.0).all(axis=1).to_numpy(), index=sweep.index)
    keys = ["parameter", "metric", "country", "commodity"]
    all_zero = zero.groupby([sweep[k] for k in keys], sort=False).transform("all")
    left = sweep[all_zero]
    blocks = [
        f"{METRIC_TITLES.get(str(m), str(m))} against {p}"
        for p, m in dict.fromkeys(zip(left["parameter"], left["metric"], strict=True))
    ]
    return sweep[~all_zero], blocks


def left_out_note(report: ComparisonReport) -> str | None:
    """One line naming the sweep when its whole section is left out (zero everywhere)."""
    shown, blocks = _sweep_shown(report)
    if not blocks or not shown.empty:
        return None
    return (
        f"The sweep of {', '.join(report.sweep_parameters)} is left out: every series"
        f" ({', '.join(blocks)}) is zero at every swept value."
    )


def sweep_section(report: ComparisonReport, figures: Figures) -> str:
    sweep, zero = _sweep_shown(report)
    if sweep.empty:
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
    if zero:
        parts.append(
            '<p class="note">Series that are zero at every swept value are left out of: '
            f"{escape(', '.join(zero))}.</p>"
        )
    return "\n".join(parts)


def targets_section(targets: Sequence[TargetResult]) -> str:
    shown = [t for t in targets if not t.table.empty]
    if not shown:
        return ""
    parts = ['<h2 id="targets">Targets</h2>']
    for result in shown:
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
