"""Costs that compare policies fairly: committed cost, pool debits, host reliability.

The committed cost of reserve stock (``docs/model.md``, metrics) is
``K p (1 + c H / 365) + p Σ R_t``: the carrying cost of the full committed
size ``K`` for the horizon ``H`` plus the purchases that fill it and refill it
(``R_t``), at price ``p``.  A joint stockpile's draws are debited to the
drawing member (``draws_debited_to: drawer``, the default) or to every member
by its share (``shares``); whoever is debited pays the refill.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scenario_factory import pooled_vs_national_dict, run, series

from simulator.engine import simulate
from simulator.experiments.design import load_plan

TOL = 1e-9
PRICE, CARRYING, HORIZON = 1000.0, 0.05, 365
EXPERIMENTS = Path(__file__).resolve().parent.parent / "scenarios" / "experiments"


def _pool_only(**pool_fields: Any) -> dict[str, Any]:
    """The coalition example with its pool only, bought back at 1 unit/day."""
    scenario = pooled_vs_national_dict(pool=True, transfer=False)
    scenario["policies"]["joint_stockpiles"][0].update(replenish_per_day=1.0, **pool_fields)
    return scenario


@pytest.mark.parametrize("debit", ["drawer", "shares"])
def test_the_drawer_pays_for_what_it_drew(debit: str) -> None:
    """Only KOR is banned (days 50..169); the 60-unit pool at JPN (shares 1/2 by demand).

    By ``test_joint_pool_only`` KOR draws all 60 units (2 on day 81, 1/day on
    days 82..139) and JPN nothing.  After the crisis the pool is bought back;
    whatever is back in it by day 364, ``B``, was paid by KOR alone
    (``drawer``) or half by each (``shares``).

    Committed cost of a member's pool share: ``K = 30`` units, so carrying
    30 * 1000 * 0.05 = 1 500 over the year and 30 000 to fill it, plus its
    refill at 1 000 per unit.
    """
    result, rows = run(_pool_only(draws_debited_to=debit))
    pool = series(result, "pool", "KOR") + series(result, "pool", "JPN")
    bought_back = float(pool[-1])
    assert bought_back > 1.0
    assert rows["KOR"]["pool_drawn"] == pytest.approx(60.0, abs=TOL)
    assert rows["JPN"]["pool_drawn"] == 0.0
    kor_refill = bought_back if debit == "drawer" else bought_back / 2
    paid = {"KOR": kor_refill, "JPN": bought_back - kor_refill}
    for country, refill in paid.items():
        assert series(result, "pool_paid", country).sum() == pytest.approx(refill, abs=1e-9)
        expected = 30 * PRICE * CARRYING + (30 + refill) * PRICE
        assert rows[country]["pool_paid"] == pytest.approx(expected, rel=TOL)
        assert rows[country]["stockpile_cost_usd"] == pytest.approx(expected, rel=TOL)
    expected_kj = 2 * 31_500 + bought_back * PRICE
    assert rows["KJ"]["pool_paid"] == pytest.approx(expected_kj, rel=TOL)


def test_emptying_a_reserve_does_not_lower_its_cost() -> None:
    """The pool never refilled (replenish 0) costs its committed 2 * 31 500 USD.

    Under the old carrying-cost-of-stock-held definition an emptied pool
    cost less than a full one, which favoured whichever policy drained it.
    """
    result, rows = run(pooled_vs_national_dict(pool=True, transfer=False))
    assert series(result, "pool", "KOR")[-1] == pytest.approx(0.0, abs=TOL)
    assert rows["KJ"]["stockpile_cost_usd"] == pytest.approx(2 * 31_500, rel=TOL)


def test_a_host_that_does_not_honour_draws_keeps_the_pool_to_itself() -> None:
    """host_release_probability 0: JPN (the host) never releases to KOR.

    KOR gets nothing from the pool: short as without it, on days 90..179
    (ban orders 50..169, nothing arrives on days 60..179; its 30 days cover
    60..89): 90 units, against 30 with the host honouring draws.
    """
    result, rows = run(_pool_only(host_release_probability=0.0))
    assert series(result, "released", "KOR").sum() == 0.0
    assert rows["KOR"]["shortfall"] == pytest.approx(90.0, abs=TOL)
    assert result.drawn["policies.joint_stockpiles.kj-pool.host_honours"] == 0.0
    _, honoured = run(_pool_only(host_release_probability=1.0))
    assert honoured["KOR"]["shortfall"] == pytest.approx(30.0, abs=TOL)


def test_host_reliability_is_drawn_once_per_replication() -> None:
    """Probability 0.5: each replication either honours (shortfall 30) or not (90)."""
    from scenario_factory import build

    scenario = build(_pool_only(host_release_probability=0.5))
    outcomes = set()
    for r in range(12):
        result = simulate(scenario, r)
        honours = result.drawn["policies.joint_stockpiles.kj-pool.host_honours"]
        shortfall = float(series(result, "shortfall", "KOR").sum())
        assert shortfall == pytest.approx(30.0 if honours else 90.0, abs=TOL)
        outcomes.add(honours)
    assert outcomes == {0.0, 1.0}


def _committed_cost(scenario: Any) -> float:
    """USD of reserve stock a variant commits to: the engine's sizes (from one run) times
    each commodity's price and carrying over the horizon, ``K·p·(1 + c·H/365)``."""
    result = simulate(scenario, 0)
    total = 0.0
    for name, rec in result.records.items():
        spec = scenario.commodities[name]
        carry = 1 + spec.carrying_cost_per_year * scenario.horizon_days / 365
        units = float(rec.reserve_size.sum() + rec.pool_size.sum())
        total += units * spec.price_usd_per_unit * carry
    return total


REFERENCE = "none"
"""A variant of this name is an experiment's no-stock reference: it commits nothing."""


@pytest.mark.parametrize(
    "name", sorted(p.stem for p in EXPERIMENTS.glob("*.yaml") if not p.stem.endswith("pool-size"))
)
def test_shipped_experiments_that_claim_equal_cost_hold_it(name: str) -> None:
    """National reserves, the pool, transfers, both and KJ+: one committed cost.

    Every variant of the shipped experiments claims the same cost, but a
    ``none`` reference that holds nothing.  With one commodity equal cost is
    equal committed stock (carrying and filling); across tiers
    (``magnets-kj-tiers``) it is equal value at each tier's price and carrying
    cost.  Refills follow the crisis.  The experiments' sizes are rounded to
    3 figures (e.g. 60 x 395.37 / 599.21 = 39.59 days written as 39.6), hence 0.1%.
    """
    plan = load_plan(EXPERIMENTS / f"{name}.yaml", replications=1)
    stocks = {v.name: _committed_cost(v.scenario) for v in plan.variants}
    if REFERENCE in stocks:
        assert stocks.pop(REFERENCE) == 0.0
    first = next(iter(stocks.values()))
    assert first > 0
    for variant, stock in stocks.items():
        assert stock == pytest.approx(first, rel=1e-3), variant
    assert np.isfinite(list(stocks.values())).all()
