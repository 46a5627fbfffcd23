"""The embedded dataset: sources, balance, headline shares, potential routes, loader errors.

The balance and share checks use plain arithmetic on the loaded rows, so they
test the data, not the trade-network code.  Each headline share is compared
with the figure its source states (quoted next to the assertion).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path

import pytest

from simulator.errors import InputError
from simulator.io.dataset import Dataset, load_dataset
from simulator.model.countries import ISO3166_ALPHA3

BASE = {
    "gallium",
    "germanium",
    "graphite_natural",
    "graphite_battery",
    "rare_earth_oxides",
    "ndfeb_magnets",
    "urea_industrial",
    "urea_fertilizer",
}
# Inputs and products of the recipe chains (oxides -> magnets -> motors; urea -> DEF).
CHAIN_INPUTS = {"rare_earth_oxides_light", "rare_earth_oxides_heavy"}
CHAIN_PRODUCTS = {"vehicle_motors", "diesel_exhaust_fluid"}
COMMODITIES = BASE | CHAIN_INPUTS | CHAIN_PRODUCTS
FILES = ("commodities.csv", "nodes.csv", "links.csv", "stockpiles.csv", "recipes.csv")
RTOL = 1e-6


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset()


def _num(row: Mapping[str, object], key: str) -> float:
    value = row[key]
    assert isinstance(value, float), (key, value)
    return value


def _node(data: Dataset, commodity: str, country: str) -> dict[str, object]:
    (node,) = (n for n in data.nodes if n["commodity"] == commodity and n["country"] == country)
    return node


def _flow(data: Dataset, commodity: str, exporter: str, importer: str) -> float:
    (link,) = (
        link
        for link in data.links
        if link["commodity"] == commodity and link["from"] == exporter and link["to"] == importer
    )
    return _num(link, "flow_per_year")


def _imports(data: Dataset, commodity: str, importer: str) -> float:
    return sum(
        _num(link, "flow_per_year")
        for link in data.links
        if link["commodity"] == commodity and link["to"] == importer
    )


def _production(data: Dataset, commodity: str, country: str) -> float:
    return _num(_node(data, commodity, country), "production_per_year")


def _demand(data: Dataset, commodity: str, country: str) -> float:
    return _num(_node(data, commodity, country), "demand_per_year")


def _share_from_china(data: Dataset, commodity: str, importer: str) -> float:
    return _flow(data, commodity, "CHN", importer) / _imports(data, commodity, importer)


# --------------------------------------------------------------------------- sources


def test_every_row_of_every_file_has_a_source() -> None:
    folder = files("simulator.data")
    for name in FILES:
        rows = list(csv.DictReader(folder.joinpath(name).read_text(encoding="utf-8").splitlines()))
        assert rows, name
        for i, row in enumerate(rows, start=2):
            assert (row["source"] or "").strip(), f"{name}:{i} has no source"


def test_loader_keeps_one_source_per_row(data: Dataset) -> None:
    rows = len(data.commodities) + len(data.nodes) + len(data.links) + len(data.stockpiles)
    rows += len(data.recipes)
    assert len(data.sources) == rows
    assert all(text.strip() for text in data.sources.values())
    assert data.sources[("nodes", "gallium", "CHN")].startswith("production 750 t")


def test_sources_md_has_a_section_per_commodity() -> None:
    text = files("simulator.data").joinpath("SOURCES.md").read_text(encoding="utf-8")
    for commodity in COMMODITIES:
        assert f"## `{commodity}`" in text


# --------------------------------------------------------------------------- structure


def test_the_commodities_with_their_scenario_keys(data: Dataset) -> None:
    assert set(data.commodities) == COMMODITIES
    for values in data.commodities.values():
        assert set(values) == {
            "unit",
            "price_usd_per_unit",
            "value_at_risk_usd_per_unit",
            "carrying_cost_per_year",
        }
        assert values["unit"] == ("set" if values is data.commodities["vehicle_motors"] else "t")
    assert {n["commodity"] for n in data.nodes} == COMMODITIES
    assert {link["commodity"] for link in data.links} <= COMMODITIES
    assert {s["commodity"] for s in data.stockpiles} <= COMMODITIES
    assert data.regions == {"ROW": "rest of world"}


def test_nodes_are_iso_codes_or_one_row_region_per_commodity(data: Dataset) -> None:
    per_commodity: dict[str, list[str]] = defaultdict(list)
    for node in data.nodes:
        per_commodity[str(node["commodity"])].append(str(node["country"]))
    for commodity, countries in per_commodity.items():
        assert len(countries) == len(set(countries)), commodity
        if commodity in CHAIN_PRODUCTS:  # made where they are used: only the chains' countries
            assert "ROW" not in countries, commodity
            assert 3 <= len(countries) <= 20, commodity
        else:
            assert countries.count("ROW") == 1, commodity
            assert (7 if commodity in CHAIN_INPUTS else 8) <= len(countries) <= 20, commodity
        assert set(countries) - {"ROW"} <= set(ISO3166_ALPHA3), commodity
        assert {"CHN", "KOR", "JPN"} <= set(countries), commodity


def test_links_join_nodes_of_their_commodity(data: Dataset) -> None:
    nodes = {(n["commodity"], n["country"]) for n in data.nodes}
    keys = [(link["commodity"], link["from"], link["to"]) for link in data.links]
    assert len(keys) == len(set(keys))
    for commodity, exporter, importer in keys:
        assert exporter != importer
        assert (commodity, exporter) in nodes
        assert (commodity, importer) in nodes


def test_numbers_are_in_range(data: Dataset) -> None:
    for node in data.nodes:
        values = {k: _num(node, k) for k in node if k not in ("commodity", "country")}
        assert min(values.values()) >= 0, node
        assert values["capacity_per_year"] >= values["production_per_year"], node
    for link in data.links:
        lead = _num(link, "lead_time_days")
        assert _num(link, "flow_per_year") >= 0, link
        assert lead >= 1, link
        assert lead == int(lead), link
    for commodity in data.commodities.values():
        assert _num(commodity, "price_usd_per_unit") > 0
        assert _num(commodity, "value_at_risk_usd_per_unit") >= _num(
            commodity, "price_usd_per_unit"
        )
        assert 0 < _num(commodity, "carrying_cost_per_year") < 1


# --------------------------------------------------------------------------- balance


def test_every_node_balances_and_exports_only_its_own_production(data: Dataset) -> None:
    imports: dict[tuple[object, object], float] = defaultdict(float)
    exports: dict[tuple[object, object], float] = defaultdict(float)
    for link in data.links:
        flow = _num(link, "flow_per_year")
        exports[link["commodity"], link["from"]] += flow
        imports[link["commodity"], link["to"]] += flow
    for node in data.nodes:
        key = (node["commodity"], node["country"])
        production = _num(node, "production_per_year")
        demand = _num(node, "demand_per_year")
        supply = production + imports[key]
        use = demand + exports[key]
        assert supply == pytest.approx(use, rel=RTOL, abs=1e-9), key
        assert exports[key] <= production * (1 + RTOL) + 1e-12, key


# --------------------------------------------------------------------------- headline shares


def test_china_share_of_world_primary_gallium(data: Dataset) -> None:
    # MCS 2025: world primary low-purity gallium 760 t (2024), China 750 t (99%);
    # Russia 6, Japan 3, Korea 3.  Japan's node also counts ~67 t of recycling, so
    # its primary 3 t is taken from the source; ROW holds only secondary supply.
    japan_primary_t = 3.0
    china = _production(data, "gallium", "CHN")
    primary = china + _production(data, "gallium", "RUS") + _production(data, "gallium", "KOR")
    assert china == 750
    assert china / (primary + japan_primary_t) == pytest.approx(750 / 760, abs=0.01)


def test_korea_gallium_imports_98_percent_chinese(data: Dataset) -> None:
    # MOTIE/KOMIR (reported Oct 2025): Korea's gallium imports 98% from China in 2024.
    assert _share_from_china(data, "gallium", "KOR") == pytest.approx(0.98, abs=0.005)


def test_japan_gallium_2021(data: Dataset) -> None:
    # Yomiuri: Japan used 167 t in 2021 and imported 97 t, 55 t of it from China;
    # about half of supply is recycled (recycling = domestic production here).
    assert _demand(data, "gallium", "JPN") == 167
    assert _imports(data, "gallium", "JPN") == pytest.approx(97)
    assert _flow(data, "gallium", "CHN", "JPN") == 55
    assert 0.35 < _production(data, "gallium", "JPN") / 167 < 0.6


def test_korea_industrial_urea_2021_share_and_volume(data: Dataset) -> None:
    # Korea Customs via Yonhap (8 Nov 2021): 97.6% of Korea's urea imports in
    # Jan-Sep 2021 came from China - the pre-crisis share the 2021 replay uses.
    assert _share_from_china(data, "urea_industrial", "KOR") == pytest.approx(0.976, abs=0.005)
    # Vehicle + industrial urea about 70-80 kt/yr (PPS: 6,000 t = one month; customs 74,354 t 2019).
    assert 70_000 <= _demand(data, "urea_industrial", "KOR") <= 80_000
    assert _production(data, "urea_industrial", "KOR") == 0


def test_japan_rare_earths_from_china(data: Dataset) -> None:
    # Japanese customs via Metalnomist: H1 2024 imports 9,898 t, 79.6% from China by volume;
    # 2024 demand 18,835 t.
    assert _demand(data, "rare_earth_oxides", "JPN") == 18_835
    assert _share_from_china(data, "rare_earth_oxides", "JPN") == pytest.approx(0.796, abs=0.005)


@pytest.mark.parametrize(
    ("commodity", "world_share", "tolerance"),
    [
        # MCS 2025: rare-earth mine production 2024, China 270 of 390 kt (69%).
        ("rare_earth_oxides", 270 / 390, 0.01),
        # MCS 2025: natural graphite 2024, China 1.27 of 1.60 Mt (79%).
        ("graphite_natural", 1.27 / 1.60, 0.01),
    ],
)
def test_china_share_of_world_mine_production(
    data: Dataset, commodity: str, world_share: float, tolerance: float
) -> None:
    world = sum(_num(n, "production_per_year") for n in data.nodes if n["commodity"] == commodity)
    share = _production(data, commodity, "CHN") / world
    assert share == pytest.approx(world_share, abs=tolerance)


def test_china_share_of_refined_germanium(data: Dataset) -> None:
    # USGS OFR 2024-1057 Table 1.14: refined germanium 2022, China 180 of 210 t (86%);
    # Canada 20, Russia 6, Belgium 4.  The US node adds secondary output, not refined.
    refiners = ("CHN", "CAN", "RUS", "BEL")
    total = sum(_production(data, "germanium", c) for c in refiners)
    assert total == 210
    assert _production(data, "germanium", "CHN") / total == pytest.approx(0.86, abs=0.005)


@pytest.mark.parametrize(
    ("commodity", "importer", "share"),
    [
        ("ndfeb_magnets", "KOR", 0.879),  # KITA 2022: Korea's NdFeB magnets 87.9% from China
        ("ndfeb_magnets", "JPN", 0.311),  # KITA 2022: Japan's NdFeB magnets 31.1% from China
        ("graphite_natural", "KOR", 0.976),  # KITA 2024: natural graphite 97.6% from China
        ("graphite_battery", "KOR", 0.988),  # KITA 2024: synthetic graphite 98.8% from China
        ("germanium", "KOR", 0.743),  # Korea Eximbank 2022: germanium 74.3% from China
    ],
)
def test_import_shares_from_china(
    data: Dataset, commodity: str, importer: str, share: float
) -> None:
    assert _share_from_china(data, commodity, importer) == pytest.approx(share, abs=0.005)


# --------------------------------------------------------------------------- potential routes


@pytest.mark.parametrize("commodity", sorted(COMMODITIES - {"diesel_exhaust_fluid"}))
@pytest.mark.parametrize("importer", ["KOR", "JPN"])
def test_a_non_chinese_potential_route_reaches_korea_and_japan(
    data: Dataset, commodity: str, importer: str
) -> None:
    potential = {
        link["from"]
        for link in data.links
        if link["commodity"] == commodity
        and link["to"] == importer
        and link["flow_per_year"] == 0
        and link["from"] != "CHN"
    }
    assert potential, f"no zero-flow route to {importer} for {commodity}"


def test_diesel_exhaust_fluid_is_made_at_home_with_the_2021_airlift_as_a_route(
    data: Dataset,
) -> None:
    # The fluid is 67.5% water and made where it is used: no baseline trade; Korea
    # airlifted urea solution from Australia on 8-11 Nov 2021.
    links = [link for link in data.links if link["commodity"] == "diesel_exhaust_fluid"]
    assert [(link["from"], link["to"], link["flow_per_year"]) for link in links] == [
        ("AUS", "KOR", 0.0)
    ]


# --------------------------------------------------------------------------- recipes


def _recipe(data: Dataset, product: str, name: str) -> float:
    (row,) = (
        r
        for r in data.recipes
        if r["commodity"] == product and r["input"] == name and r["country"] == "*"
    )
    return _num(row, "per_unit")


def test_recipes_join_dataset_commodities(data: Dataset) -> None:
    assert {(r["commodity"], r["input"]) for r in data.recipes} == {
        ("ndfeb_magnets", "rare_earth_oxides_light"),
        ("ndfeb_magnets", "rare_earth_oxides_heavy"),
        ("vehicle_motors", "ndfeb_magnets"),
        ("diesel_exhaust_fluid", "urea_industrial"),
    }


def test_ndpr_oxide_per_magnet_from_atomic_masses(data: Dataset) -> None:
    # Nd2Fe14B: Nd mass fraction 2*144.242 / (2*144.242 + 14*55.845 + 10.81) = 0.26684;
    # Nd2O3: 2*144.242 / (2*144.242 + 3*15.999) = 0.85736; oxide per magnet = 0.31123.
    nd, fe, b, o = 144.242, 55.845, 10.81, 15.999
    in_magnet = 2 * nd / (2 * nd + 14 * fe + b)
    in_oxide = 2 * nd / (2 * nd + 3 * o)
    assert _recipe(data, "ndfeb_magnets", "rare_earth_oxides_light") == pytest.approx(
        in_magnet / in_oxide, abs=1e-4
    )


def test_heavy_oxide_per_magnet_uses_the_world_dy_and_tb_supply(data: Dataset) -> None:
    # EU JRC RMIS: world Dy 3,126 t (2021); Tb about 340 t/yr (Gao et al. 2022).  Spread over
    # every magnet made, the world's Dy+Tb oxide is the magnet makers' demand for it.
    per_unit = _recipe(data, "ndfeb_magnets", "rare_earth_oxides_heavy")
    magnets = sum(_production(data, "ndfeb_magnets", c) for c in ("CHN", "JPN", "VNM", "ROW"))
    assert per_unit * magnets == pytest.approx(3_126 + 340, rel=0.001)
    world = sum(
        _num(n, "production_per_year")
        for n in data.nodes
        if n["commodity"] == "rare_earth_oxides_heavy"
    )
    assert world == pytest.approx(per_unit * magnets, rel=1e-9)


def test_def_is_325_per_mille_urea(data: Dataset) -> None:
    # ISO 22241 / JASO E502: AUS 32 is 32.5% urea by mass.
    assert _recipe(data, "diesel_exhaust_fluid", "urea_industrial") == 0.325
    # PPS: 6,000 t of urea is one month of Korea's vehicle urea.
    korea = _production(data, "diesel_exhaust_fluid", "KOR")
    assert korea * 0.325 == pytest.approx(12 * 6_000, rel=1e-6)


def test_japan_heavy_oxides_all_chinese_and_lynas_ndpr(data: Dataset) -> None:
    # No separated Dy/Tb outside China in 2024 (Lynas's first, May 2025): Japan 100% China.
    assert _share_from_china(data, "rare_earth_oxides_heavy", "JPN") == 1.0
    # Lynas FY2023-24 NdPr 5,655 t; MP Materials 2024 about 1,300 t.
    assert _production(data, "rare_earth_oxides_light", "AUS") == 5_655
    assert _production(data, "rare_earth_oxides_light", "USA") == 1_300


def test_urea_alternatives_for_korea(data: Dataset) -> None:
    origins = {
        link["from"]
        for link in data.links
        if link["commodity"] == "urea_industrial" and link["to"] == "KOR"
    }
    assert {"VNM", "QAT", "SAU", "IDN", "OMN"} <= origins


def test_stockpiles_leave_unknown_figures_empty(data: Dataset) -> None:
    komir = [s for s in data.stockpiles if s["holder"] == "KOMIR" and s["commodity"] == "gallium"]
    assert len(komir) == 1
    assert komir[0]["holding_days"] is None
    assert komir[0]["target_days"] == 54


# --------------------------------------------------------------------------- loader errors


def _copy_dataset(folder: Path) -> Path:
    source = files("simulator.data")
    for name in FILES:
        (folder / name).write_text(source.joinpath(name).read_text(encoding="utf-8"), "utf-8")
    return folder


def _replace_line(path: Path, line: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_folder_and_embedded_dataset_agree(tmp_path: Path, data: Dataset) -> None:
    assert load_dataset(_copy_dataset(tmp_path)) == data


def test_non_numeric_cell_names_file_line_and_column(tmp_path: Path) -> None:
    folder = _copy_dataset(tmp_path)
    _replace_line(folder / "nodes.csv", 3, "gallium,JPN,abc,70,167,180,a source")
    with pytest.raises(InputError) as info:
        load_dataset(folder)
    (issue,) = info.value.issues
    assert issue.location is not None
    assert issue.location.file.endswith("nodes.csv")
    assert (issue.location.line, issue.location.column) == (3, len("gallium,JPN,") + 1)
    assert issue.path == ("nodes", 1, "production_per_year")
    text = str(info.value)
    assert "nodes.csv:3:13:" in text
    assert "production_per_year" in text
    assert "expected a non-negative number, found 'abc'" in text


def test_missing_column_is_reported_on_the_header(tmp_path: Path) -> None:
    folder = _copy_dataset(tmp_path)
    path = folder / "links.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([r[:4] + r[5:] for r in rows])
    with pytest.raises(InputError) as info:
        load_dataset(folder)
    (issue,) = info.value.issues
    assert issue.location is not None
    assert issue.location.file.endswith("links.csv")
    assert issue.location.line == 1
    assert "missing column 'lead_time_days'" in str(info.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    folder = _copy_dataset(tmp_path)
    _replace_line(folder / "commodities.csv", 2, "gallium,t,-5,1,0.05,")
    (folder / "stockpiles.csv").unlink()
    with pytest.raises(InputError) as info:
        load_dataset(folder)
    messages = [str(issue) for issue in info.value.issues]
    assert any("commodities.csv:2:" in m and "found '-5'" in m for m in messages)
    assert any("commodities.csv:2:" in m and "source" in m and "empty" in m for m in messages)
    assert any("missing dataset file stockpiles.csv" in m for m in messages)


def test_duplicate_rows_are_rejected(tmp_path: Path) -> None:
    folder = _copy_dataset(tmp_path)
    path = folder / "stockpiles.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="already given on line 2"):
        load_dataset(folder)
