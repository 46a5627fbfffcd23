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
scenarios: experiment files use it too.  The phrases of the messages are in
:mod:`simulator.io.validation_messages`, the walk along the model's types that
finds a field's bounds and a union's accepted tags in :mod:`simulator.io.model_types`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from simulator.errors import InputError, Issue, Location, PathPart
from simulator.io.model_types import discriminator_tags, type_at
from simulator.io.validation_messages import (
    either,
    expected_found,
    expected_phrase,
    found_text,
    lower_first,
    quoted,
    unknown_key_message,
)
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
            phrase = expected_phrase(m.error, None)
            if phrase is not None and phrase not in expected:
                expected.append(phrase)
        accepted = either(expected) if expected else "another form"
        message = expected_found(accepted, found_text(value))
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
        return Issue(path, unknown_key_message(model, loc), positions.locate_key(path))
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        key = str(ctx.get("discriminator", "")).strip("'\"")
        if "expected_tags" in ctx:
            tags = quoted(str(ctx["expected_tags"]))
        else:
            tags = discriminator_tags(model, loc, key)
        accepted = f"one of {', '.join(tags)}" if tags else "a known value"
        if kind == "union_tag_not_found" or not key:
            return Issue(
                (*path, key), f"required key missing; expected {accepted}", positions.locate(path)
            )
        return Issue(
            (*path, key),
            expected_found(accepted, found_text(ctx.get("tag"))),
            positions.locate((*path, key)),
        )
    if kind in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        message = str(cause) if cause is not None else re.sub(r"^\w+ error, ", "", error["msg"])
        return Issue(path, message, positions.locate(path))
    expected = expected_phrase(error, type_at(model, loc))
    found = found_text(error["input"])
    if kind in ("too_short", "too_long") and "actual_length" in ctx:
        found = f"{ctx['actual_length']}"
    if expected is None:
        message = f"{lower_first(error['msg'])}, found {found}"
    else:
        message = expected_found(expected, found)
    return Issue(path, message, positions.locate(path))


def locate_issue(issue: Issue, document: YamlDocument) -> Issue:
    """``issue`` located by its path in ``document`` (unchanged if already located)."""
    if issue.location is not None:
        return issue
    where: Location | None = document.positions.locate(issue.path)
    return issue.located(where)
