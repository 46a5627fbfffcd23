"""How ``compare`` and ``batch --compare`` print a comparison: the headline, then tables.

The headline (:func:`simulator.analysis.headline.headline`) comes first and is
all that is printed unless ``--detail`` is given; the detail tables are fitted
to the terminal by :func:`simulator.cli.tables.fitted_table`, which drops the
least important columns rather than cut a number.  Every number is written by
:mod:`simulator.analysis.quantities`, with its unit in the table's title.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding

from simulator.analysis.quantities import (
    format_cell,
    format_metric,
    format_share,
    metric_label,
    unit_of,
)
from simulator.cli.tables import Column, fitted_table

if TYPE_CHECKING:
    import pandas as pd

    from simulator.analysis.compare import ComparisonReport
    from simulator.analysis.headline import Headline
    from simulator.analysis.sweep import TargetResult

__all__ = ["print_comparison", "print_headline"]

_MORE = (
    "More: --detail for every table (intervals t, BCa and Bonferroni, CVaR, TTS/TTR,"
    " P(best), sweeps), --json, or `supplyshock report`; terms: `supplyshock compare --help`."
)


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({str(k): (None if v != v else v) for k, v in row.items()})
    return out


def print_headline(console: Console, headline: Headline) -> None:
    """Each group's heading, then its sentences, indented and wrapped to the width."""
    for title, rows in headline.groups():
        console.print(f"[bold]{escape(title)}[/bold]")
        for row in rows:
            console.print(Padding(escape(row.text), (0, 0, 0, 2)))


def print_comparison(
    console: Console,
    report: ComparisonReport,
    headline: Headline,
    *,
    detail: bool = False,
) -> None:
    """The comparison: a title line, the headline, then (with ``detail``) every table."""
    n = len(report.variants)
    console.print(
        f"[bold]{escape(report.experiment)}[/bold]: {n} variant{'s' if n != 1 else ''},"
        f" baseline {escape(report.baseline)}; {metric_label(headline.metric)} of"
        f" {', '.join(headline.focus) or 'no country'}"
        " (--country to choose)"
    )
    print_headline(console, headline)
    if not detail:
        console.print(_MORE, style="dim")
        return
    for metric in report.metrics:
        _metric_table(console, report, metric)
    _events_table(console, report)
    _p_best_table(console, report)
    _sweep_tables(console, report)
    for result in report.targets:
        _target_table(console, result)
    for note in report.notes:
        console.print(f"note: {escape(note)}", style="dim")


def _print(console: Console, table: Any, dropped: list[str]) -> None:
    console.print(table)
    if dropped:
        console.print(
            f"(left out to fit {console.width} columns: {', '.join(dropped)};"
            " see --json or the report)",
            style="dim",
        )


def _bew(row: dict[str, Any]) -> str:
    if row.get("share_better") is None:
        return "—"
    parts = (row["share_better"], row["share_equal"], row["share_worse"])
    return "/".join(format_share(p).rstrip("%") for p in parts) + "%"


def _unit_title(report: ComparisonReport, metric: str, commodities: list[str]) -> str:
    units = sorted({unit_of(metric, report.unit(c)) for c in commodities})
    return ", ".join(units)


def _metric_table(console: Console, report: ComparisonReport, metric: str) -> None:
    frame = report.comparisons[report.comparisons["metric"] == metric]
    if frame.empty:
        return
    rows = _rows(frame)
    direction = str(rows[0]["direction"])
    hint = {"higher": "higher is better", "lower": "lower is better"}.get(direction, "activity")
    commodities = list(dict.fromkeys(str(r["commodity"]) for r in rows))
    loss = any(r["cvar95"] is not None for r in rows)
    level = f"{100 * report.confidence:g}%"
    columns = [
        Column("country", numeric=False),
        Column("commodity", numeric=False, drop=6 if len(commodities) == 1 else 0),
        Column("variant", numeric=False),
        Column("n", drop=7),
        Column("mean"),
        Column("baseline", drop=2),
        Column("Δ mean"),
        Column(f"{level} CI (t)"),
        Column(f"{level} CI BCa", drop=4),
        Column("Bonferroni CI", drop=5),
        Column("better / equal / worse"),
    ]
    if loss:
        columns.append(Column("CVaR95 (base)", drop=3))

    def cell(value: Any, difference: bool = False) -> str:
        return format_cell(value, metric, difference)

    def interval(low: Any, high: Any) -> str:
        if low is None or high is None:
            return "—"
        return f"{cell(low, True)} to {cell(high, True)}"

    body = []
    for r in rows:
        line = [
            str(r["country"]),
            str(r["commodity"]),
            str(r["variant"]),
            str(r["n"]),
            cell(r["mean"]),
            cell(r["baseline_mean"]),
            cell(r["mean_diff"], True),
            interval(r["ci_low"], r["ci_high"]),
            interval(r["ci_low_bootstrap"], r["ci_high_bootstrap"]),
            interval(r["adjusted_ci_low"], r["adjusted_ci_high"]),
            _bew(r),
        ]
        if loss:
            line.append(f"{cell(r['cvar95'])} ({cell(r['baseline_cvar95'])})")
        body.append(line)
    title = (
        f"{metric_label(metric)} ({_unit_title(report, metric, commodities)}; {hint})"
        f" against {report.baseline}"
    )
    _print(console, *fitted_table(console, title, columns, body))


