"""Next-event time advance gives the records of day-by-day stepping, exactly.

``simulate(..., time_advance="next_event")`` (the default) runs the days
between two moments in one compiled call and stops early at state events;
``time_advance="daily"`` runs every day in Python, the path every
hand-derived test was written against.  Both do the same floating-point
operations in the same order, so every daily record, the ledger and every
drawn value must be equal — not close — on random scenarios with every
feature on (controls of every mode with leakage, licences and front-loading,
supplier expansions, national reserves, a joint pool, loan transfers, joint
procurement, a market), and on the shipped scenarios with several
commodities.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenario_factory import COMMODITY, ban, base_dict, build
from strategies import market_parameters, shocked, with_policies

import simulator.engine.day as day_module
from simulator import load_scenario
from simulator.engine import RunResult, policy_layout, simulate
from simulator.engine.events import DayClock, at_day_start
from simulator.engine.market import Market
from simulator.engine.policy_book import DELAYS_AHEAD, PolicyBook
from simulator.engine.records import CommodityRecords
from simulator.engine.stockpiles import NationalStockpile, ReleaseRule
from simulator.engine.streams import Stream, Streams
from simulator.model.distributions import (
    RandomQuantity,
    Triangular,
    Uniform,
    draw_days,
    draw_days_ahead,
)
from simulator.model.limits import DELAY_DAYS
from simulator.model.network import TradeNetwork
from simulator.model.scenario import Scenario, Trigger

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None)


def assert_same_run(a: RunResult, b: RunResult) -> None:
    """Every record, ledger and drawn value of two runs equal (NaN equal to NaN)."""
    assert a.records.keys() == b.records.keys()
    for commodity, ra in a.records.items():
        rb = b.records[commodity]
        for name, values in ra.arrays.items():
            np.testing.assert_array_equal(values, rb.arrays[name], err_msg=f"{commodity} {name}")
        np.testing.assert_array_equal(ra.link_shipped, rb.link_shipped, err_msg=commodity)
        np.testing.assert_array_equal(ra.price, rb.price, err_msg=commodity)
        np.testing.assert_array_equal(ra.trade_due_after_horizon, rb.trade_due_after_horizon)
        np.testing.assert_array_equal(ra.policy_due_after_horizon, rb.policy_due_after_horizon)
    assert a.ledgers == b.ledgers
    assert a.drawn == b.drawn
    assert a.shock_start_day == b.shock_start_day


def _both_paths(scenario: Scenario, replication: int = 0) -> None:
    network = TradeNetwork.from_scenario(scenario)
    assert_same_run(
        simulate(scenario, replication, network=network),
        simulate(scenario, replication, network=network, time_advance="daily"),
    )


@SETTINGS
@given(
    scenario=with_policies(shocks=True, any_trigger=True, all_controls=True),
    market=st.none() | market_parameters(),
    replication=st.integers(0, 3),
)
def test_every_feature_on_same_records(
    scenario: dict[str, Any], market: dict[str, Any] | None, replication: int
) -> None:
    if market is not None:
        scenario = {**scenario, "market": {COMMODITY: market}}
    _both_paths(build(scenario), replication)


@SETTINGS
@given(scenario=shocked(), market=st.none() | market_parameters())
def test_random_controls_and_expansions_same_records(
    scenario: dict[str, Any], market: dict[str, Any] | None
) -> None:
    if market is not None:
        scenario = {**scenario, "market": {COMMODITY: market}}
    _both_paths(build(scenario))


@SETTINGS
@given(scenario=with_policies(shocks=False, any_trigger=True))
def test_policies_without_a_shock_same_records(scenario: dict[str, Any]) -> None:
    """Triggers above the inventory targets release at baseline: state events from day 0."""
    _both_paths(build(scenario))


@pytest.mark.parametrize(
    "path",
    [
        "scenarios/replays/gallium-2023.yaml",
        "scenarios/policies/both.yaml",
        "scenarios/experiments/base/gallium.yaml",
        "scenarios/experiments/base/urea-jpn.yaml",
    ],
)
def test_shipped_scenarios_same_records(path: str) -> None:
    scenario = load_scenario(ROOT / path)
    for replication in (0, 7):
        _both_paths(scenario, replication)


def test_a_quiet_run_steps_no_day_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two countries, a ban from day 20, no policy: two spans, not one Python day."""
    python_days, spans = _count_days(monkeypatch)
    scenario = base_dict(horizon_days=100)
    scenario["shocks"] = [ban(effective_day=20)]
    simulate(build(scenario))
    assert python_days == []
    assert spans == [(0, 20), (20, 100)]


