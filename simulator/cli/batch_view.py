"""What ``supplyshock batch`` shows: its progress bar, its summary table, its failures.

The command (:mod:`simulator.cli.batch`) decides what to run and what to
print; these draw it.  The progress bar goes to stderr and only on a terminal
(``rich.progress`` is imported only then); the table to stdout, fitted to its
width (:mod:`simulator.cli.tables`); failed replications to stderr, with the
command that reruns one.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.analysis.quantities import format_mean_interval, format_share
from simulator.cli.tables import Column, fitted_table

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID

__all__ = ["ProgressBar", "print_summary", "report_failures"]


class ProgressBar:
    """A rich progress bar on stderr: replications done, rate and time left."""

    def __init__(self, console: Console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

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


_SUMMARY_COLUMNS = ("shortfall", "fill_rate", "economic_loss_usd")


def print_summary(
    console: Console, rows: list[dict[str, Any]], title: str, units: dict[str, str]
) -> None:
    """Variants × countries, one column per summarised metric, fitted to the width."""
    commodities = list(dict.fromkeys(row["commodity"] for row in rows))
    counts = {row["n"] for row in rows}
    notes = []
    if len(commodities) == 1:
        notes.append(commodities[0])
    if len(counts) == 1:
        notes.append(f"n = {next(iter(counts))}")
    if notes:
        title += f" ({', '.join(notes)})"
    unit = ", ".join(sorted({units.get(c, "units") for c in commodities}))
    columns = [
        Column("variant", numeric=False),
        Column("country", numeric=False),
        Column("commodity", numeric=False, drop=0 if len(commodities) > 1 else 9),
        Column("n", drop=0 if len(counts) > 1 else 9),
        Column(f"shortfall ({unit})"),
        Column("fill rate"),
        Column("loss"),
        Column("P(short)"),
    ]
    body = [
        [
            str(row["variant"]),
            str(row["country"]),
            str(row["commodity"]),
            str(row["n"]),
            *(
                format_mean_interval(
                    row[f"{m}_mean"], row[f"{m}_ci_low"], row[f"{m}_ci_high"], m, unit=False
                )
                for m in _SUMMARY_COLUMNS
            ),
            format_share(row["p_shortfall"]),
        ]
        for row in rows
    ]
    if len(commodities) == 1:
        columns = [c for c in columns if c.header != "commodity"]
        body = [r[:2] + r[3:] for r in body]
    if len(counts) == 1:
        k = [c.header for c in columns].index("n")
        columns.pop(k)
        body = [r[:k] + r[k + 1 :] for r in body]
    table, dropped = fitted_table(console, title, columns, body)
    console.print(table)
    console.print(
        "mean ± half-width of the 95% t-interval; P(short): share of replications with any"
        " shortfall" + (f"; left out to fit: {', '.join(dropped)}" if dropped else ""),
        style="dim",
    )


def report_failures(failures: list[dict[str, Any]], folder: Path) -> None:
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
