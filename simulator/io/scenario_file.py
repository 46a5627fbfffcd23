"""Scenario files to a validated :class:`~simulator.model.scenario.Scenario`.

The steps, each reporting every problem it finds with ``FILE:LINE:COL``:

1. parse the YAML with positions (:mod:`simulator.io.yaml`);
2. resolve ``extends`` and drop the key (:mod:`simulator.io.extends`);
3. when ``data:`` is ``builtin`` or a folder (relative to the file that says
   so), merge the dataset in (:func:`~simulator.io.dataset_merge.merge_dataset`,
   importable from here too);
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

from pathlib import Path
from typing import Any

from simulator.errors import InputError, Location
from simulator.io import dataset as dataset_io
from simulator.io.dataset_merge import BUILTIN_DATA, DatasetLike, merge_dataset
from simulator.io.extends import EXTENDS_KEY, resolve_extends
from simulator.io.history import load_history
from simulator.io.market import load_market_parameters
from simulator.io.market_merge import merge_market
from simulator.io.replay_checks import history_issues, structural_override_issues
from simulator.io.validation import locate_issue, validate_document
from simulator.io.yaml import YamlDocument, parse_yaml, read_yaml
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
