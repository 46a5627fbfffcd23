"""The phrases of a validation message: what was expected, what was found.

``expected one of ban, quota, licensing; found 'embargo'``, ``expected an
integer >= 1, found -5``, ``unknown key; expected one of ...; did you mean
...?``: each pydantic error type becomes a phrase a person reads, with the
bounds of the field (from the model's ``Annotated`` constraints) and the value
as the user wrote it (``null``, ``true``, ``a mapping``, a short quoted text).
Used by :mod:`simulator.io.validation`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic_core import ErrorDetails

from simulator.io.model_types import field_display, is_model, type_at

__all__ = [
    "either",
    "expected_found",
    "expected_phrase",
    "found_text",
    "lower_first",
    "quoted",
    "unknown_key_message",
]


def either(phrases: list[str]) -> str:
    """``a, b or c``: the accepted forms of a value, as one phrase."""
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def expected_found(expected: str, found: str) -> str:
    """``expected EXPECTED, found FOUND`` (``;`` before ``found`` when ``expected`` has commas)."""
    separator = "; " if "," in expected else ", "
    return f"expected {expected}{separator}found {found}"


def lower_first(text: str) -> str:
    """``text`` with its first letter in lower case (pydantic's messages start upper case)."""
    return text[:1].lower() + text[1:]


def expected_phrase(error: ErrorDetails, typ: tuple[Any, tuple[Any, ...]] | None) -> str | None:
    """What the value should have been, as a phrase (``an integer >= 1``)."""
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind == "enum":
        values = quoted(str(ctx.get("expected", "")))
        return f"one of {', '.join(values)}" if len(values) > 1 else ", ".join(values)
    if kind == "literal_error":
        values = quoted(str(ctx.get("expected", "")))
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


def found_text(value: Any) -> str:
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


def quoted(text: str) -> list[str]:
    """``'a', 'b' or 'c'`` → ``['a', 'b', 'c']``."""
    return re.findall(r"'([^']*)'", text)


def unknown_key_message(model: type[BaseModel], loc: Sequence[str | int]) -> str:
    """``unknown key; expected one of ...; did you mean ...?``."""
    owner = type_at(model, loc[:-1])
    fields: list[str] = []
    if owner is not None and is_model(owner[0]):
        fields = [field_display(name, info) for name, info in owner[0].model_fields.items()]
    if not fields:
        return "unknown key"
    message = f"unknown key; expected one of {', '.join(fields)}"
    close = difflib.get_close_matches(str(loc[-1]), fields, n=1, cutoff=0.6)
    if close:
        message += f"; did you mean {close[0]}?"
    return message
