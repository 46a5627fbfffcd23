"""The columns of a batch's Parquet tables: the summary and the daily records.

A chunk (:mod:`simulator.experiments.tasks`) builds its tables with the
worker's columns; the parent (:mod:`simulator.experiments.writer`) adds the
columns that are the same for the whole chunk and writes them with these
schemas.
"""

from __future__ import annotations

import pyarrow as pa

from simulator.analysis.metrics import METRICS

__all__ = ["DAILY_VALUES", "daily_schema", "daily_worker_fields", "summary_schema", "worker_fields"]

_INTEGER_METRICS = frozenset({"shortage_days"})

DAILY_VALUES: tuple[str, ...] = (
    "coverage_days",
    "fill_rate",
    "shortfall",
    "inventory",
    "strategic",
    "pool",
    "released",
    "transfers_in",
    "transfers_out",
    "demand_forgone",
    "price",
    "purchase_cost_usd",
)
"""Columns of the daily table after ``day, country, commodity``."""


def _metric_type(name: str) -> pa.DataType:
    return pa.int64() if name in _INTEGER_METRICS else pa.float64()


def summary_schema(
    parameters: dict[str, pa.DataType] | None = None, uncertainties: tuple[str, ...] = ()
) -> pa.Schema:
    """The schema of every summary chunk of one batch.

    ``experiment, variant, replication, seed, country, commodity, group``, the
    metrics of :data:`~simulator.analysis.metrics.METRICS` (``tts_days`` and
    ``ttr_days`` as float64, null meaning none), then ``param.<path>`` per
    swept parameter and ``u.<path>`` per uncertainty.
    """
    fields = [
        pa.field("experiment", pa.string(), nullable=False),
        pa.field("variant", pa.string(), nullable=False),
        *worker_fields(uncertainties)[:5],
        *[pa.field(m, _metric_type(m)) for m in METRICS],
        *[pa.field(f"param.{p}", t) for p, t in (parameters or {}).items()],
        *[pa.field(f"u.{p}", pa.float64()) for p in uncertainties],
    ]
    return pa.schema(fields)


def worker_fields(uncertainties: tuple[str, ...]) -> list[pa.Field]:
    return [
        pa.field("replication", pa.int64(), nullable=False),
        pa.field("seed", pa.int64(), nullable=False),
        pa.field("country", pa.string(), nullable=False),
        pa.field("commodity", pa.string(), nullable=False),
        pa.field("group", pa.bool_(), nullable=False),
        *[pa.field(m, _metric_type(m)) for m in METRICS],
        *[pa.field(f"u.{p}", pa.float64()) for p in uncertainties],
    ]


def daily_schema() -> pa.Schema:
    """The schema of every daily chunk.

    ``experiment, variant, replication, day, country, commodity``, then the
    values of :data:`DAILY_VALUES` on that day (countries with demand, and coalitions).
    """
    return pa.schema(
        [
            pa.field("experiment", pa.string(), nullable=False),
            pa.field("variant", pa.string(), nullable=False),
            *daily_worker_fields(),
        ]
    )


def daily_worker_fields() -> list[pa.Field]:
    return [
        pa.field("replication", pa.int64(), nullable=False),
        pa.field("day", pa.int64(), nullable=False),
        pa.field("country", pa.string(), nullable=False),
        pa.field("commodity", pa.string(), nullable=False),
        *[pa.field(name, pa.float64()) for name in DAILY_VALUES],
    ]
