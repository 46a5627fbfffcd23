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
