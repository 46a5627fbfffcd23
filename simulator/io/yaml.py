"""YAML 1.2 text to plain data, with the position of every key, value and list item.

Scenario and experiment files are read with ruamel.yaml's round-trip loader
(``YAML(typ="rt")``), which follows YAML 1.2: ``NO`` stays the string ``"NO"``
and ``1e3`` is the number 1000.0.  The loader builds no Python object from a
tag, so a tag such as ``!!python/object`` is reported as an error, never run.

The parsed document is handed on as plain data (``dict``, ``list``, ``str``,
``int``, ``float``, ``bool``, ``None``) together with a :class:`SourceMap` from
document paths (tuples of keys and list indexes) to 1-based
:class:`~simulator.errors.Location` objects, so any later check can say where
in which file a value came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scalarbool import ScalarBoolean

from simulator.errors import InputError, Issue, Location, PathPart
from simulator.io.files import read_input_file
from simulator.io.yaml_bounds import check_expansion, load_bounded

__all__ = ["DocPath", "SourceMap", "YamlDocument", "parse_yaml", "read_yaml"]

DocPath = tuple[PathPart, ...]
"""A path into a parsed document: mapping keys (``str``) and list indexes (``int``)."""

_STANDARD_TAG = "tag:yaml.org,2002:"


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Where each part of a parsed document was written.

    Attributes
    ----------
    values : dict
        Document path → location of the value at that path (for a mapping or
        a list, where it starts; for a list item, where the item starts).
        The root document has the empty path ``()``.
    keys : dict
        Document path → location of the mapping key that introduces the value
        at that path.  List items have no key.
    """

    values: dict[DocPath, Location] = field(default_factory=dict)
    keys: dict[DocPath, Location] = field(default_factory=dict)

    def locate(self, path: Sequence[PathPart]) -> Location | None:
        """The location of the value at ``path``, or of its nearest located ancestor.

        Parameters
        ----------
        path : sequence of str or int
            A document path; it need not exist in the document (a value added
            later, e.g. from a dataset, falls back to its container).

        Returns
        -------
        Location or None
            None only when not even the root is located (an empty map).
        """
        p = tuple(path)
        while True:
            found = self.values.get(p)
            if found is not None or not p:
                return found
            p = p[:-1]

    def locate_key(self, path: Sequence[PathPart]) -> Location | None:
        """The location of the key that introduces ``path``, else :meth:`locate`."""
        found = self.keys.get(tuple(path))
        return found if found is not None else self.locate(path)

    def under(self, prefix: Sequence[PathPart]) -> Iterator[tuple[DocPath, Location, bool]]:
        """Every entry at or below ``prefix``: ``(path, location, is_key)``."""
        p = tuple(prefix)
        n = len(p)
        for path, loc in self.values.items():
            if path[:n] == p:
                yield path, loc, False
        for path, loc in self.keys.items():
            if path[:n] == p:
                yield path, loc, True


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A parsed YAML file: plain ``data``, its ``positions``, and the ``file`` name shown."""

    data: Any
    positions: SourceMap
    file: str

    def locate(self, path: Sequence[PathPart]) -> Location | None:
        """Shorthand for ``self.positions.locate(path)``."""
        return self.positions.locate(path)


def read_yaml(path: str | Path) -> YamlDocument:
    """Read and parse a YAML file; locations name the file as ``str(path)``.

    Parameters
    ----------
    path : str or pathlib.Path
        The file to read (UTF-8, an optional byte-order mark is skipped).

    Returns
    -------
    YamlDocument

    Raises
    ------
    InputError
        The file cannot be read (see :func:`~simulator.io.files.read_input_file`:
        regular files of bounded size only) or decoded, is not valid YAML, or
        holds a duplicate key, a tag or a value that is not plain data.
    """
    name = str(path)
    raw = read_input_file(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"expected UTF-8 text, found byte 0x{raw[error.start]:02x}"
        raise InputError.single(message, (), Location(name, line, column)) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, file: str = "<string>") -> YamlDocument:
    """Parse YAML 1.2 ``text`` into plain data and a :class:`SourceMap`.

    Parameters
    ----------
    text : str
        One YAML document.
    file : str
        The name locations carry (usually the path as the user gave it).

    Returns
    -------
    YamlDocument
        ``data`` is None for an empty document.

    Raises
    ------
    InputError
        A syntax error (at the position ruamel.yaml reports), a duplicate key,
        a tag other than the standard ones, or a value that is not plain data.

    Examples
    --------
    >>> doc = parse_yaml("country: NO\\nflow: 1e3\\n", "x.yaml")
    >>> doc.data
    {'country': 'NO', 'flow': 1000.0}
    >>> str(doc.positions.values[("flow",)])
    'x.yaml:2:7'
    """
    try:
        loaded, first_alias = load_bounded(text, file)
    except DuplicateKeyError as error:
        raise InputError([_duplicate_key_issue(text, file, error)]) from None
    except MarkedYAMLError as error:
        raise InputError([_syntax_issue(file, error)]) from None
    except ReaderError as error:
        line, column = _line_column(text, error.position)
        raise InputError.single(
            f"YAML syntax error: {error.reason} (character {error.character!r})",
            (),
            Location(file, line, column),
        ) from None
    except YAMLError as error:
        raise InputError.single(f"YAML syntax error: {error}", (), Location(file, 1, 1)) from None
    if first_alias is not None:
        check_expansion(loaded, first_alias)
    builder = _Builder(file)
    data = builder.convert(loaded, (), builder.root_location(loaded), frozenset())
    if builder.issues:
        raise InputError(builder.issues)
    return YamlDocument(data, builder.positions, file)


# --- conversion to plain data ------------------------------------------------------------


class _Builder:
    """Walks ruamel's round-trip objects into plain data, recording positions and issues."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions = SourceMap()
        self.issues: list[Issue] = []

    def at(self, line: int, column: int) -> Location:
        """A location from ruamel's 0-based line and column."""
        return Location(self.file, line + 1, column + 1)

    def root_location(self, loaded: object) -> Location:
        if isinstance(loaded, CommentedMap | CommentedSeq):
            return self.at(loaded.lc.line, loaded.lc.col)
        return Location(self.file, 1, 1)

    def convert(self, node: object, path: DocPath, where: Location, busy: frozenset[int]) -> Any:
        """Plain data for ``node`` at ``path`` (``busy``: containers being converted)."""
        self.positions.values[path] = where
        if isinstance(node, CommentedMap | CommentedSeq):
            if id(node) in busy:
                self.issues.append(
                    Issue(path, "a recursive alias (a value that contains itself)", where)
                )
                return None
            tag = node.tag.value
            if tag is not None and tag not in (_STANDARD_TAG + "map", _STANDARD_TAG + "seq"):
                self.issues.append(Issue(path, _tag_message(tag), where))
                return None
            if type(node).__name__ not in ("CommentedMap", "CommentedSeq"):
                self.issues.append(Issue(path, _unsupported(node), where))
                return None
            inner = busy | {id(node)}
            if isinstance(node, CommentedMap):
                return self.mapping(node, path, where, inner)
            return self.sequence(node, path, where, inner)
        return self.scalar(node, path, where)

    def mapping(
        self, node: CommentedMap, path: DocPath, where: Location, busy: frozenset[int]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            lc = node.lc.data.get(key)
            key_at = where if lc is None else self.at(lc[0], lc[1])
            value_at = where if lc is None else self.at(lc[2], lc[3])
            name = self.key(key, path, key_at)
            if name is None:
                continue
            child = (*path, name)
            self.positions.keys[child] = key_at
            out[name] = self.convert(value, child, value_at, busy)
        return out

    def sequence(
        self, node: CommentedSeq, path: DocPath, where: Location, busy: frozenset[int]
    ) -> list[Any]:
        out: list[Any] = []
        for i, item in enumerate(node):
            lc = node.lc.data.get(i)
            item_at = where if lc is None else self.at(lc[0], lc[1])
            out.append(self.convert(item, (*path, i), item_at, busy))
        return out

    def key(self, key: object, path: DocPath, where: Location) -> str | None:
        """A mapping key as text; integer keys (``2024:``) become their digits."""
        if isinstance(key, str):
            return str(key)
        if isinstance(key, int) and not isinstance(key, bool | ScalarBoolean):
            return str(int(key))
        self.issues.append(
            Issue(path, f"expected a text key, found {_kind(key)} {_short(key)}", where)
        )
        return None

    def scalar(self, node: object, path: DocPath, where: Location) -> Any:
        if node is None:
            return None
        if isinstance(node, bool | ScalarBoolean):
            return bool(node)
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):
            return float(node)
        if isinstance(node, str):
            return str(node)
        if isinstance(node, TaggedScalar):
            tag = node.tag.value
            if tag == _STANDARD_TAG + "str":
                return str(node.value)
            self.issues.append(Issue(path, _tag_message(str(tag)), where))
            return None
        if isinstance(node, dt.date):
            # A date-like scalar (2023-08-01) is kept as the text it was written as;
            # no scenario field holds a date.
            return node.isoformat()
        self.issues.append(Issue(path, _unsupported(node), where))
        return None


