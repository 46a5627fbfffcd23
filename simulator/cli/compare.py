"""``supplyshock compare RESULTS``: paired differences of variants with confidence intervals.

Prints the headline first: per focus country (coalition members and the
control's named targets; ``--country`` to choose) and commodity, one sentence
per variant with the effect against the baseline, its interval and the shares
of replications better, equal and worse; a ``--target``'s answer before them.
With ``--detail``, then every table: each metric's mean, the mean paired
difference with its paired-t, BCa bootstrap and Bonferroni-adjusted intervals,
CVaR95 for losses, time to survive and to recover as censored event times, the
probability of each variant being best, the sweep tables and the targets.
``--json`` prints one object instead.

Exit codes: 0 ok; 2 a bad option (unknown baseline, metric, country,
commodity, or a ``--target`` that does not parse); 3 not a readable results
folder.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from simulator.cli import EXIT_INVALID, EXIT_USAGE, app, stdout_console, working
from simulator.cli.glossary import GLOSSARY_HELP, METRIC_NAMES, TARGET_GRAMMAR
from simulator.model.limits import MAX_BOOTSTRAP_RESAMPLES

if TYPE_CHECKING:
    from simulator.analysis.results import ResultsFolder
    from simulator.analysis.sweep import Target

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
    typer.Option(
        "--baseline",
        "-b",
        help="Compare every variant with this one (default: the manifest's baseline).",
    ),
]
MetricOption = Annotated[
    list[str] | None,
    typer.Option(
        "--metric",
        "-m",
        help="A metric (repeat; the first is the headline's; default: the main ones):"
        f" {METRIC_NAMES}.",
    ),
]
CountryOption = Annotated[
    list[str] | None,
    typer.Option(
        "--country",
        "-c",
        help="A country or coalition (repeat; default: the coalitions' members and the control's"
        " named targets, not the exporter).",
    ),
]
CommodityOption = Annotated[
    list[str] | None,
    typer.Option("--commodity", "-k", help="A commodity (repeat; default: all)."),
]
TargetOption = Annotated[
    list[str] | None,
    typer.Option("--target", "-t", help=TARGET_GRAMMAR),
]
DetailOption = Annotated[
    bool,
    typer.Option("--detail", "-d", help="After the headline, print every table."),
]
ResamplesOption = Annotated[
    int,
    typer.Option(
        "--resamples",
        min=100,
        max=MAX_BOOTSTRAP_RESAMPLES,
        help="Bootstrap resamples (BCa and P(best)).",
    ),
]
AllowIncompleteOption = Annotated[
    bool,
    typer.Option(
        "--allow-incomplete",
        help="Use results that are not complete (interrupted or failed batch, missing"
        " replications or chunks); what is missing is printed.",
    ),
]


def open_folder(results: Path, allow_incomplete: bool) -> ResultsFolder:
    """Open a results folder; incomplete results are refused (exit 3) unless allowed,
    and then each problem is printed to stderr as a warning."""
    from simulator.analysis.results import ResultsError, open_results

    try:
        folder = open_results(results, allow_incomplete=allow_incomplete)
    except ResultsError as error:
        raise fail(str(error), EXIT_INVALID) from None
    for problem in folder.problems:
        print(f"warning: incomplete results: {problem}", file=sys.stderr)
    return folder


def parse_targets(texts: Sequence[str] | None) -> list[Target]:
    """Parse every ``--target``; a syntax error is a usage error naming the option."""
    from simulator.analysis.sweep import TargetSyntaxError, parse_target

    try:
        return [parse_target(t) for t in texts or ()]
    except TargetSyntaxError as error:
        raise typer.BadParameter(str(error), param_hint="'--target'") from None


@contextlib.contextmanager
def results_errors() -> Iterator[None]:
    """Results that cannot be used exit 3, a selection that names nothing in them exits 2.

    The block's :class:`~simulator.analysis.results.ResultsError` and
    :class:`~simulator.analysis.sweep.SelectionError` are printed to stderr as
    ``error: ...`` and become :class:`typer.Exit` with those codes.
    """
    from simulator.analysis.results import ResultsError
    from simulator.analysis.sweep import SelectionError

    try:
        yield
    except ResultsError as error:
        raise fail(str(error), EXIT_INVALID) from None
    except SelectionError as error:
        raise fail(str(error), EXIT_USAGE) from None


def fail(message: str, code: int) -> typer.Exit:
    """Print ``message`` to stderr; return the exit to raise."""
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(code)


@app.command(epilog=GLOSSARY_HELP)
def compare(
    results: ResultsArgument,
    baseline: BaselineOption = None,
    metric: MetricOption = None,
    country: CountryOption = None,
    commodity: CommodityOption = None,
    target: TargetOption = None,
    detail: DetailOption = False,
    confidence: Annotated[
        float, typer.Option(min=0.5, max=0.999, help="Level of every interval.")
    ] = 0.95,
    resamples: ResamplesOption = 2000,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    allow_incomplete: AllowIncompleteOption = False,
) -> None:
    """Compare the variants of RESULTS, paired on replication: the headline, then every table."""
    from simulator.analysis.compare import compare_results
    from simulator.analysis.headline import HEADLINE_METRIC, headline
    from simulator.analysis.verdict import headline_verdict, with_verdicts
    from simulator.cli.comparison_view import print_comparison

    targets = parse_targets(target)
    everything = detail or as_json
    # The headline alone needs one metric and no bootstrap: a fraction of the work.
    chosen = metric if everything or not metric else metric[:1]
    folder = open_folder(results, allow_incomplete)
    with results_errors(), working(f"comparing the variants of {results} …"):
        report = compare_results(
            folder,
            baseline,
            chosen if chosen else (None if everything else [HEADLINE_METRIC]),
            country,
            commodities=commodity,
            targets=targets,
            confidence=confidence,
            n_resamples=resamples,
            bootstrap=everything,
        )
    verdicts = headline_verdict(
        folder, report, metric[0] if metric else None, country, sensitivity=as_json
    )
    summary = with_verdicts(headline(report, metric[0] if metric else None), verdicts)
    if as_json:
        payload = {"verdict": [v.to_dict() for v in verdicts], **report.to_dict()}
        payload["headline"] = summary.to_dict()
        typer.echo(json.dumps(payload, indent=2, allow_nan=False))
        return
    print_comparison(stdout_console(), report, summary, detail=detail)
