"""Pydantic validation errors as located issues: ``FILE:LINE:COL: dotted.path: message``.

Pydantic reports every problem with a ``loc`` tuple, but that tuple also holds
parts that are not in the document: union branch labels (``'distribution'``,
``'triangular'``, ``"literal['all']"``, ``'AllExcept'``) and the name of a
missing key.  :func:`validation_issues` maps each ``loc`` to a document path by
walking the parsed data and dropping the parts that are not keys or indexes of
the current value, then locates it with the document's
:class:`~simulator.io.yaml.SourceMap`:

* a value error is located at the value; an unknown key at the key;
* a missing key at the mapping that lacks it (the path names the key);
* a model-level check (``model_validator``) at the object itself;
* a path that is not in the file falls back to its nearest located ancestor.

When a value fits no branch of a union (``targets: 5``), pydantic reports one
error per branch; they become one issue naming every accepted form.  When the
value has the shape of one branch (a list for ``targets``), only that branch's
errors are kept.

Messages say what was expected and what was found, e.g.
``expected one of ban, quota, licensing; found 'embargo'`` or
``expected an integer >= 1, found -5``.  This module knows pydantic, not
scenarios: experiment files use it too.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt
from pydantic import AliasChoices, BaseModel, Tag, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from simulator.errors import InputError, Issue, Location, PathPart
from simulator.io.yaml import DocPath, YamlDocument

__all__ = ["validate_document", "validation_issues"]

M = TypeVar("M", bound=BaseModel)


def validate_document(model: type[M], document: YamlDocument) -> M:
    """``model.model_validate(document.data)``, with every error located.

    Parameters
    ----------
    model : type of pydantic.BaseModel
        The model the whole document describes (e.g. ``Scenario``).
    document : YamlDocument
        Parsed data and its positions.

    Returns
    -------
    the validated model

    Raises
    ------
    InputError
        One issue per problem (all of them, not the first).
    """
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        raise InputError(validation_issues(error, document, model)) from None


def validation_issues(
    error: ValidationError, document: YamlDocument, model: type[BaseModel]
) -> list[Issue]:
    """Every error of ``error`` as a located :class:`~simulator.errors.Issue`.

    Parameters
    ----------
    error : pydantic.ValidationError
        Raised by ``model.model_validate(document.data)``.
    document : YamlDocument
        The data that was validated, with its positions.
    model : type of pydantic.BaseModel
        The model validated against (used to list the keys a mapping accepts
        and the bounds of a number).

    Returns
    -------
    list of Issue
        In the order of their locations (by file, line, column).
    """
    found = [_place(e, document.data) for e in error.errors(include_url=False)]
    issues = [locate_issue(i, document) for i in _union_issues(found, document.data)]
    kept = [f for f in found if not f.dropped]
    issues.extend(_issue(f, document, model) for f in kept)
    return sorted(issues, key=_order)


def _order(issue: Issue) -> tuple[int, str, int, int]:
    loc = issue.location
    if loc is None:
        return (1, "", 0, 0)
    return (0, loc.file, loc.line, loc.column)


# --- from loc to document path -----------------------------------------------------------


@dataclass(slots=True)
class _Placed:
    """One pydantic error, placed in the document."""

    error: ErrorDetails
    path: DocPath
    """The document path: ``loc`` without the parts that are not in the document."""
    labels: list[tuple[DocPath, str | int]]
    """The dropped parts of ``loc`` (union branch labels), each with the path it was dropped at."""
    value: Any
    """The document's value at ``path``."""
    dropped: bool = False


def _place(error: ErrorDetails, data: Any) -> _Placed:
    loc = error["loc"]
    parts = loc[:-1] if error["type"] == "missing" else loc
    node = data
    path: list[PathPart] = []
    labels: list[tuple[DocPath, str | int]] = []
    for part in parts:
        if _contains(node, part):
            node = node[part]
            path.append(part)
        else:
            labels.append((tuple(path), part))
    return _Placed(error, tuple(path), labels, node)


def _contains(node: Any, part: str | int) -> bool:
    """Whether ``part`` is a key (of a mapping) or an index (of a list) of ``node``."""
    if isinstance(node, dict):
        return isinstance(part, str) and part in node
    if isinstance(node, list):
        return isinstance(part, int) and 0 <= part < len(node)
    return False


# --- unions: keep the branch the user meant ------------------------------------------------


