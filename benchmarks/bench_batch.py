"""Benchmark: a batch of kj-pooling on a process pool, and what the batch machinery costs.

Runs ``--replications`` (default 1,000) replications of each variant of
``scenarios/examples/kj-pooling.yaml`` (3 variants, one uncertainty) on a
process pool of ``--workers`` (default 2) into a temporary results folder, and
reports:

- the wall time of :func:`simulator.experiments.run_batch` and the
  simulations (variant × replication) per second;
- ``compute``: the time the workers spent inside ``simulate`` and
  ``metrics_table``, summed over chunks (each chunk measures its own);
- the **overhead share** ``(wall × workers − compute) / (wall × workers)``:
  the part of the worker-seconds paid for that did not go into simulating —
  starting the pool, shipping tasks and results, drawing and validating the
  uncertain values, writing Parquet and the manifest, and workers idle while
  the last chunks finish;
- the **CPU overhead share** ``(parent + chunks − compute) / (parent + chunks)``
  in CPU seconds (``time.process_time``): the CPU the batch machinery burns
  (the parent's scheduling and writing, the workers' unpickling, drawing,
  validating and table building) as a share of all the CPU the batch used.
  It leaves out idle workers and the pool's start-up, but unlike wall times
  it does not grow when other jobs share the machine.

The first batch of a process also starts the pool (with the fork server, the
server imports the simulator once and each worker is a fork of it), so the
batch is run twice in one process: ``cold`` pays that start-up, ``warm`` finds
the fork server running.  ``compute`` is wall-clock time inside the workers,
so on a machine busy with other work both it and the wall time grow; the
overhead share stays comparable, the rates do not.

Run from the repository root::

    uv run python benchmarks/bench_batch.py
    uv run python benchmarks/bench_batch.py --replications 200 --workers 2
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from simulator.experiments import ProcessPoolBackend, load_plan, run_batch
from simulator.experiments.writer import versions

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = ROOT / "scenarios" / "examples" / "kj-pooling.yaml"


def cpu_model() -> str:
    """The CPU model named in /proc/cpuinfo (Linux), else what ``platform`` says."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def timed_batch(
    replications: int, workers: int, folder: Path, label: str, chunk_size: int | None
) -> dict[str, float]:
    """Run the batch once into ``folder / label``; returns its figures."""
    plan = load_plan(EXPERIMENT, replications=replications)
    backend = ProcessPoolBackend(workers)
    start = time.perf_counter()
    result = run_batch(plan, folder / label, backend=backend, chunk_size=chunk_size)
    wall = time.perf_counter() - start
    if not result.ok:
        raise RuntimeError(f"{label}: {result.replications_failed} replications failed")
    runs = replications * len(plan.variants)
    paid = wall * workers
    cpu = result.parent_cpu_seconds + result.chunk_cpu_seconds
    return {
        "runs": runs,
        "wall_s": wall,
        "runs_per_s": runs / wall,
        "ms_per_run": 1000 * result.compute_seconds / runs,
        "overhead_share": (paid - result.compute_seconds) / paid,
        "cpu_ms_per_run": 1000 * result.compute_cpu_seconds / runs,
        "parent_cpu_s": result.parent_cpu_seconds,
        "cpu_overhead_share": (cpu - result.compute_cpu_seconds) / cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=None)
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    print(
        "| run | simulations | wall s | simulations/s | worker ms/simulation |"
        " overhead share | worker CPU ms/simulation | parent CPU s | CPU overhead share |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for label in ("cold", "warm"):
            figures = timed_batch(
                args.replications, args.workers, Path(tmp), label, args.chunk_size
            )
            print(
                f"| {label} | {figures['runs']:.0f} | {figures['wall_s']:.1f} |"
                f" {figures['runs_per_s']:.1f} | {figures['ms_per_run']:.1f} |"
                f" {100 * figures['overhead_share']:.1f}% | {figures['cpu_ms_per_run']:.1f} |"
                f" {figures['parent_cpu_s']:.1f} | {100 * figures['cpu_overhead_share']:.1f}% |"
            )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
