"""The state of one commodity during a run, and the daily process over all of them.

``docs/model.md``, "One day, in order": each commodity runs steps 0–9 every
day; with recipes (:mod:`simulator.engine.tiers`) every commodity runs steps
0–6 in the order of the recipe graph, inputs first, then steps 7–9.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import simpy

from simulator.engine.coalitions import JointPool, TransferAgreement
from simulator.engine.controls import ActiveControl, ExpansionWatch, licence_target
from simulator.engine.market import Market
from simulator.engine.pricing import WorldPrice
from simulator.engine.records import CommodityRecords
from simulator.engine.stockpiles import NationalStockpile
from simulator.engine.tiers import CommodityTier

__all__ = ["Commodity", "all_days", "tier_days"]


@dataclass
class Commodity:
    """Everything one commodity needs during a run."""

    market: Market
    record: CommodityRecords
    controls: list[ActiveControl] = field(default_factory=list)
    stockpiles: list[NationalStockpile] = field(default_factory=list)
    pools: list[JointPool] = field(default_factory=list)
    transfers: list[TransferAgreement] = field(default_factory=list)
    expansion: ExpansionWatch | None = None
    licensed: list[ActiveControl] = field(default_factory=list)
    has_policies: bool = False
    price: WorldPrice | None = None
    tier: CommodityTier | None = None

    def stock_held(self) -> float:
        """All material of this commodity anywhere: inventories, reserves, pools, transit."""
        m = self.market
        return (
            float(m.stock.sum())
            + sum(s.level for s in self.stockpiles)
            + sum(p.level for p in self.pools)
            + m.in_transit()
        )


def all_days(env: simpy.Environment, horizon: int, commodities: list[Commodity]):  # type: ignore[no-untyped-def]
    """The daily process: every day, every commodity, steps 1–9 in order."""
    for day in range(horizon):
        for c in commodities:
            _one_day(day, c)
        yield env.timeout(1)


def tier_days(env: simpy.Environment, horizon: int, commodities: list[Commodity]):  # type: ignore[no-untyped-def]
    """The daily process with recipes: steps 0–6 in recipe order (inputs first), then 7–9."""
    for day in range(horizon):
        for c in commodities:
            _first_half(day, c)
        for c in commodities:
            _second_half(day, c)
        yield env.timeout(1)


def _one_day(day: int, c: Commodity) -> None:
    _first_half(day, c)
    _second_half(day, c)


def _first_half(day: int, c: Commodity) -> None:
    """Steps 0–6; with recipes, a product's output is capped by the inputs drawn."""
    m, record, tier = c.market, c.record, c.tier
    if c.licensed:
        licence_target(m, c.licensed, day)
        for k in c.licensed:
            if k.licence_queue is not None and k.in_effect(day):
                k.licence_queue.draw()
    if c.has_policies:
        _replenishment_targets(c)
    if c.price is not None:  # 0. today's price, demand and output ceilings
        c.price.open_day(day, record)
    if tier is not None:
        tier.open_input()
        tier.cap_output(day)
    m.receive_and_trade(day, record)  # 1–5. arrivals, orders … shipping
    if tier is not None:
        tier.draw_inputs(day)
    if c.price is not None:
        c.price.after_trade(day, record)
    for k in c.licensed:
        if k.licence_queue is not None and k.in_effect(day):
            k.licence_queue.submit(day)
    if c.expansion is not None:
        c.expansion.observe(day)
        m.grow_capacity()
    if c.has_policies:
        for sp in c.stockpiles:  # 6. releases, transfers
            sp.release(day, record)
        for pool in c.pools:
            pool.release(day, record)
        for agreement in c.transfers:
            agreement.transfer(day, record)
    if tier is not None:
        tier.close_first_half()


def _second_half(day: int, c: Commodity) -> None:
    """Steps 7–9: consumption, replenishment and repayment, records."""
    m, record, tier = c.market, c.record, c.tier
    if tier is not None:
        tier.before_consumption()
    m.consume(day, record)  # 7. consumption
    if tier is not None:
        tier.after_consumption(day)
    if c.has_policies:
        before = m.stock.copy()
        for sp in c.stockpiles:  # 8. replenishment, repayment; 9. record
            sp.replenish(day)
            record.arrays["strategic"][day, sp.country] += sp.level
        for pool in c.pools:
            pool.replenish(day, record)
            record.arrays["pool"][day, pool.members] += pool.shares * pool.level
        record.arrays["stocked"][day] = before - m.stock
        for agreement in c.transfers:
            agreement.repay(day, record)
            agreement.record_loans(day, record)
    m.record_end_of_day(day, record)
    if c.price is not None:
        c.price.close_day()


def _replenishment_targets(c: Commodity) -> None:
    m = c.market
    target = np.zeros(m.n)
    for sp in c.stockpiles:
        target[sp.country] += sp.replenishment_order()
    for pool in c.pools:
        target[pool.members] += pool.replenishment_orders()
    for agreement in c.transfers:
        target[agreement.members] += agreement.repayment_orders()
    m.replenish_target[:] = target