def _union_issues(found: list[_Placed], data: Any) -> list[Issue]:
    """Resolve errors from several branches of one union; returns the combined issues.

    Errors of branches whose shape does not fit the value are marked
    ``dropped``.  When no branch fits, all the union's errors are dropped and
    replaced by one issue (not yet located) naming every accepted form.
    """
    points: dict[DocPath, list[_Placed]] = {}
    for f in found:
        if f.labels:
            points.setdefault(f.labels[0][0], []).append(f)
    combined: list[Issue] = []
    for point, members in points.items():
        labels = {str(m.labels[0][1]) for m in members}
        if len(labels) < 2:
            continue
        value = _value_at(data, point)
        plausible = {label for label in labels if _shape_fits(label, value)}
        if plausible:
            for m in members:
                if str(m.labels[0][1]) not in plausible:
                    m.dropped = True
            continue
        expected: list[str] = []
        for m in members:
            m.dropped = True
            phrase = _expected(m.error, None)
            if phrase is not None and phrase not in expected:
                expected.append(phrase)
        message = _expected_found(_either(expected) if expected else "another form", _found(value))
        combined.append(Issue(point, message))
    return combined


def _value_at(data: Any, path: DocPath) -> Any:
    node = data
    for part in path:
        node = node[part]
    return node


