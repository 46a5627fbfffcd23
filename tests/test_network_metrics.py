"""Network analytics on small graphs whose answers are worked out by hand.

Two balanced networks carry the analytic cases:

``four`` (the docstring example)::

    CHN P=100 D=20    CHN -> KOR 60    KOR: P=20 D=80, imports 60 (all CHN)
    AUS P=30  D=10    CHN -> JPN 20    JPN: P=0  D=40, imports 40 (half each)
                      AUS -> JPN 20

``five`` (unequal shares, a potential route, countries without demand)::

    CHN P=200 D=100   CHN -> KOR 60   CHN -> JPN 40
    ROW P=20  D=0     ROW -> KOR 20
    JPN P=20  D=50    JPN -> KOR 10
    KOR P=10  D=100   (imports 90 = 60 + 20 + 10)
    AUS P=0   D=0     AUS -> KOR 0   (a potential route)

Then property tests on random graphs, the plot, and the accepted input types.
"""

from __future__ import annotations

import doctest
import math
from pathlib import Path
from types import ModuleType

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from simulator.analysis import network_graph, network_metrics, network_plot, network_shares
from simulator.analysis.network_metrics import (
    HHI_POINTS,
    Chokepoint,
    chokepoints,
    commodity_graph,
    example_network,
    export_power,
    exporter_dependence,
    import_dependence,
    import_hhi,
    import_shares,
    import_vulnerability,
    self_sufficiency,
)
from simulator.analysis.network_plot import plot_network
from simulator.model.network import TradeNetwork
from simulator.model.scenario import Scenario

ABS = 1e-9


def graph(nodes: dict[str, tuple[float, float]], links: list[tuple[str, str, float]]) -> nx.DiGraph:
    """``nodes``: country -> (production, demand); ``links``: (exporter, importer, flow)."""
    g = nx.DiGraph()
    for country, (production, demand) in nodes.items():
        g.add_node(country, production_per_year=production, demand_per_year=demand)
    for exporter, importer, flow in links:
        g.add_edge(exporter, importer, flow_per_year=flow)
    return g


@pytest.fixture
def four() -> nx.DiGraph:
    return graph(
        {"CHN": (100, 20), "AUS": (30, 10), "KOR": (20, 80), "JPN": (0, 40)},
        [("CHN", "KOR", 60), ("CHN", "JPN", 20), ("AUS", "JPN", 20)],
    )


@pytest.fixture
def five() -> nx.DiGraph:
    return graph(
        {
            "CHN": (200, 100),
            "ROW": (20, 0),
            "JPN": (20, 50),
            "KOR": (10, 100),
            "AUS": (0, 0),
        },
        [
            ("CHN", "KOR", 60),
            ("CHN", "JPN", 40),
            ("ROW", "KOR", 20),
            ("JPN", "KOR", 10),
            ("AUS", "KOR", 0),
        ],
    )


# --- the four-country example ------------------------------------------------------------


def test_four_import_shares(four: nx.DiGraph) -> None:
    shares = import_shares(four)
    assert shares["KOR"] == {"CHN": pytest.approx(1.0, abs=ABS)}
    assert shares["JPN"] == {
        "CHN": pytest.approx(0.5, abs=ABS),
        "AUS": pytest.approx(0.5, abs=ABS),
    }
    assert shares["CHN"] == {}
    assert shares["AUS"] == {}


def test_two_equal_suppliers_give_hhi_one_half(four: nx.DiGraph) -> None:
    # JPN: 0.5² + 0.5² = 0.5; KOR: one source, 1² = 1; exporters import nothing.
    assert import_hhi(four) == {
        "KOR": pytest.approx(1.0, abs=ABS),
        "JPN": pytest.approx(0.5, abs=ABS),
    }
    points = import_hhi(four, points=True)
    assert points["JPN"] == pytest.approx(5000.0, abs=ABS)
    assert points["KOR"] == pytest.approx(HHI_POINTS, abs=ABS)


