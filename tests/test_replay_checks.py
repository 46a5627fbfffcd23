"""Historical replays may not tune the dataset's structure, and must name history that exists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.errors import InputError
from simulator.io.scenario_file import load_scenario, load_scenario_text

ROOT = Path(__file__).parents[1]
TUNED = ROOT / "tests" / "data" / "bad" / "replay-tuned.yaml"

REPLAY = """
name: r
horizon_days: 90
data: builtin
commodities:
  gallium: {{}}
{network}
shocks:
  - {{id: ban, exporter: CHN, commodity: gallium, mode: ban, effective_day: 10}}
backtest:
  episode: {episode}
  day0: 2023-07-03
  control_month: 2023-08
  tolerance: {{ratio: 0.25, months: 1}}
  series:
    - {{commodity: gallium, baseline: [{baseline}]}}
{overrides}
"""
CAPACITY = "network:\n  nodes:\n    - {country: CHN, commodity: gallium, capacity_per_year: 850}"


def _replay(
    network: str = "",
    overrides: str = "",
    episode: str = "gallium-germanium-2023",
    baseline: str = "2022-01, 2022-12",
) -> str:
    return REPLAY.format(network=network, overrides=overrides, episode=episode, baseline=baseline)


def test_tuned_capacity_and_lead_time_are_rejected_where_written() -> None:
    with pytest.raises(InputError) as caught:
        load_scenario(TUNED)
    found = [(i.location.line, i.location.column, ".".join(map(str, i.path)))
             for i in caught.value.issues if i.location is not None]  # fmt: skip
    lines = TUNED.read_text().splitlines()
    assert found == [  # at the values written: 850 on line 9, 30 on line 11
        (9, lines[8].index("850") + 1, "network.nodes.0.capacity_per_year"),
        (11, lines[10].index("30}") + 1, "network.links.0.lead_time_days"),
    ]
    first = str(caught.value.issues[0])
    # the dataset's capacity: production 750 / utilisation 0.75 (nodes.csv, market.csv)
    assert "expected the dataset's capacity_per_year of gallium CHN (1000.0), found 850" in first
    assert "backtest.historical_overrides" in first


def test_an_unchanged_value_is_not_an_override() -> None:
    """Restating the dataset's own figure (China's capacity 750 / 0.75 = 1000 t; the
    flow above, 6.475 t) changes nothing."""
    text = _replay(
        "network:\n  nodes:\n    - {country: CHN, commodity: gallium, capacity_per_year: 1000}"
    )
    assert load_scenario_text(text).backtest is not None


def test_a_documented_historical_fact_is_allowed_and_listed() -> None:
    overrides = (
        "  historical_overrides:\n"
        "    - {commodity: gallium, country: CHN, field: capacity_per_year,\n"
        "       source: 'a capacity that changed since: named report, year, page'}"
    )
    scenario = load_scenario_text(_replay(CAPACITY, overrides))
    assert scenario.backtest is not None
    (override,) = scenario.backtest.historical_overrides
    assert override.identity == ("nodes", "gallium", "CHN")
    capacity = next(n for n in scenario.network.nodes if n.country == "CHN")
    assert capacity.capacity_per_year == 850


def test_backtest_lists_the_overrides_with_their_sources() -> None:
    from simulator.analysis.backtest import backtest

    overrides = (
        "  historical_overrides:\n"
        "    - {commodity: gallium, country: CHN, field: capacity_per_year,\n"
        "       source: 'a capacity that changed since: named report, year, page'}"
    )
    result = backtest(load_scenario_text(_replay(CAPACITY, overrides)), replications=1)
    (listed,) = result.overrides
    assert (listed.field, listed.source) == (
        "capacity_per_year",
        "a capacity that changed since: named report, year, page",
    )


def test_an_override_must_name_a_structural_field() -> None:
    overrides = (
        "  historical_overrides:\n"
        "    - {commodity: gallium, country: CHN, field: colour, source: 'some long source text'}"
    )
    with pytest.raises(InputError, match="expected a structural field of nodes"):
        load_scenario_text(_replay("", overrides))


def test_a_replay_may_not_tune_or_switch_off_the_market() -> None:
    tuned = _replay("market:\n  gallium: {demand_elasticity: -0.9}")
    with pytest.raises(InputError) as caught:
        load_scenario_text(tuned)
    (issue,) = caught.value.issues
    assert issue.path == ("market", "gallium", "demand_elasticity")
    # At the value written: line 8 of the text (it opens with an empty line), "-0.9".
    assert issue.location is not None
    line = tuned.splitlines()[7]
    assert (issue.location.line, issue.location.column) == (8, line.index("-0.9") + 1)
    assert "backtest.historical_overrides" in str(issue)
    with pytest.raises(InputError, match="expected the dataset's market in a replay"):
        load_scenario_text(_replay("market: off"))


def test_a_documented_market_fact_is_allowed() -> None:
    overrides = (
        "  historical_overrides:\n"
        "    - {commodity: gallium, field: demand_elasticity,\n"
        "       source: 'an elasticity estimated for the episode: named paper, year, table'}"
    )
    scenario = load_scenario_text(
        _replay("market:\n  gallium: {demand_elasticity: -0.9}", overrides)
    )
    assert isinstance(scenario.market, dict)
    assert scenario.market["gallium"].demand_elasticity == -0.9


def test_a_scenario_that_is_not_a_replay_may_change_the_dataset() -> None:
    text = _replay(CAPACITY).split("backtest:")[0]
    assert load_scenario_text(text).backtest is None


def test_unknown_episode_and_empty_baseline_are_located() -> None:
    with pytest.raises(InputError, match=r"backtest\.episode: expected an episode"):
        load_scenario_text(_replay(episode="gallium-1999"))
    with pytest.raises(InputError, match=r"expected records within the baseline window 2019-01"):
        load_scenario_text(_replay(baseline="2019-01, 2019-12"))


@pytest.mark.slow
def test_validate_exits_3_without_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "validate", str(TUNED.relative_to(ROOT))],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    located = re.compile(
        r"^tests/data/bad/replay-tuned\.yaml:\d+:\d+: network\.\S+: expected the dataset's"
    )
    assert sum(bool(located.match(line)) for line in done.stderr.splitlines()) == 2
