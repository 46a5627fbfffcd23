"""The daily step is compiled without numba's reference counts (``simulator.engine.compiled``).

The counts are invisible in results, so the tests look at what numba makes:
the LLVM IR of a function compiled as :func:`~simulator.engine.compiled.daily`
compiles (without its disk cache, whose code cannot be inspected), beside the
same function compiled with numba's defaults, which must show the counts for
the check to mean anything.  Then: every compiled function of the daily
step's modules is compiled so, and such a function cannot allocate.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest
from numba import njit
from numba.core.errors import TypingError

from simulator.engine.compiled import OPTIONS

DAILY_MODULES = (
    "kernel",
    "rerouting",
    "shipping",
    "rows",
    "span",
    "pricing",
    "policy_layout",
    "policy_kernel",
    "transfer_kernel",
)


def _uncached(**extra: Any) -> Any:
    return njit(**{**OPTIONS, "cache": False, **extra})


def _caller(compile_: Any) -> Any:
    """A function that passes arrays to another, in a loop, as the daily step does."""

    @compile_
    def add_row(matrix: Any, row: int, values: Any) -> None:
        for k in range(values.shape[0]):
            matrix[row, k] += values[k]

    @compile_
    def add_rows(matrix: Any, values: Any) -> None:
        for row in range(matrix.shape[0]):
            add_row(matrix, row, values)

    return add_rows


def _ir(dispatcher: Any) -> str:
    matrix, values = np.zeros((3, 4)), np.arange(4.0)
    dispatcher(matrix, values)
    np.testing.assert_array_equal(matrix, np.tile(values, (3, 1)))
    return "\n".join(dispatcher.inspect_llvm().values())


def test_daily_code_takes_no_reference_counts() -> None:
    assert "NRT_incref" in _ir(_caller(njit(cache=False)))  # what the check would see
    assert "NRT_incref" not in _ir(_caller(_uncached()))
    assert "NRT_decref" not in _ir(_caller(_uncached()))


@pytest.mark.parametrize("name", DAILY_MODULES)
def test_every_function_of_the_daily_step_is_compiled_so(name: str) -> None:
    module = importlib.import_module(f"simulator.engine.{name}")
    compiled = [
        value for value in vars(module).values() if hasattr(value, "targetoptions")
        and value.py_func.__module__ == module.__name__
    ]  # fmt: skip
    assert compiled, f"no compiled function found in {module.__name__}"
    for dispatcher in compiled:
        assert dispatcher.targetoptions.get("_nrt") is False, dispatcher.py_func.__qualname__


def test_a_daily_function_cannot_allocate() -> None:
    @_uncached()
    def allocates(n: int) -> float:
        return float(np.zeros(n).sum())

    with pytest.raises(TypingError):
        allocates(3)
