"""Benchmark (issue 15 groundwork): world-sized replications, linearity, batch cost, profile.

Four measurements of the current engine, each a sub-command, so each can run
in a fresh process (peak memory is the process's):

``world``
    One 365-day replication of the world network of ``world_network.py``
    (200 countries, 20 commodities, 5,000 links each): time to generate,
    validate and build the network, wall and CPU time of ``simulate`` (network
    built once, as batches do) and of ``metrics_table``, the process's peak
    resident memory (``resource.getrusage``) and the peak Python allocation
    of one ``simulate`` call (``tracemalloc``, measured on a separate call,
    since tracing slows it).
``linear``
    Milliseconds per replication of ``simulate`` on one commodity at 40, 160
    and 640 countries (2.5 links per country, as ``bench_engine.py``) and at
    365 and 3,650 days; medians of repeated runs, interleaved with a
    40-country / 365-day reference run so that load on a shared machine shows
    up as a ratio rather than a drift.
``batch``
    ``supplyshock batch FILE --workers W --replications N`` as a user runs
    it (a fresh process, bytecode cached, ``PYTHONDONTWRITEBYTECODE`` unset)
    on the 40-country / 100-link / 365-day network with one ban, at two
    replication counts: the marginal cost per replication is the slope
    ``(T(N2) - T(N1)) / (N2 - N1)``, the fixed start-up the intercept; both
    beside ``simulate`` and ``simulate`` + ``metrics_table`` timed in this
    process; then ``--workers 2`` against ``--workers 1`` at ``N2``.
``profile``
    Where a replication's time goes inside a batch chunk of the 40-country
    network, as ``run_chunk`` and the parent's writer do it: ``simulate``,
    ``metric_columns``, the chunk's Arrow batch, then its constant columns
    and its Parquet file, timed separately per chunk; and a cProfile of the
    chunk: the cumulative share of its main parts.
``metrics``
    ``metrics_table`` (every importer at once) against the same rows computed
    one country at a time, as it did before; checks that both are equal.

Run from the repository root::

    uv run python benchmarks/bench_scale.py world
    uv run python benchmarks/bench_scale.py linear
    uv run python benchmarks/bench_scale.py batch --small 100 --large 1000
    uv run python benchmarks/bench_scale.py profile
    uv run python benchmarks/bench_scale.py metrics
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from world_network import world_data, world_scenario

from simulator.analysis.metrics import metrics_table
from simulator.engine import simulate
from simulator.model.distributions import expected
from simulator.model.network import TradeNetwork
from simulator.model.scenario import Scenario

LINKS_PER_COUNTRY = 2.5


def small_world(countries: int, horizon_days: int = 365, seed: int = 0) -> Scenario:
    """One commodity, ``2.5 × countries`` links, one ban from day 30 (the issue's reference)."""
    links = round(LINKS_PER_COUNTRY * countries)
    return world_scenario(countries, 1, links, horizon_days=horizon_days, seed=seed)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (MiB; Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(run: Callable[[], Any]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def header() -> None:
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


# -- world -------------------------------------------------------------------


def world(args: argparse.Namespace) -> None:
    header()
    print(f"peak RSS after imports: {peak_rss_mib():.0f} MiB")
    t0 = time.perf_counter()
    data = world_data(seed=args.seed)
    t1 = time.perf_counter()
    scenario = Scenario.model_validate(data)
    t2 = time.perf_counter()
    network = TradeNetwork.from_scenario(scenario)
    t3 = time.perf_counter()
    del data
    print(
        f"{scenario.name}: generate {t1 - t0:.2f} s, validate {t2 - t1:.2f} s,"
        f" build network {t3 - t2:.2f} s; peak RSS {peak_rss_mib():.0f} MiB"
    )
    walls, cpus = [], []
    last: list[Any] = []
    for r in range(args.repeat):
        last.clear()
        wall, cpu = timed(lambda r=r: last.append(simulate(scenario, r, network=network)))
        walls.append(wall)
        cpus.append(cpu)
        print(f"  replication {r}: simulate {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    result = last.pop()
    print(f"peak RSS after simulate: {peak_rss_mib():.0f} MiB")
    wall, cpu = time.perf_counter(), time.process_time()
    rows = len(metrics_table(result, scenario))
    m_wall, m_cpu = time.perf_counter() - wall, time.process_time() - cpu
    records_mib = sum(a.nbytes for rec in result.records.values() for a in rec.arrays.values())
    print(
        f"metrics_table: {m_wall:.2f} s wall, {m_cpu:.2f} s CPU, {rows} rows;"
        f" daily records {records_mib / 2**20:.0f} MiB"
    )
    del result
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        simulate(scenario, args.repeat + 1, network=network)
        profiler.disable()
        breakdown(profiler, "One world replication")
        pstats.Stats(profiler).strip_dirs().sort_stats("tottime").print_stats(10)
    tracemalloc.start()
    simulate(scenario, args.repeat, network=network)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"| world (200 × 20 × 5,000), 365 days | simulate median {statistics.median(walls):.2f} s"
        f" wall, {statistics.median(cpus):.2f} s CPU | peak RSS {peak_rss_mib():.0f} MiB"
        f" | traced peak in simulate {traced / 2**20:.0f} MiB |"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


# -- linear ------------------------------------------------------------------


def linear(args: argparse.Namespace) -> None:
    header()
    reference = small_world(40, 365, args.seed)
    ref_network = TradeNetwork.from_scenario(reference)
    simulate(reference, 0, network=ref_network)  # load the compiled kernel
    print(
        "\n| countries | links | days | ms/rep (wall) | CPU ms/rep | × reference (CPU)"
        " | CPU µs per link-day |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        for days in args.horizons:
            scenario = small_world(n, days, args.seed)
            network = TradeNetwork.from_scenario(scenario)
            simulate(scenario, 0, network=network)
            scale = max(1, (n // 40) * (days // 365))
            runs = max(3, args.repeats // scale)
            walls, cpus, ratios = [], [], []
            for r in range(runs):
                _, ref_cpu = timed(lambda r=r: simulate(reference, r, network=ref_network))
                wall, cpu = timed(lambda r=r, s=scenario, k=network: simulate(s, r, network=k))
                walls.append(wall)
                cpus.append(cpu)
                ratios.append(cpu / ref_cpu)
            links = len(scenario.network.links)
            cpu_ms = 1000 * statistics.median(cpus)
            print(
                f"| {n} | {links} | {days} | {1000 * statistics.median(walls):.1f}"
                f" | {cpu_ms:.1f} | {statistics.median(ratios):.1f}"
                f" | {1000 * cpu_ms / (links * days):.3f} |",
                flush=True,
            )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


# -- batch -------------------------------------------------------------------


def cli_batch(file: Path, out: Path, replications: int, workers: int) -> tuple[float, float]:
    """Wall and CPU (children's user + system) seconds of one ``supplyshock batch``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [
        sys.executable,
        "-m",
        "simulator",
        "batch",
        str(file),
        "--out",
        str(out),
        "--replications",
        str(replications),
        "--workers",
        str(workers),
        "--overwrite",
        "--quiet",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def in_process(scenario: Scenario, runs: int) -> tuple[float, float, float]:
    """Median CPU ms of ``simulate``, ``simulate`` + ``metrics_table``, and ``simulate`` alone
    with the network built once (as a batch does; the first two build it every time)."""
    sim, both, once = [], [], []
    network = TradeNetwork.from_scenario(scenario)
    for r in range(runs):
        _, a = timed(lambda r=r: simulate(scenario, r))
        _, b = timed(lambda r=r: metrics_table(simulate(scenario, r), scenario))
        _, c = timed(lambda r=r: simulate(scenario, r, network=network))
        sim.append(a)
        both.append(b)
        once.append(c)
    return (
        1000 * statistics.median(sim),
        1000 * statistics.median(both),
        1000 * statistics.median(once),
    )


def batch(args: argparse.Namespace) -> None:
    header()
    from simulator.io.resolved import dump_scenario_yaml

    scenario = small_world(40, 365, args.seed)
    # Compile the bytecode of the package and its libraries, as an install does.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *sys.path[1:]],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "synthetic-40.yaml"
        file.write_text(dump_scenario_yaml(scenario), encoding="utf-8")
        cli_batch(file, Path(tmp) / "warm", 5, 1)  # numba cache, page cache
        results: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
        sim_ms, both_ms, once_ms = [], [], []
        for _ in range(args.repeat):
            for n in (args.small, args.large):
                results[n, 1].append(cli_batch(file, Path(tmp) / "out", n, 1))
            results[args.large, 2].append(cli_batch(file, Path(tmp) / "out", args.large, 2))
            s, b, o = in_process(scenario, args.in_process)
            sim_ms.append(s)
            both_ms.append(b)
            once_ms.append(o)

    def med(n: int, w: int, k: int) -> float:
        return statistics.median(x[k] for x in results[n, w])

    sim, both = statistics.median(sim_ms), statistics.median(both_ms)
    once = statistics.median(once_ms)
    print(
        f"\nin process: simulate {sim:.2f} CPU ms/rep, simulate + metrics {both:.2f} CPU ms/rep"
        f" (the network built each time); simulate {once:.2f} CPU ms/rep (network built once)"
    )
    print("\n| command | replications | wall s | CPU s |")
    print("|---|---:|---:|---:|")
    for (n, w), _ in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        # Pool workers are forks of the fork server, not waited-for children: their
        # CPU does not reach RUSAGE_CHILDREN, so only --workers 1 has a CPU figure.
        cpu = f"{med(n, w, 1):.2f}" if w == 1 else "—"
        print(f"| batch --workers {w} | {n} | {med(n, w, 0):.2f} | {cpu} |")
    span = args.large - args.small
    for k, label in ((0, "wall"), (1, "CPU")):
        slope = (med(args.large, 1, k) - med(args.small, 1, k)) / span
        fixed = med(args.small, 1, k) - slope * args.small
        print(
            f"--workers 1, {label}: marginal {1000 * slope:.2f} ms/rep"
            f" ({1000 * slope / sim:.2f} × simulate, {1000 * slope / both:.2f} × simulate"
            f" + metrics; {1000 * slope / once:.2f} × simulate with the network built once),"
            f" fixed start-up {fixed:.2f} s"
        )
    pairs = zip(results[args.large, 1], results[args.large, 2], strict=True)
    print(
        f"--workers 2 vs 1 at {args.large}: wall speed-up"
        f" {med(args.large, 1, 0) / med(args.large, 2, 0):.2f}"
        f" (each round: {[round(one[0] / two[0], 2) for one, two in pairs]})"
    )
    naive = naive_ms(scenario, args.naive_repeats)
    for w in (1, 2):
        whole = 1000 * med(args.large, w, 0) / args.large
        print(
            f"naive SimPy model {naive:.0f} ms/rep (wall, median of {args.naive_repeats}) against"
            f" batch --workers {w}, whole process at {args.large}: {whole:.2f} ms/rep,"
            f" {naive / whole:.0f} times"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def naive_ms(scenario: Scenario, repeats: int) -> float:
    """Wall ms per replication of ``naive_simpy.py``'s model on ``scenario`` (its first ban)."""
    from naive_simpy import run_naive

    network = TradeNetwork.from_scenario(scenario)
    net = network[network.commodities[0]]
    leads = np.rint([expected(q) for q in net.lead_time_days]).astype(np.int64)
    shock = scenario.shocks[0]
    effective = int(expected(shock.effective_day))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run_naive(net, leads, scenario.horizon_days, shock.exporter, effective)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


# -- profile -----------------------------------------------------------------

_PARTS = (
    ("simulation.py", "simulate", "simulate (all)"),
    ("simulation.py", "_link_days", "  set-up: link days (random ones drawn per link)"),
    ("market.py", "__init__", "  set-up: market state"),
    ("core.py", "step", "  SimPy event loop (spans and days inside)"),
    ("day.py", "_advance", "    compiled spans of days (next-event time advance)"),
    ("day.py", "_one_day", "    Python days (licences being drawn, recipes)"),
    ("metric_columns.py", "metric_columns", "metric_columns"),
    ("tasks.py", "pack", "Arrow record batch of the chunk, from the columns"),
    ("writer.py", "_with_constants", "the chunk's constant columns (parent)"),
    ("core.py", "write_table", "Parquet write of the chunk (parent)"),
)


def breakdown(profiler: cProfile.Profile, title: str) -> None:
    """Cumulative time of the functions in :data:`_PARTS`, as shares of the profile's total."""
    stats = pstats.Stats(profiler)
    table = stats.stats  # type: ignore[attr-defined]
    total = sum(tottime for (_, _, tottime, _, _) in table.values())
    print(f"\n{title} (cProfile, cumulative time; total {total:.2f} s under the profiler):")
    print("| part | share |")
    print("|---|---:|")
    for file, function, label in _PARTS:
        cum = sum(
            v[3] for (f, _, name), v in table.items() if f.endswith(file) and name == function
        )
        if cum:
            print(f"| {label} | {100 * cum / total:.1f}% |")


def profile(args: argparse.Namespace) -> None:
    import pyarrow as pa

    from simulator.analysis.metric_columns import metric_columns
    from simulator.experiments.store import write_table_atomic
    from simulator.experiments.table_schemas import summary_schema, worker_fields
    from simulator.experiments.tasks import _SummaryRows
    from simulator.experiments.writer import _with_constants

    header()
    scenario = small_world(40, 365, args.seed)
    network = TradeNetwork.from_scenario(scenario)
    simulate(scenario, 0, network=network)
    schema = pa.schema(worker_fields(()))
    full = summary_schema()

    def chunk(first: int, out: Path, clock: dict[str, float]) -> None:
        """A chunk as ``run_chunk`` runs it, then as the parent writes it."""
        rows = _SummaryRows(schema, 0)
        for r in range(first, first + args.chunk):
            t = time.process_time()
            result = simulate(scenario, r, network=network)
            t1 = time.process_time()
            metrics = metric_columns(result, scenario)
            t2 = time.process_time()
            rows.add(r, metrics, {})
            clock["simulate"] += t1 - t
            clock["metric_columns"] += t2 - t1
            clock["rows gathered"] += time.process_time() - t2
        t = time.process_time()
        summary = pa.Table.from_batches([rows.pack()], schema=schema)
        t1 = time.process_time()
        table = _with_constants(summary, full, "profile", "base", {})
        t2 = time.process_time()
        write_table_atomic(out / f"chunk-{first}.parquet", table)
        clock["Arrow batch of the chunk (worker)"] += t1 - t
        clock["constant columns (parent)"] += t2 - t1
        clock["Parquet write (parent)"] += time.process_time() - t2

    with tempfile.TemporaryDirectory() as tmp:
        chunk(100_000, Path(tmp), defaultdict(float))  # first-use imports and caches
        clock: dict[str, float] = defaultdict(float)
        for c in range(args.chunks):
            chunk(c * args.chunk, Path(tmp), clock)
        reps = args.chunks * args.chunk
        total = sum(clock.values())
        print(f"\nCPU per replication, {reps} replications in chunks of {args.chunk}:")
        print("| phase | CPU ms/rep | share |")
        print("|---|---:|---:|")
        for phase, seconds in clock.items():
            print(f"| {phase} | {1000 * seconds / reps:.3f} | {100 * seconds / total:.1f}% |")

        profiler = cProfile.Profile()
        profiler.enable()
        chunk(10_000, Path(tmp), defaultdict(float))
        profiler.disable()
    breakdown(profiler, f"One chunk of {args.chunk} replications")
    stats = pstats.Stats(profiler)
    print("\nTop functions by own time:")
    stats.strip_dirs().sort_stats("tottime").print_stats(args.top)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


# -- metrics -----------------------------------------------------------------


def _metrics_one_by_one(result: Any, scenario: Scenario) -> list[dict[str, Any]]:
    """The country rows as ``metrics_table`` computed them before: one country at a time."""
    from simulator.analysis.metrics import _row

    rows = []
    for commodity, rec in result.records.items():
        spec = scenario.commodities[commodity]
        args = (
            result.shock_start_day.get(commodity),
            spec.price_usd_per_unit,
            spec.carrying_cost_per_year,
        )
        for i, country in enumerate(rec.countries):
            if rec.demand_per_day[i] > 0:
                series = {name: arr[:, i] for name, arr in rec.arrays.items()}
                sizes = (float(rec.reserve_size[i]), float(rec.pool_size[i]))
                row = _row(series, float(rec.demand_per_day[i]), sizes, *args)
                rows.append({"country": country, "commodity": commodity, "group": False, **row})
    return rows


def metrics(args: argparse.Namespace) -> None:
    header()
    print("\n| countries | rows | one country at a time, CPU ms | all at once, CPU ms | ratio |")
    print("|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        scenario = small_world(n, 365, args.seed)
        result = simulate(scenario, 0)
        table = metrics_table(result, scenario)
        # The one-at-a-time path gives the columns of _row (not the market's, which
        # metrics_table adds for every country at once): they must agree exactly.
        countries = [row for row in table if not row["group"]]
        expected = _metrics_one_by_one(result, scenario)
        pairs = zip(countries, expected, strict=True)
        if [{k: row[k] for k in want} for row, want in pairs] != expected:
            raise AssertionError("the two computations differ")
        old, new = [], []
        for _ in range(args.repeats):
            old.append(timed(lambda s=scenario, r=result: _metrics_one_by_one(r, s))[1])
            new.append(timed(lambda s=scenario, r=result: metrics_table(r, s))[1])
        o, w = 1000 * statistics.median(old), 1000 * statistics.median(new)
        print(f"| {n} | {len(table)} | {o:.2f} | {w:.2f} | {o / w:.1f} |", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    sub = parser.add_subparsers(dest="part", required=True)
    p = sub.add_parser("world", help="one replication of the world network")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--profile", action="store_true", help="and a cProfile of one replication")
    p = sub.add_parser("linear", help="cost at 40/160/640 countries and 365/3,650 days")
    p.add_argument("--sizes", type=int, nargs="*", default=[40, 160, 640])
    p.add_argument("--horizons", type=int, nargs="*", default=[365, 3650])
    p.add_argument("--repeats", type=int, default=20, help="runs at 40 countries, 365 days")
    p = sub.add_parser("batch", help="supplyshock batch: marginal, fixed, 2 workers")
    p.add_argument("--small", type=int, default=100)
    p.add_argument("--large", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--in-process", type=int, default=30)
    p.add_argument("--naive-repeats", type=int, default=3)
    p = sub.add_parser("profile", help="where a replication's time goes in a chunk")
    p.add_argument("--chunk", type=int, default=50)
    p.add_argument("--chunks", type=int, default=4)
    p.add_argument("--top", type=int, default=15)
    p = sub.add_parser("metrics", help="metrics_table against one country at a time")
    p.add_argument("--sizes", type=int, nargs="*", default=[40, 160, 640])
    p.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    parts = {"world": world, "linear": linear, "batch": batch, "profile": profile}
    parts["metrics"] = metrics
    parts[args.part](args)


if __name__ == "__main__":
    main()
