"""A naive SimPy model of one commodity's trade network, as a baseline for the engine.

The textbook way to write the model with SimPy, and what ``supplyshock``'s
engine is compared against in ``bench_engine.py``: a :class:`simpy.Container`
of stock per country, and processes for everything that happens each day --
each country produces into its container and consumes from it, each link
takes its baseline flow from the exporter and starts one shipment process per
day that sleeps for the lead time and then fills the importer's container.
A ban stops the banned exporter's links from its effective day.

It does less than the engine (no order-up-to rule, no rerouting, no
licences or policies): it is a lower bound on what a process-per-flow model
costs, not a second implementation of the model.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np
import simpy

from simulator.model.network import CommodityNetwork

__all__ = ["NaiveResult", "run_naive"]

DAYS_PER_YEAR = 365.0


@dataclass
class NaiveResult:
    """Totals of one naive run (units)."""

    produced: float = 0.0
    consumed: float = 0.0
    shortfall: float = 0.0
    shipped: float = 0.0
    shortfall_by_country: dict[str, float] = field(default_factory=dict)


def run_naive(
    network: CommodityNetwork,
    lead_time_days: np.ndarray,
    horizon_days: int,
    banned_exporter: str | None,
    effective_day: int,
) -> NaiveResult:
    """Simulate ``horizon_days`` days of ``network`` with a ban on ``banned_exporter``.

    ``lead_time_days`` holds one whole number of days per link, as the engine
    draws them.  Each country starts with its inventory target and every
    link's pipeline full, as in the engine.
    """
    env = simpy.Environment()
    result = NaiveResult()
    countries = network.countries
    demand = network.demand_per_year / DAYS_PER_YEAR
    production = network.production_per_year / DAYS_PER_YEAR
    flow = network.flow_per_year / DAYS_PER_YEAR
    banned = countries.index(banned_exporter) if banned_exporter in countries else -1

    initial = network.inventory_days * demand
    stock = [
        simpy.Container(env, capacity=float("inf"), init=float(initial[i]))
        for i in range(len(countries))
    ]
    shortfall = np.zeros(len(countries))

    def deliver(importer: int, quantity: float, lead: int) -> Generator[simpy.Event, None, None]:
        yield env.timeout(lead)
        yield stock[importer].put(quantity)

    def produce(country: int) -> Generator[simpy.Event, None, None]:
        while True:
            if production[country] > 0:
                yield stock[country].put(float(production[country]))
                result.produced += float(production[country])
            yield env.timeout(1)

    def ship(link: int) -> Generator[simpy.Event, None, None]:
        exporter = int(network.link_exporter[link])
        importer = int(network.link_importer[link])
        lead = int(lead_time_days[link])
        while True:
            stopped = exporter == banned and env.now >= effective_day
            quantity = min(float(flow[link]), stock[exporter].level)
            if not stopped and quantity > 0:
                yield stock[exporter].get(quantity)
                result.shipped += quantity
                env.process(deliver(importer, quantity, lead))
            yield env.timeout(1)

    def consume(country: int) -> Generator[simpy.Event, None, None]:
        while True:
            # Arrivals and production of the day come first: consume last.
            yield env.timeout(0)
            quantity = min(float(demand[country]), stock[country].level)
            if quantity > 0:
                yield stock[country].get(quantity)
                result.consumed += quantity
            shortfall[country] += demand[country] - quantity
            yield env.timeout(1)

    # Pipelines already full at day 0: shipments that left in the last lead-time days.
    for link in range(network.n_links):
        importer = int(network.link_importer[link])
        if flow[link] <= 0:
            continue  # a potential route: nothing in its pipeline
        for age in range(int(lead_time_days[link])):
            env.process(deliver(importer, float(flow[link]), age))
    for country in range(len(countries)):
        env.process(produce(country))
    for link in range(network.n_links):
        env.process(ship(link))
    for country in range(len(countries)):
        env.process(consume(country))
    env.run(until=horizon_days)

    result.shortfall = float(shortfall.sum())
    result.shortfall_by_country = dict(zip(countries, shortfall.tolist(), strict=True))
    return result
