"""Steps 6 and 8 of the stock policies, compiled: national reserves and joint stockpiles.

The rules are those of ``docs/model.md`` ("Policies") and of the classes in
:mod:`simulator.engine.stockpiles` and :mod:`simulator.engine.coalitions`,
which set them up; the state of every policy of a commodity lives in the
arrays of a :class:`~simulator.engine.policy_book.PolicyBook` (laid out in
:mod:`simulator.engine.policy_layout`), so that a day of policies is one
compiled call — from Python, day by day, or inside a span of days
(:mod:`simulator.engine.span`).  Transfer agreements are in
:mod:`simulator.engine.transfer_kernel`.

Division follows IEEE (``error_model="numpy"``), as the NumPy expressions it
replaces did: a country whose demand the market has taken to zero has an
infinite coverage, not an error.

All are compiled as the daily step is (:mod:`simulator.engine.compiled`: no
reference counts, nothing allocated; a releasing joint stockpile's work space
is the book's ``MEMBER_WORK``).  Every function that takes the book or the
records (tuples of arrays) is inlined into its caller (``inline="always"``),
which makes an idle day of policies 0.3 µs cheaper than calls do.
"""

from __future__ import annotations

import numpy as np

from simulator.engine import rows
from simulator.engine.compiled import daily
from simulator.engine.policy_layout import (
    ACCOUNTS,
    BY_SHARES,
    BY_SHORTFALL,
    DECISION_DAY,
    DELAYS,
    DRAWER_PAYS,
    EPS,
    FIXED_DELAY,
    FLOOR,
    GIVEN,
    HONOURS,
    HOST_HONOURS,
    IN_NEED,
    LEAD,
    LEVEL,
    LOAN,
    LOANS,
    LOCATION,
    MAX_RELEASE,
    MEMBER_WORK,
    NEEDS,
    NEXT,
    OWED,
    POOL_COUNT,
    POOL_INTS,
    POOL_MEMBERS,
    POOL_VALUES,
    R_LOANS,
    R_POOL,
    R_POOL_DRAWN,
    R_POOL_PAID,
    R_RELEASED,
    R_STOCKED,
    R_STRATEGIC,
    R_TRANSFERS_IN,
    R_TRANSFERS_OUT,
    RELEASING,
    REPLENISH,
    RES_COUNTRY,
    RES_VALUES,
    RULE_COVERAGE,
    RULE_STATE,
    SHARES,
    SIZE,
    SPELL_START,
    TR_COUNT,
    TR_INTS,
    TR_MEMBERS,
    TR_VALUES,
    Book,
    BoolArray,
    FloatArray,
    IntArray,
    Records,
    np_minimum,
    send,
)
from simulator.engine.transfer_kernel import repay, transfer

__all__ = ["delays_needed", "policy_release", "policy_replenish", "policy_targets"]


@daily(inline=True)
def _observe(r: int, day: int, triggered: bool, rule_ints: IntArray, delays: IntArray) -> None:
    """Follow rule ``r``'s spell; take the decision to release when its delay is up."""
    if rule_ints[r, RELEASING]:
        return
    if not triggered:
        rule_ints[r, SPELL_START] = -1  # the spell ended: its pending decision is cancelled
        return
    if rule_ints[r, SPELL_START] < 0:
        rule_ints[r, SPELL_START] = day
        delay = rule_ints[r, FIXED_DELAY]
        if delay < 0:
            delay = delays[r, rule_ints[r, NEXT]]
            rule_ints[r, NEXT] += 1
        rule_ints[r, DECISION_DAY] = day + delay
    if day >= rule_ints[r, DECISION_DAY]:
        rule_ints[r, RELEASING] = 1


@daily(inline=True)
def _armed(r: int, rule_ints: IntArray) -> bool:
    """In a crisis: a spell below the trigger is under way, or the rule is releasing."""
    return bool(rule_ints[r, RELEASING] == 1 or rule_ints[r, SPELL_START] >= 0)


