"""Invariants of a run, recomputed from its daily records and the scenario alone.

The engine checks one global ledger per commodity; that ledger cannot see
material delivered to the wrong country, a reserve that overflows, or a
transit counter that drifts from what is actually scheduled.  These checks
recompute, from the inputs (the scenario) and the daily records only:

- **per country and commodity**, the material balance of what the country
  holds commercially (inventory plus releases and transfers on their way to
  it), cumulated day by day::

      initial inventory + arrivals + production + releases + transfers in
        = consumption + exports shipped + transfers out + stocked
          + inventory + policy in transit

  (``stocked`` is what moved into national reserves and pools);
- the reserves' and pools' own balance: their stock changes by what was
  stocked minus what was released;
- every trade counter: ``in transit(t) = in transit(t-1) + shipped(t) -
  arrived(t)`` from the baseline pipeline ``Σ f·L`` computed here, and equal at
  the horizon to what the arrival calendar still holds;
- loans: net to zero across members every day, and each member's balance is
  what it has lent minus what it has borrowed (transfers out minus in);
- bounds: nothing negative; reserves within ``[0, size]``, pools within
  ``[0, size]``; production within capacity (grown at most by a declared
  expansion's ramp); shortfall only when the inventory is empty;
- the engine's ledger: its four numbers equal the sums of the records and the
  initial stock computed here from the scenario;
- recipes: at a producer's country an input's starting inventory is
  ``inventory_days`` of final use plus ``input_stock_days`` of input use, and
  every day ``units per unit x production = used in products + substituted``
  per input and country.

Assumes what the property tests build: every country in at most one joint
stockpile per commodity, and pool shares summing to one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simulator.engine import CommodityRecords, RunResult
from simulator.model.market_spec import market_of
from simulator.model.network import CommodityNetwork, TradeNetwork
from simulator.model.recipes import producer_recipes
from simulator.model.scenario import Scenario

__all__ = ["InitialStocks", "check_invariants", "initial_stocks"]

FloatArray = npt.NDArray[np.float64]
DAYS_PER_YEAR = 365.0
RTOL = 1e-9
"""Relative tolerance of a balance, on the scale of the material moved."""


@dataclass(frozen=True)
class InitialStocks:
    """What a commodity's countries hold at the start, computed from the scenario (units)."""

    inventory: FloatArray
    in_transit: FloatArray
    reserve_size: FloatArray
    pool_size: float

    @property
    def total(self) -> float:
        return float(
            self.inventory.sum() + self.in_transit.sum() + self.reserve_size.sum() + self.pool_size
        )


def _lead_times(net: CommodityNetwork, result: RunResult) -> FloatArray:
    """Each link's lead time: the declared number, or the drawn value, in whole days >= 1."""
    leads = np.empty(net.n_links)
    for k, q in enumerate(net.lead_time_days):
        value = (
            q
            if isinstance(q, int | float)
            else result.drawn[f"lead_time_days:{net.commodity}:{net.link_name(k)}"]
        )
        leads[k] = max(1, round(value))
    return leads


def initial_stocks(scenario: Scenario, net: CommodityNetwork, result: RunResult) -> InitialStocks:
    """Day-0 stocks: inventory targets, baseline pipelines ``Σ f·L``, full reserves and pools."""
    demand = net.demand_per_year / DAYS_PER_YEAR
    flow = net.flow_per_year / DAYS_PER_YEAR
    transit = np.bincount(
        net.link_importer, flow * _lead_times(net, result), minlength=net.n_countries
    )
    reserves = np.zeros(net.n_countries)
    for sp in scenario.policies.stockpiles:
        if sp.commodity == net.commodity and sp.country in net.index:
            i = net.index[sp.country]
            days = sp.size_days or 0.0
            reserves[i] += sp.size_units if sp.size_units is not None else days * demand[i]
    pools = 0.0
    for pool in scenario.policies.joint_stockpiles:
        if pool.commodity == net.commodity:
            members = [net.index[c] for c in scenario.coalitions[pool.coalition] if c in net.index]
            combined = float(demand[members].sum())
            days = pool.size_days or 0.0
            pools += pool.size_units if pool.size_units is not None else days * combined
    return InitialStocks(_inventory(scenario, net), transit, reserves, pools)


