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

_BAN, _QUOTA = 1, 2
# LICENCE_TODAY of a licensed link: today's request waits (processing > 0 days), or is
# decided at once (0 processing days): approved, it ships today; denied, it is lost.
LICENCE_QUEUED, LICENCE_APPROVED_NOW, LICENCE_DENIED_NOW = 0, 1, 2


@njit(cache=True)
def trade_day(
    day: int,
    tau: float,
    state: FloatArray,
    line_values: FloatArray,
    line_ints: IntArray,
    priority_importers: BoolArray,
    priority: bool,
    priority_share: float,
    trade_calendar: FloatArray,
    policy_calendar: FloatArray,
    arrivals_record: FloatArray,
    production_record: FloatArray,
    shipped_record: FloatArray,
    exported_record: FloatArray,
    link_record: FloatArray,
) -> float:
    """Steps 1–5 of ``day``; updates the state in place and returns total production.

    Records the day's trade arrivals and production per country, and its trade
    shipments per importer (``shipped_record``), per exporter
    (``exported_record``) and per link (``link_record``; leakage is counted on
    the blocked link).

    ``priority_share`` is negative when members of a joint-procurement
    coalition (``priority_importers``) have full priority rather than a
    reserved share of spare capacity.
    """
    n = state.shape[1]
    lines = line_ints.shape[1]
    m = lines - n
    demand = state[DEMAND]
    stock = state[STOCK]
    source = line_ints[SOURCE]
    destination = line_ints[DESTINATION]
    mode = line_ints[MODE]
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
    approved_by_importer = np.zeros(n)
    for k in range(m):
        approved_by_importer[destination[k]] += approved[k]
    order = np.empty(n)
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
    request = np.empty(lines)
    for k in range(lines):
        request[k] = line_values[SHARE, k] * order[destination[k]]

    # Step 3: controls on links: cut requests, the licence queue, leakage.
    cut_by_importer = np.zeros(n)
    leak = np.zeros(m)
    any_cut = False
    any_leak = False
    for k in range(m):
        line_values[LICENCE_REQUESTS, k] = 0.0
        if mode[k] == 0:
            request[k] += approved[k]
            continue
        asked = request[k]
        if mode[k] == _BAN:
            allowed = 0.0
        elif mode[k] == _QUOTA:
            allowed = min(asked, line_values[QUOTA, k])
        elif line_ints[LICENCE_TODAY, k] == LICENCE_APPROVED_NOW:
            allowed = asked
        else:  # licensing: the whole request waits for a decision (or is denied at once)
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

    # Step 4: committed requests (up to baseline) first; pro rata when over capacity.
    committed = np.empty(lines)
    extra = np.empty(lines)
    committed_by_source = np.zeros(n)
    for k in range(lines):
        c = min(request[k], base[k])
        committed[k] = c
        extra[k] = request[k] - c
        committed_by_source[source[k]] += c
    if any_leak:
        for k in range(m):
            committed_by_source[source[k]] += leak[k]
    scale = np.ones(n)
    spare = np.empty(n)
    for i in range(n):
        if committed_by_source[i] > state[CAPACITY, i]:
            scale[i] = state[CAPACITY, i] / committed_by_source[i]
            spare[i] = 0.0
        else:
            spare[i] = state[CAPACITY, i] - committed_by_source[i]

    # Rerouting: cut requests go to the importer's open lines, by their source's spare
    # capacity; a link is open to them once its contract runs (see _contract).
    open_line = np.empty(lines, dtype=np.bool_)
    if any_cut:
        _contract(day, cut_by_importer, line_ints, m, open_line)
        _reroute(cut_by_importer, spare, source, destination, open_line, extra)

    # Spare capacity shared among extra requests; what stays unmet is rerouted once more to
    # open lines whose source still has spare capacity.
    ratio = _share_spare(
        extra, spare, source, destination, priority_importers, priority, priority_share
    )
    served_extra = extra * ratio
    unmet_by_importer = np.zeros(n)
    any_unmet = False
    for i in range(n):
        state[UNMET_EXTRA, i] = 0.0
    for k in range(lines):
        unmet = extra[k] - served_extra[k]
        if unmet > 1e-12:
            state[UNMET_EXTRA, source[k]] += unmet
            unmet_by_importer[destination[k]] += unmet
            any_unmet = True
    for k in range(lines):
        spare[source[k]] -= served_extra[k]
    for i in range(n):
        if spare[i] < 0.0:
            spare[i] = 0.0
    restock = np.zeros(lines)  # served by the second rerouting
    second = np.zeros(lines)
    if any_unmet:
        _contract(day, unmet_by_importer, line_ints, m, open_line)
    if any_unmet and _reroute(unmet_by_importer, spare, source, destination, open_line, second):
        ratio2 = _share_spare(
            second, spare, source, destination, priority_importers, priority, priority_share
        )
        for k in range(lines):
            restock[k] = second[k] * ratio2[k]
            served_extra[k] += restock[k]

    # A new route (no baseline flow) carries (d + 1) / R of what it would on day d of its
    # contract, for its first R = RAMP_DAYS days.
    for k in range(m):
        ramp = line_values[RAMP_DAYS, k]
        if ramp > 0.0 and served_extra[k] > 0.0:
            running = day - line_ints[CONTRACT_DAY, k] + 1
            if running < ramp:
                served_extra[k] *= running / ramp
                restock[k] *= running / ramp

    # Step 5: production and shipping; own supply enters inventory at once.
    for i in range(n):
        production_record[day, i] = 0.0
        shipped_record[day, i] = 0.0
        exported_record[day, i] = 0.0
    for k in range(m):
        link_record[day, k] = 0.0
    carried = np.zeros(n)  # shipped for the importer's own orders (not passed-on restocking)
    carried_days = np.zeros(n)  # Σ carried × days on the way
    for k in range(lines):
        i = source[k]
        j = destination[k]
        served = committed[k] * scale[i] + served_extra[k]
        production_record[day, i] += served
        if k >= m:
            stock[j] += served
        else:
            trade_calendar[day + line_ints[LEAD, k], j] += served
            shipped_record[day, j] += served
            exported_record[day, i] += served
            link_record[day, k] += served
            carried[j] += served - restock[k]
            carried_days[j] += (served - restock[k]) * line_ints[LEAD, k]
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


