"""``supplyshock batch``: the summary table, ``--json``, plain scenarios and usage errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from scipy import stats
from test_experiments_support import EXAMPLES, cli, kj_pooling

from simulator.experiments import load_results, t_interval


def test_json_summary_has_means_intervals_and_shares(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = kj_pooling(tmp_path, replications=5)
    out = tmp_path / "out"
    code, stdout, _ = cli(capsys, "batch", path, "--out", out, "--workers", "1", "--json")
    assert code == 0
    payload = json.loads(stdout)
    assert payload["experiment"] == "kj-pooling"
    assert payload["out"] == str(out)
    assert payload["failures"] == []
    assert [v["name"] for v in payload["variants"]] == ["national", "pooled", "both"]
    assert payload["variants"][0] == {
        "name": "national",
        "variant": "national",
        "point": None,
        "baseline": "national",
        "params": {},
        "replications": 5,
        "failed": 0,
    }
    rows = payload["summary"]
    assert [(r["variant"], r["country"]) for r in rows] == [
        (v, c) for v in ("national", "pooled", "both") for c in ("KOR", "JPN", "KJ")
    ]
    _, summary, _ = load_results(out)
    korea = summary[(summary["variant"] == "national") & (summary["country"] == "KOR")]
    row = rows[0]
    x = korea["shortfall"].to_numpy()
    half = stats.t.ppf(0.975, 4) * x.std(ddof=1) / math.sqrt(5)
    assert row["n"] == 5
    assert row["shortfall_mean"] == pytest.approx(x.mean(), abs=1e-9)
    assert row["shortfall_ci_low"] == pytest.approx(x.mean() - half, abs=1e-9)
    assert row["shortfall_ci_high"] == pytest.approx(x.mean() + half, abs=1e-9)
    assert row["p_shortfall"] == pytest.approx(float((korea["shortage_days"] > 0).mean()))
    assert row["group"] is False
    assert rows[2]["group"] is True


def test_the_table_goes_to_stdout_and_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = kj_pooling(tmp_path, replications=2)
    code, stdout, err = cli(
        capsys, "batch", path, "--out", tmp_path / "out", "--workers", "1", "--quiet"
    )
    assert code == 0
    assert "t-interval" in stdout
    assert "P(short)" in stdout
    assert "±" in stdout
    assert "national" in stdout
    assert err == ""


def test_a_plain_scenario_runs_its_replications_as_variant_base(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    scenario = EXAMPLES / "pooled-vs-national.yaml"
    code, stdout, _ = cli(
        capsys, "batch", scenario, "--replications", "3", "--workers", "1", "--json"
    )
    assert code == 0
    payload = json.loads(stdout)
    assert payload["out"] == str(Path("results") / "pooled-vs-national")
    assert [v["name"] for v in payload["variants"]] == ["base"]
    manifest, summary, _ = load_results(tmp_path / "results" / "pooled-vs-national")
    assert manifest["kind"] == "scenario"
    assert manifest["seed"] == 1
    assert sorted(set(summary["replication"])) == [0, 1, 2]
    assert (tmp_path / "results/pooled-vs-national/scenarios/base.yaml").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--daily", "every=0"), "expected every=K"),
        (("--daily", "weekly"), "expected every=K"),
        (("--dask", "tcp://127.0.0.1:1", "--workers", "2"), "--workers"),
        (("--workers", "0"), "--workers"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    path = kj_pooling(tmp_path, replications=1)
    code, _, err = cli(capsys, "batch", path, "--out", tmp_path / "out", *args)
    assert code == 2
    assert message in err
    assert not (tmp_path / "out").exists()


def test_t_interval_needs_two_values() -> None:
    mean, low, high = t_interval([4.0])
    assert mean == 4.0
    assert math.isnan(low)
    assert math.isnan(high)
    assert t_interval([2.0, 2.0, 2.0]) == (2.0, 2.0, 2.0)


def test_compare_after_the_batch_shows_the_chosen_countries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = kj_pooling(tmp_path, replications=4)
    code, stdout, _ = cli(
        capsys,
        "batch", path, "--out", tmp_path / "out", "--workers", "1", "--quiet",
        "--compare", "--country", "KOR",
    )  # fmt: skip
    assert code == 0
    # The comparison's headline follows the summary: paired differences against the baseline.
    summary, comparison = stdout.split("baseline national", 1)
    assert "JPN" not in summary
    # Each country's group opens with its verdict, then one sentence per variant.
    assert "KOR · widget\n  verdict: " in comparison
    assert "\n  pooled: shortfall" in comparison
    assert "better in" in comparison
    assert "JPN" not in comparison
