"""``supplyshock report RESULTS -o report.html``: one self-contained HTML report.

The page embeds its figures (inline SVG, or PNG data URIs with ``--images
png``) and its CSS, loads nothing from anywhere and needs no JavaScript, so it
can be mailed or archived as one file.  It is written atomically; the path
written goes to stdout.

Exit codes: 0 ok; 2 a bad option (unknown baseline, metric or country, or a
``--target`` that does not parse); 3 not a readable results folder.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from simulator.cli import app, working, writable_file
from simulator.cli.compare import (
    AllowIncompleteOption,
    BaselineOption,
    CountryOption,
    MetricOption,
    ResamplesOption,
    ResultsArgument,
    TargetOption,
    open_folder,
    parse_targets,
    results_errors,
)
from simulator.cli.glossary import GLOSSARY_HELP

__all__ = ["Images", "report"]


class Images(enum.StrEnum):
    """How figures are embedded."""

    SVG = "svg"
    PNG = "png"


@app.command(epilog=GLOSSARY_HELP)
def report(
    results: ResultsArgument,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="HTML file to write (default RESULTS/report.html).",
        ),
    ] = None,
    baseline: BaselineOption = None,
    metric: MetricOption = None,
    country: CountryOption = None,
    target: TargetOption = None,
    images: Annotated[
        Images, typer.Option(help="Embed figures as inline SVG or as PNG data URIs.")
    ] = Images.SVG,
    resamples: ResamplesOption = 2000,
    figures: Annotated[
        Path | None,
        typer.Option(file_okay=False, help="Also write every figure here as SVG and PNG."),
    ] = None,
    allow_incomplete: AllowIncompleteOption = False,
) -> None:
    """Write a self-contained HTML report of a results folder."""
    from simulator.analysis.report import write_report

    targets = parse_targets(target)
    folder = open_folder(results, allow_incomplete)
    path = writable_file(
        output if output is not None else results / "report.html", "--output", create_folder=True
    )
    with results_errors(), working(f"writing the report of {results} …"):
        written = write_report(
            folder,
            path,
            baseline,
            metric,
            country,
            targets=targets,
            image_format="png" if images is Images.PNG else "svg",
            n_resamples=resamples,
            figures_dir=figures,
        )
    typer.echo(str(written))
