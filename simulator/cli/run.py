"""``supplyshock run SCENARIO``: one seeded replication and its resilience metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from simulator.analysis.quantities import format_cell
from simulator.cli import app, json_text, stdout_console, writable_file
from simulator.cli.glossary import GLOSSARY_HELP
from simulator.cli.tables import Column, fitted_table

__all__ = ["run"]

_COLUMNS: tuple[tuple[str, str, int], ...] = (
    # metric, header, how soon the column is dropped to fit the width (0: never)
    ("shortfall", "shortfall", 0),
    ("fill_rate", "fill", 0),
    ("tts_days", "TTS", 0),
    ("ttr_days", "TTR", 0),
    ("shortage_days", "short", 3),
    ("economic_loss_usd", "loss", 0),
    ("peak_price_ratio", "price", 2),
    ("min_coverage_days", "min cov", 4),
    ("stockpile_cost_usd", "cost", 2),
    ("released", "released", 1),
    ("transfers_in", "in", 5),
    ("transfers_out", "out", 5),
)
_LEGEND = (
    "shortfall and policy flows in {unit}; TTS/TTR: days to the first shortfall / to recovery"
    " after the shock (— none; no TTR without a shortfall); short: days with shortfall; min"
    " cov: lowest inventory in days of demand; cost: committed cost of reserves; in/out: mutual"
    " transfers; price: the peak world price over its baseline."
)


def _cell(row: dict[str, Any], metric: str) -> str:
    if metric == "ttr_days" and row.get("tts_days") is None:
        return "—"  # no shortfall: nothing to recover from
    return format_cell(row[metric], metric)


@app.command(epilog=GLOSSARY_HELP)
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

    if daily is not None:
        writable_file(daily, "--daily")
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
        typer.echo(json_text(payload))
        return
    console = stdout_console()
    console.print(
        f"[bold]{escape(spec.name)}[/bold] — seed {result.seed}, replication"
        f" {result.replication}, {spec.horizon_days} days"
    )
    if spec.description:
        console.print(escape(" ".join(spec.description.split())), style="dim")
    for commodity in dict.fromkeys(row["commodity"] for row in rows):
        columns = [Column("country", numeric=False)]
        columns += [Column(header, drop=drop) for _, header, drop in _COLUMNS]
        body = [
            [str(row["country"]), *(_cell(row, k) for k, _, _ in _COLUMNS)]
            for row in rows
            if row["commodity"] == commodity
        ]
        table, dropped = fitted_table(console, commodity, columns, body)
        console.print(table)
        if dropped:
            console.print(f"(left out to fit: {', '.join(dropped)}; see --json)", style="dim")
    units = sorted({spec.commodities[c].unit for c in spec.commodities})
    console.print(escape(_LEGEND.format(unit=", ".join(units))), style="dim")
