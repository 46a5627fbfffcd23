"""Cross-check with USGS Open-File Report 2024-1057 (Nassar et al. 2024).

A complete, one-year restriction of China's gallium exports costs the US
$3.1B of GDP (range $1.7–8.2B) and raises the gallium price by more than 150%
(the report's abstract; USGS news release of 19 Nov 2024; figures held in
``simulator/data/market.csv``).

**In sample**: the multiplier m = 3.46 between the value per tonne short and
the OFR loss per tonne of US consumption was fitted on the gallium figure
(``simulator/data/SOURCES.md``, "Calibrated on USGS OFR 2024-1057"), so the
loss check holds by construction at the time of fitting; it fails, and asks
for a refit, when the model or the gallium data move the US shortfall out of
the range.  The price check was not fitted.  Germanium (OFR: $0.4B, +26%) is
the out-of-sample check, reported in ``docs/validation.md`` whatever it gives;
here only its loss is held to the report's own range.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.analysis.metrics import metrics_table
from simulator.engine import simulate
from simulator.io.market import load_market_parameters
from simulator.io.scenario_file import load_scenario

CHECKS = Path(__file__).parents[1] / "scenarios" / "cross-checks"


def _us(commodity: str) -> dict[str, Any]:
    scenario = load_scenario(CHECKS / f"ofr-{commodity}.yaml")
    rows = metrics_table(simulate(scenario, 0), scenario)
    return next(r for r in rows if r["country"] == "USA")


def test_a_year_without_chinese_gallium_costs_the_us_what_the_report_finds() -> None:
    """In sample (m was fitted here): the US loss lies in the OFR's $1.7–8.2B."""
    figures = load_market_parameters()
    loss = figures.get("gallium", "ofr_us_gdp_loss_usd", "USA")
    us = _us("gallium")
    assert loss.low <= us["economic_loss_usd"] <= loss.high


def test_the_gallium_price_rises_as_much_as_the_report_says_or_more() -> None:
    """Not fitted: the peak price is at least +150% (the report's lower bound)."""
    rise = load_market_parameters().get("gallium", "ofr_price_increase", "USA").central
    assert _us("gallium")["peak_price_ratio"] >= 1.0 + rise


def test_germanium_out_of_sample_lies_within_the_reports_range() -> None:
    """Nothing was fitted on germanium: its US loss must still lie in the OFR's $0.01–1.1B."""
    loss = load_market_parameters().get("germanium", "ofr_us_gdp_loss_usd", "USA")
    assert loss.low <= _us("germanium")["economic_loss_usd"] <= loss.high


@pytest.mark.xfail(
    strict=True,
    reason="known miss: the OFR finds germanium +26% in a total ban; the model's price, from"
    " the same rule and the dataset's elasticity (-0.1, an assumption with range -0.3 to"
    " -0.03), rises about fourfold. Why the report's rise is so much smaller is not known"
    " here: its price model and supply elasticities were not read",
)
def test_the_germanium_price_rise_is_of_the_reports_order() -> None:
    """Out of sample: the report's +26%, within a factor of two (13–52%)."""
    rise = load_market_parameters().get("germanium", "ofr_price_increase", "USA").central
    assert 1.0 + rise / 2 <= _us("germanium")["peak_price_ratio"] <= 1.0 + 2 * rise
