"""Experiment files to plans: variants, sweeps, baselines, and located errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from test_experiments_support import BASE, EXAMPLES, cli, kj_pooling, write_experiment

from simulator.errors import InputError
from simulator.experiments import load_plan
from simulator.experiments.points import short_labels
from simulator.experiments.seeding import chunk_bounds

POOL_SIZE = "policies.joint_stockpiles.kj-pool.size_days"


def _issues(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_plan(path)
    return [str(issue) for issue in caught.value.issues]


# --- the shipped experiments ----------------------------------------------------------------


def test_kj_pooling_has_three_overlaid_variants_and_one_uncertainty() -> None:
    plan = load_plan(EXAMPLES / "kj-pooling.yaml")
    assert [v.name for v in plan.variants] == ["national", "pooled", "both"]
    assert (plan.name, plan.seed, plan.replications, plan.baseline) == (
        "kj-pooling",
        2023,
        200,
        "national",
    )
    assert [v.baseline for v in plan.variants] == ["national"] * 3
    national, pooled, both = (v.scenario.policies for v in plan.variants)
    assert (len(national.joint_stockpiles), len(national.mutual_transfers)) == (0, 0)
    assert (len(pooled.joint_stockpiles), len(pooled.mutual_transfers)) == (1, 0)
    assert (len(both.joint_stockpiles), len(both.mutual_transfers)) == (1, 1)
    assert [u.path for u in plan.uncertainties] == ["shocks.ban.duration_days"]
    assert all(v.scenario.seed == 2023 and v.scenario.replications == 200 for v in plan.variants)


def test_kj_pool_size_sweep_points_are_variants_named_by_their_values() -> None:
    plan = load_plan(EXAMPLES / "kj-pool-size.yaml")
    assert [v.name for v in plan.variants] == [
        "size_days=0",
        "size_days=15",
        "size_days=30",
        "size_days=60",
    ]
    sizes = [v.scenario.policies.joint_stockpiles[0].size_days for v in plan.variants]
    assert sizes == [0, 15, 30, 60]
    assert [v.params for v in plan.variants] == [{POOL_SIZE: s} for s in (0, 15, 30, 60)]
    assert plan.baseline == "size_days=0"
    assert plan.parameters == (POOL_SIZE,)


def test_a_plain_scenario_is_one_variant_named_base() -> None:
    plan = load_plan(EXAMPLES / "pooled-vs-national.yaml", replications=7)
    assert [v.name for v in plan.variants] == ["base"]
    assert (plan.kind, plan.seed, plan.replications) == ("scenario", 1, 7)


def test_a_sweep_crosses_the_variants(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        f"""\
name: crossed
scenario: pooled-vs-national.yaml
replications: 2
baseline: pooled
variants:
  pooled: {{policies: {{mutual_transfers: null}}}}
  both: {{}}
sweep:
  grid:
    {POOL_SIZE}: [15, 30]
    shocks.ban.effective_day: [40, 50.5]
""",
    )
    plan = load_plan(path)
    names = [v.name for v in plan.variants]
    assert names == [
        "pooled/size_days=15,effective_day=40",
        "pooled/size_days=15,effective_day=50.5",
        "pooled/size_days=30,effective_day=40",
        "pooled/size_days=30,effective_day=50.5",
        "both/size_days=15,effective_day=40",
        "both/size_days=15,effective_day=50.5",
        "both/size_days=30,effective_day=40",
        "both/size_days=30,effective_day=50.5",
    ]
    both = plan.variant("both/size_days=30,effective_day=40")
    assert both.baseline == "pooled/size_days=30,effective_day=40"
    assert (both.named, both.point) == ("both", "size_days=30,effective_day=40")
    assert both.scenario.shocks[0].effective_day == 40
    assert len(both.scenario.policies.mutual_transfers) == 1


def test_latin_hypercube_points_are_seeded_stratified_and_in_range(tmp_path: Path) -> None:
    text = f"""\
name: lhs
scenario: pooled-vs-national.yaml
replications: 2
seed: {{seed}}
sweep:
  sample:
    method: lhs
    n: 8
    ranges:
      {POOL_SIZE}: [0, 60]
      shocks.ban.effective_day: [30, 70]
"""
    first = load_plan(write_experiment(tmp_path, text.format(seed=5), "a.yaml"))
    again = load_plan(write_experiment(tmp_path, text.format(seed=5), "b.yaml"))
    other = load_plan(write_experiment(tmp_path, text.format(seed=6), "c.yaml"))
    points = [v.params for v in first.variants]
    assert points == [v.params for v in again.variants]
    assert points != [v.params for v in other.variants]
    for path, (low, high) in ((POOL_SIZE, (0, 60)), ("shocks.ban.effective_day", (30, 70))):
        values = np.array([p[path] for p in points])
        assert np.all((values >= low) & (values <= high))
        # One value in each eighth of the range: a Latin hypercube.
        strata = np.floor((values - low) / (high - low) * 8).astype(int)
        assert sorted(strata) == list(range(8))
    assert len({v.name for v in first.variants}) == 8


def test_short_labels_and_chunk_bounds() -> None:
    assert short_labels(["shocks.a.duration_days", "shocks.b.duration_days", "seed"]) == {
        "shocks.a.duration_days": "a.duration_days",
        "shocks.b.duration_days": "b.duration_days",
        "seed": "seed",
    }
    assert chunk_bounds(7, 3) == [(0, 2), (3, 5), (6, 6)]
    assert chunk_bounds(6, 3) == [(0, 2), (3, 5)]


# --- located errors ----------------------------------------------------------------------------


def test_an_unknown_key_is_located(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path, "name: x\nscenario: pooled-vs-national.yaml\nreplicatons: 10\n"
    )
    (issue,) = _issues(path)
    assert issue.startswith(f"{path}:3:1: replicatons: unknown key")
    assert "did you mean replications?" in issue


def test_a_baseline_that_is_not_a_variant_is_located(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        "name: x\nscenario: pooled-vs-national.yaml\nbaseline: nowhere\n"
        "variants:\n  national: {policies: {joint_stockpiles: null}}\n  both: {}\n",
    )
    assert _issues(path) == [
        f"{path}:3:11: baseline: expected the name of a variant: one of national, both;"
        " found 'nowhere'"
    ]


def test_a_swept_path_missing_from_a_variant_is_located(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        f"""\
name: x
scenario: pooled-vs-national.yaml
variants:
  national: {{policies: {{joint_stockpiles: null}}}}
  both: {{}}
