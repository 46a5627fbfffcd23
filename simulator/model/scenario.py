"""The validated scenario: what a user writes in a scenario YAML file.

Every model is frozen and forbids unknown keys, so a misspelt key is an error
and one validated scenario can be shared by any number of replications.  Units
live in the key names (``_days``, ``_per_year``, ``_usd_per_unit``); quantities
are in the commodity's unit.  Cross-references (a shock's commodity, a
coalition's members, ...) are checked here; whether the network balances is
checked when the :class:`~simulator.model.network.TradeNetwork` is built.
"""

from __future__ import annotations

import enum
from typing import Annotated, Literal, Self

from pydantic import AliasChoices, BeforeValidator, Field, model_validator

from simulator.model.base import Code, Share
from simulator.model.base import Frozen as _Frozen
from simulator.model.distributions import RandomQuantity
from simulator.model.limits import (
    MAX_DAYS_OF_DEMAND,
    MAX_HORIZON_DAYS,
    MAX_LEAD_TIME_DAYS,
    MAX_PRICE_USD_PER_UNIT,
    MAX_QUANTITY_PER_YEAR,
    MAX_REPLICATIONS,
)
from simulator.model.market_spec import MarketSetting
from simulator.model.replay import Backtest

__all__ = [
    "AllExcept",
    "Allocation",
    "Burden",
    "Commodity",
    "Debit",
    "Expansion",
    "ExportControl",
    "FrontLoading",
    "JointProcurement",
    "JointStockpile",
    "Leakage",
    "Licence",
    "Link",
    "Mode",
    "MutualTransfer",
    "Network",
    "Node",
    "Ordering",
    "Policies",
    "Scenario",
    "Stockpile",
    "Substitution",
    "Trigger",
    "Whole",
]


