"""Dependency analytics of a baseline trade network: who relies on whom, and how much.

Every function is pure: a commodity's network in, a mapping or list out, with
its formula in the docstring.  A network is given as a
:class:`~simulator.model.network.CommodityNetwork`, its ``networkx.DiGraph``
(``.graph``), or a :class:`~simulator.model.network.TradeNetwork` together with
the ``commodity`` to read (optional when it has only one).

Notation, per commodity, all in units per year: ``f_ij`` the baseline flow of
the link ``i -> j``; ``P_i`` production; ``D_j`` demand; ``M_j = Σ_i f_ij``
imports; ``X_i = Σ_j f_ij`` exports.  Links with zero flow are potential
routes: they carry no share of anything here.  Shares are of imports only;
domestic production appears separately as :func:`self_sufficiency`.

Worked example used throughout (:func:`example_network`)::

    CHN  P=100 D=20    CHN -> KOR 60
    AUS  P=30  D=10    CHN -> JPN 20
    KOR  P=20  D=80    AUS -> JPN 20
    JPN  P=0   D=40

KOR imports all its 60 from CHN; JPN imports 20 + 20 from CHN and AUS.

The export-power and import-vulnerability scores follow the idea of the Supply
Chain Dominance Index of Seoul National University's Institute for Future
Strategy (export power: the capacity to disrupt others through one's exports;
import vulnerability: the exposure to such disruption).  That index's formula
is not public; the definitions here are this project's own, set out in
``docs/network-analytics.md``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

import networkx as nx

from simulator.model.network import CommodityNetwork, TradeNetwork

__all__ = [
    "HHI_POINTS",
    "Chokepoint",
    "ExporterDependence",
    "NetworkLike",
    "chokepoints",
    "commodity_graph",
    "example_network",
    "export_power",
    "exporter_dependence",
    "import_dependence",
    "import_hhi",
    "import_shares",
    "import_vulnerability",
    "self_sufficiency",
]

NetworkLike: TypeAlias = TradeNetwork | CommodityNetwork | nx.DiGraph
"""What the functions accept: a trade network (with a commodity), one commodity, or its graph."""

HHI_POINTS = 10_000.0
"""Factor from the 0–1 Herfindahl–Hirschman index to the 0–10,000 "points" convention."""


@dataclass(frozen=True, slots=True)
class ExporterDependence:
    """How much one importer relies on one named exporter (see :func:`exporter_dependence`)."""

    importer: str
    flow_per_year: float
    """``f_ej``: the baseline flow from the exporter, units per year."""
    share_of_imports: float
    """``f_ej / M_j``; 0 when the importer imports nothing."""
    share_of_demand: float
    """``f_ej / D_j``; 0 when the importer has no demand."""


@dataclass(frozen=True, slots=True)
class Chokepoint:
    """What the others lose when one country's exports stop (see :func:`chokepoints`)."""

    country: str
    lost_per_year: float
    """``L_i = X_i = Σ_j f_ij``: supply cut from all importers, units per year."""
    lost_share_of_world_demand: float
    """``L_i / Σ_k D_k``: the same, as a share of every country's demand together."""
    losses: Mapping[str, float] = field(default_factory=dict)
    """Each importer's loss as a share of its own demand, ``f_ij / D_j``, largest first."""

    @property
    def max_share_of_demand(self) -> float:
        """The worst-hit importer's loss as a share of its demand (0 when no importer)."""
        return max(self.losses.values(), default=0.0)


# --- reading a network -------------------------------------------------------------------


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
class _Baseline:
    """The numbers every metric reads, gathered once from a graph."""

    countries: tuple[str, ...]
    production: dict[str, float]
    demand: dict[str, float]
    flows: dict[tuple[str, str], float]  # positive flows only
    imports: dict[str, float]
    exports: dict[str, float]


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what}: expected a number, found {value!r}")
    x = float(value)
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"{what}: expected a finite number >= 0, found {x!r}")
    return x


