"""A chunk's summary rows, packed from the metrics' columns, are the rows ``metrics_table`` gives.

:func:`simulator.experiments.tasks.run_chunk` packs each replication's
metric columns into Arrow arrays from NumPy buffers.  Here its summary is
compared with pyarrow's own conversion (``pa.Table.from_pylist``) of the rows
built one replication at a time, as a user would: ``metrics_table`` of
``simulate`` on the replication's scenario (its drawn values set), with
``replication``, ``seed`` and the ``u.*`` values on every row.  Values,
nulls and types must be equal, on experiments with coalitions, drawn
uncertainties, sampled data, replications that fail, and a chunk whose rows
span several record batches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from simulator.analysis.metrics import metrics_table
from simulator.engine import simulate
from simulator.experiments import tasks
from simulator.experiments.design import load_plan
from simulator.experiments.plan import Plan
from simulator.experiments.tasks import ChunkTask, run_chunk
from simulator.experiments.writer import ChunkWriter
from simulator.io.paths import set_path
from simulator.model.scenario import Scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def _tasks(plan: Plan, first: int, last: int) -> list[ChunkTask]:
    """Every variant's task for replications ``first … last``, as a batch makes them."""
    writer = ChunkWriter(plan, None, None, {}, None)  # type: ignore[arg-type]
    return [writer.task(v, first, last) for v in plan.variants]


def _rows_one_by_one(task: ChunkTask) -> tuple[list[dict[str, Any]], list[int]]:
    """The chunk's rows from ``metrics_table``, replication by replication, and those that fail."""
    rows: list[dict[str, Any]] = []
    failed = []
    for r in range(task.first, task.last + 1):
        values, drawn = task.settings(r)
        data = task.data
        for path, value in values.items():
            data = set_path(data, path, value)
        try:
            scenario = Scenario.model_validate(data) if values else task.scenario
            result = simulate(scenario, r, seed=task.seed)
        except Exception:
            failed.append(r)
            continue
        rows += [
            {"replication": r, "seed": task.seed, **row, **drawn}
            for row in metrics_table(result, scenario)
        ]
    return rows, failed


def _check(task: ChunkTask) -> int:
    chunk = run_chunk(task)
    rows, failed = _rows_one_by_one(task)
    assert [f.replication for f in chunk.failures] == failed
    expected = pa.Table.from_pylist(rows, schema=chunk.summary.schema)
    assert chunk.summary.schema.equals(expected.schema, check_metadata=True)
    assert chunk.summary.equals(expected)
    return len(rows)


def test_coalitions_and_drawn_uncertainties(monkeypatch: pytest.MonkeyPatch) -> None:
    """kj-pooling: a coalition row per replication, the ban's length drawn (a ``u.*`` column)."""
    monkeypatch.setattr(tasks, "ROWS_PER_BATCH", 7)  # several batches, cut after a replication
    plan = load_plan(SCENARIOS / "examples" / "kj-pooling.yaml")
    counted = [_check(task) for task in _tasks(plan, 3, 9)]
    assert counted == [7 * 3] * 3


def test_sampled_data_and_several_commodities() -> None:
    """gallium-kj: two commodities, two coalitions, sampled dataset figures as ``u.*``."""
    plan = load_plan(SCENARIOS / "experiments" / "gallium-kj.yaml")
    (task,) = _tasks(plan, 0, 2)[:1]
    assert task.data_paths
    assert _check(task) > 0


def _experiment(tmp_path: Path, low: float, high: float) -> Plan:
    file = tmp_path / "fail.yaml"
    scenario = (SCENARIOS / "examples" / "pooled-vs-national.yaml").as_posix()
    file.write_text(
        "name: fail\n"
        f"scenario: {scenario}\n"
        "replications: 12\n"
        "seed: 7\n"
        "uncertainties:\n"
        f"  network.nodes.1.inventory_days: {{dist: uniform, low: {low}, high: {high}}}\n",
        encoding="utf-8",
    )
    return load_plan(file)


def test_replications_that_fail_have_no_rows(tmp_path: Path) -> None:
    """A negative drawn inventory is invalid: that replication fails, the others are written."""
    (task,) = _tasks(_experiment(tmp_path, -10, 30), 0, 11)
    assert 0 < _check(task) < 12 * 3


def test_a_chunk_where_every_replication_fails(tmp_path: Path) -> None:
    (task,) = _tasks(_experiment(tmp_path, -10, -1), 0, 3)
    assert _check(task) == 0
