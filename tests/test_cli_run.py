"""``supplyshock run``: the table, ``--json`` and ``--daily``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from simulator.analysis.metrics import METRICS
from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "scenarios" / "examples"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["run", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        str(EXAMPLES / "two-country-ban.yaml"),
        "--json",
        "--seed",
        "5",
        "--replication",
        "2",
    )
    assert code == 0
    payload = json.loads(out)
    assert (payload["scenario"], payload["seed"], payload["replication"]) == (
        "two-country-ban", 5, 2
    )  # fmt: skip
    (row,) = payload["metrics"]
    assert set(row) == {"country", "commodity", "group", *METRICS}
    assert row["country"] == "KOR"
    assert row["tts_days"] == 40
    assert row["ttr_days"] is None  # never recovers: null, not the horizon
    assert row["shortfall"] == pytest.approx(275.0)
    assert row["fill_rate"] == pytest.approx(90 / 365)


def test_no_shortfall_is_null_time_to_survive(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(EXAMPLES / "pooled-vs-national.yaml"), "--json")
    assert code == 0
    rows = {r["country"]: r for r in json.loads(out)["metrics"]}
    assert rows["KOR"]["tts_days"] is None
    assert rows["KOR"]["shortfall"] == 0.0
    assert rows["KJ"]["group"] is True


def test_daily_records_go_to_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "daily.parquet"
    code, out, _ = _run(capsys, str(EXAMPLES / "pooled-vs-national.yaml"), "--daily", str(target))
    assert code == 0
    assert "KOR" in out
    assert "KJ" in out
    table = pq.read_table(target).to_pandas()
    assert len(table) == 365 * 3  # every day, for each importer (KOR, JPN) and KJ
    both = table[table["country"] == "KJ"].set_index("day")
    members = table[table["country"].isin(["KOR", "JPN"])].groupby("day")
    assert both["inventory"].to_numpy() == pytest.approx(members["inventory"].sum().to_numpy())
    assert both["transfers_in"].sum() == 0.0  # transfers within the group cancel out
    korea = table[table["country"] == "KOR"].set_index("day")
    assert korea.loc[0, "coverage_days"] == pytest.approx(30.0)
    # The pool and Japan's transfers keep Korea supplied.
    assert korea["released"].sum() > 0
    assert korea["transfers_in"].sum() > 0
    assert korea["shortfall"].sum() == 0.0
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_a_bad_file_exits_3_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nhorizon_days: -1\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "run", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3
    assert f"{bad}:2:15: horizon_days:" in done.stderr
    assert "Traceback" not in done.stderr
