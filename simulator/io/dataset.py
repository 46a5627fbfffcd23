"""The default dataset: four CSV files read into plain, typed rows.

A dataset folder holds ``commodities.csv``, ``nodes.csv``, ``links.csv``,
``stockpiles.csv`` and, optionally, ``recipes.csv`` (UTF-8, comma separated,
one header row).  Every row has a
non-empty ``source`` column saying where its figures come from; the loader
keeps that text apart, in :attr:`Dataset.sources`, so the rows carry exactly
the keys a scenario's ``commodities:`` and ``network:`` sections use.

The loader checks the *form* of the files: columns present, text cells
non-empty, numbers finite and non-negative, no duplicate rows.  Whether the
network balances (``production + imports = demand + exports``) is the trade
network's check (:mod:`simulator.model.network`), not this module's.  Every
problem found is reported, each with its ``file:line:column``, in one
:class:`~simulator.errors.InputError`.

Example
-------
>>> from simulator.io.dataset import load_dataset
>>> data = load_dataset()  # the embedded folder ``simulator/data``
>>> data.commodities["gallium"]["unit"]
't'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from simulator.errors import InputError, Issue
from simulator.io.csv_tables import (
    CsvTable,
    RowPlace,
    SourceKey,
    read_csv_table,
)

__all__ = [
    "DEFAULT_RECIPE",
    "REGIONS",
    "CsvTable",
    "Dataset",
    "RowPlace",
    "load_dataset",
    "read_csv_table",
]

REGIONS: dict[str, str] = {"ROW": "rest of world"}
"""Non-ISO nodes the dataset uses: one rest-of-world node per commodity."""


@dataclass(frozen=True)
class Dataset:
    """The rows of a dataset folder, typed; sources kept apart.

    Attributes
    ----------
    commodities : dict
        Commodity id → ``{"unit": str, "price_usd_per_unit": float,
        "value_at_risk_usd_per_unit": float, "carrying_cost_per_year": float}``.
    nodes : list of dict
        One per (commodity, country): ``commodity``, ``country`` (str) and
        ``production_per_year``, ``capacity_per_year``, ``demand_per_year``
        (units/yr), ``inventory_days`` (days of demand), all float.
    links : list of dict
        One per (commodity, exporter, importer): ``commodity``, ``from``,
        ``to`` (str), ``flow_per_year`` (units/yr; 0 for a potential route)
        and ``lead_time_days`` (float).
    stockpiles : list of dict
        Public stockpiles: ``country``, ``commodity``, ``holder`` (str),
        ``holding_days`` and ``target_days`` (float, or ``None`` where the
        figure is not public).
    recipes : list of dict
        One per (product, country, input): ``commodity`` (the product),
        ``country`` (``*`` for the commodity's default recipe), ``input``
        (str), ``per_unit`` (units of input per unit of product) and
        ``input_stock_days`` (days of input use the producer holds), float.
    sources : dict
        Row key → the row's ``source`` text.  Keys are the file stem followed
        by the row's key columns: ``("commodities", id)``,
        ``("nodes", commodity, country)``, ``("links", commodity, from, to)``,
        ``("stockpiles", country, commodity, holder)``,
        ``("recipes", commodity, country, input)``.
    regions : dict
        Region code → name for the non-ISO nodes used (``{"ROW": "rest of world"}``).
    """

    commodities: dict[str, dict[str, object]]
    nodes: list[dict[str, object]]
    links: list[dict[str, object]]
    stockpiles: list[dict[str, object]]
    sources: dict[SourceKey, str]
    regions: dict[str, str] = field(default_factory=lambda: dict(REGIONS))
    recipes: list[dict[str, object]] = field(default_factory=list)


_COMMODITIES = CsvTable(
    "commodities.csv",
    key=("id",),
    text=("id", "unit"),
    numbers=("price_usd_per_unit", "value_at_risk_usd_per_unit", "carrying_cost_per_year"),
)
_NODES = CsvTable(
    "nodes.csv",
    key=("commodity", "country"),
    text=("commodity", "country"),
    numbers=("production_per_year", "capacity_per_year", "demand_per_year", "inventory_days"),
)
_LINKS = CsvTable(
    "links.csv",
    key=("commodity", "from", "to"),
    text=("commodity", "from", "to"),
    numbers=("flow_per_year", "lead_time_days"),
)
_STOCKPILES = CsvTable(
    "stockpiles.csv",
    key=("country", "commodity", "holder"),
    text=("country", "commodity", "holder"),
    optional_numbers=("holding_days", "target_days"),
)
_RECIPES = CsvTable(
    "recipes.csv",
    key=("commodity", "country", "input"),
    text=("commodity", "country", "input"),
    numbers=("per_unit", "input_stock_days"),
    optional_file=True,
)

DEFAULT_RECIPE = "*"
"""The ``country`` of a ``recipes.csv`` row that gives the commodity's default recipe."""


def load_dataset(folder: Path | None = None) -> Dataset:
    """Read a dataset folder; ``None`` reads the embedded one (``simulator/data``).

    Parameters
    ----------
    folder : pathlib.Path or None
        A folder holding the CSV files in the layout described in the
        module docstring.

    Returns
    -------
    Dataset
        The typed rows and their sources.

    Raises
    ------
    simulator.errors.InputError
        When a file is missing or unreadable, a column is missing or
        unexpected, a text cell is empty, a number cell is not a finite
        non-negative number, or a row repeats another's key.  Every problem
        is listed, each located as ``file:line:column``.
    """
    root: Traversable = files("simulator.data") if folder is None else folder
    issues: list[Issue] = []
    sources: dict[SourceKey, str] = {}
    tables = {
        table.stem: read_csv_table(root, table, sources, issues)
        for table in (_COMMODITIES, _NODES, _LINKS, _STOCKPILES, _RECIPES)
    }
    if issues:
        raise InputError(issues)
    commodities = {str(row.pop("id")): row for row in tables["commodities"]}
    return Dataset(
        commodities=commodities,
        nodes=tables["nodes"],
        links=tables["links"],
        stockpiles=tables["stockpiles"],
        sources=sources,
        recipes=tables["recipes"],
    )
