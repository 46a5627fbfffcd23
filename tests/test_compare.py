"""Paired comparisons: interval coverage, agreement, p_better, p_best, CVaR, the golden table.

The coverage tests are statistical but deterministic: fixed seeds, so they
either always pass or always fail.  Their bands are three binomial standard
errors around the nominal level, ``0.95 ± 3·sqrt(0.95·0.05/N)``.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from results_fixture import write_results

from simulator.analysis.compare import (
    Direction,
    ResultsError,
    SelectionError,
    bootstrap_interval,
    compare_results,
    cvar,
    open_results,
    p_better,
    paired_t_interval,
    probability_best,
)
from simulator.analysis.sweep import wilson_interval

GOLDEN = Path(__file__).parent / "golden" / "compare.json"
REGENERATE = "SUPPLYSHOCK_REGENERATE_GOLDEN"
DELTA = 0.3


def _paired_sample(seed: int, n: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Baseline and variant sharing a common draw per replication; true mean difference DELTA."""
    rng = np.random.default_rng(seed)
    common = rng.normal(10.0, 2.0, n)
    baseline = common + rng.normal(0.0, 0.5, n)
    variant = common + DELTA + rng.normal(0.0, 0.5, n)
    return variant, baseline


def _band(n_datasets: int) -> float:
    return 3 * math.sqrt(0.95 * 0.05 / n_datasets)


def test_paired_t_interval_covers_the_true_difference_at_the_nominal_rate() -> None:
    datasets = 400
    covered = 0
    for seed in range(datasets):
        variant, baseline = _paired_sample(seed)
        low, high = paired_t_interval(variant - baseline, 0.95)
        covered += low <= DELTA <= high
    assert abs(covered / datasets - 0.95) <= _band(datasets)


def test_bca_bootstrap_interval_covers_the_true_difference() -> None:
    datasets = 60
    covered = 0
    for seed in range(datasets):
        variant, baseline = _paired_sample(10_000 + seed)
        rng = np.random.default_rng(seed)
        low, high = bootstrap_interval(variant - baseline, 0.95, rng=rng, n_resamples=1000)
        covered += low <= DELTA <= high
    # BCa undercovers a little at n = 30: a looser band than the t test's.
    assert abs(covered / datasets - 0.95) <= _band(datasets)


def test_paired_t_and_bootstrap_agree_on_normal_data() -> None:
    rng = np.random.default_rng(7)
    diff = rng.normal(1.0, 2.0, 200)
    t_low, t_high = paired_t_interval(diff)
    b_low, b_high = bootstrap_interval(diff, rng=np.random.default_rng(8), n_resamples=4000)
    width = t_high - t_low
    assert abs(t_low - b_low) < 0.1 * width
    assert abs(t_high - b_high) < 0.1 * width


def test_paired_t_interval_by_hand() -> None:
    # D = (1, 2, 3): mean 2, s = 1, t_{2, 0.975} = 4.302653 → 2 ± 4.302653/√3.
    low, high = paired_t_interval([1.0, 2.0, 3.0])
    half = 4.302652729911275 / math.sqrt(3)
    assert (low, high) == pytest.approx((2 - half, 2 + half), abs=1e-9)


def test_degenerate_and_tiny_samples() -> None:
    rng = np.random.default_rng(0)
    assert bootstrap_interval([0.5, 0.5, 0.5], rng=rng) == (0.5, 0.5)
    assert all(math.isnan(x) for x in bootstrap_interval([1.0], rng=rng))
    assert all(math.isnan(x) for x in paired_t_interval([1.0]))


def test_p_better_counts_ties_as_half_and_follows_the_direction() -> None:
    diff = [1.0, 0.0, -1.0, 2.0]
    assert p_better(diff, Direction.HIGHER) == pytest.approx((1 + 0.5 + 0 + 1) / 4)
    assert p_better(diff, Direction.LOWER) == pytest.approx((0 + 0.5 + 1 + 0) / 4)
    assert p_better(diff, Direction.NONE) is None


