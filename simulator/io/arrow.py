"""Python values to Arrow arrays and record batches without importing pandas.

pyarrow's conversion of Python objects (``pa.array``, ``RecordBatch.from_pylist``,
``pa.scalar``) and of NumPy arrays first asks its pandas shim whether the values
are a pandas object, and that imports pandas (0.25-0.35 CPU s) the first time,
whether or not the values have anything to do with it.  A batch writes its rows
without any pandas object, so it builds its arrays here instead: the values go
into NumPy arrays whose memory becomes the Arrow buffers
(:meth:`pyarrow.Array.from_buffers`), the same arrays ``pa.array`` builds (a
null where a value is None, NaN kept as NaN).  Columns of other types, and
values these types do not hold as they are (a string in a float column, an
integer too large for ``int64``), go to ``pa.array``, which converts them or
raises as it always does.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

__all__ = ["array", "record_batch", "to_numpy"]

_NUMERIC: dict[pa.DataType, tuple[type[np.generic], str]] = {
    pa.int64(): (np.int64, "i"),
    pa.float64(): (np.float64, "iuf"),
}
"""Arrow type → its NumPy type and the kinds of NumPy array it is built from as is."""


def array(
    values: Sequence[Any] | npt.NDArray[Any],
    type: pa.DataType,
    missing: npt.NDArray[np.bool_] | None = None,
) -> pa.Array:
    """``pa.array(values, type)``; without pandas for int64, float64, bool and string.

    ``missing`` (with a NumPy array of ``values``) is True where the value is
    null, whatever ``values`` holds there, as ``pa.array``'s ``mask``.

    Examples
    --------
    >>> array([1.5, None, float("nan")], pa.float64()).to_pylist()
    [1.5, None, nan]
    >>> array(["KOR", None], pa.string()).equals(pa.array(["KOR", None], pa.string()))
    True
    """
    n = len(values)
    if n == 0:
        return pa.nulls(0, type)
    mask = missing if missing is not None and missing.any() else None
    present = values
    if not isinstance(values, np.ndarray) and None in values:
        absent = [i for i, v in enumerate(values) if v is None]
        if absent:
            mask = np.zeros(n, dtype=np.bool_)
            mask[absent] = True
            fill = "" if type == pa.string() else False if type == pa.bool_() else 0
            present = [fill if v is None else v for v in values]
    built = _from_values(present, type, mask)
    if built is not None:
        return built
    return pa.array(values, type) if missing is None else pa.array(values, type, mask=missing)


def _from_values(
    values: Sequence[Any] | npt.NDArray[Any], type: pa.DataType, mask: npt.NDArray[np.bool_] | None
) -> pa.Array | None:
    """The array from NumPy buffers, or None when ``values`` are not plainly of ``type``."""
    n = len(values)
    validity = None if mask is None else pa.py_buffer(np.packbits(~mask, bitorder="little"))
    nulls = 0 if mask is None else int(mask.sum())
    if type == pa.string():
        if isinstance(values, np.ndarray):
            return None
        try:
            encoded = [v.encode("utf-8") for v in values]
        except (AttributeError, UnicodeEncodeError):  # not a str, or a lone surrogate
            return None
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, encoded), np.int64, n), out=offsets[1:])
        if offsets[-1] >= 2**31:  # beyond a string array's 32-bit offsets
            return None
        data = pa.py_buffer(b"".join(encoded))
        buffers = [validity, pa.py_buffer(offsets.astype(np.int32)), data]
        return pa.Array.from_buffers(type, n, buffers, null_count=nulls)
    plain = np.asarray(values)
    if plain.ndim != 1:
        return None
    if type == pa.bool_():
        if plain.dtype != np.bool_:
            return None
        bits = np.packbits(plain, bitorder="little")
        return pa.Array.from_buffers(type, n, [validity, pa.py_buffer(bits)], null_count=nulls)
    numeric = _NUMERIC.get(type)
    if numeric is None or plain.dtype.kind not in numeric[1]:
        return None
    data = np.ascontiguousarray(plain, dtype=numeric[0])
    return pa.Array.from_buffers(type, n, [validity, pa.py_buffer(data)], null_count=nulls)


def record_batch(rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> pa.RecordBatch:
    """``pa.RecordBatch.from_pylist(rows, schema=schema)`` without pandas (see :func:`array`).

    A key missing from a row is a null, as in ``from_pylist``.
    """
    names = schema.names
    values: list[Sequence[Any]] | None = None
    if len(names) > 1:
        try:  # one C call per row while every row has every column
            values = list(zip(*map(operator.itemgetter(*names), rows), strict=True))
        except KeyError:
            values = None
    if values is None or not rows:
        values = [[row.get(name) for row in rows] for name in names]
    columns = [array(v, f.type) for v, f in zip(values, schema, strict=True)]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def to_numpy(values: pa.Array | pa.ChunkedArray) -> npt.NDArray[Any]:
    """``values.to_numpy(zero_copy_only=False)`` for numbers and booleans, without pandas.

    pyarrow converts to NumPy with its conversion to pandas, which imports pandas.
    Numbers go through DLPack instead (no copy for an array of one chunk); a
    null becomes NaN, in a float64 array for integers, as ``to_numpy`` does.
    Other types, and booleans with nulls (an object array), go to ``to_numpy``.

    Examples
    --------
    >>> to_numpy(pa.chunked_array([array([1, None], pa.int64()), array([3], pa.int64())]))
    array([ 1., nan,  3.])
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    kind = values.type
    if pa.types.is_boolean(kind) and values.null_count == 0:
        return np.from_dlpack(values.cast(pa.uint8())).view(np.bool_)
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        converted: npt.NDArray[Any] = values.to_numpy(zero_copy_only=False)
        return converted
    if values.null_count == 0:
        return np.from_dlpack(values)
    present = np.from_dlpack(values.drop_null())
    out = np.full(len(values), np.nan, np.float64 if pa.types.is_integer(kind) else present.dtype)
    out[np.from_dlpack(values.is_valid().cast(pa.uint8())).view(np.bool_)] = present
    return out
