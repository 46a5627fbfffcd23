"""Multi-tier production: a producer's output is limited each day by the inputs it holds.

A product's recipe (:mod:`simulator.model.recipes`) names the units of each
input one unit of output needs.  The rules (``docs/model.md``, "Multi-tier
production"):

- **One stock per country and input.**  A producer's input stock is part of
  its country's commercial inventory of the input, whose demand already
  includes the producer's use (``U0 = a·b``: units per unit ``a`` times
  baseline output ``b`` per day).  The inventory target there is
  ``inventory_days·(D0 − ΣU0) + Σ input_stock_days·U0``: the node's days for
  final use, the recipe's days for input use.
- **Orders.**  During the input's steps 1–6 its demand at the producer's
  country is final demand plus the *planned* use ``a·plan``; ``plan`` is the
  baseline output, or, when buyers asked for more the day before (production
  plus the extra requests the producer could not serve, at most its
  capacity), that.
- **Inputs first.**  Commodities run steps 0–6 in the topological order of
  the recipe graph, then steps 7–9.  Of the stock ``S`` a country holds after
  the input's step 6, final users keep ``min(F, S·F/(F + planned use))``
  (a short stock is shared in proportion to needs); a product's producer
  may draw the rest (its part pro rata to the planned use when several
  products use one input in one country), its *share*.  Its
  output ceiling is ``min(capacity, min over inputs of share / (a·(1 − σ)))``;
  it uses ``min(a·P, share)`` of each input for its production ``P`` and
  replaces the rest (at most ``σ·a·P``) by a substitute outside the model.
  Final users consume what is left in step 7.
- **Substitution.**  The first day the share of an input covers less than
  the baseline output (``share < a·b``), a clock starts; from ``delay_days``
  later the replaceable part ``σ`` rises to ``share`` (``(d + 1)/R`` of it on
  day ``d`` of a ramp of ``R`` days) and stays for the rest of the run.
- **Records and ledger.**  Input used enters the input's consumption and
  demand (the input's shortfall is its final users'; a missing input shows
  as the product's lost production), ``used_in_products`` and
  ``substituted`` per country; the ledger of each commodity balances with
  inputs consumed into products as consumption, and ``a·P = used +
  substituted`` for every input and producer country.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import numpy.typing as npt

from simulator.engine import rows
from simulator.engine.market import Market
from simulator.engine.pricing import WorldPrice
from simulator.engine.records import CommodityRecords
from simulator.engine.streams import Stream, Streams
from simulator.errors import ConservationError
from simulator.model.distributions import draw_days
from simulator.model.limits import DELAY_DAYS
from simulator.model.recipes import ProducerRecipe, recipe_graph
from simulator.model.scenario import Scenario

__all__ = [
    "CommodityTier",
    "build_tiers",
    "check_recipe_ledger",
    "inherit_shock_starts",
    "tier_order",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SHORT_RTOL = 1e-9
"""An input is short when its share falls below baseline use by more than this (relative)."""


@dataclass
class _Use:
    """One input of one product: the producers that need it, as parallel arrays.

    ``rows`` index the product's producers, ``at`` the same countries in the
    input's market; ``per_unit`` is ``a``, ``share``, ``delay`` and ``ramp``
    the substitution (share 0: none), ``start`` the first short day (-1: none).
    """

    commodity: str
    rows: IntArray
    at: IntArray
    per_unit: FloatArray
    share: FloatArray
    delay: IntArray
    ramp: FloatArray
    start: IntArray
    available: FloatArray = field(default_factory=lambda: np.zeros(0))
    substitutes: bool = field(init=False)
    """Whether any producer can replace part of this input (else no clock is kept)."""

    def __post_init__(self) -> None:
        self.substitutes = bool((self.share > 0).any())


@dataclass(eq=False)
class CommodityTier:
    """The multi-tier state of one commodity: as a product, as an input, or both.

    The day's hooks are called by :mod:`simulator.engine.simulation` around
    the commodity's steps; each does nothing for a role the commodity lacks.
    """

    name: str
    market: Market
    record: CommodityRecords
    price: WorldPrice | None
    # As a product: its producers with a recipe, and one _Use per input.
    producers: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    base: FloatArray = field(default_factory=lambda: np.zeros(0))
    plan: FloatArray = field(default_factory=lambda: np.zeros(0))
    uses: list[_Use] = field(default_factory=list)
    inputs: dict[str, CommodityTier] = field(default_factory=dict)
    ceiling: FloatArray = field(default_factory=lambda: np.zeros(0))
    # As an input: final demand at baseline, the day's planned use and actual use.
    final_base: FloatArray | None = None
    final_today: FloatArray = field(default_factory=lambda: np.zeros(0))
    planned: FloatArray = field(default_factory=lambda: np.zeros(0))
    stock_open: FloatArray = field(default_factory=lambda: np.zeros(0))
    used_today: FloatArray = field(default_factory=lambda: np.zeros(0))
    user_count: FloatArray = field(default_factory=lambda: np.zeros(0))
    users: list[tuple[CommodityTier, _Use]] = field(default_factory=list)

    @property
    def is_input(self) -> bool:
        return self.final_base is not None

    # -- as an input ----------------------------------------------------------------------

    def open_input(self) -> None:
        """Before steps 1–5: demand = final demand (after the price) + planned use."""
        if self.final_base is None:
            return
        demand = self.market.demand
        self.final_today = demand.copy() if self.price is not None else self.final_base
        self.planned[:] = 0.0
        for product, use in self.users:  # one producer per country and product
            self.planned[use.at] += use.per_unit * product.plan[use.rows]
        np.add(self.final_today, self.planned, out=demand)

    def close_first_half(self) -> None:
        """After step 6: the stock producers may draw from today, split among them.

        Final users keep ``min(F, S·F/(F + planned use))``: a short stock is
        shared in proportion to final demand and planned use.
        """
        if self.final_base is None:
            return
        stock, final = self.market.stock, self.final_today
        need = final + self.planned
        share = np.divide(final, need, out=np.zeros(need.size), where=need > 0)
        self.stock_open[:] = stock - np.minimum(final, stock * share)
        for product, use in self.users:
            if len(self.users) == 1:  # one product: its producers draw all of it
                use.available = self.stock_open[use.at]
                continue
            claim = use.per_unit * product.plan[use.rows]
            total = self.planned[use.at]
            part = np.divide(claim, total, out=1.0 / self.user_count[use.at], where=total > 0)
            use.available = self.stock_open[use.at] * part

    def before_consumption(self) -> None:
        """Step 7 consumes final demand only: producers have drawn theirs."""
        if self.final_base is not None:
            self.market.demand[:] = self.final_today

    def after_consumption(self, day: int) -> None:
        """Record input use as consumption and demand; restore today's demand."""
        if self.final_base is None:
            return
        a, used = self.record.arrays, self.used_today
        a["demand"][day] = self.final_today + used
        a["consumption"][day] += used
        self.record.used_in_products[day] = used
        self.market.consumed_total += float(used.sum())
        np.add(self.final_today, self.planned, out=self.market.demand)
        used[:] = 0.0

    # -- as a product ---------------------------------------------------------------------

    def cap_output(self, day: int) -> None:
        """Before steps 1–5: the output ceiling the inputs allow (capacity row, for today)."""
        if not self.uses:
            return
        capacity = self.market.state[rows.CAPACITY]
        self.ceiling = capacity[self.producers].copy()
        limit = self.ceiling.copy()
        for use in self.uses:
            if use.substitutes:
                need = use.per_unit * self.base[use.rows]
                short = (use.start < 0) & (use.available < need * (1 - SHORT_RTOL))
                use.start[short] = day
                per_unit = use.per_unit * (1.0 - _substituted_share(use, day))
                allowed = np.divide(
                    use.available, per_unit, out=np.full(per_unit.size, np.inf), where=per_unit > 0
                )
            else:
                allowed = use.available / use.per_unit  # per_unit > 0 (validated)
            limit[use.rows] = np.minimum(limit[use.rows], allowed)  # rows: no repeats
        capacity[self.producers] = limit

    def draw_inputs(self, day: int) -> None:
        """After steps 1–5: restore capacity, take the inputs the day's production used."""
        if not self.uses:
            return
        state = self.market.state
        state[rows.CAPACITY, self.producers] = self.ceiling
        made = self.record.arrays["production"][day, self.producers]
        for use in self.uses:
            source = self.inputs[use.commodity]
            need = use.per_unit * made[use.rows]
            stock = source.market.stock
            before = stock[use.at]  # one producer per country: use.at has no repeats
            after = np.maximum(before - np.minimum(need, use.available), 0.0)  # 0: rounding
            stock[use.at] = after
            source.used_today[use.at] += before - after
            source.record.substituted[day, use.at] += need - (before - after)
        wanted = made + state[rows.UNMET_EXTRA, self.producers]
        self.plan = np.maximum(self.base, np.minimum(self.ceiling, wanted))