def test_probability_best_is_one_for_a_clear_winner() -> None:
    rng = np.random.default_rng(3)
    values = np.column_stack([rng.normal(10, 1, 50), rng.normal(10.2, 1, 50), rng.normal(4, 1, 50)])
    p = probability_best(values, Direction.LOWER, rng=np.random.default_rng(4))
    assert p[2] > 0.99
    assert p.sum() == pytest.approx(1.0)
    p = probability_best(values, Direction.HIGHER, rng=np.random.default_rng(4))
    assert p[2] == 0.0


def test_probability_best_shares_ties() -> None:
    values = np.tile(np.arange(10.0)[:, None], (1, 4))
    p = probability_best(values, Direction.HIGHER, rng=np.random.default_rng(0), n_resamples=50)
    assert p.tolist() == pytest.approx([0.25] * 4)


@pytest.mark.parametrize(
    ("values", "level", "expected"),
    [
        (list(range(1, 21)), 0.95, 20.0),  # k = 1: the worst value
        (list(range(1, 31)), 0.95, (30 + 0.5 * 29) / 1.5),  # k = 1.5
        ([1, 2, 3, 4, 5, 6, 7, 8], 0.75, (8 + 7) / 2),  # k = 2
        ([3.0, 1.0, 2.0], 0.95, 3.0),  # k = 0.15 < 1: the worst value
        ([2.0, 4.0], 0.0, 3.0),  # the whole distribution: the mean
    ],
)
def test_cvar_by_hand(values: list[float], level: float, expected: float) -> None:
    assert cvar(values, level) == pytest.approx(expected, abs=1e-12)


def test_wilson_interval_by_hand() -> None:
    # 8 of 10, z = 1.959964: centre (0.8 + z²/20)/(1 + z²/10), the textbook (0.4902, 0.9433).
    low, high = wilson_interval(8, 10)
    assert (low, high) == pytest.approx((0.49016, 0.94331), abs=1e-5)
    assert wilson_interval(0, 12)[0] == 0.0
    assert wilson_interval(12, 12)[1] == 1.0


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_results(tmp_path_factory.mktemp("results"), replications=24)


def test_comparison_table_shape_and_identities(results_dir: Path) -> None:
    report = compare_results(results_dir, n_resamples=500)
    table = report.comparisons
    assert set(table["variant"]) == {"pooled", "both"}
    assert set(table["baseline"]) == {"national"}
    assert not {"tts_days", "ttr_days"} & set(table["metric"])
    keys = table[["country", "commodity"]].drop_duplicates()
    assert len(table) == 2 * len(keys) * (len(report.metrics) - 2)
    assert (table["mean_diff"] - (table["mean"] - table["baseline_mean"])).abs().max() < 1e-9
    assert (table["ci_low"] <= table["mean_diff"]).all()
    assert (table["mean_diff"] <= table["ci_high"]).all()
    # Bonferroni over two comparisons widens every interval.
    assert (table["adjusted_ci_low"] <= table["ci_low"]).all()
    assert (table["adjusted_ci_high"] >= table["ci_high"]).all()
    assert table.loc[table["metric"] == "fill_rate", "cvar95"].isna().all()
    assert table.loc[table["metric"] == "shortfall", "cvar95"].notna().all()
    sums = report.p_best.groupby(["metric", "country", "commodity"])["p_best"].sum()
    assert np.allclose(sums, 1.0)
    assert any("Bonferroni" in note for note in report.notes)
    # The coalition row comes after the countries.
    assert list(dict.fromkeys(table["country"]))[-1] == "KJ"