@daily(inline=True)
def _reserve_release(
    s: int, day: int, state: FloatArray, country: IntArray, values: FloatArray,
    rule_ints: IntArray, rule_coverage: FloatArray, delays: IntArray, records: Records,
) -> None:  # fmt: skip
    """Step 6 of national reserve ``s`` (rule ``s``)."""
    i = country[s]
    demand = state[rows.DEMAND, i]
    if demand <= 0:
        return
    target = state[rows.INVENTORY_TARGET, i]
    if rule_ints[s, BY_SHORTFALL]:
        triggered = state[rows.LAST_SHORTFALL, i] > EPS
    else:
        triggered = state[rows.STOCK, i] / demand < rule_coverage[s]  # NaN (no trigger): false
    _observe(s, day, triggered, rule_ints, delays)
    if rule_ints[s, RELEASING] and state[rows.STOCK, i] >= target + demand:
        rule_ints[s, SPELL_START] = -1  # back at target after today's use: stand down
        rule_ints[s, RELEASING] = 0
    if not rule_ints[s, RELEASING]:
        return
    need = target + demand - state[rows.STOCK, i]
    quantity = min(values[s, MAX_RELEASE], values[s, LEVEL] - values[s, FLOOR], max(need, 0.0))
    if quantity > 0:
        values[s, LEVEL] -= quantity
        state[rows.STOCK, i] += quantity
        records[R_RELEASED][day, i] += quantity


@daily(inline=True)
def _in_need(
    r: int,
    j: int,
    state: FloatArray,
    has_demand: BoolArray,
    rule_ints: IntArray,
    rule_coverage: FloatArray,
) -> bool:
    """Whether member ``j`` of a joint stockpile (rule ``r``) is below its trigger today."""
    if rule_ints[r, BY_SHORTFALL]:
        return bool(state[rows.LAST_SHORTFALL, j] > EPS)
    coverage = state[rows.STOCK, j] / state[rows.DEMAND, j] if has_demand[j] else np.inf
    threshold = 0.0 if np.isnan(rule_coverage[r]) else rule_coverage[r]
    return bool(coverage < threshold)


@daily(inline=True)
def _pool_release(
    p: int, r: int, day: int, state: FloatArray, has_demand: BoolArray,
    members: IntArray, count: IntArray, values: FloatArray, ints: IntArray,
    shares: FloatArray, accounts: FloatArray, owed: FloatArray,
    rule_ints: IntArray, rule_coverage: FloatArray, delays: IntArray,
    policy_calendar: FloatArray, records: Records, work: FloatArray,
) -> None:  # fmt: skip
    """Step 6 of joint stockpile ``p`` (rule ``r``): release to the members in need.

    Rows ``IN_NEED``, ``NEEDS`` and ``GIVEN`` of ``work`` are its work space.
    """
    k = count[p]
    any_need = False
    settled = True  # every member back at its target
    for a in range(k):
        j = members[p, a]
        any_need = any_need or _in_need(r, j, state, has_demand, rule_ints, rule_coverage)
        demand = state[rows.DEMAND, j] if has_demand[j] else 1.0
        coverage = state[rows.STOCK, j] / demand if has_demand[j] else np.inf
        if not coverage >= state[rows.INVENTORY_TARGET, j] / demand:
            settled = False
    _observe(r, day, any_need, rule_ints, delays)
    if rule_ints[r, RELEASING] and not any_need and settled:
        rule_ints[r, SPELL_START] = -1
        rule_ints[r, RELEASING] = 0
    if not rule_ints[r, RELEASING] or values[p, LEVEL] - values[p, FLOOR] <= EPS:
        return
    in_need, needs, given = work[IN_NEED], work[NEEDS], work[GIVEN]
    for a in range(k):
        in_need[a] = _in_need(r, members[p, a], state, has_demand, rule_ints, rule_coverage)
        needs[a] = 0.0
    # Needs: what brings each eligible member back to the trigger level after today's use.
    days = 1.0 if rule_ints[r, BY_SHORTFALL] else rule_coverage[r]
    if np.isnan(days) or days == 0.0:
        days = 0.0
    total_need = 0.0
    for a in range(k):
        j = members[p, a]
        eligible = in_need[a] and (ints[p, HOST_HONOURS] == 1 or j == ints[p, LOCATION])
        if eligible and has_demand[j]:
            gap = (
                days * state[rows.DEMAND, j]
                + state[rows.DEMAND, j]
                - state[rows.STOCK, j]
                - state[rows.POLICY_TRANSIT, j]
            )
            needs[a] = max(gap, 0.0)
        total_need += needs[a]
    if total_need <= EPS:
        return
    available = values[p, LEVEL] - values[p, FLOOR]
    if ints[p, BY_SHARES] == 0:
        total = min(values[p, MAX_RELEASE], available, total_need)
        for a in range(k):
            given[a] = needs[a] * (total / total_need)
    else:
        for a in range(k):
            own = max(accounts[p, a] - shares[p, a] * values[p, FLOOR], 0.0)
            given[a] = np_minimum(needs[a], np_minimum(own, shares[p, a] * values[p, MAX_RELEASE]))
            accounts[p, a] -= given[a]
    given_total = 0.0
    for a in range(k):
        j = members[p, a]
        q = given[a]
        given_total += q
        if q <= EPS:
            continue
        delay = 0 if j == ints[p, LOCATION] else ints[p, LEAD]
        send(day, delay, j, q, state, policy_calendar)
        records[R_RELEASED][day, j] += q
        records[R_POOL_DRAWN][day, j] += q
    values[p, LEVEL] -= given_total
    if ints[p, DRAWER_PAYS]:
        for a in range(k):
            owed[p, a] += given[a]


