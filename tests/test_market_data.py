"""Market parameters of the embedded dataset (``market.csv``): sources, ranges, coverage.

Expected values come from the sources, not from the file: USGS OFR 2024-1057
(Nassar et al. 2024) and Sprecher et al. (2017), and from invariants (bounds,
the definition of price flexibility, production / capacity in ``nodes.csv``).
"""

from __future__ import annotations

import math
import shutil
from importlib.resources import files
from pathlib import Path

import pytest

from simulator.errors import InputError
from simulator.io.dataset import Dataset, load_dataset
from simulator.io.market import (
    PARAMETERS,
    REQUIRED,
    MarketParameters,
    load_market_parameters,
)

DATA = Path(str(files("simulator.data")))


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="module")
def market() -> MarketParameters:
    return load_market_parameters()


# --- every row ----------------------------------------------------------------------------


def test_every_row_has_a_flagged_source(market: MarketParameters) -> None:
    assert len(market) > 0
    for row in market:
        assert row.source, row.label
        assert "[S]" in row.source or "[E]" in row.source, row.label


def test_low_central_high_are_ordered_and_estimates_carry_a_range(
    market: MarketParameters,
) -> None:
    for row in market:
        assert row.low <= row.central <= row.high, row.label
        if row.flag == "E":
            assert row.low < row.high, row.label


def test_every_value_lies_within_its_physical_bounds(market: MarketParameters) -> None:
    for row in market:
        spec = PARAMETERS[row.parameter]
        for value in (row.low, row.central, row.high):
            assert spec.minimum <= value <= spec.maximum, row.label
    for row in market:
        if row.parameter == "demand_elasticity":
            assert row.high < 0, row.label  # demand falls when the price rises
        if row.parameter in ("capacity_utilisation", "substitution_per_year"):
            assert row.low >= 0, row.label
            assert row.high <= 1, row.label


def test_an_unknown_is_said_to_be_unknown(market: MarketParameters) -> None:
    """A row with no figure found says so in words, not only by its flag."""
    for row in market:
        if row.parameter in ("demand_elasticity", "price_adjustment_days", "supply_ramp_days"):
            assert "unknown" in row.source, row.label


# --- coverage -----------------------------------------------------------------------------


def test_every_commodity_has_every_commodity_wide_parameter(
    market: MarketParameters, data: Dataset
) -> None:
    assert market.missing(data) == []
    for commodity in data.commodities:
        for name in REQUIRED:
            assert market.find(commodity, name) is not None, (commodity, name)


def test_every_producer_with_capacity_has_a_utilisation(
    market: MarketParameters, data: Dataset
) -> None:
    for node in data.nodes:
        if float(node["capacity_per_year"]) > 0:  # type: ignore[arg-type]
            market.get(str(node["commodity"]), "capacity_utilisation", str(node["country"]))


def test_a_sourced_capacity_gives_the_utilisation_production_over_capacity(
    market: MarketParameters, data: Dataset
) -> None:
    """Where nodes.csv holds a capacity above production (a nameplate, a demonstrated
    figure, or production / utilisation), the central utilisation is that ratio."""
    checked = 0
    for node in data.nodes:
        production = float(node["production_per_year"])  # type: ignore[arg-type]
        capacity = float(node["capacity_per_year"])  # type: ignore[arg-type]
        if capacity > production:
            row = market.get(str(node["commodity"]), "capacity_utilisation", str(node["country"]))
            assert row.central == pytest.approx(production / capacity, abs=5e-6), row.label
            checked += 1
    assert checked >= 6  # MOZ, MDG, TZA graphite; VNM urea (x2); BEL gallium; US magnets


def test_capacity_is_production_over_the_central_utilisation(
    market: MarketParameters, data: Dataset
) -> None:
    """Issue 11, capacity is not production: capacity = production / central utilisation
    (6 significant digits); a utilisation of 0 (capacity without baseline output) keeps
    the sourced capacity, and a node without a utilisation row produces nothing."""
    derived = 0
    for node in data.nodes:
        commodity, country = str(node["commodity"]), str(node["country"])
        production = float(node["production_per_year"])  # type: ignore[arg-type]
        capacity = float(node["capacity_per_year"])  # type: ignore[arg-type]
        row = market.find(commodity, "capacity_utilisation", country)
        if row is None:
            assert production == capacity == 0, (commodity, country)
        elif row.central == 0:
            assert production == 0 < capacity, row.label
        else:
            assert capacity == pytest.approx(production / row.central, rel=5e-6), row.label
            assert capacity >= production, row.label
            derived += 1
    assert derived >= 50
    gallium = next(n for n in data.nodes if (n["commodity"], n["country"]) == ("gallium", "CHN"))
    assert float(gallium["capacity_per_year"]) == pytest.approx(750 / 0.75)  # type: ignore[arg-type]