def test_a_reserve_releases_inside_the_span(monkeypatch: pytest.MonkeyPatch) -> None:
    """Korea (1 unit/day, 30 days of stock, 10 days on the way) loses its only supplier on day 20.

    Arrivals continue up to day 29 (shipped up to day 19): stock at the end of
    day 29 is 30, then falls by 1 a day; after day d's trade (d >= 30) it is
    60 - d, below the reserve's trigger of 25 days from d = 36 on, and with no
    decision delay the reserve releases that day what brings Korea back to
    its target plus the day's use: 30 + 1 - 24 = 7 units; the next day
    30 + 1 - 30 = 1.  All of it inside the span from day 20: no day runs in
    Python.
    """
    python_days, spans = _count_days(monkeypatch)
    scenario = base_dict(horizon_days=60)
    scenario["shocks"] = [ban(effective_day=20)]
    scenario["policies"] = {
        "stockpiles": [
            {
                "id": "reserve",
                "country": "KOR",
                "commodity": COMMODITY,
                "size_days": 90,
                "trigger_coverage_days": 25,
                "decision_delay_days": 0,
            }
        ]
    }
    result = simulate(build(scenario))
    assert (python_days, spans) == ([], [(0, 20), (20, 60)])
    released = result.records[COMMODITY].arrays["released"][:, 1]
    assert released[:36].sum() == 0.0
    assert released[36] == pytest.approx(7.0, abs=1e-9)
    assert released[37] == pytest.approx(1.0, abs=1e-9)


def test_decision_delays_drawn_ahead_are_the_rules_own_draws() -> None:
    """Drawing a rule's delays a few at a time gives the draws it would make one by one."""
    scenario = build(base_dict(horizon_days=30))
    net = TradeNetwork.from_scenario(scenario)[COMMODITY]
    market = Market(net, np.full(net.n_links, 10), np.zeros(net.n_links, int), 30, 5.0, 0)
    record = CommodityRecords.empty(COMMODITY, net.countries, market.demand, market.stock, 30)
    delay = Uniform(dist="uniform", low=0, high=40)
    rule = ReleaseRule("reserve", Trigger.COVERAGE, 10.0, delay, Streams(3, 5))
    reserve = NationalStockpile(market, "reserve", 1, 10.0, 0.0, None, 0.0, rule)
    book = PolicyBook(market, record, [reserve], [], [])
    drawn = [*book.delays[0]]
    book.rule_ints[0, policy_layout.NEXT] = DELAYS_AHEAD  # all used: the next ones
    book.draw_delays()
    drawn += [*book.delays[0]]
    one_by_one = Streams(3, 5).generator(Stream.POLICY_DELAYS, "reserve")
    expected = [draw_days(delay, one_by_one, DELAY_DAYS) for _ in range(2 * DELAYS_AHEAD)]
    assert drawn == expected
    assert len(set(expected)) > 1


@pytest.mark.parametrize(
    "quantity",
    [
        7,
        Uniform(dist="uniform", low=0, high=40),
        Uniform(dist="uniform", low=0.5, high=2.5),
        Triangular(dist="triangular", low=0, mode=3, high=30),
    ],
)
def test_delays_drawn_ahead_at_once_are_drawn_one_by_one(quantity: RandomQuantity) -> None:
    """draw_days_ahead gives the draws of draw_days one by one, and leaves the stream where
    they would."""
    for seed in range(50):
        ahead, one_by_one = np.random.default_rng(seed), np.random.default_rng(seed)
        drawn = draw_days_ahead(quantity, ahead, DELAY_DAYS, DELAYS_AHEAD)
        assert drawn == [draw_days(quantity, one_by_one, DELAY_DAYS) for _ in range(DELAYS_AHEAD)]
        assert all(type(d) is int for d in drawn)
        assert ahead.random() == one_by_one.random()


def _count_days(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], list[tuple[int, int]]]:
    """Lists that fill, as a run goes, with the days run in Python and the spans run at once."""
    python_days: list[int] = []
    spans: list[tuple[int, int]] = []
    one_day, advance = day_module._one_day, day_module._advance

    def counted_day(day: int, c: day_module.Commodity) -> None:
        python_days.append(day)
        one_day(day, c)

    def counted_span(c: day_module.Commodity, first: int, end: int) -> int:
        spans.append((first, end))
        return advance(c, first, end)

    monkeypatch.setattr(day_module, "_one_day", counted_day)
    monkeypatch.setattr(day_module, "_advance", counted_span)
    return python_days, spans


def test_next_moment_is_the_first_moment_after_a_day() -> None:
    clock = DayClock()
    for day in (5, 2, 9, 2):
        at_day_start(clock, day, lambda: None)
    assert clock.next_moment(0) == 2
    assert clock.next_moment(2) == 5
    assert clock.next_moment(8) == 9
    assert clock.next_moment(9) == float("inf")
