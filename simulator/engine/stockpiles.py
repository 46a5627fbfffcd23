"""National strategic stockpiles: trigger, decision delay, release, floor, replenishment.

A stockpile watches its country's coverage (commercial inventory in days of
demand, after the day's arrivals and before consumption).  When coverage falls
below ``trigger_coverage_days`` (or, with ``trigger: any_shortfall``, after a
day with shortfall) and stays there for the whole ``decision_delay_days``,
counted from the first day of the spell, the government decides to release
(a spell that ends first cancels its decision); from that day it releases each day what brings
commercial inventory back to its target, at most ``max_release_per_day`` and
never below the floor.  It stops when the country no longer needs it (coverage
back at the target) and must be triggered again, with a new delay, to restart.
After the crisis it buys back toward its size at ``replenish_per_day``: the
purchase is demand on the market (the country orders it), and the stock moves
from commercial inventory into the reserve once it has arrived.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.market import Market
from simulator.engine.records import CommodityRecords
from simulator.engine.streams import Stream, Streams
from simulator.model.distributions import RandomQuantity, draw_days
from simulator.model.limits import DELAY_DAYS
from simulator.model.scenario import Trigger

__all__ = ["NationalStockpile", "ReleaseRule"]


class ReleaseRule:
    """Trigger, decision delay and release state, shared by national and joint stockpiles.

    A *spell* is a run of consecutive days on which the trigger holds (coverage
    below ``trigger_coverage_days``, or a shortfall the day before).  Its first
    day draws a decision delay ``d`` (policy-delay stream, the policy's own
    sub-stream); the decision to release is taken on day ``start + d`` if the
    trigger has held on every day from ``start`` to that day, and the release
    begins that day.  A day on which the trigger no longer holds ends the
    spell and cancels its pending decision for good: a later spell starts a
    new delay.  Once releasing, the rule stands down only when the need has
    passed (the caller says when); a new spell, with a new delay, is needed to
    release again.
    """

    def __init__(
        self,
        policy_id: str,
        trigger: Trigger,
        trigger_coverage_days: float | None,
        decision_delay: RandomQuantity,
        streams: Streams,
    ) -> None:
        self.trigger = trigger
        self.trigger_coverage_days = trigger_coverage_days
        self.decision_delay = decision_delay
        self.rng = streams.generator(Stream.POLICY_DELAYS, policy_id)
        self.spell_start: int | None = None
        self.decision_day = 0
        self.releasing = False

    @property
    def armed(self) -> bool:
        """In a crisis: a spell below the trigger is under way, or the reserve is releasing."""
        return self.releasing or self.spell_start is not None

    def triggered(self, coverage: float, shortfall_yesterday: float) -> bool:
        """Whether the trigger condition holds today."""
        if self.trigger is Trigger.ANY_SHORTFALL:
            return shortfall_yesterday > 1e-12
        return self.trigger_coverage_days is not None and coverage < self.trigger_coverage_days

    def observe(self, day: int, triggered: bool) -> None:
        """Follow today's spell; take the decision to release when its delay is up."""
        if self.releasing:
            return
        if not triggered:
            self.spell_start = None  # the spell ended: its pending decision is cancelled
            return
        if self.spell_start is None:
            self.spell_start = day
            self.decision_day = day + draw_days(self.decision_delay, self.rng, DELAY_DAYS)
        if day >= self.decision_day:
            self.releasing = True

    def stand_down(self) -> None:
        """The need has passed: stop releasing; a new spell is needed to restart."""
        self.spell_start = None
        self.releasing = False


class NationalStockpile:
    """A country's strategic reserve of one commodity."""

    def __init__(
        self,
        market: Market,
        policy_id: str,
        country: int,
        size: float,
        floor: float,
        max_release_per_day: float | None,
        replenish_per_day: float,
        rule: ReleaseRule,
    ) -> None:
        self.market = market
        self.policy_id = policy_id
        self.country = country
        self.size = size
        self.level = size
        self.floor = min(floor, size)
        self.max_release = np.inf if max_release_per_day is None else max_release_per_day
        self.replenish_per_day = replenish_per_day
        self.rule = rule

    def release(self, day: int, record: CommodityRecords) -> None:
        """Step 6: check the trigger and release what the rule allows."""
        market, i, rule = self.market, self.country, self.rule
        demand = market.demand[i]
        if demand <= 0:
            return
        target = market.inventory_target()[i]
        coverage = market.stock[i] / demand
        shortfall_yesterday = float(market.last_shortfall[i])
        rule.observe(day, rule.triggered(coverage, shortfall_yesterday))
        if rule.releasing and market.stock[i] >= target + demand:
            # Back at target after today's consumption: the crisis is over for this reserve.
            rule.stand_down()
        if not rule.releasing:
            return
        need = target + demand - market.stock[i]
        quantity = min(self.max_release, self.level - self.floor, max(need, 0.0))
        if quantity > 0:
            self.level -= quantity
            market.stock[i] += quantity
            record.arrays["released"][day, i] += quantity

    def replenishment_order(self) -> float:
        """Units the country adds to its order-up-to target to refill the reserve."""
        if self.rule.armed or self.replenish_per_day <= 0:
            return 0.0
        return min(self.size - self.level, self.replenish_per_day * self.market.tau)

    def replenish(self, day: int) -> None:
        """Step 8: move bought stock above the commercial target into the reserve."""
        if self.rule.armed or self.replenish_per_day <= 0 or self.level >= self.size:
            return
        market, i = self.market, self.country
        surplus = market.stock[i] - market.inventory_target()[i]
        quantity = min(self.replenish_per_day, self.size - self.level, max(surplus, 0.0))
        if quantity > 0:
            market.stock[i] -= quantity
            self.level += quantity
