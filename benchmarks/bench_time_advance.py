"""Next-event time advance against day-by-day stepping, in one process (issue 15).

Times one replication of ``simulate`` on the synthetic network of
``bench_engine.py`` (365 days, a ban by the largest exporter from day 30),
with ``time_advance="next_event"`` (the default) and ``"daily"`` (every day in
Python), interleaved round by round so both see the same load; and the same
network with policies switched on: national reserves for the five largest
importers, a joint stockpile and a loan transfer agreement among four of
them.  Prints a Markdown table of CPU and wall milliseconds per replication
(medians of the rounds; each round the mean of a block of replications).

    uv run python benchmarks/bench_time_advance.py
    uv run python benchmarks/bench_time_advance.py --sizes 40 160 640 --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any, Literal

import numpy as np
from bench_engine import COMMODITY, machine, synthetic_scenario

from simulator.engine import simulate
from simulator.model.network import TradeNetwork
from simulator.model.scenario import Scenario

Advance = Literal["next_event", "daily"]


def with_policies(scenario: Scenario) -> Scenario:
    """The scenario with reserves (5 largest importers), a pool and transfers (4 of them)."""
    network = TradeNetwork.from_scenario(scenario)[COMMODITY]
    imports = network.imports_per_year
    largest = [network.countries[i] for i in np.argsort(-imports)[:5]]
    members = largest[:4]
    data: dict[str, Any] = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["coalitions"] = {"club": members}
    data["policies"] = {
        "stockpiles": [
            {
                "id": f"reserve-{code}",
                "country": code,
                "commodity": COMMODITY,
                "size_days": 60,
                "trigger_coverage_days": 10,
                "decision_delay_days": {"dist": "uniform", "low": 0, "high": 14},
                "replenish_per_day": 1.0,
            }
            for code in largest
        ],
        "joint_stockpiles": [
            {
                "id": "pool",
                "coalition": "club",
                "commodity": COMMODITY,
                "location": members[0],
                "size_days": 30,
                "trigger_coverage_days": 8,
                "decision_delay_days": 7,
                "lead_time_days": 5,
                "replenish_per_day": 1.0,
            }
        ],
        "mutual_transfers": [
            {
                "id": "transfer",
                "coalition": "club",
                "commodities": [COMMODITY],
                "trigger_coverage_days": 5,
                "donor_floor_days": 10,
                "lead_time_days": 5,
                "loan": True,
            }
        ],
    }
    return Scenario.model_validate(data)


def time_block(
    scenario: Scenario, network: TradeNetwork, advance: Advance, first: int, count: int
) -> tuple[float, float]:
    """Mean CPU and wall ms per replication over replications ``first … first + count - 1``."""
    wall, cpu = time.perf_counter(), time.process_time()
    for r in range(first, first + count):
        simulate(scenario, r, network=network, time_advance=advance)
    return (
        (time.process_time() - cpu) * 1000.0 / count,
        (time.perf_counter() - wall) * 1000.0 / count,
    )


def measure(scenario: Scenario, rounds: int, block: int) -> dict[Advance, tuple[float, float]]:
    """Median over ``rounds`` of each path's (CPU, wall) ms per replication, interleaved."""
    network = TradeNetwork.from_scenario(scenario)
    for advance in ("next_event", "daily"):
        simulate(scenario, 0, network=network, time_advance=advance)  # compile / warm up
    cpu: dict[Advance, list[float]] = {"next_event": [], "daily": []}
    wall: dict[Advance, list[float]] = {"next_event": [], "daily": []}
    for k in range(rounds):
        for advance in ("next_event", "daily"):
            c, w = time_block(scenario, network, advance, k * block, block)
            cpu[advance].append(c)
            wall[advance].append(w)
    return {a: (statistics.median(cpu[a]), statistics.median(wall[a])) for a in cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[40])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--block", type=int, default=40, help="replications per round")
    args = parser.parse_args()
    print(machine())
    print()
    print(
        "| countries | links | policies | next-event CPU ms | daily CPU ms | ratio |"
        " next-event wall ms | daily wall ms |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        base = synthetic_scenario(n)
        links = TradeNetwork.from_scenario(base)[COMMODITY].n_links
        for label, scenario in (("none", base), ("reserves, pool, transfers", with_policies(base))):
            block = max(1, args.block * 40 // n)
            t = measure(scenario, args.rounds, block)
            (ec, ew), (dc, dw) = t["next_event"], t["daily"]
            print(
                f"| {n} | {links} | {label} | {ec:.2f} | {dc:.2f} | {dc / ec:.1f} |"
                f" {ew:.2f} | {dw:.2f} |"
            )


if __name__ == "__main__":
    main()
