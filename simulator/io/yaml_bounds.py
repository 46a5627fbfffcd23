"""Bounds on a YAML document: how deep it nests and how far its aliases expand.

Both are checked before the document is converted to plain data, so a hostile
file fails fast with a located error instead of exhausting Python's recursion
limit (``RecursionError``) or memory (a "billion laughs" file: a few hundred
bytes of anchors and aliases standing for billions of values).
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.parser import RoundTripParser

from simulator.errors import InputError, Location

__all__ = ["MAX_DEPTH", "MAX_EXPANDED_VALUES", "check_expansion", "load_bounded"]

MAX_DEPTH = 100
"""Deepest nesting of mappings and lists in a file (a scenario needs fewer than ten)."""

MAX_EXPANDED_VALUES = 1_000_000
"""Most values a file may stand for once its aliases (``*name``) are expanded."""


class _TooDeepError(Exception):
    """A mapping or list nested deeper than :data:`MAX_DEPTH` starts at ``mark``."""

    def __init__(self, mark: Any) -> None:
        super().__init__(mark)
        self.mark = mark


class _BoundedParser(RoundTripParser):
    """ruamel's round-trip parser, counting the nesting of the events it hands the composer.

    The composer takes every event with ``get_event``, so the document is
    parsed once: a mapping or list deeper than :data:`MAX_DEPTH` stops it
    there (its own recursion is then about a hundred levels deep, far from
    Python's limit), and the first alias is noted.
    """

    def __init__(self, loader: Any) -> None:
        super().__init__(loader)
        self.depth = 0
        self.first_alias: Any = None  # the mark of the first alias, if any

    def get_event(self) -> Any:
        event = super().get_event()
        if isinstance(event, CollectionStartEvent):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _TooDeepError(event.start_mark)
        elif isinstance(event, CollectionEndEvent):
            self.depth -= 1
        elif isinstance(event, AliasEvent) and self.first_alias is None:
            self.first_alias = event.start_mark
        return event


def load_bounded(text: str, file: str) -> tuple[Any, Location | None]:
    """ruamel's round-trip load of ``text``, refusing nesting deeper than :data:`MAX_DEPTH`.

    Returns the loaded document and where its first alias is (None without
    aliases), for :func:`check_expansion`.  One pass over the text: the
    nesting is counted on the events as the composer takes them.  ruamel's
    errors (syntax, duplicate keys) propagate.
    """
    yaml = YAML(typ="rt")
    yaml.Parser = _BoundedParser
    try:
        loaded = yaml.load(text)
    except _TooDeepError as error:
        raise InputError.single(
            f"expected mappings and lists nested at most {MAX_DEPTH} deep, found deeper nesting",
            (),
            _location(file, error.mark),
        ) from None
    mark = yaml.parser.first_alias
    return loaded, None if mark is None else _location(file, mark)


def _location(file: str, mark: Any) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


def check_expansion(loaded: object, first_alias: Location) -> None:
    """Refuse a document whose aliases expand to more than :data:`MAX_EXPANDED_VALUES`.

    A few lines of anchors and aliases can stand for billions of values (the
    "billion laughs" file); the size is counted on the shared structure, each
    distinct container once, before anything is expanded.
    """
    sizes: dict[int, int] = {}

    def size(node: object, busy: frozenset[int]) -> int:
        if not isinstance(node, CommentedMap | CommentedSeq):
            return 1
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in busy:
            return 1  # a recursive alias: reported when converted
        inner = busy | {id(node)}
        children = node.values() if isinstance(node, CommentedMap) else node
        total = 1
        for child in children:
            total += size(child, inner)
            if total > MAX_EXPANDED_VALUES:
                break
        sizes[id(node)] = total
        return total

    if size(loaded, frozenset()) > MAX_EXPANDED_VALUES:
        raise InputError.single(
            f"aliases (*name) expand this document to more than {MAX_EXPANDED_VALUES:,} values;"
            ' expected a document of plain data (is it a "billion laughs" file?)',
            (),
            first_alias,
        )