def _baseline(network: NetworkLike, commodity: str | None) -> _Baseline:
    g = commodity_graph(network, commodity)
    countries = tuple(str(c) for c in g.nodes)
    production = {
        c: _number(g.nodes[c].get("production_per_year", 0.0), f"{c}.production_per_year")
        for c in countries
    }
    demand = {
        c: _number(g.nodes[c].get("demand_per_year", 0.0), f"{c}.demand_per_year")
        for c in countries
    }
    flows: dict[tuple[str, str], float] = {}
    imports = dict.fromkeys(countries, 0.0)
    exports = dict.fromkeys(countries, 0.0)
    for u, v, data in g.edges(data=True):
        f = _number(data.get("flow_per_year", 0.0), f"{u}->{v}.flow_per_year")
        if f > 0 and u != v:
            flows[str(u), str(v)] = f
            imports[str(v)] += f
            exports[str(u)] += f
    return _Baseline(countries, production, demand, flows, imports, exports)


def _ranked(values: Mapping[str, float]) -> dict[str, float]:
    """``values`` ordered largest first, ties by name."""
    return dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))


# --- shares and concentration ------------------------------------------------------------


def import_shares(
    network: NetworkLike, commodity: str | None = None
) -> dict[str, dict[str, float]]:
    """Each country's imports split by source.

    .. math:: s_{ij} = f_{ij} / M_j, \\qquad M_j = \\sum_k f_{kj}

    Only imports count: domestic production is not a source here (see
    :func:`self_sufficiency`).  Zero-flow links (potential routes) are left out.

    Parameters
    ----------
    network, commodity
        See :func:`commodity_graph`.

    Returns
    -------
    dict
        ``{importer: {exporter: s_ij}}`` for every country; the inner mapping
        is ordered largest share first and sums to 1, or is empty for a
        country that imports nothing.

    Examples
    --------
    >>> from simulator.analysis.network_metrics import import_shares, example_network
    >>> shares = import_shares(example_network())
    >>> shares["KOR"], shares["JPN"], shares["CHN"]
    ({'CHN': 1.0}, {'AUS': 0.5, 'CHN': 0.5}, {})
    """
    base = _baseline(network, commodity)
    out: dict[str, dict[str, float]] = {c: {} for c in base.countries}
    for (i, j), f in base.flows.items():
        out[j][i] = f / base.imports[j]
    return {j: _ranked(s) for j, s in out.items()}


def import_hhi(
    network: NetworkLike, commodity: str | None = None, *, points: bool = False
) -> dict[str, float]:
    """Herfindahl–Hirschman index of each importer's sources.

    .. math:: H_j = \\sum_i s_{ij}^2

    ``H_j`` lies in ``[1/k, 1]`` for ``k`` suppliers: 1 for a single source,
    ``1/k`` for ``k`` equal ones; ``1/H_j`` is the "effective number" of
    suppliers.  Competition authorities quote the same index in points,
    ``10,000 H_j`` (shares in per cent, squared).

    Parameters
    ----------
    network, commodity
        See :func:`commodity_graph`.
    points : bool, default False
        Return ``10,000 H_j`` (0–10,000) instead of ``H_j`` (0–1).

    Returns
    -------
    dict
        ``{importer: H_j}`` for the countries that import; a country without
        imports has no sources to be concentrated and is left out.

    Examples
    --------
    >>> from simulator.analysis.network_metrics import import_hhi, example_network
    >>> import_hhi(example_network())
    {'KOR': 1.0, 'JPN': 0.5}
    >>> import_hhi(example_network(), points=True)["JPN"]
    5000.0
    """
    scale = HHI_POINTS if points else 1.0
    return _ranked(
        {
            j: scale * sum(s * s for s in shares.values())
            for j, shares in import_shares(network, commodity).items()
            if shares
        }
    )


def import_dependence(network: NetworkLike, commodity: str | None = None) -> dict[str, float]:
    """Each country's imports as a share of its demand.

    .. math:: \\delta_j = M_j / D_j

    In a balanced network ``M_j <= D_j`` (exports come from own production),
    so ``δ_j`` is in ``[0, 1]`` and ``δ_j = 1 - σ_j`` (:func:`self_sufficiency`).
    A country with no demand and no imports has ``δ_j = 0``.

    Parameters
    ----------
    network, commodity
        See :func:`commodity_graph`.

    Returns
    -------
    dict
        ``{country: δ_j}`` for every country, largest first.

    Raises
    ------
    ValueError
        If a country imports but has no demand (the ratio is undefined; a
        network built from a scenario never has one).

    Examples
    --------
    >>> from simulator.analysis.network_metrics import import_dependence, example_network
    >>> import_dependence(example_network())
    {'JPN': 1.0, 'KOR': 0.75, 'AUS': 0.0, 'CHN': 0.0}
    """
    base = _baseline(network, commodity)
    out: dict[str, float] = {}
    for c in base.countries:
        if base.demand[c] > 0:
            out[c] = base.imports[c] / base.demand[c]
        elif base.imports[c] > 0:
            raise ValueError(
                f"{c}: imports {base.imports[c]:g} per year with no demand;"
                " import dependence is undefined"
            )
        else:
            out[c] = 0.0
    return _ranked(out)


