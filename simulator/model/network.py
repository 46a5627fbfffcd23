"""The trade network of a scenario: one directed graph per commodity.

Nodes are countries (ISO 3166-1 alpha-3 codes, or regions the scenario
declares) carrying production, capacity, demand and inventory; edges are trade
links carrying the baseline flow and the lead time.  The engine does not walk
the graphs: :class:`CommodityNetwork` hands it compact integer indexes and
arrays built once from them.

The baseline must balance, for every country and commodity::

    production + imports = demand + exports

within a relative tolerance of :data:`BALANCE_RTOL` (of the larger side), and a
country's exports come from its own production (``exports <= production``):
the model has no transit trade, so a re-export is written as a link from the
producer.  ``reconcile: true`` absorbs balance gaps into demand (apparent
consumption) and reports each one in :attr:`TradeNetwork.reconciliations`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, TypeVar, cast

import networkx as nx
import numpy as np
import numpy.typing as npt

from simulator.errors import InputError, Issue, PathPart
from simulator.model.balance import (
    BALANCE_RTOL,
    Imbalance,
    imbalance_issue,
    imbalances,
    transit_issues,
)
from simulator.model.countries import ISO3166_ALPHA3, country_code_hint
from simulator.model.distributions import (
    RandomQuantity,
    draw_days,
    range_issue,
)
from simulator.model.limits import LEAD_TIME_DAYS, DayRange
from simulator.model.reach import reach_issues
from simulator.model.recipes import ProducerRecipe, producer_recipes, recipe_issues
from simulator.model.references import reference_issues
from simulator.model.scenario import Commodity, Expansion, Scenario

__all__ = ["BALANCE_RTOL", "CommodityNetwork", "Imbalance", "TradeNetwork"]


FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class CommodityNetwork:
    """One commodity's network as arrays over countries (index order) and links.

    All flows are per year, as in the scenario; the engine converts to days.
    """

    commodity: str
    countries: tuple[str, ...]
    production_per_year: FloatArray
    capacity_per_year: FloatArray
    demand_per_year: FloatArray
    inventory_days: FloatArray
    expansions: tuple[Expansion | None, ...]
    link_exporter: IntArray
    link_importer: IntArray
    flow_per_year: FloatArray
    lead_time_days: tuple[RandomQuantity, ...]
    contracting_delay_days: tuple[RandomQuantity, ...]
    """Per link: the link's, else its importer's, else the commodity's contracting delay."""
    ramp_days: FloatArray
    """Per link: days a route with no baseline flow takes to ramp up (0 on other routes)."""
    graph: nx.DiGraph = field(repr=False)
    index: Mapping[str, int] = field(init=False, repr=False)
    _fixed_days: dict[str, tuple[IntArray, tuple[int, ...]]] = field(
        init=False, repr=False, default_factory=dict
    )
    _derived: dict[str, object] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {c: i for i, c in enumerate(self.countries)})

    def fixed_days(
        self, which: Literal["lead_time_days", "contracting_delay_days"], valid: DayRange
    ) -> tuple[IntArray, tuple[int, ...]]:
        """Whole days of each link's ``which`` where it is a number, and the links where it is not.

        A number ``x`` becomes ``round(x)`` within ``valid`` (as
        :func:`~simulator.model.distributions.draw_days` has it); a random
        link holds 0 and is listed, to be drawn per replication.  Computed once
        per network (read-only: copy before changing it).
        """
        if which not in self._fixed_days:
            quantities = getattr(self, which)
            days = np.zeros(len(quantities), dtype=np.int64)
            random: list[int] = []
            for k, q in enumerate(quantities):
                if isinstance(q, int | float):
                    days[k] = draw_days(q, None, valid)
                else:
                    random.append(k)
            days.flags.writeable = False
            self._fixed_days[which] = (days, tuple(random))
        return self._fixed_days[which]

    def derived(self, name: str, build: Callable[[CommodityNetwork], T]) -> T:
        """``build(self)``, computed once per network and kept under ``name`` (read-only).

        For what the engine derives from the network alone and would otherwise
        recompute every replication (:mod:`simulator.engine.baseline`).
        """
        if name not in self._derived:
            self._derived[name] = build(self)
        return cast(T, self._derived[name])

    @property
    def n_countries(self) -> int:
        return len(self.countries)

    @property
    def n_links(self) -> int:
        return len(self.flow_per_year)

    @property
    def imports_per_year(self) -> FloatArray:
        """Baseline imports of each country."""
        return np.bincount(self.link_importer, self.flow_per_year, self.n_countries)

    @property
    def exports_per_year(self) -> FloatArray:
        """Baseline exports of each country."""
        return np.bincount(self.link_exporter, self.flow_per_year, self.n_countries)

    @property
    def domestic_supply_per_year(self) -> FloatArray:
        """Production a country keeps for itself: ``production - exports`` (>= 0)."""
        return self.production_per_year - self.exports_per_year

    @cached_property
    def link_pairs(self) -> tuple[tuple[str, str], ...]:
        """``(exporter, importer)`` of every link, in link order."""
        return tuple(
            (self.countries[int(e)], self.countries[int(i)])
            for e, i in zip(self.link_exporter, self.link_importer, strict=True)
        )

    def link_name(self, link: int) -> str:
        """``EXPORTER->IMPORTER`` of link number ``link``."""
        exporter = self.countries[self.link_exporter[link]]
        return f"{exporter}->{self.countries[self.link_importer[link]]}"