def test_four_dependence_and_self_sufficiency(four: nx.DiGraph) -> None:
    # δ = M / D: KOR 60/80, JPN 40/40; σ = (P - X) / D: CHN (100-80)/20, AUS (30-20)/10.
    assert import_dependence(four) == pytest.approx(
        {"KOR": 0.75, "JPN": 1.0, "CHN": 0.0, "AUS": 0.0}, abs=ABS
    )
    assert self_sufficiency(four) == pytest.approx(
        {"KOR": 0.25, "JPN": 0.0, "CHN": 1.0, "AUS": 1.0}, abs=ABS
    )


def test_four_dependence_on_china(four: nx.DiGraph) -> None:
    dep = exporter_dependence(four, "CHN")
    assert list(dep) == ["KOR", "JPN", "AUS"]  # by share of demand: 0.75, 0.5, 0
    assert dep["KOR"].flow_per_year == pytest.approx(60.0, abs=ABS)
    assert dep["KOR"].share_of_imports == pytest.approx(1.0, abs=ABS)
    assert dep["KOR"].share_of_demand == pytest.approx(60 / 80, abs=ABS)
    assert dep["JPN"].share_of_imports == pytest.approx(20 / 40, abs=ABS)
    assert dep["JPN"].share_of_demand == pytest.approx(20 / 40, abs=ABS)
    assert dep["AUS"].share_of_imports == 0.0
    assert dep["AUS"].share_of_demand == 0.0


def test_four_chokepoints(four: nx.DiGraph) -> None:
    ranked = chokepoints(four)
    assert [c.country for c in ranked] == ["CHN", "AUS"]
    chn, aus = ranked
    assert chn.lost_per_year == pytest.approx(80.0, abs=ABS)
    assert chn.lost_share_of_world_demand == pytest.approx(80 / 150, abs=ABS)
    assert dict(chn.losses) == pytest.approx({"KOR": 0.75, "JPN": 0.5}, abs=ABS)
    assert chn.max_share_of_demand == pytest.approx(0.75, abs=ABS)
    assert aus.lost_per_year == pytest.approx(20.0, abs=ABS)
    assert dict(aus.losses) == pytest.approx({"JPN": 0.5}, abs=ABS)


def test_four_scores(four: nx.DiGraph) -> None:
    # V = δ·H: KOR 0.75·1, JPN 1·0.5.
    assert import_vulnerability(four) == pytest.approx(
        {"KOR": 0.75, "JPN": 0.5, "CHN": 0.0, "AUS": 0.0}, abs=ABS
    )
    # E_i = Σ_j f_ij/D_j / Σ_j δ_j: CHN (60/80 + 20/40)/1.75 = 5/7, AUS (20/40)/1.75 = 2/7.
    assert export_power(four) == pytest.approx(
        {"CHN": 5 / 7, "AUS": 2 / 7, "KOR": 0.0, "JPN": 0.0}, abs=ABS
    )


def test_example_network_is_the_four_country_example(four: nx.DiGraph) -> None:
    g = example_network()
    assert dict(g.nodes(data=True)) == dict(four.nodes(data=True))
    assert sorted(g.edges(data="flow_per_year")) == sorted(four.edges(data="flow_per_year"))
    assert example_network() is not g  # a fresh copy each time


# --- the five-country example ------------------------------------------------------------


def test_five_unequal_shares_leave_out_potential_routes(five: nx.DiGraph) -> None:
    shares = import_shares(five)
    assert shares["KOR"] == pytest.approx({"CHN": 60 / 90, "ROW": 20 / 90, "JPN": 10 / 90}, abs=ABS)
    assert list(shares["KOR"]) == ["CHN", "ROW", "JPN"]  # largest first
    assert "AUS" not in shares["KOR"]
    assert shares["JPN"] == pytest.approx({"CHN": 1.0}, abs=ABS)


def test_five_hhi(five: nx.DiGraph) -> None:
    # KOR: (6/9)² + (2/9)² + (1/9)² = 41/81.
    assert import_hhi(five) == pytest.approx({"KOR": 41 / 81, "JPN": 1.0}, abs=ABS)
    assert import_hhi(five, points=True)["KOR"] == pytest.approx(10_000 * 41 / 81, abs=1e-7)


