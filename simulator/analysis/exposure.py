"""Hidden exposure: how much of a country's supply needs one exporter somewhere upstream.

A product's supply at a country comes from its own production and from its
suppliers' exports; each producer needs inputs (its recipe), which come from
its own production and its suppliers, and so on up the recipe graph.  If one
exporter ``e`` (China, say) stopped shipping a set ``K`` of commodities, the
first-order loss — before stocks, rerouting or new capacity, with fixed
recipes — travels down the chains.  This module computes that loss per
commodity and country on the baseline network; the formulas are set out in
``docs/network-analytics.md`` ("Exposure through inputs").

Notation, per commodity ``c`` and country ``j`` (units per year):
``dom_j = P_j − X_j`` production kept at home, ``f_ij`` flows,
``S_j = dom_j + Σ_i f_ij`` supply.  The share of ``i``'s production that can
still be made is ``q_i = min over the inputs k of its recipe of a_k(i)``
(fixed proportions: output is limited by its scarcest input; every use of an
input at ``i`` is rationed alike; ``q_i = 1`` without a recipe), where
``a_k(i)`` is the share of ``i``'s supply of ``k`` still available.  Then::

    a_c(j) = ( dom_j · q_j + Σ_i f_ij · q_i · [not (i = e and c ∈ K)] ) / S_j

computed in topological order of the recipe graph (inputs first), and the
exposure is ``E_c(j) = 1 − a_c(j)``.  Its *direct* part is the share of
supply bought from ``e`` itself, ``f_ej / S_j`` (when ``c ∈ K``); the rest is
*indirect*: supply whose production needs ``e``'s input somewhere upstream.
With one input per recipe this is the Leontief system ``E = d + A E``
(``A`` holding the supply shares ``f_ij / S_j`` and ``dom_j / S_j`` from each
product to its input at the producer), so ``E = (I − A)⁻¹ d``; with several
inputs, ``A`` keeps each producer's most exposed input.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from simulator.model.network import TradeNetwork
from simulator.model.recipes import ProducerRecipe

__all__ = [
    "Exposure",
    "InputExposure",
    "all_chokepoint_inputs",
    "available_shares",
    "chokepoint_inputs",
    "exposure",
    "exposure_report",
    "exposures",
    "recipe_graph",
    "upstream_inputs",
]


@dataclass(frozen=True, slots=True)
class Exposure:
    """A country's exposure, for one commodity, to an exporter stopping every commodity.

    ``direct`` is the share of its supply bought from the exporter; ``indirect``
    the share lost through the inputs of its other suppliers and of its own
    producers; ``total = direct + indirect`` (shares of supply, 0–1).
    """

    country: str
    commodity: str
    exporter: str
    direct: float
    indirect: float

    @property
    def total(self) -> float:
        return self.direct + self.indirect


@dataclass(frozen=True, slots=True)
class InputExposure:
    """The share of a country's supply of a product lost if the exporter stops one input.

    ``tier`` counts recipe steps from the product (0: the product itself, 1:
    one of its inputs, 2: an input of an input, ...; the longest path when
    there are several).
    """

    input: str
    tier: int
    exposure: float


def recipe_graph(trade: TradeNetwork) -> nx.DiGraph:
    """Commodities and an edge ``input → product`` for every input a producer's recipe names."""
    g = nx.DiGraph()
    g.add_nodes_from(trade.commodities)
    for (product, _), recipe in trade.recipes.items():
        g.add_edges_from((name, product) for name in recipe.inputs)
    return g


def upstream_inputs(trade: TradeNetwork, product: str) -> dict[str, int]:
    """Every commodity ``product`` needs, directly or not, with its tier (longest path).

    The product itself is tier 0.
    """
    g = recipe_graph(trade)
    tiers = {product: 0}
    for c in reversed(list(nx.topological_sort(g.subgraph(nx.ancestors(g, product) | {product})))):
        for successor in g.successors(c):
            if successor in tiers:
                tiers[c] = max(tiers.get(c, 0), tiers[successor] + 1)
    return tiers


def available_shares(
    trade: TradeNetwork,
    exporter: str,
    cut: Collection[str] | None = None,
    *,
    substitution: bool = False,
) -> dict[str, dict[str, float]]:
    """``a_c(j)``: the share of each country's supply still available, per commodity.

    Parameters
    ----------
    trade : TradeNetwork
        The baseline network with its recipes.
    exporter : str
        The country that stops shipping.
    cut : collection of str, optional
        The commodities it stops (default: every commodity).
    substitution : bool
        Once substitution has fully ramped up: a producer that can replace a
        share ``s`` of an input's requirement has ``min(1, a + s)`` of it
        (default: none, the first-order loss).

    Returns
    -------
    dict
        ``{commodity: {country: a}}``; a country with no supply has ``a = 1``.
    """
    stopped = set(trade.commodities if cut is None else cut)
    shares: dict[str, dict[str, float]] = {}
    for c in nx.topological_sort(recipe_graph(trade)):
        net = trade[c]
        q = np.ones(net.n_countries)
        for i, country in enumerate(net.countries):
            recipe = trade.recipes.get((c, country))
            if recipe is not None:
                q[i] = min(
                    min(1.0, shares[k][country] + _replaceable(recipe, k, substitution))
                    for k in recipe.inputs
                )
        flows = net.flow_per_year * q[net.link_exporter]
        if c in stopped and exporter in net.index:
            flows = np.where(net.link_exporter == net.index[exporter], 0.0, flows)
        dom = np.maximum(net.domestic_supply_per_year, 0.0)
        supply = dom + net.imports_per_year
        kept = dom * q + np.bincount(net.link_importer, flows, net.n_countries)
        a = np.divide(kept, supply, out=np.ones_like(kept), where=supply > 0)
        shares[c] = dict(zip(net.countries, a.tolist(), strict=True))
    return shares


