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
from typing import Literal, Self

from pydantic import AliasChoices, Field, model_validator

from simulator.model.base import Code, Share
from simulator.model.base import Frozen as _Frozen
from simulator.model.distributions import RandomQuantity
from simulator.model.limits import (
    MAX_HORIZON_DAYS,
    MAX_LEAD_TIME_DAYS,
    MAX_REPLICATIONS,
)
from simulator.model.market_spec import MarketSetting
from simulator.model.policies import (
    Allocation,
    Burden,
    Debit,
    JointProcurement,
    JointStockpile,
    MutualTransfer,
    Policies,
    Stockpile,
    Trigger,
)
from simulator.model.replay import Backtest
from simulator.model.units import DaysOfDemand, LeadDays, PerUnit, Price, Quantity, Whole

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
