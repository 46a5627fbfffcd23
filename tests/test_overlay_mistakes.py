"""No silent mistakes: misspelt keys, paths, commodities and codes are located errors.

Each mistake here used to pass (or fail with a message that hid the typo): a
``null`` on a key the base does not have removed nothing, so a variant ran
with the policy still on.  Every place an overlay or a dotted path is
accepted is covered: variants, scenario ``extends``, experiment ``extends``,
sweeps, uncertainties and dotted keys in variants.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from test_experiments_support import cli, write_experiment

from simulator.errors import InputError
from simulator.experiments import load_plan
from simulator.io.scenario_file import load_scenario, load_scenario_text
from simulator.model.countries import country_code_hint


def _issues(path: Path, load: Callable[[Path], object] = load_plan) -> list[str]:
    with pytest.raises(InputError) as caught:
        load(path)
    return [str(issue) for issue in caught.value.issues]


# --- nulls that remove nothing ----------------------------------------------------------------


def test_the_reported_typo_in_a_variant_is_a_located_error_with_a_suggestion(
    tmp_path: Path,
) -> None:
    path = write_experiment(
        tmp_path,
        "name: x\n"
        "scenario: pooled-vs-national.yaml\n"
        "variants:\n"
        "  national:\n"
        "    policies: {joint_stockpile: null}\n"  # line 5; the key starts at column 16
        "  pooled: {}\n",
    )
    (issue,) = _issues(path)
    assert issue.startswith(f"{path}:5:16: policies.joint_stockpile: null removes a key")
    assert "no key 'joint_stockpile' here (did you mean 'joint_stockpiles'?)" in issue
    assert issue.endswith("(variant national)")


def test_a_null_inside_an_entry_merged_by_id_must_remove_something(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        "name: x\n"
        "scenario: pooled-vs-national.yaml\n"
        "variants:\n"
        "  a:\n"
        "    shocks: [{id: ban, duraton_days: null}]\n",
    )
    (issue,) = _issues(path)
    assert issue.startswith(f"{path}:5:24: shocks.0.duraton_days: null removes a key")
    assert "(did you mean 'duration_days'?)" in issue


def test_a_null_typo_in_a_scenario_extends_child_is_located(tmp_path: Path) -> None:
    base = write_experiment(tmp_path, "", "unused.yaml").parent / "pooled-vs-national.yaml"
    child = tmp_path / "child.yaml"
    child.write_text(
        f"extends: {base.name}\nname: child\npolicies:\n  mutual_transfer: null\n",
        encoding="utf-8",
    )
    (issue,) = _issues(child, load_scenario)
    assert issue.startswith(f"{child}:4:3: policies.mutual_transfer: null removes a key")
    assert "(did you mean 'mutual_transfers'?)" in issue


def test_a_null_typo_in_an_experiment_extends_child_is_located(tmp_path: Path) -> None:
    write_experiment(
        tmp_path,
        "name: parent\n"
        "scenario: pooled-vs-national.yaml\n"
        "variants:\n"
        "  national: {policies: {joint_stockpiles: null}}\n"
        "  pooled: {}\n",
        "parent.yaml",
    )
    child = tmp_path / "child.yaml"
    child.write_text(
        "extends: parent.yaml\nname: child\nvariants:\n  nationl: null\n", encoding="utf-8"
    )
    (issue,) = _issues(child)
    assert issue.startswith(f"{child}:4:3: variants.nationl: null removes a key")
    assert "(did you mean 'national'?)" in issue


def test_a_null_on_a_key_the_base_has_still_removes_it(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        "name: x\nscenario: pooled-vs-national.yaml\n"
        "variants:\n  national: {policies: {joint_stockpiles: null}}\n  pooled: {}\n",
    )
    national, pooled = load_plan(path).variants
    assert list(national.scenario.policies.joint_stockpiles) == []
    assert [p.id for p in pooled.scenario.policies.joint_stockpiles] == ["kj-pool"]


# --- dotted paths that name nothing -------------------------------------------------------------


def test_sweep_and_uncertainty_paths_suggest_the_key_or_id_meant(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        "name: x\n"
        "scenario: pooled-vs-national.yaml\n"
        "sweep:\n"
        "  grid:\n"
        "    policies.joint_stockpiles.kj-pol.size_days: [0, 30]\n"
        "uncertainties:\n"
        "  shocks.ban.duraton_days: 90\n",
    )
    sweep, uncertainty = _issues(path)
    assert sweep.startswith(f"{path}:5:5: sweep.grid.policies.joint_stockpiles.kj-pol.size_days:")
    assert "no list entry with id or index 'kj-pol' (did you mean 'kj-pool'?)" in sweep
    assert uncertainty.startswith(f"{path}:7:3: uncertainties.shocks.ban.duraton_days:")
    assert "no key 'duraton_days' (did you mean 'duration_days'?)" in uncertainty


def test_a_dotted_key_in_a_variant_sets_an_existing_value(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        "name: x\n"
        "scenario: pooled-vs-national.yaml\n"
        "variants:\n"
        "  small: {policies.joint_stockpiles.kj-pool.size_days: 5}\n"
        "  typo: {policies.joint_stockpiles.kj-pool.size_dys: 5}\n",
    )
    (issue,) = _issues(path)
    assert issue.startswith(
        f"{path}:5:10: variants.typo.policies.joint_stockpiles.kj-pool.size_dys: path not found"
    )
    assert "(did you mean 'size_days'?)" in issue

    path.write_text(
        "name: x\n"
        "scenario: pooled-vs-national.yaml\n"
        "variants:\n"
        "  small: {policies.joint_stockpiles.kj-pool.size_days: 5}\n"
        "  as-is: {}\n",
        encoding="utf-8",
    )
    small, as_is = load_plan(path).variants
    assert small.scenario.policies.joint_stockpiles[0].size_days == 5
    assert as_is.scenario.policies.joint_stockpiles[0].size_days == 30


# --- variants that resolve to the same scenario ------------------------------------------------


def test_identical_variants_warn_at_validate_and_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_experiment(
        tmp_path,
        "name: x\n"
        "scenario: pooled-vs-national.yaml\n"
        "replications: 2\n"
        "variants:\n"
        "  national: {policies: {joint_stockpiles: null, mutual_transfers: null}}\n"
        "  pooled: {policies: {joint_stockpiles: null, mutual_transfers: null}}\n",
    )
    (warning,) = load_plan(path).warnings
    assert str(warning).startswith(f"{path}:6:3: variants.pooled: variant 'pooled' resolves to")
    code, out, err = cli(capsys, "validate", path)
    assert code == 0
    assert out.startswith("OK ")
    assert f"{path}:6:3: variants.pooled: warning: variant 'pooled' resolves" in err
    out_dir = tmp_path / "out"
    code, _, err = cli(capsys, "batch", path, "--out", out_dir, "--workers", "1", "--quiet")
    assert code == 0
    assert "warning: variant 'pooled' resolves to the same scenario as variant 'national'" in err


def test_distinct_variants_do_not_warn(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        "name: x\nscenario: pooled-vs-national.yaml\n"
        "variants:\n  national: {policies: {joint_stockpiles: null}}\n  pooled: {}\n",
    )
    assert load_plan(path).warnings == ()


# --- built-in commodities and country codes ----------------------------------------------------


def test_a_misspelt_builtin_commodity_names_the_dataset_and_the_commodity_meant() -> None:
    text = "name: t\nhorizon_days: 30\ndata: builtin\ncommodities:\n  galium: {}\n"
    with pytest.raises(InputError) as caught:
        load_scenario_text(text, "t.yaml")
    (issue,) = (str(i) for i in caught.value.issues)
    assert issue.startswith("t.yaml:5:3: commodities.galium: the embedded dataset has no")
    assert "commodity 'galium' (did you mean 'gallium'?)" in issue
    assert "price_usd_per_unit" not in issue


def test_a_wrong_country_code_suggests_the_code_meant() -> None:
    text = (
        "name: t\nhorizon_days: 30\ndata: builtin\ncommodities:\n  gallium: {}\n"
        "coalitions:\n  KJ: [KR, JPN]\n"
    )
    with pytest.raises(InputError) as caught:
        load_scenario_text(text, "t.yaml")
    (issue,) = (str(i) for i in caught.value.issues)
    assert issue.startswith("t.yaml:7:8: coalitions.KJ.0: expected an ISO 3166-1 alpha-3 code")
    assert issue.endswith("found 'KR' (did you mean 'KOR'?)")


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("KR", "KOR"),  # alpha-2
        ("JP", "JPN"),
        ("UK", "GBR"),  # reserved alpha-2 for the United Kingdom
        ("kor", "KOR"),  # case
        ("KRO", "KOR"),  # swapped letters
        ("Japan", "JPN"),  # a name
        ("Australia", "AUS"),
    ],
)
def test_country_code_hints(written: str, meant: str) -> None:
    assert country_code_hint(written) == f" (did you mean {meant!r}?)"


def test_no_hint_for_a_code_like_nothing_known() -> None:
    assert country_code_hint("QQQQQ") == ""
