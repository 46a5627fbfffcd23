"""Uncertain data: ranges of the dataset's estimates and their Latin hypercube per replication."""

from __future__ import annotations

import csv
import shutil
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats
from test_experiments_support import ROOT, cli

from simulator.errors import InputError
from simulator.experiments import load_plan, load_results, run_batch
from simulator.experiments.data_design import DataDesign
from simulator.experiments.tasks import _Prepared
from simulator.experiments.writer import ChunkWriter
from simulator.io.data_ranges import DataRange, load_ranges
from simulator.io.dataset import load_dataset
from simulator.io.paths import get_path

DATA = Path(str(files("simulator.data")))
GALLIUM_BASE = ROOT / "scenarios" / "experiments" / "base" / "gallium.yaml"


def _experiment(folder: Path, extra: str = "", variants: str = "") -> Path:
    path = folder / "experiment.yaml"
    path.write_text(
        f"name: ga-uncertain\nscenario: {GALLIUM_BASE}\nreplications: 8\nseed: 11\n"
        "baseline: national\n"
        f"{extra}"
        "variants:\n"
        "  national:\n"
        "    policies: {joint_stockpiles: null, mutual_transfers: null, joint_procurement: null}\n"
        "  pooled:\n"
        "    policies: {stockpiles: null, mutual_transfers: null, joint_procurement: null}\n"
        f"{variants}",
        encoding="utf-8",
    )
    return path


# --- the ranges --------------------------------------------------------------------------


def test_every_importers_assumed_inventory_has_a_range() -> None:
    """Each importer's stock in days is an assumption (or, for Japan's gallium, one snapshot)."""
    data = load_dataset()
    importers = {(k["commodity"], k["to"]) for k in data.links if float(k["flow_per_year"]) > 0}  # type: ignore[arg-type]
    labels = {r.label for r in load_ranges()}
    for commodity, country in importers:
        source = data.sources[("nodes", commodity, country)]
        if "inventory 30 days [E]" in source or (commodity, country) == ("gallium", "JPN"):
            assert f"data.{commodity}.{country}.inventory_days" in labels


def test_ranges_never_touch_the_balance_and_every_row_says_why() -> None:
    with (DATA / "uncertainty.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    assert {r["field"] for r in rows}.isdisjoint(
        {"production_per_year", "demand_per_year", "flow_per_year"}
    )
    assert all(r["source"].startswith("[") for r in rows)  # a flag: [S], [E] or [U]


