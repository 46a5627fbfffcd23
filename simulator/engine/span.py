"""Next-event time advance: the daily flows of a span of days in one compiled call.

Between two *moments* (SimPy events: a control starts or ends, a licence is
decided, capacity comes online) a commodity with no recipe and no licence
being drawn runs the same steps every day: the policies' replenishment
targets, the price's opening (step 0), steps 1–5, the expansion watches,
step 6 of the policies (releases, transfers), step 7, step 8 of the policies
(refills, repayments), the records of step 9 and the price's closing.
:func:`advance_span` runs them for every day of the span in one call, in the
same order and with the same compiled steps as the day-by-day path of
:mod:`simulator.engine.day`, so the records are identical.

It stops early, after steps 1–5 of a day, at a *state event*: something that
needs Python on that day.

- An expansion watch would reach its sustain time today: the supplier
  decides to invest, and its new capacity is a moment SimPy schedules.
- A release rule with a random decision delay has used up the delays drawn
  ahead for it (:class:`~simulator.engine.policy_book.PolicyBook`): the next
  ones are drawn on its random stream.

The caller then runs the rest of that day in Python and goes on.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.engine import kernel, policy_kernel, pricing, rows
from simulator.engine.compiled import daily
from simulator.engine.policy_layout import Book, Records

__all__ = ["advance_span"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_EPS = 1e-12


@daily(error_model="python")
def advance_span(
    first_day: int,
    end_day: int,
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
    totals: FloatArray,
    arrivals: FloatArray,
    production: FloatArray,
    imports_shipped: FloatArray,
    exports_shipped: FloatArray,
    link_shipped: FloatArray,
    line_work: FloatArray,
    country_work: FloatArray,
    open_line: BoolArray,
    consumption: FloatArray,
    inventory: FloatArray,
    in_transit: FloatArray,
    policy_in_transit: FloatArray,
    demand_record: FloatArray,
    forgone_record: FloatArray,
    priced: bool,
    price_parameters: FloatArray,
    price_state: FloatArray,
    base_demand: FloatArray,
    base_output: FloatArray,
    ceiling: FloatArray,
    grows: BoolArray,
    world_output: float,
    price_record: FloatArray,
    physical: FloatArray,
    watching: BoolArray,
    streak: IntArray,
    sustain: FloatArray,
    ramping: bool,
    ramp_per_day: FloatArray,
    capacity_ceiling: FloatArray,
    has_policies: bool,
    has_demand: BoolArray,
    book: Book,
    policy_records: Records,
) -> int:
    """Run days ``first_day … end_day - 1``; return ``end_day``, or the day of a state event.

    On a state event on day ``s`` (returned), the price's opening, steps 1–5
    and the price's after-trade measure of day ``s`` are done and nothing
    after them: the caller runs the rest of that day.

    ``approvals`` says whether licences approved for ``first_day`` wait to
    ship (:attr:`~simulator.engine.market.Market.approvals_waiting`).
    ``totals`` holds the production and consumption totals (added to day by
    day, as the day-by-day path does); the arrays after it are the
    commodity's daily records of those names, and the daily step's work
    space (:func:`simulator.engine.kernel.trade_day`).  Without a market
    (``priced`` false) the price arguments are not read.  ``physical`` is
    the producers' capacity (the capacity row without a market, the
    capacity the price's ceilings follow with one).  ``watching`` marks
    the suppliers whose expansion watch still counts.  With ``has_policies``
    the policies of ``book`` (:class:`~simulator.engine.policy_book.PolicyBook`)
    act every day and write ``policy_records``; ``has_demand`` marks the
    countries with a baseline demand.
    """
    n = state.shape[1]
    for day in range(first_day, end_day):
        if has_policies:
            policy_kernel.policy_targets(state, tau, book)
        if priced:
            pricing.open_day(
                day,
                price_parameters,
                price_state,
                state,
                base_demand,
                base_output,
                ceiling,
                physical,
                grows,
                world_output,
                price_record,
                demand_record,
                forgone_record,
            )
        totals[0] += kernel.trade_day(
            day,
            tau,
            state,
            line_values,
            line_ints,
            priority_importers,
            priority,
            priority_share,
            approvals,
            trade_calendar,
            policy_calendar,
            arrivals,
            production,
            imports_shipped,
            exports_shipped,
            link_shipped,
            line_work,
            country_work,
            open_line,
        )
        if approvals:  # licences approved for the first day have shipped
            line_values[rows.APPROVED, :] = 0.0
            approvals = False
        if priced:
            price_state[pricing.UNSERVED] = pricing.unserved_share(
                day, state, production, imports_shipped, exports_shipped
            )
        if _state_event(state, watching, streak, sustain) or (
            has_policies and policy_kernel.delays_needed(book)
        ):
            return day
        for i in range(n):  # expansion watches: a day more (or less) of unmet requests
            if watching[i]:
                streak[i] = streak[i] + 1 if state[rows.UNMET_EXTRA, i] > _EPS else 0
        if ramping:
            for i in range(n):
                physical[i] = min(physical[i] + ramp_per_day[i], capacity_ceiling[i])
        if has_policies:
            policy_kernel.policy_release(
                day, state, has_demand, book, policy_calendar, policy_records
            )
        totals[1] += kernel.consume_day(day, state, consumption)
        if has_policies:
            policy_kernel.policy_replenish(day, state, book, policy_calendar, policy_records)
        for j in range(n):  # step 9
            inventory[day, j] = state[rows.STOCK, j]
            in_transit[day, j] = state[rows.TRADE_TRANSIT, j]
            policy_in_transit[day, j] = state[rows.POLICY_TRANSIT, j]
        if priced:
            price_state[pricing.INVENTORY_GAP] = pricing.inventory_gap_share(state)
    return end_day


@daily(error_model="python")
def _state_event(
    state: FloatArray, watching: BoolArray, streak: IntArray, sustain: FloatArray
) -> bool:
    """Whether a supplier's unmet extra requests reach its expansion's sustain time today."""
    for i in range(state.shape[1]):
        if watching[i] and state[rows.UNMET_EXTRA, i] > _EPS and streak[i] + 1 >= sustain[i]:
            return True
    return False
