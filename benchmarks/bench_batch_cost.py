"""Benchmark (issue 15): ``batch --workers 1``'s fixed start-up and marginal cost per replication.

Runs ``supplyshock batch FILE --workers 1 --replications N --quiet`` as a
user does (a fresh process, bytecode compiled, ``PYTHONDONTWRITEBYTECODE``
unset) at two replication counts ``N1 < N2`` on the 40-country, 100-link,
365-day synthetic network of ``bench_scale.py`` (one ban): the marginal cost
per replication is the slope ``(T(N2) - T(N1)) / (N2 - N1)``, the fixed
start-up the intercept ``T(N1) - N1 × slope``.  Times are wall seconds and
CPU seconds (the child's user + system time, far less sensitive to other
jobs on the machine).  Each round also times, in this process, ``simulate``
and ``simulate`` + ``metrics_table`` (the network built once, as batches
do), so the marginal cost reads as a multiple of them.

With ``--against DIR`` (another checkout with its own environment,
``DIR/.venv``, e.g. ``git archive main | tar -x -C DIR && (cd DIR && uv
sync)``) every round runs the same commands with that checkout too,
interleaved, so "before" and "after" see the same load; the table gives each
checkout's medians and the ratio of this checkout's to the other's.

Run from the repository root::

    uv run python benchmarks/bench_batch_cost.py
    uv run python benchmarks/bench_batch_cost.py --against ../base --repeat 5
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_scale import in_process, small_world

from simulator.io.resolved import dump_scenario_yaml

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_bytecode(python: str) -> None:
    """Compile the bytecode of ``python``'s package and libraries, as an install does."""
    code = "import compileall, sys; [compileall.compile_dir(p, quiet=2) for p in sys.path[1:]]"
    subprocess.run([python, "-c", code], env=_env(), check=False, capture_output=True)


def cli_batch(python: str, cwd: Path, file: Path, out: Path, n: int) -> tuple[float, float]:
    """Wall and CPU (child's user + system) seconds of one ``supplyshock batch --workers 1``."""
    command = [python, "-m", "simulator", "batch", str(file), "--out", str(out)]
    command += ["--replications", str(n), "--workers", "1", "--overwrite", "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=_env(), cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def fit(small: float, large: float, n1: int, n2: int) -> tuple[float, float]:
    """Fixed cost (intercept, s) and marginal cost (slope, ms per replication)."""
    slope = (large - small) / (n2 - n1)
    return small - slope * n1, 1000 * slope


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--in-process", type=int, default=30)
    parser.add_argument("--against", type=Path, help="another checkout, with DIR/.venv")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    trees = {"this checkout": (sys.executable, ROOT)}
    if args.against is not None:
        other = args.against.resolve()
        trees["--against"] = (str(other / ".venv" / "bin" / "python"), other)
    scenario = small_world(40, 365, args.seed)
    n1, n2 = args.small, args.large
    # rounds[tree] = list of (fixed wall, fixed CPU, marginal wall, marginal CPU) per round
    rounds: dict[str, list[tuple[float, float, float, float]]] = {t: [] for t in trees}
    sims: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "synthetic-40.yaml"
        file.write_text(dump_scenario_yaml(scenario), encoding="utf-8")
        for python, cwd in trees.values():
            compile_bytecode(python)
            cli_batch(python, cwd, file, Path(tmp) / "warm", 5)  # numba cache, page cache
        for k in range(args.repeat):
            for name, (python, cwd) in trees.items():
                small = cli_batch(python, cwd, file, Path(tmp) / "out", n1)
                large = cli_batch(python, cwd, file, Path(tmp) / "out", n2)
                wall, cpu = fit(small[0], large[0], n1, n2), fit(small[1], large[1], n1, n2)
                rounds[name].append((wall[0], cpu[0], wall[1], cpu[1]))
                print(f"round {k + 1}, {name}: fixed {cpu[0]:.2f} CPU s, {cpu[1]:.2f} CPU ms/rep")
            sims.append(in_process(scenario, args.in_process))
    sim = statistics.median(s for s, _ in sims)
    both = statistics.median(b for _, b in sims)
    print(f"\nin this process: simulate {sim:.2f} CPU ms/rep, + metrics_table {both:.2f}")
    print(
        "\n| checkout | fixed wall s | fixed CPU s | marginal wall ms/rep | marginal CPU ms/rep"
        " | marginal CPU / simulate | / simulate + metrics |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    medians = {
        t: [statistics.median(r[i] for r in rs) for i in range(4)] for t, rs in rounds.items()
    }
    for name, (fw, fc, mw, mc) in medians.items():
        print(
            f"| {name} | {fw:.2f} | {fc:.2f} | {mw:.2f} | {mc:.2f} | {mc / sim:.2f}"
            f" | {mc / both:.2f} |"
        )
    if args.against is not None:
        mine, other = rounds["this checkout"], rounds["--against"]
        ratios = [
            statistics.median(a[i] / b[i] for a, b in zip(mine, other, strict=True))
            for i in range(4)
        ]
        print(
            f"| ratio, this / --against (median of rounds) | {ratios[0]:.2f} | {ratios[1]:.2f}"
            f" | {ratios[2]:.2f} | {ratios[3]:.2f} | | |"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
