"""Writing a batch's results folder: chunks, failures with their reruns, the manifest.

:class:`ChunkWriter` turns each completed chunk into files in the order that
makes resuming safe: the chunk's failures (and the scenario of each failed
replication), then its daily rows, then its summary rows, whose file marks
the chunk done.  The parent process is the only writer; workers only return
rows.  :func:`build_manifest` records what ran and with what.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import platform
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pyarrow as pa
from ruamel.yaml import YAML

from simulator.experiments.executors import Backend
from simulator.experiments.integrity import ChunkJournal
from simulator.experiments.plan import Plan, Variant, validate_scenario_data
from simulator.experiments.shared import SharedScenario
from simulator.experiments.store import (
    ResultsLayout,
    write_json_atomic,
    write_table_atomic,
    write_text_atomic,
)
from simulator.experiments.table_schemas import daily_schema, summary_schema
from simulator.experiments.tasks import ChunkResult, ChunkTask, Failure
from simulator.io.arrow import array
from simulator.io.paths import set_path
from simulator.io.resolved import dump_scenario_yaml
from simulator.model.scenario import Scenario

__all__ = [
    "MANIFEST_FORMAT",
    "Chunk",
    "ChunkWriter",
    "LostChunk",
    "build_manifest",
    "chunk_replications",
    "count_chunks",
    "load_failures",
    "now_utc",
    "param_type",
    "versions",
]

MANIFEST_FORMAT = 1
"""Version of the manifest's layout."""

Chunk = tuple[Variant, int, int]
"""A chunk: the variant and its first and last (included) replications."""

LostChunk = tuple[Variant, int, int, BaseException, int]
"""A chunk lost for good: the chunk, the last error and how many times it was tried."""


