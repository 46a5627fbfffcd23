"""One replication of a scenario: build fresh state, run SimPy, check the ledger.

:func:`simulate` is a pure function of the frozen scenario, the seed and the
replication index.  Nothing is kept between calls, so replications can run in
any order, on any number of workers, with identical results.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import simpy

from simulator.engine.coalitions import JointPool, TransferAgreement, apply_joint_procurement
from simulator.engine.controls import ExpansionWatch, start_control
from simulator.engine.day import Commodity, commodity_days, tier_days
from simulator.engine.events import DayClock
from simulator.engine.market import Market
from simulator.engine.policy_book import PolicyBook
from simulator.engine.policy_layout import RECORDS as POLICY_RECORDS
from simulator.engine.pricing import WorldPrice
from simulator.engine.records import CommodityRecords, Ledger, RunResult
from simulator.engine.stockpiles import NationalStockpile, ReleaseRule
from simulator.engine.streams import Stream, Streams
from simulator.engine.tiers import (
    build_tiers,
    check_recipe_ledger,
    inherit_shock_starts,
    tier_order,
)
from simulator.errors import ConservationError
from simulator.model.distributions import draw_days
from simulator.model.limits import DELAY_DAYS, LEAD_TIME_DAYS, DayRange
from simulator.model.market_spec import market_of
from simulator.model.network import CommodityNetwork, TradeNetwork
from simulator.model.scenario import Allocation, Scenario

__all__ = ["CONSERVATION_RTOL", "check_ledger", "simulate"]

CONSERVATION_RTOL = 1e-9
"""Largest relative gap of a commodity's material ledger before a run fails."""


def simulate(
    scenario: Scenario,
    replication: int = 0,
    *,
    seed: int | None = None,
    network: TradeNetwork | None = None,
    time_advance: Literal["next_event", "daily"] = "next_event",
) -> RunResult:
    """Simulate replication ``replication`` of ``scenario``.

    Parameters
    ----------
    scenario
        A validated scenario whose network is inline (as returned by
        :func:`simulator.load_scenario`).
    replication
        Replication index ``r``: random streams are
        ``SeedSequence(seed, spawn_key=(r, stream, ...))``.
    seed
        Root seed; the scenario's ``seed`` when omitted.
    network
        The scenario's :class:`TradeNetwork`, when already built (batches build
        it once).
    time_advance
        ``"next_event"`` (the default) runs the days between two moments at
        once where nothing but the daily flows happens; ``"daily"`` runs every
        day in Python.  The records are the same either way
        (``docs/model.md``, "Time advance"); ``"daily"`` is the reference the
        tests compare with.

    Returns
    -------
    RunResult
        Daily records and the material ledger of every commodity.

    Raises
    ------
    ConservationError
        If a commodity's ledger does not balance to ``CONSERVATION_RTOL``.
    """
    root_seed = scenario.seed if seed is None else seed
    streams = Streams(root_seed, replication)
    network = network or TradeNetwork.from_scenario(scenario)
    env = DayClock()
    horizon = scenario.horizon_days
    drawn: dict[str, float] = {}

    commodities = [_build(env, scenario, network[c], streams, drawn) for c in network.commodities]
    tiers = build_tiers(
        network.recipes,
        {c.market.commodity: (c.market, c.record, c.price) for c in commodities},
        streams,
        drawn,
    )
    initial = {c.market.commodity: c.stock_held() for c in commodities}
    if tiers:  # inputs first: steps 0-6 of every commodity, then steps 7-9
        by_name = {c.market.commodity: c for c in commodities}
        for c in commodities:
            c.tier = tiers.get(c.market.commodity)
        ordered = [by_name[name] for name in tier_order(scenario, network.commodities)]
        env.process(tier_days(env, horizon, ordered))
    else:  # each commodity on its own: nothing but recipes links two commodities' days
        for c in commodities:
            env.process(commodity_days(env, horizon, c, spans=time_advance == "next_event"))
    env.run()
    for c in commodities:
        c.market.finish_records(c.record)

    ledgers: dict[str, Ledger] = {}
    for c in commodities:
        m = c.market
        ledger = Ledger(
            commodity=m.commodity,
            initial_stock=initial[m.commodity],
            production=m.produced_total,
            consumption=m.consumed_total,
            final_stock=c.stock_held(),
            used_in_products=float(c.record.used_in_products.sum()),
        )
        check_ledger(ledger)
        ledgers[m.commodity] = ledger
    check_recipe_ledger(tiers, CONSERVATION_RTOL)

    starts: dict[str, int | None] = {}
    for c in commodities:
        days = [k.effective_day for k in c.controls if k.effective_day < horizon and k.links.size]
        starts[c.market.commodity] = min(days) if days else None
    if tiers:
        inherit_shock_starts(tiers, tier_order(scenario, network.commodities), starts)
    return RunResult(
        scenario=scenario.name,
        seed=root_seed,
        replication=replication,
        horizon_days=horizon,
        records={c.market.commodity: c.record for c in commodities},
        ledgers=ledgers,
        shock_start_day=starts,
        drawn=drawn,
    )


