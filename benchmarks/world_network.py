"""A synthetic world-sized scenario: 200 countries, 20 commodities, 5,000 links per commodity.

Issue 15 asks the engine to simulate "a full bilateral trade matrix for a
product group" — 200 countries, 20 commodities, 5,000 links per commodity —
in under 2 s per 365-day replication.  :func:`world_data` generates such a
scenario as plain scenario data (what a YAML file holds), seeded and
reproducible; :func:`world_scenario` validates it.  Both take smaller sizes,
so the same generator serves the scaling table and the tests.

How a commodity is drawn (its own random stream, ``default_rng((seed, k))``):

- countries are regions ``W000``, ``W001``, … declared under ``regions:``;
- exporter weights fall as ``1 / rank`` over a random order of the countries,
  so a few exporters dominate each commodity, as with critical inputs;
- the links are distinct ordered pairs (no self-loops) drawn without
  replacement with probability proportional to the exporter's weight; 10% of
  them carry nothing at baseline (potential routes rerouting may use); the
  others carry a log-normal flow (median 100 units/yr);
- one country in four has no domestic consumption of its own production;
  the others consume ``own`` (log-normal, median 50 units/yr);
- ``production = own + exports`` and ``demand = own + imports``, so every
  country balances (``production + imports = demand + exports``) and exports
  never exceed production, by construction; capacity is 1.0–1.5 × production,
  inventories 15–60 days of demand, lead times 5–60 days;
- with ``ban_day`` set, the largest exporter of every commodity bans every
  export of it from that day to the horizon.

Run from the repository root::

    uv run python benchmarks/world_network.py                      # sizes and build times
    uv run python benchmarks/world_network.py --out world.yaml     # also write the YAML
    uv run python benchmarks/world_network.py --countries 12 --commodities 2 --links 40
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from simulator.model.network import TradeNetwork
from simulator.model.scenario import Scenario

__all__ = ["world_data", "world_scenario"]

COUNTRIES = 200
COMMODITIES = 20
LINKS_PER_COMMODITY = 5000
HORIZON_DAYS = 365
BAN_DAY = 30
POTENTIAL_ROUTE_SHARE = 0.1
NO_OWN_USE_SHARE = 0.25


def _commodity(
    k: int, codes: list[str], n_links: int, seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """Nodes, links and the largest exporter of commodity ``k``."""
    name = f"c{k:02d}"
    n = len(codes)
    rng = np.random.default_rng((seed, k))
    weights = np.empty(n)
    weights[rng.permutation(n)] = 1.0 / np.arange(1, n + 1)

    # Every ordered pair (a, b) with a != b, drawn in proportion to a's weight.
    exporter = np.repeat(np.arange(n), n - 1)
    importer = np.array([b for a in range(n) for b in range(n) if b != a], dtype=np.int64)
    p = weights[exporter] / weights[exporter].sum()
    chosen = np.sort(rng.choice(exporter.size, size=n_links, replace=False, p=p))
    src, dst = exporter[chosen], importer[chosen]
    flows = rng.lognormal(np.log(100.0), 1.0, size=n_links)
    flows[rng.random(n_links) < POTENTIAL_ROUTE_SHARE] = 0.0
    leads = rng.integers(5, 61, size=n_links)

    own = rng.lognormal(np.log(50.0), 1.0, size=n)
    own[rng.random(n) < NO_OWN_USE_SHARE] = 0.0
    exports = np.bincount(src, weights=flows, minlength=n)
    imports = np.bincount(dst, weights=flows, minlength=n)
    production = own + exports
    capacity = production * rng.uniform(1.0, 1.5, size=n)
    inventory = rng.uniform(15.0, 60.0, size=n)
    nodes = [
        {
            "country": codes[i],
            "commodity": name,
            "production_per_year": float(production[i]),
            "capacity_per_year": float(capacity[i]),
            "demand_per_year": float(own[i] + imports[i]),
            "inventory_days": float(inventory[i]),
        }
        for i in range(n)
    ]
    links = [
        {
            "commodity": name,
            "from": codes[a],
            "to": codes[b],
            "flow_per_year": float(f),
            "lead_time_days": int(t),
        }
        for a, b, f, t in zip(src.tolist(), dst.tolist(), flows, leads, strict=True)
    ]
    return nodes, links, codes[int(np.argmax(exports))]


def world_data(
    countries: int = COUNTRIES,
    commodities: int = COMMODITIES,
    links: int = LINKS_PER_COMMODITY,
    *,
    horizon_days: int = HORIZON_DAYS,
    ban_day: int | None = BAN_DAY,
    seed: int = 0,
) -> dict[str, Any]:
    """Scenario data (as a YAML file would hold it) of a balanced synthetic world.

    Parameters
    ----------
    countries, commodities, links
        Regions, commodities, and links per commodity (at most
        ``countries * (countries - 1)``).
    horizon_days
        The scenario's horizon.
    ban_day
        Day from which each commodity's largest exporter bans every export of
        it (None: no shocks).
    seed
        Seeds the network and the scenario; the same arguments give the same data.
    """
    if countries < 2 or not 1 <= links <= countries * (countries - 1):
        raise ValueError(
            f"expected countries >= 2 and 1 <= links <= {countries * (countries - 1)},"
            f" found {countries} countries and {links} links"
        )
    codes = [f"W{i:03d}" for i in range(countries)]
    nodes: list[dict[str, Any]] = []
    link_specs: list[dict[str, Any]] = []
    shocks: list[dict[str, Any]] = []
    for k in range(commodities):
        n, li, largest = _commodity(k, codes, links, seed)
        nodes += n
        link_specs += li
        if ban_day is not None:
            shocks.append(
                {
                    "id": f"ban-c{k:02d}",
                    "kind": "export_control",
                    "exporter": largest,
                    "commodity": f"c{k:02d}",
                    "targets": "all",
                    "mode": "ban",
                    "effective_day": ban_day,
                }
            )
    return {
        "name": f"world-{countries}x{commodities}x{links}",
        "description": "Synthetic world-sized network (benchmarks/world_network.py).",
        "horizon_days": horizon_days,
        "seed": seed,
        "regions": {code: f"synthetic country {code}" for code in codes},
        "commodities": {
            f"c{k:02d}": {"price_usd_per_unit": 1000.0, "value_at_risk_usd_per_unit": 50_000.0}
            for k in range(commodities)
        },
        "network": {"nodes": nodes, "links": link_specs},
        "shocks": shocks,
    }


def world_scenario(
    countries: int = COUNTRIES,
    commodities: int = COMMODITIES,
    links: int = LINKS_PER_COMMODITY,
    *,
    horizon_days: int = HORIZON_DAYS,
    ban_day: int | None = BAN_DAY,
    seed: int = 0,
) -> Scenario:
    """:func:`world_data`, validated as a :class:`Scenario`."""
    return Scenario.model_validate(
        world_data(
            countries, commodities, links, horizon_days=horizon_days, ban_day=ban_day, seed=seed
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--countries", type=int, default=COUNTRIES)
    parser.add_argument("--commodities", type=int, default=COMMODITIES)
    parser.add_argument("--links", type=int, default=LINKS_PER_COMMODITY)
    parser.add_argument("--horizon", type=int, default=HORIZON_DAYS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write the scenario as YAML to this file")
    args = parser.parse_args()

    start = time.perf_counter()
    data = world_data(
        args.countries, args.commodities, args.links, horizon_days=args.horizon, seed=args.seed
    )
    generated = time.perf_counter()
    scenario = Scenario.model_validate(data)
    validated = time.perf_counter()
    TradeNetwork.from_scenario(scenario)
    built = time.perf_counter()
    print(
        f"{scenario.name}: {len(scenario.network.nodes)} nodes, {len(scenario.network.links)}"
        f" links, {len(scenario.shocks)} shocks; generated in {generated - start:.2f} s,"
        f" validated in {validated - generated:.2f} s, network built and balanced in"
        f" {built - validated:.2f} s"
    )
    if args.out is not None:
        from simulator.io.resolved import dump_scenario_yaml

        args.out.write_text(dump_scenario_yaml(scenario), encoding="utf-8")
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