def versions() -> dict[str, str]:
    """Versions of supplyshock, Python and the libraries that shape the results."""
    import simulator

    out: dict[str, str] = {}
    own = getattr(simulator, "__version__", None)
    if own is None:
        try:
            own = metadata.version("supplyshock")
        except metadata.PackageNotFoundError:
            own = "unknown"
    out["supplyshock"] = str(own)
    out["python"] = platform.python_version()
    for package in ("numpy", "scipy", "simpy", "networkx", "pyarrow", "pandas", "pydantic"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "unknown"
    return out


def now_utc() -> str:
    """The current time, UTC, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def param_type(values: list[Any]) -> pa.DataType:
    """The Arrow type of a ``param.<path>`` column holding ``values`` (one per variant)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pa.bool_()
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pa.float64()
    return pa.string()


def _param_value(value: Any, typ: pa.DataType) -> Any:
    if value is None or typ != pa.string() or isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def _yaml_text(data: dict[str, Any]) -> str:
    """Scenario data as YAML, valid or not (a failed draw may make it invalid)."""
    if not validate_scenario_data(data):
        return dump_scenario_yaml(Scenario.model_validate(data))
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    stream = io.StringIO()
    yaml.dump(data, stream)
    return "# Scenario of a failed replication (drawn values set); it does not validate.\n" + (
        stream.getvalue()
    )


@dataclass
class ChunkWriter:
    """Writes the chunks of one batch and keeps its failures and compute time."""

    plan: Plan
    layout: ResultsLayout
    daily_every: int | None
    param_types: dict[str, pa.DataType]
    journal: ChunkJournal
    failures: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    compute_seconds: float = 0.0
    compute_cpu_seconds: float = 0.0
    chunk_cpu_seconds: float = 0.0
    shared: dict[str, SharedScenario] = field(default_factory=dict, repr=False)
    """Each variant's scenario, pickled and hashed once for all its chunks."""

    def task(self, variant: Variant, first: int, last: int) -> ChunkTask:
        """The work unit of replications ``first … last`` of ``variant``."""
        shared = self.shared.get(variant.name)
        if shared is None:
            shared = self.shared[variant.name] = SharedScenario(variant.scenario)
        return ChunkTask(
            variant.name,
            shared,
            variant.data if self.plan.uncertainties or variant.data_paths else {},
            self.plan.uncertainties,
            self.plan.seed,
            first,
            last,
            self.daily_every,
            variant.data_paths,
            self.plan.data_design.rows(first, last) if variant.data_paths else (),
        )

    def repro(self, failure: Failure) -> dict[str, Any]:
        """The failure with the file and command that rerun it."""
        variant = self.plan.variant(failure.variant)
        if failure.values:
            data = variant.data
            for path, value in failure.values.items():
                data = set_path(data, path, value)
            file = self.layout.failed_scenario(variant.name, failure.replication)
            write_text_atomic(file, _yaml_text(data))
        else:
            file = self.layout.scenario(variant.name)
        entry = failure.to_dict()
        entry["scenario_file"] = file.relative_to(self.layout.out).as_posix()
        entry["command"] = (
            f"supplyshock run {file} --seed {failure.seed} --replication {failure.replication}"
        )
        return entry

    def record_lost(self, lost: list[LostChunk]) -> None:
        """Record every replication of chunks lost for good (their workers kept dying).

        No file marks them done, so the next run of the same command retries them.
        """
        layout = self.layout
        for variant, first, last, error, tries in lost:
            for r in range(first, last + 1):
                failure = Failure(
                    variant.name,
                    r,
                    self.plan.seed,
                    type(error).__name__,
                    f"the chunk {first}-{last} was lost {tries} times (worker died): {error}",
                )
                self.failures[(variant.name, r)] = {
                    **failure.to_dict(),
                    "scenario_file": layout.scenario(variant.name)
                    .relative_to(layout.out)
                    .as_posix(),
                    "command": f"supplyshock batch {self.plan.source} --out {layout.out}",
                }

    def sorted_failures(self) -> list[dict[str, Any]]:
        """Every failure recorded, by variant (plan order) then replication."""
        order = {v.name: i for i, v in enumerate(self.plan.variants)}
        return sorted(self.failures.values(), key=lambda f: (order[f["variant"]], f["replication"]))

    def write(self, result: ChunkResult) -> None:
        """Write a completed chunk: failures, then daily rows, then the summary (last)."""
        plan, layout = self.plan, self.layout
        variant = plan.variant(result.variant)
        first, last = result.first, result.last
        if result.failures:
            entries = [self.repro(f) for f in result.failures]
            write_json_atomic(layout.chunk_failures(variant.name, first, last), entries)
            for entry in entries:
                self.failures[(entry["variant"], entry["replication"])] = entry
        if result.daily is not None:
            table = _with_constants(result.daily, daily_schema(), plan.name, variant.name, {})
            write_table_atomic(layout.daily(variant.name, first, last), table)
            self.journal.record(layout.daily(variant.name, first, last), table.num_rows)
        schema = summary_schema(self.param_types, plan.uncertain_columns)
        params = {
            f"param.{p}": _param_value(variant.params.get(p), t)
            for p, t in self.param_types.items()
        }
        table = _with_constants(result.summary, schema, plan.name, variant.name, params)
        write_table_atomic(layout.summary(variant.name, first, last), table)
        # Recorded once in place: a crash before this line leaves it unrecorded, so redone.
        self.journal.record(layout.summary(variant.name, first, last), table.num_rows)
        self.compute_seconds += result.compute_seconds
        self.compute_cpu_seconds += result.compute_cpu_seconds
        self.chunk_cpu_seconds += result.cpu_seconds


def _with_constants(
    rows: pa.Table, schema: pa.Schema, experiment: str, variant: str, params: dict[str, Any]
) -> pa.Table:
    """``rows`` with the chunk's constant columns, in ``schema``'s order."""
    n = rows.num_rows
    columns: list[pa.Array | pa.ChunkedArray] = []
    for f in schema:
        if f.name == "experiment":
            columns.append(array([experiment] * n, f.type))
        elif f.name == "variant":
            columns.append(array([variant] * n, f.type))
        elif f.name in params:
            columns.append(array([params[f.name]] * n, f.type))
        else:
            columns.append(rows.column(f.name).cast(f.type))
    return pa.Table.from_arrays(columns, schema=schema)


def build_manifest(
    plan: Plan,
    layout: ResultsLayout,
    fingerprint: str,
    chunk_size: int,
    daily_every: int | None,
    backend: Backend,
    param_types: dict[str, pa.DataType],
) -> dict[str, Any]:
    """The manifest of a batch, before its times, status and counts are added."""
    return {
        "format": MANIFEST_FORMAT,
        "name": plan.name,
        "description": plan.description,
        "kind": plan.kind,
        "source": plan.source,
        "experiment": plan.experiment,
        "fingerprint": fingerprint,
        "seed": plan.seed,
        "replications": plan.replications,
        "baseline": plan.baseline,
        "variants": [v.name for v in plan.variants],
        "variant_specs": {
            v.name: {
                "variant": v.named,
                "point": v.point,
                "baseline": v.baseline,
                "overlay": v.overlay,
                "params": v.params,
                "scenario_file": layout.scenario(v.name).relative_to(layout.out).as_posix(),
            }
            for v in plan.variants
        },
        "sweep_parameters": list(plan.parameters),
        "uncertainties": [u.path for u in plan.uncertainties],
        "data_uncertainty": plan.data_design.identity(),
        "columns": {
            "summary": summary_schema(param_types, plan.uncertain_columns).names,
            "daily": daily_schema().names if daily_every is not None else None,
        },
        "chunk_size": chunk_size,
        "daily_every": daily_every,
        "executor": backend.description,
        "versions": versions(),
        "scenarios": {v.name: v.data for v in plan.variants},
    }


def load_failures(run: ChunkWriter, done: list[Chunk]) -> None:
    """Load the recorded failures of the chunks written before."""
    for variant, first, last in done:
        path = run.layout.chunk_failures(variant.name, first, last)
        if path.exists():
            for entry in json.loads(path.read_text(encoding="utf-8")):
                run.failures[(entry["variant"], entry["replication"])] = entry


def count_chunks(
    run: ChunkWriter,
    chunks: list[Chunk],
    lost: list[LostChunk],
) -> dict[str, dict[str, int]]:
    """Chunks and replications: total, done (written) and failed (raised or lost)."""
    layout = run.layout
    written = [c for c in chunks if layout.summary(c[0].name, c[1], c[2]).exists()]
    failed_in_written = sum(
        1
        for v, first, last in written
        for r in range(first, last + 1)
        if (v.name, r) in run.failures
    )
    lost_replications = chunk_replications([(v, f, la) for v, f, la, _, _ in lost])
    return {
        "chunks": {"total": len(chunks), "done": len(written), "failed": len(lost)},
        "replications": {
            "total": chunk_replications(chunks),
            "done": chunk_replications(written) - failed_in_written,
            "failed": failed_in_written + lost_replications,
        },
    }


def chunk_replications(chunks: list[Chunk]) -> int:
    """How many replications ``chunks`` hold."""
    return sum(last - first + 1 for _, first, last in chunks)
