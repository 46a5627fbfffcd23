"""The comparison's resampling in NumPy gives the numbers it gave before.

The BCa interval (:mod:`simulator.analysis.bootstrap`) is checked against the
implementation it replaces, ``scipy.stats.bootstrap(method="BCa")``, called
here with the same generator: equal to the last bit on data like the results'
(many exact ties, two values, skewed losses) and where BCa is undefined.  The
probability of being best is checked against the formula it replaced,
``x[index].mean(axis=1)``, and on cases with a known answer.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from results_fixture import write_results
from scipy import stats

from simulator.analysis.bootstrap import _quantile, bca_mean_interval
from simulator.analysis.compare import compare_results, open_results
from simulator.analysis.comparison_rows import comparison_rng
from simulator.analysis.paired import Direction, bootstrap_interval, probability_best


def _scipy_bca(
    data: np.ndarray, confidence: float, seed: int, n_resamples: int
) -> tuple[float, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = stats.bootstrap(
            (data,),
            np.mean,
            confidence_level=confidence,
            n_resamples=n_resamples,
            method="BCa",
            vectorized=True,
            rng=np.random.default_rng(seed),
        )
    interval = result.confidence_interval
    return float(np.ravel(interval.low)[0]), float(np.ravel(interval.high)[0])


def _same(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b, strict=True))


def _sample(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "normal":
        return rng.normal(1.0, 2.0, n)
    if kind == "two values":  # a pool removes the whole shortfall on about half the futures
        return np.where(rng.random(n) < 0.5, 0.0, -0.227)
    if kind == "integers":  # days: many exact ties
        return rng.integers(-3, 4, n).astype(np.float64)
    return np.where(rng.random(n) < 0.8, 0.0, rng.lognormal(14.0, 2.0, n))  # rare large losses


@pytest.mark.parametrize("kind", ["normal", "two values", "integers", "skewed"])
def test_bca_equals_scipy_bootstrap_to_the_last_bit(kind: str) -> None:
    rng = np.random.default_rng(len(kind))
    cases = 0
    for seed in range(40):
        n = int(rng.integers(2, 150))
        data = _sample(kind, n, rng)
        if np.ptp(data) == 0:
            continue
        confidence = float(rng.choice([0.9, 0.95, 0.9875]))
        resamples = int(rng.choice([7, 200, 2000]))
        ours = bca_mean_interval(
            data, confidence, rng=np.random.default_rng(seed), n_resamples=resamples
        )
        assert _same(ours, _scipy_bca(data, confidence, seed, resamples)), (n, resamples)
        cases += 1
    assert cases >= 30


def test_undefined_bca_is_nan_as_in_scipy() -> None:
    # Three resamples of (0, 0, 0, 1): with this seed none lies below the mean, z0 = -inf.
    data = np.array([0.0, 0.0, 0.0, 1.0])
    expected = _scipy_bca(data, 0.95, 13, 3)
    assert all(math.isnan(x) for x in expected)
    assert _same(
        bca_mean_interval(data, 0.95, rng=np.random.default_rng(13), n_resamples=3), expected
    )


def test_quantile_is_linear_interpolation_by_hand() -> None:
    y = np.array([1.0, 2.0, 4.0, 8.0])
    # h = pB + 1 - p: p = 0.5 → h = 2.5, halfway between y[1] and y[2]; p = 1/3 → y[1].
    assert _quantile(y, 0.5) == 3.0
    assert _quantile(y, 1 / 3) == pytest.approx(2.0, abs=1e-15)
    assert _quantile(y, 0.0) == 1.0
    assert _quantile(y, 1.0) == 8.0
    for p in (0.01, 0.025, 0.3, 0.77, 0.975):
        assert _quantile(y, p) == pytest.approx(float(np.quantile(y, p)), rel=1e-15)
    assert math.isnan(_quantile(y, math.nan))
    assert math.isnan(_quantile(y, 1.5))


def test_bootstrap_interval_keeps_its_special_cases() -> None:
    rng = np.random.default_rng(0)
    assert bootstrap_interval([0.5, 0.5, 0.5], rng=rng) == (0.5, 0.5)
    assert all(math.isnan(x) for x in bootstrap_interval([1.0], rng=rng))
    with pytest.raises(ValueError, match="at least two"):
        bca_mean_interval([1.0], 0.95, rng=rng, n_resamples=10)


def _p_best_before(x: np.ndarray, direction: Direction, seed: int, n_resamples: int) -> np.ndarray:
    """The formula ``probability_best`` used before: the means of ``x[index]``."""
    index = np.random.default_rng(seed).integers(0, x.shape[0], size=(n_resamples, x.shape[0]))
    means = x[index].mean(axis=1)
    score = means if direction is Direction.HIGHER else -means
    winners = score == score.max(axis=1, keepdims=True)
    return np.asarray((winners / winners.sum(axis=1, keepdims=True)).mean(axis=0))


def test_probability_best_equals_the_formula_it_replaced() -> None:
    rng = np.random.default_rng(5)
    for seed in range(60):
        n, variants = int(rng.integers(1, 120)), int(rng.integers(2, 7))
        x = _sample(["normal", "two values", "integers", "skewed"][seed % 4], n * variants, rng)
        x = x.reshape(n, variants)
        x[:, -1] = x[:, 0]  # two variants equal on every replication: exact ties
        resamples = int(rng.choice([1, 2, 50, 2000]))
        for direction in (Direction.HIGHER, Direction.LOWER):
            ours = probability_best(
                x, direction, rng=np.random.default_rng(seed), n_resamples=resamples
            )
            np.testing.assert_array_equal(ours, _p_best_before(x, direction, seed, resamples))


def test_probability_best_known_answers() -> None:
    rng = np.random.default_rng(1)
    better = np.column_stack([np.zeros(20), np.ones(20)])
    assert list(probability_best(better, Direction.HIGHER, rng=rng, n_resamples=100)) == [0, 1]
    assert list(probability_best(better, Direction.LOWER, rng=rng, n_resamples=100)) == [1, 0]
    same = np.column_stack([np.arange(20.0)] * 4)
    assert list(probability_best(same, Direction.LOWER, rng=rng, n_resamples=100)) == [0.25] * 4


def test_the_comparison_rows_hold_scipy_s_bca_interval(tmp_path: Path) -> None:
    """End to end: each row's BCa interval is SciPy's on that row's paired differences,
    drawn from the row's own generator (``comparison_rng``)."""
    folder = write_results(tmp_path / "results", replications=40)
    report = compare_results(folder, metrics=["shortfall", "fill_rate"], n_resamples=500)
    data = open_results(folder).summary
    checked = 0
    for row in report.comparisons.to_dict("records"):
        part = data[(data["country"] == row["country"]) & (data["commodity"] == row["commodity"])]
        wide = part.pivot(index="replication", columns="variant", values=row["metric"]).dropna()
        diff = (wide[row["variant"]] - wide[row["baseline"]]).to_numpy(dtype=np.float64)
        if np.ptp(diff) == 0:
            continue
        rng = comparison_rng(
            report.seed,
            "bootstrap",
            row["variant"],
            row["metric"],
            row["country"],
            row["commodity"],
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = stats.bootstrap(
                (diff,), np.mean, n_resamples=500, method="BCa", vectorized=True, rng=rng
            ).confidence_interval
        assert (row["ci_low_bootstrap"], row["ci_high_bootstrap"]) == (
            float(expected.low),
            float(expected.high),
        )
        checked += 1
    assert checked >= 8
