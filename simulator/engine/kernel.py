"""The daily steps 1–5 and 7 of a commodity, compiled with numba.

One call per commodity and day does what a few dozen NumPy calls would: each
of those costs about a microsecond on arrays of a few dozen entries, which
made the per-day overhead, not the arithmetic, the cost of a replication.
The loops follow ``docs/model.md`` step by step; :class:`~simulator.engine.market.Market`
is their only caller and keeps the state in a few matrices, whose rows are
named in :mod:`simulator.engine.rows` (which the rest of the engine reads as
``rows.STOCK`` and so on).

Supply lines: indexes ``0 … m-1`` are the trade links, ``m … m+n-1`` each
country's own producer supplying itself (source = destination = the country).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.engine.compiled import daily
from simulator.engine.rerouting import open_lines, reroute_and_sum, sharing_ratios
from simulator.engine.rows import (
    APPROVED,
    APPROVED_IN,
    BASE,
    CAPACITY,
    COMMITTED,
    COMMITTED_OUT,
    CUT,
    DEMAND,
    DESTINATION,
    EXTRA,
    INVENTORY_TARGET,
    LAST_SHORTFALL,
    LEAK,
    LEAK_SHARE,
    LICENCE_REQUESTS,
    LICENCE_TARGET,
    LICENCE_TODAY,
    MEMBER_RATIO,
    MODE,
    ORDER,
    OTHER_RATIO,
    PENDING,
    PIPELINE_TARGET,
    POLICY_TRANSIT,
    QUOTA,
    REPLENISH_TARGET,
    REQUEST,
    RESTOCK,
    SCALE,
    SECOND,
    SERVED_EXTRA,
    SHARE,
    SOURCE,
    SPARE,
    STOCK,
    TRADE_TRANSIT,
    UNMET_EXTRA,
    UNMET_IN,
    clear_row,
)
from simulator.engine.shipping import ship_day

__all__ = ["consume_day", "trade_day"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_BAN, _QUOTA = 1, 2
# LICENCE_TODAY of a licensed link: today's request waits (processing > 0 days), or is
# decided at once (0 processing days): approved, it ships today; denied, it is lost.
LICENCE_QUEUED, LICENCE_APPROVED_NOW, LICENCE_DENIED_NOW = 0, 1, 2

# _RUNS: links are usually listed exporter by exporter, so a sum per source (``x[source[k]]
# += …``) adds to one address many times in a row, and each addition waits for the store
# of the one before.  The loops below keep the sum of the current run of lines from one
# source in a local variable and store it when the source changes: the same additions in
# the same order (the result is identical for any order of the links), without the wait.
#
# _LOCALS: a value a loop stores in a matrix and uses again is kept in a local variable
# (``request``, ``served``) rather than read back.  The compiler cannot tell that two rows
# of one matrix never overlap (their stride is only known at run time), so each read after
# a store to the matrix is a load that waits for that store; the local is a register.


@daily()
def trade_day(
    day: int,
    tau: float,
    state: FloatArray,
    line_values: FloatArray,
    line_ints: IntArray,
    priority_importers: BoolArray,
    priority: bool,
    priority_share: float,
    approvals: bool,
    trade_calendar: FloatArray,
    policy_calendar: FloatArray,
    arrivals_record: FloatArray,
    production_record: FloatArray,
    shipped_record: FloatArray,
    exported_record: FloatArray,
    link_record: FloatArray,
    line_work: FloatArray,
    country_work: FloatArray,
    open_line: BoolArray,
) -> float:
    """Steps 1–5 of ``day``; updates the state in place and returns total production.

    Records the day's trade arrivals and production per country, and its trade
    shipments per importer (``shipped_record``), per exporter
    (``exported_record``) and per link (``link_record``; leakage is counted on
    the blocked link).

    ``priority_share`` is negative when members of a joint-procurement
    coalition (``priority_importers``) have full priority rather than a
    reserved share of spare capacity.  ``approvals`` says whether licences
    approved for today (row ``APPROVED``) are waiting to ship; when false the
    row is all zero and is not read.

    ``line_work`` (``LINE_WORK_ROWS`` × lines), ``country_work``
    (``COUNTRY_WORK_ROWS`` × countries) and ``open_line`` are work space.
    """
    n = state.shape[1]
    lines = line_ints.shape[1]
    m = lines - n

    # Step 1: arrivals.
    for j in range(n):
        trade = trade_calendar[day, j]
        policy = policy_calendar[day, j]
        state[STOCK, j] += trade + policy
        state[TRADE_TRANSIT, j] -= trade
        state[POLICY_TRANSIT, j] -= policy
        arrivals_record[day, j] = trade

    # Step 2: order-up-to, never less than demand while below the inventory target.  The
    # position counts licences approved today (shipped in step 5), so they are not asked again.
    clear_row(country_work, APPROVED_IN)
    if approvals:
        for k in range(m):
            country_work[APPROVED_IN, line_ints[DESTINATION, k]] += line_values[APPROVED, k]
    for j in range(n):
        target = (
            state[INVENTORY_TARGET, j]
            + state[PIPELINE_TARGET, j]
            + state[LICENCE_TARGET, j]
            + state[REPLENISH_TARGET, j]
        )
        position = (
            state[STOCK, j]
            + state[TRADE_TRANSIT, j]
            + state[POLICY_TRANSIT, j]
            + state[PENDING, j]
            + country_work[APPROVED_IN, j]
        )
        o = state[DEMAND, j] + (target - position) / tau
        floor = state[DEMAND, j] if state[STOCK, j] < state[INVENTORY_TARGET, j] else 0.0
        country_work[ORDER, j] = o if o > floor else floor

    # Step 3: controls on links cut requests (the licence queue, leakage); step 4 takes each
    # line's committed request (up to baseline) first, its extra request after.
    clear_row(country_work, CUT)
    any_cut = False
    any_leak = False
    clear_row(country_work, COMMITTED_OUT)
    run = -1  # runs of lines from one source: see _RUNS
    run_committed = 0.0
    for k in range(lines):
        i = line_ints[SOURCE, k]
        if i != run:
            if run >= 0:
                country_work[COMMITTED_OUT, run] = run_committed
            run = i
            run_committed = country_work[COMMITTED_OUT, i]
        request = line_values[SHARE, k] * country_work[ORDER, line_ints[DESTINATION, k]]
        base = line_values[BASE, k]
        if k < m:
            line_work[LEAK, k] = 0.0
            line_values[LICENCE_REQUESTS, k] = 0.0
            mode = line_ints[MODE, k]
            if mode == 0:
                request += line_values[APPROVED, k]
            else:
                asked = request
                if mode == _BAN:
                    allowed = 0.0
                elif mode == _QUOTA:
                    allowed = min(asked, line_values[QUOTA, k])
                elif line_ints[LICENCE_TODAY, k] == LICENCE_APPROVED_NOW:
                    allowed = asked
                else:  # licensing: the whole request waits for a decision (or is denied)
                    if line_ints[LICENCE_TODAY, k] == LICENCE_QUEUED:
                        line_values[LICENCE_REQUESTS, k] = asked
                    allowed = 0.0
                    asked = 0.0
                cut = asked - allowed
                leak_share = line_values[LEAK_SHARE, k]
                if leak_share > 0.0 and cut > 0.0:
                    leak = min(cut, base) * leak_share
                    line_work[LEAK, k] = leak
                    cut -= leak
                    any_leak = True
                if cut > 0.0:
                    country_work[CUT, line_ints[DESTINATION, k]] += cut
                    any_cut = True
                request = allowed + line_values[APPROVED, k]
        line_work[REQUEST, k] = request
        c = min(request, base)
        line_work[COMMITTED, k] = c
        line_work[EXTRA, k] = request - c
        run_committed += c
    if run >= 0:
        country_work[COMMITTED_OUT, run] = run_committed
    if any_leak:
        for k in range(m):
            country_work[COMMITTED_OUT, line_ints[SOURCE, k]] += line_work[LEAK, k]
    for i in range(n):
        if country_work[COMMITTED_OUT, i] > state[CAPACITY, i]:
            country_work[SCALE, i] = state[CAPACITY, i] / country_work[COMMITTED_OUT, i]
            country_work[SPARE, i] = 0.0
        else:
            country_work[SCALE, i] = 1.0
            country_work[SPARE, i] = state[CAPACITY, i] - country_work[COMMITTED_OUT, i]

    # Rerouting: cut requests go to the importer's open lines, by their source's spare
    # capacity; a link is open to them once its contract runs (see rerouting.open_lines).
    # Spare capacity is then shared among extra requests; what stays unmet is rerouted once
    # more to open lines whose source still has spare capacity.
    if any_cut:
        open_lines(day, CUT, line_ints, country_work, m, open_line)
    reroute_and_sum(
        any_cut, CUT, EXTRA, line_ints, line_work, country_work, open_line, priority_importers,
        priority,
    )  # fmt: skip
    sharing_ratios(priority, priority_share, country_work)
    clear_row(country_work, UNMET_IN)
    clear_row(state, UNMET_EXTRA)
    any_unmet = False
    run = -1
    run_unmet = 0.0
    run_spare = 0.0
    for k in range(lines):
        i = line_ints[SOURCE, k]
        j = line_ints[DESTINATION, k]
        if i != run:
            if run >= 0:
                state[UNMET_EXTRA, run] = run_unmet
                country_work[SPARE, run] = run_spare
            run = i
            run_unmet = state[UNMET_EXTRA, i]
            run_spare = country_work[SPARE, i]
        ratio = (
            country_work[MEMBER_RATIO, i]
            if priority and priority_importers[j]
            else country_work[OTHER_RATIO, i]
        )
        extra = line_work[EXTRA, k]
        served = extra * ratio
        line_work[SERVED_EXTRA, k] = served
        unmet = extra - served
        if unmet > 1e-12:
            run_unmet += unmet
            country_work[UNMET_IN, j] += unmet
            any_unmet = True
        run_spare -= served
    if run >= 0:
        state[UNMET_EXTRA, run] = run_unmet
        country_work[SPARE, run] = run_spare
    for i in range(n):
        if country_work[SPARE, i] < 0.0:
            country_work[SPARE, i] = 0.0
    restocked = False
    if any_unmet:
        clear_row(line_work, SECOND)
        open_lines(day, UNMET_IN, line_ints, country_work, m, open_line)
        restocked = reroute_and_sum(
            True, UNMET_IN, SECOND, line_ints, line_work, country_work, open_line,
            priority_importers, priority,
        )  # fmt: skip
        if restocked:
            sharing_ratios(priority, priority_share, country_work)
            for k in range(lines):
                i = line_ints[SOURCE, k]
                ratio = (
                    country_work[MEMBER_RATIO, i]
                    if priority and priority_importers[line_ints[DESTINATION, k]]
                    else country_work[OTHER_RATIO, i]
                )
                restock = line_work[SECOND, k] * ratio
                line_work[RESTOCK, k] = restock
                line_work[SERVED_EXTRA, k] += restock

    # Step 5: production and shipping (simulator.engine.shipping).
    return ship_day(
        day, state, line_values, line_ints, line_work, country_work, restocked, any_leak,
        trade_calendar, production_record, shipped_record, exported_record, link_record,
    )  # fmt: skip


@daily()
def consume_day(day: int, state: FloatArray, consumption_record: FloatArray) -> float:
    """Step 7: each country consumes ``min(demand, inventory)``; returns the total consumed."""
    n = state.shape[1]
    total = 0.0
    for j in range(n):
        wanted = state[DEMAND, j]
        have = state[STOCK, j]
        consumed = wanted if wanted < have else have
        state[STOCK, j] = have - consumed
        state[LAST_SHORTFALL, j] = wanted - consumed
        consumption_record[day, j] = consumed
        total += consumed
    return total