def _shape_fits(label: str, value: Any) -> bool:
    """Whether ``value`` has the shape of the union branch pydantic labels ``label``."""
    if label.startswith(("list[", "tuple[", "set[", "frozenset[")):
        return isinstance(value, list)
    if label.startswith("dict[") or label[:1].isupper():
        return isinstance(value, dict)
    if label.startswith("literal["):
        return _literal_fits(label[len("literal[") : -1], value)
    if label in ("str", "constrained-str"):
        return isinstance(value, str)
    if label in ("int", "float", "constrained-int", "constrained-float"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if label == "bool":
        return isinstance(value, bool)
    return True


def _literal_fits(inner: str, value: Any) -> bool:
    """Whether ``value`` is of the kind the literal values ``inner`` (``'all', 3``) are."""
    if isinstance(value, str):
        return "'" in inner or '"' in inner
    if isinstance(value, bool):
        return "True" in inner or "False" in inner
    if isinstance(value, int | float):
        return re.search(r"(^|, )-?\d", inner) is not None
    return value is None and "None" in inner


def _either(phrases: list[str]) -> str:
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


# --- one issue ---------------------------------------------------------------------------


def _issue(placed: _Placed, document: YamlDocument, model: type[BaseModel]) -> Issue:
    error = placed.error
    kind = error["type"]
    loc = error["loc"]
    path = placed.path
    positions = document.positions
    ctx = error.get("ctx", {})
    if kind == "missing":
        return Issue((*path, loc[-1]), "required key missing", positions.locate(path))
    if kind == "extra_forbidden":
        return Issue(path, _unknown_key(model, loc), positions.locate_key(path))
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        key = str(ctx.get("discriminator", "")).strip("'\"")
        if "expected_tags" in ctx:
            tags = _quoted(str(ctx["expected_tags"]))
        else:
            tags = _tags(model, loc, key)
        accepted = f"one of {', '.join(tags)}" if tags else "a known value"
        if kind == "union_tag_not_found" or not key:
            return Issue(
                (*path, key), f"required key missing; expected {accepted}", positions.locate(path)
            )
        return Issue(
            (*path, key),
            _expected_found(accepted, _found(ctx.get("tag"))),
            positions.locate((*path, key)),
        )
    if kind in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        message = str(cause) if cause is not None else re.sub(r"^\w+ error, ", "", error["msg"])
        return Issue(path, message, positions.locate(path))
    expected = _expected(error, _type_at(model, loc))
    found = _found(error["input"])
    if kind in ("too_short", "too_long") and "actual_length" in ctx:
        found = f"{ctx['actual_length']}"
    if expected is None:
        message = f"{_lower_first(error['msg'])}, found {found}"
    else:
        message = _expected_found(expected, found)
    return Issue(path, message, positions.locate(path))


def _expected_found(expected: str, found: str) -> str:
    separator = "; " if "," in expected else ", "
    return f"expected {expected}{separator}found {found}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _expected(error: ErrorDetails, typ: tuple[Any, tuple[Any, ...]] | None) -> str | None:
    """What the value should have been, as a phrase (``an integer >= 1``)."""
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind == "enum":
        values = _quoted(str(ctx.get("expected", "")))
        return f"one of {', '.join(values)}" if len(values) > 1 else ", ".join(values)
    if kind == "literal_error":
        values = _quoted(str(ctx.get("expected", "")))
        return f"one of {', '.join(values)}" if len(values) > 1 else f"'{values[0]}'"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return _bounded(error, typ)
    simple = {
        "int_parsing": "an integer",
        "int_type": "an integer",
        "int_from_float": "an integer",
        "float_parsing": "a number",
        "float_type": "a number",
        "finite_number": "a finite number",
        "bool_parsing": "true or false",
        "bool_type": "true or false",
        "string_type": "text",
        "string_sub_type": "text",
        "list_type": "a list",
        "tuple_type": "a list",
        "set_type": "a list",
        "dict_type": "a mapping",
        "model_type": "a mapping",
        "model_attributes_type": "a mapping",
        "dataclass_type": "a mapping",
        "none_required": "null",
    }
    if kind in simple:
        return simple[kind]
    if kind == "string_too_short":
        return f"text of at least {ctx['min_length']} characters"
    if kind == "string_too_long":
        return f"text of at most {ctx['max_length']} characters"
    if kind == "string_pattern_mismatch":
        return f"text matching the pattern {ctx['pattern']}"
    if kind == "too_short":
        n = ctx["min_length"]
        return f"at least {n} item{'s' if n != 1 else ''}"
    if kind == "too_long":
        n = ctx["max_length"]
        return f"at most {n} item{'s' if n != 1 else ''}"
    return None


def _bounded(error: ErrorDetails, typ: tuple[Any, tuple[Any, ...]] | None) -> str:
    """``an integer >= 1``, ``a number between 0 and 1``: the field's bounds, all of them."""
    ctx = error.get("ctx", {})
    bounds: dict[str, Any] = {}
    noun = "a number"
    if typ is not None:
        base, meta = typ
        noun = "an integer" if base is int else "a number"
        for item in meta:
            for cls, name in ((Ge, "ge"), (Gt, "gt"), (Le, "le"), (Lt, "lt")):
                if isinstance(item, cls):
                    bounds[name] = getattr(item, name)
    for name in ("ge", "gt", "le", "lt"):
        if name in ctx:
            bounds.setdefault(name, ctx[name])
    if "ge" in bounds and "le" in bounds:
        return f"{noun} between {_number(bounds['ge'])} and {_number(bounds['le'])}"
    symbols = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    parts = [f"{symbols[k]} {_number(v)}" for k, v in bounds.items() if k in symbols]
    return f"{noun} {' and '.join(parts)}"


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e7 else f"{value:g}"
    return str(value)


def _found(value: Any) -> str:
    """The value the user wrote, briefly."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    return str(value)


def _quoted(text: str) -> list[str]:
    """``'a', 'b' or 'c'`` → ``['a', 'b', 'c']``."""
    return re.findall(r"'([^']*)'", text)


def _unknown_key(model: type[BaseModel], loc: Sequence[str | int]) -> str:
    """``unknown key; expected one of ...; did you mean ...?``."""
    owner = _type_at(model, loc[:-1])
    fields: list[str] = []
    if owner is not None and _is_model(owner[0]):
        fields = [_display(name, info) for name, info in owner[0].model_fields.items()]
    if not fields:
        return "unknown key"
    message = f"unknown key; expected one of {', '.join(fields)}"
    close = difflib.get_close_matches(str(loc[-1]), fields, n=1, cutoff=0.6)
    if close:
        message += f"; did you mean {close[0]}?"
    return message


# --- walking the model's types along a loc --------------------------------------------------


def _type_at(
    model: type[BaseModel], loc: Sequence[str | int]
) -> tuple[Any, tuple[Any, ...]] | None:
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


def _is_model(tp: Any) -> bool:
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
    if _is_model(tp) and isinstance(part, str):
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
    if _is_model(tp):
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


def _tags(model: type[BaseModel], loc: Sequence[str | int], key: str) -> list[str]:
    """The accepted values of discriminator ``key`` of the union at ``loc``."""
    found = _type_at(model, loc)
    if found is None:
        return []
    members = _members(found[0]) or []
    tags: list[str] = []
    for member in members:
        tp, _ = _unwrap(member)
        info = tp.model_fields.get(key) if _is_model(tp) else None
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


def _display(name: str, info: FieldInfo) -> str:
    """The key a user writes for a field: its first alias, else its name."""
    choices = _choices(info)
    if choices:
        return choices[0]
    return info.alias or name


def locate_issue(issue: Issue, document: YamlDocument) -> Issue:
    """``issue`` located by its path in ``document`` (unchanged if already located)."""
    if issue.location is not None:
        return issue
    where: Location | None = document.positions.locate(issue.path)
    return issue.located(where)
