"""The state of one commodity during a run, and the processes that run its days.

``docs/model.md``, "One day, in order": each commodity runs steps 0–9 every
day; with recipes (:mod:`simulator.engine.tiers`) every commodity runs steps
0–6 in the order of the recipe graph, inputs first, then steps 7–9.

Without recipes each commodity has a process of its own, which advances time
from event to event (``docs/model.md``, "Time advance"): while the commodity
is *quiet* — no licence being drawn — it runs every day up to the next moment
in one compiled call (:func:`simulator.engine.span.advance_span`), policies
included, which stops early at a state event; otherwise it runs one day in
Python.
Both paths do the same steps in the same order, so the records are identical
(``tests/test_time_advance.py`` compares them).
"""

from __future__ import annotations

import functools
from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import simpy

from simulator.engine import pricing
from simulator.engine.controls import ActiveControl, ExpansionWatch, licence_target
from simulator.engine.events import DayClock
from simulator.engine.market import Market
from simulator.engine.policy_book import PolicyBook
from simulator.engine.pricing import WorldPrice
from simulator.engine.records import CommodityRecords
from simulator.engine.span import advance_span
from simulator.engine.tiers import CommodityTier

__all__ = ["Commodity", "commodity_days", "tier_days"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class Commodity:
    """Everything one commodity needs during a run."""

    market: Market
    record: CommodityRecords
    controls: list[ActiveControl] = field(default_factory=list)
    policies: PolicyBook | None = None
    expansion: ExpansionWatch | None = None
    licensed: list[ActiveControl] = field(default_factory=list)
    price: WorldPrice | None = None
    tier: CommodityTier | None = None

    def no_expansion(self) -> tuple[BoolArray, npt.NDArray[np.int64], FloatArray]:
        """Expansion arguments of the span kernel for a commodity without expansions.

        Shared by every commodity of as many countries: no supplier is
        watched, so the span kernel never writes them.
        """
        return _no_expansion(self.market.n)

    def stock_held(self) -> float:
        """All material of this commodity anywhere: inventories, reserves, pools, transit."""
        m = self.market
        reserves, pools = (0.0, 0.0) if self.policies is None else self.policies.stock_held()
        return float(m.stock.sum()) + reserves + pools + m.in_transit()


@functools.cache
def _no_expansion(n: int) -> tuple[BoolArray, npt.NDArray[np.int64], FloatArray]:
    return np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.int64), np.full(n, np.inf)


def commodity_days(
    env: DayClock, horizon: int, c: Commodity, *, spans: bool = True
) -> Generator[simpy.Event]:
    """The days of one commodity (no recipes): spans of quiet days at once, else day by day.

    With ``spans`` false every day runs in Python (the reference path).
    """
    day = 0
    while day < horizon:
        if spans and _quiet(c, day):
            end = int(min(horizon, env.next_moment(day)))
            stop = _advance(c, day, end)
            if stop == end:
                yield env.timeout(end - day)
                day = end
                continue
            if stop > day:  # a state event: the rest of that day runs here, at its time
                yield env.timeout(stop - day)
                day = stop
            _after_trade(day, c)
            _second_half(day, c)
        else:
            _one_day(day, c)
        yield env.timeout(1)
        day += 1


def tier_days(
    env: simpy.Environment, horizon: int, commodities: list[Commodity]
) -> Generator[simpy.Event]:
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
    _before_trade(day, c)
    if c.tier is not None:
        c.tier.open_input()
        c.tier.cap_output(day)
    c.market.receive_and_trade(day, c.record)  # 1–5. arrivals, orders … shipping
    if c.tier is not None:
        c.tier.draw_inputs(day)
    if c.price is not None:
        c.price.after_trade(day, c.record)
    _after_trade(day, c)


def _before_trade(day: int, c: Commodity) -> None:
    """Licences drawn, replenishment targets, and step 0: today's price, demand, ceilings."""
    m = c.market
    if c.licensed:
        licence_target(m, c.licensed, day)
        for k in c.licensed:
            if k.licence_queue is not None and k.in_effect(day):
                k.licence_queue.draw()
    if c.policies is not None:
        c.policies.set_targets()
    if c.price is not None:
        c.price.open_day(day, c.record)