def test_the_value_at_risk_is_per_unit_of_own_consumption(
    market: MarketParameters, data: Dataset
) -> None:
    """commodities.csv holds the commodity default of market.csv's value at risk per unit
    short of the country's own consumption (gallium: OFR $3.1B / 16 t US consumption,
    times the multiplier m = 3.46 calibrated on the OFR gallium figure, SOURCES.md)."""
    for commodity, values in data.commodities.items():
        default = market.get(commodity, "value_at_risk_own_consumption_usd_per_unit")
        assert float(values["value_at_risk_usd_per_unit"]) == pytest.approx(  # type: ignore[arg-type]
            default.central, rel=1e-9
        ), commodity
    gallium = float(data.commodities["gallium"]["value_at_risk_usd_per_unit"])  # type: ignore[arg-type]
    assert gallium == pytest.approx(3.46 * 3.1e9 / 16)


def test_the_ranges_of_capacity_and_value_at_risk_follow_market_csv(
    market: MarketParameters, data: Dataset
) -> None:
    """uncertainty.csv: capacity low = production / high utilisation, high = production /
    low utilisation; value-at-risk ranges are market.csv's low and high."""
    from simulator.io.data_ranges import load_ranges

    production = {
        (str(n["commodity"]), str(n["country"])): float(n["production_per_year"])  # type: ignore[arg-type]
        for n in data.nodes
    }
    capacities = 0
    for r in load_ranges(dataset=data):
        if r.field == "capacity_per_year":
            util = market.get(r.key[0], "capacity_utilisation", r.key[1])
            p = production[(r.key[0], r.key[1])]
            assert r.low == pytest.approx(p / util.high, rel=5e-6), r.label
            assert r.high == pytest.approx(p / util.low, rel=5e-6), r.label
            capacities += 1
        elif r.field == "value_at_risk_usd_per_unit":
            default = market.get(r.key[0], "value_at_risk_own_consumption_usd_per_unit")
            assert (r.low, r.high) == (default.low, default.high), r.label
    producers = sum(
        1 for row in market if row.parameter == "capacity_utilisation" and row.central > 0
    )
    assert capacities == producers


def test_china_has_headroom_where_a_source_says_so(market: MarketParameters) -> None:
    """Sourced figures: China's anode plants made 2.12 Mt on 3.5 Mt/yr of capacity in
    2024 (ICC Sino); China's urea operating rate was 83.1% (2013) and under 70% (2018)."""
    anodes = market.get("graphite_battery", "capacity_utilisation", "CHN")
    assert anodes.central == pytest.approx(2.12 / 3.5, abs=5e-5)
    for commodity in ("urea_industrial", "urea_fertilizer"):
        urea = market.get(commodity, "capacity_utilisation", "CHN")
        assert urea.low <= 0.70
        assert urea.high >= 0.831
        assert urea.central < 1
    assert market.get("gallium", "capacity_utilisation", "CHN").central < 1


# --- figures named by the sources ---------------------------------------------------------


def test_the_usgs_ofr_2024_1057_figures_are_held_exactly(market: MarketParameters) -> None:
    """Nassar et al. 2024: $3.1B ($1.7-8.2B) gallium, $0.4B ($0.01-1.1B) germanium,
    $3.4B ($1.7-9.0B) both; gallium price more than +150%, germanium +26%."""
    ga = market.get("gallium", "ofr_us_gdp_loss_usd", "USA")
    assert (ga.low, ga.central, ga.high) == (1.7e9, 3.1e9, 8.2e9)
    ge = market.get("germanium", "ofr_us_gdp_loss_usd", "USA")
    assert (ge.low, ge.central, ge.high) == (0.01e9, 0.4e9, 1.1e9)
    both = market.get("gallium", "ofr_us_gdp_loss_ga_and_ge_usd", "USA")
    assert (both.low, both.central, both.high) == (1.7e9, 3.4e9, 9.0e9)
    assert market.get("gallium", "ofr_price_increase", "USA").low == 1.5
    assert market.get("germanium", "ofr_price_increase", "USA").central == 0.26
    for row in (ga, ge, both):
        assert "2024-1057" in row.source
        assert row.flag == "S"


def test_us_value_at_risk_is_the_ofr_loss_over_us_consumption(market: MarketParameters) -> None:
    """USGS: US gallium consumption about 16 t/yr (2016-20); germanium 30 t (MCS 2020).

    Both carry the multiplier m = 3.46 fitted once on the OFR gallium figure (the
    model's US shortfall in that scenario, 4.6294 t: SOURCES.md); the gallium range
    is the OFR's range over that same shortfall.
    """
    ga = market.value_at_risk("gallium", "USA")
    assert ga.central == pytest.approx(3.46 * 3.1e9 / 16)
    assert (ga.low, ga.high) == (
        pytest.approx(1.7e9 / 4.629426, rel=1e-6),
        pytest.approx(8.2e9 / 4.629426, rel=1e-6),
    )
    ge = market.value_at_risk("germanium", "USA")
    assert ge.central == pytest.approx(3.46 * 0.4e9 / 30)
    assert ge.high == pytest.approx(3.46 * 1.1e9 / 30)
    # the OFR low, $0.01B / 30 t = $0.33M/t, is below the metal's price (about $1,340/kg,
    # 2023): a tonne short loses at least its own value, so the low is the price
    assert ge.low == pytest.approx(max(0.01e9 / 30, 1_340_000))


