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
        self.stock = self.inventory_days * self.demand
        self.pipeline_target = np.bincount(self.importer, self.flow * self.lead, n)
        self.licence_target = np.zeros(n)
        self.replenish_target = np.zeros(n)

        # Arrival calendar: everything scheduled to enter a country's inventory,
        # trade shipments and policy movements kept apart for the positions.
        longest_lead = int(np.max(self.lead)) if m else 1
        days = horizon_days + longest_lead + max_extra_delay_days + 2
        self.trade_calendar = np.zeros((days, n))
        self.policy_calendar = np.zeros((days, n))
        self._flat_offset = self.lead * n + self.importer
        for link in range(m):
            self.trade_calendar[: self.lead[link], self.importer[link]] += self.flow[link]
        self.trade_transit = self.pipeline_target.copy()
        self.policy_transit = np.zeros(n)
        self.pending = np.zeros(n)

        # Export controls, per link (set by simulator.engine.controls).
        self.control_mode = np.zeros(m, dtype=np.int8)
        self.quota_per_day = np.zeros(m)
        self.leak_share = np.zeros(m)
        self.leak_extra_days = np.zeros(m, dtype=np.int64)
        self.approved_today = np.zeros(m)
        self.licence_requests = np.zeros(m)
        self.controls_active = 0
        self.priority_importers = np.zeros(n, dtype=bool)
        self.priority_share: float | None = None

        # Supplier expansion bookkeeping (simulator.engine.controls drives it).
        self.unmet_extra = np.zeros(n)
        self.ramp_per_day = np.zeros(n)
        self.capacity_ceiling = self.capacity.copy()

        # Totals for the ledger.
        self.produced_total = 0.0
        self.consumed_total = 0.0

    # -- positions --------------------------------------------------------------------------

    def inventory_target(self) -> FloatArray:
        """Commercial inventory target today (units), front-loading included."""
        return (self.inventory_days + self.extra_inventory_days) * self.demand

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
        """Steps 2–5: orders, controls, rerouting, production and shipping."""
        target = (
            self.inventory_target()
            + self.pipeline_target
            + self.licence_target
            + self.replenish_target
        )
        position = self.stock + self.trade_transit + self.policy_transit + self.pending
        order = self.demand + (target - position) / self.tau
        # Never order less than demand while below the inventory target.
        below = self.stock < self.inventory_target()
        order = np.where(below, np.maximum(order, self.demand), np.maximum(order, 0.0))
        order[~self.has_demand] = 0.0

        request_self = self.share_self * order
        request_link = self.share_link * order[self.importer]

        if self.controls_active or self.approved_today.any():
            allowed, cut, leak = self._apply_controls(request_link)
        else:
            allowed, cut, leak = request_link, None, None

        # Committed requests: up to baseline, served first; more than capacity is cut pro rata.
        committed_self = np.minimum(request_self, self.domestic)
        committed_link = np.minimum(allowed, self.flow)
        committed = np.bincount(self.exporter, committed_link, self.n) + committed_self
        if leak is not None:
            committed += np.bincount(self.exporter, leak, self.n)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(committed > self.capacity, self.capacity / committed, 1.0)
        spare = self.capacity - committed * scale

        extra_self = request_self - committed_self
        extra_link = allowed - committed_link
        if cut is not None:
            reroute_self, reroute_link = self._reroute(cut, spare)
            extra_self = extra_self + reroute_self
            extra_link = extra_link + reroute_link
        extra = np.bincount(self.exporter, extra_link, self.n) + extra_self
        fill = self._fill_extra(extra, extra_self, extra_link, spare)
        served_self = committed_self * scale + extra_self * fill[0]
        served_link = committed_link * scale[self.exporter] + extra_link * fill[1]
        self.unmet_extra = extra - (
            np.bincount(self.exporter, extra_link * fill[1], self.n) + extra_self * fill[0]
        )

        production = served_self + np.bincount(self.exporter, served_link, self.n)
        # Step 5: shipping; domestic supply has no lead time.
        self.stock += served_self
        calendar = self.trade_calendar.reshape(-1)
        np.add.at(calendar, day * self.n + self._flat_offset, served_link)
        shipped = np.bincount(self.importer, served_link, self.n)
        if leak is not None:
            served_leak = leak * scale[self.exporter]
            production += np.bincount(self.exporter, served_leak, self.n)
            np.add.at(
                calendar, (day + self.leak_extra_days) * self.n + self._flat_offset, served_leak
            )
            shipped += np.bincount(self.importer, served_leak, self.n)
        self.trade_transit += shipped
        self.produced_total += float(production.sum())
        record.arrays["production"][day] = production
        record.arrays["imports_shipped"][day] = shipped

    def _apply_controls(
        self, request_link: FloatArray
    ) -> tuple[FloatArray, FloatArray | None, FloatArray | None]:
        """Step 3: ban, quota and licensing on each controlled link."""
        mode = self.control_mode
        allowed = request_link.copy()
        ban = mode == CONTROL_BAN
        quota = mode == CONTROL_QUOTA
        licensing = mode == CONTROL_LICENSING
        allowed[ban] = 0.0
        allowed[quota] = np.minimum(request_link[quota], self.quota_per_day[quota])
        allowed[licensing] = 0.0
        cut = request_link - allowed
        cut[licensing] = 0.0
        self.licence_requests = np.where(licensing, request_link, 0.0)
        allowed += self.approved_today
        self.approved_today = np.zeros(self.m)
        leak = None
        if self.leak_share.any():
            leak = cut * self.leak_share
            cut = cut - leak
        return allowed, (cut if cut.any() else None), leak

    def _reroute(self, cut: FloatArray, spare: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Step 4: cut requests go to the importer's other suppliers, by their spare capacity."""
        cut_by_importer = np.bincount(self.importer, cut, self.n)
        open_link = self.control_mode == CONTROL_NONE
        weight_link = np.where(open_link, spare[self.exporter], 0.0)
        weight_self = np.where(cut_by_importer > 0, spare, 0.0)
        total = np.bincount(self.importer, weight_link, self.n) + weight_self
        with np.errstate(divide="ignore", invalid="ignore"):
            per_weight = np.where(total > 0, cut_by_importer / total, 0.0)
        return weight_self * per_weight, weight_link * per_weight[self.importer]

    def _fill_extra(
        self,
        extra: FloatArray,
        extra_self: FloatArray,
        extra_link: FloatArray,
        spare: FloatArray,
    ) -> tuple[FloatArray, FloatArray]:
        """Share each supplier's spare capacity among its extra requests.

        Pro rata, or first to the members of a joint-procurement coalition
        (all of it with ``priority``, or a reserved ``share`` of it).  Returns
        the fill ratio of the self requests (per country) and of each link.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            if not self.priority_importers.any():
                ratio = np.where(extra > 0, np.minimum(1.0, spare / extra), 0.0)
                return ratio, ratio[self.exporter]
            member_link = self.priority_importers[self.importer]
            member_extra = np.bincount(
                self.exporter, np.where(member_link, extra_link, 0.0), self.n
            ) + np.where(self.priority_importers, extra_self, 0.0)
            other_extra = extra - member_extra
            if self.priority_share is None:
                member_quota = spare
            else:
                member_quota = spare * self.priority_share
                member_quota += np.maximum(spare - member_quota - other_extra, 0.0)
            member_served = np.minimum(member_extra, member_quota)
            other_served = np.minimum(other_extra, spare - member_served)
            member_served = np.minimum(member_extra, spare - other_served)
            member_ratio = np.where(member_extra > 0, member_served / member_extra, 0.0)
            other_ratio = np.where(other_extra > 0, other_served / other_extra, 0.0)
        ratio_self = np.where(self.priority_importers, member_ratio, other_ratio)
        ratio_link = np.where(member_link, member_ratio[self.exporter], other_ratio[self.exporter])
        return ratio_self, ratio_link

    # -- step 7 -----------------------------------------------------------------------------

    def consume(self, day: int, record: CommodityRecords) -> None:
        """Step 7: each country consumes ``min(demand, inventory)``; the rest is shortfall."""
        consumed = np.minimum(self.demand, self.stock)
        self.stock -= consumed
        self.consumed_total += float(consumed.sum())
        arrays = record.arrays
        arrays["demand"][day] = self.demand
        arrays["consumption"][day] = consumed
        arrays["shortfall"][day] = self.demand - consumed
        arrays["inventory"][day] = self.stock

    def grow_capacity(self) -> None:
        """New capacity ramps up where an expansion is under way (bounded by its ceiling)."""
        if self.ramp_per_day.any():
            self.capacity = np.minimum(self.capacity + self.ramp_per_day, self.capacity_ceiling)
