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
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

__all__ = ["SUMMARY_METRICS", "summarise", "t_interval"]

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
