"""One number format with units, for every command and the report."""

from __future__ import annotations

import pytest

from simulator.analysis.metrics import METRICS
from simulator.analysis.quantities import (
    METRIC_KINDS,
    format_cell,
    format_difference,
    format_interval,
    format_mean_interval,
    format_metric,
    format_number,
)


def test_every_metric_has_a_kind() -> None:
    assert tuple(METRIC_KINDS) == METRICS


@pytest.mark.parametrize(
    ("value", "metric", "text"),
    [
        (0.4721, "shortfall", "0.472 t"),
        (18_123_456.0, "economic_loss_usd", "$18.1M"),
        (2_500_000_000.0, "stockpile_cost_usd", "$2.5B"),
        (4_480.0, "economic_loss_usd", "$4.48k"),
        (0.9541, "fill_rate", "95.4%"),
        (1.0, "fill_rate", "100%"),
        (45.0, "ttr_days", "45 days"),
        (1.0, "tts_days", "1 day"),
        (12_345.6, "shortfall", "12,346 t"),
        (None, "shortfall", "—"),
        (float("nan"), "fill_rate", "—"),
    ],
)
def test_format_metric(value: float | None, metric: str, text: str) -> None:
    assert format_metric(value, metric, "t") == text


def test_differences_are_signed_and_shares_are_in_points() -> None:
    assert format_difference(-0.041, "fill_rate") == "−4.1 pp"
    assert format_difference(0.5, "shortfall", "t") == "+0.5 t"
    assert format_difference(-3.2e6, "economic_loss_usd") == "−$3.2M"
    assert format_interval(-0.58, -0.37, "shortfall", "t") == "−0.58 to −0.37 t"
    assert format_cell(-0.58, "shortfall", difference=True) == "−0.58"
    assert format_cell(45.0, "ttr_days") == "45"
    assert format_cell(4480.0, "economic_loss_usd") == "$4.48k"


def test_no_exponent_for_ordinary_magnitudes() -> None:
    for x in (1e-3, 0.05, 7.0, 999.0, 1e5, 1e9):
        assert "e" not in format_number(x)


def test_a_mean_interval_of_identical_values_is_plus_or_minus_zero() -> None:
    # 100 replications of one fill rate: the t interval's half-width is rounding noise.
    mean = 0.24657534246575341
    noisy = format_mean_interval(mean, mean - 2.8e-17, mean + 2.8e-17, "fill_rate")
    assert noisy == format_mean_interval(mean, mean, mean, "fill_rate")
    assert "e-" not in noisy
    assert format_mean_interval(0.5, 0.4, 0.6, "fill_rate") == "50% ± 10%"