def check_ledger(ledger: Ledger) -> None:
    """Raise :class:`ConservationError` if ``ledger`` does not balance to ``CONSERVATION_RTOL``.

    The message names the commodity and the size of the gap,
    ``initial + production - consumption - final``.
    """
    if ledger.relative_gap > CONSERVATION_RTOL:
        raise ConservationError(
            f"material ledger of {ledger.commodity!r} does not balance: initial + production"
            f" - consumption - final = {ledger.gap:.6g} units"
            f" (relative {ledger.relative_gap:.3g} > {CONSERVATION_RTOL:g})"
        )


def _link_days(
    net: CommodityNetwork,
    which: Literal["lead_time_days", "contracting_delay_days"],
    stream: Stream,
    valid: DayRange,
    streams: Streams,
    drawn: dict[str, float],
) -> npt.NDArray[np.int64]:
    """Whole days per link within ``valid``; random ones drawn each on its own sub-stream."""
    fixed, random = net.fixed_days(which, valid)
    days = fixed.copy()
    quantities = getattr(net, which)
    for k in random:  # no generator for a number: making one costs more than the day
        name = f"{net.commodity}:{net.link_name(k)}"
        days[k] = draw_days(quantities[k], streams.generator(stream, name), valid)
        drawn[f"{which}:{name}"] = float(days[k])
    return days


