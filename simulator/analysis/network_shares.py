"""Shares and concentration of a baseline trade network's imports: who relies on whom, and how much.

The formulas and notation are those of :mod:`simulator.analysis.network_metrics`
(which re-exports every name here) and ``docs/network-analytics.md``: per
commodity, in units per year, ``f_ij`` the baseline flow of the link
``i -> j``, ``P_i`` production, ``D_j`` demand, ``M_j = Σ_i f_ij`` imports.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.analysis.network_graph import NetworkLike, baseline, ranked

__all__ = [
    "HHI_POINTS",
    "ExporterDependence",
    "exporter_dependence",
    "import_dependence",
    "import_hhi",
    "import_shares",
    "self_sufficiency",
]

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
    base = baseline(network, commodity)
    out: dict[str, dict[str, float]] = {c: {} for c in base.countries}
    for (i, j), f in base.flows.items():
        out[j][i] = f / base.imports[j]
    return {j: ranked(s) for j, s in out.items()}


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
    return ranked(
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
    base = baseline(network, commodity)
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
    return ranked(out)


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
    base = baseline(network, commodity)
    return ranked(
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
    base = baseline(network, commodity)
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
