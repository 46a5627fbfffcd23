"""``extends:`` inheritance, the deep merge behind it, and dotted paths into documents.

A file that says ``extends: base.yaml`` (relative to itself) is an *overlay* on
that base, applied with :func:`deep_merge`:

* mappings merge key by key, recursively;
* lists whose items are all mappings with a unique ``id`` merge entry by entry
  by ``id`` (an overlay entry with a new id is appended, in order);
* any other list, and any other value, is replaced by the overlay's;
* a ``null`` in the overlay removes the key from the base.

The null rule belongs to overlays only (``extends`` children and experiment
variants): in a file's own content, ``duration_days: null`` is a value.  Bases
may extend further bases; a cycle or a missing file is a located error.  The
merged document keeps, for each value, the position in whichever file provided
it.

The dotted-path helpers of :mod:`simulator.io.paths` (``get_path``,
``set_path``, ``resolve_path``) are re-exported here, beside the merge they
are used with for experiment overlays and sweeps.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

from simulator.errors import InputError, Issue, Location, PathPart, did_you_mean
from simulator.io.files import unreadable_reason
from simulator.io.paths import PathNotFoundError, get_path, resolve_path, set_path
from simulator.io.yaml import DocPath, SourceMap, YamlDocument, parse_yaml, read_yaml

__all__ = [
    "EXTENDS_KEY",
    "PathNotFoundError",
    "copy_positions",
    "deep_merge",
    "get_path",
    "load_with_extends",
    "merge_documents",
    "parse_with_extends",
    "resolve_extends",
    "resolve_path",
    "set_path",
]

EXTENDS_KEY = "extends"


# --- the merge ---------------------------------------------------------------------------


class _Side(Enum):
    BASE = "base"
    OVERLAY = "overlay"


class _Trace:
    """Records, while merging, which input provided each part of the result."""

    def __init__(self) -> None:
        # (path in result, side, path in that side, value taken whole or None for a container)
        self.taken: list[tuple[DocPath, _Side, DocPath, Any]] = []
        self.merged: list[tuple[DocPath, DocPath, DocPath]] = []
        # (path of a null in the overlay, the keys of the base mapping it was looked up in)
        self.dangling: list[tuple[DocPath, list[str]]] = []

    def take(self, result_path: DocPath, side: _Side, source_path: DocPath, value: Any) -> None:
        self.taken.append((result_path, side, source_path, value))

    def merge(self, result_path: DocPath, base_path: DocPath, overlay_path: DocPath) -> None:
        self.merged.append((result_path, base_path, overlay_path))


def deep_merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """Apply ``overlay`` to ``base`` and return a new document; neither input changes.

    Parameters
    ----------
    base : mapping
        The document inherited from (plain YAML data).
    overlay : mapping
        The changes: an ``extends`` child's own content or an experiment variant.

    Returns
    -------
    dict
        A fresh document (no container is shared with the inputs).

    Notes
    -----
    * Mappings merge key by key; keys keep the base's order, new keys follow
      in the overlay's order.
    * A ``null`` overlay value removes the key (a no-op when the base lacks it).
      Values the overlay adds where the base has nothing are copied as written,
      nulls included.
    * Two lists merge by ``id`` when the overlay list is not empty and every
      item of both is a mapping whose ``id`` (text or integer) is unique within
      its list: an overlay entry merges into the base entry with its id (so a
      null inside it removes that key of the entry), new ids are appended.
      Otherwise the overlay list replaces the base list (so ``[]`` empties it).
    * Anything else is replaced by the overlay's value.

    Examples
    --------
    >>> base = {"horizon_days": 365, "shocks": [{"id": "ban", "mode": "ban", "quota_share": None}]}
    >>> overlay = {"shocks": [{"id": "ban", "mode": "quota", "quota_share": 0.3}], "seed": 2}
    >>> deep_merge(base, overlay)
    {'horizon_days': 365, 'shocks': [{'id': 'ban', 'mode': 'quota', 'quota_share': 0.3}], 'seed': 2}
    >>> deep_merge({"policies": {"stockpiles": [], "mutual_transfers": []}},
    ...            {"policies": {"mutual_transfers": None}})
    {'policies': {'stockpiles': []}}
    """
    merged: dict[str, Any] = _merge(dict(base), dict(overlay), None, (), (), ())
    return merged


def _merge(
    base: Any,
    overlay: Any,
    trace: _Trace | None,
    result_path: DocPath,
    base_path: DocPath,
    overlay_path: DocPath,
) -> Any:
    """Merge ``overlay`` (not None) onto ``base``, recording provenance in ``trace``."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        if trace is not None:
            trace.merge(result_path, base_path, overlay_path)
        out: dict[str, Any] = {}
        for key, value in base.items():
            if key not in overlay:
                out[key] = _take(value, trace, (*result_path, key), _Side.BASE, (*base_path, key))
            elif overlay[key] is not None:
                out[key] = _merge(
                    value,
                    overlay[key],
                    trace,
                    (*result_path, key),
                    (*base_path, key),
                    (*overlay_path, key),
                )
        for key, value in overlay.items():
            if key in base:
                continue
            if value is not None:
                out[key] = _take(
                    value, trace, (*result_path, key), _Side.OVERLAY, (*overlay_path, key)
                )
            elif trace is not None:
                trace.dangling.append(((*overlay_path, key), [str(k) for k in base]))
        return out
    if isinstance(base, list) and isinstance(overlay, list) and _merges_by_id(base, overlay):
        if trace is not None:
            trace.merge(result_path, base_path, overlay_path)
        items: list[Any] = [
            _take(item, trace, (*result_path, i), _Side.BASE, (*base_path, i))
            for i, item in enumerate(base)
        ]
        where = {item["id"]: i for i, item in enumerate(base)}
        for j, item in enumerate(overlay):
            i = where.get(item["id"])
            if i is None:
                items.append(
                    _take(
                        item, trace, (*result_path, len(items)), _Side.OVERLAY, (*overlay_path, j)
                    )
                )
            else:
                items[i] = _merge(
                    base[i], item, trace, (*result_path, i), (*base_path, i), (*overlay_path, j)
                )
        return items
    return _take(overlay, trace, result_path, _Side.OVERLAY, overlay_path)


