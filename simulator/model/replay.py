"""The ``backtest:`` section of a historical replay: which history it is compared with, and how.

A replay file states the shock and dated facts (under ``shocks:``) and, here,
the episode of the bundled history it reproduces, the calendar date of its
day 0, the trade series to compare, the tolerances of the comparison and —
the only structural changes a replay may make to the dataset — the
documented historical facts that override it, each with its source.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import AliasChoices, BeforeValidator, Field, model_validator

from simulator.model.base import Code, Frozen, NonNegative, Share
from simulator.model.calendar import Month
from simulator.model.market_spec import CommodityMarket

__all__ = [
    "STRUCTURAL_FIELDS",
    "Backtest",
    "HistoricalOverride",
    "HistorySeries",
    "Tolerance",
]


def _iso_date(value: object) -> object:
    """``YYYY-MM-DD`` text as a date (YAML 1.2 has no date type); anything else as is."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, found {value!r}") from None
    return value


MonthText = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]

STRUCTURAL_FIELDS: dict[str, tuple[str, ...]] = {
    "commodities": (
        "price_usd_per_unit",
        "value_at_risk_usd_per_unit",
        "carrying_cost_per_year",
        "recipe",
        "input_stock_days",
        "substitution",
        "contracting_delay_days",
        "new_route_ramp_days",
        "loss_exponent",
        *CommodityMarket.model_fields,  # the commodity's market: market.<commodity>.<field>
    ),
    "nodes": (
        "production_per_year",
        "capacity_per_year",
        "demand_per_year",
        "inventory_days",
        "expansion",
        "recipe",
        "input_stock_days",
        "substitution",
        "contracting_delay_days",
        "value_at_risk_usd_per_unit",
    ),
    "links": ("flow_per_year", "lead_time_days", "contracting_delay_days", "ramp_days"),
}
"""Fields of the dataset a replay may not change without a documented historical fact.

Adding a node or link the dataset does not have counts as overriding all its fields.
"""


class HistorySeries(Frozen):
    """One trade series of the history, compared with the model's shipments.

    ``flow: export``: what ``reporter`` exported to ``partner`` (``WLD``: to
    everyone), compared with the model's shipments from ``reporter`` to
    ``partner`` (to every importer for ``WLD``).  ``flow: import``: what
    ``reporter`` imported from ``partner`` (mirror statistics), compared with
    the model's shipments from ``partner`` to ``reporter``.
    """

    commodity: str = Field(description="The scenario's commodity.")
    history_commodity: str | None = Field(
        None, description="The commodity as named in the history (default: the same)."
    )
    reporter: Code = "CHN"
    partner: Code = "WLD"
    flow: Literal["export", "import"] = "export"
    baseline: list[MonthText] = Field(
        min_length=2,
        max_length=2,
        description="The pre-control window of the history: [first month, last month].",
    )

    @property
    def history_name(self) -> str:
        return self.history_commodity or self.commodity

    @model_validator(mode="after")
    def _window(self) -> Self:
        first, last = (Month.parse(m) for m in self.baseline)
        if last < first:
            raise ValueError(
                f"expected baseline [first, last] with first <= last, found {first} > {last}"
            )
        return self


class Tolerance(Frozen):
    """How far history may lie outside the model's 90% band and still count as reproduced."""

    ratio: NonNegative = Field(description="On ratios to the pre-control average (absolute).")
    months: int = Field(ge=0, description="On months (trough, recovery, first shortage).")


class HistoricalOverride(Frozen):
    """A structural dataset figure a replay changes because history says so, with its source.

    Names a commodity figure (``commodity`` and ``field``), a node
    (``country``) or a link (``from``, ``to``); the value itself is written in
    the scenario's ``commodities:`` or ``network:`` as usual.
    """

    commodity: str
    country: Code | None = None
    exporter: Code | None = Field(
        None, validation_alias=AliasChoices("from", "exporter"), serialization_alias="from"
    )
    importer: Code | None = Field(
        None, validation_alias=AliasChoices("to", "importer"), serialization_alias="to"
    )
    field: str
    source: str = Field(
        min_length=10, description="The documented historical fact, with its source."
    )

    @model_validator(mode="after")
    def _target(self) -> Self:
        link = self.exporter is not None or self.importer is not None
        if link and (self.exporter is None or self.importer is None):
            raise ValueError("a link override needs both from and to")
        if link and self.country is not None:
            raise ValueError("an override names a node (country) or a link (from, to), not both")
        table = "links" if link else "nodes" if self.country is not None else "commodities"
        if self.field not in STRUCTURAL_FIELDS[table]:
            raise ValueError(
                f"expected a structural field of {table} ({', '.join(STRUCTURAL_FIELDS[table])}),"
                f" found {self.field!r}"
            )
        return self

    @property
    def identity(self) -> tuple[str, ...]:
        """``(table, commodity)`` followed by ``country`` or by ``from, to``."""
        if self.exporter is not None and self.importer is not None:
            return ("links", self.commodity, self.exporter, self.importer)
        if self.country is not None:
            return ("nodes", self.commodity, self.country)
        return ("commodities", self.commodity)


class Backtest(Frozen):
    """What a replay is compared with: an episode of the bundled history, on a monthly grid."""

    episode: str = Field(description="An episode of simulator/data/history/.")
    day0: Annotated[date, BeforeValidator(_iso_date)] = Field(
        description="Calendar date of day 0 (YYYY-MM-DD)."
    )
    control_month: MonthText = Field(description="First month under the control.")
    recovery_share: Share = Field(
        0.8, description="Share of the pre-control average that counts as recovered."
    )
    tolerance: Tolerance
    series: list[HistorySeries] = Field(min_length=1)
    historical_overrides: list[HistoricalOverride] = Field(default_factory=list)

    @property
    def control(self) -> Month:
        return Month.parse(self.control_month)
