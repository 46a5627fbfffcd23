"""``supplyshock backtest REPLAY... | --all``: historical replays against bundled history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from simulator.cli import EXIT_USAGE, app, stdout_console

if TYPE_CHECKING:
    from simulator.analysis.backtest import BacktestResult
    from simulator.analysis.backtest_scores import EpisodeScore

__all__ = ["REPLAYS_FOLDER", "backtest"]

REPLAYS_FOLDER = Path("scenarios") / "replays"
"""Where ``--all`` looks for replays, relative to the working directory."""

_STYLE = {"hit": "green", "miss": "red", "not modelled": "yellow"}


@app.command()
def backtest(
    replays: Annotated[
        list[Path] | None,
        typer.Argument(help="Replay files (scenarios with a backtest: section).", dir_okay=False),
    ] = None,
    run_all: Annotated[
        bool, typer.Option("--all", help=f"Every replay in {REPLAYS_FOLDER}/.")
    ] = False,
    replications: Annotated[
        int | None, typer.Option(help="Replications (default: each replay's own).", min=1)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Draw the model's band with history's points (SVG/PNG).")
    ] = None,
) -> None:
    """Compare historical replays with the bundled history, feature by feature.

    Each feature (monthly ratios of China's exports to the pre-control average,
    trough, recovery, price peak, who was short and when) shows history, the
    model's median and 90% band over replications, and hit or miss under the
    replay's tolerance.
    """
    from simulator.analysis.backtest import backtest as run_backtest
    from simulator.analysis.backtest_scores import episode_scores
    from simulator.io.history import load_history

    files = list(replays or [])
    if run_all:
        if not REPLAYS_FOLDER.is_dir():
            typer.echo(f"--all: no folder {REPLAYS_FOLDER} here; name the replay files", err=True)
            raise typer.Exit(EXIT_USAGE)
        files += sorted(REPLAYS_FOLDER.glob("*.yaml"))
    if not files:
        typer.echo("name one or more replay files, or --all", err=True)
        raise typer.Exit(EXIT_USAGE)
    for file in files:
        if not file.is_file():
            typer.echo(f"no such file: {file}", err=True)
            raise typer.Exit(EXIT_USAGE)
    history = load_history()
    results = [run_backtest(f, replications, history=history) for f in files]
    scores = episode_scores(results, history.calibration)
    if plot is not None:
        from simulator.analysis.backtest_plot import backtest_figure

        plot.parent.mkdir(parents=True, exist_ok=True)
        backtest_figure(results).savefig(plot)
    if as_json:
        payload = {
            "results": [r.as_dict() for r in results],
            "scores": [vars(s) for s in scores],
            "calibration": [vars(p) for p in history.calibration],
        }
        typer.echo(json.dumps(payload, indent=2, allow_nan=False, default=str))
        return
    console = stdout_console()
    for result in results:
        _print_result(console, result)
    _print_scores(console, scores, len(history.calibration))
    if plot is not None:
        console.print(f"figure written to {escape(str(plot))}", style="dim")


def _print_result(console: Console, result: BacktestResult) -> None:
    console.print(
        f"[bold]{escape(result.replay)}[/bold] against history [bold]{escape(result.episode)}"
        f"[/bold] — {result.replications} replications; tolerance ±{result.tolerance_ratio:g}"
        f" on ratios, ±{result.tolerance_months} month(s) on months; recovery at"
        f" {result.recovery_share:g} of pre-control"
    )
    table = Table(title_justify="left")
    for column in ("feature", "history", "model median [90% band]", "verdict"):
        table.add_column(column)
    for f in result.features:
        style = _STYLE[f.status.value]
        table.add_row(
            escape(f.name),
            escape(f.history_text),
            escape(f.model_text),
            f"[{style}]{f.status.value}[/{style}]",
        )
    console.print(table)
    if result.overrides:
        console.print("historical overrides of the dataset:")
        for o in result.overrides:
            target = " ".join(o.identity[1:])
            console.print(f"  {escape(target)} {escape(o.field)}: {escape(o.source)}")
    else:
        console.print("historical overrides of the dataset: none", style="dim")


def _print_scores(console: Console, scores: list[EpisodeScore], fitted: int) -> None:
    table = Table(title="scores (share of features reproduced)", title_justify="left")
    for column in (
        "episode",
        "features",
        "hit",
        "miss",
        "not modelled",
        "in sample",
        "leave one episode out",
        "note",
    ):
        table.add_column(column)
    for s in scores:
        loo = "—" if s.leave_one_out is None else f"{s.leave_one_out:.0%}"
        table.add_row(
            escape(s.episode),
            str(s.features),
            str(s.hits),
            str(s.misses),
            str(s.not_modelled),
            f"{s.in_sample:.0%}",
            loo,
            escape(s.note),
        )
    console.print(table)
    if not fitted:
        console.print(
            "No structural parameter is fitted to history (simulator/data/history/"
            "calibration.csv is empty): every episode is out of sample.",
            style="dim",
        )