def test_sprecher_2017_rates_for_rare_earths(market: MarketParameters) -> None:
    """Sprecher et al. 2017: substitution reached 10% of total demand a year; non-Chinese
    primary production ramped up at 4% of total market volume a year."""
    subst = market.get("rare_earth_oxides", "substitution_per_year")
    assert subst.central == 0.10
    assert "Sprecher" in subst.source
    growth = market.get("rare_earth_oxides", "capacity_growth_per_year")
    assert growth.central == 0.04
    assert "Sprecher" in growth.source
    for row in (subst, growth):
        assert "not out of sample" in row.source  # measured on the 2010 episode


def test_price_flexibility_is_the_inverse_of_the_demand_elasticity(
    market: MarketParameters, data: Dataset
) -> None:
    for commodity in data.commodities:
        eps = market.get(commodity, "demand_elasticity")
        flex = market.get(commodity, "price_flexibility")
        assert flex.central == pytest.approx(1 / abs(eps.central), rel=1e-6)
        assert flex.low == pytest.approx(1 / abs(eps.low), rel=1e-6)
        assert flex.high == pytest.approx(1 / abs(eps.high), rel=1e-6)


def test_a_unit_short_loses_at_least_its_price(market: MarketParameters, data: Dataset) -> None:
    """Downstream output at risk is never below the value of the input itself."""
    for row in market:
        if row.parameter == "value_at_risk_own_consumption_usd_per_unit":
            price = float(data.commodities[row.commodity]["price_usd_per_unit"])  # type: ignore[arg-type]
            assert row.low >= price * (1 - 1e-9), row.label


def test_a_country_value_at_risk_falls_back_to_the_commodity_default(
    market: MarketParameters,
) -> None:
    default = market.get("graphite_battery", "value_at_risk_own_consumption_usd_per_unit")
    assert market.value_at_risk("graphite_battery", "KOR") is default
    assert market.value_at_risk("gallium", "USA").country == "USA"
    assert math.isfinite(default.central)


# --- malformed files ----------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def _edit(folder: Path, prefix: str, old: str, new: str) -> int:
    path = folder / "market.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new, 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return index + 1


def test_a_non_numeric_cell_is_located(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    line = _edit(folder, "gallium,,demand_elasticity,", ",-0.1,", ",abc,")
    with pytest.raises(InputError) as caught:
        load_market_parameters(folder)
    (issue,) = caught.value.issues
    assert issue.location is not None
    assert issue.location.file.endswith("market.csv")
    column = len("gallium,,demand_elasticity,-0.3,") + 1
    assert (issue.location.line, issue.location.column) == (line, column)
    assert "found 'abc'" in issue.message


def test_unordered_range_out_of_bounds_and_unknown_names_are_located(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "gallium,CHN,capacity_utilisation,", ",0.55,0.75,0.95,", ",0.55,0.75,1.2,")
    _edit(folder, "germanium,,demand_elasticity,", "germanium", "germainum")
    _edit(folder, "gallium,,substitution_per_year,", ",0,0.05,0.1,", ",0.1,0.05,0.2,")
    _edit(folder, "gallium,,supply_ramp_days,", "supply_ramp_days", "supply_ramp_dayz")
    with pytest.raises(InputError) as caught:
        load_market_parameters(folder)
    text = str(caught.value)
    assert "within [0, 1], found 1.2" in text
    assert "unknown commodity 'germainum' (did you mean 'germanium'?)" in text
    assert "expected low <= central <= high, found 0.1, 0.05, 0.2" in text
    assert "(did you mean 'supply_ramp_days'?)" in text
    assert all(i.location is not None and i.location.line > 1 for i in caught.value.issues)


def test_an_estimate_without_a_range_or_source_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "market.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("gallium,KOR,capacity_utilisation,0.9,0.9,0.9,share,E,\n")
    with pytest.raises(InputError) as caught:
        load_market_parameters(folder)
    messages = [i.message for i in caught.value.issues]
    assert any("carry a range" in m for m in messages)
    assert any("source" in m and "empty" in m for m in messages)


def test_a_country_row_must_name_a_node_of_the_commodity(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "market.csv"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("gallium,BRA,capacity_utilisation,0.5,0.8,1,share,E,[E] a test\n")
    with pytest.raises(InputError, match=r"no node gallium, BRA in nodes\.csv"):
        load_market_parameters(folder)


def test_a_folder_without_the_file_has_no_market_parameters(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "market.csv").unlink()
    assert len(load_market_parameters(folder)) == 0
