"""A country's baseline balance: what it produces and imports against what it uses and exports.

:meth:`~simulator.model.network.TradeNetwork.from_scenario` checks every
country of every commodity with these: production + imports must equal
demand + exports within :data:`BALANCE_RTOL` (of the larger side), unless the
scenario asks to reconcile demand; and no country may export more than it
produces.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from simulator.errors import Issue

__all__ = ["BALANCE_RTOL", "Imbalance", "imbalance_issue", "imbalances", "transit_issues"]

BALANCE_RTOL = 1e-6
"""Relative tolerance of the balance check, as a share of supply (production + imports)."""


@dataclass(frozen=True, slots=True)
class Imbalance:
    """A country whose baseline does not balance: ``gap = supply - use`` (units/yr)."""

    commodity: str
    country: str
    supply_per_year: float
    use_per_year: float

    @property
    def gap(self) -> float:
        return self.supply_per_year - self.use_per_year


def imbalances(commodity: str, g: nx.DiGraph) -> list[Imbalance]:
    """The countries of ``g`` whose production + imports and demand + exports differ."""
    out: list[Imbalance] = []
    for country, attrs in g.nodes(data=True):
        imports = sum(d["flow_per_year"] for _, _, d in g.in_edges(country, data=True))
        exports = sum(d["flow_per_year"] for _, _, d in g.out_edges(country, data=True))
        supply = attrs["production_per_year"] + imports
        use = attrs["demand_per_year"] + exports
        if abs(supply - use) > BALANCE_RTOL * max(supply, use, 1e-12):
            out.append(Imbalance(commodity, country, supply, use))
    return out


def imbalance_issue(g: nx.DiGraph, imb: Imbalance, prefix: str = "") -> Issue:
    """The located error of an imbalance that is not reconciled."""
    return Issue(
        g.nodes[imb.country]["path"],
        f"{prefix}{imb.country} ({imb.commodity}) does not balance: production + imports ="
        f" {imb.supply_per_year:g} but demand + exports = {imb.use_per_year:g}"
        f" (gap {imb.gap:+g} per year); fix the figures or set reconcile: true",
    )


def transit_issues(commodity: str, g: nx.DiGraph) -> list[Issue]:
    """Countries of ``g`` that export more than they produce (the model has no transit)."""
    issues = []
    for country, attrs in g.nodes(data=True):
        exports = sum(d["flow_per_year"] for _, _, d in g.out_edges(country, data=True))
        production = attrs["production_per_year"]
        if exports > production * (1 + BALANCE_RTOL) + 1e-12:
            issues.append(
                Issue(
                    attrs["path"],
                    f"{country} ({commodity}) exports {exports:g} per year but produces only"
                    f" {production:g}; the model has no transit trade: link re-exports"
                    " from the producer",
                )
            )
    return issues
