"""A commodity's market at baseline: the arrays every replication starts from.

Most of a :class:`~simulator.engine.market.Market`'s starting state follows
from the network alone (demand, capacity, inventory targets, each supply
line's share and baseline flow); only what depends on the lead times
(pipeline targets, the arrival calendar) changes between replications.
:func:`market_baseline` computes the rest once per network and keeps it on
the network (:meth:`~simulator.model.network.CommodityNetwork.derived`); a
market copies it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from simulator.engine import rows
from simulator.model.network import CommodityNetwork

__all__ = ["DAYS_PER_YEAR", "MarketBaseline", "market_baseline", "on_way_at_baseline"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True, eq=False)
class MarketBaseline:
    """The arrays of a market at baseline that do not depend on the lead times (read-only).

    ``state``, ``line_values`` and ``line_ints`` have the shapes of a
    market's matrices (:mod:`simulator.engine.kernel`): ``state`` holds the
    rows ``DEMAND``, ``CAPACITY``, ``STOCK``, ``INVENTORY_TARGET`` and
    ``IMPORT_FLOW`` (units, units/day), the line matrices ``SHARE``,
    ``BASE``, ``RAMP_DAYS``, ``SOURCE``, ``DESTINATION`` and
    ``CONTRACT_DAY`` (-1); every other row is zero.  ``flow`` is each link's
    baseline flow (units/day), ``base_output`` each producer's baseline output
    (units/day).
    """

    flow: FloatArray
    state: FloatArray
    line_values: FloatArray
    line_ints: IntArray
    has_demand: BoolArray
    base_output: FloatArray


def market_baseline(network: CommodityNetwork) -> MarketBaseline:
    """The baseline of ``network``'s market, computed once per network."""
    return network.derived("engine.market_baseline", _baseline)


def _baseline(network: CommodityNetwork) -> MarketBaseline:
    n, m = network.n_countries, network.n_links
    importer = network.link_importer
    flow = network.flow_per_year / DAYS_PER_YEAR
    state = np.zeros((rows.COUNTRY_ROWS, n))
    demand = state[rows.DEMAND]
    demand[:] = network.demand_per_year / DAYS_PER_YEAR
    state[rows.CAPACITY] = network.capacity_per_year / DAYS_PER_YEAR
    state[rows.INVENTORY_TARGET] = network.inventory_days * demand
    state[rows.STOCK] = state[rows.INVENTORY_TARGET]
    state[rows.IMPORT_FLOW] = np.bincount(importer, flow, n)
    has_demand = demand > 0
    domestic = np.maximum(network.domestic_supply_per_year / DAYS_PER_YEAR, 0.0)
    safe_demand = np.where(has_demand, demand, 1.0)

    # Supply lines: the m links, then each country's own producer supplying itself.
    line_values = np.zeros((rows.LINE_FLOAT_ROWS, m + n))
    line_ints = np.zeros((rows.LINE_INT_ROWS, m + n), dtype=np.int64)
    line_values[rows.SHARE] = np.concatenate(
        [flow / safe_demand[importer], np.where(has_demand, domestic / safe_demand, 0.0)]
    )
    line_values[rows.BASE] = np.concatenate([flow, domestic])
    line_values[rows.RAMP_DAYS, :m] = network.ramp_days
    line_ints[rows.SOURCE] = np.concatenate([network.link_exporter, np.arange(n)])
    line_ints[rows.DESTINATION] = np.concatenate([importer, np.arange(n)])
    line_ints[rows.CONTRACT_DAY] = -1
    base_output = np.bincount(line_ints[rows.SOURCE], line_values[rows.BASE], n)
    for a in (flow, state, line_values, line_ints, has_demand, base_output):
        a.flags.writeable = False
    return MarketBaseline(flow, state, line_values, line_ints, has_demand, base_output)


@njit(cache=True)
def on_way_at_baseline(
    state: FloatArray, importer: IntArray, flow: FloatArray, lead: IntArray, days_after: int
) -> FloatArray:
    """What the links have on their way at baseline, for lead times ``lead``.

    Fills the ``PIPELINE_TARGET`` and ``TRADE_TRANSIT`` rows of ``state``
    (zero before: each importer's flows times their lead times, link by link)
    and returns the trade arrival calendar, ``longest lead + days_after``
    days × countries: a link arrives with its flow on each of its first
    ``lead`` days (the longest lead is 1 without links).
    """
    longest = 1
    if lead.shape[0] > 0:
        longest = lead[0]
        for k in range(lead.shape[0]):
            longest = max(longest, lead[k])
    pipeline = state[rows.PIPELINE_TARGET]
    for k in range(lead.shape[0]):
        pipeline[importer[k]] += flow[k] * lead[k]
    state[rows.TRADE_TRANSIT, :] = pipeline
    calendar = np.zeros((longest + days_after, state.shape[1]))
    for k in range(lead.shape[0]):
        for day in range(lead[k]):
            calendar[day, importer[k]] += flow[k]
    return calendar
