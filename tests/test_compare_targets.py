"""``--target`` parsing and the smallest swept value that meets it, on hand-made sweeps."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from results_fixture import write_results

from simulator.analysis.compare import compare_results
from simulator.analysis.sweep import (
    SelectionError,
    Target,
    TargetSyntaxError,
    evaluate_target,
    parse_target,
    sweep_table,
    wilson_interval,
)

PATH = "policies.joint_stockpiles.kj-pool.size_days"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KOR.fill_rate>=0.99@0.95", Target("KOR", "fill_rate", ">=", 0.99, 0.95)),
        ("KOR.fill_rate >= 0.99 @ 0.9", Target("KOR", "fill_rate", ">=", 0.99, 0.9)),
        ("JPN.gallium.tts_days>180", Target("JPN", "tts_days", ">", 180.0, 0.95, "gallium")),
        ("KJ+.economic_loss_usd<1e6@1", Target("KJ+", "economic_loss_usd", "<", 1e6, 1.0)),
        ("KOR.ttr_days<=90@0.5", Target("KOR", "ttr_days", "<=", 90.0, 0.5)),
    ],
)
def test_parse_target(text: str, expected: Target) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("KOR.fill_rate=>0.99@0.95", "expected COUNTRY"),
        ("fill_rate>=0.99", "expected COUNTRY"),
        ("KOR.fillrate>=0.99", "unknown metric 'fillrate'"),
        ("KOR.fill_rate>=high", "threshold 'high' is not a number"),
        ("KOR.fill_rate>=0.99@1.5", "share '1.5' must be a number in"),
        ("KOR.fill_rate>=0.99@0", "share '0' must be a number in"),
        ("KOR.fill_rate>=nan", "threshold must be finite"),
        ("", "expected COUNTRY"),
    ],
)
def test_parse_errors_say_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(TargetSyntaxError, match=message):
        parse_target(text)


def _hand_sweep() -> pd.DataFrame:
    """Twenty replications at each of four swept sizes; fill rates chosen by hand.

    Replications meeting ``fill_rate >= 0.99``: 10/20 at 0, 18/20 at 15, 19/20 at 30
    (the share 0.95 exactly), 20/20 at 60.
    """
    meeting = {0: 10, 15: 18, 30: 19, 60: 20}
    rows = []
    for size, k in meeting.items():
        for r in range(20):
            rows.append({
                "variant": f"size_days={size}", "replication": r, "country": "KOR",
                "commodity": "gallium", "group": False, f"param.{PATH}": size,
                "fill_rate": 0.995 if r < k else 0.9,
                "tts_days": None if r < k else 12.0,
            })  # fmt: skip
    return pd.DataFrame(rows)


def test_smallest_swept_value_meeting_the_target() -> None:
    target = parse_target("KOR.fill_rate>=0.99@0.95")
    (result,) = evaluate_target(_hand_sweep(), target, [PATH])
    assert result.by == PATH
    assert result.table["value"].tolist() == [0, 15, 30, 60]
    assert result.table["met"].tolist() == [10, 18, 19, 20]
    assert result.table["share"].tolist() == pytest.approx([0.5, 0.9, 0.95, 1.0])
    assert result.table["meets_target"].tolist() == [False, False, True, True]
    assert result.smallest_value == 30
    # 20/20 has a Wilson lower bound of 0.839 < 0.95: no value is sure to meet it.
    assert result.smallest_value_confident is None
    low, high = wilson_interval(19, 20)
    assert (result.table.loc[2, "wilson_low"], result.table.loc[2, "wilson_high"]) == (low, high)


def test_a_lower_share_is_met_sooner_and_confidently_later() -> None:
    (result,) = evaluate_target(_hand_sweep(), parse_target("KOR.fill_rate>=0.99@0.8"), [PATH])
    assert result.smallest_value == 15
    # Wilson lower bounds: 18/20 → 0.699, 19/20 → 0.764, 20/20 → 0.839.
    assert result.smallest_value_confident == 60


def test_missing_tts_counts_as_beyond_the_horizon() -> None:
    # tts_days is None exactly where there is no shortfall: "TTS >= 100" holds there.
    (result,) = evaluate_target(_hand_sweep(), parse_target("KOR.tts_days>=100@0.95"), [PATH])
    assert result.table["met"].tolist() == [10, 18, 19, 20]
    assert result.smallest_value == 30


def test_no_value_meets_the_target() -> None:
    (result,) = evaluate_target(_hand_sweep(), parse_target("KOR.fill_rate>=0.999"), [PATH])
    assert result.smallest_value is None
    assert not result.table["meets_target"].any()


def test_without_a_sweep_the_target_is_per_variant() -> None:
    frame = _hand_sweep().drop(columns=f"param.{PATH}")
    (result,) = evaluate_target(frame, parse_target("KOR.fill_rate>=0.99"), [])
    assert result.by == "variant"
    assert result.table["value"].tolist() == [f"size_days={s}" for s in (0, 15, 30, 60)]
    assert result.smallest_value is None


def test_unknown_country_in_a_target() -> None:
    with pytest.raises(SelectionError, match="unknown country or group 'CHN'"):
        evaluate_target(_hand_sweep(), parse_target("CHN.fill_rate>=0.99"), [PATH])


def test_sweep_table_by_hand() -> None:
    table = sweep_table(_hand_sweep(), [PATH], ["fill_rate"])
    assert table["value"].tolist() == [0, 15, 30, 60]
    # At size 0: ten at 0.995, ten at 0.9 → mean 0.9475.
    assert table.loc[0, "mean"] == pytest.approx(0.9475)
    assert table.loc[0, "ci_low"] < 0.9475 < table.loc[0, "ci_high"]
    # At 60 every replication is 0.995: a degenerate interval.
    assert table.loc[3, "ci_low"] == pytest.approx(0.995)
    assert math.isclose(table.loc[3, "ci_high"], 0.995)


def test_sweep_results_folder_end_to_end(tmp_path: Path) -> None:
    folder = write_results(
        tmp_path / "sweep", sweep=(PATH, [0, 15, 30, 60]), replications=40, daily=False
    )
    report = compare_results(
        folder, metrics=["fill_rate"], targets=["KOR.fill_rate>=0.95@0.9"], n_resamples=200
    )
    assert report.sweep is not None
    kor = report.sweep[report.sweep["country"] == "KOR"]
    assert kor["value"].tolist() == [0, 15, 30, 60]
    # More pooled stock, higher fill rate.
    assert kor["mean"].is_monotonic_increasing
    (result,) = report.targets
    assert result.by == PATH
    shares = result.table["share"].tolist()
    expected = next((v for v, s in zip([0, 15, 30, 60], shares, strict=True) if s >= 0.9), None)
    assert result.smallest_value == expected
    assert report.to_dict()["sweep"]["parameters"] == [PATH]
