"""Every stock policy of one commodity as arrays, for the compiled steps of :mod:`policy_kernel`.

:class:`PolicyBook` packs the national reserves, joint stockpiles and
transfer agreements a replication set up (:mod:`simulator.engine.stockpiles`,
:mod:`simulator.engine.coalitions`) into the arrays the compiled steps 6 and 8
read and update, and keeps each release rule's decision delays: drawn on the
rule's own stream a few at a time, ahead of need, in the order the rule's
spells use them — the draws a rule makes are the same whether it draws them
one by one or ahead.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.engine import policy_kernel
from simulator.engine import policy_layout as pk
from simulator.engine.coalitions import JointPool, TransferAgreement
from simulator.engine.market import Market
from simulator.engine.records import CommodityRecords
from simulator.engine.stockpiles import NationalStockpile, ReleaseRule
from simulator.model.distributions import draw_days, draw_days_ahead
from simulator.model.limits import DELAY_DAYS
from simulator.model.scenario import Allocation, Burden, Debit, Trigger

__all__ = ["DELAYS_AHEAD", "PolicyBook"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DELAYS_AHEAD = 4
"""Decision delays a rule with a random delay draws at a time."""


class PolicyBook:
    """The stock policies of one commodity in one replication, as arrays."""

    def __init__(
        self,
        market: Market,
        record: CommodityRecords,
        stockpiles: list[NationalStockpile],
        pools: list[JointPool],
        transfers: list[TransferAgreement],
    ) -> None:
        self.market = market
        self.rules: list[ReleaseRule] = [sp.rule for sp in stockpiles] + [p.rule for p in pools]
        self.book = _book(stockpiles, pools, transfers)
        self.res_values, self.pool_values = self.book[pk.RES_VALUES], self.book[pk.POOL_VALUES]
        self.rule_ints, self.delays = self.book[pk.RULE_STATE], self.book[pk.DELAYS]
        self.records = tuple(record.arrays[name] for name in pk.RECORDS)
        self.draw_delays()

    @staticmethod
    def no_policies() -> tuple[pk.Book, pk.Records]:
        """The book and records of a commodity without policies (not read: shapes and types)."""
        return _NO_POLICIES

    def stock_held(self) -> tuple[float, float]:
        """Units held in national reserves, and in joint stockpiles (each added in order)."""
        return (
            sum(self.res_values[:, pk.LEVEL].tolist()),
            sum(self.pool_values[:, pk.LEVEL].tolist()),
        )

    def draw_delays(self) -> None:
        """Draw the next decision delays of every rule that has used up its own."""
        ints = self.rule_ints
        for r, rule in enumerate(self.rules):
            if ints[r, pk.FIXED_DELAY] < 0 and ints[r, pk.NEXT] >= DELAYS_AHEAD:
                delay = rule.decision_delay
                self.delays[r] = draw_days_ahead(delay, rule.rng, DELAY_DAYS, DELAYS_AHEAD)
                ints[r, pk.NEXT] = 0

    def set_targets(self) -> None:
        """Each country's replenishment target (refills, loans to buy back), before trade."""
        m = self.market
        policy_kernel.policy_targets(m.state, m.tau, self.book)

    def release(self, day: int) -> None:
        """Step 6: reserves, joint stockpiles, transfers."""
        m = self.market
        self.draw_delays()
        policy_kernel.policy_release(
            day, m.state, m.has_demand, self.book, m.policy_calendar, self.records
        )

    def replenish(self, day: int) -> None:
        """Step 8 and the policies' records of step 9."""
        m = self.market
        policy_kernel.policy_replenish(day, m.state, self.book, m.policy_calendar, self.records)


