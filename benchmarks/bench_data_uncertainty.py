"""What sampling the dataset's uncertain figures costs per replication.

Runs one chunk of ``scenarios/experiments/gallium-kj.yaml`` (the ``pooled``
variant) in this process twice: with the experiment's data design (each
replication sets its sampled figures, validates the scenario and rebuilds the
trade network) and with the same task stripped of it (the dataset's values,
one scenario for the whole chunk).  Reports CPU seconds per replication of the
whole chunk and of ``simulate`` + metrics alone, so the difference is the
price of uncertain data.

    uv run python benchmarks/bench_data_uncertainty.py [--replications 100]
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

from simulator.experiments import load_plan
from simulator.experiments.tasks import run_chunk
from simulator.experiments.writer import ChunkWriter

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=100)
    args = parser.parse_args()
    n = args.replications
    plan = load_plan(ROOT / "scenarios/experiments/gallium-kj.yaml", replications=n)
    writer = ChunkWriter(plan, None, None, {})  # type: ignore[arg-type]
    variant = plan.variant("pooled")
    run_chunk(writer.task(variant, 0, 1))  # load the compiled engine first
    sampled = writer.task(variant, 0, n - 1)
    central = dataclasses.replace(sampled, data_paths={}, data_values=())
    print(f"{len(plan.data_design.labels)} sampled figures, {n} replications")
    print("| data | chunk CPU ms/rep | simulate+metrics CPU ms/rep |")
    print("|---|---:|---:|")
    for name, task in (("sampled", sampled), ("central", central)):
        start = time.process_time()
        result = run_chunk(task)
        chunk = time.process_time() - start
        print(f"| {name} | {1000 * chunk / n:.2f} | {1000 * result.compute_cpu_seconds / n:.2f} |")


if __name__ == "__main__":
    main()