def _events_table(console: Console, report: ComparisonReport) -> None:
    if report.events.empty:
        return
    columns = [
        Column("metric", numeric=False),
        Column("country", numeric=False),
        Column("commodity", numeric=False, drop=5),
        Column("variant", numeric=False),
        Column("n", drop=4),
        Column("with event"),
        Column("median"),
        Column("P(better), ties ½", drop=1),
    ]
    body = []
    for r in _rows(report.events):
        tts = r["metric"] == "tts_days"
        event = "short" if tts else "recovered"
        if not tts and not r["n"]:
            body.append(
                ["TTR", str(r["country"]), str(r["commodity"]), str(r["variant"]), "0",
                 "no shortfall", "—", "—"]
            )  # fmt: skip
            continue
        body.append(
            [
                "TTS" if tts else "TTR",
                str(r["country"]),
                str(r["commodity"]),
                str(r["variant"]),
                str(r["n"]),
                f"{format_share(r['share_with_event'])} {event}",
                format_metric(r["median_days"], "tts_days"),
                format_share(r["p_better"]),
            ]
        )
    title = (
        "time to survive (TTS) / to recover (TTR), days after the shock; censored at the"
        " horizon, not averaged; TTR over replications with a shortfall"
    )
    _print(console, *fitted_table(console, title, columns, body))


def _p_best_table(console: Console, report: ComparisonReport) -> None:
    if report.p_best.empty or len(report.variants) < 3:
        return
    keyed: dict[tuple[str, str, str], dict[str, float]] = {}
    for r in _rows(report.p_best):
        key = (metric_label(str(r["metric"])), str(r["country"]), str(r["commodity"]))
        keyed.setdefault(key, {})[str(r["variant"])] = float(r["p_best"])
    columns = [
        Column("metric", numeric=False),
        Column("country", numeric=False),
        Column("commodity", numeric=False, drop=1),
        *(Column(v) for v in report.variants),
    ]
    body = [
        [*key, *(format_share(shares.get(v)) for v in report.variants)]
        for key, shares in keyed.items()
        if max(shares.values()) - min(shares.values()) >= 1e-12  # all tied: says nothing
    ]
    title = "probability of being best (bootstrap over replications)"
    if body:
        _print(console, *fitted_table(console, title, columns, body))
    if len(body) < len(keyed):
        console.print(f"({len(keyed) - len(body)} rows in which every variant ties left out)")


def _sweep_tables(console: Console, report: ComparisonReport) -> None:
    sweep = report.sweep
    if sweep is None or sweep.empty:
        return
    for (parameter, metric), part in sweep.groupby(["parameter", "metric"], sort=False):
        level = f"{100 * report.confidence:g}% CI"
        columns = [
            Column("country", numeric=False),
            Column("commodity", numeric=False, drop=2),
            Column(str(parameter).rsplit(".", 1)[-1]),
            Column("n", drop=1),
            Column("mean"),
            Column(level),
        ]
        show = functools.partial(_cell, metric=str(metric))
        body = [
            [
                str(r["country"]),
                str(r["commodity"]),
                f"{r['value']:g}" if isinstance(r["value"], int | float) else str(r["value"]),
                str(r["n"]),
                show(r["mean"]),
                f"{show(r['ci_low'])} to {show(r['ci_high'])}",
            ]
            for r in _rows(part)
        ]
        commodities = list(dict.fromkeys(str(r["commodity"]) for r in _rows(part)))
        title = (
            f"{metric_label(str(metric))} ({_unit_title(report, str(metric), commodities)})"
            f" against {parameter}"
        )
        _print(console, *fitted_table(console, title, columns, body))


def _cell(value: Any, metric: str) -> str:
    return format_cell(value, metric)


def _target_table(console: Console, result: TargetResult) -> None:
    name = result.by.rsplit(".", 1)[-1]
    columns = [
        Column(name),
        Column("n", drop=2),
        Column("meeting", drop=1),
        Column("share"),
        Column("Wilson 95% CI"),
        Column("meets"),
    ]
    body = [
        [
            f"{r['value']:g}" if isinstance(r["value"], int | float) else str(r["value"]),
            str(r["n"]),
            str(r["met"]),
            format_share(r["share"]),
            f"{format_share(r['wilson_low'])} to {format_share(r['wilson_high'])}",
            "yes" if r["meets_target"] else "no",
        ]
        for r in _rows(result.table)
    ]
    title = f"target {result.target.text} ({result.commodity})"
    _print(console, *fitted_table(console, title, columns, body))
