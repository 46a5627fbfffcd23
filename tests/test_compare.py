"""Paired comparisons: interval coverage, agreement, p_better, p_best, CVaR, a hand table.

The coverage tests are statistical but deterministic: fixed seeds, so they
either always pass or always fail.  Their bands are three binomial standard
errors of the count of covering intervals around the nominal level,
``0.95 ± 3·sqrt(0.95·0.05/N)`` for ``N`` data sets, with ``N`` large enough
that the band is narrow (±1.5 points for the t interval, ±3.3 for BCa).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from results_fixture import write_results, write_table

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
    """Differences are exactly normal here, so the t interval's coverage is exactly 95 %."""
    datasets = 2000
    covered = 0
    for seed in range(datasets):
        variant, baseline = _paired_sample(seed)
        low, high = paired_t_interval(variant - baseline, 0.95)
        covered += low <= DELTA <= high
    assert abs(covered / datasets - 0.95) <= _band(datasets)


def test_bca_bootstrap_interval_covers_the_true_difference() -> None:
    """400 data sets: the band is 0.95 ± 0.033, so 91.7 % … 98.3 % (BCa undercovers a
    little at n = 30; that must stay within the binomial error of the count)."""
    datasets = 400
    covered = 0
    for seed in range(datasets):
        variant, baseline = _paired_sample(10_000 + seed)
        rng = np.random.default_rng(seed)
        low, high = bootstrap_interval(variant - baseline, 0.95, rng=rng, n_resamples=1000)
        covered += low <= DELTA <= high
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


# --- a table small enough to work by hand -----------------------------------------------------

HORIZON_DAYS, SHOCK_DAY = 120, 20
SHORTFALL = {
    "national": [10.0, 20.0, 30.0, 40.0],
    "pooled": [8.0, 20.0, 27.0, 45.0],
    "both": [6.0, 12.0, 20.0, 25.0],
}
"""KOR's shortfall (units) on replications 0..3; KOR consumes 1/day over 120 days."""
TTS = {"national": [5, 6, None, 8], "pooled": [7, 6, None, None], "both": [9, 10, 12, None]}
T_975_DF3 = 3.182446  # Student's t, 3 degrees of freedom, 0.975 quantile (tables)
T_9875_DF3 = 4.176535  # … 0.9875 quantile: Bonferroni over two comparisons, 1 - 0.05/4


@pytest.fixture(scope="module")
def hand_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = {
        variant: [
            {
                "replication": r,
                "country": "KOR",
                "shortfall": short,
                "fill_rate": 1 - short / HORIZON_DAYS,
                "tts_days": TTS[variant][r],
            }
            for r, short in enumerate(values)
        ]
        for variant, values in SHORTFALL.items()
    }
    return write_table(
        tmp_path_factory.mktemp("hand"),
        rows,
        baseline="national",
        horizon_days=HORIZON_DAYS,
        shock_day=SHOCK_DAY,
    )


def _row(frame: Any, **where: Any) -> dict[str, Any]:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= (frame[column] == value).to_numpy()
    assert mask.sum() == 1, where
    row: dict[str, Any] = frame[mask].iloc[0].to_dict()
    return row


# Paired differences variant - national and their by-hand statistics:
#   pooled: D = (-2, 0, -3, 5): mean 0, Σ(D - D̄)² = 4 + 0 + 9 + 25 = 38, s² = 38/3;
#           better (lower) on 2, tie on 1, worse on 1: p_better = (2 + 0.5)/4 = 0.625.
#   both:   D = (-4, -8, -10, -15): mean -9.25, Σ(D - D̄)² = 27.5625 + 1.5625 + 0.5625
#           + 33.0625 = 62.75, s² = 62.75/3; better on all four: p_better = 1.
DIFFS = {"pooled": (0.0, 38.0 / 3, 0.625), "both": (-9.25, 62.75 / 3, 1.0)}


