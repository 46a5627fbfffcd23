"""One commodity's market for one replication: state arrays and the daily trade flows.

Steps 1–5 and 7 of a day (see ``docs/model.md``) live here, on arrays over
countries (``n``) and links (``m``); policies (step 6, 8) act on the same state
through :mod:`simulator.engine.stockpiles` and :mod:`simulator.engine.coalitions`.

Notation (units per day unless stated): ``D`` demand, ``S`` commercial
inventory, ``f`` baseline flow of a link, ``L`` its lead time (days), ``dom``
production a country keeps for itself (``production - exports``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from simulator.engine.records import CommodityRecords
from simulator.model.network import CommodityNetwork

__all__ = ["CONTROL_BAN", "CONTROL_LICENSING", "CONTROL_NONE", "CONTROL_QUOTA", "Market"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CONTROL_NONE, CONTROL_BAN, CONTROL_QUOTA, CONTROL_LICENSING = 0, 1, 2, 3
DAYS_PER_YEAR = 365.0


class Market:
    """State and daily flows of one commodity in one replication.

    Parameters
    ----------
    network
        The commodity's network (baseline, per year).
    lead_time_days
        This replication's lead time of each link, in whole days >= 1.
    horizon_days
        Days simulated.
    adjustment_days
        Days over which an inventory-position gap is ordered back (``tau``).
    max_extra_delay_days
        Longest delay beyond a link's lead time that anything may be scheduled
        with (leakage, policy lead times), to size the arrival calendar.
    """

    def __init__(
        self,
        network: CommodityNetwork,
        lead_time_days: IntArray,
        horizon_days: int,
        adjustment_days: float,
        max_extra_delay_days: int,
    ) -> None:
        n, m = network.n_countries, network.n_links
        self.commodity = network.commodity
        self.countries = network.countries
        self.n, self.m = n, m
        self.exporter = network.link_exporter
        self.importer = network.link_importer
        self.lead = lead_time_days.astype(np.int64)
        self.tau = adjustment_days

        self.demand = network.demand_per_year / DAYS_PER_YEAR
        self.flow = network.flow_per_year / DAYS_PER_YEAR
        self.domestic = np.maximum(network.domestic_supply_per_year / DAYS_PER_YEAR, 0.0)
        self.capacity = network.capacity_per_year / DAYS_PER_YEAR
        self.has_demand = self.demand > 0
        safe_demand = np.where(self.has_demand, self.demand, 1.0)
        self.share_self = np.where(self.has_demand, self.domestic / safe_demand, 0.0)
        self.share_link = self.flow / safe_demand[self.importer]

        self.inventory_days = network.inventory_days.copy()
        self.extra_inventory_days = np.zeros(n)
        self.front_loading_active = 0
        self._inventory_target = self.inventory_days * self.demand
        self.stock = self._inventory_target.copy()
        self.pipeline_target = np.bincount(self.importer, self.flow * self.lead, n)
        self._base_target = self._inventory_target + self.pipeline_target
        self.licence_target = np.zeros(n)
        self.replenish_target = np.zeros(n)

        # Supply lines: the m links, then each country's own producer supplying
        # itself (index m + i), so one set of array operations serves both.
        self.line_source = np.concatenate([self.exporter, np.arange(n)])
        self.line_destination = np.concatenate([self.importer, np.arange(n)])
        self.line_share = np.concatenate([self.share_link, self.share_self])
        self.line_base = np.concatenate([self.flow, self.domestic])
        self.line_open = np.ones(m + n, dtype=bool)

        # Arrival calendar: everything scheduled to enter a country's inventory,
        # trade shipments and policy movements kept apart for the positions.
        longest_lead = int(np.max(self.lead)) if m else 1
        days = horizon_days + longest_lead + max_extra_delay_days + 2
        self.trade_calendar = np.zeros((days, n))
        self._calendar_flat = self.trade_calendar.reshape(-1)
        self.policy_calendar = np.zeros((days, n))
        self._flat_offset = self.lead * n + self.importer
        for link in range(m):
            self.trade_calendar[: self.lead[link], self.importer[link]] += self.flow[link]
        self.trade_transit = self.pipeline_target.copy()
        self.policy_transit = np.zeros(n)
        self.pending = np.zeros(n)
        self.last_shortfall = np.zeros(n)

        # Export controls, per link (set by simulator.engine.controls).
        self.control_mode = np.zeros(m, dtype=np.int8)
        self.quota_per_day = np.zeros(m)
        self.leak_share = np.zeros(m)
        self.leak_extra_days = np.zeros(m, dtype=np.int64)
        self.approved_today = np.zeros(m)
        self.approvals_waiting = False
        self.licence_requests = np.zeros(m)
        self.controls_active = 0
        self.leaking = False
        self.priority_importers = np.zeros(n, dtype=bool)
        self.priority_share: float | None = None
        self.joint_procurement = False

        # Supplier expansion bookkeeping (simulator.engine.controls drives it).
        self.track_unmet = False
        self.unmet_extra = np.zeros(n)
        self.ramp_per_day = np.zeros(n)
        self.ramping = False
        self.capacity_ceiling = self.capacity.copy()

        # Totals for the ledger.
        self.produced_total = 0.0
        self.consumed_total = 0.0

    # -- controls ---------------------------------------------------------------------------

    def controls_changed(self) -> None:
        """Recompute which supply lines are open to rerouting after a control starts or ends."""
        self.line_open[: self.m] = self.control_mode == CONTROL_NONE
        self.leaking = bool(self.leak_share.any())

    def add_front_loading(self, importers: IntArray, extra_days: float, *, start: bool) -> None:
        """Raise importers' inventory targets by ``extra_days`` (``start``) or lower them back."""
        self.extra_inventory_days[importers] += extra_days if start else -extra_days
        self.front_loading_active += 1 if start else -1
        self._inventory_target = (self.inventory_days + self.extra_inventory_days) * self.demand

    # -- positions --------------------------------------------------------------------------

    def inventory_target(self) -> FloatArray:
        """Commercial inventory target today (units), front-loading included."""
        return self._inventory_target

    def coverage_days(self) -> FloatArray:
        """Commercial inventory in days of demand (inf where there is no demand)."""
        with np.errstate(divide="ignore"):
            return np.where(
                self.has_demand, self.stock / np.where(self.has_demand, self.demand, 1.0), np.inf
            )

    def in_transit(self) -> float:
        """Everything on its way to any country (units)."""
        return float(self.trade_transit.sum() + self.policy_transit.sum())

    # -- step 1 -----------------------------------------------------------------------------

    def receive(self, day: int, record: CommodityRecords) -> None:
        """Step 1: shipments and policy movements due today enter inventories."""
        trade = self.trade_calendar[day]
        policy = self.policy_calendar[day]
        self.stock += trade
        self.stock += policy
        self.trade_transit -= trade
        self.policy_transit -= policy
        record.arrays["arrivals"][day] = trade

    def schedule_policy(self, day: int, delay: int, country: int, quantity: float) -> None:
        """A policy movement (release, transfer) leaves today and arrives in ``delay`` days."""
        if delay <= 0:
            self.stock[country] += quantity
            return
        self.policy_calendar[day + delay, country] += quantity
        self.policy_transit[country] += quantity

    # -- steps 2–5 --------------------------------------------------------------------------

    def trade(self, day: int, record: CommodityRecords) -> None:
        """Steps 2–5: orders, controls, rerouting, production and shipping.

        Works on supply lines (links, then each country's own producer): a
        line's request is its baseline share of the destination's order; a
        producer first serves *committed* requests (up to each line's baseline;
        pro rata when they exceed capacity), then shares its spare capacity
        among *extra* requests (above baseline, and rerouted).
        """
        n, m = self.n, self.m
        # Step 2: order-up-to; never less than demand while below the inventory target.
        target = self._base_target + self.licence_target + self.replenish_target
        if self.front_loading_active:
            target = target + self._inventory_target - self.inventory_days * self.demand
        position = self.stock + self.trade_transit + self.policy_transit + self.pending
        order = self.demand + (target - position) / self.tau
        floor = np.where(self.stock < self._inventory_target, self.demand, 0.0)
        np.maximum(order, floor, out=order)
        request = self.line_share * order[self.line_destination]

        # Step 3: controls.
        cut = leak = None
        if self.controls_active or self.approvals_waiting:
            cut, leak = self._apply_controls(request)

        # Step 4: committed requests first, then extra requests share spare capacity.
        committed = np.minimum(request, self.line_base)
        committed_by_source = np.bincount(self.line_source, committed, n)
        if leak is not None:
            committed_by_source += np.bincount(self.exporter, leak, n)
        scale = None
        if (committed_by_source > self.capacity).any():
            scale = np.divide(
                self.capacity,
                committed_by_source,
                out=np.ones(n),
                where=committed_by_source > self.capacity,
            )
            spare = self.capacity - committed_by_source * scale
            committed *= scale[self.line_source]
        else:
            spare = self.capacity - committed_by_source
        extra = request - np.minimum(request, self.line_base)
        if cut is not None:
            extra += self._reroute(cut, spare)
        extra_by_source = np.bincount(self.line_source, extra, n)
        ratio_line = self._fill_ratio(extra, extra_by_source, spare)
        served = committed + extra * ratio_line
        if self.track_unmet:
            self.unmet_extra = extra_by_source - np.bincount(
                self.line_source, extra * ratio_line, n
            )
        production = np.bincount(self.line_source, served, n)

        # Step 5: shipping; a country's own supply enters its inventory at once.
        self.stock += served[m:]
        shipped_link = served[:m]
        np.add.at(self._calendar_flat, day * n + self._flat_offset, shipped_link)
        shipped = np.bincount(self.importer, shipped_link, n)
        if leak is not None:
            served_leak = leak if scale is None else leak * scale[self.exporter]
            production += np.bincount(self.exporter, served_leak, n)
            np.add.at(
                self._calendar_flat,
                (day + self.leak_extra_days) * n + self._flat_offset,
                served_leak,
            )
            shipped += np.bincount(self.importer, served_leak, n)
        self.trade_transit += shipped
        self.produced_total += float(production.sum())
        record.arrays["production"][day] = production
        record.arrays["imports_shipped"][day] = shipped

    def _apply_controls(self, request: FloatArray) -> tuple[FloatArray | None, FloatArray | None]:
        """Step 3: ban, quota and licensing on each controlled link (modifies ``request``).

        Returns the cut requests per link (to reroute) and the leaked quantities
        per link (shipped through a third country), or None when there are none.
        """
        m = self.m
        mode = self.control_mode
        link_request = request[:m]
        original = link_request.copy()
        licensing = mode == CONTROL_LICENSING
        self.licence_requests = np.where(licensing, original, 0.0)
        link_request[(mode == CONTROL_BAN) | licensing] = 0.0
        quota = mode == CONTROL_QUOTA
        if quota.any():
            link_request[quota] = np.minimum(original[quota], self.quota_per_day[quota])
        cut = original - link_request
        cut[licensing] = 0.0
        if self.approvals_waiting:
            link_request += self.approved_today
            self.approved_today = np.zeros(m)
            self.approvals_waiting = False
        leak = None
        if self.leaking:
            # A share of the blocked *baseline* flow finds its way through a third country.
            leak = np.minimum(cut, self.flow) * self.leak_share
            cut -= leak
        return (cut if cut.any() else None), leak

    def _reroute(self, cut: FloatArray, spare: FloatArray) -> FloatArray:
        """Step 4: cut requests go to the importer's other open supply lines, by spare capacity.

        Returns the extra requests each supply line receives.
        """
        n = self.n
        cut_by_importer = np.bincount(self.importer, cut, n)
        weight = spare[self.line_source] * self.line_open
        total = np.bincount(self.line_destination, weight, n)
        per_weight = np.divide(cut_by_importer, total, out=np.zeros(n), where=total > 0)
        extra: FloatArray = weight * per_weight[self.line_destination]
        return extra

    def _fill_ratio(
        self, extra: FloatArray, extra_by_source: FloatArray, spare: FloatArray
    ) -> FloatArray:
        """Share of each supply line's extra request that its producer serves.

        Spare capacity is shared pro rata, or first to the members of a
        joint-procurement coalition (all of it with ``priority``, or a reserved
        ``share`` of it; what one side does not use goes to the other).
        """
        n = self.n
        if not self.joint_procurement:
            ratio = np.divide(spare, extra_by_source, out=np.zeros(n), where=extra_by_source > 0)
            np.minimum(ratio, 1.0, out=ratio)
            ratio_line: FloatArray = ratio[self.line_source]
            return ratio_line
        member_line = self.priority_importers[self.line_destination]
        member_extra = np.bincount(self.line_source, np.where(member_line, extra, 0.0), n)
        other_extra = extra_by_source - member_extra
        if self.priority_share is None:
            member_quota = spare
        else:
            member_quota = spare * self.priority_share
            member_quota += np.maximum(spare - member_quota - other_extra, 0.0)
        member_served = np.minimum(member_extra, member_quota)
        other_served = np.minimum(other_extra, spare - member_served)
        member_served = np.minimum(member_extra, spare - other_served)
        member_ratio = np.divide(
            member_served, member_extra, out=np.zeros(n), where=member_extra > 0
        )
        other_ratio = np.divide(other_served, other_extra, out=np.zeros(n), where=other_extra > 0)
        ratio_line = np.where(
            member_line, member_ratio[self.line_source], other_ratio[self.line_source]
        )
        return ratio_line

    # -- step 7 -----------------------------------------------------------------------------

    def consume(self, day: int, record: CommodityRecords) -> None:
        """Step 7: each country consumes ``min(demand, inventory)``; the rest is shortfall."""
        consumed = np.minimum(self.demand, self.stock)
        self.stock -= consumed
        self.last_shortfall = self.demand - consumed
        self.consumed_total += float(consumed.sum())
        arrays = record.arrays
        arrays["consumption"][day] = consumed
        arrays["inventory"][day] = self.stock

    def finish_records(self, record: CommodityRecords) -> None:
        """Fill the records that follow from the daily ones: demand and shortfall."""
        record.arrays["demand"][:] = self.demand
        np.subtract(self.demand, record.arrays["consumption"], out=record.arrays["shortfall"])

    def grow_capacity(self) -> None:
        """New capacity ramps up where an expansion is under way (bounded by its ceiling)."""
        if self.ramping:
            self.capacity = np.minimum(self.capacity + self.ramp_per_day, self.capacity_ceiling)
