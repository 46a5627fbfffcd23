"""National strategic stockpiles: trigger, decision delay, release, floor, replenishment.

A stockpile watches its country's coverage (commercial inventory in days of
demand, after the day's arrivals and before consumption).  When coverage falls
below ``trigger_coverage_days`` (or, with ``trigger: any_shortfall``, after a
day with shortfall), the government decides to release after
``decision_delay_days``; from that day it releases each day what brings
commercial inventory back to its target, at most ``max_release_per_day`` and
never below the floor.  It stops when the country no longer needs it (coverage
back at the target) and must be triggered again, with a new delay, to restart.
After the crisis it buys back toward its size at ``replenish_per_day``: the
purchase is demand on the market (the country orders it), and the stock moves
from commercial inventory into the reserve once it has arrived.
"""

from __future__ import annotations

import numpy as np
import simpy

from simulator.engine.events import at_day_start
from simulator.engine.market import Market
from simulator.engine.records import CommodityRecords
from simulator.engine.streams import Stream, Streams
from simulator.model.distributions import RandomQuantity, draw_days
from simulator.model.limits import DELAY_DAYS
from simulator.model.scenario import Trigger

__all__ = ["NationalStockpile", "ReleaseRule"]


class ReleaseRule:
    """Arming, the decision delay and the release state shared by national and joint stockpiles."""

    def __init__(
        self,
        env: simpy.Environment,
        policy_id: str,
        trigger: Trigger,
        trigger_coverage_days: float | None,
        decision_delay: RandomQuantity,
        streams: Streams,
    ) -> None:
        self.env = env
        self.trigger = trigger
        self.trigger_coverage_days = trigger_coverage_days
        self.decision_delay = decision_delay
        self.rng = streams.generator(Stream.POLICY_DELAYS, policy_id)
        self.armed = False
        self.releasing = False

    def triggered(self, coverage: float, shortfall_yesterday: float) -> bool:
        """Whether the trigger condition holds today."""
        if self.trigger is Trigger.ANY_SHORTFALL:
            return shortfall_yesterday > 1e-12
        return self.trigger_coverage_days is not None and coverage < self.trigger_coverage_days

    def arm(self) -> None:
        """The trigger fired: release after the decision delay (today when it is 0)."""
        self.armed = True
        delay = draw_days(self.decision_delay, self.rng, DELAY_DAYS)
        if delay == 0:
            self._decide()
        else:
            at_day_start(self.env, delay, self._decide)

    def _decide(self) -> None:
        # A decision taken while armed; standing down before it cancels it.
        if self.armed:
            self.releasing = True

    def stand_down(self) -> None:
        """The need has passed: stop releasing; a new trigger is needed to restart."""
        self.armed = False
        self.releasing = False


class NationalStockpile:
    """A country's strategic reserve of one commodity."""

    def __init__(
        self,
        env: simpy.Environment,
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
        if not rule.armed and rule.triggered(coverage, shortfall_yesterday):
            rule.arm()
        if rule.armed and market.stock[i] >= target + demand:
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
