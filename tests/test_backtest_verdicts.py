"""Hit or miss, and the scores of several episodes, on cases worked by hand."""

from __future__ import annotations

import pytest

from simulator.analysis.backtest import BacktestResult
from simulator.analysis.backtest_scores import episode_scores
from simulator.analysis.backtest_verdicts import Feature, Status, month_feature, numeric_feature
from simulator.io.history import FittedParameter
from simulator.model.calendar import Month

RUNS = [float(v) for v in range(101)]  # percentiles 5, 50, 95 are 5.0, 50.0, 95.0 exactly


@pytest.mark.parametrize(
    ("observed", "status"),
    [(50.0, Status.HIT), (96.0, Status.HIT), (96.01, Status.MISS), (4.0, Status.HIT),
     (3.99, Status.MISS)],
)  # fmt: skip
def test_numeric_band_widened_by_the_tolerance(observed: float, status: Status) -> None:
    feature = numeric_feature("x", "ratio", observed, RUNS, tol=1.0)
    assert (feature.low, feature.median, feature.high) == (5.0, 50.0, 95.0)
    assert feature.status is status


AUG = Month.parse("2023-08")


def test_a_month_most_runs_lack_is_none() -> None:
    # Two of four runs recover (in October): not a majority, so the model says "none".
    runs = [AUG + 2, AUG + 2, None, None]
    assert month_feature("r", "recovery_month", None, runs, AUG, 1).status is Status.HIT
    missed = month_feature("r", "recovery_month", AUG + 4, runs, AUG, 1)
    assert missed.status is Status.MISS
    assert missed.history == 4.0


def test_a_month_both_sides_have_must_fall_in_the_band() -> None:
    runs = [AUG + 2, AUG + 2, AUG + 2, None]  # three of four: October
    assert month_feature("r", "recovery_month", AUG + 3, runs, AUG, 1).status is Status.HIT
    assert month_feature("r", "recovery_month", AUG + 4, runs, AUG, 1).status is Status.MISS
    assert month_feature("r", "recovery_month", None, runs, AUG, 1).status is Status.MISS


def _result(episode: str, statuses: list[Status]) -> BacktestResult:
    features = tuple(
        Feature(f"f{i}", "ratio", 1.0, "1", None, None, None, "", s) for i, s in enumerate(statuses)
    )
    return BacktestResult(episode, episode, 10, 0.25, 1, 0.8, features, (), (), ())


def test_scores_without_calibration_coincide() -> None:
    results = [_result("a", [Status.HIT, Status.MISS, Status.NOT_MODELLED, Status.HIT])]
    (score,) = episode_scores(results, [])
    assert (score.hits, score.misses, score.not_modelled) == (2, 1, 1)
    assert score.in_sample == score.leave_one_out == 0.5


def test_an_episode_a_parameter_was_fitted_on_has_no_leave_one_out_score_yet() -> None:
    fitted = [FittedParameter("price_flexibility", 0.5, ("a",), "least squares", "s")]
    scores = episode_scores([_result("a", [Status.HIT]), _result("b", [Status.MISS])], fitted)
    assert scores[0].leave_one_out is None
    assert "price_flexibility" in scores[0].note
    assert scores[1].leave_one_out == scores[1].in_sample == 0.0