@daily(inline=True)
def _owed_total(p: int, k: int, owed: FloatArray) -> float:
    """What the members of joint stockpile ``p`` owe it, together."""
    total = 0.0
    for a in range(k):
        total += owed[p, a]
    return total


@daily(inline=True)
def _payer_part(
    p: int, a: int, total: float, ints: IntArray, shares: FloatArray, owed: FloatArray
) -> float:
    """Member ``a``'s part of a refill: what it owes (drawer), else its share."""
    return float(owed[p, a] / total if ints[p, DRAWER_PAYS] and total > EPS else shares[p, a])


@daily(inline=True)
def policy_release(
    day: int, state: FloatArray, has_demand: BoolArray, book: Book, policy_calendar: FloatArray,
    records: Records,
) -> None:  # fmt: skip
    """Step 6 of every policy of a commodity: reserves, then joint stockpiles, then transfers."""
    n_reserves = book[RES_COUNTRY].shape[0]
    for s in range(n_reserves):
        _reserve_release(
            s, day, state, book[RES_COUNTRY], book[RES_VALUES], book[RULE_STATE],
            book[RULE_COVERAGE], book[DELAYS], records,
        )  # fmt: skip
    for p in range(book[POOL_COUNT].shape[0]):
        _pool_release(
            p, n_reserves + p, day, state, has_demand, book[POOL_MEMBERS], book[POOL_COUNT],
            book[POOL_VALUES], book[POOL_INTS], book[SHARES], book[ACCOUNTS], book[OWED],
            book[RULE_STATE], book[RULE_COVERAGE], book[DELAYS], policy_calendar, records,
            book[MEMBER_WORK],
        )  # fmt: skip
    for t in range(book[TR_COUNT].shape[0]):
        transfer(
            t, day, state, has_demand, book[TR_MEMBERS], book[TR_COUNT], book[HONOURS],
            book[TR_VALUES], book[TR_INTS], book[LOANS], policy_calendar,
            records[R_TRANSFERS_OUT], records[R_TRANSFERS_IN], book[MEMBER_WORK],
        )  # fmt: skip


@daily(inline=True)
def policy_replenish(
    day: int, state: FloatArray, book: Book, policy_calendar: FloatArray, records: Records
) -> None:
    """Step 8 and the policies' part of step 9: refills, repayments, stock held, loans."""
    refilling = _refilling(book)  # else nothing moves into reserves or pools: ``stocked`` is 0
    stocked = records[R_STOCKED]
    n = state.shape[1]
    if refilling:  # the stock before the refills, then what they took from it
        for j in range(n):
            stocked[day, j] = state[rows.STOCK, j]
    _refill_reserves(day, state, book, records)
    _refill_pools(day, state, book, records)
    if refilling:
        for j in range(n):
            stocked[day, j] = stocked[day, j] - state[rows.STOCK, j]
    for t in range(book[TR_COUNT].shape[0]):
        repay(
            t, day, state, book[TR_MEMBERS], book[TR_COUNT], book[TR_INTS], book[LOANS],
            policy_calendar, records[R_TRANSFERS_OUT], records[R_TRANSFERS_IN], records[R_LOANS],
            book[MEMBER_WORK],
        )  # fmt: skip


@daily(inline=True)
def _refilling(book: Book) -> bool:
    """Whether a reserve or pool out of a crisis has room to refill and buys to refill it."""
    reserves, pools, rule_ints = book[RES_VALUES], book[POOL_VALUES], book[RULE_STATE]
    n_reserves = reserves.shape[0]
    for r in range(rule_ints.shape[0]):
        v, row = (reserves, r) if r < n_reserves else (pools, r - n_reserves)
        if not _armed(r, rule_ints) and v[row, REPLENISH] > 0 and v[row, LEVEL] < v[row, SIZE]:
            return True
    return False