def _inventory(scenario: Scenario, net: CommodityNetwork) -> FloatArray:
    """Starting inventory: ``inventory_days`` of final use + ``input_stock_days`` of input use."""
    demand = net.demand_per_year / DAYS_PER_YEAR
    use = np.zeros(net.n_countries)
    stock = np.zeros(net.n_countries)
    for (product, country), recipe in producer_recipes(scenario).items():
        if net.commodity in recipe.inputs:
            node = next(
                n for n in scenario.network.nodes if (n.commodity, n.country) == (product, country)
            )
            u = recipe.inputs[net.commodity] * node.production_per_year / DAYS_PER_YEAR
            use[net.index[country]] += u
            stock[net.index[country]] += recipe.input_stock_days[net.commodity] * u
    return net.inventory_days * np.maximum(demand - use, 0.0) + stock


def _check_recipes(scenario: Scenario, result: RunResult, scale: float) -> None:
    """Each day: units per unit x production = used in products + substituted, per input."""
    needed: dict[str, FloatArray] = {}
    for (product, country), recipe in producer_recipes(scenario).items():
        made = result.records[product]
        produced = made["production"][:, made.countries.index(country)]
        for name, per_unit in recipe.inputs.items():
            rec = result.records[name]
            need = needed.setdefault(name, np.zeros_like(rec["production"]))
            need[:, rec.countries.index(country)] += per_unit * produced
    for name, need in needed.items():
        rec = result.records[name]
        got = rec.used_in_products + rec.substituted
        _close(got, need, scale, "input used + substituted vs units per unit x production", rec)
        _non_negative(rec.used_in_products, scale, "used in products", rec)
        _non_negative(rec.substituted, scale, "substituted", rec)


def _capacity_bound(net: CommodityNetwork, days: int) -> FloatArray:
    """Largest production each country may reach by each day (units/day), shape ``(days, n)``.

    Capacity, plus for a country with an ``expansion`` at most its ramp per
    day from day 0 on, never above its maximum capacity.
    """
    capacity = net.capacity_per_year / DAYS_PER_YEAR
    bound = np.tile(capacity, (days, 1))
    for i, spec in enumerate(net.expansions):
        if spec is not None:
            grown = capacity[i] + spec.ramp_per_year / DAYS_PER_YEAR**2 * np.arange(1, days + 1)
            ceiling = max(capacity[i], spec.max_capacity_per_year / DAYS_PER_YEAR)
            bound[:, i] = np.minimum(grown, ceiling)
    return bound


def _close(
    actual: FloatArray, expected: FloatArray, scale: float, what: str, rec: CommodityRecords
) -> None:
    """Assert ``actual == expected`` to ``RTOL`` of ``scale``; name the worst day and country."""
    gap = np.abs(np.asarray(actual, dtype=float) - np.asarray(expected, dtype=float))
    tolerance = RTOL * max(scale, 1.0)
    if gap.size == 0 or gap.max() <= tolerance:
        return
    where = np.unravel_index(int(np.argmax(gap)), gap.shape)
    if gap.ndim == 2:
        place = f" on day {where[0]} in {rec.countries[where[1]]}"
    elif gap.shape == (rec.days,):
        place = f" on day {where[0]}"
    else:
        place = f" at {where}"
    raise AssertionError(
        f"{rec.commodity}: {what} off by {gap.max():.6g} (tolerance {tolerance:.3g}){place}"
    )


def _non_negative(values: FloatArray, scale: float, what: str, rec: CommodityRecords) -> None:
    _close(np.minimum(values, 0.0), np.zeros_like(values), scale, f"{what} negative", rec)


def check_invariants(scenario: Scenario, result: RunResult) -> None:
    """Raise ``AssertionError`` naming the commodity, day and country of any broken invariant."""
    network = TradeNetwork.from_scenario(scenario)
    total = 0.0
    for commodity, rec in result.records.items():
        net = network[commodity]
        start = initial_stocks(scenario, net, result)
        a = rec.arrays
        scale = start.total + float(a["production"].sum()) + float(a["demand"].sum())
        _check_bounds(rec, start, net, scale, scenario)
        _check_country_balance(rec, start, scale)
        _check_reserves_balance(rec, start, scale)
        _check_transit(rec, start, scale)
        _check_loans(scenario, rec, scale)
        ledger = result.ledgers[commodity]
        final = (
            a["inventory"][-1].sum()
            + a["strategic"][-1].sum()
            + a["pool"][-1].sum()
            + a["in_transit"][-1].sum()
            + a["policy_in_transit"][-1].sum()
        )
        numbers = (ledger.initial_stock, ledger.production, ledger.consumption, ledger.final_stock)
        recomputed = (start.total, a["production"].sum(), a["consumption"].sum(), final)
        _close(np.array(numbers), np.array(recomputed), scale, "ledger vs records", rec)
        total += scale
    _check_recipes(scenario, result, total)