def _substituted_share(use: _Use, day: int) -> FloatArray:
    """``σ`` of each producer today: 0 until ``start + delay``, then ramps to ``share``."""
    running = day - use.start - use.delay + 1  # day d of the ramp is running = d + 1
    ramps = use.ramp > 0
    ramp = np.clip(running, 0.0, use.ramp) / np.where(ramps, use.ramp, 1.0)  # no overflow
    sigma = use.share * np.where(ramps, ramp, 1.0)
    return np.where((use.start >= 0) & (running >= 1), sigma, 0.0)


def tier_order(scenario: Scenario, names: tuple[str, ...]) -> list[str]:
    """``names`` in the topological order of the recipe graph (inputs first), else as given."""
    position = {n: i for i, n in enumerate(names)}
    graph = recipe_graph(scenario).subgraph(names)
    return list(nx.lexicographical_topological_sort(graph, key=position.__getitem__))


def build_tiers(
    recipes: Mapping[tuple[str, str], ProducerRecipe],
    markets: dict[str, tuple[Market, CommodityRecords, WorldPrice | None]],
    streams: Streams,
    drawn: dict[str, float],
) -> dict[str, CommodityTier]:
    """The tier state of every commodity that is a product or an input of a producer.

    Empty when no producer uses a recipe.  Sets each input's inventory target
    and starting stock (module docstring), its price system's final demand,
    and allocates its ``used_in_products`` and ``substituted`` records.
    """
    if not recipes:
        return {}
    tiers: dict[str, CommodityTier] = {}

    def tier(name: str) -> CommodityTier:
        if name not in tiers:
            market, record, price = markets[name]
            tiers[name] = CommodityTier(name, market, record, price)
        return tiers[name]

    by_product: dict[str, list[tuple[str, ProducerRecipe]]] = defaultdict(list)
    for (product, country), recipe in recipes.items():
        by_product[product].append((country, recipe))
    stock_days: dict[str, FloatArray] = {}
    base_use: dict[str, FloatArray] = {}
    for product, entries in by_product.items():
        p = tier(product)
        index = p.market.countries
        countries = [c for c, _ in entries]
        p.producers = np.array([index.index(c) for c in countries], dtype=np.int64)
        p.base = p.market.base_output[p.producers].copy()
        p.plan = p.base.copy()
        needed = sorted({k for _, r in entries for k in r.inputs})
        for name in needed:
            k = tier(name)
            k_index = k.market.countries
            uses_at, at, per_unit, share, delay, ramp = [], [], [], [], [], []
            for row, (country, recipe) in enumerate(entries):
                if name not in recipe.inputs:
                    continue
                a = float(recipe.inputs[name])
                i = k_index.index(country)
                uses_at.append(row)
                at.append(i)
                per_unit.append(a)
                use0 = a * p.base[row]
                base_use.setdefault(name, np.zeros(k.market.n))[i] += use0
                days = float(recipe.input_stock_days[name])
                stock_days.setdefault(name, np.zeros(k.market.n))[i] += days * use0
                spec = recipe.substitution.get(name)
                share.append(0.0 if spec is None else float(spec.share))
                ramp.append(0.0 if spec is None else float(spec.ramp_days))
                label = f"{product}:{country}:{name}"
                delay.append(0 if spec is None else _delay(spec.delay_days, label, streams, drawn))
            use = _Use(
                name,
                np.array(uses_at, dtype=np.int64),
                np.array(at, dtype=np.int64),
                np.array(per_unit),
                np.array(share),
                np.array(delay, dtype=np.int64),
                np.array(ramp),
                np.full(len(uses_at), -1, dtype=np.int64),
            )
            p.uses.append(use)
            p.inputs[name] = k
            k.users.append((p, use))
    for name, use0 in base_use.items():
        k = tiers[name]
        _set_input(k, use0, stock_days[name])
        for _, use in k.users:
            np.add.at(k.user_count, use.at, 1.0)
    return tiers


