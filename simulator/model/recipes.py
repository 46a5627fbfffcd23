"""Recipes: products made from other commodities, resolved per producer and checked.

A commodity may declare the inputs one unit of it needs (``recipe``: input
commodity → units per unit of output) as a default for every producer; a node
may state its own, which replaces the default (``recipe: {}``: this producer
needs no modelled input).  ``input_stock_days`` (the producer's stock of each
input, in days of input use at baseline production) and ``substitution`` (per
input, the part of it a producer can replace) follow the same rule.

The recipes of a scenario form the *recipe graph*: an edge ``input → product``
for every input any recipe names.  It must be acyclic.  Checks, each an
:class:`~simulator.errors.Issue` at the path where the value was written:

* every input is a commodity of the scenario;
* no cycle (a product cannot be its own input, directly or through others);
* ``input_stock_days`` and ``substitution`` name inputs of the recipe they go
  with; a substitution's delay is not negative;
* every producer (capacity > 0) of a product is a node of each of its inputs,
  whose demand covers what the producer's baseline production uses
  (``production × units per unit``): inputs consumed into products are part of
  the input's demand.

The engine limits each producer's output by its inputs
(:mod:`simulator.engine.tiers`); :func:`unsimulated_recipe_issues` names
what it cannot simulate, so that a run refuses it rather than guessing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from simulator.errors import InputError, Issue, PathPart
from simulator.model.distributions import lower_bound
from simulator.model.scenario import Commodity, Node, Scenario, Substitution

if TYPE_CHECKING:
    from simulator.model.network import TradeNetwork

__all__ = [
    "ProducerRecipe",
    "producer_recipes",
    "recipe_graph",
    "recipe_issues",
    "refuse_unsimulated_recipes",
    "unsimulated_recipe_issues",
]

Path = tuple[PathPart, ...]

_RTOL = 1e-6
"""Relative tolerance of the check that an input's demand covers its use in products."""


@dataclass(frozen=True, slots=True)
class ProducerRecipe:
    """What one producer of a product needs per unit of output, resolved from both levels.

    Attributes
    ----------
    commodity, country : str
        The product and the producing country.
    inputs : Mapping[str, float]
        Input commodity → units per unit of output (never empty).
    input_stock_days : Mapping[str, float]
        Input → days of input use held at the producer (0 when not stated).
    substitution : Mapping[str, Substitution]
        Input → the part of it the producer can replace (only inputs that have one).
    path : tuple
        Where the recipe was written: the node's ``recipe`` or the commodity's.
    """

    commodity: str
    country: str
    inputs: Mapping[str, float]
    input_stock_days: Mapping[str, float]
    substitution: Mapping[str, Substitution]
    path: Path


def _stock_days(
    value: float | Mapping[str, float] | None, inputs: Mapping[str, float]
) -> dict[str, float]:
    if value is None:
        return dict.fromkeys(inputs, 0.0)
    if isinstance(value, int | float):
        return dict.fromkeys(inputs, float(value))
    return {i: float(value.get(i, 0.0)) for i in inputs}


def _resolve(node: Node, commodity: Commodity | None, where: Path) -> ProducerRecipe | None:
    """The node's effective recipe, or ``None`` when it needs no input."""
    if node.recipe is not None:
        inputs, path = node.recipe, (*where, "recipe")
    elif commodity is not None and commodity.recipe is not None:
        inputs, path = commodity.recipe, ("commodities", node.commodity, "recipe")
    else:
        return None
    if not inputs:
        return None
    stock = node.input_stock_days
    if stock is None and commodity is not None:
        stock = commodity.input_stock_days
    substitution = node.substitution
    if substitution is None and commodity is not None:
        substitution = commodity.substitution
    return ProducerRecipe(
        commodity=node.commodity,
        country=node.country,
        inputs=dict(inputs),
        input_stock_days=_stock_days(stock, inputs),
        substitution={i: s for i, s in (substitution or {}).items() if i in inputs},
        path=path,
    )


def producer_recipes(scenario: Scenario) -> dict[tuple[str, str], ProducerRecipe]:
    """Every producer's effective recipe, keyed by ``(commodity, country)``.

    A producer is a node with capacity > 0 whose effective recipe (its own, or
    else its commodity's) names at least one input.

    Examples
    --------
    >>> from simulator.io.scenario_file import load_scenario_text
    >>> s = load_scenario_text('''
    ... name: chain
    ... horizon_days: 10
    ... commodities:
    ...   ore: {price_usd_per_unit: 1, value_at_risk_usd_per_unit: 1}
    ...   metal: {price_usd_per_unit: 5, value_at_risk_usd_per_unit: 5, recipe: {ore: 2}}
    ... network:
    ...   nodes:
    ...     - {country: KOR, commodity: ore, production_per_year: 20, demand_per_year: 20}
    ...     - {country: KOR, commodity: metal, production_per_year: 10, demand_per_year: 10}
    ... ''')
    >>> producer_recipes(s)[("metal", "KOR")].inputs
    {'ore': 2.0}
    """
    out: dict[tuple[str, str], ProducerRecipe] = {}
    for i, node in enumerate(scenario.network.nodes):
        if node.capacity <= 0:
            continue
        recipe = _resolve(node, scenario.commodities.get(node.commodity), ("network", "nodes", i))
        if recipe is not None:
            out[node.commodity, node.country] = recipe
    return out


