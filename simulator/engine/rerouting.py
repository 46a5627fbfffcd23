"""Rerouting inside the compiled daily step: contracts, cut requests moved, spare capacity shared.

Called by :func:`simulator.engine.kernel.trade_day` on rows of its state and
work matrices (``docs/model.md``, steps 3–4).  The work arrays are the
caller's, overwritten here, so nothing is allocated per day.

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
from numba import njit

__all__ = ["MEMBER_RATIO", "OTHER_RATIO", "open_lines", "reroute_and_sum", "sharing_ratios"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_WANTED = 1e-12
"""Below this a quantity (units/day) is not rerouted."""

# Rows of the per-source work space (``sharing``, four rows × countries).
EXTRA_BY_SOURCE, MEMBER_EXTRA, MEMBER_RATIO, OTHER_RATIO = range(4)


@njit(cache=True, error_model="numpy")
def open_lines(
    day: int,
    wanted_by_importer: FloatArray,
    spare: FloatArray,
    source: IntArray,
    destination: IntArray,
    mode: IntArray,
    contract_delay: IntArray,
    contract_day: IntArray,
    m: int,
    open_line: BoolArray,
    total: FloatArray,
    count: FloatArray,
) -> None:
    """Start contracts for importers that reroute today; mark the open lines; sum their spare.

    The first day an importer has requests to reroute, each of its links gets a
    contract that runs from ``day + contract_delay`` for the rest of the run
    (``contract_day``, -1 before).  A line is open to rerouted requests when it
    is an own producer (index ``m`` on), or a link under no control whose
    contract runs.  ``total`` and ``count`` get, per importer, the spare
    capacity of its open lines' sources and the number of those lines.
    """
    total[:] = 0.0
    count[:] = 0.0
    for k in range(destination.shape[0]):
        j = destination[k]
        if k >= m:
            is_open = True
        else:
            if contract_day[k] < 0 and wanted_by_importer[j] > _WANTED:
                contract_day[k] = day + contract_delay[k]
            is_open = mode[k] == 0 and 0 <= contract_day[k] <= day
        open_line[k] = is_open
        if is_open:
            total[j] += spare[source[k]]
            count[j] += 1.0


@njit(cache=True, error_model="numpy")
def reroute_and_sum(
    rerouting: bool,
    wanted_by_importer: FloatArray,
    spare: FloatArray,
    source: IntArray,
    destination: IntArray,
    open_line: BoolArray,
    extra: FloatArray,
    total: FloatArray,
    count: FloatArray,
    priority_importers: BoolArray,
    priority: bool,
    sharing: FloatArray,
) -> bool:
    """Add rerouted requests to ``extra`` (if ``rerouting``); sum the extra requests per source.

    Each importer's wanted quantity is split over its open lines in proportion
    to the spare capacity of each line's source (``total`` from
    :func:`open_lines`); when none has any, evenly over the open lines (the
    requests then go unmet, but they are the sustained extra requests that
    make a supplier with an expansion invest).  Then ``sharing`` gets each
    source's extra requests, and those of the joint-procurement members
    (``priority_importers``) when ``priority``.  Returns whether anything was
    rerouted.
    """
    extra_by_source = sharing[EXTRA_BY_SOURCE]
    member_extra = sharing[MEMBER_EXTRA]
    extra_by_source[:] = 0.0
    member_extra[:] = 0.0
    rerouted = False
    run = -1  # the sums of a run of lines from one source stay local (kernel._RUNS)
    run_extra = 0.0
    run_member = 0.0
    for k in range(source.shape[0]):
        i = source[k]
        j = destination[k]
        if i != run:
            if run >= 0:
                extra_by_source[run] = run_extra
                member_extra[run] = run_member
            run = i
            run_extra = extra_by_source[i]
            run_member = member_extra[i]
        if rerouting and open_line[k] and wanted_by_importer[j] > _WANTED:
            if total[j] > 0.0:
                extra[k] += spare[i] * wanted_by_importer[j] / total[j]
            else:
                extra[k] += wanted_by_importer[j] / count[j]
            rerouted = True
        run_extra += extra[k]
        if priority and priority_importers[j]:
            run_member += extra[k]
    if run >= 0:
        extra_by_source[run] = run_extra
        member_extra[run] = run_member
    return rerouted


@njit(cache=True, error_model="numpy")
def sharing_ratios(
    spare: FloatArray, priority: bool, priority_share: float, sharing: FloatArray
) -> None:
    """Set each source's share of extra requests served from its spare capacity.

    Pro rata; or, with joint procurement, first to the coalition's members (all
    of the spare capacity, or a reserved share of it, ``priority_share >= 0``;
    what one side does not use goes to the other).  Reads the sums of
    :func:`reroute_and_sum` in ``sharing``; writes its ratio rows.
    """
    extra_by_source = sharing[EXTRA_BY_SOURCE]
    member_extra = sharing[MEMBER_EXTRA]
    member_ratio = sharing[MEMBER_RATIO]
    other_ratio = sharing[OTHER_RATIO]
    for i in range(spare.shape[0]):
        member_ratio[i] = 0.0
        other_ratio[i] = 0.0
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