def test_five_dependence_and_self_sufficiency(five: nx.DiGraph) -> None:
    # Zero demand: δ = 0, σ = 1.  JPN: σ = (20 - 10)/50 = 0.2 = 1 - δ.
    assert import_dependence(five) == pytest.approx(
        {"KOR": 0.9, "JPN": 0.8, "CHN": 0.0, "ROW": 0.0, "AUS": 0.0}, abs=ABS
    )
    assert self_sufficiency(five) == pytest.approx(
        {"KOR": 0.1, "JPN": 0.2, "CHN": 1.0, "ROW": 1.0, "AUS": 1.0}, abs=ABS
    )


def test_five_dependence_on_japan_an_exporter_that_also_imports(five: nx.DiGraph) -> None:
    dep = exporter_dependence(five, "JPN")
    assert dep["KOR"].share_of_imports == pytest.approx(10 / 90, abs=ABS)
    assert dep["KOR"].share_of_demand == pytest.approx(10 / 100, abs=ABS)
    assert dep["CHN"].share_of_demand == 0.0
    assert "JPN" not in dep


def test_five_chokepoints(five: nx.DiGraph) -> None:
    ranked = chokepoints(five)
    # AUS's route carries nothing: it is no chokepoint.
    assert [c.country for c in ranked] == ["CHN", "ROW", "JPN"]
    assert [c.lost_per_year for c in ranked] == pytest.approx([100.0, 20.0, 10.0], abs=ABS)
    chn = ranked[0]
    assert dict(chn.losses) == pytest.approx({"JPN": 0.8, "KOR": 0.6}, abs=ABS)
    assert list(chn.losses) == ["JPN", "KOR"]  # largest first
    assert chn.lost_share_of_world_demand == pytest.approx(100 / 250, abs=ABS)
    assert ranked[2].lost_share_of_world_demand == pytest.approx(10 / 250, abs=ABS)


def test_five_scores(five: nx.DiGraph) -> None:
    # V: KOR 0.9 · 41/81 = 41/90; JPN 0.8 · 1.
    vulnerability = import_vulnerability(five)
    assert vulnerability["KOR"] == pytest.approx(41 / 90, abs=ABS)
    assert vulnerability["JPN"] == pytest.approx(0.8, abs=ABS)
    # Σδ = 1.7; CHN (0.6 + 0.8)/1.7, ROW 0.2/1.7, JPN 0.1/1.7.
    assert export_power(five) == pytest.approx(
        {"CHN": 14 / 17, "ROW": 2 / 17, "JPN": 1 / 17, "KOR": 0.0, "AUS": 0.0}, abs=ABS
    )


def test_chokepoint_ties_break_by_worst_hit_then_name() -> None:
    g = graph(
        {"A": (10, 0), "B": (10, 0), "C": (10, 0), "X": (0, 10), "Y": (0, 100), "Z": (0, 100)},
        [("B", "Y", 10), ("A", "X", 10), ("C", "Z", 10)],
    )
    # Equal volumes; A's customer loses 100%, B's and C's 10% each, so A, then B, C by name.
    assert [c.country for c in chokepoints(g)] == ["A", "B", "C"]


def test_nobody_imports_gives_empty_shares_and_zero_scores() -> None:
    g = graph({"A": (5, 5), "B": (3, 3)}, [("A", "B", 0)])
    assert import_shares(g) == {"A": {}, "B": {}}
    assert import_hhi(g) == {}
    assert chokepoints(g) == []
    assert export_power(g) == {"A": 0.0, "B": 0.0}
    assert import_vulnerability(g) == {"A": 0.0, "B": 0.0}


# --- bad input ---------------------------------------------------------------------------


def test_imports_without_demand_are_refused() -> None:
    g = graph({"A": (10, 0), "B": (0, 0)}, [("A", "B", 10)])
    with pytest.raises(ValueError, match="B: imports 10 per year with no demand"):
        import_dependence(g)
    with pytest.raises(ValueError, match="no demand"):
        export_power(g)


def test_negative_flow_is_refused() -> None:
    g = graph({"A": (10, 0), "B": (0, 10)}, [("A", "B", -1)])
    with pytest.raises(ValueError, match=r"A->B\.flow_per_year: expected a finite number >= 0"):
        import_shares(g)