def _check_bounds(
    rec: CommodityRecords,
    start: InitialStocks,
    net: CommodityNetwork,
    scale: float,
    scenario: Scenario,
) -> None:
    a = rec.arrays
    for name in (
        "inventory", "strategic", "pool", "released", "transfers_in", "transfers_out", "arrivals",
        "production", "imports_shipped", "exports_shipped", "stocked", "in_transit",
        "policy_in_transit", "consumption", "shortfall",
    ):  # fmt: skip
        _non_negative(a[name], scale, name, rec)
    _non_negative(start.reserve_size - a["strategic"], scale, "room left in national reserves", rec)
    pooled = a["pool"].sum(axis=1)
    _non_negative(start.pool_size - pooled, scale, "room left in joint stockpiles", rec)
    bound = _capacity_bound(net, rec.days)
    spec = market_of(scenario.market, net.commodity)
    if spec is not None and spec.capacity_growth_per_year > 0:
        # New capacity: at most g x world baseline output a year in all, from day 0.
        world = float(net.production_per_year.sum())
        bound = (
            bound
            + spec.capacity_growth_per_year
            * world
            / DAYS_PER_YEAR**2
            * np.arange(1, rec.days + 1)[:, None]
        )
    _non_negative(bound - a["production"], scale, "capacity left after production", rec)
    _non_negative(a["demand"] - a["consumption"], scale, "demand left after consumption", rec)
    # Consumption is min(demand, inventory): a day with shortfall ends with nothing left.
    short = a["shortfall"] > RTOL * max(scale, 1.0)
    _close(np.where(short, a["inventory"], 0.0), np.zeros_like(a["inventory"]), scale,
           "inventory left on a day with shortfall", rec)  # fmt: skip


def _cumulative(values: FloatArray) -> FloatArray:
    return np.cumsum(values, axis=0)


def _check_country_balance(rec: CommodityRecords, start: InitialStocks, scale: float) -> None:
    """Commercial holdings (inventory + policy in transit) of each country, day by day."""
    a = rec.arrays
    inflow = a["arrivals"] + a["production"] + a["released"] + a["transfers_in"]
    outflow = a["consumption"] + a["exports_shipped"] + a["transfers_out"] + a["stocked"]
    expected = start.inventory + _cumulative(inflow - outflow)
    _close(a["inventory"] + a["policy_in_transit"], expected, scale, "country balance", rec)


def _check_reserves_balance(rec: CommodityRecords, start: InitialStocks, scale: float) -> None:
    """Reserves and pools together change by what was stocked minus what was released."""
    a = rec.arrays
    held = a["strategic"].sum(axis=1) + a["pool"].sum(axis=1)
    moved = _cumulative((a["stocked"] - a["released"]).sum(axis=1))
    expected = start.reserve_size.sum() + start.pool_size + moved
    _close(held, expected, scale, "reserves and pools balance", rec)


def _check_transit(rec: CommodityRecords, start: InitialStocks, scale: float) -> None:
    """Transit counters follow shipments and arrivals and end at what is still scheduled."""
    a = rec.arrays
    expected = start.in_transit + _cumulative(a["imports_shipped"] - a["arrivals"])
    _close(a["in_transit"], expected, scale, "trade in transit", rec)
    _close(a["in_transit"][-1], rec.trade_due_after_horizon, scale,
           "trade in transit vs scheduled after the horizon", rec)  # fmt: skip
    _close(a["policy_in_transit"][-1], rec.policy_due_after_horizon, scale,
           "policy in transit vs scheduled after the horizon", rec)  # fmt: skip


def _check_loans(scenario: Scenario, rec: CommodityRecords, scale: float) -> None:
    """Loans net to zero; a member's balance is what it lent minus what it borrowed."""
    a = rec.arrays
    _close(a["loans_outstanding"].sum(axis=1), np.zeros(rec.days), scale, "loans net", rec)
    agreements = [t for t in scenario.policies.mutual_transfers if rec.commodity in t.commodities]
    if len(agreements) == 1 and agreements[0].loan:
        lent = _cumulative(a["transfers_out"] - a["transfers_in"])
        _close(a["loans_outstanding"], lent, scale, "loans vs transfers", rec)
    elif not any(t.loan for t in agreements):
        _close(a["loans_outstanding"], np.zeros_like(a["loans_outstanding"]), scale,
               "loans without a loan agreement", rec)  # fmt: skip