def _build(
    env: simpy.Environment,
    scenario: Scenario,
    net: CommodityNetwork,
    streams: Streams,
    drawn: dict[str, float],
) -> Commodity:
    commodity = net.commodity
    horizon = scenario.horizon_days
    policies = scenario.policies
    index = net.index
    shocks = [s for s in scenario.shocks if s.commodity == commodity]
    extra_delay = max(
        [round(s.leakage.extra_lead_time_days) for s in shocks if s.leakage is not None]
        + [round(p.lead_time_days) for p in policies.joint_stockpiles if p.commodity == commodity]
        + [round(p.lead_time_days) for p in policies.mutual_transfers if commodity in p.commodities]
        + [0]
    )
    market = Market(
        net,
        _link_days(net, "lead_time_days", Stream.LEAD_TIMES, LEAD_TIME_DAYS, streams, drawn),
        _link_days(net, "contracting_delay_days", Stream.CONTRACTING, DELAY_DAYS, streams, drawn),
        horizon,
        scenario.ordering.adjustment_days,
        extra_delay,
    )
    links = net.link_pairs
    record = CommodityRecords.empty(
        commodity,
        net.countries,
        market.demand.copy(),
        market.inventory_target().copy(),
        horizon,
        links,
        scenario.commodities[commodity].price_usd_per_unit,
        zeroed=False,  # the run writes the fields left unset
    )
    state = Commodity(market, record)
    priced = market_of(scenario.market, commodity)
    if priced is not None:
        controlling = np.zeros(market.n, dtype=np.bool_)
        for shock in shocks:
            if shock.exporter in index:
                controlling[index[shock.exporter]] = True
        state.price = WorldPrice(
            priced,
            record.base_price,
            market.state,
            market.base_output,
            market.separate_capacity(),
            controlling,
        )

    for spec in shocks:
        control = start_control(env, market, spec, streams, horizon)
        drawn[f"shocks.{spec.id}.effective_day"] = control.effective_day
        if control.end_day is not None:
            drawn[f"shocks.{spec.id}.duration_days"] = control.end_day - control.effective_day
        state.controls.append(control)

    stockpiles: list[NationalStockpile] = []
    pools: list[JointPool] = []
    transfers: list[TransferAgreement] = []
    for sp in policies.stockpiles:
        if sp.commodity != commodity or sp.country not in index:
            continue
        i = index[sp.country]
        daily = market.demand[i]
        size = sp.size_units if sp.size_units is not None else (sp.size_days or 0.0) * daily
        rule = ReleaseRule(
            sp.id, sp.trigger, sp.trigger_coverage_days, sp.decision_delay_days, streams
        )
        record.reserve_size[i] += size
        stockpiles.append(
            NationalStockpile(
                market,
                sp.id,
                i,
                size,
                sp.floor_days * daily,
                sp.max_release_per_day,
                sp.replenish_per_day,
                rule,
            )
        )

    for pool in policies.joint_stockpiles:
        if pool.commodity != commodity:
            continue
        codes = [c for c in scenario.coalitions[pool.coalition] if c in index]
        members = np.array([index[c] for c in codes], dtype=np.int64)
        combined = float(market.demand[members].sum())
        size = (
            pool.size_units if pool.size_units is not None else (pool.size_days or 0.0) * combined
        )
        if pool.shares is not None:
            shares = np.array([pool.shares.get(c, 0.0) for c in codes])
        else:
            shares = (
                market.demand[members] / combined
                if combined > 0
                else np.full(len(codes), 1 / len(codes))
            )
        rule = ReleaseRule(
            pool.id,
            pool.trigger,
            pool.trigger_coverage_days,
            pool.decision_delay_days,
            streams,
        )
        pools.append(
            JointPool(
                market,
                pool.id,
                members,
                index.get(pool.location, -1),
                size,
                pool.floor_days * combined,
                pool.allocation if pool.shares is not None else Allocation.NEED,
                shares,
                pool.max_release_per_day,
                pool.replenish_per_day,
                round(pool.lead_time_days),
                rule,
                pool.draws_debited_to,
                _host_honours(pool.id, pool.host_release_probability, streams, drawn),
            )
        )
        record.pool_size[members] += pools[-1].shares * size

    for transfer in policies.mutual_transfers:
        if commodity not in transfer.commodities:
            continue
        codes = [c for c in scenario.coalitions[transfer.coalition] if c in index]
        members = np.array([index[c] for c in codes], dtype=np.int64)
        agreement = TransferAgreement(market, transfer, members, codes, streams)
        for code, honours in zip(codes, agreement.honours, strict=True):
            drawn[f"policies.mutual_transfers.{transfer.id}.honours.{code}"] = float(honours)
        transfers.append(agreement)

    for proc in policies.joint_procurement:
        if commodity in proc.commodities and (proc.priority or proc.share is not None):
            members = np.array(
                [index[c] for c in scenario.coalitions[proc.coalition] if c in index],
                dtype=np.int64,
            )
            apply_joint_procurement(market, proc, members)

    if net.derived("engine.has_expansions", _has_expansions):
        state.expansion = ExpansionWatch(env, market, net.expansions, streams)
    state.licensed = [k for k in state.controls if k.licence_queue is not None and k.links.size]
    if stockpiles or pools or transfers:
        state.policies = PolicyBook(market, record, stockpiles, pools, transfers)
    else:
        record.unwritten |= frozenset(POLICY_RECORDS)
    if priced is None:
        record.unwritten |= {"demand_forgone"}
    return state


def _has_expansions(net: CommodityNetwork) -> bool:
    """Whether any supplier of ``net`` may expand its capacity."""
    return any(e is not None for e in net.expansions)


def _host_honours(
    pool_id: str, probability: float, streams: Streams, drawn: dict[str, float]
) -> bool:
    """Whether the host of a joint stockpile honours partners' draws in this replication.

    Drawn once per replication on the political-reliability stream, the pool's
    own sub-stream (``<id>:host``): the same draw whatever the probability, so
    variants stay paired; a probability of 1 needs none (a uniform draw is
    below 1).  Recorded in ``drawn`` when the probability is below 1.
    """
    if probability >= 1.0:
        return True
    rng = streams.generator(Stream.POLITICS, f"{pool_id}:host")
    honours = bool(rng.uniform() < probability)
    drawn[f"policies.joint_stockpiles.{pool_id}.host_honours"] = float(honours)
    return honours
