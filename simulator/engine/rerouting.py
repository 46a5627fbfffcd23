"""Rerouting inside the compiled daily step: contracts, cut requests moved, spare capacity shared.

Called by :func:`simulator.engine.kernel.trade_day` on its state, line and
work matrices (rows in :mod:`simulator.engine.rows`; ``docs/model.md``,
steps 3–4), so nothing is allocated per day.

A rerouting takes three passes over the supply lines, each fusing what would
otherwise be a pass of its own:

1. :func:`open_lines` starts contracts, marks the lines open to rerouted
   requests and sums, per importer, the spare capacity of their sources;
2. :func:`reroute_and_sum` moves the wanted quantities onto the open lines
   and sums the extra requests each source has (:func:`sharing_ratios` then
   sets, per source, the share of them its spare capacity serves);
3. the caller reads each line's share in the ratio row of its source
   (``MEMBER_RATIO`` for lines to the members of a joint procurement,
   ``OTHER_RATIO`` otherwise), in its own pass over the lines.

Each sum adds its terms in line order, as separate passes would, so fusing
them changes no result.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.engine.compiled import daily
from simulator.engine.rows import (
    CONTRACT_DAY,
    CONTRACT_DELAY,
    COUNT,
    DESTINATION,
    EXTRA_BY_SOURCE,
    MEMBER_EXTRA,
    MEMBER_RATIO,
    MODE,
    OTHER_RATIO,
    SOURCE,
    SPARE,
    TOTAL,
    clear_row,
)

__all__ = ["open_lines", "reroute_and_sum", "sharing_ratios"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_WANTED = 1e-12
"""Below this a quantity (units/day) is not rerouted."""


@daily()
def open_lines(
    day: int,
    wanted: int,
    line_ints: IntArray,
    country_work: FloatArray,
    m: int,
    open_line: BoolArray,
) -> None:
    """Start contracts for importers that reroute today; mark the open lines; sum their spare.

    ``wanted`` is the row of ``country_work`` with what each importer wants
    rerouted.  The first day an importer has requests to reroute, each of its
    links gets a contract that runs from ``day + CONTRACT_DELAY`` for the rest
    of the run (``CONTRACT_DAY``, -1 before).  A line is open to rerouted
    requests when it is an own producer (index ``m`` on), or a link under no
    control whose contract runs.  Rows ``TOTAL`` and ``COUNT`` get, per
    importer, the spare capacity of its open lines' sources and the number of
    those lines.
    """
    clear_row(country_work, TOTAL)
    clear_row(country_work, COUNT)
    for k in range(line_ints.shape[1]):
        j = line_ints[DESTINATION, k]
        if k >= m:
            is_open = True
        else:
            contract_day = line_ints[CONTRACT_DAY, k]
            if contract_day < 0 and country_work[wanted, j] > _WANTED:
                contract_day = day + line_ints[CONTRACT_DELAY, k]
                line_ints[CONTRACT_DAY, k] = contract_day
            is_open = line_ints[MODE, k] == 0 and 0 <= contract_day <= day
        open_line[k] = is_open
        if is_open:
            country_work[TOTAL, j] += country_work[SPARE, line_ints[SOURCE, k]]
            country_work[COUNT, j] += 1.0


@daily()
def reroute_and_sum(
    rerouting: bool,
    wanted: int,
    extra: int,
    line_ints: IntArray,
    line_work: FloatArray,
    country_work: FloatArray,
    open_line: BoolArray,
    priority_importers: BoolArray,
    priority: bool,
) -> bool:
    """Add rerouted requests to row ``extra`` of ``line_work`` (if ``rerouting``); sum per source.

    Each importer's wanted quantity (row ``wanted`` of ``country_work``) is
    split over its open lines in proportion to the spare capacity of each
    line's source (``TOTAL`` from :func:`open_lines`); when none has any,
    evenly over the open lines (the requests then go unmet, but they are the
    sustained extra requests that make a supplier with an expansion invest).
    Then ``EXTRA_BY_SOURCE`` gets each source's extra requests, and
    ``MEMBER_EXTRA`` those of the joint-procurement members
    (``priority_importers``) when ``priority``.  Returns whether anything was
    rerouted.
    """
    clear_row(country_work, EXTRA_BY_SOURCE)
    clear_row(country_work, MEMBER_EXTRA)
    rerouted = False
    run = -1  # the sums of a run of lines from one source stay local (kernel._RUNS)
    run_extra = 0.0
    run_member = 0.0
    for k in range(line_ints.shape[1]):
        i = line_ints[SOURCE, k]
        j = line_ints[DESTINATION, k]
        if i != run:
            if run >= 0:
                country_work[EXTRA_BY_SOURCE, run] = run_extra
                country_work[MEMBER_EXTRA, run] = run_member
            run = i
            run_extra = country_work[EXTRA_BY_SOURCE, i]
            run_member = country_work[MEMBER_EXTRA, i]
        value = line_work[extra, k]
        want = country_work[wanted, j]
        if rerouting and open_line[k] and want > _WANTED:
            if country_work[TOTAL, j] > 0.0:
                value += country_work[SPARE, i] * want / country_work[TOTAL, j]
            else:
                value += want / country_work[COUNT, j]
            line_work[extra, k] = value
            rerouted = True
        run_extra += value
        if priority and priority_importers[j]:
            run_member += value
    if run >= 0:
        country_work[EXTRA_BY_SOURCE, run] = run_extra
        country_work[MEMBER_EXTRA, run] = run_member
    return rerouted


@daily()
def sharing_ratios(priority: bool, priority_share: float, country_work: FloatArray) -> None:
    """Set each source's share of extra requests served from its spare capacity.

    Pro rata; or, with joint procurement, first to the coalition's members (all
    of the spare capacity, or a reserved share of it, ``priority_share >= 0``;
    what one side does not use goes to the other).  Reads the sums of
    :func:`reroute_and_sum` and ``SPARE``; writes rows ``MEMBER_RATIO`` and
    ``OTHER_RATIO``.
    """
    for i in range(country_work.shape[1]):
        spare = country_work[SPARE, i]
        extra_by_source = country_work[EXTRA_BY_SOURCE, i]
        member_extra = country_work[MEMBER_EXTRA, i]
        country_work[MEMBER_RATIO, i] = 0.0
        country_work[OTHER_RATIO, i] = 0.0
        if not priority:
            if extra_by_source > 0.0:
                country_work[OTHER_RATIO, i] = min(1.0, spare / extra_by_source)
            continue
        other = extra_by_source - member_extra
        quota = spare
        if priority_share >= 0.0:
            quota = spare * priority_share
            quota += max(spare - quota - other, 0.0)
        member_served = min(member_extra, quota)
        other_served = min(other, spare - member_served)
        member_served = min(member_extra, spare - other_served)
        if member_extra > 0.0:
            country_work[MEMBER_RATIO, i] = member_served / member_extra
        if other > 0.0:
            country_work[OTHER_RATIO, i] = other_served / other
