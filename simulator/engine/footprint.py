"""How much memory one replication needs, estimated before it runs.

The arrays of a replication are, per commodity, the arrival calendars (two
float64 arrays of ``days × countries``, where ``days`` is the horizon plus the
longest lead time and policy delay, see :class:`~simulator.engine.market.Market`)
and the daily records (one float64 array of ``horizon × countries`` per
recorded field, see :mod:`simulator.engine.records`; two more for a commodity
that is an input of a product).  Everything else is
small beside them.  ``supplyshock validate`` reports the estimate when it is
large, so a scenario that would exhaust memory is noticed before a batch.
"""

from __future__ import annotations

from simulator.engine.records import DAILY_FIELDS
from simulator.model.distributions import support
from simulator.model.limits import LEAD_TIME_DAYS
from simulator.model.network import TradeNetwork
from simulator.model.scenario import Scenario

__all__ = ["estimate_replication_bytes"]

_FLOAT = 8


def estimate_replication_bytes(scenario: Scenario, network: TradeNetwork) -> int:
    """Bytes of the largest arrays one replication of ``scenario`` allocates.

    For a 365-day horizon, one commodity of two countries and a 10-day lead
    time: calendars 2 × (365 + 10 + 2) × 2 × 8 bytes, records 365 × 2 × 8
    bytes per recorded field.
    """
    horizon = scenario.horizon_days
    policies = scenario.policies
    total = 0
    inputs = {k for recipe in network.recipes.values() for k in recipe.inputs}
    for net in network:
        longest_lead = max(
            (min(support(q)[1], LEAD_TIME_DAYS.high) for q in net.lead_time_days), default=1.0
        )
        delays = [s.leakage.extra_lead_time_days for s in scenario.shocks if s.leakage]
        delays += [p.lead_time_days for p in policies.joint_stockpiles]
        delays += [p.lead_time_days for p in policies.mutual_transfers]
        days = horizon + int(longest_lead) + int(max(delays, default=0.0)) + 2
        n = net.n_countries
        fields = len(DAILY_FIELDS) + (2 if net.commodity in inputs else 0)
        total += 2 * days * n * _FLOAT + fields * horizon * n * _FLOAT
    return total