@pytest.mark.parametrize("variant", ["pooled", "both"])
def test_paired_statistics_of_a_hand_table(hand_table: Path, variant: str) -> None:
    report = compare_results(hand_table, metrics=["shortfall", "fill_rate"], n_resamples=400)
    mean, variance, better = DIFFS[variant]
    half = T_975_DF3 * math.sqrt(variance / 4)
    adjusted = T_9875_DF3 * math.sqrt(variance / 4)
    row = _row(report.comparisons, variant=variant, metric="shortfall")
    assert row["baseline"] == "national"
    assert row["n"] == 4
    assert row["mean"] == pytest.approx(sum(SHORTFALL[variant]) / 4, abs=1e-12)
    assert row["baseline_mean"] == pytest.approx(25.0, abs=1e-12)
    assert row["mean_diff"] == pytest.approx(mean, abs=1e-12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((mean - half, mean + half), abs=1e-5)
    assert (row["adjusted_ci_low"], row["adjusted_ci_high"]) == pytest.approx(
        (mean - adjusted, mean + adjusted), abs=1e-5
    )
    assert row["p_better"] == pytest.approx(better)
    # CVaR 95 % of four values: 0.05·4 < 1 replication, so the worst one.
    assert row["cvar95"] == max(SHORTFALL[variant])
    assert row["baseline_cvar95"] == 40.0
    # A bootstrap mean of resampled differences cannot leave [min D, max D].
    diffs = np.subtract(SHORTFALL[variant], SHORTFALL["national"])
    assert diffs.min() <= row["ci_low_bootstrap"] <= row["ci_high_bootstrap"] <= diffs.max()

    # Fill rate is 1 - shortfall/120: differences scaled by -1/120; higher is better.
    fill = _row(report.comparisons, variant=variant, metric="fill_rate")
    assert fill["mean_diff"] == pytest.approx(-mean / HORIZON_DAYS, abs=1e-12)
    assert (fill["ci_low"], fill["ci_high"]) == pytest.approx(
        ((-mean - half) / HORIZON_DAYS, (-mean + half) / HORIZON_DAYS), abs=1e-7
    )
    assert fill["p_better"] == pytest.approx(better)
    assert fill["cvar95"] is None or math.isnan(fill["cvar95"])


def test_descriptive_statistics_and_p_best_of_a_hand_table(hand_table: Path) -> None:
    report = compare_results(hand_table, metrics=["shortfall"], n_resamples=400)
    national = _row(report.statistics, variant="national", metric="shortfall")
    # (10, 20, 30, 40): linear quantiles at positions 0.05·3 and 0.95·3.
    assert (national["n"], national["mean"], national["median"]) == (4, 25.0, 25.0)
    assert national["p05"] == pytest.approx(11.5)
    assert national["p95"] == pytest.approx(38.5)
    assert national["cvar95"] == 40.0
    # "both" has the lowest shortfall on every replication, so on every resample.
    p_best = report.p_best.set_index("variant")["p_best"]
    assert p_best.to_dict() == {"national": 0.0, "pooled": 0.0, "both": 1.0}
    assert any("Bonferroni over the 2 comparisons with national" in n for n in report.notes)


# Time to shortage (later is better), missing = no shortfall within the 100 days after the
# shock.  Kaplan–Meier with one common censoring day: S drops by 1/at-risk at each event.
#   national (5, 6, -, 8):  S = 3/4, 1/2, 1/4 on days 5, 6, 8 → median 6; 3 events.
#   pooled   (7, 6, -, -):  S = 3/4, 1/2 on days 6, 7 → median 7; 2 events;
#            p_better: 7 > 5, 6 = 6 (½), both missing (½), missing > 8 → 3/4.
#   both     (9, 10, 12, -): S = 3/4, 1/2, 1/4 → median 10; 3 events;
#            p_better: 9 > 5, 10 > 6, 12 < missing, missing > 8 → 3/4.
EVENTS = {
    "national": (3, 6.0, None),
    "pooled": (2, 7.0, 0.75),
    "both": (3, 10.0, 0.75),
}


@pytest.mark.parametrize("variant", list(EVENTS))
def test_time_to_shortage_of_a_hand_table(hand_table: Path, variant: str) -> None:
    report = compare_results(hand_table, metrics=["tts_days"], n_resamples=100)
    assert report.comparisons.empty
    n_events, median, better = EVENTS[variant]
    row = _row(report.events, variant=variant, metric="tts_days")
    assert (row["n"], row["n_events"]) == (4, n_events)
    assert row["share_with_event"] == pytest.approx(n_events / 4)
    assert row["median_days"] == median
    assert row["censor_day"] == HORIZON_DAYS - SHOCK_DAY
    if better is None:
        assert row["p_better"] is None or math.isnan(row["p_better"])
    else:
        assert row["p_better"] == pytest.approx(better)
    if variant == "national":
        curve = report.survival[
            (report.survival["variant"] == "national") & (report.survival["events"] > 0)
        ]
        assert curve["day"].tolist() == [5.0, 6.0, 8.0]
        assert curve["survival"].tolist() == pytest.approx([0.75, 0.5, 0.25])
        assert curve["at_risk"].tolist() == [4, 3, 2]
