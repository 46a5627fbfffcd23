"""The daily steps 1–5 and 7 of a commodity, compiled with numba.

One call per commodity and day does what a few dozen NumPy calls would: each
of those costs about a microsecond on arrays of a few dozen entries, which
made the per-day overhead, not the arithmetic, the cost of a replication.
The loops follow ``docs/model.md`` step by step; :class:`~simulator.engine.market.Market`
is their only caller and keeps the state in three matrices whose rows are
named below.

Supply lines: indexes ``0 … m-1`` are the trade links, ``m … m+n-1`` each
country's own producer supplying itself (source = destination = the country).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from simulator.engine.rerouting import (
    MEMBER_RATIO,
    OTHER_RATIO,
    open_lines,
    reroute_and_sum,
    sharing_ratios,
)

__all__ = ["consume_day", "trade_day"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Rows of the per-country state matrix (units, or units/day for flows).
(
    DEMAND,
    CAPACITY,
    STOCK,
    TRADE_TRANSIT,
    POLICY_TRANSIT,
    PENDING,
    INVENTORY_TARGET,
    PIPELINE_TARGET,
    LICENCE_TARGET,
    REPLENISH_TARGET,
    UNMET_EXTRA,
    LAST_SHORTFALL,
    IMPORT_FLOW,
) = range(13)
COUNTRY_ROWS = 13

# Rows of the per-line float matrix (link-only rows are zero on own-producer lines).
SHARE, BASE, QUOTA, LEAK_SHARE, APPROVED, LICENCE_REQUESTS, RAMP_DAYS = range(7)
LINE_FLOAT_ROWS = 7

# Rows of the per-line integer matrix.  CONTRACT_DAY is the first day a link takes
# rerouted requests (-1: no contract yet); CONTRACT_DELAY the days a contract takes.
SOURCE, DESTINATION, LEAD, LEAK_EXTRA, MODE, LICENCE_TODAY, CONTRACT_DELAY, CONTRACT_DAY = range(8)
LINE_INT_ROWS = 8

# Work space, overwritten every day (so the daily step allocates nothing): rows of a
# per-line float matrix and of a per-country float matrix.
REQUEST, COMMITTED, EXTRA, SERVED_EXTRA, RESTOCK, SECOND, LEAK = range(7)
LINE_WORK_ROWS = 7
(
    APPROVED_IN,
    ORDER,
    CUT,
    COMMITTED_OUT,
    SCALE,
    SPARE,
    UNMET_IN,
    CARRIED,
    CARRIED_DAYS,
    TOTAL,
    COUNT,
    SHARING,  # four rows: see simulator.engine.rerouting
) = range(12)
COUNTRY_WORK_ROWS = SHARING + 4

_BAN, _QUOTA = 1, 2
# LICENCE_TODAY of a licensed link: today's request waits (processing > 0 days), or is
# decided at once (0 processing days): approved, it ships today; denied, it is lost.
LICENCE_QUEUED, LICENCE_APPROVED_NOW, LICENCE_DENIED_NOW = 0, 1, 2

# _RUNS: links are usually listed exporter by exporter, so a sum per source (``x[source[k]]
# += …``) adds to one address many times in a row, and each addition waits for the store
# of the one before.  The loops below keep the sum of the current run of lines from one
# source in a local variable and store it when the source changes: the same additions in
# the same order (the result is identical for any order of the links), without the wait.


@njit(cache=True, error_model="numpy")
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
    demand = state[DEMAND]
    stock = state[STOCK]
    source = line_ints[SOURCE]
    destination = line_ints[DESTINATION]
    mode = line_ints[MODE]
    lead = line_ints[LEAD]
    share = line_values[SHARE]
    base = line_values[BASE]
    approved = line_values[APPROVED]

    # Step 1: arrivals.
    for j in range(n):
        trade = trade_calendar[day, j]
        policy = policy_calendar[day, j]
        stock[j] += trade + policy
        state[TRADE_TRANSIT, j] -= trade
        state[POLICY_TRANSIT, j] -= policy
        arrivals_record[day, j] = trade

    # Step 2: order-up-to, never less than demand while below the inventory target.  The
    # position counts licences approved today (shipped in step 5), so they are not asked again.
    approved_by_importer = country_work[APPROVED_IN]
    approved_by_importer[:] = 0.0
    if approvals:
        for k in range(m):
            approved_by_importer[destination[k]] += approved[k]
    order = country_work[ORDER]
    for j in range(n):
        target = (
            state[INVENTORY_TARGET, j]
            + state[PIPELINE_TARGET, j]
            + state[LICENCE_TARGET, j]
            + state[REPLENISH_TARGET, j]
        )
        position = (
            stock[j]
            + state[TRADE_TRANSIT, j]
            + state[POLICY_TRANSIT, j]
            + state[PENDING, j]
            + approved_by_importer[j]
        )
        o = demand[j] + (target - position) / tau
        floor = demand[j] if stock[j] < state[INVENTORY_TARGET, j] else 0.0
        order[j] = o if o > floor else floor

    # Step 3: controls on links cut requests (the licence queue, leakage); step 4 takes each
    # line's committed request (up to baseline) first, its extra request after.
    request = line_work[REQUEST]
    cut_by_importer = country_work[CUT]
    cut_by_importer[:] = 0.0
    leak = line_work[LEAK]
    any_cut = False
    any_leak = False
    committed = line_work[COMMITTED]
    extra = line_work[EXTRA]
    committed_by_source = country_work[COMMITTED_OUT]
    committed_by_source[:] = 0.0
    run = -1  # runs of lines from one source: see _RUNS
    run_committed = 0.0
    for k in range(lines):
        i = source[k]
        if i != run:
            if run >= 0:
                committed_by_source[run] = run_committed
            run = i
            run_committed = committed_by_source[i]
        request[k] = share[k] * order[destination[k]]
        if k < m:
            leak[k] = 0.0
            line_values[LICENCE_REQUESTS, k] = 0.0
            if mode[k] == 0:
                request[k] += approved[k]
            else:
                asked = request[k]
                if mode[k] == _BAN:
                    allowed = 0.0
                elif mode[k] == _QUOTA:
                    allowed = min(asked, line_values[QUOTA, k])
                elif line_ints[LICENCE_TODAY, k] == LICENCE_APPROVED_NOW:
                    allowed = asked
                else:  # licensing: the whole request waits for a decision (or is denied)
                    if line_ints[LICENCE_TODAY, k] == LICENCE_QUEUED:
                        line_values[LICENCE_REQUESTS, k] = asked
                    allowed = 0.0
                    asked = 0.0
                cut = asked - allowed
                if line_values[LEAK_SHARE, k] > 0.0 and cut > 0.0:
                    leak[k] = min(cut, base[k]) * line_values[LEAK_SHARE, k]
                    cut -= leak[k]
                    any_leak = True
                if cut > 0.0:
                    cut_by_importer[destination[k]] += cut
                    any_cut = True
                request[k] = allowed + approved[k]
        c = min(request[k], base[k])
        committed[k] = c
        extra[k] = request[k] - c
        run_committed += c
    if run >= 0:
        committed_by_source[run] = run_committed
    if any_leak:
        for k in range(m):
            committed_by_source[source[k]] += leak[k]
    scale = country_work[SCALE]
    spare = country_work[SPARE]
    for i in range(n):
        if committed_by_source[i] > state[CAPACITY, i]:
            scale[i] = state[CAPACITY, i] / committed_by_source[i]
            spare[i] = 0.0
        else:
            scale[i] = 1.0
            spare[i] = state[CAPACITY, i] - committed_by_source[i]

    # Rerouting: cut requests go to the importer's open lines, by their source's spare
    # capacity; a link is open to them once its contract runs (see rerouting.open_lines).
    # Spare capacity is then shared among extra requests; what stays unmet is rerouted once
    # more to open lines whose source still has spare capacity.
    total = country_work[TOTAL]
    count = country_work[COUNT]
    sharing = country_work[SHARING:]
    member_ratio = sharing[MEMBER_RATIO]  # each source's share of extra requests served
    other_ratio = sharing[OTHER_RATIO]
    contract_delay = line_ints[CONTRACT_DELAY]
    contract_day = line_ints[CONTRACT_DAY]
    if any_cut:
        open_lines(
            day,
            cut_by_importer,
            spare,
            source,
            destination,
            mode,
            contract_delay,
            contract_day,
            m,
            open_line,
            total,
            count,
        )
    reroute_and_sum(
        any_cut,
        cut_by_importer,
        spare,
        source,
        destination,
        open_line,
        extra,
        total,
        count,
        priority_importers,
        priority,
        sharing,
    )
    sharing_ratios(spare, priority, priority_share, sharing)
    served_extra = line_work[SERVED_EXTRA]
    unmet_by_importer = country_work[UNMET_IN]
    unmet_by_importer[:] = 0.0
    unmet_extra = state[UNMET_EXTRA]
    unmet_extra[:] = 0.0
    any_unmet = False
    run = -1
    run_unmet = 0.0
    run_spare = 0.0
    for k in range(lines):
        i = source[k]
        j = destination[k]
        if i != run:
            if run >= 0:
                unmet_extra[run] = run_unmet
                spare[run] = run_spare
            run = i
            run_unmet = unmet_extra[i]
            run_spare = spare[i]
        ratio = member_ratio[i] if priority and priority_importers[j] else other_ratio[i]
        served_extra[k] = extra[k] * ratio
        unmet = extra[k] - served_extra[k]
        if unmet > 1e-12:
            run_unmet += unmet
            unmet_by_importer[j] += unmet
            any_unmet = True
        run_spare -= served_extra[k]
    if run >= 0:
        unmet_extra[run] = run_unmet
        spare[run] = run_spare
    for i in range(n):
        if spare[i] < 0.0:
            spare[i] = 0.0
    restock = line_work[RESTOCK]  # served by the second rerouting (read only if restocked)
    restocked = False
    if any_unmet:
        second = line_work[SECOND]
        second[:] = 0.0
        open_lines(
            day,
            unmet_by_importer,
            spare,
            source,
            destination,
            mode,
            contract_delay,
            contract_day,
            m,
            open_line,
            total,
            count,
        )
        restocked = reroute_and_sum(
            True,
            unmet_by_importer,
            spare,
            source,
            destination,
            open_line,
            second,
            total,
            count,
            priority_importers,
            priority,
            sharing,
        )
        if restocked:
            sharing_ratios(spare, priority, priority_share, sharing)
            for k in range(lines):
                i = source[k]
                ratio = (
                    member_ratio[i]
                    if priority and priority_importers[destination[k]]
                    else other_ratio[i]
                )
                restock[k] = second[k] * ratio
                served_extra[k] += restock[k]

    # Step 5: production and shipping; own supply enters inventory at once.  A new route
    # (no baseline flow) carries (d + 1) / R of what it would on day d of its contract,
    # for its first R = RAMP_DAYS days.
    # (The day's rows of the records are still 0: each day is traded once.)
    ramp_days = line_values[RAMP_DAYS]
    carried = country_work[CARRIED]  # shipped for the importer's own orders (not restocking
    carried[:] = 0.0  # passed on)
    carried_days = country_work[CARRIED_DAYS]  # Σ carried × days on the way
    carried_days[:] = 0.0
    run = -1
    run_made = 0.0
    run_exported = 0.0
    for k in range(lines):
        i = source[k]
        j = destination[k]
        if i != run:
            if run >= 0:
                production_record[day, run] = run_made
                exported_record[day, run] = run_exported
            run = i
            run_made = production_record[day, i]
            run_exported = exported_record[day, i]
        if k < m:
            ramp = ramp_days[k]
            if ramp > 0.0 and served_extra[k] > 0.0:
                running = day - contract_day[k] + 1
                if running < ramp:
                    served_extra[k] *= running / ramp
                    if restocked:
                        restock[k] *= running / ramp
        served = committed[k] * scale[i] + served_extra[k]
        run_made += served
        if k >= m:
            stock[j] += served
        else:
            trade_calendar[day + lead[k], j] += served
            shipped_record[day, j] += served
            run_exported += served
            link_record[day, k] += served
            own = served - restock[k] if restocked else served
            carried[j] += own
            carried_days[j] += own * lead[k]
    if run >= 0:
        production_record[day, run] = run_made
        exported_record[day, run] = run_exported
    if any_leak:
        for k in range(m):
            if leak[k] > 0.0:
                i = source[k]
                j = destination[k]
                served = leak[k] * scale[i]
                production_record[day, i] += served
                days = line_ints[LEAD, k] + line_ints[LEAK_EXTRA, k]
                trade_calendar[day + days, j] += served
                shipped_record[day, j] += served
                exported_record[day, i] += served
                link_record[day, k] += served
                carried[j] += served
                carried_days[j] += served * days
    total_production = 0.0
    for i in range(n):
        state[TRADE_TRANSIT, i] += shipped_record[day, i]
        total_production += production_record[day, i]
        # The pipeline target follows the routes that carry the importer's orders:
        # baseline import flow × their lead time, weighted by what each carried today.
        # Restocking that a full supplier passed on to another route (the second
        # rerouting) does not count; the target is kept when only rounding differs,
        # so nothing moves without a shock.
        if carried[i] > 1e-12:
            target = state[IMPORT_FLOW, i] * carried_days[i] / carried[i]
            if abs(target - state[PIPELINE_TARGET, i]) > 1e-9 * (1.0 + target):
                state[PIPELINE_TARGET, i] = target
    return total_production


@njit(cache=True, error_model="numpy")
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
