"""The JSON Schema of scenario files, for editors (completion and checks while typing).

Generated from :class:`~simulator.model.scenario.Scenario`, so it never drifts
from the models; ``scenarios/schema/scenario.schema.json`` holds a copy that a
test compares with this function.  Editors pick it up from a first line such as
``# yaml-language-server: $schema=../schema/scenario.schema.json``.

The schema describes one file as written, which is looser than the validated
scenario in three ways: ``extends`` is allowed; a file that extends another
need not repeat the required keys; and commodity and link entries may omit
the figures a dataset (``data:``) provides.  Everything else, the loader
checks exactly as the schema says.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from simulator.model.scenario import Scenario

__all__ = ["file_json_schema", "scenario_json_schema"]

_DATASET_FIGURES = {
    "Commodity": {"price_usd_per_unit", "value_at_risk_usd_per_unit"},
    "Link": {"flow_per_year", "lead_time_days"},
}


def file_json_schema(model: type[BaseModel], title: str, description: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a YAML file validated by ``model``.

    ``extends`` is allowed, and a file that extends another need not repeat
    the required keys (it inherits them).
    """
    generated = model.model_json_schema(by_alias=True, mode="validation")
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": description,
    }
    for key, value in generated.items():
        if key not in ("title", "description"):
            schema[key] = copy.deepcopy(value)
    properties: dict[str, Any] = {
        "extends": {
            "type": "string",
            "title": "Extends",
            "description": (
                "A base file, relative to this one, that this file overlays:"
                " mappings merge, lists of entries with an id merge by id, null removes a key."
            ),
        }
    }
    properties.update(schema.get("properties", {}))
    schema["properties"] = properties
    required = schema.pop("required", [])
    if required:
        # A file that extends a base inherits the required keys from it.
        schema["if"] = {"not": {"required": ["extends"]}}
        schema["then"] = {"required": required}
    return schema


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file.

    Returns
    -------
    dict
        Ready for ``json.dumps``; keys are in a stable order.

    Examples
    --------
    >>> schema = scenario_json_schema()
    >>> schema["properties"]["extends"]["type"]
    'string'
    >>> "horizon_days" in schema["properties"]
    True
    """
    schema = file_json_schema(
        Scenario,
        "supplyshock scenario",
        "A supplyshock scenario file: the trade network of one or more commodities,"
        " export-control shocks and stockpile policies. Units live in key names"
        " (_days, _per_year, _usd_per_unit).",
    )
    for name, figures in _DATASET_FIGURES.items():
        definition = schema.get("$defs", {}).get(name)
        if definition is None:
            continue
        kept = [r for r in definition.get("required", []) if r not in figures]
        if kept:
            definition["required"] = kept
        else:
            definition.pop("required", None)
        definition["description"] = (
            definition.get("description", "")
            + " With data: set, figures the dataset provides may be omitted."
        ).strip()
    return schema
