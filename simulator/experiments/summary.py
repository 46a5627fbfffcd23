"""The end-of-batch summary: means and 95 % intervals per variant × country × commodity.

For each variant and each importing country (or coalition) × commodity, over
the ``n`` replications that ran:

- ``mean = x̄ = (1/n) Σ_r x_r`` of ``shortfall`` (units), ``fill_rate`` and
  ``economic_loss_usd`` (USD);
- the t-based 95 % interval ``x̄ ± t_{n-1, 0.975} · s / √n`` with ``s`` the
  sample standard deviation (no interval when ``n < 2``);
- ``p_shortfall``: the share of replications with any shortfall
  (``shortage_days > 0``).

Paired comparisons between variants belong to :mod:`simulator.analysis.compare`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import numpy as np
import numpy.typing as npt
from scipy import special

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["SUMMARY_METRICS", "summarise", "summarise_results", "t_interval"]

SUMMARY_METRICS: tuple[str, ...] = ("shortfall", "fill_rate", "economic_loss_usd")
"""Metrics summarised with a mean and an interval."""


def t_interval(
    values: Sequence[float] | np.ndarray, level: float = 0.95
) -> tuple[float, float, float]:
    """Mean and t-based ``level`` interval of ``values``: ``(mean, low, high)``.

    ``x̄ ± t_{n-1, (1+level)/2} · s / √n``; the bounds are NaN when ``n < 2``
    and equal the mean when every value is the same.

    Examples
    --------
    >>> [round(v, 3) for v in t_interval([1.0, 2.0, 3.0])]  # t_{2, 0.975} = 4.303, s = 1
    [2.0, -0.484, 4.484]
    """
    x = np.asarray(values, dtype=float)
    n = x.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if n < 2:
        return (mean, math.nan, math.nan)
    half = float(special.stdtrit(n - 1, (1 + level) / 2)) * float(x.std(ddof=1)) / math.sqrt(n)
    return (mean, mean - half, mean + half)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def summarise(summary: pd.DataFrame, variants: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One row per variant × country-or-group × commodity (JSON-ready).

    Parameters
    ----------
    summary : pandas.DataFrame
        The summary table of a batch (see :func:`~simulator.experiments.store.load_results`).
    variants : sequence of str, optional
        The order of variants in the output (default: as found).

    Returns
    -------
    list of dict
        Keys ``variant, country, commodity, group, n``, then
        ``<metric>_mean, <metric>_ci_low, <metric>_ci_high`` for each of
        :data:`SUMMARY_METRICS` and ``p_shortfall``.  Undefined numbers are None.
    """
    if summary.empty:
        return []
    keys = ["variant", "country", "commodity", "group"]
    rows: list[dict[str, Any]] = []
    for (variant, country, commodity, group), part in summary.groupby(keys, sort=False):
        row: dict[str, Any] = {
            "variant": str(variant),
            "country": str(country),
            "commodity": str(commodity),
            "group": bool(group),
            "n": len(part),
        }
        for metric in SUMMARY_METRICS:
            mean, low, high = t_interval(part[metric].to_numpy(dtype=float))
            row[f"{metric}_mean"] = _finite(mean)
            row[f"{metric}_ci_low"] = _finite(low)
            row[f"{metric}_ci_high"] = _finite(high)
        row["p_shortfall"] = float((part["shortage_days"] > 0).mean())
        rows.append(row)
    if variants is not None:
        rank = {name: i for i, name in enumerate(variants)}
        rows.sort(key=lambda r: rank.get(r["variant"], len(rank)))
    return rows


def summarise_results(out: str | Path, variants: Sequence[str]) -> list[dict[str, Any]]:
    """:func:`summarise` of the results folder ``out``, read with Arrow, without a DataFrame.

    The same rows, numbers included, as ``summarise(load_results(out)[1],
    variants)``: rows are put in the same order (variant, in ``variants``'
    order, then replication; a replication's rows as written) and each
    group's values reach :func:`t_interval` in that order.  Only the columns
    the summary needs are read, and no daily rows, so a large batch costs a
    few columns of memory, not its whole table.

    Raises
    ------
    FileNotFoundError
        ``out`` holds no summary chunks.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from simulator.io.arrow import array, to_numpy

    root = Path(out) / "summary"
    if not root.is_dir():
        raise FileNotFoundError(f"{out}: no summary chunks (summary/variant=*/chunk-*.parquet)")
    needed = ["replication", "country", "commodity", "group", *SUMMARY_METRICS, "shortage_days"]
    names: list[str] = []
    tables: list[pa.Table] = []
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or not folder.name.startswith("variant="):
            continue
        files = [f for f in sorted(folder.glob("*.parquet")) if not f.name.startswith((".", "_"))]
        for file in files:
            with pq.ParquetFile(file) as parquet:  # not read_table: pyarrow.dataset imports pandas
                table = parquet.read(columns=needed)
            code = array(np.full(table.num_rows, len(names), dtype=np.int64), pa.int64())
            tables.append(table.append_column("variant", code))
        names.append(unquote(folder.name.split("=", 1)[1]))
    table = pa.concat_tables(tables) if tables else None
    if table is None or table.num_rows == 0:
        return []
    variant = to_numpy(table.column("variant"))
    country, countries = _encoded(table.column("country"))
    commodity, commodities = _encoded(table.column("commodity"))
    group = to_numpy(table.column("group")).astype(np.int64)
    rank = {name: i for i, name in enumerate(variants)}
    by_rank = np.array([rank.get(v, len(rank)) for v in names], dtype=np.int64)
    by_name = np.argsort(np.argsort(np.array(names, dtype=object), kind="stable"), kind="stable")
    replication = to_numpy(table.column("replication"))
    order = np.lexsort((replication, by_name[variant], by_rank[variant]))  # a stable sort
    key = ((variant * len(countries) + country) * len(commodities) + commodity) * 2 + group
    _, first, inverse = np.unique(key[order], return_index=True, return_inverse=True)
    members = np.split(order[np.argsort(inverse, kind="stable")], np.cumsum(np.bincount(inverse)))
    values = {m: to_numpy(table.column(m)) for m in (*SUMMARY_METRICS, "shortage_days")}
    rows: list[dict[str, Any]] = []
    for g in np.argsort(first, kind="stable"):
        part = members[g]
        at = part[0]
        row: dict[str, Any] = {
            "variant": names[variant[at]],
            "country": countries[country[at]],
            "commodity": commodities[commodity[at]],
            "group": bool(group[at]),
            "n": len(part),
        }
        for metric in SUMMARY_METRICS:
            mean, low, high = t_interval(values[metric][part].astype(float))
            row[f"{metric}_mean"] = _finite(mean)
            row[f"{metric}_ci_low"] = _finite(low)
            row[f"{metric}_ci_high"] = _finite(high)
        row["p_shortfall"] = float((values["shortage_days"][part] > 0).mean())
        rows.append(row)
    rows.sort(key=lambda r: rank.get(r["variant"], len(rank)))
    return rows


def _encoded(column: pa.ChunkedArray) -> tuple[npt.NDArray[np.int64], list[str]]:
    """A string column as integer codes and the strings they stand for."""
    from simulator.io.arrow import to_numpy

    encoded = column.combine_chunks().dictionary_encode()
    codes = to_numpy(encoded.indices).astype(np.int64)
    return codes, [str(v) for v in encoded.dictionary.to_pylist()]
