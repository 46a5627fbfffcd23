"""Benchmark (issue 15): a batch of the world network on a Dask ``LocalCluster``.

Runs ``run_batch`` on the synthetic world of ``world_network.py`` (200
countries, 20 commodities, 5,000 links each; 365 days, a ban by each
commodity's largest exporter from day 30) on a local Dask cluster of
``--workers`` single-threaded worker processes, summaries only (no daily
records), into a temporary results folder, once per ``--replications`` count
(each on a fresh cluster).  It reports:

- the parent's set-up before the first chunk is submitted (plan fingerprint,
  manifest, the resolved scenario's YAML) and the wall time of the chunks;
- wall seconds per replication over the chunks, and CPU seconds per
  replication inside ``simulate`` + ``metrics_table`` in the workers;
- the chunk overhead: CPU per chunk in the workers outside ``simulate`` and
  ``metrics_table`` (preparing the scenario and network, the rows and their
  Arrow table; the task is unpickled before the chunk's clock starts, so that
  part is measured separately, below);
- the peak resident memory (``VmHWM``) of every worker process, read on
  the workers before the cluster closes, and of the parent (so far);
- the size of the summary written.

Beside it, in this process: what one chunk would pay to unpickle the
scenario and build its network without the per-process cache of
:mod:`simulator.experiments.shared`, and what it pays with it; and the CPU
time of the parent's set-up, part by part.

The plan is built in Python (one variant, ``base``), as ``supplyshock batch``
would build it from the world's YAML: that file is 16 MB, above the default
input limit, and parsing it with positions takes minutes.

Run from the repository root::

    uv run python benchmarks/bench_world_batch.py --replications 20 60 --chunk-size 10
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from world_network import world_scenario

from simulator.experiments.executors import DaskBackend
from simulator.experiments.plan import Plan, Variant
from simulator.experiments.runner import run_batch
from simulator.experiments.shared import SharedScenario, clear_cache
from simulator.model.scenario import Scenario


def peak_rss_mib() -> float:
    """Peak resident memory of the calling process, MiB.

    ``VmHWM`` of ``/proc/self/status`` where there is one (Linux): unlike
    ``ru_maxrss``, which a process started by fork and exec inherits from its
    parent, it counts only this process's own memory.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class MeasuredDask(DaskBackend):
    """A local Dask backend that reads its workers' peak memory before it closes."""

    def __init__(self, workers: int) -> None:
        super().__init__("local", workers)
        self.worker_peaks: list[float] = []

    def close(self, executor: Any) -> None:
        if self._client is not None:
            peaks = self._client.run(peak_rss_mib)
            self.worker_peaks = sorted(float(v) for v in peaks.values())
        super().close(executor)


class Clock:
    """Progress hooks: when the chunks start, and when each completes."""

    def __init__(self) -> None:
        self.started = 0.0
        self.times: list[float] = []

    def start(self, total: int, done: int) -> None:
        self.started = time.perf_counter()

    def advance(self, replications: int) -> None:
        self.times.append(time.perf_counter())


def world_plan(scenario: Scenario, replications: int) -> Plan:
    """A one-variant plan of ``scenario``, as a scenario file gives."""
    scenario = scenario.model_copy(update={"replications": replications})
    variant = Variant("base", None, None, "base", {}, {}, scenario, scenario.resolved_dict())
    return Plan(
        name=scenario.name,
        description=scenario.description,
        kind="scenario",
        source="world.yaml",
        seed=scenario.seed,
        replications=replications,
        baseline="base",
        variants=(variant,),
        experiment={"scenario": "world.yaml", "replications": replications},
    )


def chunk_preparation(scenario: Scenario) -> tuple[float, float]:
    """CPU seconds a chunk pays for its scenario and network: without the cache, with it."""
    payload = pickle.dumps(SharedScenario(scenario))
    clear_cache()
    start = time.process_time()
    cold = pickle.loads(payload)
    cold.network()
    first = time.process_time() - start
    start = time.process_time()
    warm = pickle.loads(payload)
    warm.network()
    again = time.process_time() - start
    clear_cache()
    return first, again


def setup_parts(scenario: Scenario) -> None:
    """CPU seconds of the parent's set-up per variant, one part at a time."""
    import json

    from simulator.io.resolved import dump_scenario_yaml

    plan = world_plan(scenario, 1)
    parts: list[tuple[str, float, int]] = []
    start = time.process_time()
    plan.fingerprint()
    parts.append(
        ("plan fingerprint (JSON of the resolved data, SHA-256)", time.process_time() - start, 0)
    )
    start = time.process_time()
    text = json.dumps({"scenarios": {"base": plan.variants[0].data}}, indent=2)
    parts.append(
        ("the manifest's copy of the resolved data (JSON)", time.process_time() - start, len(text))
    )
    start = time.process_time()
    text = dump_scenario_yaml(scenario)
    parts.append(
        ("scenarios/base.yaml (dump_scenario_yaml)", time.process_time() - start, len(text))
    )
    for label, cpu, size in parts:
        print(f"  set-up: {label}: {cpu:.2f} CPU s" + (f", {size / 1e6:.1f} MB" if size else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, nargs="+", default=[20, 60])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--no-setup-parts", action="store_true", help="skip timing the set-up's parts"
    )
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    start = time.perf_counter()
    scenario = world_scenario(seed=args.seed)
    print(f"{scenario.name}: generated and validated in {time.perf_counter() - start:.1f} s")
    cold, warm = chunk_preparation(scenario)
    print(
        f"a chunk's scenario and network: {cold:.2f} CPU s unpickled and built,"
        f" {warm:.4f} CPU s from the worker's cache"
    )
    if not args.no_setup_parts:
        setup_parts(scenario)
    header = (
        "| replications | chunks | set-up s | chunks wall s | wall s/rep | worker CPU s/rep"
        " | chunk overhead CPU s | worker peak RSS MiB | parent peak RSS MiB | summary MB |"
    )
    print("\n" + header)
    print("|" + "---:|" * (header.count("|") - 1))
    for n in args.replications:
        backend = MeasuredDask(args.workers)
        clock = Clock()
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            began = time.perf_counter()
            result = run_batch(
                world_plan(scenario, n),
                out,
                backend=backend,
                chunk_size=args.chunk_size,
                progress=clock,
            )
            if not result.ok:
                raise SystemExit(f"the batch failed: {result.failures[:1]}")
            size = sum(f.stat().st_size for f in (out / "summary").rglob("*.parquet"))
        setup = clock.started - began
        chunks_wall = clock.times[-1] - clock.started
        overhead = (result.chunk_cpu_seconds - result.compute_cpu_seconds) / result.chunks_done
        peaks = ", ".join(f"{p:.0f}" for p in backend.worker_peaks)
        print(
            f"| {n} | {result.chunks_done} | {setup:.1f} | {chunks_wall:.1f}"
            f" | {chunks_wall / n:.2f} | {result.compute_cpu_seconds / n:.2f}"
            f" | {overhead:.2f} | {peaks} | {peak_rss_mib():.0f} | {size / 1e6:.1f} |",
            flush=True,
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