@daily(inline=True)
def _refill_reserves(day: int, state: FloatArray, book: Book, records: Records) -> None:
    """Move bought stock above the commercial target into each national reserve."""
    country, v, rule_ints = book[RES_COUNTRY], book[RES_VALUES], book[RULE_STATE]
    strategic = records[R_STRATEGIC]
    for s in range(country.shape[0]):
        i = country[s]
        if not _armed(s, rule_ints) and v[s, REPLENISH] > 0 and v[s, LEVEL] < v[s, SIZE]:
            surplus = state[rows.STOCK, i] - state[rows.INVENTORY_TARGET, i]
            quantity = min(v[s, REPLENISH], v[s, SIZE] - v[s, LEVEL], max(surplus, 0.0))
            if quantity > 0:
                state[rows.STOCK, i] -= quantity
                v[s, LEVEL] += quantity
        strategic[day, i] += v[s, LEVEL]


@daily(inline=True)
def _refill_pools(day: int, state: FloatArray, book: Book, records: Records) -> None:
    """Members move bought stock above their target into each joint stockpile, as they owe."""
    members, count, v = book[POOL_MEMBERS], book[POOL_COUNT], book[POOL_VALUES]
    shares, accounts, owed = book[SHARES], book[ACCOUNTS], book[OWED]
    n_reserves = book[RES_COUNTRY].shape[0]
    for p in range(count.shape[0]):
        k = count[p]
        if (
            not _armed(n_reserves + p, book[RULE_STATE])
            and v[p, REPLENISH] > 0
            and v[p, LEVEL] < v[p, SIZE]
        ):
            owed_total = _owed_total(p, k, owed)
            step = min(v[p, REPLENISH], v[p, SIZE] - v[p, LEVEL])
            moved_total = 0.0
            for a in range(k):
                j = members[p, a]
                surplus = max(state[rows.STOCK, j] - state[rows.INVENTORY_TARGET, j], 0.0)
                part = _payer_part(p, a, owed_total, book[POOL_INTS], shares, owed)
                moved = np_minimum(part * step, surplus)
                state[rows.STOCK, j] -= moved
                moved_total += moved
                accounts[p, a] += moved
                owed[p, a] = max(owed[p, a] - moved, 0.0)
                records[R_POOL_PAID][day, j] += moved
            v[p, LEVEL] += moved_total
        pool = records[R_POOL]
        for a in range(k):
            pool[day, members[p, a]] += shares[p, a] * v[p, LEVEL]


@daily(inline=True)
def policy_targets(state: FloatArray, tau: float, book: Book) -> None:
    """Each country's replenishment target: reserve and pool refills, loans to buy back."""
    for j in range(state.shape[1]):
        state[rows.REPLENISH_TARGET, j] = 0.0
    rule_ints = book[RULE_STATE]
    country, v = book[RES_COUNTRY], book[RES_VALUES]
    for s in range(country.shape[0]):
        if not _armed(s, rule_ints) and v[s, REPLENISH] > 0:
            step = min(v[s, SIZE] - v[s, LEVEL], v[s, REPLENISH] * tau)
            state[rows.REPLENISH_TARGET, country[s]] += step
    members, count, pv = book[POOL_MEMBERS], book[POOL_COUNT], book[POOL_VALUES]
    for p in range(count.shape[0]):
        if not _armed(country.shape[0] + p, rule_ints) and pv[p, REPLENISH] > 0:
            k = count[p]
            owed_total = _owed_total(p, k, book[OWED])
            step = min(pv[p, SIZE] - pv[p, LEVEL], pv[p, REPLENISH] * tau)
            for a in range(k):
                part = _payer_part(p, a, owed_total, book[POOL_INTS], book[SHARES], book[OWED])
                state[rows.REPLENISH_TARGET, members[p, a]] += part * step
    loans, tr_members, tr_ints = book[LOANS], book[TR_MEMBERS], book[TR_INTS]
    for t in range(book[TR_COUNT].shape[0]):
        if tr_ints[t, LOAN]:
            k = book[TR_COUNT][t]
            for b in range(k):
                owed_b = 0.0
                for lender in range(k):
                    owed_b += loans[t, lender, b]
                state[rows.REPLENISH_TARGET, tr_members[t, b]] += owed_b


@daily(inline=True)
def delays_needed(book: Book) -> bool:
    """Whether a rule with a random decision delay has none drawn ahead (see PolicyBook)."""
    rule_ints = book[RULE_STATE]
    delays = book[DELAYS]
    for r in range(rule_ints.shape[0]):
        if rule_ints[r, FIXED_DELAY] < 0 and rule_ints[r, NEXT] >= delays.shape[1]:
            return True
    return False