def test_numpy_numbers_and_refused_values() -> None:
    g = nx.DiGraph()
    g.add_node("A", production_per_year=np.int64(10))
    g.add_node("B", demand_per_year=np.float32(10))
    g.add_edge("A", "B", flow_per_year=np.int64(10))
    assert import_shares(g)["B"] == {"A": 1.0}
    g.nodes["A"]["demand_per_year"] = "10"
    with pytest.raises(TypeError, match=r"A\.demand_per_year: expected a number, found '10'"):
        import_shares(g)
    g.nodes["A"]["demand_per_year"] = math.nan
    with pytest.raises(ValueError, match="expected a finite number >= 0, found nan"):
        import_shares(g)


def test_unknown_exporter_is_refused(four: nx.DiGraph) -> None:
    with pytest.raises(ValueError, match="exporter: expected one of"):
        exporter_dependence(four, "USA")


def test_not_a_network_is_refused() -> None:
    with pytest.raises(TypeError, match="found dict"):
        import_shares({"A": 1})


# --- TradeNetwork and CommodityNetwork ----------------------------------------------------


def _link(commodity: str, exporter: str, importer: str, flow: float) -> dict[str, object]:
    return {
        "commodity": commodity,
        "from": exporter,
        "to": importer,
        "flow_per_year": flow,
        "lead_time_days": 5,
    }


@pytest.fixture
def trade() -> TradeNetwork:
    prices = {"price_usd_per_unit": 1.0, "value_at_risk_usd_per_unit": 1.0}
    scenario = Scenario.model_validate(
        {
            "name": "two-commodities",
            "horizon_days": 10,
            "commodities": {"widget": prices, "gadget": prices},
            "network": {
                "nodes": [
                    {"country": "CHN", "commodity": "widget", "production_per_year": 100},
                    {"country": "AUS", "commodity": "widget", "production_per_year": 100},
                    {"country": "KOR", "commodity": "widget", "demand_per_year": 200},
                    {"country": "JPN", "commodity": "gadget", "production_per_year": 10},
                    {"country": "KOR", "commodity": "gadget", "demand_per_year": 10},
                ],
                "links": [
                    _link("widget", "CHN", "KOR", 100),
                    _link("widget", "AUS", "KOR", 100),
                    _link("gadget", "JPN", "KOR", 10),
                ],
            },
        }
    )
    return TradeNetwork.from_scenario(scenario)


def test_trade_network_needs_a_commodity_when_it_has_several(trade: TradeNetwork) -> None:
    assert import_hhi(trade, "widget") == pytest.approx({"KOR": 0.5}, abs=ABS)
    assert import_hhi(trade, "gadget") == pytest.approx({"KOR": 1.0}, abs=ABS)
    with pytest.raises(ValueError, match=r"commodity: expected one of \['gadget', 'widget'\]"):
        import_hhi(trade)
    with pytest.raises(ValueError, match="found 'tin'"):
        import_hhi(trade, "tin")


def test_commodity_network_and_its_graph_agree(trade: TradeNetwork) -> None:
    net = trade["widget"]
    assert commodity_graph(net) is net.graph
    assert commodity_graph(trade, "widget") is net.graph
    assert export_power(net) == export_power(net.graph) == export_power(trade, "widget")
    assert self_sufficiency(net) == pytest.approx({"CHN": 1.0, "AUS": 1.0, "KOR": 0.0}, abs=ABS)


# --- properties --------------------------------------------------------------------------

CODES = ("AAA", "BBB", "CCC", "DDD", "EEE", "FFF")


@st.composite
def random_networks(draw: st.DrawFn) -> nx.DiGraph:
    """Random balanced flows between up to six countries (some links potential routes)."""
    n = draw(st.integers(2, len(CODES)))
    countries = CODES[:n]
    # Whole numbers keep every sum exact, so balance holds to the last bit.
    flow = st.integers(0, 10**6).map(float)
    g = nx.DiGraph()
    for c in countries:
        g.add_node(c, production_per_year=0.0, demand_per_year=0.0)
    for u in countries:
        for v in countries:
            if u != v and draw(st.booleans()):
                g.add_edge(u, v, flow_per_year=draw(flow))
    for c in countries:
        imports = sum(f for _, _, f in g.in_edges(c, data="flow_per_year"))
        exports = sum(f for _, _, f in g.out_edges(c, data="flow_per_year"))
        own = float(draw(st.integers(0, 10**6)))
        # Balanced: P = X + own, D = M + own.
        g.nodes[c]["production_per_year"] = exports + own
        g.nodes[c]["demand_per_year"] = imports + own
    return g


