"""Coalition policies: joint stockpiles, mutual transfers (with loans), joint procurement.

Joint procurement acts inside the market's sharing of spare capacity
(:meth:`simulator.engine.market.Market._fill_extra`); this module sets it up and
implements the two stock policies of step 6.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.engine.market import Market
from simulator.engine.records import CommodityRecords
from simulator.engine.stockpiles import ReleaseRule
from simulator.engine.streams import Stream, Streams
from simulator.model.scenario import (
    Allocation,
    Burden,
    Debit,
    JointProcurement,
    MutualTransfer,
    Trigger,
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

    def _needs(self, eligible: npt.NDArray[np.bool_]) -> FloatArray:
        """What brings each eligible member back to the trigger level after today's use.

        The trigger level is ``trigger_coverage_days`` of demand (one day's
        demand with ``trigger: any_shortfall``); releases already on their way
        count.  The pool keeps members afloat rather than refilling their whole
        commercial stock, so it lasts longer and is shared evenly in a
        symmetric crisis.
        """
        m = self.market
        i = self.members
        days = self.rule.trigger_coverage_days if self.rule.trigger is Trigger.COVERAGE else 1.0
        level = (days or 0.0) * m.demand[i]
        gap = level + m.demand[i] - m.stock[i] - m.policy_transit[i]
        if not self.host_honours:
            eligible = eligible & (i == self.location)
        return np.where(eligible & m.has_demand[i], np.maximum(gap, 0.0), 0.0)

    def release(self, day: int, record: CommodityRecords) -> None:
        """Step 6: check the trigger and release to the members in need."""
        m, i, rule = self.market, self.members, self.rule
        demand = np.where(m.has_demand[i], m.demand[i], 1.0)
        coverage = np.where(m.has_demand[i], m.stock[i] / demand, np.inf)
        shortfall = m.last_shortfall[i]
        if rule.trigger is Trigger.ANY_SHORTFALL:
            in_need = shortfall > 1e-12
        else:
            in_need = coverage < (rule.trigger_coverage_days or 0.0)
        rule.observe(day, bool(in_need.any()))
        if (
            rule.releasing
            and not in_need.any()
            and (coverage >= m.inventory_target()[i] / demand).all()
        ):
            rule.stand_down()
        if not rule.releasing or self.level - self.floor <= _EPS:
            return
        needs = self._needs(in_need)
        if needs.sum() <= _EPS:
            return
        available = self.level - self.floor
        if self.allocation is Allocation.NEED:
            total = min(self.max_release, available, float(needs.sum()))
            given = needs * (total / needs.sum())
        else:
            floors = self.shares * self.floor
            own = np.maximum(self.accounts - floors, 0.0)
            given = np.minimum(needs, np.minimum(own, self.shares * self.max_release))
            self.accounts -= given
        for k, country in enumerate(i):
            q = float(given[k])
            if q <= _EPS:
                continue
            delay = 0 if country == self.location else self.lead_time_days
            m.schedule_policy(day, delay, int(country), q)
            record.arrays["released"][day, country] += q
            record.arrays["pool_drawn"][day, country] += q
        self.level -= float(given.sum())
        if self.debit is Debit.DRAWER:
            self.owed += given

    def _payers(self) -> FloatArray:
        """Each member's part of the refill: what it owes (drawer), else its share."""
        owed = float(self.owed.sum())
        if self.debit is Debit.DRAWER and owed > _EPS:
            return self.owed / owed
        return self.shares

    def replenishment_orders(self) -> FloatArray:
        """Units each member adds to its order-up-to target to refill the pool."""
        if self.rule.armed or self.replenish_per_day <= 0:
            return np.zeros(len(self.members))
        deficit = self.size - self.level
        return self._payers() * min(deficit, self.replenish_per_day * self.market.tau)

    def replenish(self, day: int, record: CommodityRecords) -> None:
        """Step 8: members move bought stock above their target into the pool, as they owe."""
        if self.rule.armed or self.replenish_per_day <= 0 or self.level >= self.size:
            return
        m, i = self.market, self.members
        surplus = np.maximum(m.stock[i] - m.inventory_target()[i], 0.0)
        due = self._payers() * min(self.replenish_per_day, self.size - self.level)
        moved = np.minimum(due, surplus)
        m.stock[i] -= moved
        self.level += float(moved.sum())
        self.accounts += moved
        self.owed = np.maximum(self.owed - moved, 0.0)
        record.arrays["pool_paid"][day, i] += moved


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
        rng = streams.generator(Stream.POLITICS, f"{self.spec.id}:{code}")
        return bool(rng.uniform() < probability)

    def transfer(self, day: int, record: CommodityRecords) -> None:
        """Step 6: members below the trigger receive stock from the others."""
        m, spec = self.market, self.spec
        i = self.members
        demand = m.demand[i]
        has = m.has_demand[i]
        coverage = np.where(has, m.stock[i] / np.where(has, demand, 1.0), np.inf)
        receivers = coverage < spec.trigger_coverage_days
        if spec.reciprocal:
            receivers &= self.honours
        if not receivers.any():
            return
        for r in np.flatnonzero(receivers):
            country = i[r]
            need = m.inventory_target()[country] + m.demand[country] - m.stock[country]
            need -= m.policy_transit[country]
            if need <= _EPS:
                continue
            donors = self.honours.copy()
            donors[r] = False
            available = np.where(
                donors, np.maximum(m.stock[i] - demand * (1 + spec.donor_floor_days), 0.0), 0.0
            )
            if available.sum() <= _EPS:
                continue
            weight = (
                available
                if spec.burden is Burden.SPARE_STOCK
                else np.where(available > 0, demand, 0.0)
            )
            if weight.sum() <= _EPS:
                continue
            give = np.minimum(available, need * weight / weight.sum())
            for d in np.flatnonzero(give > _EPS):
                q = float(give[d])
                m.stock[i[d]] -= q
                m.schedule_policy(day, self.lead_time_days, int(country), q)
                record.arrays["transfers_out"][day, i[d]] += q
                record.arrays["transfers_in"][day, country] += q
                if spec.loan:
                    self.loans[d, r] += q

    def repay(self, day: int, record: CommodityRecords) -> None:
        """Step 8: borrowers back above target repay their lenders from the surplus."""
        if not self.spec.loan or not self.loans.any():
            return
        m, i = self.market, self.members
        owed = self.loans.sum(axis=0)
        for b in np.flatnonzero(owed > _EPS):
            country = i[b]
            surplus = m.stock[country] - m.inventory_target()[country]
            if surplus <= _EPS:
                continue
            pay = min(surplus, float(owed[b]))
            parts = self.loans[:, b] * (pay / owed[b])
            m.stock[country] -= pay
            self.loans[:, b] -= parts
            self.loans[:, b][self.loans[:, b] < 1e-9] = 0.0
            for lender in np.flatnonzero(parts > _EPS):
                q = float(parts[lender])
                m.schedule_policy(day, self.lead_time_days, int(i[lender]), q)
                record.arrays["transfers_out"][day, country] += q
                record.arrays["transfers_in"][day, i[lender]] += q

    def repayment_orders(self) -> FloatArray:
        """Units each borrower adds to its order-up-to target to repay what it owes.

        Repayment is demand on the market: the borrower buys it back, then repays
        from the surplus above its target once it has arrived.
        """
        if not self.spec.loan:
            return np.zeros(len(self.members))
        return self.loans.sum(axis=0)

    def record_loans(self, day: int, record: CommodityRecords) -> None:
        """Loans outstanding: owed to a member (+), owed by it (−)."""
        if not self.spec.loan:
            return
        balance = self.loans.sum(axis=1) - self.loans.sum(axis=0)
        record.arrays["loans_outstanding"][day, self.members] += balance


def apply_joint_procurement(market: Market, spec: JointProcurement, members: IntArray) -> None:
    """Give the coalition's members priority (or a reserved share) in spare capacity."""
    market.priority_importers[members] = True
    market.joint_procurement = True
    if spec.share is not None:
        market.priority_share = (
            spec.share if market.priority_share is None else max(market.priority_share, spec.share)
        )
