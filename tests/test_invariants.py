"""The invariant checker of ``tests/invariants.py`` passes real runs and catches each fault.

Each fault is planted in the records of a real run (the coalition example:
CHN bans KOR for 120 days; a joint pool at JPN and a loan transfer) in a way
the engine's global ledger cannot see, and the checker must name it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np
import pytest
from invariants import check_invariants, initial_stocks
from scenario_factory import COMMODITY, base_dict, build, pooled_vs_national_dict, series

from simulator.engine import CommodityRecords, RunResult, simulate
from simulator.model.network import TradeNetwork
from simulator.model.scenario import Scenario


@pytest.fixture(scope="module")
def coalition_run() -> tuple[Scenario, RunResult]:
    scenario = build(pooled_vs_national_dict())
    return scenario, simulate(scenario)


def _first_day(values: np.ndarray) -> int:
    return int(np.flatnonzero(values > 1e-9)[0])


def _misdeliver(rec: CommodityRecords) -> None:
    """A day's arrivals booked to Japan instead of Korea: the world total is unchanged."""
    kor, jpn = rec.countries.index("KOR"), rec.countries.index("JPN")
    rec["arrivals"][10, kor] -= 0.5
    rec["arrivals"][10, jpn] += 0.5


def _overfill_pool(rec: CommodityRecords) -> None:
    rec["pool"][:, rec.countries.index("JPN")] *= 1.5


def _drift_transit(rec: CommodityRecords) -> None:
    rec["in_transit"][100:, rec.countries.index("KOR")] += 1.0


def _unbalanced_loan(rec: CommodityRecords) -> None:
    kor = rec.countries.index("KOR")
    day = _first_day(-rec["loans_outstanding"][:, kor])
    rec["loans_outstanding"][day:, kor] -= 1.0


def _overproduce(rec: CommodityRecords) -> None:
    rec["production"][5, rec.countries.index("CHN")] += 10.0
    rec["exports_shipped"][5, rec.countries.index("CHN")] += 10.0


def _hidden_release(rec: CommodityRecords) -> None:
    """A release dispatched to Korea but drawn from no reserve or pool."""
    rec["released"][60, rec.countries.index("KOR")] += 1.0


FAULTS: dict[str, tuple[Callable[[CommodityRecords], None], str]] = {
    "misdelivered arrivals": (_misdeliver, r"country balance .* day 10 in (KOR|JPN)"),
    "pool above its size": (_overfill_pool, "room left in joint stockpiles"),
    "transit counter drift": (_drift_transit, "trade in transit .* day 100 in KOR"),
    "loan owed to nobody": (_unbalanced_loan, "loans net"),
    "production above capacity": (_overproduce, "capacity left after production .* CHN"),
    "release from nowhere": (_hidden_release, "country balance|reserves and pools balance"),
}


def test_a_real_run_with_every_coalition_policy_passes(
    coalition_run: tuple[Scenario, RunResult],
) -> None:
    scenario, result = coalition_run
    rec = result.records[COMMODITY]
    # The run exercises what is checked: releases, loans and repayments happen.
    assert rec["released"].sum() > 0
    assert rec["transfers_out"].sum() > 0
    assert rec["loans_outstanding"].min() < 0
    check_invariants(scenario, result)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_planted_fault_is_named(coalition_run: tuple[Scenario, RunResult], fault: str) -> None:
    scenario, clean = coalition_run
    result = copy.deepcopy(clean)
    plant, message = FAULTS[fault]
    plant(result.records[COMMODITY])
    with pytest.raises(AssertionError, match=message):
        check_invariants(scenario, result)


def test_initial_stocks_of_the_two_country_case_by_hand() -> None:
    """KOR: 30 days × 1/day on hand, 10 days × 1/day on the CHN->KOR link; no reserves."""
    scenario = build(base_dict())
    net = TradeNetwork.from_scenario(scenario)[COMMODITY]
    start = initial_stocks(scenario, net, simulate(scenario))
    kor = net.index["KOR"]
    assert start.inventory[kor] == pytest.approx(30.0)
    assert start.in_transit[kor] == pytest.approx(10.0)
    assert start.total == pytest.approx(40.0)


def test_the_inventory_record_is_taken_after_repayment() -> None:
    """End-of-day inventory excludes what left that day in step 8 (a loan repayment).

    On a day Korea repays, its recorded inventory is the day before's, plus what
    arrived and was produced, minus what it consumed and paid back.
    """
    scenario = build(pooled_vs_national_dict(pool=False))
    result = simulate(scenario)
    out = series(result, "transfers_out", "KOR")
    inventory = series(result, "inventory", "KOR")
    day = _first_day(out)
    moved = (
        series(result, "arrivals", "KOR")[day]
        + series(result, "production", "KOR")[day]
        - series(result, "exports_shipped", "KOR")[day]
        + series(result, "transfers_in", "KOR")[day]
        - series(result, "consumption", "KOR")[day]
        - out[day]
    )
    assert series(result, "policy_in_transit", "KOR")[day - 1 : day + 1].max() == 0.0
    assert inventory[day] == pytest.approx(inventory[day - 1] + moved, abs=1e-9)
