"""The historical replays in ``scenarios/replays/`` against the bundled history.

Every feature of ``supplyshock backtest`` is asserted against history
(``simulator/data/history/``) with the tolerance its replay file states:
history must lie inside the model's 90% band over the replay's replications,
widened by that tolerance.  Expected values are history's, never the
model's.  Features the model cannot reproduce yet are known misses:
``xfail(strict=True)`` with the reason, listed in ``docs/validation.md`` —
so a change that makes the model reproduce one turns the test red until the
mark (and the docs) are updated.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from simulator.analysis.backtest import BacktestResult, Status, backtest
from simulator.io.history import load_history
from simulator.io.scenario_file import load_scenario

REPLAYS = Path(__file__).resolve().parents[1] / "scenarios" / "replays"

GA_PRICE = (
    "Rotterdam's gallium price peaked at 2.1 times its pre-control level in December 2023; the"
    " model's world price peaks lower (about 1.7): licensing only delays China's supply, so the"
    " share of demand left uncovered stays small, and the price rule has no speculative or"
    " precautionary buying beyond the inventory gap"
)
RE_PRICES = (
    "rare-earth oxide prices rose 8 to 16 times by mid-2011 (Lynas FOB China); the model's world"
    " price rises about 1.5 times: the replay's quota cuts a share of supply, and the price rule"
    " (flexibility 1/|elasticity|, bounded by 1 + flexibility) has no speculation or hoarding,"
    " which the sources credit for the 2011 spike"
)
UREA_PRICES = (
    "urea prices rose worldwide in autumn 2021 (gas prices, China's energy rationing: Chinese"
    " domestic 1.5 times, Korea's import unit value 2.7 times); the model's world price moves"
    " only with the Korean licensing it replays, a small share of world urea, and has no gas"
    " or energy shock"
)
LICENCES_TRICKLED = (
    "licences trickled out: history has exports at a few per cent of 2022 in October and 20% in"
    " November; the model approves every request after the statutory 51-63 days, so exports are"
    " near baseline from October (approval shares and actual processing times were not published)"
)
GA_2023_ALREADY_LOW = (
    "China's 2023 gallium exports were already half of 2022's before the announcement"
    " (January-July -51% year on year, with prices -53% from June 2022): weak demand; the model's"
    " baseline is 2022, and its demand responds to its own price only, not to the downstream"
    " slump that lowered both exports and prices"
)
GE_RUSH = (
    "July rush: germanium exports 2.3 times the 2022 average; the replay states no front-loading"
    " (its size is not documented), so nobody orders more before the control, although China now"
    " has headroom (utilisation 0.85) to surge"
)
GA_2024_LOW = (
    "gallium exports were about half the 2022 average in mid-2024; the model's importers order"
    " back their backlog once licences flow and China's headroom serves it, with 2022 demand:"
    " weak downstream demand and licences that stayed scarce are not in the model"
)
EARLY_2024_SLUMP = (
    "gallium exports fell back to 15% of the 2022 average in March 2024; the model has no"
    " mechanism for approvals that vary over time, or for demand that fell"
)
GE_2024_LOW = (
    "germanium exports stayed low in 2024 (29.4 t over the year against 43.7 t in 2022; none to"
    " the United States after mid-2023); the model approves every request at the statutory time"
)
KOREA_GA_STOCK = (
    "the model runs Korea (98% Chinese, 30 days of stock assumed, no reserve in the data) short"
    " in September; none was reported: Korean firms' and KOMIR's stocks are not public (issue 12"
    " makes them uncertain); the demand response (elasticity -0.1) cuts little of it"
)
RE_QUOTA_SLACK = (
    "the 2010 quota did not bind on shipments to Japan (Japan's imports from China rose 49% on"
    " 2009; China's exports fell 9.3% while the quota fell 40%); the replay's quota of 0.6 of"
    " baseline flow on every link holds the model well below history"
)
RE_HALT_LEAK = (
    "Japan's imports from China fell to 0.66 in October and 0.34 in November, not to zero: cargo"
    " cleared before the halt kept arriving and customs categories differ; the model's ban stops"
    " every shipment from 21 September"
)
RE_CATCH_UP = (
    "December's 2.1 times the pre-halt average is the backlog shipped after the halt; the model"
    " orders its backlog back, but the replay's quota of 0.6 stays in force after the halt and"
    " caps the catch-up"
)
RE_JAPAN_STOCK = (
    "the model runs Japan short in September 2010: the dataset's 30 days of Japanese stock is an"
    " assumption for 2024 (METI expected the 2010 stock to last to March-April 2011) and the"
    " model's binding quota cuts a third of Japan's supply from July"
)

GA, GE, RE, UREA = (
    "gallium CHN->WLD",
    "germanium CHN->WLD",
    "rare_earth_oxides CHN->JPN",
    "urea_industrial CHN->KOR",
)
RECOVERY = "recovery month (>= 0.8 of pre-control)"
LA = "rare_earth_oxides lanthanum oxide, FOB China (Lynas)"
DY = "rare_earth_oxides dysprosium oxide, FOB China (Lynas)"

# (replay, feature, known-miss reason or None): every feature the backtest reports.
FEATURES: list[tuple[str, str, str | None]] = [
    ("gallium-2023", f"{GA}: ratio 2023-07", GA_2023_ALREADY_LOW),
    ("gallium-2023", f"{GA}: ratio 2023-08", None),
    ("gallium-2023", f"{GA}: ratio 2023-09", None),
    ("gallium-2023", f"{GA}: ratio 2023-10", LICENCES_TRICKLED),
    ("gallium-2023", f"{GA}: ratio 2023-11", LICENCES_TRICKLED),
    ("gallium-2023", f"{GA}: ratio 2023-12", None),
    ("gallium-2023", f"{GA}: ratio 2024-03", EARLY_2024_SLUMP),
    ("gallium-2023", f"{GA}: ratio 2024-06", GA_2024_LOW),
    ("gallium-2023", f"{GA}: trough month", None),
    ("gallium-2023", f"{GA}: trough depth", None),
    ("gallium-2023", f"{GA}: {RECOVERY}", LICENCES_TRICKLED),
    ("gallium-2023", f"{GE}: ratio 2023-07", GE_RUSH),
    ("gallium-2023", f"{GE}: ratio 2023-08", None),
    ("gallium-2023", f"{GE}: ratio 2023-09", None),
    ("gallium-2023", f"{GE}: ratio 2023-10", LICENCES_TRICKLED),
    ("gallium-2023", f"{GE}: ratio 2023-11", LICENCES_TRICKLED),
    ("gallium-2023", f"{GE}: ratio 2024-03", None),
    ("gallium-2023", f"{GE}: ratio 2024-06", GE_2024_LOW),
    ("gallium-2023", f"{GE}: trough month", None),
    ("gallium-2023", f"{GE}: trough depth", None),
    ("gallium-2023", f"{GE}: {RECOVERY}", LICENCES_TRICKLED),
    ("gallium-2023", "price gallium Rotterdam: peak ratio", GA_PRICE),
    ("gallium-2023", "KOR shortage (gallium, germanium)", KOREA_GA_STOCK),
    ("gallium-2023", "JPN shortage (gallium)", None),
    ("rare-earths-japan-2010", f"{RE}: ratio 2010-09", RE_QUOTA_SLACK),
    ("rare-earths-japan-2010", f"{RE}: ratio 2010-10", RE_HALT_LEAK),
    ("rare-earths-japan-2010", f"{RE}: ratio 2010-11", None),
    ("rare-earths-japan-2010", f"{RE}: ratio 2010-12", RE_CATCH_UP),
    ("rare-earths-japan-2010", f"{RE}: ratio 2011-01", RE_QUOTA_SLACK),
    ("rare-earths-japan-2010", f"{RE}: ratio 2011-02", None),
    ("rare-earths-japan-2010", f"{RE}: ratio 2011-03", None),
    ("rare-earths-japan-2010", f"{RE}: trough month", None),
    ("rare-earths-japan-2010", f"{RE}: trough depth", RE_HALT_LEAK),
    ("rare-earths-japan-2010", f"{RE}: {RECOVERY}", RE_QUOTA_SLACK),
    ("rare-earths-japan-2010", "JPN shortage (rare_earth_oxides)", RE_JAPAN_STOCK),
    ("rare-earths-japan-2010", f"price {LA}: peak ratio", RE_PRICES),
    ("rare-earths-japan-2010", f"price {DY}: peak ratio", RE_PRICES),
    ("urea-korea-2021", f"{UREA}: ratio 2021-11", None),
    ("urea-korea-2021", "price urea China, domestic (KOTRA Hangzhou): peak ratio", UREA_PRICES),
    ("urea-korea-2021", "price urea Korea, import unit value: peak ratio", UREA_PRICES),
    ("urea-korea-2021", "KOR shortage (urea_industrial)", None),
]


@cache
def _result(replay: str) -> BacktestResult:
    return backtest(REPLAYS / f"{replay}.yaml")


@pytest.mark.parametrize(
    ("replay", "feature"),
    [
        pytest.param(r, f, marks=pytest.mark.xfail(strict=True, reason=why) if why else ())
        for r, f, why in FEATURES
    ],
)
def test_feature_reproduces_history(replay: str, feature: str) -> None:
    assert _result(replay).feature(feature).status is Status.HIT


@pytest.mark.parametrize("replay", sorted({r for r, _, _ in FEATURES}))
def test_every_feature_is_listed(replay: str) -> None:
    """A new feature (or a renamed one) must be added above, as a hit or a known miss."""
    listed = {f for r, f, _ in FEATURES if r == replay}
    assert {f.name for f in _result(replay).features} == listed


@pytest.mark.parametrize("replay", sorted({r for r, _, _ in FEATURES}))
def test_replays_state_no_structural_override(replay: str) -> None:
    spec = load_scenario(REPLAYS / f"{replay}.yaml").backtest
    assert spec is not None
    assert spec.historical_overrides == []
    assert _result(replay).overrides == ()


def test_every_shipped_replay_is_backtested() -> None:
    assert {p.stem for p in REPLAYS.glob("*.yaml")} == {r for r, _, _ in FEATURES}


# --- history's side of the features, derived by hand from the bundled records ---------------


def test_gallium_history_ratios() -> None:
    result = _result("gallium-2023")
    per_day_2022 = 94 / 365  # 2022 total, Chinese customs via Reuters
    assert result.feature(f"{GA}: ratio 2023-10").history == pytest.approx(0.25 / 31 / per_day_2022)
    assert result.feature(f"{GA}: ratio 2023-12").history == pytest.approx(7.3 / 31 / per_day_2022)
    # Trough: August and September are both zero; the first one is the trough.
    assert result.feature(f"{GA}: trough month").history == 0.0  # months after August 2023
    assert result.feature(f"{GA}: trough depth").history == 0.0
    # Recovery to 0.8: October 0.03, November 0.20, December 7.3/31/(94/365) = 0.91.
    assert result.feature(f"{GA}: {RECOVERY}").history == 4.0  # December 2023


def test_rare_earth_history_ratios() -> None:
    result = _result("rare-earths-japan-2010")
    # January-August 2010: 23,310 t for the year less September-December, over 243 days.
    per_day = (23_310 - 2_246 - 1_278 - 634 - 4_080) / (31 + 28 + 31 + 30 + 31 + 30 + 31 + 31)
    assert result.feature(f"{RE}: ratio 2010-09").history == pytest.approx(2_246 / 30 / per_day)
    assert result.feature(f"{RE}: trough depth").history == pytest.approx(634 / 30 / per_day)
    assert result.feature(f"{RE}: trough month").history == 2.0  # November, from September
    assert result.feature(f"{RE}: {RECOVERY}").history == 3.0  # December: 4,080 t


def test_urea_history_ratio_and_shortage() -> None:
    result = _result("urea-korea-2021")
    # November 2021 against November 2020, which was 41.4% higher (KITA via NewDaily).
    assert result.feature(f"{UREA}: ratio 2021-11").history == pytest.approx(
        (23_976 / 30) / (40_915 / 30)
    )
    assert result.feature("KOR shortage (urea_industrial)").history == 0.0  # October 2021


def test_no_shortage_history_for_japans_gallium() -> None:
    assert _result("gallium-2023").feature("JPN shortage (gallium)").history is None


def test_nothing_is_fitted_to_history() -> None:
    assert load_history().calibration == ()
    assert _result("urea-korea-2021").calibration == ()
