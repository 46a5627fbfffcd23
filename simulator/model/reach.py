"""What a scenario can act on: a network to simulate, shocks that can take effect.

A scenario that validates key by key can still be one whose run shows nothing
for a reason the user did not mean: no node at all, or an export control that
can never bite — it takes effect after the last simulated day, names no
target, targets its own exporter, or its exporter ships nothing of that
commodity.  Such a run would report "no shortfall", silently; these checks
make each case a located error instead.
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from simulator.errors import Issue
from simulator.model.distributions import support
from simulator.model.scenario import AllExcept, ExportControl, Scenario

__all__ = ["reach_issues"]


def reach_issues(scenario: Scenario, graphs: Mapping[str, nx.DiGraph]) -> list[Issue]:
    """Every reason ``scenario`` has nothing to simulate, or a shock can never act.

    ``graphs`` are the commodities' trade graphs (nodes are countries, edges
    links), built from the validated scenario.
    """
    if not any(len(graphs.get(c, ())) for c in scenario.commodities):
        where = ("network", "nodes") if scenario.commodities else ("commodities",)
        return [
            Issue(
                where,
                "nothing to simulate: expected at least one commodity with nodes"
                " (network.nodes, or a dataset with data: builtin), found none",
            )
        ]
    issues: list[Issue] = []
    for i, shock in enumerate(scenario.shocks):
        g = graphs.get(shock.commodity)
        if g is not None:
            issues += _shock_issues(shock, ("shocks", i), g, scenario.horizon_days)
    return issues


def _shock_issues(
    shock: ExportControl, where: tuple[str, int], g: nx.DiGraph, horizon_days: int
) -> list[Issue]:
    issues: list[Issue] = []
    first_day = support(shock.effective_day)[0]
    if first_day >= horizon_days:
        issues.append(
            Issue(
                (*where, "effective_day"),
                f"this control can never act: expected an effective day before the end of the"
                f" horizon (<= {horizon_days - 1}), found {first_day:g}",
            )
        )
    if isinstance(shock.targets, list):
        if not shock.targets:
            issues.append(
                Issue(
                    (*where, "targets"),
                    "this control can never act: expected at least one target, found none",
                )
            )
        if shock.exporter in shock.targets:
            k = shock.targets.index(shock.exporter)
            issues.append(
                Issue(
                    (*where, "targets", k),
                    f"the exporter {shock.exporter} cannot control its own imports;"
                    " remove it from the targets",
                )
            )
    if shock.exporter not in g:
        issues.append(
            Issue(
                (*where, "exporter"),
                f"this control can never act: {shock.exporter} is not a node of commodity"
                f" {shock.commodity}",
            )
        )
        return issues
    importers = [b for _, b in g.out_edges(shock.exporter)]
    if not importers:
        issues.append(
            Issue(
                (*where, "exporter"),
                f"this control can never act: {shock.exporter} has no links for commodity"
                f" {shock.commodity}",
            )
        )
    elif not any(shock.targets_country(b) for b in importers) and not _empty_targets(shock):
        issues.append(
            Issue(
                (*where, "targets"),
                f"this control can never act: {shock.exporter} has no link of"
                f" {shock.commodity} to any of its targets (its importers:"
                f" {', '.join(sorted(importers))})",
            )
        )
    return issues


def _empty_targets(shock: ExportControl) -> bool:
    """Whether the targets are an empty list (reported on its own)."""
    return not isinstance(shock.targets, str | AllExcept) and not shock.targets
