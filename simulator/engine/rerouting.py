"""Rerouting inside the compiled daily step: contracts, cut requests moved, spare capacity shared.

Called by :func:`simulator.engine.kernel.trade_day` on rows of its state and
work matrices (``docs/model.md``, steps 3–4).  The work arrays are the
caller's, overwritten here, so nothing is allocated per day.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["open_contracts", "reroute", "share_spare"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@njit(cache=True)
def open_contracts(
    day: int,
    wanted_by_importer: FloatArray,
    destination: IntArray,
    mode: IntArray,
    contract_delay: IntArray,
    contract_day: IntArray,
    m: int,
    open_line: BoolArray,
) -> None:
    """Start contracts for importers that reroute today; mark the lines open to rerouting.

    The first day an importer has requests to reroute, each of its links gets a
    contract that runs from ``day + contract_delay`` for the rest of the run
    (``contract_day``, -1 before).  A line is open to rerouted requests when it
    is an own producer (index ``m`` on), or a link under no control whose
    contract runs.
    """
    for k in range(destination.shape[0]):
        if k >= m:
            open_line[k] = True
            continue
        if contract_day[k] < 0 and wanted_by_importer[destination[k]] > 1e-12:
            contract_day[k] = day + contract_delay[k]
        running = 0 <= contract_day[k] <= day
        open_line[k] = mode[k] == 0 and running


@njit(cache=True)
def reroute(
    wanted_by_importer: FloatArray,
    spare: FloatArray,
    source: IntArray,
    destination: IntArray,
    open_line: BoolArray,
    extra: FloatArray,
    total: FloatArray,
    count: FloatArray,
) -> bool:
    """Add to ``extra`` each importer's wanted quantity, split over its open lines.

    In proportion to the spare capacity of each line's source; when none has
    any, evenly over the open lines (the requests then go unmet, but they are
    the sustained extra requests that make a supplier with an expansion
    invest).  ``total`` and ``count`` (per country) are work space.  Returns
    whether anything was rerouted.
    """
    lines = source.shape[0]
    total[:] = 0.0
    count[:] = 0.0
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
def share_spare(
    extra: FloatArray,
    spare: FloatArray,
    source: IntArray,
    destination: IntArray,
    priority_importers: BoolArray,
    priority: bool,
    priority_share: float,
    ratio: FloatArray,
    country_work: FloatArray,
) -> None:
    """Set ``ratio``: the share of each line's extra request its source serves from spare capacity.

    Pro rata; or, with joint procurement, first to the coalition's members (all
    of the spare capacity, or a reserved share of it, ``priority_share >= 0``;
    what one side does not use goes to the other).  ``country_work`` holds four
    rows of work space per country.
    """
    n = spare.shape[0]
    lines = source.shape[0]
    extra_by_source = country_work[0]
    member_extra = country_work[1]
    member_ratio = country_work[2]
    other_ratio = country_work[3]
    for i in range(n):
        extra_by_source[i] = 0.0
        member_extra[i] = 0.0
        member_ratio[i] = 0.0
        other_ratio[i] = 0.0
    for k in range(lines):
        extra_by_source[source[k]] += extra[k]
        if priority and priority_importers[destination[k]]:
            member_extra[source[k]] += extra[k]
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
    for k in range(lines):
        i = source[k]
        ratio[k] = (
            member_ratio[i] if priority and priority_importers[destination[k]] else other_ratio[i]
        )
