"""The examples in the package's docstrings run and give what they say (``doctest``).

Every module of ``simulator`` is imported and its docstring examples run, so
an example that the code no longer honours (a figure of the dataset that
changed, a renamed argument) fails here instead of misleading a reader.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import simulator

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(simulator.__path__, prefix="simulator.")
    if not m.name.endswith("__main__")  # importing it runs the command line
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
