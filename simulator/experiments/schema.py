"""The JSON Schema of experiment files, for editors.

Generated from :class:`~simulator.experiments.spec.Experiment`;
``scenarios/schema/experiment.schema.json`` holds a copy that a test compares
with this function.  Shipped experiment files start with
``# yaml-language-server: $schema=../schema/experiment.schema.json``.
"""

from __future__ import annotations

from typing import Any

from simulator.experiments.spec import Experiment
from simulator.model.schema import file_json_schema

__all__ = ["experiment_json_schema"]


def experiment_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an experiment file.

    Examples
    --------
    >>> schema = experiment_json_schema()
    >>> sorted(schema["then"]["required"])
    ['name', 'scenario']
    """
    return file_json_schema(
        Experiment,
        "supplyshock experiment",
        "A supplyshock experiment file: a base scenario, the policy variants to compare"
        " (overlays on it), an optional sweep, the uncertainties drawn per replication,"
        " the replications and the root seed.",
    )
