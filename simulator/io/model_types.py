"""The types of a pydantic model along an error's ``loc``: fields, items, union branches.

Pydantic's ``loc`` steps through fields, list indexes, mapping keys and the
labels it gives union branches (a ``Tag``, a model's name or its literal tag,
``list[...]``, ``literal[...]``, ``constrained-int``).  :func:`type_at`
follows those steps through the model's annotations to the type that was
validated and its constraints (``Annotated`` metadata, ``Field`` bounds), so a
message can state a field's bounds; :func:`discriminator_tags` lists the
values a tagged union accepts and :func:`field_display` the key a user writes
for a field (its first alias).
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import AliasChoices, BaseModel, Tag
from pydantic.fields import FieldInfo

__all__ = ["discriminator_tags", "field_display", "is_model", "type_at"]


def type_at(model: type[BaseModel], loc: Sequence[str | int]) -> tuple[Any, tuple[Any, ...]] | None:
    """The type pydantic validated at ``loc`` and its constraints, or None if lost."""
    current: tuple[Any, tuple[Any, ...]] = (model, ())
    for part in loc:
        child = _child(current[0], part)
        if child is None:
            return None
        current = child
    return _final(*current)


def _unwrap(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    """Strip ``Annotated`` layers, collecting their metadata (FieldInfo constraints included)."""
    meta: list[Any] = []
    while get_origin(tp) is Annotated:
        tp, *extra = get_args(tp)
        for item in extra:
            meta.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return tp, tuple(meta)


def _members(tp: Any) -> list[Any] | None:
    if get_origin(tp) in (Union, types.UnionType):
        return [m for m in get_args(tp) if m is not type(None)]
    return None


def _final(tp: Any, meta: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
    """Unwrap ``Annotated`` and ``X | None`` down to the type that was validated."""
    while True:
        tp, more = _unwrap(tp)
        meta = (*meta, *more)
        members = _members(tp)
        if members is None or len(members) != 1:
            return tp, meta
        tp = members[0]


def is_model(tp: Any) -> bool:
    """Whether ``tp`` is a pydantic model class."""
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _child(tp: Any, part: str | int) -> tuple[Any, tuple[Any, ...]] | None:
    """The type one ``loc`` step below ``tp``: a field, an item, or a union branch."""
    tp, _ = _unwrap(tp)
    members = _members(tp)
    if members is not None:
        for member in members:
            if _is_label(member, part):
                return member, ()
        for member in members:
            found = _child(member, part)
            if found is not None:
                return found
        return None
    if is_model(tp) and isinstance(part, str):
        info = _field(tp, part)
        return None if info is None else (info.annotation, tuple(info.metadata))
    origin = get_origin(tp)
    args = get_args(tp)
    if origin is list and isinstance(part, int) and args:
        return args[0], ()
    if origin is dict and isinstance(part, str) and len(args) == 2:
        return args[1], ()
    return None


def _is_label(member: Any, part: str | int) -> bool:
    """Whether ``part`` is the label pydantic gives the union branch ``member``."""
    if not isinstance(part, str):
        return False
    tp, meta = _unwrap(member)
    if any(isinstance(m, Tag) and m.tag == part for m in meta):
        return True
    if is_model(tp):
        return part == tp.__name__ or part in _literal_values(tp)
    prefixes = {list: "list[", dict: "dict[", Literal: "literal["}
    origin = get_origin(tp)
    if origin in prefixes:
        return part.startswith(prefixes[origin])
    names = {float: "float", int: "int", str: "str", bool: "bool"}
    if tp in names:
        return part in (names[tp], f"constrained-{names[tp]}")
    return False


def _literal_values(model: type[BaseModel]) -> set[str]:
    """Values of the model's single-value ``Literal`` fields (discriminator tags)."""
    out: set[str] = set()
    for info in model.model_fields.values():
        if get_origin(info.annotation) is Literal:
            args = get_args(info.annotation)
            if len(args) == 1:
                out.add(str(args[0]))
    return out


def discriminator_tags(model: type[BaseModel], loc: Sequence[str | int], key: str) -> list[str]:
    """The accepted values of discriminator ``key`` of the union at ``loc``."""
    found = type_at(model, loc)
    if found is None:
        return []
    members = _members(found[0]) or []
    tags: list[str] = []
    for member in members:
        tp, _ = _unwrap(member)
        info = tp.model_fields.get(key) if is_model(tp) else None
        if info is not None and get_origin(info.annotation) is Literal:
            tags.extend(str(a) for a in get_args(info.annotation))
    return tags


def _field(model: type[BaseModel], part: str) -> FieldInfo | None:
    for name, info in model.model_fields.items():
        if part == name or part == info.alias or part in _choices(info):
            return info
    return None


def _choices(info: FieldInfo) -> list[str]:
    alias = info.validation_alias
    if isinstance(alias, str):
        return [alias]
    if isinstance(alias, AliasChoices):
        return [c for c in alias.choices if isinstance(c, str)]
    return []


def field_display(name: str, info: FieldInfo) -> str:
    """The key a user writes for a field: its first alias, else its name."""
    choices = _choices(info)
    if choices:
        return choices[0]
    return info.alias or name