def self_sufficiency(network: NetworkLike, commodity: str | None = None) -> dict[str, float]:
    """Each country's own production kept at home, as a share of its demand.

    .. math:: \\sigma_j = (P_j - X_j) / D_j

    With the baseline balanced (``P + M = D + X``) this is ``1 - δ_j``.  A
    country with no demand counts as self-sufficient, ``σ_j = 1``.

    Parameters
    ----------
    network, commodity
        See :func:`commodity_graph`.

    Returns
    -------
    dict
        ``{country: σ_j}`` for every country, largest first.

    Examples
    --------
    >>> from simulator.analysis.network_metrics import self_sufficiency, example_network
    >>> self_sufficiency(example_network())
    {'AUS': 1.0, 'CHN': 1.0, 'KOR': 0.25, 'JPN': 0.0}
    """
    base = _baseline(network, commodity)
    return _ranked(
        {
            c: (base.production[c] - base.exports[c]) / d if (d := base.demand[c]) > 0 else 1.0
            for c in base.countries
        }
    )


def exporter_dependence(
    network: NetworkLike, exporter: str, commodity: str | None = None
) -> dict[str, ExporterDependence]:
    """How much every other country relies on ``exporter``.

    .. math::

        \\text{share of imports}_j = f_{ej} / M_j = s_{ej}, \\qquad
        \\text{share of demand}_j = f_{ej} / D_j = s_{ej}\\,\\delta_j

    The second is what a full stop of ``exporter``'s shipments would cut
    from ``j``'s supply, before stocks, rerouting or new capacity.

    Parameters
    ----------
    network, commodity
        See :func:`commodity_graph`.
    exporter : str
        The country whose customers are measured; must be a node.

    Returns
    -------
    dict
        ``{importer: ExporterDependence}`` for every country but ``exporter``,
        ordered by share of demand, largest first (ties by share of imports,
        then name).

    Raises
    ------
    ValueError
        If ``exporter`` is not a node of the network.

    Examples
    --------
    >>> from simulator.analysis.network_metrics import exporter_dependence, example_network
    >>> dep = exporter_dependence(example_network(), "CHN")
    >>> [(d.importer, d.share_of_imports, d.share_of_demand) for d in dep.values()]
    [('KOR', 1.0, 0.75), ('JPN', 0.5, 0.5), ('AUS', 0.0, 0.0)]
    """
    base = _baseline(network, commodity)
    if exporter not in base.demand:
        raise ValueError(f"exporter: expected one of {sorted(base.countries)}, found {exporter!r}")
    rows = []
    for j in base.countries:
        if j == exporter:
            continue
        f = base.flows.get((exporter, j), 0.0)
        rows.append(
            ExporterDependence(
                importer=j,
                flow_per_year=f,
                share_of_imports=f / base.imports[j] if base.imports[j] > 0 else 0.0,
                share_of_demand=f / base.demand[j] if base.demand[j] > 0 else 0.0,
            )
        )
    rows.sort(key=lambda d: (-d.share_of_demand, -d.share_of_imports, d.importer))
    return {d.importer: d for d in rows}


# --- chokepoints and scores --------------------------------------------------------------