def _tag_message(tag: str) -> str:
    shown = "!!" + tag[len(_STANDARD_TAG) :] if tag.startswith(_STANDARD_TAG) else tag
    return (
        f"unsupported tag {shown}; expected plain YAML data"
        " (mappings, lists, text, numbers, true/false, null)"
    )


def _unsupported(value: object) -> str:
    return (
        f"unsupported YAML value {_kind(value)}; expected plain YAML data"
        " (mappings, lists, text, numbers, true/false, null)"
    )


def _kind(value: object) -> str:
    return f"({type(value).__name__})"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- syntax and duplicate-key errors ------------------------------------------------------


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` of ``text``."""
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _syntax_issue(file: str, error: MarkedYAMLError) -> Issue:
    mark = error.problem_mark or error.context_mark
    where = Location(file, mark.line + 1, mark.column + 1) if mark is not None else None
    message = f"YAML syntax error: {error.problem or error.context or 'invalid YAML'}"
    if error.context and error.problem:
        context = str(error.context)
        if error.context_mark is not None and error.context_mark is not mark:
            cm = error.context_mark
            context += f" at line {cm.line + 1}, column {cm.column + 1}"
        message += f" ({context})"
    return Issue((), message, where)


def _duplicate_key_issue(text: str, file: str, error: DuplicateKeyError) -> Issue:
    """Locate a duplicate key and name its document path and first occurrence."""
    mark = error.problem_mark
    where = Location(file, mark.line + 1, mark.column + 1)
    found = _find_key(YAML(typ="rt").compose(text), (), (mark.line, mark.column))
    if found is None:
        return Issue((), f"duplicate key: {error.problem}", where)
    path, first = found
    return Issue(
        path,
        f"duplicate key {path[-1]!r}; it is already defined at line {first[0] + 1},"
        f" column {first[1] + 1} of this mapping",
        where,
    )


def _find_key(
    node: Node | None, path: DocPath, mark: tuple[int, int]
) -> tuple[DocPath, tuple[int, int]] | None:
    """The path of the key node starting at ``mark`` and where its first twin starts."""
    if isinstance(node, MappingNode):
        seen: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
            start = (key_node.start_mark.line, key_node.start_mark.column)
            if start == mark and name in seen:
                return (*path, name), seen[name]
            seen.setdefault(name, start)
            found = _find_key(value_node, (*path, name), mark)
            if found is not None:
                return found
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            found = _find_key(item, (*path, i), mark)
            if found is not None:
                return found
    return None
