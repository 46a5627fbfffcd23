"""The world price of one commodity and what responds to it: demand, output, investment.

One reference price per commodity and day (``docs/model.md``, "Market"):

- **Scarcity** ``x`` is the larger of two shares measured the day before: the
  share of the day's demand that the day's supply did not cover (``u``), and
  the share of the world's commercial inventory target that is missing (``g``).
- **Price**: ``p`` closes ``1 / A`` of its gap to the scarcity price
  ``p0 (1 + phi x)`` a day (``A`` the adjustment days, ``phi`` the price
  flexibility, ``1 / |elasticity|`` by default).
- **Demand**: ``D0 (p / p0) ** eps (1 - sigma)``; the substituted share
  ``sigma`` grows by ``s / 365 (1 - p0 / p)`` a day (``s`` the substitution
  rate per year) and is kept when the price falls (redesigned products do not
  switch back within a run).  What is not demanded is ``demand_forgone``.
- **Output**: a producer's ceiling moves from its baseline output ``b``
  toward ``b + (K - b)(1 - p0 / p)`` (``K`` its capacity) by at most
  ``(K - b) / R`` a day (``R`` the supply ramp days).
- **New capacity**: once the price has stayed at or above ``r p0`` for
  ``sustain`` days, after the investment lead time, capacity outside the
  controlling countries grows by ``c`` of world baseline output a year, pro
  rata to capacity, while the price stays at or above ``r p0``.

The daily loops are compiled with numba, like :mod:`simulator.engine.kernel`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.engine import rows
from simulator.engine.compiled import daily
from simulator.engine.records import CommodityRecords
from simulator.model.market_spec import CommodityMarket

__all__ = ["WorldPrice"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DAYS_PER_YEAR = 365.0
TOLERANCE = 1e-9
"""Relative gaps below this (rounding, not scarcity) do not move the price."""

# Slots of the parameter vector (fixed for a run).
BASE_PRICE, FLEXIBILITY, ADJUSTMENT, ELASTICITY, SUBSTITUTION = range(5)
RAMP, GROWTH, LEAD, INVEST_RATIO, SUSTAIN = range(5, 10)
PARAMETERS = 10
# Slots of the state vector (carried from day to day).
PRICE, SUBSTITUTED, UNSERVED, INVENTORY_GAP, STREAK, INVEST_DAY = range(6)
STATE = 6


@daily(error_model="python")
def open_day(
    day: int,
    parameters: FloatArray,
    price_state: FloatArray,
    state: FloatArray,
    base_demand: FloatArray,
    base_output: FloatArray,
    ceiling: FloatArray,
    physical: FloatArray,
    grows: BoolArray,
    world_output: float,
    price_record: FloatArray,
    demand_record: FloatArray,
    forgone_record: FloatArray,
) -> None:
    """Today's price from yesterday's scarcity; then demand, investment and output ceilings."""
    p0 = parameters[BASE_PRICE]
    scarcity = max(price_state[UNSERVED], price_state[INVENTORY_GAP])
    target = p0 * (1.0 + parameters[FLEXIBILITY] * scarcity)
    p = price_state[PRICE]
    p += (target - p) / parameters[ADJUSTMENT]
    price_state[PRICE] = p
    price_record[day] = p
    premium = 1.0 - p0 / p if p > p0 else 0.0

    sigma = price_state[SUBSTITUTED] + parameters[SUBSTITUTION] / DAYS_PER_YEAR * premium
    sigma = min(sigma, 1.0)
    price_state[SUBSTITUTED] = sigma
    factor = (p / p0) ** parameters[ELASTICITY] * (1.0 - sigma)
    n = base_demand.shape[0]
    for j in range(n):
        d = base_demand[j] * factor
        state[rows.DEMAND, j] = d
        demand_record[day, j] = d
        forgone_record[day, j] = base_demand[j] - d

    high = p >= parameters[INVEST_RATIO] * p0
    price_state[STREAK] = price_state[STREAK] + 1.0 if high else 0.0
    if price_state[INVEST_DAY] < 0.0 and price_state[STREAK] >= parameters[SUSTAIN]:
        price_state[INVEST_DAY] = day + parameters[LEAD]
    if high and 0.0 <= price_state[INVEST_DAY] <= day and parameters[GROWTH] > 0.0:
        total = 0.0
        for i in range(n):
            if grows[i]:
                total += physical[i]
        if total > 0.0:
            # g of the world's baseline output a year: g x output/day / 365 more each day.
            added = parameters[GROWTH] * world_output / DAYS_PER_YEAR
            for i in range(n):
                if grows[i]:
                    physical[i] += added * physical[i] / total

    for i in range(n):
        room = physical[i] - base_output[i]
        if room <= 0.0:
            ceiling[i] = physical[i]
        else:
            wanted = base_output[i] + room * premium
            step = room / parameters[RAMP]
            a = ceiling[i]
            if a < wanted:
                a = min(a + step, wanted)
            elif a > wanted:
                a = max(a - step, wanted)
            ceiling[i] = a
        state[rows.CAPACITY, i] = ceiling[i]


@daily(error_model="python")
def unserved_share(
    day: int,
    state: FloatArray,
    production_record: FloatArray,
    imports_record: FloatArray,
    exports_record: FloatArray,
) -> float:
    """Share of today's demand that today's supply did not cover.

    ``sum_j max(D_j - q_j, 0) / sum_j D_j``, where ``q_j`` is what left for
    buyer ``j`` today: its trade shipments and its own producers' supply to
    it.  Restocking orders are left out (the inventory gap measures them):
    the order-up-to rule asks again every day for a stock that is missing, so
    counting them would let one small importer's gap move the world price.
    """
    ordered = 0.0
    unserved = 0.0
    for j in range(state.shape[1]):
        o = state[rows.DEMAND, j]
        q = imports_record[day, j] + production_record[day, j] - exports_record[day, j]
        ordered += o
        if o - q > TOLERANCE * o:
            unserved += o - q
    return unserved / ordered if ordered > 0.0 else 0.0


@daily(error_model="python")
def inventory_gap_share(state: FloatArray) -> float:
    """Share of the world's commercial inventory target missing: ``sum max(T - S, 0) / sum T``."""
    wanted = 0.0
    missing = 0.0
    for j in range(state.shape[1]):
        t = state[rows.INVENTORY_TARGET, j]
        s = state[rows.STOCK, j]
        wanted += t
        if t - s > TOLERANCE * t:
            missing += t - s
    return missing / wanted if wanted > 0.0 else 0.0


