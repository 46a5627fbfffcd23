"""The arrays of the compiled stock policies: what each row and column holds.

A :class:`~simulator.engine.policy_book.PolicyBook` packs a commodity's
national reserves, joint stockpiles and transfer agreements into the tuple
``Book`` (indexes ``RES_COUNTRY`` … ``MEMBER_WORK``); the compiled steps
(:mod:`simulator.engine.policy_kernel`, :mod:`simulator.engine.transfer_kernel`)
read and update it, and write the daily records of ``RECORDS``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from simulator.engine import rows
from simulator.engine.compiled import daily

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Book = tuple[npt.NDArray[Any], ...]
"""A policy book's arrays (see ``RES_COUNTRY`` … ``MEMBER_WORK``)."""
Records = tuple[FloatArray, ...]
"""The daily records the policies write, in the order of ``RECORDS``."""

EPS = 1e-12

# The arrays of a policy book, in this order (simulator.engine.policy_book.PolicyBook.book).
(
    RES_COUNTRY,
    RES_VALUES,
    POOL_MEMBERS,
    POOL_COUNT,
    POOL_VALUES,
    POOL_INTS,
    SHARES,
    ACCOUNTS,
    OWED,
    RULE_STATE,
    RULE_COVERAGE,
    DELAYS,
    TR_MEMBERS,
    TR_COUNT,
    HONOURS,
    TR_VALUES,
    TR_INTS,
    LOANS,
    MEMBER_WORK,
) = range(19)
# Rows of a rule's integers (one rule per national reserve, then one per joint stockpile).
BY_SHORTFALL, SPELL_START, DECISION_DAY, RELEASING, NEXT, FIXED_DELAY = range(6)
RULE_INTS = 6
# Columns of a national reserve's and of a joint stockpile's floats.
SIZE, LEVEL, FLOOR, MAX_RELEASE, REPLENISH = range(5)
STOCK_VALUES = 5
# Columns of a joint stockpile's integers.
LOCATION, BY_SHARES, LEAD, HOST_HONOURS, DRAWER_PAYS = range(5)
POOL_INTS = 5
# Columns of a transfer agreement's floats and integers.
TRIGGER, DONOR_FLOOR = range(2)
TRANSFER_VALUES = 2
T_LEAD, SPARE_STOCK, LOAN, RECIPROCAL = range(4)
TRANSFER_INTS = 4
# Rows of the work space (MEMBER_WORK, rows × members) of a joint stockpile releasing, of a
# transfer agreement's transfers and of its repayments: the compiled steps allocate nothing.
IN_NEED, NEEDS, GIVEN = range(3)
RECEIVES, AVAILABLE, WEIGHT = range(3)
OWED_BY = 0
MEMBER_WORK_ROWS = 3
# Daily records the policies write, a tuple of arrays in this order (see simulator.engine.records).
RECORDS = (
    "released",
    "pool_drawn",
    "strategic",
    "pool",
    "stocked",
    "pool_paid",
    "transfers_in",
    "transfers_out",
    "loans_outstanding",
)
(
    R_RELEASED,
    R_POOL_DRAWN,
    R_STRATEGIC,
    R_POOL,
    R_STOCKED,
    R_POOL_PAID,
    R_TRANSFERS_IN,
    R_TRANSFERS_OUT,
    R_LOANS,
) = range(9)


@daily()
def send(
    day: int,
    delay: int,
    country: int,
    quantity: float,
    state: FloatArray,
    policy_calendar: FloatArray,
) -> None:
    """A policy movement leaves today and arrives in ``delay`` days (at once if 0)."""
    if delay <= 0:
        state[rows.STOCK, country] += quantity
        return
    policy_calendar[day + delay, country] += quantity
    state[rows.POLICY_TRANSIT, country] += quantity


@daily()
def np_minimum(a: float, b: float) -> float:
    """``numpy.minimum`` of two numbers: NaN if either is NaN."""
    if np.isnan(a) or np.isnan(b):
        return np.nan
    return a if a <= b else b