def test_missing_event_times_are_summarised_not_averaged(results_dir: Path) -> None:
    folder = open_results(results_dir)
    report = compare_results(folder, metrics=["tts_days", "ttr_days"], n_resamples=200)
    assert report.comparisons.empty
    assert any("not averaged" in note for note in report.notes)
    summary = folder.summary
    for row in report.events.to_dict(orient="records"):
        part = summary[
            (summary["variant"] == row["variant"])
            & (summary["country"] == row["country"])
            & (summary["commodity"] == row["commodity"])
        ]
        if row["metric"] == "ttr_days":
            # Nothing to recover from without a shortfall: TTR over the replications with one.
            part = part[part["tts_days"].notna()]
        raw = part[row["metric"]]
        assert row["n"] == len(raw)
        assert row["n_events"] == int(raw.notna().sum())
        if row["median_days"] is not None and not math.isnan(row["median_days"]):
            observed = np.sort(raw.dropna().to_numpy())
            # The KM median with common censoring is the ceil(n/2)-th smallest time.
            assert row["median_days"] == observed[math.ceil(len(raw) / 2) - 1]
    curve = report.survival[
        (report.survival["variant"] == "national")
        & (report.survival["country"] == "KOR")
        & (report.survival["metric"] == "tts_days")
    ]
    kor = summary[(summary["variant"] == "national") & (summary["country"] == "KOR")]
    tts = kor["tts_days"].to_numpy(dtype=float)
    for day, s in zip(curve["day"], curve["survival"], strict=True):
        empirical = np.mean(np.isnan(tts) | (tts > day))
        assert s == pytest.approx(empirical, abs=1e-12)


def test_selection_errors_name_what_exists(results_dir: Path) -> None:
    with pytest.raises(SelectionError, match=r"unknown baseline variant 'nope'.*national"):
        compare_results(results_dir, baseline="nope")
    with pytest.raises(SelectionError, match=r"unknown metric 'fillrate'.*fill_rate"):
        compare_results(results_dir, metrics=["fillrate"])
    with pytest.raises(SelectionError, match=r"unknown country or group 'XXX'.*KOR"):
        compare_results(results_dir, countries=["XXX"])


def test_not_a_results_folder(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="manifest"):
        compare_results(tmp_path)


def test_explicit_baseline_and_country_filter(results_dir: Path) -> None:
    report = compare_results(
        results_dir, baseline="both", metrics=["fill_rate"], countries=["KOR"], n_resamples=200
    )
    assert set(report.comparisons["baseline"]) == {"both"}
    assert set(report.comparisons["country"]) == {"KOR"}
    # Lower protection than the baseline: fill rate worse on most replications.
    assert (report.comparisons["mean_diff"] < 0).all()


def test_json_has_the_documented_fields(results_dir: Path) -> None:
    report = compare_results(results_dir, metrics=["fill_rate", "shortfall"], n_resamples=200)
    data = json.loads(report.to_json())
    entry = data["comparisons"][0]
    for key in (
        "variant", "baseline", "metric", "country", "commodity", "mean", "mean_diff", "ci_low",
        "ci_high", "p_better", "baseline_mean", "ci_low_bootstrap", "ci_high_bootstrap",
        "adjusted_ci_low", "adjusted_ci_high", "cvar95", "n",
    ):  # fmt: skip
        assert key in entry
    assert data["adjustment"]["method"] == "bonferroni"
    assert data["p_best"]


def _assert_close(actual: Any, expected: Any, where: str = "$") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert actual.keys() == expected.keys(), where
        for key in expected:
            _assert_close(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), where
        assert len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _assert_close(a, e, f"{where}[{i}]")
    elif isinstance(expected, float) and not isinstance(actual, bool):
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-9), where
    else:
        assert actual == expected, where


def test_golden_comparison(tmp_path: Path) -> None:
    """The full comparison of a small seeded folder, to 1e-9.

    Regenerate deliberately with ``SUPPLYSHOCK_REGENERATE_GOLDEN=1 pytest tests/test_compare.py``
    after a change that is meant to move these numbers.
    """
    folder = write_results(tmp_path / "golden", seed=20240602, replications=12, daily=False)
    report = compare_results(
        folder,
        metrics=["fill_rate", "economic_loss_usd", "lost_days", "tts_days", "ttr_days"],
        targets=["KOR.fill_rate>=0.97@0.8"],
        n_resamples=400,
    )
    actual = json.loads(report.to_json())
    if os.environ.get(REGENERATE) == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    _assert_close(actual, expected)
