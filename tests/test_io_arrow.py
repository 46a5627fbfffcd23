"""Arrow arrays built without pandas equal pyarrow's own conversions.

:mod:`simulator.io.arrow` builds a batch's Arrow arrays from NumPy buffers and
reads columns back through DLPack, because pyarrow's conversions of Python
values and to NumPy import pandas.  Here every result is compared with
pyarrow's: the same type, nulls, values (NaN kept) and the same errors for
values a column cannot hold.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.io.arrow import array, record_batch, to_numpy

SETTINGS = settings(deadline=None, derandomize=True, database=None)
"""No deadline: a conversion's time is measured in benchmarks/, not tested (it failed here
under load), and the same examples on every run."""

TYPES = {
    "int64": (pa.int64(), st.integers(-(2**63), 2**63 - 1)),
    "float64": (pa.float64(), st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 5)),
    "bool": (pa.bool_(), st.booleans()),
    "string": (pa.string(), st.text()),
}


def _same(built: pa.Array, expected: pa.Array) -> None:
    built.validate(full=True)
    assert built.type == expected.type
    assert built.null_count == expected.null_count
    assert repr(built.to_pylist()) == repr(expected.to_pylist())  # NaN == NaN, -0.0 != 0.0


@pytest.mark.parametrize("name", TYPES)
@SETTINGS
@given(data=st.data())
def test_array_equals_pa_array(name: str, data: st.DataObject) -> None:
    typ, values = TYPES[name]
    items = data.draw(st.lists(st.none() | values, max_size=40))
    try:
        expected = pa.array(items, typ)
    except (pa.ArrowException, UnicodeEncodeError):
        with pytest.raises((pa.ArrowException, UnicodeEncodeError)):
            array(items, typ)
        return
    _same(array(items, typ), expected)


@pytest.mark.parametrize(
    ("values", "typ"),
    [
        (np.full(5, 3, dtype=np.int64), pa.int64()),
        (np.arange(4, dtype=np.int32), pa.int64()),
        (np.array([0.1, np.nan], dtype=np.float32), pa.float64()),
        (np.array([True, False]), pa.bool_()),
        ([np.float64(0.25), 1, 2.5], pa.float64()),
        ([], pa.string()),
    ],
)
def test_array_of_numpy_values_equals_pa_array(values: Any, typ: pa.DataType) -> None:
    _same(array(values, typ), pa.array(values, typ))


@pytest.mark.parametrize(
    ("values", "typ"),
    [(["a", 1.0], pa.float64()), ([2**64], pa.int64()), ([1, "a"], pa.string()), ([1], pa.bool_())],
)
def test_values_a_type_cannot_hold_fail_as_in_pa_array(values: list[Any], typ: pa.DataType) -> None:
    try:
        pa.array(values, typ)
    except Exception as error:  # whichever pyarrow raises
        expected = type(error)
    else:
        pytest.fail("pa.array accepted the values")
    with pytest.raises(expected):
        array(values, typ)


def test_record_batch_equals_from_pylist() -> None:
    schema = pa.schema(
        [
            pa.field("replication", pa.int64(), nullable=False),
            pa.field("country", pa.string(), nullable=False),
            pa.field("group", pa.bool_(), nullable=False),
            pa.field("tts_days", pa.float64()),
            pa.field("u.x", pa.float64()),
        ]
    )
    rows = [
        {"replication": 0, "country": "KOR", "group": False, "tts_days": None, "u.x": 0.5},
        {"replication": 1, "country": "KJ", "group": True, "tts_days": 12.0},  # u.x missing: null
    ]
    built = record_batch(rows, schema)
    assert built.equals(pa.RecordBatch.from_pylist(rows, schema=schema))
    assert built.schema.equals(schema, check_metadata=True)
    assert record_batch([], schema).equals(pa.RecordBatch.from_pylist([], schema=schema))


@pytest.mark.parametrize("name", ["int64", "float64", "bool"])
@SETTINGS
@given(data=st.data())
def test_to_numpy_equals_pyarrows(name: str, data: st.DataObject) -> None:
    typ, values = TYPES[name]
    chunks = data.draw(st.lists(st.lists(st.none() | values, max_size=8), min_size=1, max_size=3))
    try:
        column = pa.chunked_array([pa.array(c, typ) for c in chunks], typ)
    except pa.ArrowException:
        return  # a value the type cannot hold
    offset = data.draw(st.integers(0, len(column)))
    for part in (column, column.slice(offset)):
        expected = part.to_numpy()
        got = to_numpy(part)
        assert got.dtype == expected.dtype
        assert got.shape == expected.shape
        if got.dtype.kind == "f":
            assert np.array_equal(got, expected, equal_nan=True)
            assert np.array_equal(np.signbit(got), np.signbit(expected))
        else:
            assert got.tolist() == expected.tolist()


@SETTINGS
@given(
    values=st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=40),
    data=st.data(),
)
def test_missing_values_are_nulls_as_with_a_mask(values: list[float], data: st.DataObject) -> None:
    """``missing`` marks nulls in a NumPy array as ``pa.array``'s ``mask`` does, for both types."""
    missing = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    )
    floats = np.array(values, dtype=np.float64)
    whole = np.arange(len(values), dtype=np.int64)
    for given_values, typ in ((floats, pa.float64()), (whole, pa.float64()), (whole, pa.int64())):
        _same(
            array(given_values, typ, missing.astype(np.bool_)),
            pa.array(given_values, typ, mask=missing.astype(np.bool_)),
        )
