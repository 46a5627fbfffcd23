"""Units and bounded numbers shared by the scenario's models.

Units live in the key names (``_days``, ``_per_year``, ``_usd_per_unit``);
these types carry their bounds (``simulator.model.limits``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from simulator.model.limits import (
    MAX_DAYS_OF_DEMAND,
    MAX_LEAD_TIME_DAYS,
    MAX_PRICE_USD_PER_UNIT,
    MAX_QUANTITY_PER_YEAR,
)

__all__ = ["DaysOfDemand", "LeadDays", "PerUnit", "Price", "Quantity", "Whole"]


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
