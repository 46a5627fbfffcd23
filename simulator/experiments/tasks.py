"""One unit of work: a chunk of replications of one variant, run wherever a worker is.

:func:`run_chunk` is what executors run.  It is a module-level function of
picklable arguments, so it runs the same in this process, in a process pool
or on a Dask worker.  It returns the chunk's rows as Arrow tables; the parent
process adds the columns that are the same for the whole chunk and writes.

A replication that raises (an invalid drawn value, an engine error) is
recorded as a :class:`Failure` and the chunk goes on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
from pydantic import ValidationError

from simulator.analysis.metric_columns import NULLABLE_METRICS, MetricColumns, metric_columns
from simulator.engine.footprint import estimate_replication_bytes
from simulator.engine.records import RunResult
from simulator.engine.simulation import simulate
from simulator.errors import InputError
from simulator.experiments.allocator import keep_freed_memory, permitted
from simulator.experiments.plan import Uncertainty, validate_scenario_data
from simulator.experiments.seeding import draw_uncertainties
from simulator.experiments.shared import SharedScenario
from simulator.experiments.table_schemas import daily_worker_fields, worker_fields
from simulator.io.arrow import array, record_batch
from simulator.io.paths import set_path
from simulator.model.network import TradeNetwork
from simulator.model.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "HOLD_BYTES",
    "ROWS_PER_BATCH",
    "ChunkResult",
    "ChunkTask",
    "Failure",
    "run_chunk",
]

HOLD_BYTES = 64 * 2**20
"""A chunk keeps a replication's result while the next one runs when it is this small.

Freed before the next replication, a small result's memory goes back to the
operating system (glibc trims the top of its heap) and the next one pays page
faults to get it again: a third more CPU per replication at 40 countries when
this was measured.  Held, it was reused; on today's engine glibc still gives
back or maps afresh much of it (20–30 page faults a replication either way).
What keeps it is the allocator's thresholds: a chunk of results this small,
in the command line's process or a pool worker, raises them
(:mod:`simulator.experiments.allocator`), after which holding changes nothing
measurable.  A world-sized result (hundreds of MiB, by
:func:`~simulator.engine.footprint.estimate_replication_bytes`) is freed
first: two at once would raise a worker's peak memory by half."""

ROWS_PER_BATCH = 5_000
"""Summary rows a chunk holds as NumPy columns before it packs them into an Arrow batch.

A replication of the world network has 4,000 rows: a chunk of 50 would
otherwise hold about 200,000 of them until its end, twice (columns and Arrow)."""


@dataclass(frozen=True)
class Failure:
    """A replication that raised: enough to find it and run it again.

    ``values`` are the uncertain values drawn for it (dotted path → value).
    """

    variant: str
    replication: int
    seed: int
    error_type: str
    message: str
    values: dict[str, float | int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "replication": self.replication,
            "seed": self.seed,
            "error_type": self.error_type,
            "message": self.message,
            "uncertainties": dict(self.values),
        }


@dataclass(frozen=True, eq=False)
class ChunkTask:
    """Replications ``first … last`` (included) of one variant.

    Attributes
    ----------
    variant : str
        The variant's name (carried into failures).
    shared : SharedScenario
        The variant's validated scenario, shipped and built once per process
        (see :mod:`simulator.experiments.shared`); ``task.scenario`` is the scenario.
    data : dict
        Its resolved data, where uncertain values are set (unused without uncertainties).
    uncertainties : tuple of Uncertainty
    seed : int
        The root seed.
    first, last : int
        The replications, ``last`` included.
    daily_every : int or None
        Keep every ``daily_every``-th day of the daily records (None: none).
    data_paths : dict
        Label of each sampled dataset figure → its dotted path in ``data``.
    data_values : tuple
        The figures' sampled values for each replication ``first … last``,
        in the order of ``data_paths``.
    """

    variant: str
    shared: SharedScenario
    data: dict[str, Any]
    uncertainties: tuple[Uncertainty, ...]
    seed: int
    first: int
    last: int
    daily_every: int | None = None
    data_paths: dict[str, str] = field(default_factory=dict)
    data_values: tuple[tuple[float, ...], ...] = ()

    @property
    def scenario(self) -> Scenario:
        """The variant's validated scenario."""
        return self.shared.scenario

    def settings(self, replication: int) -> tuple[dict[str, float | int], dict[str, float]]:
        """Replication ``replication``'s values by dotted path, and its ``u.*`` columns."""
        values = draw_uncertainties(self.uncertainties, self.seed, replication)
        columns = {f"u.{p}": float(v) for p, v in values.items()}
        if self.data_paths:
            row = self.data_values[replication - self.first]
            for (label, path), value in zip(self.data_paths.items(), row, strict=True):
                values[path] = value
                columns[f"u.{label}"] = value
        return values, columns


