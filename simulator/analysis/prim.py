"""PRIM (the Patient Rule Induction Method): boxes of inputs where the cases of interest gather.

Scenario discovery asks which combinations of uncertain inputs lead to a case
of interest (a policy losing, a target missed).  PRIM (Friedman and Fisher,
"Bump hunting in high-dimensional data", Statistics and Computing 9, 1999;
used for scenario discovery by Bryant and Lempert, 2010) answers with a box,
``low_j <= x_j <= high_j`` on a few inputs, by *peeling*: starting from the
box holding every point, it repeatedly removes the ``alpha`` share of the
box's points at the low or the high end of one input, choosing the peel that
leaves the highest share of cases in the box, until the box holds fewer than
``min_mass`` of all points.  Each box of this *trajectory* has

- ``coverage`` = cases in the box / all cases,
- ``density`` = cases in the box / points in the box,
- ``mass`` = points in the box / all points.

Peeling trades coverage for density; :func:`prim` returns the trajectory and
chooses the box with the highest density among those that still cover at
least ``min_coverage`` of the cases (ties: the larger coverage).  Restrictions
that do not raise the chosen box's density significantly (quasi-p-value above
0.05, see :func:`_prune`) are lifted, so the box names only inputs that matter.

Why not a library: the maintained implementations are the EMA Workbench's
(version 3 needs Python 3.12; version 2 pulls scikit-learn, statsmodels,
seaborn and the GPL-licensed platypus-opt) and the standalone ``prim``
package (GPL-3.0, which an Apache-2.0 package cannot depend on without
passing the GPL on to its users).  Peeling itself is a few lines of NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import special

__all__ = ["Box", "Limit", "PrimResult", "prim"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Limit:
    """The restriction of one input: ``low < x`` and/or ``x < high`` (None: unrestricted)."""

    name: str
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Box:
    """One box of the peeling trajectory.

    Attributes
    ----------
    limits : tuple of Limit
        Only the restricted inputs, in input order.
    coverage, density, mass : float
        See the module docstring.
    n_points, n_cases : int
        Points and cases in the box.
    """

    limits: tuple[Limit, ...]
    coverage: float
    density: float
    mass: float
    n_points: int
    n_cases: int


@dataclass(frozen=True)
class PrimResult:
    """The peeling trajectory, the chosen box and the share of cases overall."""

    trajectory: tuple[Box, ...]
    chosen: Box | None
    base_density: float
    n_points: int
    n_cases: int
    names: tuple[str, ...] = field(default_factory=tuple)


def prim(
    x: npt.ArrayLike,
    cases: npt.ArrayLike,
    names: Sequence[str],
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    min_coverage: float = 0.5,
    significance: float = 0.05,
) -> PrimResult:
    """Peel boxes around the ``cases`` among the points ``x``.

    Parameters
    ----------
    x : array_like
        ``n × d`` inputs (finite numbers).
    cases : array_like
        ``n`` booleans: the cases of interest.
    names : sequence of str
        The ``d`` inputs' names.
    alpha : float
        Share of the box's points removed by one peel.
    min_mass : float
        Peeling stops before a box would hold fewer than this share of all points.
    min_coverage : float
        The chosen box covers at least this share of the cases.
    significance : float
        Restrictions of the chosen box whose quasi-p-value exceeds this are lifted.

    Returns
    -------
    PrimResult
        ``chosen`` is None when there is no case (or no point).

    Examples
    --------
    >>> xs = np.arange(100, dtype=float).reshape(-1, 1)
    >>> result = prim(xs, xs[:, 0] < 30, ["x"])
    >>> box = result.chosen
    >>> (box.limits[0].high < 30, box.density, box.coverage >= 0.5)
    (True, 1.0, True)
    """
    data = np.asarray(x, dtype=float)
    y = np.asarray(cases, dtype=bool)
    if data.ndim != 2 or data.shape[0] != y.size or data.shape[1] != len(names):
        raise ValueError(
            f"expected x of shape (n, {len(names)}) and n cases, found {data.shape} and {y.size}"
        )
    if not 0 < alpha < 1 or not 0 < min_mass <= 1:
        raise ValueError(f"expected 0 < alpha < 1 and 0 < min_mass <= 1, found {alpha}, {min_mass}")
    n, total = y.size, int(y.sum())
    if n == 0 or total == 0:
        return PrimResult((), None, 0.0 if n else math.nan, n, total, tuple(names))
    inside = np.ones(n, dtype=bool)
    lows = np.full(data.shape[1], -np.inf)
    highs = np.full(data.shape[1], np.inf)
    trajectory = [_box(names, lows, highs, inside, y, total)]
    while True:
        step = _best_peel(data, y, inside, alpha, math.ceil(min_mass * n))
        if step is None:
            break
        j, side, cut, inside = step
        if side == "low":
            lows[j] = cut
        else:
            highs[j] = cut
        trajectory.append(_box(names, lows, highs, inside, y, total))
    chosen = _choose(trajectory, min_coverage)
    chosen = _prune(chosen, data, y, names, total, significance)
    return PrimResult(tuple(trajectory), chosen, total / n, n, total, tuple(names))


def _best_peel(
    data: FloatArray, y: BoolArray, inside: BoolArray, alpha: float, smallest: int
) -> tuple[int, str, float, BoolArray] | None:
    """The peel that leaves the highest density (ties: more points), or None."""
    best: tuple[float, int, int, str, float, BoolArray] | None = None
    for j in range(data.shape[1]):
        column = data[inside, j]
        for side, q in (("low", alpha), ("high", 1 - alpha)):
            cut = float(np.quantile(column, q, method="nearest" if column.size < 3 else "linear"))
            keep = inside & (data[:, j] > cut if side == "low" else data[:, j] < cut)
            kept = int(keep.sum())
            if kept == int(inside.sum()) or kept < smallest or kept == 0:
                continue
            density = float(y[keep].mean())
            if best is None or (density, kept) > (best[0], best[1]):
                best = (density, kept, j, side, cut, keep)
    if best is None:
        return None
    _, _, j, side, cut, keep = best
    return j, side, cut, keep


def _box(
    names: Sequence[str],
    lows: FloatArray,
    highs: FloatArray,
    inside: BoolArray,
    y: BoolArray,
    total: int,
) -> Box:
    limits = tuple(
        Limit(
            names[j],
            float(lows[j]) if np.isfinite(lows[j]) else None,
            float(highs[j]) if np.isfinite(highs[j]) else None,
        )
        for j in range(len(names))
        if np.isfinite(lows[j]) or np.isfinite(highs[j])
    )
    points, cases = int(inside.sum()), int(y[inside].sum())
    return Box(limits, cases / total, cases / points, points / y.size, points, cases)


def _choose(trajectory: Sequence[Box], min_coverage: float) -> Box:
    eligible = [b for b in trajectory if b.coverage >= min_coverage] or [trajectory[0]]
    return max(eligible, key=lambda b: (round(b.density, 12), b.coverage))


def _inside(data: FloatArray, names: Sequence[str], limits: Sequence[Limit]) -> BoolArray:
    keep = np.ones(data.shape[0], dtype=bool)
    for limit in limits:
        column = data[:, list(names).index(limit.name)]
        if limit.low is not None:
            keep &= column > limit.low
        if limit.high is not None:
            keep &= column < limit.high
    return keep


def binomial_at_least(k: int, n: int, p: float) -> float:
    """``P(X >= k)`` for ``X ~ Binomial(n, p)``: the one-sided binomial test's p-value.

    The same number as ``scipy.stats.binomtest(k, n, p, "greater").pvalue``,
    from :func:`scipy.special.bdtrc` (``P(X > k - 1)``), which spares the
    command line the import of :mod:`scipy.stats` (about a second).

    Examples
    --------
    >>> round(binomial_at_least(2, 3, 0.5), 6)
    0.5
    >>> binomial_at_least(0, 5, 0.1)
    1.0
    """
    if k <= 0:
        return 1.0
    return float(special.bdtrc(k - 1, n, p))


def _prune(
    box: Box, data: FloatArray, y: BoolArray, names: Sequence[str], total: int, significance: float
) -> Box:
    """``box`` without the restrictions that do not raise its density significantly.

    The quasi-p-value of a restriction (Bryant and Lempert, 2010) is the
    one-sided binomial probability of at least the box's cases among its
    points, were each point a case with the density of the box without that
    restriction.  The least significant restriction with a quasi-p-value above
    ``significance`` is lifted, and so on until every one left is significant.
    """
    limits = list(box.limits)
    while limits:
        keep = _inside(data, names, limits)
        points, cases = int(keep.sum()), int(y[keep].sum())
        worst: tuple[float, Limit] | None = None
        for limit in limits:
            wider = _inside(data, names, [other for other in limits if other is not limit])
            p = binomial_at_least(cases, points, float(y[wider].mean()))
            if p > significance and (worst is None or p > worst[0]):
                worst = (p, limit)
        if worst is None:
            break
        limits.remove(worst[1])
    keep = _inside(data, names, limits)
    points, cases = int(keep.sum()), int(y[keep].sum())
    return Box(tuple(limits), cases / total, cases / points, points / y.size, points, cases)
