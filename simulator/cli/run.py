"""``supplyshock run SCENARIO``: one seeded replication and its resilience metrics."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from simulator.cli import app, stdout_console

__all__ = ["run"]

_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("shortfall", "shortfall", "{:,.4g}"),
    ("fill_rate", "fill", "{:.3f}"),
    ("tts_days", "TTS", "{:.0f}"),
    ("ttr_days", "TTR", "{:.0f}"),
    ("shortage_days", "short", "{:.0f}"),
    ("economic_loss_usd", "loss $", "{:,.3g}"),
    ("min_coverage_days", "min cov", "{:.1f}"),
    ("stockpile_cost_usd", "cost $", "{:,.3g}"),
    ("released", "released", "{:,.4g}"),
    ("transfers_in", "in", "{:,.4g}"),
    ("transfers_out", "out", "{:,.4g}"),
)
_LEGEND = (
    "shortfall and policy flows in the commodity's unit; TTS/TTR: days to the first shortfall /"
    " to recovery after the shock (— none); short: days with shortfall; min cov: lowest"
    " inventory in days of demand; cost $: carrying cost of reserves; in/out: mutual transfers."
)


def _cell(value: Any, fmt: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and math.isnan(value):
        return "—"
    return fmt.format(value)


@app.command()
def run(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario YAML file.", exists=True, dir_okay=False)
    ],
    seed: Annotated[
        int | None, typer.Option(help="Root seed (default: the scenario's).", min=0)
    ] = None,
    replication: Annotated[int, typer.Option(help="Replication index r.", min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    daily: Annotated[
        Path | None, typer.Option(help="Write the daily records to this Parquet file.")
    ] = None,
) -> None:
    """Simulate one replication of SCENARIO and print its resilience metrics."""
    from simulator.analysis.daily import daily_table
    from simulator.analysis.metrics import METRICS, metrics_table
    from simulator.engine import simulate
    from simulator.io.parquet import write_parquet_atomic
    from simulator.io.scenario_file import load_scenario

    spec = load_scenario(scenario, for_run=True)
    result = simulate(spec, replication, seed=seed)
    rows = metrics_table(result, spec)
    if daily is not None:
        write_parquet_atomic(daily_table(result, groups=spec.coalitions), daily)
    if as_json:
        payload = {
            "scenario": spec.name,
            "seed": result.seed,
            "replication": result.replication,
            "metrics": [
                {k: row[k] for k in ("country", "commodity", "group", *METRICS)} for row in rows
            ],
        }
        typer.echo(json.dumps(payload, indent=2, allow_nan=False))
        return
    console = stdout_console(120)
    console.print(
        f"[bold]{escape(spec.name)}[/bold] — seed {result.seed}, replication"
        f" {result.replication}, {spec.horizon_days} days"
    )
    if spec.description:
        console.print(escape(" ".join(spec.description.split())), style="dim")
    for commodity in dict.fromkeys(row["commodity"] for row in rows):
        table = Table(title=escape(commodity), title_justify="left")
        table.add_column("country")
        for _, header, _ in _COLUMNS:
            table.add_column(header, justify="right")
        for row in rows:
            if row["commodity"] != commodity:
                continue
            name = escape(row["country"])
            table.add_row(
                f"[bold]{name}[/bold]" if row["group"] else name,
                *(_cell(row[k], f) for k, _, f in _COLUMNS),
            )
        console.print(table)
    console.print(_LEGEND, style="dim")