def _delay(quantity: object, label: str, streams: Streams, drawn: dict[str, float]) -> int:
    """A substitution delay in whole days, drawn on its own sub-stream when random."""
    if isinstance(quantity, int | float):
        return draw_days(quantity, None, DELAY_DAYS)
    days = draw_days(quantity, streams.generator(Stream.SUBSTITUTION, label), DELAY_DAYS)  # type: ignore[arg-type]
    drawn[f"substitution.delay_days:{label}"] = float(days)
    return days


def _set_input(k: CommodityTier, use0: FloatArray, stock: FloatArray) -> None:
    """Inventory target ``inventory_days·(D0 − U0) + input stock``; final demand ``D0 − U0``."""
    m = k.market
    demand = m.base_demand
    final = np.maximum(demand - use0, 0.0)
    target = m.inventory_days * final + stock
    days = np.divide(target, demand, out=np.zeros(m.n), where=demand > 0)
    m.set_inventory_days(days)
    k.record.inventory_target[:] = m.inventory_target()
    k.final_base = final
    k.final_today = final.copy()
    k.planned = use0.copy()
    k.stock_open = np.zeros(m.n)
    k.used_today = np.zeros(m.n)
    k.user_count = np.zeros(m.n)
    m.demand_recorded = True
    if k.price is not None:
        k.price.base_demand[:] = final
    shape = k.record.arrays["demand"].shape
    k.record.used_in_products = np.zeros(shape)
    k.record.substituted = np.zeros(shape)


