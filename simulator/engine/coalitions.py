"""Coalition policies: joint stockpiles, mutual transfers (with loans), joint procurement.

Joint procurement acts inside the market's sharing of spare capacity
(:func:`simulator.engine.rerouting.share_spare`); this module sets it up, and
sets up the two stock policies of step 6, whose daily rules run compiled
(:mod:`simulator.engine.policy_kernel`, :mod:`simulator.engine.transfer_kernel`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.engine.market import Market
from simulator.engine.stockpiles import ReleaseRule
from simulator.engine.streams import Stream, Streams
from simulator.model.scenario import (
    Allocation,
    Debit,
    JointProcurement,
    MutualTransfer,
)

__all__ = ["JointPool", "TransferAgreement", "apply_joint_procurement"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_EPS = 1e-12


class JointPool:
    """A coalition's stockpile of one commodity held at one member's location.

    Triggered when any member's coverage falls below the trigger (or any member
    had a shortfall); after the decision delay it releases, each day, to the
    members that are below the trigger (or short) what brings them back to the
    trigger level, split by need (pro rata to each member's gap, counting
    releases already on their way) or from fixed-share accounts.  Releases
    reach the location at once and the other members after
    ``lead_time_days``; a host that does not honour partners' draws in this
    crisis (``host_honours`` false) releases only to itself.  After the crisis
    members buy it back at ``replenish_per_day``: each member pays the refill
    of what it drew (``debit`` drawer) or its share of every refill (shares).
    """

    def __init__(
        self,
        market: Market,
        policy_id: str,
        members: IntArray,
        location: int,
        size: float,
        floor: float,
        allocation: Allocation,
        shares: FloatArray,
        max_release_per_day: float | None,
        replenish_per_day: float,
        lead_time_days: int,
        rule: ReleaseRule,
        debit: Debit = Debit.DRAWER,
        host_honours: bool = True,
    ) -> None:
        self.market = market
        self.policy_id = policy_id
        self.members = members
        self.location = location
        self.debit = debit
        self.host_honours = host_honours
        self.owed = np.zeros(len(members))  # drawn and not yet refilled, per member
        self.size = size
        self.level = size
        self.floor = min(floor, size)
        self.allocation = allocation
        self.shares = shares
        self.accounts = shares * size
        self.max_release = np.inf if max_release_per_day is None else max_release_per_day
        self.replenish_per_day = replenish_per_day
        self.lead_time_days = lead_time_days
        self.rule = rule


class TransferAgreement:
    """Mutual transfer among a coalition's members for one commodity.

    When a member's coverage falls below ``trigger_coverage_days``, the other
    members send it stock above their own floor (``donor_floor_days`` of their
    demand, kept after the day's consumption), split by the burden rule and
    arriving after ``lead_time_days``.  As a loan, the recipient repays from
    stock above its target once it is back there.  Each member honours
    requests in this crisis with its ``honour_probability`` (drawn once per
    replication); a member that defects does not give and, when
    ``reciprocal``, does not receive.
    """

    def __init__(
        self,
        market: Market,
        spec: MutualTransfer,
        members: IntArray,
        member_codes: list[str],
        streams: Streams,
    ) -> None:
        self.market = market
        self.spec = spec
        self.members = members
        self.lead_time_days = round(spec.lead_time_days)
        self.honours = np.array(
            [self._draw_honour(code, streams) for code in member_codes], dtype=bool
        )
        n = len(members)
        self.loans = np.zeros((n, n))  # loans[lender, borrower]

    def _draw_honour(self, code: str, streams: Streams) -> bool:
        p = self.spec.honour_probability
        probability = p.get(code, 1.0) if isinstance(p, dict) else p
        if probability >= 1.0:  # a uniform draw is below 1: no generator needed
            return True
        rng = streams.generator(Stream.POLITICS, f"{self.spec.id}:{code}")
        return bool(rng.uniform() < probability)


def apply_joint_procurement(market: Market, spec: JointProcurement, members: IntArray) -> None:
    """Give the coalition's members priority (or a reserved share) in spare capacity."""
    market.priority_importers[members] = True
    market.joint_procurement = True
    if spec.share is not None:
        market.priority_share = (
            spec.share if market.priority_share is None else max(market.priority_share, spec.share)
        )
