"""Files in and out: YAML with positions, ``extends``, scenario loading, resolved dumps.

Every error found in a user's file is an :class:`~simulator.errors.InputError`
whose issues read ``FILE:LINE:COL: dotted.path: message``.

The names below are loaded on first use, so importing one light module (say
:mod:`simulator.io.yaml` or :mod:`simulator.io.dataset`) does not import the
models, and the models may use this package without an import cycle.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.io.extends import (
        deep_merge,
        load_with_extends,
        merge_documents,
        resolve_extends,
    )
    from simulator.io.paths import PathNotFoundError, get_path, resolve_path, set_path
    from simulator.io.resolved import dump_scenario_yaml
    from simulator.io.scenario_file import (
        load_scenario,
        load_scenario_document,
        load_scenario_text,
        merge_dataset,
        scenario_from_document,
    )
    from simulator.io.validation import validate_document, validation_issues
    from simulator.io.yaml import DocPath, SourceMap, YamlDocument, parse_yaml, read_yaml

__all__ = [
    "DocPath",
    "PathNotFoundError",
    "SourceMap",
    "YamlDocument",
    "deep_merge",
    "dump_scenario_yaml",
    "get_path",
    "load_scenario",
    "load_scenario_document",
    "load_scenario_text",
    "load_with_extends",
    "merge_dataset",
    "merge_documents",
    "parse_yaml",
    "read_yaml",
    "resolve_extends",
    "resolve_path",
    "scenario_from_document",
    "set_path",
    "validate_document",
    "validation_issues",
]

_HOME = {
    "simulator.io.extends": (
        "deep_merge",
        "load_with_extends",
        "merge_documents",
        "resolve_extends",
    ),
    "simulator.io.paths": ("PathNotFoundError", "get_path", "resolve_path", "set_path"),
    "simulator.io.resolved": ("dump_scenario_yaml",),
    "simulator.io.scenario_file": (
        "load_scenario",
        "load_scenario_document",
        "load_scenario_text",
        "merge_dataset",
        "scenario_from_document",
    ),
    "simulator.io.validation": ("validate_document", "validation_issues"),
    "simulator.io.yaml": ("DocPath", "SourceMap", "YamlDocument", "parse_yaml", "read_yaml"),
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` when it is first asked for."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