@dataclass(frozen=True, eq=False)
class ChunkResult:
    """What a chunk returns to the parent.

    For the batch's overhead measures: ``compute_seconds`` is the wall time
    spent in ``simulate`` and ``metric_columns``, ``compute_cpu_seconds`` the
    CPU time of the same calls, ``cpu_seconds`` the CPU time of the whole
    chunk in the worker (``time.process_time``, so meaningful when the worker
    is a process of its own).
    """

    variant: str
    first: int
    last: int
    summary: pa.Table
    daily: pa.Table | None
    failures: list[Failure]
    compute_seconds: float
    compute_cpu_seconds: float = 0.0
    cpu_seconds: float = 0.0


class _Prepared:
    """Validated scenarios and networks of one chunk, cached by the values set."""

    def __init__(self, task: ChunkTask) -> None:
        self.task = task
        self.network = task.shared.network()
        self.hold = estimate_replication_bytes(task.scenario, self.network) <= HOLD_BYTES
        self.rebuild = bool(task.data_paths) or any(u.touches_network for u in task.uncertainties)
        self.cache: dict[tuple[tuple[str, float | int], ...], tuple[Scenario, TradeNetwork]] = {}

    def get(self, values: dict[str, float | int]) -> tuple[Scenario, TradeNetwork]:
        if not values:
            return self.task.scenario, self.network
        key = tuple(values.items())
        found = self.cache.get(key)
        if found is None:
            data = self.task.data
            for path, value in values.items():
                data = set_path(data, path, value)
            try:
                scenario = Scenario.model_validate(data)
                network = TradeNetwork.from_scenario(scenario) if self.rebuild else self.network
            except (ValidationError, InputError):
                raise InputError(validate_scenario_data(data, network=self.rebuild)) from None
            if not self.rebuild:  # what building the network would refuse in the drawn values
                network.check(scenario)
            found = (scenario, network)
            self.cache[key] = found
        return found


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run one chunk; replications that raise become :class:`Failure` entries.

    Parameters
    ----------
    task : ChunkTask

    Returns
    -------
    ChunkResult
        ``summary`` holds one row per replication × country-or-group ×
        commodity (without the ``experiment``, ``variant`` and ``param.*``
        columns, which the parent adds); ``daily`` the daily rows when asked.
    """
    cpu_start = time.process_time()
    prepared = _Prepared(task)
    if prepared.hold and permitted():  # small replications, in a process of ours
        keep_freed_memory()
    columns = (*(u.path for u in task.uncertainties), *task.data_paths)
    schema = pa.schema(worker_fields(columns))
    rows = _SummaryRows(schema, task.seed)
    batches: list[pa.RecordBatch] = []
    days: list[pd.DataFrame] = []
    failures: list[Failure] = []
    compute = compute_cpu = 0.0
    held: list[RunResult] = []  # the last result, while the next one runs (see HOLD_BYTES)
    for r in range(task.first, task.last + 1):
        values, drawn = task.settings(r)
        try:
            scenario, network = prepared.get(values)
            metrics, day, seconds, cpu_seconds, result = _replicate(task, scenario, network, r)
            held[:] = [result] if prepared.hold else []
            del result
        except Exception as error:  # recorded, reported, and the chunk goes on
            failures.append(
                Failure(task.variant, r, task.seed, type(error).__name__, str(error), values)
            )
            continue
        compute += seconds
        compute_cpu += cpu_seconds
        if day is not None:
            days.append(day)
        rows.add(r, metrics, drawn)
        if len(rows) >= ROWS_PER_BATCH:
            batches.append(rows.pack())
    batches.append(rows.pack())
    summary = pa.Table.from_batches(batches, schema=schema)
    daily = None
    if task.daily_every is not None:
        daily = _daily(days)
    cpu = time.process_time() - cpu_start
    return ChunkResult(
        task.variant, task.first, task.last, summary, daily, failures, compute, compute_cpu, cpu
    )


class _SummaryRows:
    """A chunk's summary rows, gathered as the metrics' columns of each replication.

    :meth:`pack` makes the rows gathered so far one Arrow record batch of
    ``schema`` (:func:`~simulator.experiments.table_schemas.worker_fields`),
    from NumPy buffers, and starts again.
    """

    def __init__(self, schema: pa.Schema, seed: int) -> None:
        self.schema = schema
        self.seed = seed
        self.replications: list[int] = []
        self.metrics: list[MetricColumns] = []
        self.drawn: list[dict[str, float]] = []
        self.count = 0

    def _clear(self) -> None:
        self.replications, self.metrics, self.drawn = [], [], []
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def add(self, replication: int, metrics: MetricColumns, drawn: dict[str, float]) -> None:
        """Replication ``replication``'s rows: its metrics, and its ``u.*`` values on each."""
        self.replications.append(replication)
        self.metrics.append(metrics)
        self.drawn.append(drawn)
        self.count += len(metrics)

    def pack(self) -> pa.RecordBatch:
        """The rows gathered since the last call, as a record batch."""
        if not self.count:  # no rows: as from an empty list of rows
            self._clear()
            return record_batch([], self.schema)
        sizes = [len(m) for m in self.metrics]
        metrics = MetricColumns.concat(self.metrics)
        columns: list[pa.Array] = []
        for f in self.schema:
            name = f.name
            if name == "replication":
                values = np.repeat(np.array(self.replications, np.int64), sizes)
                columns.append(array(values, f.type))
            elif name == "seed":
                columns.append(array([self.seed] * self.count, f.type))
            elif name in ("country", "commodity"):
                columns.append(array(getattr(metrics, name), f.type))
            elif name == "group":
                columns.append(array(metrics.group, f.type))
            elif name in metrics.values:
                missing = metrics.missing[name] if name in NULLABLE_METRICS else None
                columns.append(array(metrics.values[name], f.type, missing))
            else:  # u.<path>: each replication's drawn value, on each of its rows
                drawn = zip(self.drawn, sizes, strict=True)
                columns.append(array([v for d, k in drawn for v in [d.get(name)] * k], f.type))
        self._clear()
        return pa.RecordBatch.from_arrays(columns, schema=self.schema)


def _replicate(
    task: ChunkTask, scenario: Scenario, network: TradeNetwork, replication: int
) -> tuple[MetricColumns, pd.DataFrame | None, float, float, RunResult]:
    """One replication's metrics, daily rows, compute wall and CPU seconds, and result."""
    start, start_cpu = time.perf_counter(), time.process_time()
    result = simulate(scenario, replication, seed=task.seed, network=network)
    metrics = metric_columns(result, scenario)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    day = None
    if task.daily_every is not None:
        from simulator.analysis.daily import daily_table  # pandas: only when asked

        day = daily_table(result, task.daily_every, scenario.coalitions)
    return metrics, day, seconds, cpu_seconds, result


def _daily(days: list[pd.DataFrame]) -> pa.Table:
    """The daily rows of a chunk's replications as one table (pandas only to assemble them)."""
    schema = pa.schema(daily_worker_fields())
    if not days:
        return schema.empty_table()
    import pandas as pd

    frame = pd.concat(days, ignore_index=True)[schema.names]
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