def check_recipe_ledger(tiers: dict[str, CommodityTier], rtol: float) -> None:
    """Raise :class:`ConservationError` unless ``a·P = used + substituted`` over the run.

    Per input and country: the input each producer's production needed is
    what it took from the input's stock plus what it replaced.
    """
    for name, k in tiers.items():
        if not k.is_input:
            continue
        needed = np.zeros(k.market.n)
        for product, use in k.users:
            made = product.record.arrays["production"][:, product.producers].sum(axis=0)
            np.add.at(needed, use.at, use.per_unit * made[use.rows])
        got = k.record.used_in_products.sum(axis=0) + k.record.substituted.sum(axis=0)
        gap = float(np.abs(needed - got).max())
        if gap > rtol * max(float(needed.sum()), 1.0):
            raise ConservationError(
                f"inputs of {name!r} consumed into products do not balance: units per unit"
                f" x production - used - substituted = {gap:.6g} units"
            )


def inherit_shock_starts(
    tiers: dict[str, CommodityTier], order: list[str], starts: dict[str, int | None]
) -> None:
    """A product's shock starts with the earliest shock of any input up its chain.

    ``starts`` (commodity → first day a control took effect, or None) is
    updated in place, in recipe order, so that the time to shortage of a
    product downstream of a control counts from that control.
    """
    for name in order:
        tier = tiers.get(name)
        if tier is None:
            continue
        days = [starts.get(name)] + [starts.get(k) for k in tier.inputs]
        known = [d for d in days if d is not None]
        starts[name] = min(known) if known else None