def _replaceable(recipe: ProducerRecipe, name: str, substitution: bool) -> float:
    found = recipe.substitution.get(name) if substitution else None
    return 0.0 if found is None else found.share


def exposures(
    trade: TradeNetwork, commodity: str, exporter: str = "CHN", *, substitution: bool = False
) -> dict[str, Exposure]:
    """Every country's :class:`Exposure` for ``commodity`` (the exporter itself left out).

    ``substitution``: as in :func:`available_shares`.
    """
    available = available_shares(trade, exporter, substitution=substitution)[commodity]
    net = trade[commodity]
    supply = np.maximum(net.domestic_supply_per_year, 0.0) + net.imports_per_year
    direct = np.zeros(net.n_countries)
    if exporter in net.index:
        from_e = net.link_exporter == net.index[exporter]
        bought = np.bincount(net.link_importer[from_e], net.flow_per_year[from_e], net.n_countries)
        direct = np.divide(bought, supply, out=direct, where=supply > 0)
    out = {}
    for j, country in enumerate(net.countries):
        if country == exporter:
            continue
        total = 1.0 - available[country]
        d = float(direct[j])
        out[country] = Exposure(country, commodity, exporter, d, max(total - d, 0.0))
    return out


def exposure(
    trade: TradeNetwork,
    country: str,
    commodity: str,
    exporter: str = "CHN",
    *,
    substitution: bool = False,
) -> Exposure:
    """``country``'s :class:`Exposure` for ``commodity`` to ``exporter``.

    A country that makes all the product it uses from an input it buys half
    from the exporter has ``direct = 0`` and ``indirect = 0.5``; with
    ``substitution`` and a replaceable share of 0.2 of that input, 0.3.

    Raises
    ------
    KeyError
        If ``country`` is not a node of ``commodity``, or is the exporter.
    """
    found = exposures(trade, commodity, exporter, substitution=substitution)
    if country not in found:
        raise KeyError(f"{country} is not a node of {commodity} (or is the exporter)")
    return found[country]


def chokepoint_inputs(
    trade: TradeNetwork, country: str, product: str, exporter: str = "CHN"
) -> list[InputExposure]:
    """The commodities upstream of ``product``, ranked by what stopping each alone costs.

    For every commodity ``k`` the product needs (itself included), the
    exposure ``E_product(country)`` when ``exporter`` stops only ``k``;
    largest first, ties by tier then name.

    Raises
    ------
    KeyError
        If ``country`` is not a node of ``product``.
    """
    if country not in trade[product].index:
        raise KeyError(f"{country} is not a node of {product}")
    return all_chokepoint_inputs(trade, product, exporter)[country]


def all_chokepoint_inputs(
    trade: TradeNetwork, product: str, exporter: str = "CHN"
) -> dict[str, list[InputExposure]]:
    """:func:`chokepoint_inputs` of every country of ``product`` (one pass per input)."""
    tiers = upstream_inputs(trade, product)
    cut_alone = {k: available_shares(trade, exporter, {k})[product] for k in tiers}
    return {
        country: sorted(
            (InputExposure(k, tier, 1.0 - cut_alone[k][country]) for k, tier in tiers.items()),
            key=lambda r: (-r.exposure, r.tier, r.input),
        )
        for country in trade[product].countries
    }


def exposure_report(
    trade: TradeNetwork,
    commodities: Collection[str],
    exporter: str = "CHN",
    countries: Collection[str] | None = None,
) -> dict[str, dict[str, Any] | None]:
    """Exposure sections of ``supplyshock network --exposure --json``, as plain data.

    For each commodity made from inputs (``None`` for the others): per country
    (or only those in ``countries``) ``direct``, ``indirect`` and ``total``
    exposure to ``exporter`` and the ``chokepoint_inputs`` (``input``,
    ``tier``, ``exposure``) largest first.
    """
    graph = recipe_graph(trade)
    out: dict[str, dict[str, Any] | None] = {}
    for c in commodities:
        if not nx.ancestors(graph, c):
            out[c] = None
            continue
        found = exposures(trade, c, exporter)
        inputs = all_chokepoint_inputs(trade, c, exporter)
        out[c] = {
            k: {
                "direct": e.direct,
                "indirect": e.indirect,
                "total": e.total,
                "chokepoint_inputs": [
                    {"input": r.input, "tier": r.tier, "exposure": r.exposure} for r in inputs[k]
                ],
            }
            for k, e in found.items()
            if countries is None or k in countries
        }
    return out