class TradeNetwork:
    """Per-commodity trade graphs of a scenario, validated and balanced.

    Build it from a scenario whose network is inline (see
    :func:`simulator.io.scenario_file.load_scenario`, which merges the
    dataset of ``data: builtin``)::

        network = TradeNetwork.from_scenario(scenario)
        network.graph("widget").edges["CHN", "KOR"]["flow_per_year"]
    """

    def __init__(
        self,
        commodities: Mapping[str, CommodityNetwork],
        reconciliations: list[Imbalance],
        recipes: Mapping[tuple[str, str], ProducerRecipe] | None = None,
    ) -> None:
        self._commodities = dict(commodities)
        self.reconciliations = reconciliations
        self.recipes: Mapping[tuple[str, str], ProducerRecipe] = dict(recipes or {})
        """Each producer's recipe by ``(commodity, country)``: :mod:`simulator.model.recipes`."""

    def __iter__(self) -> Iterator[CommodityNetwork]:
        return iter(self._commodities.values())

    def __getitem__(self, commodity: str) -> CommodityNetwork:
        return self._commodities[commodity]

    def __contains__(self, commodity: object) -> bool:
        return commodity in self._commodities

    @property
    def commodities(self) -> tuple[str, ...]:
        return tuple(self._commodities)

    def graph(self, commodity: str) -> nx.DiGraph:
        """The commodity's ``networkx.DiGraph`` (node and edge attributes as in the scenario)."""
        return self._commodities[commodity].graph

    def check(self, scenario: Scenario) -> None:
        """Raise what :meth:`from_scenario` raises for ``scenario`` outside its network.

        For a scenario whose network is this one's but whose other values
        differ (an experiment's values drawn per replication): references,
        days, recipes and shocks that can never act, as :meth:`from_scenario`
        checks them; a batch then needs no new network to refuse a bad draw.
        """
        known = set(ISO3166_ALPHA3) | set(scenario.regions)
        issues = reference_issues(scenario, known) + recipe_issues(scenario)
        issues += reach_issues(scenario, {c: self.graph(c) for c in self.commodities})
        if issues:
            raise InputError(issues)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> TradeNetwork:
        """Validate the scenario's inline network and build the graphs.

        Raises :class:`~simulator.errors.InputError` with every problem found:
        unknown country codes, links to countries that are not nodes, self-loops,
        lead times outside 1 … 3,650 days, duplicate entries, nothing to
        simulate, shocks that can never act, unbalanced countries, and
        recipes that name unknown inputs, form a cycle or do not fit the
        producers' nodes (:func:`simulator.model.recipes.recipe_issues`).
        """
        known = set(ISO3166_ALPHA3) | set(scenario.regions)
        issues: list[Issue] = reference_issues(scenario, known) + recipe_issues(scenario)
        nodes_path: tuple[PathPart, ...] = ("network", "nodes")
        links_path: tuple[PathPart, ...] = ("network", "links")

        graphs: dict[str, nx.DiGraph] = defaultdict(nx.DiGraph)
        for i, node in enumerate(scenario.network.nodes):
            where = (*nodes_path, i)
            if node.country not in known:
                issues.append(Issue((*where, "country"), _unknown_code(node.country, known)))
            if node.commodity not in scenario.commodities:
                issues.append(
                    Issue(
                        (*where, "commodity"),
                        f"unknown commodity {node.commodity!r}; expected one of"
                        f" {sorted(scenario.commodities)}",
                    )
                )
            g = graphs[node.commodity]
            if node.country in g:
                issues.append(
                    Issue(where, f"duplicate node {node.country} for commodity {node.commodity}")
                )
            g.add_node(
                node.country,
                production_per_year=node.production_per_year,
                capacity_per_year=node.capacity,
                demand_per_year=node.demand_per_year,
                inventory_days=node.inventory_days,
                expansion=node.expansion,
                contracting_delay_days=node.contracting_delay_days,
                path=where,
            )
        for i, link in enumerate(scenario.network.links):
            where = (*links_path, i)
            g = graphs[link.commodity]
            for key, code in (("from", link.exporter), ("to", link.importer)):
                if code not in known:
                    issues.append(Issue((*where, key), _unknown_code(code, known)))
                elif code not in g:
                    issues.append(
                        Issue(
                            (*where, key),
                            f"{code} is not a node of commodity {link.commodity};"
                            " add it to network.nodes",
                        )
                    )
            if link.exporter == link.importer:
                issues.append(Issue(where, f"self-loop {link.exporter} -> {link.importer}"))
            lead_issue = _lead_time_issue(link.lead_time_days)
            if lead_issue:
                issues.append(Issue((*where, "lead_time_days"), lead_issue))
            if g.has_edge(link.exporter, link.importer):
                issues.append(
                    Issue(
                        where,
                        f"duplicate link {link.exporter} -> {link.importer} ({link.commodity})",
                    )
                )
            g.add_edge(
                link.exporter,
                link.importer,
                flow_per_year=link.flow_per_year,
                lead_time_days=link.lead_time_days,
                contracting_delay_days=link.contracting_delay_days,
                ramp_days=link.ramp_days,
                path=where,
            )
        issues += reach_issues(scenario, graphs)
        if issues:
            raise InputError(issues)

        commodities: dict[str, CommodityNetwork] = {}
        reconciliations: list[Imbalance] = []
        for commodity in scenario.commodities:
            g = graphs.get(commodity, nx.DiGraph())
            found = imbalances(commodity, g)
            if found and scenario.reconcile:
                for imb in found:
                    new_demand = g.nodes[imb.country]["demand_per_year"] + imb.gap
                    if new_demand < 0:
                        issues.append(imbalance_issue(g, imb, "cannot be reconciled: "))
                        continue
                    g.nodes[imb.country]["demand_per_year"] = new_demand
                    reconciliations.append(imb)
            else:
                issues += [imbalance_issue(g, imb) for imb in found]
            issues += transit_issues(commodity, g)
            commodities[commodity] = _arrays(commodity, g, scenario.commodities[commodity])
        if issues:
            raise InputError(issues)
        return cls(commodities, reconciliations, producer_recipes(scenario))


