"""A drawing of a commodity's baseline trade network.

Countries sit on a circle, labelled by their code; a node's area grows with its
production (or demand), its colour says whether it exports or imports more;
an arrow's width grows with the link's baseline flow, and a route with no
baseline flow (a potential route a country may turn to in a shock) is drawn
dashed.  The figure is built on :class:`matplotlib.figure.Figure` directly,
without ``pyplot``, so drawing keeps no global state and needs no display.
"""

from __future__ import annotations

import enum
import math
import os
from collections.abc import Collection, Mapping
from pathlib import Path

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from simulator.analysis.figures import new_figure
from simulator.analysis.network_graph import NetworkLike, commodity_graph
from simulator.model.network import TradeNetwork

__all__ = ["PLOT_FORMATS", "NodeSize", "plot_network"]

PLOT_FORMATS = (".png", ".svg", ".pdf")
"""File suffixes :func:`plot_network` can write."""

_MIN_AREA_PT2 = 500.0
_MAX_AREA_PT2 = 3000.0
_MIN_WIDTH_PT = 0.8
_MAX_WIDTH_PT = 8.0
_EXPORTER = "#d9822b"
_IMPORTER = "#3b75af"
_NEUTRAL = "#9e9e9e"


class NodeSize(enum.StrEnum):
    """Which node attribute sets a node's area."""

    PRODUCTION = "production"
    DEMAND = "demand"


def plot_network(
    network: NetworkLike,
    commodity: str | Collection[str] | None = None,
    *,
    node_size: NodeSize | str = NodeSize.PRODUCTION,
    positions: Mapping[str, tuple[float, float]] | None = None,
    path: str | os.PathLike[str] | None = None,
) -> Figure:
    """Draw the baseline network of one commodity, or one panel per commodity.

    Scales, within each panel:

    * node area ``a_i = a_min + (a_max - a_min) · v_i / max_k v_k`` (points²),
      with ``v`` production or demand per year;
    * arrow width ``w_ij = w_min + (w_max - w_min) · f_ij / max f`` (points);
      links with ``f_ij = 0`` are dashed and thin;
    * orange: exports exceed imports; blue: imports exceed exports; grey: neither.

    Parameters
    ----------
    network : TradeNetwork, CommodityNetwork or networkx.DiGraph
        The network; nodes carry ``production_per_year`` and
        ``demand_per_year``, edges ``flow_per_year`` (a missing one counts as 0).
    commodity : str or collection of str, optional
        The commodity of a :class:`TradeNetwork` to draw, or several (one panel
        each); when left out, every commodity gets its own panel.
    node_size : {"production", "demand"}, default "production"
        What a node's area shows.
    positions : mapping, optional
        ``{country: (x, y)}``; by default countries sit on a unit circle in
        graph order, the first at the top, going clockwise.
    path : str or path-like, optional
        Also write the figure there; the suffix picks the format (one of
        :data:`PLOT_FORMATS`).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        For an unknown commodity, ``node_size`` or file suffix.

    Examples
    --------
    >>> from simulator.analysis.network_metrics import example_network
    >>> fig = plot_network(example_network(), node_size="demand")
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['CHN', 'AUS', 'KOR', 'JPN']
    """
    size_by = _node_size(node_size)
    if path is not None and Path(path).suffix.lower() not in PLOT_FORMATS:
        raise ValueError(
            f"path: expected a file name ending in one of {list(PLOT_FORMATS)},"
            f" found {os.fspath(path)!r}"
        )
    if isinstance(network, TradeNetwork) and not isinstance(commodity, str):
        for c in commodity or ():
            if c not in network:
                raise ValueError(
                    f"commodity: expected one of {list(network.commodities)}, found {c!r}"
                )
        names = list(network.commodities) if commodity is None else list(commodity)
        panels = [(c, network.graph(c)) for c in names]
    elif commodity is not None and not isinstance(commodity, str):
        raise ValueError("commodity: several commodities need a TradeNetwork")
    else:
        g = commodity_graph(network, commodity)
        name = commodity or getattr(network, "commodity", None) or "network"
        panels = [(str(name), g)]
    ncols = min(len(panels), 3) or 1
    nrows = max(math.ceil(len(panels) / ncols), 1)
    fig = new_figure(5.5 * ncols, 5.5 * nrows + 0.6)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, (name, g) in zip(axes, panels, strict=False):
        _draw(ax, g, name, size_by, positions)
    for ax in axes[len(panels) :]:
        ax.set_axis_off()
    fig.legend(
        handles=_legend(size_by),
        loc="outside lower center",
        ncols=2 if ncols == 1 else 5,
        frameon=False,
        fontsize=9,
    )
    if path is not None:
        fig.savefig(path)
    return fig


