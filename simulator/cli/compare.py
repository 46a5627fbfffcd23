"""``supplyshock compare RESULTS``: paired differences of variants with confidence intervals.

Prints, for every variant against its baseline and per country (or coalition)
× commodity, each metric's mean, the mean paired difference with its paired-t,
BCa bootstrap and Bonferroni-adjusted intervals, the probability of doing
better on a replication and, for losses, CVaR95; then time to survive and to
recover as censored event times, the probability of each variant being best,
the sweep table and any ``--target``.  ``--json`` prints one object instead.

Exit codes: 0 ok; 2 a bad option (unknown baseline, metric, country,
commodity, or a ``--target`` that does not parse); 3 not a readable results
folder.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from simulator.cli import EXIT_INVALID, EXIT_USAGE, app, stdout_console

if TYPE_CHECKING:
    import pandas as pd

    from simulator.analysis.compare import ComparisonReport
    from simulator.analysis.sweep import Target, TargetResult

__all__ = ["compare", "parse_targets"]


ResultsArgument = Annotated[
    Path,
    typer.Argument(
        help="Results folder written by `supplyshock batch --out`.",
        exists=True,
        file_okay=False,
    ),
]
BaselineOption = Annotated[
    str | None,
    typer.Option(help="Compare every variant with this one (default: the manifest's baseline)."),
]
MetricOption = Annotated[
    list[str] | None,
    typer.Option("--metric", "-m", help="A metric to compare (repeat; default: the main ones)."),
]
CountryOption = Annotated[
    list[str] | None,
    typer.Option("--country", "-c", help="A country or coalition to show (repeat; default all)."),
]
TargetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--target",
        help='A requirement, e.g. "KOR.fill_rate>=0.99@0.95": the smallest swept value (or the'
        " variants) meeting it in that share of replications.",
    ),
]
ResamplesOption = Annotated[
    int, typer.Option("--resamples", min=100, help="Bootstrap resamples (BCa and P(best)).")
]


def parse_targets(texts: Sequence[str] | None) -> list[Target]:
    """Parse every ``--target``; a syntax error is a usage error naming the option."""
    from simulator.analysis.sweep import TargetSyntaxError, parse_target

    try:
        return [parse_target(t) for t in texts or ()]
    except TargetSyntaxError as error:
        raise typer.BadParameter(str(error), param_hint="'--target'") from None


def fail(message: str, code: int) -> typer.Exit:
    """Print ``message`` to stderr; return the exit to raise."""
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(code)


@app.command()
def compare(
    results: ResultsArgument,
    baseline: BaselineOption = None,
    metric: MetricOption = None,
    country: CountryOption = None,
    commodity: Annotated[
        list[str] | None, typer.Option("--commodity", help="A commodity to show (repeat).")
    ] = None,
    target: TargetOption = None,
    confidence: Annotated[
        float, typer.Option(min=0.5, max=0.999, help="Level of every interval.")
    ] = 0.95,
    resamples: ResamplesOption = 2000,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Compare the variants of a results folder, paired on replication."""
    from simulator.analysis.compare import ResultsError, SelectionError, compare_results

    targets = parse_targets(target)
    try:
        report = compare_results(
            results,
            baseline,
            metric,
            country,
            commodities=commodity,
            targets=targets,
            confidence=confidence,
            n_resamples=resamples,
        )
    except ResultsError as error:
        raise fail(str(error), EXIT_INVALID) from None
    except SelectionError as error:
        raise fail(str(error), EXIT_USAGE) from None
    if as_json:
        typer.echo(report.to_json())
        return
    console = stdout_console(160)
    print_report(console, report)


def _fmt(value: Any) -> str:
    from simulator.analysis.report import format_value

    return format_value(value)


def _ci(low: Any, high: Any) -> str:
    if low is None or high is None or low != low:
        return "—"
    return f"[{_fmt(low)}, {_fmt(high)}]"


def _pct(value: Any) -> str:
    return "—" if value is None or value != value else f"{100 * float(value):.0f}%"


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def print_report(console: Console, report: ComparisonReport) -> None:
    """The comparison as rich tables."""
    console.print(
        f"[bold]{escape(report.experiment)}[/bold] — {len(report.variants)} variants,"
        f" baseline {escape(report.baseline)}; {100 * report.confidence:g}% intervals:"
        f" paired t, BCa bootstrap ({report.n_resamples} resamples), Bonferroni-adjusted"
    )
    for metric in report.metrics:
        _metric_table(console, report, metric)
    _events_table(console, report)
    _p_best_table(console, report)
    _sweep_tables(console, report)
    for result in report.targets:
        _target_table(console, result)
    for note in report.notes:
        console.print(f"note: {escape(note)}", style="dim")


