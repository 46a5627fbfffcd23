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

from simulator.engine import kernel, rows
from simulator.engine.baseline import market_baseline, on_way_at_baseline
from simulator.engine.records import CommodityRecords
from simulator.model.network import CommodityNetwork
from simulator.model.scenario import ExportControl

__all__ = ["CONTROL_BAN", "CONTROL_LICENSING", "CONTROL_NONE", "CONTROL_QUOTA", "Market"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CONTROL_NONE, CONTROL_BAN, CONTROL_QUOTA, CONTROL_LICENSING = 0, 1, 2, 3


class Market:
    """State and daily flows of one commodity in one replication.

    Parameters
    ----------
    network
        The commodity's network (baseline, per year).
    lead_time_days
        This replication's lead time of each link, in whole days >= 1.
    contracting_delay_days
        This replication's contracting delay of each link, in whole days >= 0.
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
        contracting_delay_days: IntArray,
        horizon_days: int,
        adjustment_days: float,
        max_extra_delay_days: int,
    ) -> None:
        n, m = network.n_countries, network.n_links
        baseline = market_baseline(network)
        self.network = network
        self.commodity = network.commodity
        self.countries = network.countries
        self.n, self.m = n, m
        self.exporter = network.link_exporter
        self.importer = network.link_importer
        self.tau = adjustment_days
        self.flow = baseline.flow

        # Per-country state: the rows of one matrix (so the compiled daily step
        # takes one argument); the attributes below are views of its rows and
        # are only ever updated in place.  It starts at the baseline's.
        self.state = baseline.state.copy()
        state = self.state
        self.demand: FloatArray = state[rows.DEMAND]
        self.capacity: FloatArray = state[rows.CAPACITY]
        self.stock: FloatArray = state[rows.STOCK]
        self.trade_transit: FloatArray = state[rows.TRADE_TRANSIT]
        self.policy_transit: FloatArray = state[rows.POLICY_TRANSIT]
        self.pending: FloatArray = state[rows.PENDING]
        self.licence_target: FloatArray = state[rows.LICENCE_TARGET]
        self.replenish_target: FloatArray = state[rows.REPLENISH_TARGET]
        self._inventory_target: FloatArray = state[rows.INVENTORY_TARGET]
        self.unmet_extra: FloatArray = state[rows.UNMET_EXTRA]
        self.last_shortfall: FloatArray = state[rows.LAST_SHORTFALL]

        # Per-country vectors that change during a run, but are no rows of the state.
        vectors = np.zeros((5, n))
        self.base_demand: FloatArray = vectors[0]
        self.base_demand[:] = self.demand
        self.extra_inventory_days: FloatArray = vectors[1]
        self.ramp_per_day: FloatArray = vectors[2]  # supplier expansion (controls drives it)
        self.capacity_ceiling: FloatArray = vectors[3]
        self.capacity_ceiling[:] = self.capacity
        # Baseline output of each producer (what its lines commit at baseline).
        self.base_output: FloatArray = vectors[4]
        self.base_output[:] = baseline.base_output
        self.has_demand = baseline.has_demand.copy()
        self.inventory_days = network.inventory_days.copy()
        self.front_loading_active = 0

        # What the links have on their way: the pipeline targets, and the arrival
        # calendar of everything scheduled to enter a country's inventory (trade
        # shipments and policy movements kept apart for the positions).
        lead = lead_time_days.astype(np.int64)
        days_after = horizon_days + max_extra_delay_days + 2  # after the longest lead
        self.trade_calendar = on_way_at_baseline(state, self.importer, self.flow, lead, days_after)
        self.policy_calendar = np.zeros(self.trade_calendar.shape)

        # Supply lines: the m links, then each country's own producer supplying
        # itself (index m + i).  Float and integer attributes, one matrix each.
        self.line_values = baseline.line_values.copy()
        self.line_ints = baseline.line_ints.copy()
        self.line_ints[rows.LEAD, :m] = lead
        self.line_ints[rows.CONTRACT_DELAY, :m] = contracting_delay_days
        self.lead = self.line_ints[rows.LEAD, :m]
        # Work space of the compiled daily step (overwritten every day).
        lines = m + n
        self.line_work = np.zeros((rows.LINE_WORK_ROWS, lines))
        self.country_work = np.zeros((rows.COUNTRY_WORK_ROWS, n))
        self.open_line = np.zeros(lines, dtype=np.bool_)

        # Export controls, per link (set by simulator.engine.controls): views of the line rows.
        self.control_mode = self.line_ints[rows.MODE, :m]
        self.leak_extra_days = self.line_ints[rows.LEAK_EXTRA, :m]
        self.quota_per_day = self.line_values[rows.QUOTA, :m]
        self.leak_share = self.line_values[rows.LEAK_SHARE, :m]
        self.approved_today = self.line_values[rows.APPROVED, :m]
        self.licence_requests = self.line_values[rows.LICENCE_REQUESTS, :m]
        self.licence_today = self.line_ints[rows.LICENCE_TODAY, :m]
        self.approvals_waiting = False
        self.link_controls: dict[int, list[ExportControl]] = {}
        self.priority_importers = np.zeros(n, dtype=np.bool_)
        self.priority_share: float | None = None
        self.joint_procurement = False

        # Physical capacity: expansions and investment grow it.  Without a market it
        # is the capacity row the daily step reads; with one (set_price_system) the
        # row holds the output ceiling the price allows, at most this.
        self.physical_capacity: FloatArray = self.capacity
        self.demand_recorded = False
        self.ramping = False

        # Totals for the ledger.
        self.produced_total = 0.0
        self.consumed_total = 0.0

    # -- targets ------------------------------------------------------------------------------

    def add_front_loading(self, importers: IntArray, extra_days: float, *, start: bool) -> None:
        """Raise importers' inventory targets by ``extra_days`` (``start``) or lower them back."""
        self.extra_inventory_days[importers] += extra_days if start else -extra_days
        self.front_loading_active += 1 if start else -1
        self._inventory_target[:] = (
            self.inventory_days + self.extra_inventory_days
        ) * self.base_demand

    def set_inventory_days(self, days: FloatArray) -> None:
        """Replace each country's inventory target (days of baseline demand) before day 0.

        The stock starts at the new target (the baseline steady state).  Used by
        :mod:`simulator.engine.tiers`: at a producer's country the target of an
        input covers final use and the producer's input stock.
        """
        self.inventory_days[:] = days
        self._inventory_target[:] = (
            self.inventory_days + self.extra_inventory_days
        ) * self.base_demand
        self.stock[:] = self._inventory_target

    # -- positions --------------------------------------------------------------------------

    def inventory_target(self) -> FloatArray:
        """Commercial inventory target today (units), front-loading included."""
        return self._inventory_target

    def in_transit(self) -> float:
        """Everything on its way to any country (units)."""
        return float(self.trade_transit.sum() + self.policy_transit.sum())

    # -- step 1 -----------------------------------------------------------------------------

    def receive_and_trade(self, day: int, record: CommodityRecords) -> None:
        """Steps 1–5: arrivals, orders, controls, rerouting, production and shipping.

        Works on supply lines (links, then each country's own producer): a
        line's request is its baseline share of the destination's order; a
        producer first serves *committed* requests (up to each line's baseline;
        pro rata when they exceed capacity), then shares its spare capacity
        among *extra* requests (above baseline, and rerouted).  The loops run
        in :func:`simulator.engine.kernel.trade_day`.
        """
        arrays = record.arrays
        self.produced_total += kernel.trade_day(
            day,
            self.tau,
            self.state,
            self.line_values,
            self.line_ints,
            self.priority_importers,
            self.joint_procurement,
            -1.0 if self.priority_share is None else self.priority_share,
            self.approvals_waiting,
            self.trade_calendar,
            self.policy_calendar,
            arrays["arrivals"],
            arrays["production"],
            arrays["imports_shipped"],
            arrays["exports_shipped"],
            record.link_shipped,
            self.line_work,
            self.country_work,
            self.open_line,
        )
        if self.approvals_waiting:
            self.approved_today[:] = 0.0
            self.approvals_waiting = False

    def schedule_policy(self, day: int, delay: int, country: int, quantity: float) -> None:
        """A policy movement (release, transfer) leaves today and arrives in ``delay`` days."""
        if delay <= 0:
            self.stock[country] += quantity
            return
        self.policy_calendar[day + delay, country] += quantity
        self.policy_transit[country] += quantity

    # -- step 7 -----------------------------------------------------------------------------

    def consume(self, day: int, record: CommodityRecords) -> None:
        """Step 7: each country consumes ``min(demand, inventory)``; the rest is shortfall."""
        arrays = record.arrays
        self.consumed_total += kernel.consume_day(day, self.state, arrays["consumption"])

    def record_end_of_day(self, day: int, record: CommodityRecords) -> None:
        """Step 9: record commercial inventory and what is on its way, at the end of ``day``.

        After step 8, so the inventory excludes what moved into reserves, pools
        and loan repayments that day.
        """
        record.arrays["inventory"][day] = self.stock
        record.arrays["in_transit"][day] = self.trade_transit
        record.arrays["policy_in_transit"][day] = self.policy_transit

    def finish_records(self, record: CommodityRecords) -> None:
        """Fill the records that follow from the daily ones: demand and shortfall.

        Also what the arrival calendars still hold for after the horizon, per
        country (the transit counters must equal it).
        """
        arrays = record.arrays
        if self.demand_recorded:
            np.subtract(arrays["demand"], arrays["consumption"], out=arrays["shortfall"])
        else:  # every day's demand is the market's
            arrays["demand"][:] = self.demand
            np.subtract(self.demand, arrays["consumption"], out=arrays["shortfall"])
        record.trade_due_after_horizon = self.trade_calendar[record.days :].sum(axis=0)
        record.policy_due_after_horizon = self.policy_calendar[record.days :].sum(axis=0)

    def grow_capacity(self) -> None:
        """New capacity ramps up where an expansion is under way (bounded by its ceiling)."""
        if self.ramping:
            np.minimum(
                self.physical_capacity + self.ramp_per_day,
                self.capacity_ceiling,
                out=self.physical_capacity,
            )

    def separate_capacity(self) -> FloatArray:
        """Give physical capacity an array of its own (a price system sets the row).

        Returns the physical capacity (units/day); the daily demand records are
        then written by the price system.
        """
        self.physical_capacity = self.capacity.copy()
        self.demand_recorded = True
        return self.physical_capacity