def _node_size(value: NodeSize | str) -> NodeSize:
    try:
        return NodeSize(value)
    except ValueError:
        allowed = [m.value for m in NodeSize]
        raise ValueError(f"node_size: expected one of {allowed}, found {value!r}") from None


def _circle(nodes: list[str]) -> dict[str, tuple[float, float]]:
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    step = 2 * math.pi / max(len(nodes), 1)
    return {
        c: (math.cos(math.pi / 2 - k * step), math.sin(math.pi / 2 - k * step))
        for k, c in enumerate(nodes)
    }


def _scaled(value: float, top: float, low: float, high: float) -> float:
    return low + (high - low) * (value / top if top > 0 else 0.0)


def _draw(
    ax: Axes,
    g: nx.DiGraph,
    title: str,
    size_by: NodeSize,
    positions: Mapping[str, tuple[float, float]] | None,
) -> None:
    nodes = [str(c) for c in g.nodes]
    pos = dict(positions) if positions is not None else _circle(nodes)
    missing = sorted(set(nodes) - set(pos))
    if missing:
        raise ValueError(f"positions: expected a position for every country, missing {missing}")
    attr = f"{size_by.value}_per_year"
    value = {c: float(g.nodes[c].get(attr, 0.0)) for c in nodes}
    flow = {(str(u), str(v)): float(f) for u, v, f in g.edges(data="flow_per_year", default=0.0)}
    top_value = max(value.values(), default=0.0)
    top_flow = max(flow.values(), default=0.0)
    area = {c: _scaled(value[c], top_value, _MIN_AREA_PT2, _MAX_AREA_PT2) for c in nodes}
    net = dict.fromkeys(nodes, 0.0)
    for (u, v), f in flow.items():
        net[u] += f
        net[v] -= f
    colour = {c: _EXPORTER if n > 0 else _IMPORTER if n < 0 else _NEUTRAL for c, n in net.items()}

    # Draw thin potential routes first so that trade flows sit on top of them.
    for (u, v), f in sorted(flow.items(), key=lambda kv: kv[1]):
        width = _scaled(f, top_flow, _MIN_WIDTH_PT, _MAX_WIDTH_PT) if f > 0 else 1.0
        ax.add_patch(
            FancyArrowPatch(
                pos[u],
                pos[v],
                arrowstyle="-|>",
                mutation_scale=8 + 2 * width,
                connectionstyle="arc3,rad=0.12",
                linewidth=width,
                linestyle="-" if f > 0 else "--",
                color="#555555" if f > 0 else _NEUTRAL,
                alpha=0.8,
                shrinkA=math.sqrt(area[u]) / 2 + 2,
                shrinkB=math.sqrt(area[v]) / 2 + 2,
                zorder=1,
            )
        )
    ax.scatter(
        [pos[c][0] for c in nodes],
        [pos[c][1] for c in nodes],
        s=[area[c] for c in nodes],
        c=[colour[c] for c in nodes],
        edgecolors="white",
        linewidths=1.5,
        zorder=2,
    )
    for c in nodes:
        ax.text(*pos[c], c, ha="center", va="center", fontsize=9, weight="bold", zorder=3)
    ax.set_title(
        f"{title}\nlargest flow {top_flow:,.4g}/yr; largest {size_by.value} {top_value:,.4g}/yr",
        fontsize=10,
    )
    ax.set_aspect("equal")
    ax.margins(0.18)
    ax.set_axis_off()


def _legend(size_by: NodeSize) -> list[Line2D]:
    def dot(colour: str, label: str) -> Line2D:
        return Line2D([], [], marker="o", linestyle="", markersize=9, color=colour, label=label)

    return [
        dot(_EXPORTER, "net exporter"),
        dot(_IMPORTER, "net importer"),
        dot(_NEUTRAL, f"neither (area: {size_by.value})"),
        Line2D([], [], color="#555555", linewidth=4, label="trade flow (width: flow)"),
        Line2D([], [], color=_NEUTRAL, linestyle="--", label="potential route (no flow)"),
    ]