def _metric_table(console: Console, report: ComparisonReport, metric: str) -> None:
    rows = report.comparisons[report.comparisons["metric"] == metric]
    if rows.empty:
        return
    direction = str(rows["direction"].iloc[0])
    hint = {"higher": "higher is better", "lower": "lower is better"}.get(direction, "activity")
    loss = rows["cvar95"].notna().any()
    table = Table(title=f"{metric} ({hint})", title_justify="left")
    for name in ("country", "commodity", "variant"):
        table.add_column(name)
    for name in ("n", "mean", "baseline", "Δ mean", "CI t", "CI BCa", "CI Bonferroni", "P(better)"):
        table.add_column(name, justify="right")
    if loss:
        table.add_column("CVaR95 (base)", justify="right")
    for row in _rows(rows):
        cells = [
            escape(str(row["country"])),
            escape(str(row["commodity"])),
            escape(str(row["variant"])),
            str(row["n"]),
            _fmt(row["mean"]),
            _fmt(row["baseline_mean"]),
            _fmt(row["mean_diff"]),
            _ci(row["ci_low"], row["ci_high"]),
            _ci(row["ci_low_bootstrap"], row["ci_high_bootstrap"]),
            _ci(row["adjusted_ci_low"], row["adjusted_ci_high"]),
            _pct(row["p_better"]),
        ]
        if loss:
            cells.append(f"{_fmt(row['cvar95'])} ({_fmt(row['baseline_cvar95'])})")
        table.add_row(*cells)
    console.print(table)


def _events_table(console: Console, report: ComparisonReport) -> None:
    if report.events.empty:
        return
    table = Table(
        title="time to survive / recover (censored at the horizon: not averaged)",
        title_justify="left",
    )
    for name in ("metric", "country", "commodity", "variant"):
        table.add_column(name)
    for name in ("n", "with event", "median days", "P(better)"):
        table.add_column(name, justify="right")
    for row in _rows(report.events):
        event = "short" if row["metric"] == "tts_days" else "recovered"
        table.add_row(
            str(row["metric"]),
            escape(str(row["country"])),
            escape(str(row["commodity"])),
            escape(str(row["variant"])),
            str(row["n"]),
            f"{_pct(row['share_with_event'])} {event}",
            _fmt(row["median_days"]),
            _pct(row["p_better"]),
        )
    console.print(table)


def _p_best_table(console: Console, report: ComparisonReport) -> None:
    if report.p_best.empty or len(report.variants) < 3:
        return
    table = Table(title="probability of being best (bootstrap over replications)")
    table.title_justify = "left"
    for name in ("metric", "country", "commodity"):
        table.add_column(name)
    for variant in report.variants:
        table.add_column(escape(variant), justify="right")
    keyed: dict[tuple[str, str, str], dict[str, float]] = {}
    for row in _rows(report.p_best):
        key = (str(row["metric"]), str(row["country"]), str(row["commodity"]))
        keyed.setdefault(key, {})[str(row["variant"])] = float(row["p_best"])
    for (metric, country, commodity), shares in keyed.items():
        table.add_row(
            metric,
            escape(country),
            escape(commodity),
            *(_pct(shares.get(v)) for v in report.variants),
        )
    console.print(table)


def _sweep_tables(console: Console, report: ComparisonReport) -> None:
    sweep = report.sweep
    if sweep is None or sweep.empty:
        return
    for (parameter, metric), part in sweep.groupby(["parameter", "metric"], sort=False):
        table = Table(title=f"{metric} against {parameter}", title_justify="left")
        for name in ("country", "commodity"):
            table.add_column(name)
        for name in ("value", "n", "mean", "95% CI"):
            table.add_column(name, justify="right")
        for row in _rows(part):
            table.add_row(
                escape(str(row["country"])),
                escape(str(row["commodity"])),
                escape(_fmt(row["value"])),
                str(row["n"]),
                _fmt(row["mean"]),
                _ci(row["ci_low"], row["ci_high"]),
            )
        console.print(table)


def _target_table(console: Console, result: TargetResult) -> None:
    title = f"target {result.target.text} — {result.commodity}"
    if result.by != "variant":
        smallest = "none" if result.smallest_value is None else _fmt(result.smallest_value)
        sure = (
            "none"
            if result.smallest_value_confident is None
            else _fmt(result.smallest_value_confident)
        )
        name = result.by.rsplit(".", 1)[-1]
        title += f": smallest {name} = {smallest} (by the Wilson lower bound: {sure})"
    table = Table(title=escape(title), title_justify="left")
    table.add_column(escape(result.by.rsplit(".", 1)[-1]), justify="right")
    for name in ("n", "meeting", "share", "Wilson 95% CI", "meets"):
        table.add_column(name, justify="right")
    for row in _rows(result.table):
        table.add_row(
            escape(_fmt(row["value"])),
            str(row["n"]),
            str(row["met"]),
            _pct(row["share"]),
            f"[{_pct(row['wilson_low'])}, {_pct(row['wilson_high'])}]",
            "yes" if row["meets_target"] else "no",
        )
    console.print(table)