def _book(
    stockpiles: list[NationalStockpile], pools: list[JointPool], transfers: list[TransferAgreement]
) -> pk.Book:
    """The arrays of a book (``pk.RES_COUNTRY`` … ``pk.MEMBER_WORK``); empty lists, empty arrays."""
    s, p, t = len(stockpiles), len(pools), len(transfers)
    res_country = np.array([sp.country for sp in stockpiles], dtype=np.int64)
    res_values = np.zeros((s, pk.STOCK_VALUES))
    for k, sp in enumerate(stockpiles):
        res_values[k] = (sp.size, sp.level, sp.floor, sp.max_release, sp.replenish_per_day)
    width = max([len(pool.members) for pool in pools] + [1])
    pool_members = np.full((p, width), -1, dtype=np.int64)
    pool_count = np.array([len(pool.members) for pool in pools], dtype=np.int64)
    pool_values = np.zeros((p, pk.STOCK_VALUES))
    pool_ints = np.zeros((p, pk.POOL_INTS), dtype=np.int64)
    shares, accounts, owed = np.zeros((p, width)), np.zeros((p, width)), np.zeros((p, width))
    for k, pool in enumerate(pools):
        size = len(pool.members)
        pool_members[k, :size] = pool.members
        pool_values[k] = (
            pool.size,
            pool.level,
            pool.floor,
            pool.max_release,
            pool.replenish_per_day,
        )
        pool_ints[k] = (
            pool.location,
            pool.allocation is Allocation.SHARES,
            pool.lead_time_days,
            pool.host_honours,
            pool.debit is Debit.DRAWER,
        )
        shares[k, :size] = pool.shares
        accounts[k, :size] = pool.accounts
        owed[k, :size] = pool.owed
    rules = [sp.rule for sp in stockpiles] + [pool.rule for pool in pools]
    rule_ints = np.zeros((len(rules), pk.RULE_INTS), dtype=np.int64)
    rule_coverage = np.full(len(rules), np.nan)
    for r, rule in enumerate(rules):
        rule_ints[r, pk.BY_SHORTFALL] = rule.trigger is Trigger.ANY_SHORTFALL
        rule_ints[r, pk.SPELL_START] = -1
        fixed = rule.decision_delay
        rule_ints[r, pk.FIXED_DELAY] = (
            draw_days(fixed, None, DELAY_DAYS) if isinstance(fixed, int | float) else -1
        )
        rule_ints[r, pk.NEXT] = DELAYS_AHEAD  # none drawn yet
        if rule.trigger_coverage_days is not None:
            rule_coverage[r] = rule.trigger_coverage_days
    delays = np.zeros((len(rules), DELAYS_AHEAD), dtype=np.int64)
    twidth = max([len(a.members) for a in transfers] + [1])
    tr_members = np.full((t, twidth), -1, dtype=np.int64)
    tr_count = np.array([len(a.members) for a in transfers], dtype=np.int64)
    honours = np.zeros((t, twidth), dtype=np.bool_)
    tr_values = np.zeros((t, pk.TRANSFER_VALUES))
    tr_ints = np.zeros((t, pk.TRANSFER_INTS), dtype=np.int64)
    for k, a in enumerate(transfers):
        size = len(a.members)
        tr_members[k, :size] = a.members
        honours[k, :size] = a.honours
        tr_values[k] = (a.spec.trigger_coverage_days, a.spec.donor_floor_days)
        tr_ints[k] = (
            a.lead_time_days,
            a.spec.burden is Burden.SPARE_STOCK,
            a.spec.loan,
            a.spec.reciprocal,
        )
    return (
        res_country, res_values, pool_members, pool_count, pool_values, pool_ints, shares,
        accounts, owed, rule_ints, rule_coverage, delays, tr_members, tr_count, honours,
        tr_values, tr_ints, np.zeros((t, twidth, twidth)),
        np.zeros((pk.MEMBER_WORK_ROWS, max(width, twidth))),
    )  # fmt: skip


_NO_POLICIES: tuple[pk.Book, pk.Records] = (
    _book([], [], []),
    tuple(np.zeros((0, 0)) for _ in pk.RECORDS),
)
