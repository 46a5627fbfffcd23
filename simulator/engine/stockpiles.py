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

The classes here hold a replication's set-up; the daily rules run compiled
over every policy of a commodity (:mod:`simulator.engine.policy_kernel`).
"""

from __future__ import annotations

import numpy as np

from simulator.engine.market import Market
from simulator.engine.streams import Stream, Streams
from simulator.model.distributions import RandomQuantity
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
    passed; a new spell, with a new delay, is needed to
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
        # A generator only for a random delay: a number needs no draw.
        self.rng = (
            None
            if isinstance(decision_delay, int | float)
            else streams.generator(Stream.POLICY_DELAYS, policy_id)
        )


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
