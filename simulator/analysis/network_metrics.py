"""Dependency analytics of a baseline trade network: who relies on whom, and how much.

Every function is pure: a commodity's network in, a mapping or list out, with
its formula in the docstring.  This module is where they are imported from; it
holds the chokepoints and the two scores, and takes the shares and
concentration from :mod:`simulator.analysis.network_shares` and the reading
of a network from :mod:`simulator.analysis.network_graph`.  A network is given as a
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

from collections.abc import Mapping
from dataclasses import dataclass, field

from simulator.analysis.network_graph import (
    NetworkLike,
    baseline,
    commodity_graph,
    example_network,
    ranked,
)
from simulator.analysis.network_shares import (
    HHI_POINTS,
    ExporterDependence,
    exporter_dependence,
    import_dependence,
    import_hhi,
    import_shares,
    self_sufficiency,
)

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
    base = baseline(network, commodity)
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
            losses=ranked(losses.get(i, {})),
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
    return ranked({c: d * hhi.get(c, 0.0) for c, d in dependence.items()})


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
    base = baseline(network, commodity)
    dependence = import_dependence(network, commodity)
    total = sum(dependence.values())
    reach = dict.fromkeys(base.countries, 0.0)
    for (i, j), f in base.flows.items():
        reach[i] += f / base.demand[j]  # D_j > 0: import_dependence raised otherwise
    return ranked({c: r / total if total > 0 else 0.0 for c, r in reach.items()})
