"""The conservation ledger: balanced runs pass, a gap fails loudly and says where."""

from __future__ import annotations

import numpy as np
import pytest
from scenario_factory import ban, base_dict, run, series

from simulator.engine.records import Ledger
from simulator.engine.simulation import CONSERVATION_RTOL, check_ledger
from simulator.errors import ConservationError


def test_a_run_balances_its_ledger() -> None:
    """Two-country ban from day 50: 30 in stock + 10 in transit + 50 produced (days 0..49)
    = 90 consumed (days 0..89) + 0 left; the records say the same, day by day (and ``run``
    checks the ledger against the records with ``tests/invariants.py``)."""
    scenario = base_dict(shocks=[ban()])
    result, _ = run(scenario)
    ledger = result.ledgers["widget"]
    assert (ledger.initial_stock, ledger.production) == pytest.approx((40.0, 50.0))
    assert (ledger.consumption, ledger.final_stock) == pytest.approx((90.0, 0.0))
    np.testing.assert_allclose(series(result, "production", "CHN")[:50], 1.0, atol=1e-12)
    np.testing.assert_allclose(series(result, "consumption", "KOR")[:90], 1.0, atol=1e-12)
    assert series(result, "consumption", "KOR")[90:].sum() == pytest.approx(0.0, abs=1e-12)


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
