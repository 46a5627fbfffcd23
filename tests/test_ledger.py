"""The conservation ledger: balanced runs pass, a gap fails loudly and says where."""

from __future__ import annotations

import pytest
from scenario_factory import ban, base_dict, run

from simulator.engine.records import Ledger
from simulator.engine.simulation import CONSERVATION_RTOL, check_ledger
from simulator.errors import ConservationError


def test_a_run_balances_its_ledger() -> None:
    """Two-country ban: 30 in stock + 10 in transit + 50 produced = 90 consumed + 0 left."""
    result, _ = run(base_dict(shocks=[ban()]))
    ledger = result.ledgers["widget"]
    assert (ledger.initial_stock, ledger.production) == pytest.approx((40.0, 50.0))
    assert (ledger.consumption, ledger.final_stock) == pytest.approx((90.0, 0.0))
    check_ledger(ledger)


def test_a_gap_names_the_commodity_and_its_size() -> None:
    ledger = Ledger("gallium", initial_stock=100.0, production=50.0, consumption=120.0,
                    final_stock=29.0)  # fmt: skip
    with pytest.raises(ConservationError, match=r"'gallium' .* = 1 units"):
        check_ledger(ledger)


def test_the_tolerance_is_relative() -> None:
    scale = 1e6
    within = Ledger("urea", scale, 0.0, 0.0, scale * (1 - 0.5 * CONSERVATION_RTOL))
    beyond = Ledger("urea", scale, 0.0, 0.0, scale * (1 - 2 * CONSERVATION_RTOL))
    check_ledger(within)
    with pytest.raises(ConservationError):
        check_ledger(beyond)