def recipe_graph(scenario: Scenario) -> nx.DiGraph:
    """The recipe graph: an edge ``input → product`` for every input a recipe names.

    Every scenario commodity is a node.  Edges carry ``path``, where the first
    recipe naming that input of that product was written.  Inputs that are
    not commodities of the scenario are left out (:func:`recipe_issues`
    reports them).
    """
    g = nx.DiGraph()
    g.add_nodes_from(scenario.commodities)
    for product, inputs, path in _declared(scenario):
        for name in inputs:
            if name in scenario.commodities and not g.has_edge(name, product):
                g.add_edge(name, product, path=(*path, name))
    return g


def _declared(scenario: Scenario) -> list[tuple[str, Mapping[str, float], Path]]:
    """Every recipe as written: ``(product, inputs, path)``, commodity defaults first."""
    out: list[tuple[str, Mapping[str, float], Path]] = [
        (name, c.recipe, ("commodities", name, "recipe"))
        for name, c in scenario.commodities.items()
        if c.recipe
    ]
    out += [
        (node.commodity, node.recipe, ("network", "nodes", i, "recipe"))
        for i, node in enumerate(scenario.network.nodes)
        if node.recipe
    ]
    return out


def recipe_issues(scenario: Scenario) -> list[Issue]:
    """Every problem of the scenario's recipes (see the module docstring)."""
    issues: list[Issue] = []
    known = scenario.commodities
    for product, inputs, path in _declared(scenario):
        for name in inputs:
            if name not in known:
                issues.append(
                    Issue(
                        (*path, name),
                        f"unknown input commodity {name!r} of {product}; expected one of the"
                        f" scenario's commodities {', '.join(sorted(known))}",
                    )
                )
    issues += _cycle_issues(recipe_graph(scenario))
    issues += _key_issues(scenario)
    issues += _delay_issues(scenario)
    issues += _producer_issues(scenario)
    return issues


def _cycle_issues(g: nx.DiGraph) -> list[Issue]:
    issues = []
    for component in nx.strongly_connected_components(g):
        first = next(iter(component))
        if len(component) == 1 and not g.has_edge(first, first):
            continue
        cycle = nx.find_cycle(g.subgraph(component), source=min(component))
        names = [u for u, _ in cycle] + [cycle[0][0]]
        # Edges run input -> product: read the cycle backwards, "product needs input".
        text = " needs ".join(reversed(names))
        u, v = cycle[0]
        issues.append(
            Issue(
                g.edges[u, v]["path"],
                f"recipe cycle: {text}; recipes must form an acyclic graph (a product"
                " cannot be its own input, directly or through other products)",
            )
        )
    return issues


def _key_issues(scenario: Scenario) -> list[Issue]:
    """``input_stock_days`` and ``substitution`` keys that are not inputs of their recipe."""
    issues: list[Issue] = []
    node_inputs: dict[str, set[str]] = defaultdict(set)
    for node in scenario.network.nodes:
        node_inputs[node.commodity] |= set(node.recipe or {})

    def check(path: Path, keys: list[str], allowed: set[str], what: str) -> None:
        for key in keys:
            if key not in allowed:
                expected = ", ".join(sorted(allowed)) or "(no recipe)"
                issues.append(
                    Issue(
                        (*path, key),
                        f"expected an input of {what}'s recipe ({expected}), found {key!r}",
                    )
                )

    for name, c in scenario.commodities.items():
        allowed = set(c.recipe or {}) | node_inputs[name]
        if isinstance(c.input_stock_days, dict):
            check(
                ("commodities", name, "input_stock_days"), list(c.input_stock_days), allowed, name
            )
        check(("commodities", name, "substitution"), list(c.substitution or {}), allowed, name)
    for i, node in enumerate(scenario.network.nodes):
        default = scenario.commodities.get(node.commodity)
        own = node.recipe
        if own is None and default is not None:
            own = default.recipe
        allowed = set(own or {})
        where: Path = ("network", "nodes", i)
        what = f"{node.country} {node.commodity}"
        if isinstance(node.input_stock_days, dict):
            check((*where, "input_stock_days"), list(node.input_stock_days), allowed, what)
        check((*where, "substitution"), list(node.substitution or {}), allowed, what)
    return issues