def _take(
    value: Any, trace: _Trace | None, result_path: DocPath, side: _Side, path: DocPath
) -> Any:
    if trace is not None:
        trace.take(result_path, side, path, value)
    return copy.deepcopy(value)


def _merges_by_id(base: list[Any], overlay: list[Any]) -> bool:
    return bool(overlay) and _unique_ids(base) and _unique_ids(overlay)


def _unique_ids(items: list[Any]) -> bool:
    ids: set[str | int] = set()
    for item in items:
        if not isinstance(item, dict):
            return False
        ident = item.get("id")
        if isinstance(ident, bool) or not isinstance(ident, str | int) or ident in ids:
            return False
        ids.add(ident)
    return True


def merge_documents(base: YamlDocument, overlay: YamlDocument) -> YamlDocument:
    """:func:`deep_merge` two parsed documents, keeping every value's position.

    A value taken from one side keeps its position in that side's file; a
    mapping or id-merged list present on both sides takes the overlay's
    position (the file that changed it).  The result carries the overlay's
    file name.

    Unlike :func:`deep_merge`, a ``null`` in the overlay must remove something:
    a null on a key the base does not have is almost always a misspelt key
    (``policies: {joint_stockpile: null}`` would leave ``joint_stockpiles``
    in force), so it is an error, located at the key, with the closest key of
    the base suggested.

    Parameters
    ----------
    base, overlay : YamlDocument
        Parsed documents whose ``data`` are mappings.

    Returns
    -------
    YamlDocument

    Raises
    ------
    InputError
        A ``null`` in the overlay names a key the base does not have.
    """
    if not isinstance(base.data, dict) or not isinstance(overlay.data, dict):
        raise TypeError("merge_documents needs two mappings")
    trace = _Trace()
    data = _merge(base.data, overlay.data, trace, (), (), ())
    if trace.dangling:
        raise InputError(
            _nothing_to_remove(path, keys, overlay.positions) for path, keys in trace.dangling
        )
    positions = SourceMap()
    sides = {_Side.BASE: base.positions, _Side.OVERLAY: overlay.positions}
    for result_path, base_path, overlay_path in trace.merged:
        for side, path in ((_Side.BASE, base_path), (_Side.OVERLAY, overlay_path)):
            source = sides[side]
            if path in source.values:
                positions.values[result_path] = source.values[path]
            if path in source.keys:
                positions.keys[result_path] = source.keys[path]
    for result_path, side, source_path, value in trace.taken:
        copy_positions(sides[side], source_path, value, positions, result_path)
    return YamlDocument(data, positions, overlay.file)


