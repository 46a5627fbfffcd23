"""``supplyshock validate FILE...`` and ``supplyshock schema``.

``validate`` checks every file it is given and reports all problems of all of
them before exiting: ``OK`` lines go to stdout, issues
(``FILE:LINE:COL: path: message``) to stderr, and the exit code is 3 when any
file is invalid.  A file's kind is read from its top-level keys
(:func:`file_kind`): a scenario, or an experiment (a top-level ``scenario:``
key), each with its validator in :data:`VALIDATORS`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from simulator.cli import app, report_warnings, writable_file
from simulator.errors import InputError, Issue

if TYPE_CHECKING:
    from simulator.model.scenario import Scenario

__all__ = [
    "VALIDATORS",
    "file_kind",
    "schema",
    "validate",
    "validate_experiment_file",
    "validate_file",
    "validate_scenario_file",
]

SCENARIO = "scenario"
EXPERIMENT = "experiment"


def validate_scenario_file(path: Path) -> str:
    """Validate a scenario file; returns its one-line summary.

    Raises
    ------
    InputError
        Every problem of the file (and of the bases it extends).
    """
    from simulator.io.scenario_file import load_scenario
    from simulator.model.recipes import producer_recipes

    scenario = load_scenario(path)
    countries = len({node.country for node in scenario.network.nodes})
    links = len(scenario.network.links)
    shocks = len(scenario.shocks)
    summary = (
        f"{scenario.name}: {_count(countries, 'country', 'countries')},"
        f" {_count(links, 'link')}, {_count(shocks, 'shock')}{memory_note([scenario])}"
    )
    producers = len(producer_recipes(scenario))
    if producers:
        summary += (
            f", {_count(producers, 'producer')} with recipes (production limited by inputs;"
            " exposure: `supplyshock network --exposure`)"
        )
    return summary


LARGE_REPLICATION_BYTES = 256 * 2**20
"""From this estimated memory per replication on, ``validate`` reports it."""


def memory_note(scenarios: Sequence[Scenario]) -> str:
    """``; estimated memory …`` when a replication of any of ``scenarios`` needs much.

    Each worker of a batch holds one replication at a time, so the figure is
    per worker.
    """
    from simulator.model.limits import MAX_LEAD_TIME_DAYS
    from simulator.model.network import TradeNetwork

    networks = [(s, TradeNetwork.from_scenario(s)) for s in scenarios]
    # A generous bound first (calendars over two maximal lead times, 32 recorded
    # fields), so that small scenarios need not import the engine at all.
    bound = max(
        (
            sum(
                (2 * (s.horizon_days + 2 * MAX_LEAD_TIME_DAYS + 2) + 32 * s.horizon_days)
                * net.n_countries
                * 8
                for net in network
            )
            for s, network in networks
        ),
        default=0,
    )
    if bound < LARGE_REPLICATION_BYTES:
        return ""
    from simulator.engine.footprint import estimate_replication_bytes

    largest = max((estimate_replication_bytes(s, n) for s, n in networks), default=0)
    if largest < LARGE_REPLICATION_BYTES:
        return ""
    return f"; estimated memory {largest / 2**30:.2f} GiB per replication (per worker)"


def validate_experiment_file(path: Path) -> str:
    """Validate an experiment file and every variant it implies; returns a summary line.

    Raises
    ------
    InputError
        Every problem found, located in the experiment file or its base scenario.
    """
    from simulator.experiments.design import load_plan

    plan = load_plan(path)
    report_warnings(plan.warnings)
    n = len(plan.variants)
    return (
        f"{plan.name}: {n} variant{'s' if n != 1 else ''} × {plan.replications} replications,"
        f" seed {plan.seed}{memory_note([v.scenario for v in plan.variants[:50]])}"
    )


VALIDATORS: dict[str, Callable[[Path], str]] = {
    SCENARIO: validate_scenario_file,
    EXPERIMENT: validate_experiment_file,
}
"""Validator of each kind of file: takes the path, returns a one-line summary or
raises :class:`~simulator.errors.InputError`."""


def file_kind(data: Any) -> str:
    """The kind of a parsed file: ``"experiment"`` when it has a top-level ``scenario:`` key."""
    if isinstance(data, dict) and "scenario" in data:
        return EXPERIMENT
    return SCENARIO


def validate_file(path: Path) -> str:
    """Validate one file of any known kind; returns its summary line.

    Raises
    ------
    InputError
        The file is invalid.
    """
    from simulator.io.extends import EXTENDS_KEY, resolve_extends
    from simulator.io.yaml import read_yaml

    document = read_yaml(path)
    if isinstance(document.data, dict) and EXTENDS_KEY in document.data:
        document = resolve_extends(document)  # an experiment may extend another
    return VALIDATORS[file_kind(document.data)](path)


@app.command()
def validate(
    files: Annotated[
        list[Path], typer.Argument(help="Scenario or experiment YAML files.", show_default=False)
    ],
) -> None:
    """Check FILES; print OK per valid file and every problem as FILE:LINE:COL: path: message."""
    issues: list[Issue] = []
    for path in files:
        try:
            summary = validate_file(path)
        except InputError as error:
            issues.extend(error.issues)
            continue
        print(f"OK {path} ({summary})")
    if issues:
        raise InputError(issues)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the schema to this file.")
    ] = None,
    experiment: Annotated[
        bool, typer.Option("--experiment", help="The schema of experiment files instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of scenario (or experiment) files, for editors."""
    from simulator.experiments.schema import experiment_json_schema
    from simulator.model.schema import scenario_json_schema

    generated = experiment_json_schema() if experiment else scenario_json_schema()
    text = json.dumps(generated, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        writable_file(output, "--output").write_text(text, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
