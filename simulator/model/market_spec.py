"""The market of a scenario: per commodity, how price, demand and supply respond.

``market:`` in a scenario is ``off`` (fixed prices: no price moves, demand and
output stay at baseline unless a control cuts them, as before the market was
modelled) or a mapping from commodity to :class:`CommodityMarket`.  With
``data: builtin`` the dataset's figures (``simulator/data/market.csv``) fill
every simulated commodity that has them; the scenario's keys override them.
A commodity without an entry has no market.  The rules are in
``docs/model.md`` ("Market").
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from simulator.model.base import Frozen, Share
from simulator.model.limits import MAX_LEAD_TIME_DAYS

__all__ = ["MARKET_OFF", "CommodityMarket", "MarketSetting", "market_of"]

MARKET_OFF = "off"
"""The value of ``market:`` that switches the market off."""


class CommodityMarket(Frozen):
    """How one commodity's world price, its buyers and its producers respond to scarcity."""

    demand_elasticity: float = Field(
        ge=-5.0,
        le=0.0,
        description="Short-run price elasticity of demand (< 0; 0: demand ignores the price).",
    )
    price_flexibility: float | None = Field(
        None,
        gt=0,
        le=1000,
        description="Per cent price rise per per cent of scarcity; null: 1 / |demand_elasticity|.",
    )
    price_adjustment_days: float = Field(
        30.0,
        ge=1,
        le=MAX_LEAD_TIME_DAYS,
        description="Days over which the price closes its gap to the scarcity price.",
    )
    substitution_per_year: Share = Field(
        0.0,
        description="Share of baseline demand substituted per year while the price stays high.",
    )
    supply_ramp_days: float = Field(
        90.0,
        ge=1,
        le=MAX_LEAD_TIME_DAYS,
        description="Days for a producer to lift output from baseline to capacity.",
    )
    capacity_growth_per_year: Share = Field(
        0.0,
        description="New capacity outside the controlling countries, as a share of world"
        " baseline production per year, once invested.",
    )
    investment_lead_years: float = Field(
        3.0, ge=0, le=50, description="Years from the investment decision to new output."
    )
    investment_price_ratio: float = Field(
        1.5,
        gt=1,
        le=1000,
        description="Price (times baseline) that, sustained, makes producers invest.",
    )
    investment_sustain_days: int = Field(
        180,
        ge=1,
        le=MAX_LEAD_TIME_DAYS,
        description="Days the price must stay at or above investment_price_ratio.",
    )

    @model_validator(mode="after")
    def _flexibility(self) -> Self:
        if self.price_flexibility is None and self.demand_elasticity == 0.0:
            raise ValueError(
                "demand_elasticity 0 needs price_flexibility (1 / |elasticity| is undefined)"
            )
        return self

    @property
    def flexibility(self) -> float:
        """Per cent price rise per per cent of scarcity (``1 / |elasticity|`` by default)."""
        if self.price_flexibility is not None:
            return self.price_flexibility
        return 1.0 / abs(self.demand_elasticity)


def _off(value: object) -> object:
    """``false`` means ``off``; ``null`` means no market entry."""
    if value is False:
        return MARKET_OFF
    return value


MarketSetting = Annotated[Literal["off"] | dict[str, CommodityMarket] | None, BeforeValidator(_off)]
"""``market:`` of a scenario: ``off``, a mapping commodity → parameters, or null (none)."""


def market_of(
    setting: Literal["off"] | dict[str, CommodityMarket] | None, commodity: str
) -> CommodityMarket | None:
    """The market parameters of ``commodity`` under ``setting`` (None: fixed price)."""
    if setting is None or setting == MARKET_OFF or isinstance(setting, str):
        return None
    return setting.get(commodity)
