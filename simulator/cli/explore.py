"""``supplyshock explore RESULTS``: where a variant loses, which inputs drive it, how robust it is.

For each variant against its baseline (or ``--baseline``), per focus country
(or ``--country``) and commodity: the PRIM box of the futures in which it
does worse (or misses ``--target``), in words, with its coverage and density;
the inputs ranked by their PAWN index on the paired difference (``--plot``
draws the ranking); and per variant the share of futures meeting the target,
and maximum and 90th-percentile regret.  ``--json`` prints one object.

Exit codes: 0 ok; 2 a bad option; 3 not a readable results folder.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from simulator.cli import app, stdout_console
from simulator.cli.compare import ResultsArgument, results_errors

if TYPE_CHECKING:
    from rich.console import Console

    from simulator.analysis.explore import Exploration

__all__ = ["explore"]


@app.command()
def explore(
    results: ResultsArgument,
    variant: Annotated[
        list[str] | None, typer.Option("--variant", "-v", help="A variant to explore (repeat).")
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option("--baseline", "-b", help="Compare with this variant (default: each one's)."),
    ] = None,
    metric: Annotated[str, typer.Option("--metric", "-m", help="The outcome.")] = "shortfall",
    country: Annotated[
        list[str] | None,
        typer.Option("--country", "-c", help="A country (repeat; default: the focus countries)."),
    ] = None,
    commodity: Annotated[
        list[str] | None, typer.Option("--commodity", "-k", help="A commodity (repeat).")
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            "-t",
            help='A requirement such as "KOR.fill_rate>=0.99": futures missing it.',
        ),
    ] = None,
    plot: Annotated[
        Path | None, typer.Option(help="Write the sensitivity ranking of the first discovery.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Scenario discovery (PRIM), sensitivity (PAWN) and robustness (regret) of the variants."""
    from simulator.analysis.explore import explore_results
    from simulator.cli.compare import parse_targets

    parsed = parse_targets([target] if target else None)
    with results_errors():
        found = explore_results(
            results,
            variants=variant,
            baseline=baseline,
            metric=metric,
            countries=country,
            commodities=commodity,
            target=parsed[0] if parsed else None,
        )
    if plot is not None and found.discoveries:
        from simulator.analysis.sensitivity import plot_sensitivity

        first = found.discoveries[0]
        figure = plot_sensitivity(
            first.sensitivity,
            f"{first.variant} − {first.baseline}: {first.country} {first.commodity} {first.metric}",
        )
        figure.savefig(plot, dpi=120)
    if as_json:
        typer.echo(found.to_json())
        return
    print_exploration(stdout_console(160), found)


def print_exploration(console: Console, found: Exploration) -> None:
    """Boxes in words, the top of each sensitivity ranking, and the robustness table."""
    console.print(f"[bold]{escape(found.experiment)}[/bold] — where the variants lose")
    for d in found.discoveries:
        console.print(f"  • {escape(d.text)}", soft_wrap=True)
        if not d.sensitivity.empty:
            top = d.sensitivity.head(4)
            ranked = ", ".join(
                f"{escape(str(r.input))} {r.pawn_median:.2f}" for r in top.itertuples(index=False)
            )
            console.print(f"    drivers of the difference (PAWN): {ranked}", style="dim")
    if found.robustness.empty:
        return
    table = Table(title=f"robustness across futures ({escape(found.metric)})", title_justify="left")
    for column in (
        "country",
        "commodity",
        "variant",
        "futures",
        "mean",
        "satisficing",
        "share best",
        "max regret",
        "p90 regret",
    ):
        table.add_column(
            column, justify="left" if column in ("country", "commodity", "variant") else "right"
        )
    for r in found.robustness.to_dict("records"):
        met = float(r["satisficing"])
        table.add_row(
            str(r["country"]),
            str(r["commodity"]),
            str(r["variant"]),
            str(r["n"]),
            f"{float(r['mean']):.4g}",
            "—" if math.isnan(met) else f"{met:.0%}",
            f"{float(r['share_best']):.0%}",
            f"{float(r['max_regret']):.4g}",
            f"{float(r['p90_regret']):.4g}",
        )
    console.print(table)
