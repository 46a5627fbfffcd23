"""Microseconds per day inside the compiled span of days (issue 15).

Runs one replication of the synthetic network of ``bench_engine.py`` (a ban
by the largest exporter from day 30), with and without the policies of
``bench_time_advance.py``, and keeps a copy of the arguments of its first
two calls to :func:`simulator.engine.span.advance_span`: the span before
the ban (days 0–29) and the span under it (days 30–364).  Each is run again
from its copy to the end of the horizon, ``rounds`` times (the first then
runs all year without the ban: nothing moves), and the best time per day is
printed.  No SimPy, no set-up: the cost of a day of compiled work, which is
what ``simulate`` pays 365 times a replication.

Run it in two checkouts to compare them (the numbers of one machine are only
comparable with each other)::

    uv run python benchmarks/bench_span_day.py
    uv run python benchmarks/bench_span_day.py --countries 160 --rounds 50
"""

from __future__ import annotations

import argparse
import copy
import time
from typing import Any

from bench_engine import machine, synthetic_scenario
from bench_time_advance import with_policies

import simulator.engine.day as day_module
from simulator.engine import simulate
from simulator.engine.span import advance_span


def captured_spans(n_countries: int, policies: bool) -> list[tuple[Any, ...]]:
    """Copies of the arguments of the first two spans of one replication."""
    scenario = synthetic_scenario(n_countries)
    if policies:
        scenario = with_policies(scenario)
    calls: list[tuple[Any, ...]] = []

    def keep(*arguments: Any) -> int:
        if len(calls) < 2:
            calls.append(copy.deepcopy(arguments))
        return int(advance_span(*arguments))

    day_module.advance_span = keep  # type: ignore[assignment]
    try:
        simulate(scenario, 0)
    finally:
        day_module.advance_span = advance_span
    return calls


def per_day(arguments: tuple[Any, ...], horizon: int, rounds: int) -> float:
    """Best µs per day of the span from ``arguments``' first day to ``horizon``."""
    best = float("inf")
    for _ in range(rounds):
        fresh = copy.deepcopy(arguments)
        first = int(fresh[0])
        start = time.perf_counter()
        stop = advance_span(first, horizon, *fresh[2:])
        elapsed = time.perf_counter() - start
        best = min(best, elapsed / (stop - first))
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    print(machine())
    print()
    print("| countries | policies | span | µs per day (best) |")
    print("|---:|---|---|---:|")
    for policies in (False, True):
        spans = captured_spans(args.countries, policies)
        horizon = 365
        for label, arguments in zip(("before the ban", "under the ban"), spans, strict=True):
            microseconds = per_day(arguments, horizon, args.rounds)
            kind = "reserves, pool, transfers" if policies else "none"
            print(f"| {args.countries} | {kind} | {label} | {microseconds:.2f} |")


if __name__ == "__main__":
    main()
