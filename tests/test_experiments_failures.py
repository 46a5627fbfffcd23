"""A replication that raises is recorded, the rest completes, and the command exits 1.

The trigger is honest: the joint stockpile's size is uncertain, drawn from
uniform(-30, 30) days, and a negative size is not a valid scenario, so exactly
the replications whose draw is negative fail their validation.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from test_experiments_support import cli, write_experiment

from simulator.engine.streams import Stream, Streams
from simulator.experiments import load_results

SIZE = "policies.joint_stockpiles.kj-pool.size_days"
SEED = 7
REPLICATIONS = 8

EXPERIMENT = f"""\
name: failing
scenario: pooled-vs-national.yaml
replications: {REPLICATIONS}
seed: {SEED}
uncertainties:
  {SIZE}: {{dist: uniform, low: -30, high: 30}}
variants:
  pooled: {{policies: {{mutual_transfers: null}}}}
  both: {{}}
"""


def _negative_draws() -> list[int]:
    """Replications whose pool size is drawn negative (computed from the streams directly)."""
    return [
        r
        for r in range(REPLICATIONS)
        if Streams(SEED, r).generator(Stream.UNCERTAINTIES, SIZE).uniform(-30, 30) < 0
    ]


def test_failed_replications_are_recorded_and_the_rest_complete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing = _negative_draws()
    assert 0 < len(failing) < REPLICATIONS  # the seed gives both outcomes
    path = write_experiment(tmp_path, EXPERIMENT)
    out = tmp_path / "out"
    code, stdout, err = cli(
        capsys, "batch", path, "--out", out, "--workers", "1", "--chunk-size", "3", "--json"
    )
    assert code == 1

    payload = json.loads(stdout)
    recorded = json.loads((out / "failures.json").read_text(encoding="utf-8"))["failures"]
    assert payload["failures"] == recorded
    assert [(f["variant"], f["replication"]) for f in recorded] == [
        (v, r) for v in ("pooled", "both") for r in failing
    ]
    for f in recorded:
        assert f["seed"] == SEED
        assert f["error_type"] == "InputError"
        assert (
            "policies.joint_stockpiles.0.size_days: expected a number between 0 and 36500"
            in f["message"]
        )
        assert f["uncertainties"][SIZE] < 0
        assert f["command"] == (
            f"supplyshock run {out / f['scenario_file']} --seed {SEED}"
            f" --replication {f['replication']}"
        )

    manifest, summary, _ = load_results(out)
    assert manifest["status"] == "failed"
    assert manifest["failures"] == recorded
    assert manifest["counts"]["replications"] == {
        "total": 2 * REPLICATIONS,
        "done": 2 * (REPLICATIONS - len(failing)),
        "failed": 2 * len(failing),
    }
    assert manifest["counts"]["chunks"] == {"total": 6, "done": 6, "failed": 0}
    for variant in ("pooled", "both"):
        ran = sorted(set(summary[summary["variant"] == variant]["replication"]))
        assert ran == [r for r in range(REPLICATIONS) if r not in failing]
    assert (out / "failures/pooled/chunk-000000-000002.json").is_file()

    assert f"{2 * len(failing)} replications failed" in err
    assert "supplyshock run" in err
    assert "overlay" in err

    # The command in each record, run exactly as recorded, reproduces its failure.
    for f in recorded:
        program, *args = shlex.split(f["command"])
        assert program == "supplyshock"
        code, _, err = cli(capsys, *args)
        assert code == 3, f["command"]
        found = f["uncertainties"][SIZE]
        assert f"size_days: expected a number between 0 and 36500, found {found}" in err


def test_resuming_keeps_the_failures_and_still_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_experiment(tmp_path, EXPERIMENT)
    out = tmp_path / "out"
    args = ("batch", path, "--out", out, "--workers", "1", "--quiet", "--chunk-size", "4")
    code, _, _ = cli(capsys, *args)
    assert code == 1
    first = json.loads((out / "failures.json").read_text(encoding="utf-8"))
    code, _, err = cli(capsys, *args)
    assert code == 1
    assert json.loads((out / "failures.json").read_text(encoding="utf-8")) == first
    assert "replications failed" in err


DURATION = "shocks.ban.duration_days"


def test_a_draw_refused_when_the_network_is_built_fails_without_a_new_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A shock's days are checked as the trade network is built.  A drawn value that does
    not feed the network reuses the variant's network, and must be refused all the same:
    a negative duration used to run, and give results where ``run`` refuses the scenario."""
    failing = [
        r
        for r in range(REPLICATIONS)
        if Streams(SEED, r).generator(Stream.UNCERTAINTIES, DURATION).uniform(-100, 100) < 0
    ]
    assert 0 < len(failing) < REPLICATIONS
    experiment = (
        f"name: negative-duration\nscenario: pooled-vs-national.yaml\n"
        f"replications: {REPLICATIONS}\nseed: {SEED}\n"
        f"uncertainties:\n  {DURATION}: {{dist: uniform, low: -100, high: 100}}\n"
    )
    out = tmp_path / "out"
    path = write_experiment(tmp_path, experiment)
    code, _, _ = cli(capsys, "batch", path, "--out", out, "--workers", "1", "--quiet")
    assert code == 1
    recorded = json.loads((out / "failures.json").read_text(encoding="utf-8"))["failures"]
    assert [f["replication"] for f in recorded] == failing
    for f in recorded:
        found = f["uncertainties"][DURATION]
        assert (
            f"shocks.0.duration_days: expected a number of days >= 0, found {found:g}"
            in (f["message"])
        )
        code, _, err = cli(capsys, *shlex.split(f["command"])[1:])
        assert code == 3
        assert f"duration_days: expected a number of days >= 0, found {found:g}" in err
