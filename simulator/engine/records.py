"""What one replication returns: daily records per country and the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["DAILY_FIELDS", "RUN_WRITES", "CommodityRecords", "Ledger", "RunResult"]

FloatArray = npt.NDArray[np.float64]

DAILY_FIELDS: tuple[str, ...] = (
    "demand",
    "consumption",
    "shortfall",
    "inventory",
    "strategic",
    "pool",
    "released",
    "transfers_in",
    "transfers_out",
    "loans_outstanding",
    "arrivals",
    "production",
    "imports_shipped",
    "exports_shipped",
    "stocked",
    "in_transit",
    "policy_in_transit",
    "pool_drawn",
    "pool_paid",
    "demand_forgone",
)
"""Per day × country arrays recorded for each commodity (units; see :class:`CommodityRecords`)."""

RUN_WRITES: tuple[str, ...] = (
    "demand",
    "consumption",
    "shortfall",
    "inventory",
    "arrivals",
    "in_transit",
    "policy_in_transit",
)
"""Daily fields a run writes whole, every day and country (so it need not zero them first)."""
_ZEROED_FOR_RUN = tuple(name for name in DAILY_FIELDS if name not in RUN_WRITES)


@dataclass(eq=False)
class CommodityRecords:
    """Daily figures of one commodity: each array has shape ``(horizon_days, n_countries)``.

    - ``demand``: the day's demand (units/day).
    - ``consumption``: what was consumed, ``min(demand, inventory)``.
    - ``shortfall``: ``demand - consumption``.
    - ``inventory``: commercial inventory at the end of the day.
    - ``strategic``: national strategic stock held at the end of the day.
    - ``pool``: the country's share of joint-stockpile stock at the end of the day.
    - ``released``: strategic and joint-stockpile releases dispatched to the country.
    - ``transfers_in`` / ``transfers_out``: mutual transfers (and loan repayments)
      dispatched to / from the country.
    - ``loans_outstanding``: transfers owed to the country (+) or by it (−).
    - ``arrivals``: trade shipments that arrived.
    - ``production``: what the country produced.
    - ``imports_shipped``: trade shipments that left for the country.
    - ``exports_shipped``: trade shipments (leakage included) that left the country.
    - ``stocked``: what moved from the country's commercial inventory into its
      national reserves and joint-stockpile pools (replenishment).
    - ``in_transit`` / ``policy_in_transit``: trade shipments / releases and
      transfers on their way to the country at the end of the day.
    - ``pool_drawn``: joint-stockpile releases drawn by the country.
    - ``pool_paid``: joint-stockpile refills debited to the country (units).
    - ``demand_forgone``: baseline demand the price or substitution took away
      (``baseline - demand``; 0 without a market).

    ``price`` (shape ``(horizon_days,)``) is the world price per unit of each
    day, ``base_price`` the price before any shock; without a market every
    day's price is ``base_price``.

    ``trade_due_after_horizon`` and ``policy_due_after_horizon`` (per country)
    are what the arrival calendars still hold for after the last day.
    ``reserve_size`` and ``pool_size`` (units, per country) are the stock the
    country has committed to hold: its national reserves' sizes, and its
    shares of joint stockpiles' sizes.

    Per link (shape ``(horizon_days, len(links))``), ``link_shipped`` holds the
    shipments that left on each trade link ``(exporter, importer)`` that day,
    leakage included (it is shipped on the blocked link's account).

    A commodity that is an input of a product (``simulator.engine.tiers``)
    also records, per day and country, ``used_in_products`` (input its
    country's producers consumed into products; part of ``consumption`` and
    ``demand``) and ``substituted`` (input they needed and replaced by a
    substitute); both have shape ``(0, 0)`` for other commodities.

    ``unwritten`` names the daily fields the run never wrote, because nothing
    of this commodity writes them (no stock policy, no market): they are all
    0, and a reader may take them as such without reading them (a zeroed
    field's memory is only mapped when first read, page by page).
    """

    commodity: str
    countries: tuple[str, ...]
    demand_per_day: FloatArray
    inventory_target: FloatArray
    days: int
    arrays: dict[str, FloatArray] = field(default_factory=dict)
    trade_due_after_horizon: FloatArray = field(default_factory=lambda: np.zeros(0))
    policy_due_after_horizon: FloatArray = field(default_factory=lambda: np.zeros(0))
    reserve_size: FloatArray = field(default_factory=lambda: np.zeros(0))
    pool_size: FloatArray = field(default_factory=lambda: np.zeros(0))
    links: tuple[tuple[str, str], ...] = ()
    link_shipped: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    base_price: float = 0.0
    price: FloatArray = field(default_factory=lambda: np.zeros(0))
    used_in_products: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    substituted: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    unwritten: frozenset[str] = frozenset()

    @classmethod
    def empty(
        cls,
        commodity: str,
        countries: tuple[str, ...],
        demand_per_day: FloatArray,
        inventory_target: FloatArray,
        days: int,
        links: tuple[tuple[str, str], ...] = (),
        base_price: float = 0.0,
        *,
        zeroed: bool = True,
    ) -> CommodityRecords:
        """Records of ``days`` days, every figure 0 (the price ``base_price``).

        The daily arrays are C-contiguous views of one allocation.  With
        ``zeroed`` false the fields of ``RUN_WRITES`` are left unset, for a run
        to write (views of a second, unzeroed allocation).
        """
        n = len(countries)
        if zeroed:
            arrays = dict(zip(DAILY_FIELDS, np.zeros((len(DAILY_FIELDS), days, n)), strict=True))
        else:
            zeros = np.zeros((len(_ZEROED_FOR_RUN), days, n))
            unset = np.empty((len(RUN_WRITES), days, n))
            written = dict(zip(_ZEROED_FOR_RUN, zeros, strict=True))
            written.update(zip(RUN_WRITES, unset, strict=True))
            arrays = {name: written[name] for name in DAILY_FIELDS}
        sizes = np.zeros((2, n))
        return cls(
            commodity,
            countries,
            demand_per_day,
            inventory_target,
            days,
            arrays,
            reserve_size=sizes[0],
            pool_size=sizes[1],
            links=links,
            link_shipped=np.zeros((days, len(links))),
            base_price=base_price,
            price=np.full(days, base_price),
        )

    def __getitem__(self, name: str) -> FloatArray:
        return self.arrays[name]

    def coverage_days(self) -> FloatArray:
        """End-of-day commercial inventory in days of baseline demand (NaN where demand is 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(
                self.demand_per_day > 0, self.arrays["inventory"] / self.demand_per_day, np.nan
            )

    def bought(self) -> FloatArray:
        """What left for each country each day: its imports and its own producers' supply."""
        a = self.arrays
        return a["imports_shipped"] + a["production"] - a["exports_shipped"]

    def fill_rate(self) -> FloatArray:
        """Daily fill rate ``consumption / demand`` (1 where demand is 0)."""
        d = self.arrays["demand"]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(d > 0, self.arrays["consumption"] / d, 1.0)


@dataclass(frozen=True)
class Ledger:
    """Material balance of one commodity over a run (units).

    ``initial + production = consumption + final`` where stocks count commercial
    inventory, national and joint stockpiles and everything in transit
    (shipments, releases, transfers).  Denied licences and cut requests are
    never produced, so they are not material and not in the ledger.  Input
    consumed into products is consumption (``used_in_products`` of it).
    """

    commodity: str
    initial_stock: float
    production: float
    consumption: float
    final_stock: float
    used_in_products: float = 0.0
    """Part of ``consumption`` that producers consumed into products (units)."""

    @property
    def gap(self) -> float:
        return self.initial_stock + self.production - self.consumption - self.final_stock

    @property
    def relative_gap(self) -> float:
        scale = max(self.initial_stock + self.production, 1.0)
        return abs(self.gap) / scale


@dataclass(frozen=True, eq=False)
class RunResult:
    """One replication: its identity, daily records and ledger per commodity."""

    scenario: str
    seed: int
    replication: int
    horizon_days: int
    records: dict[str, CommodityRecords]
    ledgers: dict[str, Ledger]
    shock_start_day: dict[str, int | None]
    """Per commodity: the first day a drawn shock took effect (None: no shock); for a
    product made from inputs, the earliest of its own and its inputs' up the chain."""
    drawn: dict[str, float]
    """Values drawn for this replication (shock timing, lead times, honour), by name."""