def _after_trade(day: int, c: Commodity) -> None:
    """After steps 1–5: licence requests queued, expansion, step 6 (releases, transfers)."""
    m = c.market
    for k in c.licensed:
        if k.licence_queue is not None and k.in_effect(day):
            k.licence_queue.submit(day)
    if c.expansion is not None:
        c.expansion.observe(day)
        m.grow_capacity()
    if c.policies is not None:  # 6. releases, transfers
        c.policies.release(day)
    if c.tier is not None:
        c.tier.close_first_half()


def _second_half(day: int, c: Commodity) -> None:
    """Steps 7–9: consumption, replenishment and repayment, records."""
    m, record, tier = c.market, c.record, c.tier
    if tier is not None:
        tier.before_consumption()
    m.consume(day, record)  # 7. consumption
    if tier is not None:
        tier.after_consumption(day)
    if c.policies is not None:  # 8. replenishment, repayment; 9. the policies' records
        c.policies.replenish(day)
    m.record_end_of_day(day, record)
    if c.price is not None:
        c.price.close_day()


# -- spans of quiet days --------------------------------------------------------------------


_NO_PRICE = (
    np.zeros(pricing.PARAMETERS),
    np.zeros(pricing.STATE),
    np.zeros(0),
    np.zeros(0),
    np.zeros(0),
    np.zeros(0, dtype=np.bool_),
    0.0,
)
"""Price arguments of the span kernel for a commodity without a market (not read)."""


def _quiet(c: Commodity, day: int) -> bool:
    """Whether ``day`` and the days after it, up to the next moment, need no Python step.

    True when the commodity has no recipe and no licence is drawn or its
    expected pipeline moving: the controls' moments bound a span, so this
    holds until the next one.  Policies run inside the span.
    """
    if c.tier is not None:
        return False
    return all(not k.in_effect(day) and _licence_settled(k, day) for k in c.licensed)


def _licence_settled(k: ActiveControl, day: int) -> bool:
    """Whether a licensed control's expected pipeline stays constant from ``day`` on."""
    wait = k.expected_processing_days
    if wait <= 0 or day < k.effective_day:
        return True
    return k.end_day is not None and day - k.end_day >= wait


def _advance(c: Commodity, first: int, end: int) -> int:
    """Run the quiet days ``first … end - 1`` at once; return ``end`` or a state event's day."""
    m, record, arrays = c.market, c.record, c.record.arrays
    if c.licensed:
        licence_target(m, c.licensed, first)
    price, watch, policies = c.price, c.expansion, c.policies
    book, policy_records = (
        PolicyBook.no_policies() if policies is None else (policies.book, policies.records)
    )
    parameters, price_state, base_demand, base_output, ceiling, grows, world_output = (
        _NO_PRICE if price is None else price.kernel_arguments()
    )
    watching, streak, sustain = (
        c.no_expansion() if watch is None else (watch.watching, watch.streak, watch.sustain)
    )
    totals = np.array([m.produced_total, m.consumed_total])
    stop = advance_span(
        first,
        end,
        m.tau,
        m.state,
        m.line_values,
        m.line_ints,
        m.priority_importers,
        m.joint_procurement,
        -1.0 if m.priority_share is None else m.priority_share,
        m.approvals_waiting,
        m.trade_calendar,
        m.policy_calendar,
        totals,
        arrays["arrivals"],
        arrays["production"],
        arrays["imports_shipped"],
        arrays["exports_shipped"],
        record.link_shipped,
        m.line_work,
        m.country_work,
        m.open_line,
        arrays["consumption"],
        arrays["inventory"],
        arrays["in_transit"],
        arrays["policy_in_transit"],
        arrays["demand"],
        arrays["demand_forgone"],
        price is not None,
        parameters,
        price_state,
        base_demand,
        base_output,
        ceiling,
        grows,
        world_output,
        record.price,
        m.physical_capacity,
        watching,
        streak,
        sustain,
        m.ramping,
        m.ramp_per_day,
        m.capacity_ceiling,
        policies is not None,
        m.has_demand,
        book,
        policy_records,
    )
    m.produced_total, m.consumed_total = float(totals[0]), float(totals[1])
    m.approvals_waiting = False
    return stop