def chokepoints(network: NetworkLike, commodity: str | None = None) -> list[Chokepoint]:
    """Exporters ranked by the supply the others lose when their exports stop.

    Remove every outgoing link of ``i`` and hold everything else fixed (no
    stocks, no rerouting, no new capacity: the first-order cut)::

        loss of j    ℓ_ij = f_ij / D_j          (share of j's demand)
        total        L_i  = Σ_j f_ij = X_i      (units per year)
        world share  L_i / Σ_k D_k

    Parameters
    ----------
    network, commodity
        See :func:`commodity_graph`.

    Returns
    -------
    list of Chokepoint
        One per country that exports, ordered by ``L_i`` (largest first),
        ties by the worst-hit importer's loss, then name.

    Examples
    --------
    >>> from simulator.analysis.network_metrics import chokepoints, example_network
    >>> [(c.country, c.lost_per_year, dict(c.losses)) for c in chokepoints(example_network())]
    [('CHN', 80.0, {'KOR': 0.75, 'JPN': 0.5}), ('AUS', 20.0, {'JPN': 0.5})]
    """
    base = _baseline(network, commodity)
    world_demand = sum(base.demand.values())
    losses: dict[str, dict[str, float]] = {}
    for (i, j), f in base.flows.items():
        # A balanced importer has D_j >= M_j > 0; a raw graph may not, and then the
        # loss is counted in units but has no share of demand.
        if base.demand[j] > 0:
            losses.setdefault(i, {})[j] = f / base.demand[j]
    out = [
        Chokepoint(
            country=i,
            lost_per_year=base.exports[i],
            lost_share_of_world_demand=base.exports[i] / world_demand if world_demand > 0 else 0.0,
            losses=_ranked(losses.get(i, {})),
        )
        for i in base.countries
        if base.exports[i] > 0
    ]
    out.sort(key=lambda c: (-c.lost_per_year, -c.max_share_of_demand, c.country))
    return out


def import_vulnerability(network: NetworkLike, commodity: str | None = None) -> dict[str, float]:
    """Each country's exposure to a cut by one of its suppliers, 0–1.

    .. math:: V_j = \\delta_j H_j = \\sum_i s_{ij} \\cdot (s_{ij} \\delta_j)

    Dependence on imports times their concentration.  Read as an expected
    loss: if one of ``j``'s suppliers stops, drawn with probability equal to
    its import share ``s_ij``, ``j`` loses ``s_ij δ_j`` of its demand on
    average.  0 for a country that imports nothing; 1 for one that imports
    all it uses from a single source.

    Parameters
    ----------
    network, commodity
        See :func:`commodity_graph`.

    Returns
    -------
    dict
        ``{country: V_j}`` for every country, largest first.

    Examples
    --------
    >>> from simulator.analysis.network_metrics import import_vulnerability, example_network
    >>> import_vulnerability(example_network())
    {'KOR': 0.75, 'JPN': 0.5, 'AUS': 0.0, 'CHN': 0.0}
    """
    dependence = import_dependence(network, commodity)
    hhi = import_hhi(network, commodity)
    return _ranked({c: d * hhi.get(c, 0.0) for c, d in dependence.items()})


def export_power(network: NetworkLike, commodity: str | None = None) -> dict[str, float]:
    """Each country's share of the world's import dependence, 0–1.

    .. math::

        E_i = \\frac{\\sum_j s_{ij}\\,\\delta_j}{\\sum_j \\delta_j}
            = \\frac{\\sum_j f_{ij} / D_j}{\\sum_j \\delta_j}

    ``s_ij δ_j = f_ij / D_j`` is the share of ``j``'s demand that ``i``
    supplies, so the numerator counts how much of other countries' needs
    ``i`` could cut, each country weighted alike whatever its size; the
    denominator makes the scores of all countries sum to 1.  Unlike an
    export market share, holding all of a small country's supply counts as
    much as holding all of a large one's.  Every score is 0 when no country
    imports.

    Parameters
    ----------
    network, commodity
        See :func:`commodity_graph`.

    Returns
    -------
    dict
        ``{country: E_i}`` for every country, largest first.

    Examples
    --------
    KOR depends 0.75 on imports, all from CHN; JPN 1.0, half from each:
    ``E_CHN = (1·0.75 + 0.5·1) / 1.75 = 5/7``, ``E_AUS = 0.5 / 1.75 = 2/7``.

    >>> from simulator.analysis.network_metrics import export_power, example_network
    >>> {c: round(e, 4) for c, e in export_power(example_network()).items()}
    {'CHN': 0.7143, 'AUS': 0.2857, 'JPN': 0.0, 'KOR': 0.0}
    """
    base = _baseline(network, commodity)
    dependence = import_dependence(network, commodity)
    total = sum(dependence.values())
    reach = dict.fromkeys(base.countries, 0.0)
    for (i, j), f in base.flows.items():
        reach[i] += f / base.demand[j]  # D_j > 0: import_dependence raised otherwise
    return _ranked({c: r / total if total > 0 else 0.0 for c, r in reach.items()})


def example_network() -> nx.DiGraph:
    """A fresh copy of the balanced four-country network of the module docstring.

    Examples
    --------
    >>> from simulator.analysis.network_metrics import example_network
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
