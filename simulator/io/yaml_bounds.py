"""Bounds on a YAML document: how deep it nests and how far its aliases expand.

Both are checked before the document is converted to plain data, so a hostile
file fails fast with a located error instead of exhausting Python's recursion
limit (``RecursionError``) or memory (a "billion laughs" file: a few hundred
bytes of anchors and aliases standing for billions of values).
"""

from __future__ import annotations

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent

from simulator.errors import InputError, Location

__all__ = ["MAX_DEPTH", "MAX_EXPANDED_VALUES", "check_expansion", "check_nesting"]

MAX_DEPTH = 100
"""Deepest nesting of mappings and lists in a file (a scenario needs fewer than ten)."""

MAX_EXPANDED_VALUES = 1_000_000
"""Most values a file may stand for once its aliases (``*name``) are expanded."""


def check_nesting(yaml: YAML, text: str, file: str) -> Location | None:
    """Refuse nesting deeper than :data:`MAX_DEPTH`; returns where the first alias is.

    Walks the parser's events (the parser keeps an explicit stack, so a deep
    file cannot exhaust Python's recursion limit here, as the recursive
    composer would).
    """
    depth = 0
    first_alias: Location | None = None
    for event in yaml.parse(text):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise InputError.single(
                    f"expected mappings and lists nested at most {MAX_DEPTH} deep,"
                    f" found deeper nesting",
                    (),
                    Location(file, mark.line + 1, mark.column + 1),
                )
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        elif isinstance(event, AliasEvent) and first_alias is None:
            mark = event.start_mark
            first_alias = Location(file, mark.line + 1, mark.column + 1)
    return first_alias


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
