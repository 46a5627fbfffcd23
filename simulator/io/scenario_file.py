"""Scenario files to a validated :class:`~simulator.model.scenario.Scenario`.

The steps, each reporting every problem it finds with ``FILE:LINE:COL``:

1. parse the YAML with positions (:mod:`simulator.io.yaml`);
2. resolve ``extends`` and drop the key (:mod:`simulator.io.extends`);
3. when ``data:`` is ``builtin`` or a folder (relative to the file that says
   so), merge the dataset in (:func:`merge_dataset`);
   a historical replay (a ``backtest:`` section) may not change the
   dataset's structural figures unless it names them as documented
   historical facts (:mod:`simulator.io.replay_checks`);
4. validate with pydantic (:mod:`simulator.io.validation`);
5. build the :class:`~simulator.model.network.TradeNetwork` to check country
   codes, links and the balance of every country; check that a replay's
   episode and series exist in the bundled history.

The scenario returned holds the whole network inline and keeps ``data`` for
the record, so dumping it (:func:`~simulator.io.resolved.dump_scenario_yaml`)
and loading the dump gives an equal scenario.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from simulator.errors import InputError, Issue, Location, did_you_mean
from simulator.io import dataset as dataset_io
from simulator.io.extends import EXTENDS_KEY, copy_positions, resolve_extends
from simulator.io.history import load_history
from simulator.io.market import load_market_parameters
from simulator.io.market_merge import merge_market
from simulator.io.replay_checks import history_issues, structural_override_issues
from simulator.io.validation import locate_issue, validate_document
from simulator.io.yaml import DocPath, SourceMap, YamlDocument, parse_yaml, read_yaml
from simulator.model.network import TradeNetwork
from simulator.model.recipes import refuse_unsimulated_recipes
from simulator.model.scenario import Scenario

__all__ = [
    "BUILTIN_DATA",
    "DatasetLike",
    "load_scenario",
    "load_scenario_document",
    "load_scenario_text",
    "merge_dataset",
    "require_scenario_mapping",
    "scenario_from_document",
]

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


# --- entry points ------------------------------------------------------------------------


def load_scenario(path: str | Path, *, for_run: bool = False) -> Scenario:
    """Load, resolve and validate a scenario file.

    Parameters
    ----------
    path : str or pathlib.Path
        The scenario file.  Locations in errors name it as given.
    for_run : bool
        The scenario is to be simulated: also refuse recipes the engine
        cannot simulate (:func:`simulator.model.recipes.unsimulated_recipe_issues`).

    Returns
    -------
    Scenario
        Validated and frozen, with the dataset (if any) merged inline.

    Raises
    ------
    InputError
        Every problem found, each located in the file (or base file) where
        the offending value was written.
    """
    return scenario_from_document(load_scenario_document(path), for_run=for_run)


def load_scenario_text(text: str, name: str = "<string>") -> Scenario:
    """Load a scenario from YAML ``text``.

    Parameters
    ----------
    text : str
        The scenario, as YAML.
    name : str
        The file name errors show; ``extends`` and a ``data`` folder resolve
        relative to its directory (the working directory for a bare name).

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        As :func:`load_scenario`.
    """
    return scenario_from_document(resolve_extends(parse_yaml(text, name)))


def load_scenario_document(path: str | Path) -> YamlDocument:
    """Parse a scenario file and resolve its ``extends`` chain, without validating.

    This is the document experiment variants overlay before
    :func:`scenario_from_document` validates it.
    """
    return resolve_extends(read_yaml(path))


def require_scenario_mapping(document: YamlDocument) -> dict[str, Any]:
    """The document's data when it is a mapping; a located error for anything else.

    Raises
    ------
    InputError
        An empty file, a list or a single value where a scenario belongs.
    """
    data = document.data
    root = document.positions.locate(()) or Location(document.file, 1, 1)
    if data is None:
        raise InputError.single(
            "empty file; expected a scenario mapping (name, description, horizon_days, ...)",
            (),
            root,
        )
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({_short(data)})"
        raise InputError.single(
            f"expected a mapping of scenario keys (name, horizon_days, ...), found {kind}", (), root
        )
    return data


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def scenario_from_document(document: YamlDocument, *, for_run: bool = False) -> Scenario:
    """Validate a parsed, ``extends``-resolved scenario document.

    Merges the dataset named by ``data:``, validates every key, then builds
    the trade network to check country codes, links and the balance.

    Parameters
    ----------
    document : YamlDocument
        From :func:`load_scenario_document` (possibly with overlays applied).
    for_run : bool
        As in :func:`load_scenario`.

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        Every problem found, located.
    """
    data = require_scenario_mapping(document)
    if EXTENDS_KEY in data:
        document = resolve_extends(document)
    document = _with_dataset(document)
    scenario = validate_document(Scenario, document)
    try:
        network = TradeNetwork.from_scenario(scenario)
        if for_run:
            refuse_unsimulated_recipes(scenario, network)
    except InputError as error:
        raise InputError([locate_issue(i, document) for i in error.issues]) from None
    if scenario.backtest is not None:
        issues = history_issues(scenario.backtest, load_history(), document)
        if issues:
            raise InputError(issues)
    return scenario


# --- the dataset -------------------------------------------------------------------------


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


def _with_dataset(document: YamlDocument) -> YamlDocument:
    """``document`` with the dataset its ``data:`` names merged in (unchanged if none)."""
    value = document.data.get("data")
    if not isinstance(value, str):
        return document  # null: inline only; anything else is reported by validation
    where = document.positions.locate(("data",))
    if value == BUILTIN_DATA:
        folder: Path | None = None
    else:
        base = Path(where.file).parent if where is not None else Path()
        folder = base / value
        if not folder.is_dir():
            raise InputError.single(
                f"expected {BUILTIN_DATA!r} or a dataset folder, found {value!r}"
                f" (no folder {folder})",
                ("data",),
                where,
            )
    try:
        dataset = dataset_io.load_dataset(folder)
        market = load_market_parameters(folder, dataset)
    except InputError as error:
        raise InputError(
            [i if i.location is not None else i.located(where) for i in error.issues]
        ) from None
    overrides = structural_override_issues(document, dataset)
    if overrides:
        raise InputError(overrides)
    return merge_market(merge_dataset(document, dataset), market)


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
