"""``supplyshock batch FILE``: every replication of a scenario or an experiment, to Parquet.

Reads an experiment (variants × sweep points × replications) or a plain
scenario (its ``replications``, one variant ``base``), runs the chunks not yet
in the results folder on the chosen executor, and prints per variant the mean
and 95 % interval of shortfall, fill rate and economic loss, with the share of
replications with any shortfall.  Progress goes to stderr (only on a
terminal), the table or ``--json`` to stdout.

Exit codes: 0 every replication ran; 1 some replications failed (each is in
``OUT/failures.json`` with the command that reproduces it); 3 the file is
invalid or ``OUT`` holds another experiment's results; 130 interrupted (run
the same command again to resume).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from simulator.cli import (
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_USAGE,
    app,
    json_text,
    report_warnings,
    stdout_console,
)
from simulator.cli.batch_view import ProgressBar, print_summary, report_failures
from simulator.cli.compare import CountryOption, DetailOption
from simulator.cli.glossary import GLOSSARY_HELP
from simulator.model.limits import MAX_REPLICATIONS

__all__ = ["EXIT_INTERRUPTED", "batch", "parse_daily"]

EXIT_INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT)."""

_RESULTS = Path("results")


def parse_daily(value: str | None) -> int | None:
    """``every=K`` → ``K`` (None when not given).

    Raises
    ------
    typer.BadParameter
        Anything but ``every=K`` with an integer ``K >= 1``.
    """
    if value is None:
        return None
    match = re.fullmatch(r"\s*every\s*=\s*(\d+)\s*", value)
    if match is None or int(match.group(1)) < 1:
        raise typer.BadParameter(f"expected every=K with an integer K >= 1, found {value!r}")
    return int(match.group(1))


