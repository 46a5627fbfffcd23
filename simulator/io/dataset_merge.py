"""The dataset merged under a scenario document: its commodities, nodes, links and recipes.

:func:`merge_dataset` is step 3 of loading a scenario file
(:mod:`simulator.io.scenario_file`): when ``data:`` names the embedded dataset
or a folder, the dataset's figures come first and the scenario's own entries
override them, field by field, each value keeping the position of the file it
came from.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from simulator.errors import InputError, Issue, Location, did_you_mean
from simulator.io import dataset as dataset_io
from simulator.io.extends import copy_positions
from simulator.io.yaml import DocPath, SourceMap, YamlDocument

__all__ = ["BUILTIN_DATA", "DatasetLike", "merge_dataset"]

BUILTIN_DATA = "builtin"
"""The value of ``data:`` that selects the embedded dataset."""


class DatasetLike(Protocol):
    """What :func:`merge_dataset` needs of a dataset (see :mod:`simulator.io.dataset`).

    ``commodities`` maps a commodity id to its figures (the keys of a
    scenario's commodity entry); ``nodes`` and ``links`` are entries with the
    keys of the scenario's ``network.nodes`` and ``network.links``;
    ``regions`` maps region codes to names.
    """

    @property
    def commodities(self) -> Mapping[str, Mapping[str, Any]]: ...

    @property
    def nodes(self) -> Sequence[Mapping[str, Any]]: ...

    @property
    def links(self) -> Sequence[Mapping[str, Any]]: ...

    @property
    def regions(self) -> Mapping[str, str]: ...

    @property
    def recipes(self) -> Sequence[Mapping[str, Any]]: ...


def merge_dataset(document: YamlDocument, dataset: DatasetLike) -> YamlDocument:
    """Merge ``dataset`` under a scenario document's own entries.

    Parameters
    ----------
    document : YamlDocument
        A scenario document (a mapping).
    dataset : DatasetLike
        The figures to start from.

    Returns
    -------
    YamlDocument
        A new document; ``document`` is not changed.

    Notes
    -----
    * The simulated commodities are those named under ``commodities:`` (an
      entry may be ``{}`` or null to take the dataset's figures; stated keys
      override the dataset's), or every dataset commodity when none is named.
    * ``network.nodes``: the dataset's nodes of those commodities come first,
      then the inline ones.  An inline node with the same ``(commodity,
      country)`` as a dataset node overrides only the fields it states, at
      the dataset node's place.  Links likewise, keyed by ``(commodity, from,
      to)``.
    * The dataset's recipes join the commodities (country ``*``: the
      commodity's ``recipe`` and ``input_stock_days``) and the nodes (a
      country's own), keeping only inputs that are simulated commodities:
      an input left out of ``commodities:`` is outside the scenario.
    * The dataset's regions are added to the scenario's ``regions``.
    * Values that come from the dataset are located at the ``data:`` value;
      inline values keep their own positions.
    """
    data: dict[str, Any] = copy.deepcopy(document.data)
    source = document.positions
    positions = SourceMap(dict(source.values), dict(source.keys))
    origin = source.locate(("data",))

    commodities = data.get("commodities")
    if commodities is None:
        commodities = {}
    if not isinstance(commodities, dict):
        return YamlDocument(data, positions, document.file)  # reported by validation
    names = list(commodities) or list(dataset.commodities)
    _check_commodities_known(commodities, dataset, document)
    defaults, own_recipes = _recipe_fields(dataset.recipes, set(names))
    merged: dict[str, Any] = {}
    for name in names:
        own = commodities.get(name)
        figures = {**dataset.commodities.get(name, {}), **defaults.get(name, {})}
        if isinstance(own, dict) and "recipe" in own:  # the user's recipe replaces the
            for key in ("input_stock_days", "substitution"):  # dataset's, with its stocks
                figures.pop(key, None)
        if own is None:
            merged[name] = figures
        elif isinstance(own, dict):
            merged[name] = {**figures, **own}
        else:
            merged[name] = own
        _default_position(positions, ("commodities", name), origin)
    data["commodities"] = merged
    _default_position(positions, ("commodities",), origin)

    network = data.get("network")
    if network is None:
        network = {}
    if isinstance(network, dict):
        selected = set(names)
        for key, identity in (("nodes", _node_identity), ("links", _link_identity)):
            inline = network.get(key)
            if inline is None:
                inline = []
            if not isinstance(inline, list):
                continue
            entries = [
                {**e, **own_recipes.get(identity(e) or (), {})}
                for e in getattr(dataset, key)
                if e.get("commodity") in selected
            ]
            network[key] = _merge_entries(
                entries, inline, identity, source, positions, ("network", key), origin
            )
        data["network"] = network
        _default_position(positions, ("network",), origin)

    regions = data.get("regions")
    if regions is None:
        regions = {}
    if isinstance(regions, dict):
        data["regions"] = {**dataset.regions, **regions}
    return YamlDocument(data, positions, document.file)


def _check_commodities_known(
    commodities: dict[str, Any], dataset: DatasetLike, document: YamlDocument
) -> None:
    """A commodity that takes the dataset's figures (``{}`` or null) must be in the dataset.

    Without this, ``galium: {}`` would fail later as "price_usd_per_unit:
    required key missing", which hides the misspelt name.  A commodity stated
    in full (with its own figures) may be new to the dataset.
    """
    issues: list[Issue] = []
    known = sorted(dataset.commodities)
    for name, own in commodities.items():
        if name in dataset.commodities or (isinstance(own, dict) and own):
            continue
        source = document.data.get("data")
        label = "the embedded dataset" if source == BUILTIN_DATA else f"the dataset {source!r}"
        issues.append(
            Issue(
                ("commodities", name),
                f"{label} has no commodity {name!r}{did_you_mean(name, known)};"
                f" it has {', '.join(known)} (state the figures of a new commodity in full)",
                document.positions.locate_key(("commodities", name)),
            )
        )
    if issues:
        raise InputError(issues)


def _recipe_fields(
    rows: Sequence[Mapping[str, Any]], selected: set[str]
) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, ...], dict[str, Any]]]:
    """The dataset's recipes as scenario fields: per commodity, and per (commodity, country).

    Rows whose product or input is not among ``selected`` are left out.
    """
    fields: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in rows:
        product, country, name = str(row["commodity"]), str(row["country"]), str(row["input"])
        if product not in selected or name not in selected:
            continue
        entry = fields.setdefault((product, country), {"recipe": {}, "input_stock_days": {}})
        entry["recipe"][name] = row["per_unit"]
        entry["input_stock_days"][name] = row["input_stock_days"]
    defaults = {k[0]: v for k, v in fields.items() if k[1] == dataset_io.DEFAULT_RECIPE}
    nodes = {k: v for k, v in fields.items() if k[1] != dataset_io.DEFAULT_RECIPE}
    return defaults, nodes


def _merge_entries(
    entries: list[dict[str, Any]],
    inline: list[Any],
    identity: Callable[[Mapping[str, Any]], tuple[str, ...] | None],
    source: SourceMap,
    positions: SourceMap,
    prefix: DocPath,
    origin: Location | None,
) -> list[Any]:
    """Dataset ``entries`` overridden or extended by ``inline`` ones; fixes positions."""
    index = {identity(e): i for i, e in enumerate(entries)}
    overridden: set[int] = set()
    placed: list[tuple[int, int]] = []
    out: list[Any] = list(entries)
    for i, item in enumerate(inline):
        key = identity(item) if isinstance(item, dict) else None
        j = index.get(key) if key is not None else None
        if j is not None and j not in overridden:
            out[j] = {**out[j], **_canonical(item)}
            overridden.add(j)
        else:
            j = len(out)
            out.append(copy.deepcopy(item))
        placed.append((i, j))
    n = len(prefix)
    for table in (positions.values, positions.keys):
        for path in [p for p in table if len(p) > n and p[:n] == prefix]:
            del table[path]
    _default_position(positions, prefix, origin)
    if origin is not None:
        for j in range(len(entries)):
            positions.values[(*prefix, j)] = origin
    for i, j in placed:
        copy_positions(source, (*prefix, i), inline[i], positions, (*prefix, j))
    return out


def _default_position(positions: SourceMap, path: DocPath, origin: Location | None) -> None:
    if origin is not None and path not in positions.values:
        positions.values[path] = origin


def _node_identity(entry: Mapping[str, Any]) -> tuple[str, ...] | None:
    commodity, country = entry.get("commodity"), entry.get("country")
    if isinstance(commodity, str) and isinstance(country, str):
        return (commodity, country)
    return None


def _link_identity(entry: Mapping[str, Any]) -> tuple[str, ...] | None:
    commodity = entry.get("commodity")
    exporter = entry.get("from", entry.get("exporter"))
    importer = entry.get("to", entry.get("importer"))
    if isinstance(commodity, str) and isinstance(exporter, str) and isinstance(importer, str):
        return (commodity, exporter, importer)
    return None


def _canonical(entry: Mapping[str, Any]) -> dict[str, Any]:
    """An inline entry with the link aliases ``exporter``/``importer`` written ``from``/``to``."""
    renames = {"exporter": "from", "importer": "to"}
    return {
        renames[k] if k in renames and renames[k] not in entry else k: copy.deepcopy(v)
        for k, v in entry.items()
    }


# --- checks the models leave to the loader ------------------------------------------------