def _whole_number(value: object) -> object:
    """A float with no fractional part (``365.0``, ``1e3``) as an int; anything else as is."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


Whole = Annotated[int, BeforeValidator(_whole_number)]
"""An integer; a float written without a fraction (``1e3``) counts, ``true`` and ``"3"`` do not."""

Quantity = Annotated[float, Field(ge=0, le=MAX_QUANTITY_PER_YEAR)]
"""A flow, production, capacity or demand (units per year or per day), at most 1e15."""
Price = Annotated[float, Field(ge=0, le=MAX_PRICE_USD_PER_UNIT)]
DaysOfDemand = Annotated[float, Field(ge=0, le=MAX_DAYS_OF_DEMAND)]
"""A stock in days of demand: 0 … 36,500."""
LeadDays = Annotated[float, Field(ge=0, le=MAX_LEAD_TIME_DAYS)]
"""A fixed delay in days: 0 … 3,650."""
PerUnit = Annotated[float, Field(gt=0)]


# --- commodities and the network ---------------------------------------------------------


class Substitution(_Frozen):
    """Part of an input a producer can do without, after a delay, at a stated rate.

    Once the input has been short for ``delay_days``, the replaceable part of
    its requirement grows by ``share / ramp_days`` a day up to ``share`` (at
    once when ``ramp_days`` is 0).
    """

    share: Share = Field(
        description="Largest share of the input's requirement that can be replaced."
    )
    delay_days: RandomQuantity = Field(
        0.0, description="Days the input is short before substitution starts."
    )
    ramp_days: LeadDays = Field(
        0.0, description="Days from the start of substitution to the full share (0: at once)."
    )


Recipe = dict[str, PerUnit]
InputStockDays = DaysOfDemand | dict[str, DaysOfDemand]


class Commodity(_Frozen):
    """A traded good: its unit, prices and the cost of holding it.

    A product made from other commodities declares them in ``recipe`` (units
    of input per unit of output): the default of every producer, which a
    node may replace with its own.
    """

    unit: str = "t"
    price_usd_per_unit: Price
    value_at_risk_usd_per_unit: Price = Field(
        description="USD of downstream output lost per unit short of a country's own"
        " consumption (every country's, unless its node states its own)."
    )
    loss_exponent: float = Field(
        1.0,
        ge=1,
        le=10,
        description="Loss per day = value x demand x (shortfall / demand) ** exponent:"
        " 1 linear; above 1 a deep shortfall costs more per unit than a shallow one.",
    )
    carrying_cost_per_year: float = Field(
        0.05, ge=0, le=100, description="Cost of holding stock, as a share of its value per year."
    )
    recipe: Recipe | None = Field(
        None, description="Inputs per unit of output (commodity -> units), for every producer."
    )
    input_stock_days: InputStockDays | None = Field(
        None,
        description="Producers' stock of their inputs, in days of input use (or per input).",
    )
    substitution: dict[str, Substitution] | None = Field(
        None, description="Per input: the part of it producers can replace."
    )
    contracting_delay_days: RandomQuantity = Field(
        0.0,
        description="Days from an importer's first rerouted request to the first order an"
        " alternative supplier ships (default for every link; 0: at once).",
    )
    new_route_ramp_days: LeadDays = Field(
        0.0,
        description="Days over which a route with no baseline flow ramps up to full use once"
        " contracted (default for every link; 0: at once).",
    )


class Expansion(_Frozen):
    """How a supplier adds capacity when extra requests go unmet for long enough."""

    sustain_days: Whole = Field(
        30,
        ge=1,
        le=MAX_LEAD_TIME_DAYS,
        description="Days of unmet extra requests before investing.",
    )
    delay_days: RandomQuantity = Field(description="Investment delay before new capacity ramps up.")
    ramp_per_year: Quantity = Field(description="Capacity added per year of ramp-up.")
    max_capacity_per_year: Quantity = Field(description="Capacity ceiling after expansion.")


class Node(_Frozen):
    """One country's production, capacity, demand and commercial inventory of a commodity."""

    country: Code
    commodity: str
    production_per_year: Quantity = 0.0
    capacity_per_year: Quantity | None = Field(
        None, description="Production capacity; defaults to baseline production."
    )
    demand_per_year: Quantity = 0.0
    inventory_days: DaysOfDemand = Field(
        0.0, description="Commercial inventory target, in days of demand."
    )
    expansion: Expansion | None = None
    recipe: Recipe | None = Field(
        None, description="This producer's inputs per unit of output; null: the commodity's."
    )
    input_stock_days: InputStockDays | None = Field(
        None, description="This producer's stock of inputs, in days of use; null: the commodity's."
    )
    substitution: dict[str, Substitution] | None = Field(
        None, description="This producer's substitution, per input; null: the commodity's."
    )
    contracting_delay_days: RandomQuantity | None = Field(
        None,
        description="Contracting delay of this importer's alternative routes; null: the"
        " commodity's.",
    )
    value_at_risk_usd_per_unit: Price | None = Field(
        None,
        description="USD of this country's output lost per unit short of its own consumption;"
        " null: the commodity's.",
    )

    @model_validator(mode="after")
    def _capacity(self) -> Self:
        if self.capacity_per_year is not None and self.capacity_per_year < self.production_per_year:
            raise ValueError(
                f"expected capacity_per_year >= production_per_year ({self.production_per_year}),"
                f" found {self.capacity_per_year}"
            )
        return self

    @property
    def capacity(self) -> float:
        """Capacity per year, baseline production when not stated."""
        return (
            self.production_per_year if self.capacity_per_year is None else self.capacity_per_year
        )


class Link(_Frozen):
    """A trade route exporter → importer; a zero flow makes it a potential route."""

    commodity: str
    exporter: Code = Field(
        validation_alias=AliasChoices("from", "exporter"), serialization_alias="from"
    )
    importer: Code = Field(
        validation_alias=AliasChoices("to", "importer"), serialization_alias="to"
    )
    flow_per_year: Quantity
    lead_time_days: RandomQuantity = Field(description="Days from departure to arrival (>= 1).")
    contracting_delay_days: RandomQuantity | None = Field(
        None,
        description="Contracting delay of this route; null: the importer's, else the commodity's.",
    )
    ramp_days: LeadDays | None = Field(
        None,
        description="Ramp-up of this route if it has no baseline flow; null: the commodity's"
        " new_route_ramp_days.",
    )


class Network(_Frozen):
    """Inline nodes and links; they override or extend the dataset's entries."""

    nodes: list[Node] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)


# --- shocks ------------------------------------------------------------------------------