def _delay_issues(scenario: Scenario) -> list[Issue]:
    """Substitution delays whose stated lower bound is negative."""
    declared: list[tuple[Path, Mapping[str, Substitution] | None]] = [
        (("commodities", name, "substitution"), c.substitution)
        for name, c in scenario.commodities.items()
    ]
    declared += [
        (("network", "nodes", i, "substitution"), node.substitution)
        for i, node in enumerate(scenario.network.nodes)
    ]
    issues = []
    for path, substitutions in declared:
        for name, substitution in (substitutions or {}).items():
            low = lower_bound(substitution.delay_days)
            if low is not None and low < 0:
                issues.append(
                    Issue(
                        (*path, name, "delay_days"),
                        f"expected a number of days >= 0, found {low:g}",
                    )
                )
    return issues


def _producer_issues(scenario: Scenario) -> list[Issue]:
    """Producers that are not nodes of an input, or whose input demand is below their use."""
    issues: list[Issue] = []
    nodes = {(n.commodity, n.country): (i, n) for i, n in enumerate(scenario.network.nodes)}
    use: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    for (product, country), recipe in producer_recipes(scenario).items():
        i, node = nodes[product, country]
        for name, per_unit in recipe.inputs.items():
            if name not in scenario.commodities:
                continue  # reported as an unknown input
            if (name, country) not in nodes:
                issues.append(
                    Issue(
                        ("network", "nodes", i),
                        f"{country} makes {product}, whose recipe ({_dotted(recipe.path)}) needs"
                        f" {name}, but {country} is not a node of {name}; add it to"
                        " network.nodes (its demand includes this input use)",
                    )
                )
                continue
            use[name, country].append((product, node.production_per_year * per_unit))
    for (name, country), uses in use.items():
        j, node = nodes[name, country]
        needed = sum(u for _, u in uses)
        if node.demand_per_year < needed * (1 - _RTOL) - 1e-12:
            parts = ", ".join(f"{p} {u:g}" for p, u in uses)
            issues.append(
                Issue(
                    ("network", "nodes", j, "demand_per_year"),
                    f"expected {country}'s demand for {name} to cover its use in products"
                    f" (production x units per unit: {parts}; total {needed:g} per year),"
                    f" found {node.demand_per_year:g}",
                )
            )
    return issues


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def unsimulated_recipe_issues(
    scenario: Scenario, network: TradeNetwork | None = None
) -> list[Issue]:
    """One issue per recipe the engine cannot simulate (none but the case below).

    The engine simulates every recipe the checks accept
    (:mod:`simulator.engine.tiers`).  It cannot simulate an input whose
    demand at a producer's country ``reconcile: true`` has lowered below the
    producer's baseline use (the check of :func:`recipe_issues` reads the
    demand as written): the input's final use would be negative.  Such a
    scenario is refused, located at the input node's demand, rather than
    run with a made-up demand.

    Parameters
    ----------
    scenario
        A valid scenario.
    network
        Its trade network, when already built (only read with ``reconcile: true``).
    """
    recipes = producer_recipes(scenario)
    if not recipes or not scenario.reconcile:
        return []
    from simulator.model.network import TradeNetwork

    network = network or TradeNetwork.from_scenario(scenario)
    nodes = {(n.commodity, n.country): (i, n) for i, n in enumerate(scenario.network.nodes)}
    use: dict[tuple[str, str], float] = defaultdict(float)
    for (product, country), recipe in recipes.items():
        made = nodes[product, country][1].production_per_year
        for name, per_unit in recipe.inputs.items():
            use[name, country] += made * per_unit
    issues = []
    for (name, country), needed in use.items():
        net = network[name]
        demand = float(net.demand_per_year[net.index[country]])
        if demand < needed * (1 - _RTOL) - 1e-12:
            issues.append(
                Issue(
                    ("network", "nodes", nodes[name, country][0], "demand_per_year"),
                    f"reconcile: true lowered {country}'s demand for {name} to {demand:g} per"
                    f" year, below its use in products ({needed:g}); the engine cannot simulate"
                    " a negative final use: fix the figures so that the node balances",
                )
            )
    return issues


def refuse_unsimulated_recipes(scenario: Scenario, network: TradeNetwork | None = None) -> None:
    """Raise :class:`~simulator.errors.InputError` for recipes the engine cannot simulate."""
    issues = unsimulated_recipe_issues(scenario, network)
    if issues:
        raise InputError(issues)
