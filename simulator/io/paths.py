"""Dotted paths into YAML documents: ``shocks.ban.duration_days``.

Sweeps, uncertainties and experiment variants name a value of a scenario by a
dotted path.  A part names a mapping key, or a list entry by its ``id``
(compared as text) or, failing that, by integer index.  A path that names
nothing raises :class:`PathNotFoundError`, which says how much of the path
exists so the caller can locate the error.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from simulator.errors import PathPart, did_you_mean
from simulator.io.yaml import DocPath

__all__ = ["PathNotFoundError", "get_path", "resolve_path", "set_path"]


class PathNotFoundError(LookupError):
    """A dotted path does not exist in a document.

    Attributes
    ----------
    path : str
        The dotted path asked for.
    found : tuple
        The document path of the longest prefix that does exist (its last
        element is the container the missing part was looked up in), so the
        caller can locate the error.
    reason : str
        What is missing, e.g. ``no list entry with id 'kj-pool'``.
    """

    def __init__(self, path: str, found: DocPath, reason: str) -> None:
        self.path = path
        self.found = found
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def resolve_path(doc: Any, path: str) -> DocPath:
    """The document path (keys and list indexes) that dotted ``path`` names.

    Parameters
    ----------
    doc : Any
        Plain YAML data.
    path : str
        Dot-separated parts.  In a mapping a part is a key; in a list it is
        the ``id`` of an entry (compared as text) or, failing that, an integer
        index (negative indexes count from the end).

    Returns
    -------
    tuple
        E.g. ``("shocks", 0, "duration_days")`` for ``"shocks.ban.duration_days"``.

    Raises
    ------
    PathNotFoundError
        A part names no key, entry or index.
    """
    return _walk(doc, path, len(_split(path)))


def get_path(doc: Any, path: str) -> Any:
    """The value at dotted ``path`` in ``doc`` (see :func:`resolve_path`).

    Examples
    --------
    >>> doc = {"shocks": [{"id": "ban", "duration_days": 90}]}
    >>> get_path(doc, "shocks.ban.duration_days"), get_path(doc, "shocks.0.id")
    (90, 'ban')
    """
    node = doc
    for part in resolve_path(doc, path):
        node = node[part]
    return node


def set_path(
    doc: Mapping[str, Any], path: str, value: Any, *, create: bool = False
) -> dict[str, Any]:
    """A copy of ``doc`` with the value at dotted ``path`` set to ``value``.

    Parameters
    ----------
    doc : mapping
        Plain YAML data; it is not changed.
    path : str
        As for :func:`resolve_path`.  The last part may be a new key of an
        existing mapping; a list entry must exist.
    value : Any
        The new value (copied).
    create : bool
        Create missing intermediate mappings (e.g. ``ordering.adjustment_days``
        in a file with no ``ordering``) instead of raising.

    Returns
    -------
    dict
        A fresh document.

    Raises
    ------
    PathNotFoundError
        A part before the last names nothing (and ``create`` is false, or
        the container is a list), or the last part names no list entry.

    Examples
    --------
    >>> doc = {"shocks": [{"id": "ban", "mode": "ban"}]}
    >>> set_path(doc, "shocks.ban.duration_days", 120)
    {'shocks': [{'id': 'ban', 'mode': 'ban', 'duration_days': 120}]}
    """
    parts = _split(path)
    out = copy.deepcopy(dict(doc))
    node: Any = out
    for depth, part in enumerate(parts[:-1]):
        if create and isinstance(node, dict) and part not in node:
            node[part] = {}
        step = _step(node, part)
        if step is None:
            raise PathNotFoundError(path, _walk(out, path, depth), _missing(node, part))
        node = node[step]
    last = parts[-1]
    if isinstance(node, dict):
        node[last] = copy.deepcopy(value)
        return out
    step = _step(node, last)
    if step is None:
        raise PathNotFoundError(path, _walk(out, path, len(parts) - 1), _missing(node, last))
    node[step] = copy.deepcopy(value)
    return out


def _split(path: str) -> list[str]:
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise PathNotFoundError(path, (), "expected a dotted path such as shocks.ban.duration_days")
    return parts


def _walk(doc: Any, path: str, depth: int) -> DocPath:
    """The document path of the first ``depth`` parts of dotted ``path``."""
    out: list[PathPart] = []
    node = doc
    for part in _split(path)[:depth]:
        step = _step(node, part)
        if step is None:
            raise PathNotFoundError(path, tuple(out), _missing(node, part))
        out.append(step)
        node = node[step]
    return tuple(out)


def _step(node: Any, part: str) -> PathPart | None:
    """The key or index ``part`` names in ``node``, or None."""
    if isinstance(node, dict):
        return part if part in node else None
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, dict) and "id" in item and str(item["id"]) == part:
                return i
        try:
            index = int(part)
        except ValueError:
            return None
        if -len(node) <= index < len(node):
            return index % len(node)
    return None


def _missing(node: Any, part: str) -> str:
    if isinstance(node, dict):
        hint = did_you_mean(part, node)
        return f"no key {part!r}{hint}; found keys {', '.join(map(str, node)) or '(none)'}"
    if isinstance(node, list):
        ids = [str(i["id"]) for i in node if isinstance(i, dict) and "id" in i]
        known = f"ids {', '.join(ids)}" if ids else f"{len(node)} entries"
        return f"no list entry with id or index {part!r}{did_you_mean(part, ids)}; found {known}"
    return f"cannot look up {part!r} in the value {node!r}"