def _nothing_to_remove(path: DocPath, keys: list[str], positions: SourceMap) -> Issue:
    key = str(path[-1])
    here = f"; keys here: {', '.join(keys)}" if keys else "; the base has no keys here"
    return Issue(
        path,
        f"null removes a key of the base, but the base has no key {key!r} here"
        f"{did_you_mean(key, keys)}{here}",
        positions.locate_key(path),
    )


def copy_positions(
    source: SourceMap, source_path: DocPath, value: Any, target: SourceMap, target_path: DocPath
) -> None:
    """Copy the positions of ``value`` (found at ``source_path``) to ``target_path``.

    Walks ``value`` itself, so the cost is the size of the value, not of the map.
    """
    if source_path in source.values:
        target.values[target_path] = source.values[source_path]
    if source_path in source.keys:
        target.keys[target_path] = source.keys[source_path]
    children: list[tuple[PathPart, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    for part, child in children:
        copy_positions(source, (*source_path, part), child, target, (*target_path, part))


# --- extends -----------------------------------------------------------------------------


def load_with_extends(path: str | Path) -> YamlDocument:
    """Read a YAML file and resolve its ``extends`` chain.

    Parameters
    ----------
    path : str or pathlib.Path
        The file; locations name it (and its bases) relative to the same
        place, e.g. ``scenarios/policy/x.yaml`` and ``scenarios/base/y.yaml``.

    Returns
    -------
    YamlDocument
        The merged document, without the ``extends`` key.

    Raises
    ------
    InputError
        A file of the chain is invalid YAML, missing, or the chain is a cycle.
    """
    return resolve_extends(read_yaml(path))


def resolve_extends(document: YamlDocument) -> YamlDocument:
    """Resolve the ``extends`` chain of an already parsed document.

    The base named by ``extends`` is found relative to the directory of
    ``document.file``; so is each further base relative to its own file.

    Parameters
    ----------
    document : YamlDocument
        A parsed file (its ``data`` need not be a mapping: anything else is
        returned unchanged, for the caller to report).

    Returns
    -------
    YamlDocument
        The merged document without the ``extends`` key.

    Raises
    ------
    InputError
        Located at the ``extends`` key: a path that is not text, a missing or
        unreadable base, a base that is not a mapping, or a cycle.
    """
    return _resolve(document, ((_identity(document.file), document.file),))


def _identity(file: str) -> str:
    return os.path.normcase(str(Path(file).resolve()))


def _resolve(document: YamlDocument, chain: tuple[tuple[str, str], ...]) -> YamlDocument:
    data = document.data
    if not isinstance(data, dict) or EXTENDS_KEY not in data:
        return document
    reference = data[EXTENDS_KEY]
    own = YamlDocument(
        {k: v for k, v in data.items() if k != EXTENDS_KEY}, document.positions, document.file
    )
    if reference is None:
        return own
    where = document.positions.locate_key((EXTENDS_KEY,))
    if not isinstance(reference, str) or not reference.strip():
        raise _extends_error(
            f"expected the path of a base scenario file, found {reference!r}", where
        )
    base_file = os.path.normpath(os.path.join(os.path.dirname(document.file), reference))
    reason = unreadable_reason(base_file)
    if reason == "no such file":
        raise _extends_error(
            f"base scenario {reference!r} not found (looked for {base_file})", where
        )
    if reason is not None:
        raise _extends_error(f"cannot read base scenario {reference!r}: {reason}", where)
    identity = _identity(base_file)
    if identity in {ident for ident, _ in chain}:
        cycle = " -> ".join([name for _, name in chain] + [base_file])
        raise _extends_error(f"extends cycle: {cycle}", where)
    base = read_yaml(base_file)
    if not isinstance(base.data, dict):
        raise InputError.single(
            f"expected a mapping of scenario keys in a base scenario, found {_kind(base.data)}",
            (),
            base.locate(()) or Location(base_file, 1, 1),
        )
    resolved_base = _resolve(base, (*chain, (identity, base_file)))
    return merge_documents(resolved_base, own)


def _extends_error(message: str, where: Location | None) -> InputError:
    return InputError.single(message, (EXTENDS_KEY,), where)


def _kind(value: Any) -> str:
    if value is None:
        return "an empty file"
    if isinstance(value, list):
        return "a list"
    return f"a single value ({value!r})"


def parse_with_extends(text: str, file: str) -> YamlDocument:
    """Parse ``text`` (named ``file``) and resolve its ``extends`` chain relative to ``file``."""
    return resolve_extends(parse_yaml(text, file))