def _unknown_code(code: str, known: set[str]) -> str:
    return (
        f"unknown country code {code!r}{country_code_hint(code, known)}; expected an ISO 3166-1"
        " alpha-3 code (e.g. KOR) or a region declared under regions:"
    )


def _lead_time_issue(q: RandomQuantity) -> str | None:
    """Lead times are whole days from 1 to 3,650: a value or a support outside is an error.

    A normal or log-normal whose support leaves that range must say
    ``truncate: true``; it is never clipped silently.
    """
    return range_issue(q, LEAD_TIME_DAYS)


def _arrays(commodity: str, g: nx.DiGraph, spec: Commodity) -> CommodityNetwork:
    countries = tuple(g.nodes)
    index = {c: i for i, c in enumerate(countries)}
    nodes = [g.nodes[c] for c in countries]
    edges = list(g.edges(data=True))

    def contracting(importer: str, d: dict[str, Any]) -> RandomQuantity:
        for value in (d["contracting_delay_days"], g.nodes[importer]["contracting_delay_days"]):
            if value is not None:
                return value  # type: ignore[no-any-return]
        return spec.contracting_delay_days

    def ramp(d: dict[str, Any]) -> float:
        if d["flow_per_year"] > 0:
            return 0.0
        return float(spec.new_route_ramp_days if d["ramp_days"] is None else d["ramp_days"])

    return CommodityNetwork(
        commodity=commodity,
        countries=countries,
        production_per_year=np.array([n["production_per_year"] for n in nodes], dtype=float),
        capacity_per_year=np.array([n["capacity_per_year"] for n in nodes], dtype=float),
        demand_per_year=np.array([n["demand_per_year"] for n in nodes], dtype=float),
        inventory_days=np.array([n["inventory_days"] for n in nodes], dtype=float),
        expansions=tuple(n["expansion"] for n in nodes),
        link_exporter=np.array([index[u] for u, _, _ in edges], dtype=np.int64),
        link_importer=np.array([index[v] for _, v, _ in edges], dtype=np.int64),
        flow_per_year=np.array([d["flow_per_year"] for _, _, d in edges], dtype=float),
        lead_time_days=tuple(d["lead_time_days"] for _, _, d in edges),
        contracting_delay_days=tuple(contracting(v, d) for _, v, d in edges),
        ramp_days=np.array([ramp(d) for _, _, d in edges], dtype=float),
        graph=g,
    )
