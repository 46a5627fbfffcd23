"""The dataset's market figures merged into a scenario document.

With ``data: builtin`` (or a dataset folder holding ``market.csv``), every
simulated commodity that has market figures gets a ``market:`` entry made of
their central values, under the scenario's own keys; a country's own value at
risk per unit short joins its node.  ``market: off`` (or ``false``) keeps the
market off and takes nothing.  Values that come from the dataset are located
at the ``data:`` value, as the rest of the dataset's.
"""

from __future__ import annotations

import copy
from typing import Any

from simulator.io.data_ranges import DataRange
from simulator.io.market import MarketParameters, load_market_parameters
from simulator.io.yaml import YamlDocument
from simulator.model.market_spec import MARKET_OFF

__all__ = ["COMMODITY_FIELDS", "MARKET_FIELDS", "market_ranges", "merge_market"]

MARKET_FIELDS: tuple[str, ...] = (
    "demand_elasticity",
    "price_adjustment_days",
    "substitution_per_year",
    "supply_ramp_days",
    "capacity_growth_per_year",
    "investment_lead_years",
)
"""Figures of ``market.csv`` that become a commodity's ``market:`` fields.

``price_flexibility`` is not taken: the file's row is ``1 / |demand_elasticity|``,
which the scenario derives itself (so overriding the elasticity moves both).
"""

COMMODITY_FIELDS: tuple[str, ...] = ("contracting_delay_days",)
"""Figures of ``market.csv`` that become fields of the commodity itself (not of its
``market:``): how long switching suppliers takes belongs to the trade network, and
applies with the market on or off."""

_NODE_VALUE = "value_at_risk_own_consumption_usd_per_unit"


def merge_market(document: YamlDocument, parameters: MarketParameters) -> YamlDocument:
    """``document`` (with the dataset already merged) with the dataset's market figures.

    Parameters
    ----------
    document : YamlDocument
        A scenario document whose ``commodities`` and ``network.nodes`` hold
        the dataset's entries.
    parameters : MarketParameters
        The rows of the dataset's ``market.csv``.

    Returns
    -------
    YamlDocument
        A new document; ``document`` is not changed.
    """
    data: dict[str, Any] = copy.deepcopy(document.data)
    commodities = data.get("commodities")
    if not isinstance(commodities, dict) or len(parameters) == 0:
        return document  # reported by validation, or nothing to merge
    for row in parameters:
        entry = commodities.get(row.commodity)
        if row.country is None and row.parameter in COMMODITY_FIELDS and isinstance(entry, dict):
            entry.setdefault(row.parameter, row.central)
    setting = data.get("market")
    if (
        setting is False
        or setting == MARKET_OFF
        or not (setting is None or isinstance(setting, dict))
    ):
        return _document(document, data, {})  # off: no market figures (or reported)
    own: dict[str, Any] = dict(setting or {})
    figures: dict[str, dict[str, float]] = {}
    for row in parameters:
        if row.country is None and row.parameter in MARKET_FIELDS and row.commodity in commodities:
            figures.setdefault(row.commodity, {})[row.parameter] = row.central
    merged: dict[str, Any] = {}
    for name in [*figures, *[n for n in own if n not in figures]]:
        mine = own.get(name)
        if name not in figures:
            merged[name] = mine
        elif mine is None:
            merged[name] = dict(figures[name])
        elif isinstance(mine, dict):
            merged[name] = {**figures[name], **mine}
        else:
            merged[name] = mine  # reported by validation
    data["market"] = merged

    network = data.get("network")
    nodes = network.get("nodes") if isinstance(network, dict) else None
    if isinstance(nodes, list):
        for node in nodes:
            if not isinstance(node, dict) or "value_at_risk_usd_per_unit" in node:
                continue
            commodity, country = node.get("commodity"), node.get("country")
            if not isinstance(commodity, str) or not isinstance(country, str):
                continue
            figure = parameters.find(commodity, _NODE_VALUE, country)
            if figure is not None:
                node["value_at_risk_usd_per_unit"] = figure.central

    return _document(document, data, merged)


def _document(document: YamlDocument, data: dict[str, Any], merged: dict[str, Any]) -> YamlDocument:
    """``data`` with ``document``'s positions; merged market entries located at ``data:``."""
    positions = document.positions
    origin = positions.locate(("data",))
    values = dict(positions.values)
    if origin is not None and merged:
        for name in merged:
            values.setdefault(("market", name), origin)
        values.setdefault(("market",), origin)
    return YamlDocument(data, type(positions)(values, dict(positions.keys)), document.file)


def market_ranges(parameters: MarketParameters | None = None) -> list[DataRange]:
    """The ranges of the market figures a scenario takes from the dataset.

    One per commodity and :data:`MARKET_FIELDS` (or :data:`COMMODITY_FIELDS`:
    then a range of the commodity's own field) field whose row has a range
    (``low < high``), triangular with its mode at the central value — the
    figure the scenario gets without uncertainty — in file order.  They join
    ``uncertainty.csv``'s ranges in an experiment's Latin hypercube
    (:mod:`simulator.experiments.data_design`).

    >>> ranges = {r.label: r for r in market_ranges()}
    >>> r = ranges["data.gallium.market.demand_elasticity"]
    >>> (r.low, r.central, r.high, r.shape)
    (-0.3, -0.1, -0.03, 'triangular')
    """
    rows = load_market_parameters() if parameters is None else parameters
    return [
        DataRange(
            "commodities" if row.parameter in COMMODITY_FIELDS else "market",
            (row.commodity,),
            row.parameter,
            row.low,
            row.central,
            row.high,
            "triangular",
            row.source,
        )
        for row in rows
        if row.country is None
        and row.parameter in (*MARKET_FIELDS, *COMMODITY_FIELDS)
        and row.low < row.high
    ]