def test_a_range_off_the_dataset_value_is_a_located_error(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (folder / "uncertainty.csv").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(text) if line.startswith("nodes,gallium,KOR,,,inv"))
    text[row] = text[row].replace(",15,30,60,", ",15,31,60,")
    (folder / "uncertainty.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_ranges(folder)
    (issue,) = caught.value.issues
    # field 8 (central) of line row+1: columns table,commodity,country,from,to,field,low = 7 fields
    column = len("nodes,gallium,KOR,,,inventory_days,15,") + 1
    assert issue.location is not None
    assert (issue.location.line, issue.location.column) == (row + 1, column)
    assert "expected 30, the value in nodes.csv, found 31" in issue.message


def test_triangular_quantiles_match_the_closed_form() -> None:
    """F^-1(u) = a + sqrt(u (b-a)(c-a)) below the mode, b - sqrt((1-u)(b-a)(b-c)) above."""
    r = DataRange("nodes", ("x", "Y"), "inventory_days", 10.0, 20.0, 50.0, "triangular")
    u = np.array([0.1, 0.25, 0.9])
    a, c, b = 10.0, 20.0, 50.0
    mode_share = (c - a) / (b - a)  # 0.25
    expected = [
        a + np.sqrt(q * (b - a) * (c - a))
        if q <= mode_share
        else b - np.sqrt((1 - q) * (b - a) * (b - c))
        for q in u
    ]
    np.testing.assert_allclose(r.ppf(u), expected)


# --- the design --------------------------------------------------------------------------


def test_the_design_puts_one_replication_in_each_stratum_of_every_range() -> None:
    n = 40
    ranges = [
        DataRange("nodes", ("x", "A"), "inventory_days", 15.0, 30.0, 60.0, "triangular"),
        DataRange("commodities", ("x",), "carrying_cost_per_year", 0.03, 0.05, 0.08, "uniform"),
    ]
    design = DataDesign.sample(ranges, seed=7, replications=n)
    assert design.values.shape == (n, 2)
    tri = stats.triang(c=(30 - 15) / 45, loc=15, scale=45)
    strata = np.floor(tri.cdf(design.values[:, 0]) * n)
    assert sorted(strata) == list(range(n))
    strata = np.floor((design.values[:, 1] - 0.03) / 0.05 * n)
    assert sorted(strata) == list(range(n))
    again = DataDesign.sample(ranges, seed=7, replications=n)
    np.testing.assert_array_equal(design.values, again.values)


def test_builtin_experiments_sample_the_dataset_ranges_by_default(tmp_path: Path) -> None:
    plan = load_plan(_experiment(tmp_path))
    labels = plan.data_design.labels
    assert "data.gallium.JPN.inventory_days" in labels
    assert "data.gallium.AUS-KOR.lead_time_days" in labels
    # The base scenario states Australia's capacity: the user's figure, never sampled.
    assert not any(label.startswith("data.gallium.AUS.") for label in labels)
    assert plan.data_design.values.shape == (8, len(labels))
    for variant in plan.variants:
        assert list(variant.data_paths) == list(labels)


def test_central_and_exclusions(tmp_path: Path) -> None:
    assert load_plan(_experiment(tmp_path, "data_uncertainty: central\n")).data_design.labels == ()
    plan = load_plan(
        _experiment(
            tmp_path, "data_uncertainty: {exclude: [data.gallium.JPN.*, '*lead_time_days']}\n"
        )
    )
    labels = plan.data_design.labels
    assert labels
    assert not any(".JPN." in label or label.endswith("lead_time_days") for label in labels)


def test_a_figure_a_variant_states_is_not_sampled(tmp_path: Path) -> None:
    variants = (
        "  korea-45:\n"
        "    policies: {joint_stockpiles: null, mutual_transfers: null, joint_procurement: null}\n"
        "    network: {nodes: [{country: KOR, commodity: gallium, inventory_days: 45}]}\n"
    )
    plan = load_plan(_experiment(tmp_path, variants=variants))
    assert "data.gallium.KOR.inventory_days" not in plan.data_design.labels
    assert "data.gallium.USA.inventory_days" in plan.data_design.labels


def test_an_exclusion_naming_nothing_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _experiment(
        tmp_path, "data_uncertainty:\n  exclude: [data.gallium.XYZ.inventory_days]\n"
    )
    code, _, err = cli(capsys, "validate", str(path))
    assert code == 3
    assert f"{path}:7:13: data_uncertainty.exclude.0: expected the label" in err


def test_every_variant_of_a_replication_runs_in_the_same_sampled_world(tmp_path: Path) -> None:
    plan = load_plan(_experiment(tmp_path))
    result = run_batch(plan, tmp_path / "out")
    assert result.ok
    _, summary, _ = load_results(tmp_path / "out")
    columns = [f"u.{label}" for label in plan.data_design.labels]
    kor = summary[summary["country"] == "KOR"].sort_values(["replication", "variant"])
    worlds = kor.groupby("replication")[columns].nunique()
    assert (worlds == 1).all().all()  # the same values in every variant
    first = kor[kor["variant"] == "national"].set_index("replication")[columns]
    np.testing.assert_allclose(first.to_numpy(), plan.data_design.values)


def test_the_sampled_value_is_the_one_the_engine_gets(tmp_path: Path) -> None:
    plan = load_plan(_experiment(tmp_path))
    variant = plan.variants[0]
    writer = ChunkWriter(plan, None, None, {}, None)  # type: ignore[arg-type]
    task = writer.task(variant, 2, 4)
    values, columns = task.settings(3)
    scenario, network = _Prepared(task).get(values)
    japan = plan.data_design.labels.index("data.gallium.JPN.inventory_days")
    sampled = plan.data_design.values[3, japan]
    assert columns["u.data.gallium.JPN.inventory_days"] == sampled
    path = variant.data_paths["data.gallium.JPN.inventory_days"]
    assert get_path(scenario.resolved_dict(), path) == pytest.approx(sampled)
    node = next(n for n in scenario.network.nodes if (n.commodity, n.country) == ("gallium", "JPN"))
    assert node.inventory_days == pytest.approx(sampled)
    assert network is not None


# --- the market's figures ----------------------------------------------------------------


def _sampled_scenario(plan: Any, replication: int) -> Any:
    """The first variant's scenario as a worker prepares it for ``replication`` (of 8)."""
    writer = ChunkWriter(plan, None, None, {}, None)  # type: ignore[arg-type]
    task = writer.task(plan.variants[0], 0, 8)
    settings, _ = task.settings(replication)
    scenario, _ = _Prepared(task).get(settings)
    return scenario


def test_the_markets_figures_are_sampled_over_market_csv_and_reach_the_engine(
    tmp_path: Path,
) -> None:
    """market.csv's gallium elasticity (-0.3, -0.1, -0.03, an estimate) is a sampled figure:
    every replication's value lies in that range and is the scenario's market elasticity."""
    plan = load_plan(_experiment(tmp_path))
    label = "data.gallium.market.demand_elasticity"
    k = plan.data_design.labels.index(label)
    values = plan.data_design.values[:, k]
    assert np.all((values >= -0.3) & (values <= -0.03))
    assert len(set(values.tolist())) == len(values)  # one per stratum: all different
    variant = plan.variants[0]
    assert variant.data_paths[label] == "market.gallium.demand_elasticity"
    scenario = _sampled_scenario(plan, 5)
    assert isinstance(scenario.market, dict)
    assert scenario.market["gallium"].demand_elasticity == pytest.approx(values[5])


def test_a_market_figure_a_variant_states_is_not_sampled(tmp_path: Path) -> None:
    variants = (
        "  inelastic:\n"
        "    policies: {joint_stockpiles: null, mutual_transfers: null, joint_procurement: null}\n"
        "    market: {gallium: {demand_elasticity: -0.05}}\n"
    )
    labels = load_plan(_experiment(tmp_path, variants=variants)).data_design.labels
    assert "data.gallium.market.demand_elasticity" not in labels
    assert "data.gallium.market.supply_ramp_days" in labels


def test_every_market_range_is_a_valid_market_at_both_ends() -> None:
    """A sampled market figure can be anything in its range: the scenario must accept the
    low and the high of every range (an investment lead time of 15 years once failed)."""
    from simulator.io.market_merge import market_ranges
    from simulator.model.market_spec import CommodityMarket
    from simulator.model.scenario import Commodity

    for r in market_ranges():
        for value in (r.low, r.high):
            if r.table == "market":
                CommodityMarket.model_validate({"demand_elasticity": -0.1, r.field: value})
            else:
                Commodity.model_validate(
                    {"price_usd_per_unit": 1.0, "value_at_risk_usd_per_unit": 1.0, r.field: value}
                )


def test_contracting_delays_are_unknown_and_sampled_up_to_sixty_days(tmp_path: Path) -> None:
    """market.csv: no published figure; 0 days (switching at once) central, up to 60.
    Sampled per replication, the value is the commodity's contracting delay in the run."""
    plan = load_plan(_experiment(tmp_path))
    label = "data.gallium.contracting_delay_days"
    k = plan.data_design.labels.index(label)
    values = plan.data_design.values[:, k]
    assert np.all((values >= 0.0) & (values <= 60.0))
    variant = plan.variants[0]
    assert variant.data_paths[label] == "commodities.gallium.contracting_delay_days"
    scenario = _sampled_scenario(plan, 2)
    assert scenario.commodities["gallium"].contracting_delay_days == pytest.approx(values[2])