class Mode(enum.StrEnum):
    """How an export control treats requests from a targeted importer."""

    BAN = "ban"
    QUOTA = "quota"
    LICENSING = "licensing"


class AllExcept(_Frozen):
    """Every importer but the ones listed."""

    all_except: list[Code]


Targets = Literal["all"] | list[Code] | AllExcept


class Licence(_Frozen):
    """Licence review: each day's request waits ``processing_days``, then is decided."""

    processing_days: RandomQuantity
    approval_probability: Share = 1.0


class Leakage(_Frozen):
    """A share of blocked flow that still arrives through a third country."""

    via: Code
    share: Share
    extra_lead_time_days: LeadDays = 0.0


class FrontLoading(_Frozen):
    """Importers raise their inventory target between announcement and effect."""

    extra_inventory_days: DaysOfDemand


class ExportControl(_Frozen):
    """An exporter restricts a commodity to some importers: ban, quota or licensing."""

    id: str
    kind: Literal["export_control"] = "export_control"
    exporter: Code
    commodity: str
    targets: Targets = "all"
    mode: Mode = Field(strict=False)
    announced_day: Whole | None = Field(None, ge=0, le=MAX_HORIZON_DAYS)
    effective_day: RandomQuantity
    duration_days: RandomQuantity | None = Field(None, description="null: until the horizon.")
    quota_share: Share | None = None
    licence: Licence | None = None
    leakage: Leakage | None = None
    front_loading: FrontLoading | None = None

    @model_validator(mode="after")
    def _mode_fields(self) -> Self:
        if self.mode is Mode.QUOTA and self.quota_share is None:
            raise ValueError("mode quota needs quota_share (share of baseline flow allowed)")
        if self.mode is not Mode.QUOTA and self.quota_share is not None:
            raise ValueError(f"quota_share is only for mode quota, found mode {self.mode.value}")
        if self.mode is Mode.LICENSING and self.licence is None:
            raise ValueError(
                "mode licensing needs licence: {processing_days, approval_probability}"
            )
        if self.mode is not Mode.LICENSING and self.licence is not None:
            raise ValueError(f"licence is only for mode licensing, found mode {self.mode.value}")
        if (
            self.announced_day is not None
            and isinstance(self.effective_day, int | float)
            and self.announced_day > self.effective_day
        ):
            raise ValueError(
                f"expected announced_day <= effective_day ({self.effective_day}),"
                f" found {self.announced_day}"
            )
        if self.front_loading is not None and self.announced_day is None:
            raise ValueError("front_loading needs announced_day (the window to front-load in)")
        return self

    def targets_country(self, country: str) -> bool:
        """Whether requests from ``country`` are controlled."""
        if country == self.exporter:
            return False
        if self.targets == "all":
            return True
        if isinstance(self.targets, AllExcept):
            return country not in self.targets.all_except
        return country in self.targets


# --- policies ----------------------------------------------------------------------------


class Trigger(enum.StrEnum):
    """When a stockpile starts releasing."""

    COVERAGE = "coverage"
    ANY_SHORTFALL = "any_shortfall"


class _Release(_Frozen):
    """Release rule shared by national and joint stockpiles."""

    size_days: DaysOfDemand | None = None
    size_units: Quantity | None = None
    trigger: Trigger = Field(Trigger.COVERAGE, strict=False)
    trigger_coverage_days: DaysOfDemand | None = None
    decision_delay_days: RandomQuantity = 0.0
    max_release_per_day: Quantity | None = Field(None, description="null: unlimited.")
    replenish_per_day: Quantity = Field(
        0.0, description="Units per day bought back after the crisis (0: never)."
    )

    @model_validator(mode="after")
    def _size_and_trigger(self) -> Self:
        if (self.size_days is None) == (self.size_units is None):
            raise ValueError("expected exactly one of size_days or size_units")
        if self.trigger is Trigger.COVERAGE and self.trigger_coverage_days is None:
            raise ValueError("trigger coverage needs trigger_coverage_days")
        return self


class Stockpile(_Release):
    """A national strategic stockpile."""

    id: str
    country: Code
    commodity: str
    floor_days: DaysOfDemand = Field(0.0, description="Stock never released, in days of demand.")


