"""Step 5 of a day, compiled: production and shipping.

Called by :func:`simulator.engine.kernel.trade_day` once steps 1–4 have
set each supply line's committed request, the share of its source's capacity
that serves it (``SCALE``), and what the reroutings got served
(``SERVED_EXTRA``, ``RESTOCK``).  Own supply enters inventory at once; trade
goes into the arrival calendar, ``LEAD`` days on.  Sums per source keep a
run's total local (``kernel._RUNS``), and so do the values a line uses twice
(``kernel._LOCALS``).  Inlined into the daily step: a call there, with its
dozen arrays, cost about 5% of a day.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.engine.compiled import daily
from simulator.engine.rows import (
    CARRIED,
    CARRIED_DAYS,
    COMMITTED,
    CONTRACT_DAY,
    DESTINATION,
    IMPORT_FLOW,
    LEAD,
    LEAK,
    LEAK_EXTRA,
    PIPELINE_TARGET,
    RAMP_DAYS,
    RESTOCK,
    SCALE,
    SERVED_EXTRA,
    SOURCE,
    STOCK,
    TRADE_TRANSIT,
    clear_row,
)

__all__ = ["ship_day"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@daily(inline=True)
def ship_day(
    day: int,
    state: FloatArray,
    line_values: FloatArray,
    line_ints: IntArray,
    line_work: FloatArray,
    country_work: FloatArray,
    restocked: bool,
    any_leak: bool,
    trade_calendar: FloatArray,
    production_record: FloatArray,
    shipped_record: FloatArray,
    exported_record: FloatArray,
    link_record: FloatArray,
) -> float:
    """Produce and ship day ``day``'s served requests; return the day's total production.

    ``restocked``: the second rerouting served something (row ``RESTOCK``);
    ``any_leak``: some blocked link leaks (row ``LEAK``).  Records production
    per country, trade shipments per importer, exporter and link, and updates
    what is in transit and each importer's pipeline target.
    """
    n = state.shape[1]
    lines = line_ints.shape[1]
    m = lines - n
    # A new route (no baseline flow) carries (d + 1) / R of what it would on day d of its contract,
    # for its first R = RAMP_DAYS days.  The day's rows of the records are still 0 (each day is
    # traded once): a link's is stored, not added to, in the first pass.  CARRIED and
    # CARRIED_DAYS: what each importer's own orders carried today, and times their lead times.
    clear_row(country_work, CARRIED)
    clear_row(country_work, CARRIED_DAYS)
    run = -1
    run_made = 0.0
    run_exported = 0.0
    for k in range(lines):
        i = line_ints[SOURCE, k]
        j = line_ints[DESTINATION, k]
        if i != run:
            if run >= 0:
                production_record[day, run] = run_made
                exported_record[day, run] = run_exported
            run = i
            run_made = production_record[day, i]
            run_exported = exported_record[day, i]
        served_extra = line_work[SERVED_EXTRA, k]
        restock = line_work[RESTOCK, k] if restocked else 0.0
        if k < m:
            ramp = line_values[RAMP_DAYS, k]
            if ramp > 0.0 and served_extra > 0.0:
                running = day - line_ints[CONTRACT_DAY, k] + 1
                if running < ramp:
                    served_extra *= running / ramp
                    line_work[SERVED_EXTRA, k] = served_extra
                    if restocked:
                        restock *= running / ramp
                        line_work[RESTOCK, k] = restock
        served = line_work[COMMITTED, k] * country_work[SCALE, i] + served_extra
        run_made += served
        if k >= m:
            state[STOCK, j] += served
        else:
            lead = line_ints[LEAD, k]
            trade_calendar[day + lead, j] += served
            shipped_record[day, j] += served
            run_exported += served
            link_record[day, k] = served
            own = served - restock if restocked else served
            country_work[CARRIED, j] += own
            country_work[CARRIED_DAYS, j] += own * lead
    if run >= 0:
        production_record[day, run] = run_made
        exported_record[day, run] = run_exported
    if any_leak:
        for k in range(m):
            if line_work[LEAK, k] > 0.0:
                i = line_ints[SOURCE, k]
                j = line_ints[DESTINATION, k]
                served = line_work[LEAK, k] * country_work[SCALE, i]
                production_record[day, i] += served
                days = line_ints[LEAD, k] + line_ints[LEAK_EXTRA, k]
                trade_calendar[day + days, j] += served
                shipped_record[day, j] += served
                exported_record[day, i] += served
                link_record[day, k] += served
                country_work[CARRIED, j] += served
                country_work[CARRIED_DAYS, j] += served * days
    total_production = 0.0
    for i in range(n):
        state[TRADE_TRANSIT, i] += shipped_record[day, i]
        total_production += production_record[day, i]
        # The pipeline target follows the routes that carry the importer's orders:
        # baseline import flow × their lead time, weighted by what each carried today.
        # Restocking that a full supplier passed on to another route (the second
        # rerouting) does not count; the target is kept when only rounding differs,
        # so nothing moves without a shock.
        if country_work[CARRIED, i] > 1e-12:
            target = (
                state[IMPORT_FLOW, i] * country_work[CARRIED_DAYS, i] / country_work[CARRIED, i]
            )
            if abs(target - state[PIPELINE_TARGET, i]) > 1e-9 * (1.0 + target):
                state[PIPELINE_TARGET, i] = target
    return total_production
