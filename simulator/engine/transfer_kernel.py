"""Step 6 and step 8 of mutual transfer agreements, compiled: transfers, loans, repayments.

The rules are those of ``docs/model.md`` ("Mutual transfer") and of
:class:`~simulator.engine.coalitions.TransferAgreement`, which sets them up;
:mod:`simulator.engine.policy_kernel` calls them for every agreement of a
commodity, after its reserves and joint stockpiles.
"""

from __future__ import annotations

import numpy as np

from simulator.engine import rows
from simulator.engine.compiled import daily
from simulator.engine.policy_layout import (
    AVAILABLE,
    DONOR_FLOOR,
    EPS,
    LOAN,
    OWED_BY,
    RECEIVES,
    RECIPROCAL,
    SPARE_STOCK,
    T_LEAD,
    TRIGGER,
    WEIGHT,
    BoolArray,
    FloatArray,
    IntArray,
    np_minimum,
    send,
)

__all__ = ["repay", "transfer"]


@daily()
def _receives(
    t: int, a: int, state: FloatArray, has_demand: BoolArray, members: IntArray,
    honours: BoolArray, values: FloatArray, ints: IntArray,
) -> bool:  # fmt: skip
    """Whether member ``a`` of agreement ``t`` is below the trigger (and may receive) today."""
    j = members[t, a]
    coverage = state[rows.STOCK, j] / state[rows.DEMAND, j] if has_demand[j] else np.inf
    below = bool(coverage < values[t, TRIGGER])
    if ints[t, RECIPROCAL]:
        below = below and bool(honours[t, a])
    return below


@daily()
def transfer(
    t: int, day: int, state: FloatArray, has_demand: BoolArray, members: IntArray,
    count: IntArray, honours: BoolArray, values: FloatArray, ints: IntArray,
    loans: FloatArray, policy_calendar: FloatArray, transfers_out: FloatArray,
    transfers_in: FloatArray, work: FloatArray,
) -> None:  # fmt: skip
    """Step 6 of transfer agreement ``t``: members below the trigger receive from the others.

    ``transfers_out`` and ``transfers_in`` are the daily records of those names
    (the arrays, not the tuple of records); rows ``RECEIVES``, ``AVAILABLE`` and
    ``WEIGHT`` of ``work`` are its work space.
    """
    k = count[t]
    any_receiver = False
    for a in range(k):
        any_receiver = any_receiver or _receives(
            t, a, state, has_demand, members, honours, values, ints
        )
    if not any_receiver:  # the usual day
        return
    receivers, available, weight = work[RECEIVES], work[AVAILABLE], work[WEIGHT]
    for a in range(k):
        receivers[a] = _receives(t, a, state, has_demand, members, honours, values, ints)
        available[a] = 0.0
        weight[a] = 0.0
    for r in range(k):
        if not receivers[r]:
            continue
        country = members[t, r]
        need = (
            state[rows.INVENTORY_TARGET, country]
            + state[rows.DEMAND, country]
            - state[rows.STOCK, country]
        )
        need -= state[rows.POLICY_TRANSIT, country]
        if need <= EPS:
            continue
        total_available = 0.0
        for d in range(k):
            j = members[t, d]
            available[d] = 0.0
            if honours[t, d] and d != r:
                available[d] = max(
                    state[rows.STOCK, j] - state[rows.DEMAND, j] * (1 + values[t, DONOR_FLOOR]),
                    0.0,
                )
            total_available += available[d]
        if total_available <= EPS:
            continue
        total_weight = 0.0
        for d in range(k):
            if ints[t, SPARE_STOCK]:
                weight[d] = available[d]
            else:
                weight[d] = state[rows.DEMAND, members[t, d]] if available[d] > 0 else 0.0
            total_weight += weight[d]
        if total_weight <= EPS:
            continue
        for d in range(k):
            q = np_minimum(available[d], need * weight[d] / total_weight)
            if not q > EPS:
                continue
            j = members[t, d]
            state[rows.STOCK, j] -= q
            send(day, ints[t, T_LEAD], country, q, state, policy_calendar)
            transfers_out[day, j] += q
            transfers_in[day, country] += q
            if ints[t, LOAN]:
                loans[t, d, r] += q


@daily()
def _owes(t: int, loans: FloatArray) -> bool:
    """Whether any loan of agreement ``t`` is outstanding."""
    for lender in range(loans.shape[1]):
        for borrower in range(loans.shape[2]):
            if loans[t, lender, borrower] != 0.0:
                return True
    return False


@daily()
def repay(
    t: int, day: int, state: FloatArray, members: IntArray, count: IntArray, ints: IntArray,
    loans: FloatArray, policy_calendar: FloatArray, transfers_out: FloatArray,
    transfers_in: FloatArray, loans_record: FloatArray, work: FloatArray,
) -> None:  # fmt: skip
    """Borrowers back above target repay their lenders from the surplus; loans recorded.

    ``transfers_out``, ``transfers_in`` and ``loans_record`` are the daily records of
    transfers and loans; row ``OWED_BY`` of ``work`` is its work space.
    """
    if not ints[t, LOAN]:
        return
    k = count[t]
    if not _owes(t, loans):
        return  # nothing owed: nothing to repay, every balance 0
    owed = work[OWED_BY]
    for b in range(k):
        owed[b] = 0.0
        for lender in range(k):
            owed[b] += loans[t, lender, b]
    for b in range(k):
        if not owed[b] > EPS:
            continue
        country = members[t, b]
        surplus = state[rows.STOCK, country] - state[rows.INVENTORY_TARGET, country]
        if surplus <= EPS:
            continue
        pay = min(surplus, owed[b])
        state[rows.STOCK, country] -= pay
        for lender in range(k):
            part = loans[t, lender, b] * (pay / owed[b])
            loans[t, lender, b] -= part
            if loans[t, lender, b] < 1e-9:
                loans[t, lender, b] = 0.0
            if part > EPS:
                send(day, ints[t, T_LEAD], members[t, lender], part, state, policy_calendar)
                transfers_out[day, country] += part
                transfers_in[day, members[t, lender]] += part
    for a in range(k):  # owed to the member (+), owed by it (-)
        lent = 0.0
        borrowed = 0.0
        for b in range(k):
            lent += loans[t, a, b]
            borrowed += loans[t, b, a]
        loans_record[day, members[t, a]] += lent - borrowed
