"""Experiments: variants × sweeps × replications, run on any executor, stored as Parquet.

The public entry points:

- :func:`load_plan` reads an experiment (or scenario) file and validates every
  variant it implies, reporting every problem with its location;
- :func:`run_batch` runs a plan's replications in chunks on a
  :class:`Backend` (:func:`make_backend`: in-process, process pool or Dask)
  and writes a resumable results folder;
- :func:`load_results` reads a results folder back as pandas DataFrames;
- :func:`summarise` gives per-variant means and 95 % intervals.

Replication ``r`` of every variant uses ``simulate(scenario, r, seed=root_seed)``
and the same uncertainty draws (common random numbers), so results are the
same whatever the executor, the number of workers or the order chunks finish.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.experiments.design import load_plan
    from simulator.experiments.executors import (
        Backend,
        DaskBackend,
        InProcessBackend,
        InProcessExecutor,
        ProcessPoolBackend,
        make_backend,
    )
    from simulator.experiments.plan import BASE_VARIANT, Plan, Uncertainty, Variant
    from simulator.experiments.runner import BatchResult, Progress, run_batch
    from simulator.experiments.seeding import CHUNK_SIZE, chunk_bounds, draw_uncertainties
    from simulator.experiments.spec import Experiment, LatinHypercubeSample, Sweep
    from simulator.experiments.store import ResultsConflictError, load_results
    from simulator.experiments.summary import summarise, t_interval

_LAZY: dict[str, str] = {
    "BASE_VARIANT": "simulator.experiments.plan",
    "Backend": "simulator.experiments.executors",
    "BatchResult": "simulator.experiments.runner",
    "CHUNK_SIZE": "simulator.experiments.seeding",
    "DaskBackend": "simulator.experiments.executors",
    "Experiment": "simulator.experiments.spec",
    "InProcessBackend": "simulator.experiments.executors",
    "InProcessExecutor": "simulator.experiments.executors",
    "LatinHypercubeSample": "simulator.experiments.spec",
    "Plan": "simulator.experiments.plan",
    "ProcessPoolBackend": "simulator.experiments.executors",
    "Progress": "simulator.experiments.runner",
    "ResultsConflictError": "simulator.experiments.store",
    "Sweep": "simulator.experiments.spec",
    "Uncertainty": "simulator.experiments.plan",
    "Variant": "simulator.experiments.plan",
    "chunk_bounds": "simulator.experiments.seeding",
    "draw_uncertainties": "simulator.experiments.seeding",
    "load_plan": "simulator.experiments.design",
    "load_results": "simulator.experiments.store",
    "make_backend": "simulator.experiments.executors",
    "run_batch": "simulator.experiments.runner",
    "summarise": "simulator.experiments.summary",
    "t_interval": "simulator.experiments.summary",
}
"""Public name → its module, imported on first use (so reading an experiment file
does not load the engine, pandas or pyarrow)."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simulator.experiments' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "BASE_VARIANT",
    "CHUNK_SIZE",
    "Backend",
    "BatchResult",
    "DaskBackend",
    "Experiment",
    "InProcessBackend",
    "InProcessExecutor",
    "LatinHypercubeSample",
    "Plan",
    "ProcessPoolBackend",
    "Progress",
    "ResultsConflictError",
    "Sweep",
    "Uncertainty",
    "Variant",
    "chunk_bounds",
    "draw_uncertainties",
    "load_plan",
    "load_results",
    "make_backend",
    "run_batch",
    "summarise",
    "t_interval",
]