@settings(max_examples=200, deadline=None)
@given(random_networks())
def test_shares_sum_to_one_and_hhi_lies_between_one_over_k_and_one(g: nx.DiGraph) -> None:
    hhi = import_hhi(g)
    for importer, shares in import_shares(g).items():
        k = sum(1 for _, _, f in g.in_edges(importer, data="flow_per_year") if f > 0)
        assert len(shares) == k
        if k == 0:
            assert importer not in hhi
            continue
        assert math.fsum(shares.values()) == pytest.approx(1.0, abs=ABS)
        assert 1 / k - ABS <= hhi[importer] <= 1 + ABS


@settings(max_examples=200, deadline=None)
@given(random_networks())
def test_scores_are_bounded_and_chokepoints_account_for_every_flow(g: nx.DiGraph) -> None:
    dependence = import_dependence(g)
    sufficiency = self_sufficiency(g)
    for c, v in import_vulnerability(g).items():
        assert 0.0 <= v <= dependence[c] + ABS
        assert dependence[c] + sufficiency[c] == pytest.approx(1.0, abs=ABS)  # balanced
    power = export_power(g)
    assert all(0.0 <= e <= 1.0 + ABS for e in power.values())
    if any(d > 0 for d in dependence.values()):
        assert math.fsum(power.values()) == pytest.approx(1.0, abs=ABS)
    total = math.fsum(f for _, _, f in g.edges(data="flow_per_year"))
    ranked = chokepoints(g)
    assert math.fsum(c.lost_per_year for c in ranked) == pytest.approx(total, rel=1e-12, abs=ABS)
    assert [c.lost_per_year for c in ranked] == sorted(
        (c.lost_per_year for c in ranked), reverse=True
    )
    for point in ranked:
        losses = point.losses.items()
        lost = math.fsum(share * g.nodes[j]["demand_per_year"] for j, share in losses)
        assert lost == pytest.approx(point.lost_per_year, rel=1e-9)


def test_chokepoint_max_share_with_no_losses() -> None:
    assert Chokepoint("A", 0.0, 0.0).max_share_of_demand == 0.0


# --- the drawing -------------------------------------------------------------------------


def test_plot_returns_a_figure_and_writes_a_png(five: nx.DiGraph, tmp_path: Path) -> None:
    path = tmp_path / "network.png"
    fig = plot_network(five, path=path)
    assert isinstance(fig, Figure)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 1000
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["AUS", "CHN", "JPN", "KOR", "ROW"]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == 5
    dashed = [a for a in arrows if a.get_linestyle() == "--"]
    assert len(dashed) == 1  # AUS -> KOR, the potential route
    widest = max(arrows, key=lambda a: a.get_linewidth())
    assert widest.get_linewidth() == pytest.approx(8.0, abs=ABS)  # CHN -> KOR, the largest flow


def test_plot_writes_svg_and_sizes_by_demand(four: nx.DiGraph, tmp_path: Path) -> None:
    path = tmp_path / "network.svg"
    plot_network(four, node_size="demand", path=path)
    assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_plot_one_panel_per_commodity(trade: TradeNetwork) -> None:
    fig = plot_network(trade)
    titles = [ax.get_title().splitlines()[0] for ax in fig.axes if ax.get_title()]
    assert titles == ["widget", "gadget"]


def test_plot_refuses_bad_options(four: nx.DiGraph, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="node_size: expected one of"):
        plot_network(four, node_size="capacity")
    with pytest.raises(ValueError, match="path: expected a file name ending in one of"):
        plot_network(four, path=tmp_path / "network.jpg")
    with pytest.raises(ValueError, match="missing"):
        plot_network(four, positions={"CHN": (0.0, 0.0)})


@pytest.mark.parametrize("module", [network_graph, network_shares, network_metrics, network_plot])
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