class WorldPrice:
    """The price system of one commodity in one replication.

    Parameters
    ----------
    spec
        The commodity's market parameters.
    base_price
        The dataset's (or scenario's) price per unit, ``p0``.
    state
        The market's per-country state matrix (demand and capacity rows are
        written here each day).
    base_output
        Each producer's baseline output (units/day).
    physical
        Each producer's capacity (units/day); grows with investment.
    controlling
        Producers that impose an export control on the commodity in this
        scenario: they take no part in new investment.
    """

    def __init__(
        self,
        spec: CommodityMarket,
        base_price: float,
        state: FloatArray,
        base_output: FloatArray,
        physical: FloatArray,
        controlling: BoolArray,
    ) -> None:
        self.parameters = np.zeros(PARAMETERS)
        pv = self.parameters
        pv[BASE_PRICE] = base_price
        pv[FLEXIBILITY] = spec.flexibility
        pv[ADJUSTMENT] = spec.price_adjustment_days
        pv[ELASTICITY] = spec.demand_elasticity
        pv[SUBSTITUTION] = spec.substitution_per_year
        pv[RAMP] = spec.supply_ramp_days
        pv[GROWTH] = spec.capacity_growth_per_year
        pv[LEAD] = round(spec.investment_lead_years * DAYS_PER_YEAR)
        pv[INVEST_RATIO] = spec.investment_price_ratio
        pv[SUSTAIN] = spec.investment_sustain_days
        self.price_state = np.zeros(STATE)
        self.price_state[PRICE] = base_price
        self.price_state[INVEST_DAY] = -1.0
        self.state = state
        self.base_demand = state[rows.DEMAND].copy()
        self.base_output = base_output
        self.physical = physical
        self.ceiling = np.minimum(base_output, physical)
        self.grows = ~controlling & (physical > 0)
        self.world_output = float(base_output.sum())  # units/day
        state[rows.CAPACITY] = self.ceiling

    @property
    def price(self) -> float:
        """Today's price per unit."""
        return float(self.price_state[PRICE])

    def kernel_arguments(
        self,
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, BoolArray, float]:
        """The arguments :func:`simulator.engine.span.advance_span` takes for the price."""
        return (
            self.parameters,
            self.price_state,
            self.base_demand,
            self.base_output,
            self.ceiling,
            self.grows,
            self.world_output,
        )

    def open_day(self, day: int, record: CommodityRecords) -> None:
        """Before the day's trade: price, demand, investment, output ceilings."""
        arrays = record.arrays
        open_day(
            day,
            self.parameters,
            self.price_state,
            self.state,
            self.base_demand,
            self.base_output,
            self.ceiling,
            self.physical,
            self.grows,
            self.world_output,
            record.price,
            arrays["demand"],
            arrays["demand_forgone"],
        )

    def after_trade(self, day: int, record: CommodityRecords) -> None:
        """After shipping: the share of today's demand that today's supply did not cover."""
        arrays = record.arrays
        self.price_state[UNSERVED] = unserved_share(
            day,
            self.state,
            arrays["production"],
            arrays["imports_shipped"],
            arrays["exports_shipped"],
        )

    def close_day(self) -> None:
        """After consumption and restocking: the share of the inventory target missing."""
        self.price_state[INVENTORY_GAP] = inventory_gap_share(self.state)