sweep:
  grid:
    {POOL_SIZE}: [0, 15]
uncertainties:
  shocks.embargo.duration_days: 90
""",
    )
    issues = _issues(path)
    assert len(issues) == 2
    assert issues[0].startswith(f"{path}:8:5: sweep.grid.{POOL_SIZE}: path not found in this")
    assert "no list entry with id or index 'kj-pool'" in issues[0]
    assert issues[0].endswith("(variant national)")
    assert issues[1].startswith(
        f"{path}:10:3: uncertainties.shocks.embargo.duration_days: path not found"
    )
    assert issues[1].endswith("(variants national, both)")


def test_invalid_overlay_and_sweep_values_are_located_in_the_experiment(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        """\
name: x
scenario: pooled-vs-national.yaml
variants:
  bad:
    policies:
      joint_stockpiles: [{id: kj-pool, size_days: -5}]
""",
        "overlay.yaml",
    )
    (issue,) = _issues(path)
    assert issue.startswith(f"{path}:6:51: policies.joint_stockpiles.0.size_days: expected")
    assert issue.endswith("found -5 (variant bad)")

    path = write_experiment(
        tmp_path,
        f"""\
name: x
scenario: pooled-vs-national.yaml
sweep:
  grid:
    {POOL_SIZE}: [15,
      -5]
""",
        "sweep.yaml",
    )
    (issue,) = _issues(path)
    assert issue.startswith(
        f"{path}:6:7: policies.joint_stockpiles.0.size_days: at sweep point size_days=-5:"
    )


def test_a_missing_base_scenario_is_located(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, "name: x\nscenario: nowhere.yaml\n")
    (issue,) = _issues(path)
    assert issue.startswith(f"{path}:2:11: scenario: base scenario 'nowhere.yaml' not found")


def test_reserved_characters_in_variant_names_are_refused(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path, "name: x\nscenario: pooled-vs-national.yaml\nvariants:\n  a/b: {}\n"
    )
    (issue,) = _issues(path)
    assert issue.startswith(f"{path}:4:3: variants.a/b: expected a variant name")


def test_the_cli_reports_every_issue_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_experiment(
        tmp_path, "name: x\nscenario: pooled-vs-national.yaml\nseed: -1\nreplications: 0\n"
    )
    code, out, err = cli(capsys, "batch", path, "--out", tmp_path / "out", "--workers", "1")
    assert code == 3
    assert out == ""
    assert f"{path}:3:7: seed: expected an integer" in err
    assert f"{path}:4:15: replications: expected an integer" in err
    assert "2 errors found" in err
    assert not (tmp_path / "out").exists()


def test_validate_checks_experiment_files(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "validate", EXAMPLES / "kj-pooling.yaml")
    assert code == 0
    assert "kj-pooling: 3 variants × 200 replications, seed 2023" in out


def test_an_experiment_extends_another(tmp_path: Path) -> None:
    """A child experiment inherits variants, seed and replications; its keys win."""
    kj_pooling(tmp_path, replications=7, seed=11)
    sub = tmp_path / "more"
    sub.mkdir()
    shutil.copy(EXAMPLES / BASE, sub / "other-base.yaml")
    child = write_experiment(
        sub,
        "extends: ../experiment.yaml\nname: child\nscenario: other-base.yaml\n"
        "variants:\n  transfer: {policies: {joint_stockpiles: null}}\n",
        "child.yaml",
    )
    plan = load_plan(child)
    assert plan.name == "child"
    assert (plan.seed, plan.replications) == (11, 7)
    assert [v.name for v in plan.variants] == ["national", "pooled", "both", "transfer"]
    # A null inside a variant the child adds is the variant's own: it removes the pool.
    transfer = next(v for v in plan.variants if v.name == "transfer")
    assert transfer.scenario.policies.joint_stockpiles == []
    assert [t.id for t in transfer.scenario.policies.mutual_transfers] == ["kj-transfer"]


def test_an_inherited_scenario_path_is_relative_to_the_file_that_names_it(
    tmp_path: Path,
) -> None:
    kj_pooling(tmp_path)
    sub = tmp_path / "more"
    sub.mkdir()
    child = write_experiment(sub, "extends: ../experiment.yaml\nname: child\n", "child.yaml")
    assert load_plan(child).name == "child"
