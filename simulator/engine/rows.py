"""The rows of the matrices the compiled daily step works on.

A commodity's market (:class:`~simulator.engine.market.Market`) keeps its
state in a few matrices: per country, per supply line (float and integer),
and two of work space.  The compiled steps (:mod:`simulator.engine.kernel`,
:mod:`simulator.engine.rerouting`) index them as ``matrix[ROW, i]`` rather
than through views of their rows: with numba's runtime, a view of a row took
and released a reference to the matrix, two atomic operations, and a day
took some thirty of them (the daily step now runs without that runtime:
:mod:`simulator.engine.compiled`).

Supply lines: indexes ``0 … m-1`` are the trade links, ``m … m+n-1`` each
country's own producer supplying itself (source = destination = the country).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.engine.compiled import daily

__all__ = ["clear_row"]

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
# per-line float matrix and of a per-country float matrix.  EXTRA_BY_SOURCE …
# OTHER_RATIO are per source: its extra requests, those of the members of a joint
# procurement, and the shares of them its spare capacity serves.
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
    EXTRA_BY_SOURCE,
    MEMBER_EXTRA,
    MEMBER_RATIO,
    OTHER_RATIO,
) = range(15)
COUNTRY_WORK_ROWS = 15


@daily(error_model="python")
def clear_row(matrix: npt.NDArray[np.float64], row: int) -> None:
    """Set a row of ``matrix`` to zero (a loop: a slice assignment costs more here)."""
    for k in range(matrix.shape[1]):
        matrix[row, k] = 0.0
