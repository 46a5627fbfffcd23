"""Reading a baseline trade network for its dependency analytics: one commodity's graph and flows.

:mod:`simulator.analysis.network_metrics` computes every metric from what
:func:`baseline` gathers here, once per call: the countries, their production
and demand, and the positive flows between them with each country's imports
and exports (all in units per year).  A network is given as a
:class:`~simulator.model.network.CommodityNetwork`, its ``networkx.DiGraph``
(``.graph``), or a :class:`~simulator.model.network.TradeNetwork` together with
the ``commodity`` to read (optional when it has only one).
:func:`example_network` is the worked example of ``docs/network-analytics.md``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

import networkx as nx

from simulator.model.network import CommodityNetwork, TradeNetwork

__all__ = [
    "Baseline",
    "NetworkLike",
    "baseline",
    "commodity_graph",
    "example_network",
    "nonnegative",
    "ranked",
]

NetworkLike: TypeAlias = TradeNetwork | CommodityNetwork | nx.DiGraph
"""What the functions accept: a trade network (with a commodity), one commodity, or its graph."""


def commodity_graph(network: NetworkLike, commodity: str | None = None) -> nx.DiGraph:
    """The ``networkx.DiGraph`` of one commodity.

    Parameters
    ----------
    network : TradeNetwork, CommodityNetwork or networkx.DiGraph
        Nodes carry ``production_per_year`` and ``demand_per_year``, edges
        ``flow_per_year``; a missing attribute counts as 0.
    commodity : str, optional
        Which commodity of a :class:`TradeNetwork` to read; may be left out
        when it has exactly one.  Ignored for the other two types.

    Returns
    -------
    networkx.DiGraph
        The graph itself, not a copy: do not modify it.

    Raises
    ------
    ValueError
        If ``commodity`` is not in the trade network, or is left out while
        the trade network has several commodities.
    TypeError
        If ``network`` is none of the accepted types.
    """
    if isinstance(network, nx.DiGraph):
        return network
    if isinstance(network, CommodityNetwork):
        return network.graph
    if isinstance(network, TradeNetwork):
        known = sorted(network.commodities)
        if commodity is None:
            if len(known) != 1:
                raise ValueError(f"commodity: expected one of {known}, found None")
            commodity = known[0]
        if commodity not in network:
            raise ValueError(f"commodity: expected one of {known}, found {commodity!r}")
        return network.graph(commodity)
    raise TypeError(
        "network: expected a TradeNetwork, CommodityNetwork or networkx.DiGraph,"
        f" found {type(network).__name__}"
    )


@dataclass(frozen=True, slots=True)
class Baseline:
    """The numbers every metric reads, gathered once from a graph (:func:`baseline`)."""

    countries: tuple[str, ...]
    production: dict[str, float]
    demand: dict[str, float]
    flows: dict[tuple[str, str], float]  # positive flows only
    imports: dict[str, float]
    exports: dict[str, float]


def nonnegative(value: object, what: str) -> float:
    """``value`` as a float, a finite number ``>= 0`` (else an error naming ``what``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what}: expected a number, found {value!r}")
    x = float(value)
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"{what}: expected a finite number >= 0, found {x!r}")
    return x


def baseline(network: NetworkLike, commodity: str | None) -> Baseline:
    """The countries, production, demand and positive flows of one commodity's graph.

    A missing attribute counts as 0; a negative or non-finite one raises
    (:func:`nonnegative`).  Self-loops and zero flows are left out of the flows.
    """
    g = commodity_graph(network, commodity)
    countries = tuple(str(c) for c in g.nodes)
    production = {
        c: nonnegative(g.nodes[c].get("production_per_year", 0.0), f"{c}.production_per_year")
        for c in countries
    }
    demand = {
        c: nonnegative(g.nodes[c].get("demand_per_year", 0.0), f"{c}.demand_per_year")
        for c in countries
    }
    flows: dict[tuple[str, str], float] = {}
    imports = dict.fromkeys(countries, 0.0)
    exports = dict.fromkeys(countries, 0.0)
    for u, v, data in g.edges(data=True):
        f = nonnegative(data.get("flow_per_year", 0.0), f"{u}->{v}.flow_per_year")
        if f > 0 and u != v:
            flows[str(u), str(v)] = f
            imports[str(v)] += f
            exports[str(u)] += f
    return Baseline(countries, production, demand, flows, imports, exports)


def ranked(values: Mapping[str, float]) -> dict[str, float]:
    """``values`` ordered largest first, ties by name."""
    return dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))


def example_network() -> nx.DiGraph:
    """A fresh copy of the balanced four-country network of the module docstring.

    Examples
    --------
    >>> from simulator.analysis.network_graph import example_network
    >>> sorted(example_network().edges(data="flow_per_year"))
    [('AUS', 'JPN', 20.0), ('CHN', 'JPN', 20.0), ('CHN', 'KOR', 60.0)]
    """
    g = nx.DiGraph()
    for country, production, demand in (
        ("CHN", 100.0, 20.0),
        ("AUS", 30.0, 10.0),
        ("KOR", 20.0, 80.0),
        ("JPN", 0.0, 40.0),
    ):
        g.add_node(country, production_per_year=production, demand_per_year=demand)
    for exporter, importer, flow in (
        ("CHN", "KOR", 60.0),
        ("CHN", "JPN", 20.0),
        ("AUS", "JPN", 20.0),
    ):
        g.add_edge(exporter, importer, flow_per_year=flow)
    return g
