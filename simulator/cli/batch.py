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

import json
import math
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from simulator.cli import (
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_USAGE,
    app,
    report_warnings,
    stdout_console,
)
from simulator.cli.compare import CountryOption, DetailOption
from simulator.cli.glossary import GLOSSARY_HELP

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


class _Bar:
    """A rich progress bar on stderr: replications done, rate and time left."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("replications"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.task: TaskID | None = None
        self.started_with = 0

    def start(self, total: int, done: int) -> None:
        self.progress.start()
        self.started_with = done
        self.task = self.progress.add_task("batch", total=total, completed=done, rate="")

    def advance(self, replications: int) -> None:
        if self.task is None:
            return
        self.progress.advance(self.task, replications)
        task = self.progress.tasks[0]
        elapsed = task.elapsed or 0.0
        ran = task.completed - self.started_with
        rate = f"{ran / elapsed:,.1f}/s" if elapsed > 0 and ran > 0 else ""
        self.progress.update(self.task, rate=rate)

    def stop(self) -> None:
        self.progress.stop()


def _usd(value: float) -> str:
    """USD in a few characters: ``5.53M``, ``12.3k``, ``1.2bn``."""
    size = abs(value)
    for limit, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.0f}"


def _cell(mean: float | None, low: float | None, high: float | None, fmt: str) -> str:
    """``mean ± half-width`` of the (symmetric) t-interval, or the mean alone."""
    if mean is None:
        return "—"
    show = _usd if fmt == "usd" else fmt.format
    text = show(mean)
    if low is not None and high is not None:
        text += f" ± {show((high - low) / 2)}"
    return text


def _table(rows: list[dict[str, Any]], title: str) -> Table:
    """Variants × countries (groups in bold), one column per summarised metric."""
    commodities = {row["commodity"] for row in rows}
    counts = {row["n"] for row in rows}
    notes = []
    if len(commodities) == 1:
        notes.append(next(iter(commodities)))
    if len(counts) == 1:
        notes.append(f"n = {next(iter(counts))}")
    if notes:
        title += f" ({', '.join(notes)})"
    table = Table(
        title=title,
        title_justify="left",
        caption="mean ± half-width of the 95% t-interval; P(short): share of replications"
        " with any shortfall",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
    )
    longest = max((len(row["variant"]) for row in rows), default=7)
    table.add_column("variant", overflow="fold", min_width=min(max(longest, 7), 32))
    table.add_column("country")
    if len(commodities) > 1:
        table.add_column("commodity")
    if len(counts) > 1:
        table.add_column("n", justify="right")
    columns = (
        ("shortfall", "shortfall", "{:,.1f}"),
        ("fill_rate", "fill rate", "{:.3f}"),
        ("economic_loss_usd", "loss USD", "usd"),
    )
    for _, header, _ in columns:
        table.add_column(header, justify="right")
    table.add_column("P(short)", justify="right")
    for row in rows:
        country = f"[bold]{row['country']}[/bold]" if row["group"] else row["country"]
        cells = [row["variant"], country]
        if len(commodities) > 1:
            cells.append(row["commodity"])
        if len(counts) > 1:
            cells.append(str(row["n"]))
        cells += [
            _cell(row[f"{m}_mean"], row[f"{m}_ci_low"], row[f"{m}_ci_high"], fmt)
            for m, _, fmt in columns
        ]
        table.add_row(*cells, f"{row['p_shortfall']:.2f}")
    return table


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


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
        int | None, typer.Option(help="Replications per variant (default: the file's).", min=1)
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes (default: the number of CPUs; 1 runs in this process).", min=1
        ),
    ] = None,
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
    from simulator.api import results_folder_name
    from simulator.experiments.design import load_plan
    from simulator.experiments.executors import make_backend
    from simulator.experiments.runner import run_batch
    from simulator.experiments.store import ResultsConflictError, load_results
    from simulator.experiments.summary import summarise

    every = parse_daily(daily)
    if dask is not None and dask != "local" and workers is not None:
        raise typer.BadParameter(
            "--workers sets the size of a local cluster only; a cluster at an address has its own",
            param_hint="--workers",
        )
    plan = load_plan(file, replications=replications)
    report_warnings(plan.warnings)
    folder = out if out is not None else _RESULTS / results_folder_name(plan.name)
    backend = make_backend(workers, dask)
    errors = Console(stderr=True)
    show = not quiet and errors.is_terminal
    bar = _Bar(errors) if show else None

    def log(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr)

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
    except ResultsConflictError as error:
        print(f"error: {error}", file=sys.stderr)
        raise typer.Exit(EXIT_INVALID) from None
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
        _, summary, _ = load_results(folder)
        rows = summarise(summary, [v.name for v in plan.variants])
        if country:
            rows = [row for row in rows if row["country"] in country]
    except FileNotFoundError:
        rows = []
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
        typer.echo(json.dumps(_json_safe(payload), indent=2, allow_nan=False))
    else:
        console = stdout_console(200)
        title = f"{plan.name}: {plan.replications} replications per variant, seed {plan.seed}"
        console.print(_table(rows, title))
        console.print(f"results: {folder}", style="dim")
        if compare and not result.failures and len(plan.variants) > 1:
            _print_comparison(console, folder, country, detail)
    if result.failures:
        _report_failures(result.failures, folder)
        raise typer.Exit(EXIT_FAILED)


def _print_comparison(
    console: Console, folder: Path, countries: list[str] | None, detail: bool
) -> None:
    """The paired comparison, as ``supplyshock compare`` prints it."""
    from simulator.analysis.compare import SelectionError, compare_results
    from simulator.analysis.headline import HEADLINE_METRIC, headline
    from simulator.cli.comparison_view import print_comparison

    try:
        report = compare_results(
            folder,
            metrics=None if detail else [HEADLINE_METRIC],
            countries=countries,
            bootstrap=detail,
        )
    except SelectionError as error:
        print(f"error: {error}", file=sys.stderr)
        raise typer.Exit(EXIT_USAGE) from None
    console.print()
    print_comparison(console, report, headline(report), detail=detail)


def _report_failures(failures: list[dict[str, Any]], folder: Path) -> None:
    """A short account of failed replications on stderr, with how to rerun one."""
    n = len(failures)
    print(
        f"{n} replication{'s' if n != 1 else ''} failed; all are listed in"
        f" {folder / 'failures.json'}:",
        file=sys.stderr,
    )
    for f in failures[:5]:
        message = str(f["message"]).splitlines()[0] if f["message"] else ""
        print(
            f"  variant {f['variant']}, replication {f['replication']} (seed {f['seed']}):"
            f" {f['error_type']}: {message}",
            file=sys.stderr,
        )
    if n > 5:
        print(f"  … and {n - 5} more", file=sys.stderr)
    print(
        "Reproduce one with the variant's resolved scenario (its overlay, sweep values and"
        " drawn uncertainties applied):",
        file=sys.stderr,
    )
    print(f"  {failures[0]['command']}", file=sys.stderr)
