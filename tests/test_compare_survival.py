"""Survival curves of event times with missing = censored, on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.analysis.survival import censored_p_better, kaplan_meier


def test_common_censoring_is_the_empirical_curve() -> None:
    # Five replications: first shortfall on days 3, 3 and 10; none in two (censored at 365).
    # S(3) = 1 - 2/5 = 0.6; at day 10, three at risk, one event: 0.6 · 2/3 = 0.4 = 2/5.
    curve = kaplan_meier([3, None, 10, 3, None], censor_day=365)
    assert curve.days.tolist() == [3.0, 10.0]
    assert curve.survival.tolist() == pytest.approx([0.6, 0.4], abs=1e-12)
    assert curve.at_risk.tolist() == [5, 3]
    assert curve.events.tolist() == [2, 1]
    assert curve.n == 5
    assert curve.n_events == 3
    assert curve.share_with_event == pytest.approx(0.6)
    assert curve.median_days == 10.0
    assert curve.at(2.9) == 1.0
    assert curve.at(3) == pytest.approx(0.6)
    assert curve.at(400) == pytest.approx(0.4)


def test_per_replication_censoring_is_kaplan_meier() -> None:
    # Events on days 2 and 5; one replication censored at 3, one at 10.
    # Day 2: 4 at risk, 1 event → 3/4.  Day 5: at risk the event at 5 and the one censored
    # at 10 (the one censored at 3 has left) → 2, 1 event → 3/4 · 1/2 = 3/8.
    curve = kaplan_meier([2, None, 5, None], censor_days=[np.nan, 3, np.nan, 10])
    assert curve.days.tolist() == [2.0, 5.0]
    assert curve.at_risk.tolist() == [4, 2]
    assert curve.survival.tolist() == pytest.approx([0.75, 0.375], abs=1e-12)
    assert curve.median_days == 5.0


def test_exactly_half_has_a_median() -> None:
    # S falls to exactly 1/2 at day 7; KM factors must not leave it a rounding error above.
    curve = kaplan_meier([1, 2, 3, 4, 5, 7, None, None, None, None, None, None], censor_day=30)
    assert curve.survival[-1] == pytest.approx(0.5)
    assert curve.median_days == 7.0


def test_no_events() -> None:
    curve = kaplan_meier([None, None, float("nan")], censor_day=100)
    assert curve.days.size == 0
    assert curve.median_days is None
    assert curve.share_with_event == 0.0
    assert curve.at(50) == 1.0
    assert math.isnan(kaplan_meier([]).share_with_event)


def test_fewer_than_half_with_the_event_has_no_median() -> None:
    assert kaplan_meier([4, None, None], censor_day=10).median_days is None


def test_censored_p_better_ranks_missing_after_every_day() -> None:
    # TTS: later is better.  (5 vs 3) win, (none vs 4) win, (2 vs 2) tie, (none vs none) tie.
    assert censored_p_better([5, None, 2, None], [3, 4, 2, None], later_is_better=True) == 0.75
    # TTR: sooner is better; never recovering (None) loses to any recovery.
    assert censored_p_better([10, None], [None, 3], later_is_better=False) == 0.5
    assert censored_p_better([10, 2], [None, 3], later_is_better=False) == 1.0
