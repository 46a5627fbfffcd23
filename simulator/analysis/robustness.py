"""Robustness of variants across futures: satisficing, and regret against the best variant.

A *future* is one replication: one sampled world (the uncertain data and the
experiment's uncertainties) and one set of random draws, faced by every
variant alike (common random numbers).  For an outcome ``x_r(v)`` of variant
``v`` in future ``r`` (one metric, country and commodity):

- the **regret** of ``v`` in ``r`` is how much worse it does than the best
  variant in that same future: ``x_r(v) - min_w x_r(w)`` when lower is better,
  ``max_w x_r(w) - x_r(v)`` when higher is better (Savage's regret, as used in
  robust decision making, Lempert et al. 2006);
- the **maximum regret** and the **90th-percentile regret** summarise it over
  futures (the percentile by linear interpolation, NumPy's default);
- the **satisficing share** is the share of futures in which ``v`` meets a
  target (``x_r(v) >= threshold``, say);
- ``share_best`` is the share of futures in which ``v`` is a best variant
  (regret 0).

A variant with a good mean can have a large maximum regret: the futures in
which it does much worse than something else were available are the ones
:mod:`simulator.analysis.explore` describes with PRIM.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from simulator.analysis.paired import Direction

__all__ = ["regret", "robustness_table"]

Criterion = Callable[[npt.NDArray[np.float64]], npt.NDArray[np.bool_]]


def regret(outcomes: pd.DataFrame, direction: Direction) -> pd.DataFrame:
    """Regret of every variant (column) in every future (row); rows with a missing value dropped.

    Examples
    --------
    >>> table = pd.DataFrame({"a": [1.0, 4.0], "b": [2.0, 3.0]})
    >>> regret(table, Direction.LOWER).to_dict("list")
    {'a': [0.0, 1.0], 'b': [1.0, 0.0]}
    """
    if direction is Direction.NONE:
        raise ValueError("regret needs a metric where lower or higher is better")
    x = outcomes.dropna()
    if direction is Direction.LOWER:
        return x.sub(x.min(axis=1), axis=0)
    return (-x).add(x.max(axis=1), axis=0)


def robustness_table(
    outcomes: pd.DataFrame,
    direction: Direction,
    met: Criterion | None = None,
) -> pd.DataFrame:
    """One row per variant: mean, satisficing share, share best, maximum and 90th-percentile regret.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        Futures × variants.
    direction : Direction
        Whether lower or higher outcomes are better.
    met : callable, optional
        The satisficing criterion: outcomes → whether each meets the target
        (e.g. :meth:`simulator.analysis.sweep.Target.met`); without it the
        ``satisficing`` column is NaN.

    Returns
    -------
    pandas.DataFrame
        Columns ``variant, n, mean, satisficing, share_best, max_regret, p90_regret``.
    """
    x = outcomes.dropna()
    loss = regret(x, direction)
    rows = []
    for variant in x.columns:
        values = x[variant].to_numpy(dtype=float)
        r = loss[variant].to_numpy(dtype=float)
        share = float(np.mean(met(values))) if met is not None and values.size else np.nan
        rows.append(
            {
                "variant": str(variant),
                "n": int(values.size),
                "mean": float(values.mean()) if values.size else np.nan,
                "satisficing": share,
                "share_best": float(np.mean(r == 0)) if r.size else np.nan,
                "max_regret": float(r.max()) if r.size else np.nan,
                "p90_regret": float(np.percentile(r, 90)) if r.size else np.nan,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["variant", "n", "mean", "satisficing", "share_best", "max_regret", "p90_regret"],
    )
