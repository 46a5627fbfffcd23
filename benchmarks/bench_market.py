"""What the market costs: one replication of the gallium policy base, market on and off.

The same scenario (``scenarios/experiments/base/gallium.yaml``: 9 countries,
450 days, national reserves, a joint pool, transfers and joint procurement
all on) with the dataset's market, and with ``market: off``; each network is
built once, as batches do.  The two are timed in interleaved rounds in the
same process, so both see the same load; the table gives CPU milliseconds
per replication (the fastest round) and their ratio.

    uv run python benchmarks/bench_market.py [--replications 40] [--rounds 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from simulator.engine import simulate
from simulator.io.scenario_file import load_scenario
from simulator.model.network import TradeNetwork

BASE = Path(__file__).resolve().parents[1] / "scenarios" / "experiments" / "base" / "gallium.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    on = load_scenario(BASE)
    variants = {"market on": on, "market off": on.model_copy(update={"market": "off"})}
    networks = {name: TradeNetwork.from_scenario(s) for name, s in variants.items()}
    for name, s in variants.items():  # compile and warm up
        simulate(s, 0, network=networks[name])
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, s in variants.items():
            start = time.process_time()
            for r in range(args.replications):
                simulate(s, r, network=networks[name])
            ms = (time.process_time() - start) / args.replications * 1000
            best[name] = min(best.get(name, ms), ms)
    print("| scenario | CPU ms/rep |")
    print("|---|---:|")
    for name, ms in best.items():
        print(f"| {name} | {ms:.2f} |")
    print(f"\nmarket on / off: {best['market on'] / best['market off']:.3f}")


if __name__ == "__main__":
    main()
