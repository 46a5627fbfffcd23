"""Benchmark: milliseconds per 365-day replication of the engine, beside a naive SimPy model.

Builds a balanced synthetic network of one commodity (seeded; regions
``R000``, ``R001``, ... declared in the scenario), bans every export of the
largest exporter from day 30, and times :func:`simulator.engine.simulate`
(network built once, as batches do) and :func:`naive_simpy.run_naive` on the
same network in the same process, interleaved so both see the same machine
load.  Reports medians of wall time (``time.perf_counter``) and of CPU time
(``time.process_time``, less sensitive to other work on a shared machine) at
40, 160 and 640 countries (links ≈ 2.5 × countries), and, with ``--profile``,
the top of a cProfile of one 40-country replication.

Run from the repository root::

    uv run python benchmarks/bench_engine.py
    uv run python benchmarks/bench_engine.py --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import simpy
from naive_simpy import run_naive  # benchmarks/ is on sys.path when this file is run

from simulator.engine import simulate
from simulator.model.distributions import expected
from simulator.model.network import TradeNetwork
from simulator.model.scenario import Scenario

COMMODITY = "widget"
HORIZON_DAYS = 365
BAN_DAY = 30
LINKS_PER_COUNTRY = 2.5
POTENTIAL_ROUTE_SHARE = 0.1
"""Share of links that carry nothing at baseline (routes rerouting may use)."""


def synthetic_scenario(n_countries: int, seed: int = 0) -> Scenario:
    """A balanced network of ``n_countries`` regions and about 2.5 links per region.

    A few producers (one in eight regions, at least three) export; the exporter
    of each link is drawn with weights ``1 / rank`` so one of them dominates.
    Each region also consumes ``own`` of its own production, so
    ``production = own + exports`` and ``demand = own + imports`` balance by
    construction.  Capacity is 1.0–1.5 × production; lead times 5–40 days;
    inventories 15–60 days.  The largest exporter bans every importer from
    day 30 until the horizon.
    """
    rng = np.random.default_rng(seed)
    codes = [f"R{i:03d}" for i in range(n_countries)]
    n_producers = max(3, n_countries // 8)
    producers = rng.choice(n_countries, size=n_producers, replace=False)
    weights = 1.0 / np.arange(1, n_producers + 1)
    weights /= weights.sum()

    n_links = round(LINKS_PER_COUNTRY * n_countries)
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_links:
        exporter = int(rng.choice(producers, p=weights))
        importer = int(rng.integers(n_countries))
        if importer != exporter:
            pairs.add((exporter, importer))
    links = sorted(pairs)
    flows = rng.lognormal(np.log(100.0), 1.0, size=len(links))
    flows[rng.random(len(links)) < POTENTIAL_ROUTE_SHARE] = 0.0

    own = rng.lognormal(np.log(50.0), 1.0, size=n_countries)
    exports = np.zeros(n_countries)
    imports = np.zeros(n_countries)
    for (a, b), flow in zip(links, flows, strict=True):
        exports[a] += flow
        imports[b] += flow
    production = own + exports
    nodes = [
        {
            "country": code,
            "commodity": COMMODITY,
            "production_per_year": float(production[i]),
            "capacity_per_year": float(production[i] * rng.uniform(1.0, 1.5)),
            "demand_per_year": float(own[i] + imports[i]),
            "inventory_days": float(rng.uniform(15.0, 60.0)),
        }
        for i, code in enumerate(codes)
    ]
    link_specs = [
        {
            "commodity": COMMODITY,
            "from": codes[a],
            "to": codes[b],
            "flow_per_year": float(flow),
            "lead_time_days": int(rng.integers(5, 41)),
        }
        for (a, b), flow in zip(links, flows, strict=True)
    ]
    largest = codes[int(np.argmax(exports))]
    return Scenario.model_validate(
        {
            "name": f"synthetic-{n_countries}",
            "horizon_days": HORIZON_DAYS,
            "seed": seed,
            "regions": {code: f"synthetic region {code}" for code in codes},
            "commodities": {
                COMMODITY: {"price_usd_per_unit": 1000.0, "value_at_risk_usd_per_unit": 50_000.0}
            },
            "network": {"nodes": nodes, "links": link_specs},
            "shocks": [
                {
                    "id": "ban",
                    "kind": "export_control",
                    "exporter": largest,
                    "commodity": COMMODITY,
                    "targets": "all",
                    "mode": "ban",
                    "effective_day": BAN_DAY,
                }
            ],
        }
    )


@dataclass
class Timing:
    """Wall-clock (``perf_counter``) and CPU (``process_time``) times of repeated runs (ms)."""

    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)

    def add(self, run: Callable[[int], Any], r: int) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        run(r)
        self.cpu_ms.append((time.process_time() - cpu) * 1000.0)
        self.wall_ms.append((time.perf_counter() - wall) * 1000.0)

    @property
    def wall(self) -> float:
        return statistics.median(self.wall_ms)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_ms)


def measure(
    engine: Callable[[int], Any], naive: Callable[[int], Any], engine_runs: int, naive_runs: int
) -> tuple[Timing, Timing]:
    """Time both models, interleaved so that both see the same load on a shared machine.

    After one warm-up run each, every round runs the engine a block of times,
    then the naive model once.
    """
    engine(0)
    naive(0)
    e, v = Timing(), Timing()
    block = -(-engine_runs // naive_runs)
    for round_ in range(naive_runs):
        for r in range(round_ * block, min(engine_runs, (round_ + 1) * block)):
            e.add(engine, r)
        v.add(naive, round_)
    return e, v


def engine_runner(scenario: Scenario) -> Callable[[int], Any]:
    network = TradeNetwork.from_scenario(scenario)
    return lambda r: simulate(scenario, r, network=network)


def naive_runner(scenario: Scenario) -> Callable[[int], Any]:
    network = TradeNetwork.from_scenario(scenario)[COMMODITY]
    leads = np.rint([expected(q) for q in network.lead_time_days]).astype(np.int64)  # fixed here
    banned = scenario.shocks[0].exporter
    return lambda r: run_naive(network, leads, HORIZON_DAYS, banned, BAN_DAY)


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} CPUs ({cpu}); Python {platform.python_version()},"
        f" numpy {np.__version__}, simpy {simpy.__version__}"
    )


def profile(scenario: Scenario, top: int = 15) -> str:
    run = engine_runner(scenario)
    run(0)
    profiler = cProfile.Profile()
    profiler.enable()
    run(1)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeats", type=int, default=40, help="engine runs at 40 countries (fewer when larger)"
    )
    parser.add_argument(
        "--naive-repeats",
        type=int,
        default=5,
        help="naive runs at 40 countries (fewer when larger)",
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[40, 160, 640])
    parser.add_argument("--profile", action="store_true", help="cProfile one 40-country run")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    print(machine())
    print(
        "\n| countries | links | engine ms/rep | engine CPU ms | naive ms/rep | naive CPU ms"
        " | naive / engine (wall) | (CPU) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        scenario = synthetic_scenario(n, args.seed)
        scale = max(1, n // 40)
        e, v = measure(
            engine_runner(scenario),
            naive_runner(scenario),
            max(3, args.repeats // scale),
            max(1, args.naive_repeats // scale),
        )
        print(
            f"| {n} | {len(scenario.network.links)} | {e.wall:.2f} | {e.cpu:.2f}"
            f" | {v.wall:.0f} | {v.cpu:.0f} | {v.wall / e.wall:.0f} | {v.cpu / e.cpu:.0f} |"
        )

    base = synthetic_scenario(40, args.seed)
    engine_short = float(engine_runner(base)(0).records[COMMODITY]["shortfall"].sum())
    naive_short = naive_runner(base)(0).shortfall
    print(
        f"\n40 countries: shortfall over the horizon, engine {engine_short:.0f},"
        f" naive {naive_short:.0f} units (the naive model neither reorders nor reroutes)"
    )

    if args.profile:
        print("\n" + profile(base))


if __name__ == "__main__":
    main()
