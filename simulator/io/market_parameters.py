"""What ``market.csv`` may hold: each parameter's meaning, unit, scope and physical bounds.

The vocabulary :mod:`simulator.io.market` checks every row against (and
re-exports): :data:`PARAMETERS`, the parameters every commodity must have
(:data:`REQUIRED`), and the two flags of a figure's provenance
(:data:`FLAGS`).  ``simulator/data/SOURCES.md`` ("Market parameters") gives the
source or derivation of every value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

__all__ = ["BY_COUNTRY", "FLAGS", "PARAMETERS", "REQUIRED", "ParameterSpec", "Scope"]

FLAGS: tuple[str, ...] = ("S", "E")
"""``S``: the central value is read from a source; ``E``: an estimate with a range."""

Scope = Literal["commodity", "country"]


@dataclass(frozen=True)
class ParameterSpec:
    """What one parameter means, its unit, where it applies and its physical bounds.

    Attributes
    ----------
    unit : str
        The value of the row's ``unit`` column.
    scope : str
        ``commodity`` (``country`` empty) or ``country`` (``country`` names a node).
    minimum, maximum : float
        Physical bounds: every one of ``low``, ``central`` and ``high`` lies in
        ``[minimum, maximum]``.
    meaning : str
        One line.
    """

    unit: str
    scope: Scope
    minimum: float
    maximum: float
    meaning: str


PARAMETERS: dict[str, ParameterSpec] = {
    "demand_elasticity": ParameterSpec(
        "1",
        "commodity",
        -5.0,
        0.0,
        "short-run own-price elasticity of demand (per cent change in quantity per per cent price)",
    ),
    "price_flexibility": ParameterSpec(
        "1",
        "commodity",
        0.0,
        1000.0,
        "short-run price flexibility: per cent price rise per per cent of demand unserved"
        " (1 / |demand_elasticity|)",
    ),
    "price_adjustment_days": ParameterSpec(
        "days",
        "commodity",
        1.0,
        3650.0,
        "days for the price to move most of the way to its scarcity level",
    ),
    "substitution_per_year": ParameterSpec(
        "share/yr",
        "commodity",
        0.0,
        1.0,
        "share of demand substituted away per year while the price stays high",
    ),
    "supply_ramp_days": ParameterSpec(
        "days",
        "commodity",
        1.0,
        3650.0,
        "days for a producer outside the control to lift output from baseline to capacity",
    ),
    "capacity_growth_per_year": ParameterSpec(
        "share/yr",
        "commodity",
        0.0,
        1.0,
        "new capacity outside China per year, as a share of the world market,"
        " once prices stay high",
    ),
    "investment_lead_years": ParameterSpec(
        "years",
        "commodity",
        0.0,
        50.0,
        "years from a decision to invest to first output of new capacity",
    ),
    "contracting_delay_days": ParameterSpec(
        "days",
        "commodity",
        0.0,
        3650.0,
        "days from an importer's first rerouted request to the first order a new supplier"
        " ships (the commodity's contracting_delay_days)",
    ),
    "value_at_risk_own_consumption_usd_per_unit": ParameterSpec(
        "USD/unit",
        "commodity",
        0.0,
        math.inf,
        "downstream output lost per unit short of the country's own consumption"
        " (commodity default; a country row overrides it)",
    ),
    "capacity_utilisation": ParameterSpec(
        "share",
        "country",
        0.0,
        1.0,
        "production / capacity of one producer (capacity = production / utilisation)",
    ),
    "ofr_us_gdp_loss_usd": ParameterSpec(
        "USD",
        "country",
        0.0,
        math.inf,
        "USGS OFR 2024-1057: US GDP loss from a complete restriction of China's net exports",
    ),
    "ofr_us_gdp_loss_ga_and_ge_usd": ParameterSpec(
        "USD",
        "country",
        0.0,
        math.inf,
        "USGS OFR 2024-1057: US GDP loss, gallium and germanium restricted together",
    ),
    "ofr_price_increase": ParameterSpec(
        "share",
        "country",
        -1.0,
        100.0,
        "USGS OFR 2024-1057: price increase in a total ban (0.26 = +26%)",
    ),
    "ofr_semiconductor_share_of_loss": ParameterSpec(
        "share",
        "country",
        0.0,
        1.0,
        "USGS OFR 2024-1057: share of the loss in semiconductor device manufacturing",
    ),
}
"""Every parameter the file may hold."""

BY_COUNTRY: frozenset[str] = frozenset({"value_at_risk_own_consumption_usd_per_unit"})
"""Commodity-wide parameters a country's row may override (its own value at risk)."""

REQUIRED: tuple[str, ...] = (
    "demand_elasticity",
    "price_flexibility",
    "price_adjustment_days",
    "substitution_per_year",
    "supply_ramp_days",
    "capacity_growth_per_year",
    "investment_lead_years",
    "value_at_risk_own_consumption_usd_per_unit",
)
"""Commodity-wide parameters every commodity of ``commodities.csv`` must have."""
