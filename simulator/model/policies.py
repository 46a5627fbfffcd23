"""The policies of a scenario: reserves, joint stockpiles, mutual transfers, joint buying.

What each does, day by day, is in ``docs/model.md`` ("Policies"); the
cross-references (coalitions, commodities, locations) are checked in
:mod:`simulator.model.references`.
"""

from __future__ import annotations

import enum
from typing import Self

from pydantic import Field, model_validator

from simulator.model.base import Code, Share
from simulator.model.base import Frozen as _Frozen
from simulator.model.distributions import RandomQuantity
from simulator.model.units import DaysOfDemand, LeadDays, Quantity

__all__ = [
    "Allocation",
    "Burden",
    "Debit",
    "JointProcurement",
    "JointStockpile",
    "MutualTransfer",
    "Policies",
    "Stockpile",
    "Trigger",
]


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
