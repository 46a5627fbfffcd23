"""Every daily field a run leaves unzeroed (``RUN_WRITES``) is written on every day.

``CommodityRecords.empty(..., zeroed=False)`` leaves those fields unset for
speed (``simulate`` writes them all).  Here they start as NaN instead of
whatever memory held, and every record of a run must come out a number: on
scenarios that reach each path that writes them — spans and day-by-day
stepping, a market, licences, recipes (tiers), policies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simulator import load_scenario
from simulator.engine import simulate
from simulator.engine.records import RUN_WRITES, CommodityRecords

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [
    "scenarios/examples/two-country-ban.yaml",
    "scenarios/examples/pooled-vs-national.yaml",
    "scenarios/policies/both.yaml",
    "scenarios/replays/gallium-2023.yaml",
    "scenarios/cross-checks/ofr-gallium.yaml",
    "scenarios/experiments/base/magnets.yaml",
]


@pytest.fixture
def unset_fields_are_nan(monkeypatch: pytest.MonkeyPatch) -> None:
    empty = CommodityRecords.empty.__func__  # type: ignore[attr-defined]

    def nan_filled(cls: type[CommodityRecords], *args: Any, **kwargs: Any) -> CommodityRecords:
        records: CommodityRecords = empty(cls, *args, **kwargs)
        if not kwargs.get("zeroed", True):
            for name in RUN_WRITES:
                records.arrays[name].fill(np.nan)
        return records

    monkeypatch.setattr(CommodityRecords, "empty", classmethod(nan_filled))


@pytest.mark.usefixtures("unset_fields_are_nan")
@pytest.mark.parametrize("path", SCENARIOS)
@pytest.mark.parametrize("time_advance", ["next_event", "daily"])
def test_a_run_writes_every_unzeroed_field(path: str, time_advance: str) -> None:
    scenario = load_scenario(ROOT / path)
    result = simulate(scenario, 0, time_advance=time_advance)  # type: ignore[arg-type]
    for commodity, records in result.records.items():
        for name in RUN_WRITES:
            assert not np.isnan(records.arrays[name]).any(), (commodity, name)


POLICY_FIELDS = {
    "released",
    "pool_drawn",
    "strategic",
    "pool",
    "stocked",
    "pool_paid",
    "transfers_in",
    "transfers_out",
    "loans_outstanding",
}


@pytest.mark.parametrize("path", SCENARIOS)
@pytest.mark.parametrize("time_advance", ["next_event", "daily"])
def test_a_field_a_run_declares_unwritten_is_zero(path: str, time_advance: str) -> None:
    """``CommodityRecords.unwritten``: readers skip those fields as all 0, so they must be."""
    scenario = load_scenario(ROOT / path)
    result = simulate(scenario, 0, time_advance=time_advance)  # type: ignore[arg-type]
    for commodity, records in result.records.items():
        for name in records.unwritten:
            assert not records.arrays[name].any(), (commodity, name)


def test_what_a_run_declares_unwritten() -> None:
    """No policy and no market: the policies' fields and demand forgone; else not those."""
    bare = simulate(load_scenario(ROOT / "scenarios/examples/two-country-ban.yaml"), 0)
    assert {c: r.unwritten for c, r in bare.records.items()} == {
        "widget": frozenset(POLICY_FIELDS | {"demand_forgone"})
    }
    pooled = simulate(load_scenario(ROOT / "scenarios/examples/pooled-vs-national.yaml"), 0)
    assert all(not (r.unwritten & POLICY_FIELDS) for r in pooled.records.values())
    priced = simulate(load_scenario(ROOT / "scenarios/cross-checks/ofr-gallium.yaml"), 0)
    assert all("demand_forgone" not in r.unwritten for r in priced.records.values())