@app.command(epilog=GLOSSARY_HELP)
def batch(
    file: Annotated[
        Path,
        typer.Argument(help="Experiment or scenario YAML file.", exists=True, dir_okay=False),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Results folder (default: results/NAME).")
    ] = None,
    replications: Annotated[
        int | None,
        typer.Option(
            help="Replications per variant (default: the file's).", min=1, max=MAX_REPLICATIONS
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes (default: the number of CPUs; 1 runs in this process;"
            " at most the number of CPUs unless --force).",
            min=1,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Allow more --workers than CPU cores.")
    ] = False,
    dask: Annotated[
        str | None,
        typer.Option(
            help="Run on a Dask cluster: a scheduler ADDRESS, or 'local' for a local cluster"
            " of --workers (default 2) processes.",
            metavar="ADDRESS|local",
        ),
    ] = None,
    daily: Annotated[
        str | None,
        typer.Option(help="Also write daily records of every K-th day.", metavar="every=K"),
    ] = None,
    chunk_size: Annotated[
        int | None,
        typer.Option(help="Replications per chunk file (default 50, or the folder's).", min=1),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Clear a results folder of another experiment.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar or messages.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare", help="Then print the comparison's headline, as `supplyshock compare`."
        ),
    ] = False,
    detail: DetailOption = False,
    country: CountryOption = None,
) -> None:
    """Run every replication of FILE (variants × sweep points) and store them as Parquet."""
    from simulator.cli.collector import startup

    with startup() as started:  # the collector paused while the command starts
        from simulator.experiments.executors import (
            ExecutorUnavailableError,
            available_cores,
            make_backend,
        )

        every = parse_daily(daily)
        cores = available_cores()
        if workers is not None and workers > cores and not force:
            raise typer.BadParameter(
                f"expected at most {cores} (the CPU cores available), found {workers};"
                " add --force to run more workers than cores",
                param_hint="--workers",
            )
        if dask is not None and dask != "local" and workers is not None:
            raise typer.BadParameter(
                "--workers sets the size of a local cluster only;"
                " a cluster at an address has its own",
                param_hint="--workers",
            )
        backend = make_backend(workers, dask)
        backend.start()  # a pool's fork server imports the simulator while this process does
        from simulator.analysis.headline import default_focus
        from simulator.api import results_folder_name
        from simulator.experiments.design import load_plan
        from simulator.experiments.integrity import FolderBusyError
        from simulator.experiments.runner import run_batch
        from simulator.experiments.store import ResultsConflictError
        from simulator.experiments.summary import summarise_results

        plan = load_plan(file, replications=replications)
        report_warnings(plan.warnings)
        folder = out if out is not None else _RESULTS / results_folder_name(plan.name)
        errors = Console(stderr=True)
        show = not quiet and errors.is_terminal
        bar = ProgressBar(errors) if show else None

        def log(message: str) -> None:
            if not quiet:
                print(message, file=sys.stderr)

        started()  # the objects of the start-up live as long as the command
        try:
            result = run_batch(
                plan,
                folder,
                backend=backend,
                daily_every=every,
                overwrite=overwrite,
                chunk_size=chunk_size,
                progress=bar,
                log=log,
            )
        except (ResultsConflictError, FolderBusyError) as error:
            print(f"error: {error}", file=sys.stderr)
            raise typer.Exit(EXIT_INVALID) from None
        except ExecutorUnavailableError as error:
            print(f"error: --dask: {error}", file=sys.stderr)
            raise typer.Exit(EXIT_USAGE) from None
        except OSError as error:
            reason = error.strerror or str(error)
            where = f" ({error.filename})" if error.filename else ""
            print(
                f"error: cannot write the results: {reason}{where}. The chunks written so far are"
                f" kept in {folder}; free space (or fix the folder) and run the same command again"
                " to resume",
                file=sys.stderr,
            )
            raise typer.Exit(EXIT_FAILED) from None
        except KeyboardInterrupt:
            print(
                f"\ninterrupted: the chunks written so far are kept in {folder};"
                " run the same command again to resume",
                file=sys.stderr,
            )
            raise typer.Exit(EXIT_INTERRUPTED) from None
        finally:
            if bar is not None:
                bar.stop()

        try:
            rows = summarise_results(folder, [v.name for v in plan.variants])
            present = list(dict.fromkeys(str(row["country"]) for row in rows))
            shown = country or default_focus(plan.variants[0].data, present)
            shown_only = [] if country or as_json else shown
            if country or not as_json:
                rows = [row for row in rows if row["country"] in shown]
        except FileNotFoundError:
            rows, shown_only = [], []
        failed: dict[str, int] = {}
        for f in result.failures:
            failed[f["variant"]] = failed.get(f["variant"], 0) + 1
        if as_json:
            payload = {
                "experiment": plan.name,
                "out": str(folder),
                "variants": [
                    {
                        "name": v.name,
                        "variant": v.named,
                        "point": v.point,
                        "baseline": v.baseline,
                        "params": v.params,
                        "replications": plan.replications - failed.get(v.name, 0),
                        "failed": failed.get(v.name, 0),
                    }
                    for v in plan.variants
                ],
                "summary": rows,
                "failures": result.failures,
            }
            typer.echo(json_text(payload))
        else:
            console = stdout_console()
            title = f"{plan.name}: {plan.replications} replications per variant, seed {plan.seed}"
            first = plan.variants[0].scenario
            units = {name: c.unit for name, c in first.commodities.items()}
            print_summary(console, rows, title, units)
            if shown_only:
                listed = escape(", ".join(shown_only))
                console.print(f"rows for {listed} (--country for others)", style="dim")
            console.print(f"results: {escape(str(folder))}", style="dim")
            if compare and not result.failures and len(plan.variants) > 1:
                _print_comparison(console, folder, country, detail)
        if result.failures:
            report_failures(result.failures, folder)
            raise typer.Exit(EXIT_FAILED)


def _print_comparison(
    console: Console, folder: Path, countries: list[str] | None, detail: bool
) -> None:
    """The paired comparison, as ``supplyshock compare`` prints it."""
    from simulator.analysis.compare import SelectionError, compare_results
    from simulator.analysis.headline import HEADLINE_METRIC, headline
    from simulator.analysis.results import open_results
    from simulator.analysis.verdict import headline_verdict, with_verdicts
    from simulator.cli.comparison_view import print_comparison

    results = open_results(folder)
    try:
        report = compare_results(
            results,
            metrics=None if detail else [HEADLINE_METRIC],
            countries=countries,
            bootstrap=detail,
        )
    except SelectionError as error:
        print(f"error: {error}", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE) from None
    console.print()
    verdicts = headline_verdict(results, report, countries=countries, sensitivity=False)
    print_comparison(console, report, with_verdicts(headline(report), verdicts), detail=detail)