class Allocation(enum.StrEnum):
    """How a joint stockpile splits a release among members."""

    NEED = "need"
    SHARES = "shares"


class Debit(enum.StrEnum):
    """Whose account a joint stockpile's release is debited to (who pays its refill)."""

    DRAWER = "drawer"
    SHARES = "shares"


class JointStockpile(_Release):
    """A stockpile owned by a coalition, held at one member's location."""

    id: str
    coalition: str
    commodity: str
    location: Code
    allocation: Allocation = Field(Allocation.NEED, strict=False)
    shares: dict[str, Share] | None = None
    draws_debited_to: Debit = Field(
        Debit.DRAWER,
        strict=False,
        description="drawer: the member that draws pays the refill of what it drew;"
        " shares: members pay every refill by their shares.",
    )
    host_release_probability: Share = Field(
        1.0,
        description="Probability that the host (location) honours partners' draws in this"
        " crisis; drawn once per replication.",
    )
    lead_time_days: LeadDays = Field(0.0, description="Days from the location to a member.")
    floor_days: DaysOfDemand = 0.0


class Burden(enum.StrEnum):
    """How donors split a transfer."""

    CONSUMPTION = "consumption"
    SPARE_STOCK = "spare_stock"


class MutualTransfer(_Frozen):
    """Members send stock above their floor to a member in need, optionally as a loan."""

    id: str
    coalition: str
    commodities: list[str] = Field(min_length=1)
    trigger_coverage_days: DaysOfDemand
    donor_floor_days: DaysOfDemand
    lead_time_days: LeadDays = 0.0
    burden: Burden = Field(Burden.CONSUMPTION, strict=False)
    loan: bool = False
    honour_probability: Share | dict[str, Share] = 1.0
    reciprocal: bool = True


class JointProcurement(_Frozen):
    """Members get priority, or a stated share, in alternative suppliers' spare capacity."""

    id: str
    coalition: str
    commodities: list[str] = Field(min_length=1)
    priority: bool = True
    share: Share | None = Field(None, description="Share of spare capacity reserved for members.")


class Policies(_Frozen):
    """Every policy of the scenario; each list may be empty."""

    stockpiles: list[Stockpile] = Field(default_factory=list)
    joint_stockpiles: list[JointStockpile] = Field(default_factory=list)
    mutual_transfers: list[MutualTransfer] = Field(default_factory=list)
    joint_procurement: list[JointProcurement] = Field(default_factory=list)


class Ordering(_Frozen):
    """The importers' order-up-to rule."""

    adjustment_days: float = Field(
        1.0,
        ge=1,
        le=MAX_LEAD_TIME_DAYS,
        description="Days over which an inventory gap is ordered back.",
    )


# --- the scenario ------------------------------------------------------------------------


class Scenario(_Frozen):
    """A whole scenario file, validated."""

    name: str = Field(min_length=1)
    description: str = ""
    horizon_days: Whole = Field(ge=1, le=MAX_HORIZON_DAYS)
    seed: Whole = Field(0, ge=0)
    replications: Whole = Field(
        100, ge=1, le=MAX_REPLICATIONS, description="Replications of `supplyshock batch`."
    )
    data: str | None = Field(None, description="'builtin' or a folder of CSVs; null: inline only.")
    reconcile: bool = False
    regions: dict[str, str] = Field(default_factory=dict)
    commodities: dict[str, Commodity] = Field(default_factory=dict)
    network: Network = Field(default_factory=Network)
    shocks: list[ExportControl] = Field(default_factory=list)
    coalitions: dict[str, list[Code]] = Field(default_factory=dict)
    policies: Policies = Field(default_factory=Policies)
    ordering: Ordering = Field(default_factory=Ordering)
    market: MarketSetting = Field(
        None,
        description="off (fixed prices), or per commodity how price, demand and supply respond;"
        " with data: builtin the dataset's figures fill it.",
    )
    backtest: Backtest | None = Field(
        None, description="A historical replay: the history it is compared with (see backtest)."
    )

    def resolved_dict(self) -> dict[str, object]:
        """The scenario as plain data (YAML/JSON ready), with every default filled in."""
        return self.model_dump(mode="json", by_alias=True)
