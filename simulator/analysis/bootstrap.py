"""The BCa bootstrap interval of a mean, in NumPy: no :mod:`scipy.stats` to import.

:func:`bca_mean_interval` is the computation of ``scipy.stats.bootstrap((d,),
np.mean, method="BCa", vectorized=True, rng=rng)`` (SciPy 1.18), written out
for the mean of one sample, so that the report does not pay about half a
second importing :mod:`scipy.stats` and SciPy's per-call checks on each of a
few hundred comparisons.  It draws the same resamples from ``rng`` (one
``rng.integers(0, n, (B, n))``), computes every quantity with the same NumPy
operations in the same order, and so gives the same interval, bit for bit, as
that call (``tests/test_bootstrap.py`` checks it against SciPy).  The steps
(Efron & Tibshirani, *An Introduction to the Bootstrap*, 14.3):

1. ``B`` resamples of the ``n`` values with replacement; ``θ*_b`` the mean of
   resample ``b``; ``θ̂`` the mean of the data.
2. Bias correction ``z₀ = Φ⁻¹(p)``, ``p = (#{θ*_b < θ̂} + #{θ*_b ≤ θ̂}) / 2B``.
3. Acceleration from the jackknife: ``θ₍ᵢ₎`` the mean without value ``i``,
   ``θ₍·₎`` their mean, ``Uᵢ = (n - 1)(θ₍·₎ - θ₍ᵢ₎)``,
   ``a = (Σ Uᵢ³ / n³) / (6 (Σ Uᵢ² / n²)^{3/2})``.
4. Levels ``α₁ = Φ(z₀ + (z₀ + z_{α/2}) / (1 - a (z₀ + z_{α/2})))`` and ``α₂``
   the same with ``z_{1-α/2}``; the interval is the ``α₁`` and ``α₂``
   quantiles of the ``θ*_b`` (Hyndman & Fan's type 7, linear interpolation).

A level outside [0, 1] (undefined BCa: ``z₀`` infinite, or no spread in the
jackknife) gives NaN for that end, as SciPy does.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr, ndtri

__all__ = ["bca_mean_interval"]

FloatArray = npt.NDArray[np.float64]


def bca_mean_interval(
    values: npt.ArrayLike,
    confidence: float,
    *,
    rng: np.random.Generator,
    n_resamples: int,
) -> tuple[float, float]:
    """BCa bootstrap interval of the mean of ``values`` (at least two of them).

    Draws ``n_resamples × n`` replication indices from ``rng``; see the module
    docstring for the formulas.
    """
    data = np.asarray(values, dtype=np.float64)
    n = data.shape[-1]
    if data.ndim != 1 or n < 2:
        raise ValueError("expected a one-dimensional sample of at least two values")
    index = rng.integers(0, n, (n_resamples, n), dtype=np.int64)
    theta_b = np.mean(data[index], axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = _bca_levels(data, theta_b, confidence)
    ordered = np.sort(theta_b)
    return _quantile(ordered, low), _quantile(ordered, high)


def _bca_levels(data: FloatArray, theta_b: FloatArray, confidence: float) -> tuple[float, float]:
    """The levels ``α₁``, ``α₂`` whose quantiles of ``theta_b`` bound the interval."""
    theta = np.mean(data, axis=-1)
    below = np.count_nonzero(theta_b < theta) + np.count_nonzero(theta_b <= theta)
    z0 = ndtri(np.float64(below) / (2 * theta_b.shape[-1]))
    n = data.shape[-1]
    keep = ~np.eye(n, dtype=bool)
    jackknife = np.mean(data[np.broadcast_to(np.arange(n), (n, n))[keep].reshape(n, n - 1)], -1)
    spread = (float(n) - 1) * (np.mean(jackknife, axis=-1, keepdims=True) - jackknife)
    skew = np.sum(spread**3, axis=-1) / float(n) ** 3
    scale = np.sum(spread**2, axis=-1) / float(n) ** 2
    a = 1 / 6 * skew / scale ** (3 / 2)
    z_alpha = float(ndtri((1 - confidence) / 2))
    low = z0 + z_alpha
    high = z0 - z_alpha
    return float(ndtr(z0 + low / (1 - a * low))), float(ndtr(z0 + high / (1 - a * high)))


def _quantile(y: FloatArray, p: float) -> float:
    """Quantile ``p`` of the sorted values ``y``, linear interpolation (Hyndman & Fan
    type 7); NaN for ``p`` outside [0, 1] or NaN.

    With ``y₀ ≤ … ≤ y_{B-1}``: ``h = pB + (1 - p)``,
    ``j = ⌊h⌋ - 1``, ``g = h - ⌊h⌋``; the quantile is ``(1 - g) y_j + g y_{j+1}``
    (indices clipped to the sample).
    """
    if math.isnan(p) or not 0 <= p <= 1:
        return math.nan
    count = np.float64(y.shape[-1])
    h = np.float64(p) * count + (1 - np.float64(p))
    upper = h // 1
    lower = upper - 1
    g = h % 1
    if lower < 0:
        g = np.float64(0.0)
    j = int(min(max(lower, 0.0), count - 1))
    k = int(min(max(upper, 0.0), count - 1))
    return float((1 - g) * y[j] + g * y[k])