@njit(cache=True)
def _contract(
    day: int, wanted_by_importer: FloatArray, line_ints: IntArray, m: int, open_line: BoolArray
) -> None:
    """Start contracts for importers that reroute today; mark the lines open to rerouting.

    The first day an importer has requests to reroute, each of its links gets a
    contract that runs from ``day + CONTRACT_DELAY`` for the rest of the run.
    A line is open to rerouted requests when it is an own producer, or a link
    under no control whose contract runs.
    """
    for k in range(line_ints.shape[1]):
        if k >= m:
            open_line[k] = True
            continue
        if line_ints[CONTRACT_DAY, k] < 0 and wanted_by_importer[line_ints[DESTINATION, k]] > 1e-12:
            line_ints[CONTRACT_DAY, k] = day + line_ints[CONTRACT_DELAY, k]
        running = 0 <= line_ints[CONTRACT_DAY, k] <= day
        open_line[k] = line_ints[MODE, k] == 0 and running


@njit(cache=True)
def _reroute(
    wanted_by_importer: FloatArray,
    spare: FloatArray,
    source: IntArray,
    destination: IntArray,
    open_line: BoolArray,
    extra: FloatArray,
) -> bool:
    """Add to ``extra`` each importer's wanted quantity, split over its open lines.

    In proportion to the spare capacity of each line's source; when none has
    any, evenly over the open lines (the requests then go unmet, but they are
    the sustained extra requests that make a supplier with an expansion
    invest).  Returns whether anything was rerouted.
    """
    n = spare.shape[0]
    lines = source.shape[0]
    total = np.zeros(n)
    count = np.zeros(n)
    for k in range(lines):
        if open_line[k]:
            total[destination[k]] += spare[source[k]]
            count[destination[k]] += 1.0
    rerouted = False
    for k in range(lines):
        j = destination[k]
        if not open_line[k] or wanted_by_importer[j] <= 1e-12:
            continue
        if total[j] > 0.0:
            extra[k] += spare[source[k]] * wanted_by_importer[j] / total[j]
        else:
            extra[k] += wanted_by_importer[j] / count[j]
        rerouted = True
    return rerouted


@njit(cache=True)
def _share_spare(
    extra: FloatArray,
    spare: FloatArray,
    source: IntArray,
    destination: IntArray,
    priority_importers: BoolArray,
    priority: bool,
    priority_share: float,
) -> FloatArray:
    """Share of each line's extra request that its source serves from spare capacity.

    Pro rata; or, with joint procurement, first to the coalition's members (all
    of the spare capacity, or a reserved share of it, ``priority_share >= 0``;
    what one side does not use goes to the other).
    """
    n = spare.shape[0]
    lines = source.shape[0]
    extra_by_source = np.zeros(n)
    member_extra = np.zeros(n)
    for k in range(lines):
        extra_by_source[source[k]] += extra[k]
        if priority and priority_importers[destination[k]]:
            member_extra[source[k]] += extra[k]
    member_ratio = np.zeros(n)
    other_ratio = np.zeros(n)
    for i in range(n):
        if not priority:
            if extra_by_source[i] > 0.0:
                other_ratio[i] = min(1.0, spare[i] / extra_by_source[i])
            continue
        other = extra_by_source[i] - member_extra[i]
        quota = spare[i]
        if priority_share >= 0.0:
            quota = spare[i] * priority_share
            quota += max(spare[i] - quota - other, 0.0)
        member_served = min(member_extra[i], quota)
        other_served = min(other, spare[i] - member_served)
        member_served = min(member_extra[i], spare[i] - other_served)
        if member_extra[i] > 0.0:
            member_ratio[i] = member_served / member_extra[i]
        if other > 0.0:
            other_ratio[i] = other_served / other
    ratio = np.empty(lines)
    for k in range(lines):
        i = source[k]
        ratio[k] = (
            member_ratio[i] if priority and priority_importers[destination[k]] else other_ratio[i]
        )
    return ratio


@njit(cache=True)
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
