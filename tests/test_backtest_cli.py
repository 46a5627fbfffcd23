"""``supplyshock backtest`` as a user runs it (a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each test starts a Python process

ROOT = Path(__file__).parents[1]
UREA = "scenarios/replays/urea-korea-2021.yaml"


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}  # wide enough that no heading wraps
    return subprocess.run(
        [sys.executable, "-m", "simulator", "backtest", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_json_has_every_feature_with_history_model_and_verdict() -> None:
    done = _run(UREA, "--replications", "3", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    (result,) = payload["results"]
    assert result["episode"] == "urea-2021"
    assert result["replications"] == 3
    statuses = {f["status"] for f in result["features"]}
    assert statuses <= {"hit", "miss", "not modelled"}
    counts = result["hits"] + result["misses"] + result["not_modelled"]
    assert counts == len(result["features"])
    (score,) = payload["scores"]
    assert score["in_sample"] == score["leave_one_out"] == result["score"]
    assert payload["calibration"] == []


def test_table_and_plot(tmp_path: Path) -> None:
    figure = tmp_path / "band.png"
    done = _run(UREA, "--replications", "3", "--plot", str(figure))
    assert done.returncode == 0, done.stderr
    assert "urea-korea-2021 against history urea-2021" in done.stdout
    assert "leave one episode out" in done.stdout
    assert "historical overrides of the dataset: none" in done.stdout
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_scenario_that_is_not_a_replay_exits_3() -> None:
    done = _run("scenarios/examples/two-country-ban.yaml", "--replications", "1")
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(
        "scenarios/examples/two-country-ban.yaml:1:1: backtest: expected a historical replay"
    )


def test_nothing_to_run_is_a_usage_error(tmp_path: Path) -> None:
    assert _run().returncode == 2
    done = _run("--all", cwd=tmp_path)
    assert done.returncode == 2
    assert "no folder scenarios/replays" in done.stderr
