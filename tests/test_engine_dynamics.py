"""Engine dynamics beyond the single-shock hand cases: overlapping controls,
suppliers that start from zero capacity, uncertain licences, restocking."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from scenario_factory import ban, base_dict, build, link, node, run, series, shock

from simulator.engine import simulate

TOL = 1e-9
FloatArray = npt.NDArray[np.float64]


def _with_australia(
    scenario: dict[str, Any], *, capacity: float, expansion: dict[str, Any] | None = None
) -> dict[str, Any]:
    fields: dict[str, Any] = {"production_per_year": 0.0, "capacity_per_year": capacity}
    if expansion is not None:
        fields["expansion"] = expansion
    scenario["network"]["nodes"].append(node("AUS", **fields))
    scenario["network"]["links"].append(link("AUS", "KOR", 0.0, 10))
    return scenario


def test_a_control_ending_hands_the_link_back_to_the_one_still_in_effect() -> None:
    """A quota of 0.5 for ever from day 50 and a ban on days 60..69.

    KOR is below target from day 60 on, so it always asks for more than 0.5:
    0.5/day leaves on days 50..59, nothing on days 60..69, and 0.5/day again
    from day 70, when the ban ends and the quota governs the link again.
    """
    quota = shock("quota", id="quota", quota_share=0.5)
    banned = ban(id="halt", effective_day=60, duration_days=10)
    result, _ = run(base_dict(shocks=[quota, banned]))
    shipped = series(result, "imports_shipped", "KOR")
    np.testing.assert_allclose(shipped[50:60], 0.5, atol=TOL)
    np.testing.assert_allclose(shipped[60:70], 0.0, atol=TOL)
    np.testing.assert_allclose(shipped[70:], 0.5, atol=TOL)


def test_a_supplier_starting_from_zero_capacity_invests_when_asked() -> None:
    """AUS has no capacity, only an expansion and a potential route to KOR.

    From day 50 KOR's banned requests go unmet; with no spare capacity anywhere
    they are spread over KOR's open routes, AUS among them, so AUS sees unmet
    extra requests from day 50: 30 days later (day 79) it invests, its capacity
    comes online after 100 days (day 179) and grows by 365/yr per year, i.e.
    1/365 unit/day each day: it produces (t - 179)/365 on day t >= 180.
    """
    expansion = {
        "sustain_days": 30,
        "delay_days": 100,
        "ramp_per_year": 365.0,
        "max_capacity_per_year": 365.0,
    }
    scenario = _with_australia(base_dict(shocks=[ban()]), capacity=0.0, expansion=expansion)
    result, _ = run(scenario)
    production = series(result, "production", "AUS")
    np.testing.assert_allclose(production[:180], 0.0, atol=TOL)
    t = np.arange(180, 300)
    np.testing.assert_allclose(production[t], (t - 179) / 365, atol=1e-9)


REPLICATIONS = 40
APPROVAL = 0.5


@pytest.fixture(scope="module")
def half_approved_licences() -> FloatArray:
    """KOR's inventory paths, one row per replication: licensing for ever from day 50,
    10-day review, approval probability 0.5.  CHN has 100/day of capacity, so no
    order, however large after a run of denials, is ever capacity-bound."""
    licensing = shock(
        "licensing", licence={"processing_days": 10, "approval_probability": APPROVAL}
    )
    scenario = build(base_dict(chn_capacity=36_500.0, shocks=[licensing]))
    runs = [simulate(scenario, r) for r in range(REPLICATIONS)]
    for result in runs:
        assert series(result, "shortfall", "KOR").sum() == pytest.approx(0.0, abs=TOL)
    return np.array([series(result, "inventory", "KOR") for result in runs])


def test_licences_approved_half_the_time_settle(half_approved_licences: FloatArray) -> None:
    """One path fluctuates with the approvals, so settling is asserted on averages.

    - No drift: the mean inventory over days 265..364 equals that over days
      165..264 (paired over replications, within three standard errors of the
      paired differences).
    - No cycle: a cycle set off by the control's (fixed) start day survives
      averaging over replications, noise does not; every day of the mean path over
      days 265..364 lies within four standard errors (that day's, over
      replications) of the path's own mean.
    """
    paths = half_approved_licences
    late, earlier = paths[:, 265:365], paths[:, 165:265]
    diff = late.mean(axis=1) - earlier.mean(axis=1)
    assert abs(diff.mean()) <= 3 * diff.std(ddof=1) / np.sqrt(REPLICATIONS)
    mean_path = late.mean(axis=0)
    standard_error = late.std(axis=0, ddof=1) / np.sqrt(REPLICATIONS)
    assert np.all(np.abs(mean_path - mean_path.mean()) <= 4 * standard_error)


def test_licences_approved_half_the_time_settle_no_lower_than_derived(
    half_approved_licences: FloatArray,
) -> None:
    """Where the inventory settles on average, derived from the ordering rule.

    Each day KOR orders ``O = D + T - X`` (or more: the floors only raise it), where
    the position ``X`` counts waiting requests at ``p``.  So from one day's order to
    the next ``X`` changes by ``-D`` (consumption) ``+ p·O`` (the new request) plus
    decisions whose mean change is zero (approved: ``+(1-p)·q``, denied: ``-p·q``).
    Settled, ``E[ΔX] = 0`` gives ``E[O] = D/p`` and so ``E[X] >= T - D·(1-p)/p``:
    the position sits ``(1-p)/p`` days of demand below target on average, and with
    it the inventory, ``E[S] >= 30 - (1-p)/p = 29`` days.  (Before the order the
    pipeline and the queue hold their expected ``L·D`` and ``W·D``, since shipments
    average demand.)  Asserted one-sided, within three standard errors.
    """
    means = half_approved_licences[:, 265:365].mean(axis=1)
    standard_error = means.std(ddof=1) / np.sqrt(REPLICATIONS)
    derived = 30.0 - (1 - APPROVAL) / APPROVAL
    assert means.mean() >= derived - 3 * standard_error


def test_an_importer_restocks_through_an_alternative_when_its_supplier_is_full() -> None:
    """A 50-day ban (days 50..99); CHN has no spare capacity, AUS has 0.5/day.

    During the ban AUS sends 0.5/day.  After it, KOR's orders above its
    baseline cannot be met by CHN (at capacity) and go to AUS, so KOR is back
    at its 30-day target well before the horizon.
    """
    scenario = _with_australia(base_dict(shocks=[ban(duration_days=50)]), capacity=182.5)
    result, rows = run(scenario)
    aus = series(result, "production", "AUS")
    assert aus[110:].sum() > 0
    assert series(result, "inventory", "KOR")[-1] == pytest.approx(30.0, abs=1e-6)
    assert rows["KOR"]["ttr_days"] is not None
