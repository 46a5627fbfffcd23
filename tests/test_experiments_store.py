"""The results folder: layout, columns, queries, resume, refusal, chunking and order."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from test_experiments_support import canonical, cli, kj_pooling, write_experiment

from simulator.analysis.metrics import METRICS
from simulator.experiments import (
    Backend,
    ResultsConflictError,
    load_plan,
    load_results,
    run_batch,
)
from simulator.io.scenario_file import load_scenario

POOL_SIZE = "policies.joint_stockpiles.kj-pool.size_days"
DURATION = "shocks.ban.duration_days"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kj-pooling, 6 replications in chunks of 4, daily every 30 days."""
    folder = tmp_path_factory.mktemp("written")
    plan = load_plan(kj_pooling(folder, replications=6))
    run_batch(plan, folder / "out", daily_every=30, chunk_size=4)
    return folder / "out"


def test_the_layout_is_hive_partitioned_chunks(written: Path) -> None:
    files = sorted(p.relative_to(written).as_posix() for p in written.rglob("*") if p.is_file())
    for variant in ("national", "pooled", "both"):
        for part in ("summary", "daily"):
            assert f"{part}/variant={variant}/chunk-000000-000003.parquet" in files
            assert f"{part}/variant={variant}/chunk-000004-000005.parquet" in files
        assert f"scenarios/{variant}.yaml" in files
    assert "manifest.json" in files
    assert "failures.json" in files
    assert not [f for f in files if Path(f).name.startswith(".")]


def test_summary_columns_and_types(written: Path) -> None:
    table = ds.dataset(written / "summary", partitioning="hive").to_table()
    assert table.column_names[:7] == [
        "experiment",
        "variant",
        "replication",
        "seed",
        "country",
        "commodity",
        "group",
    ]
    assert table.column_names[7:] == [*METRICS, f"u.{DURATION}"]
    assert table.schema.field("tts_days").type == pa.float64()
    assert table.schema.field("ttr_days").type == pa.float64()
    assert table.num_rows == 3 * 6 * 3  # variants × replications × (KOR, JPN, KJ)
    frame = table.to_pandas()
    assert set(frame["experiment"]) == {"kj-pooling"}
    assert set(frame["seed"]) == {2023}
    japan = frame[frame["country"] == "JPN"]
    # Japan is never short, so it has no time to survive: null, not a number.
    assert japan["tts_days"].isna().all()
    # Null exactly where there was no shortfall at all.
    assert table.column("tts_days").null_count == int((frame["shortage_days"] == 0).sum())


def test_pyarrow_and_duckdb_read_the_same_table(written: Path) -> None:
    frame = ds.dataset(written / "summary", partitioning="hive").to_table().to_pandas()
    query = duckdb.sql(
        "SELECT variant, count(*) AS n, avg(shortfall) AS shortfall"
        f" FROM read_parquet('{written}/summary/**/*.parquet', hive_partitioning=true)"
        " WHERE country = 'KOR' GROUP BY variant ORDER BY variant"
    ).df()
    expected = (
        frame[frame["country"] == "KOR"]
        .groupby("variant")["shortfall"]
        .agg(["count", "mean"])
        .sort_index()
    )
    assert list(query["variant"]) == list(expected.index)
    assert list(query["n"]) == list(expected["count"])
    assert query["shortfall"].to_numpy() == pytest.approx(expected["mean"].to_numpy(), abs=1e-9)


def test_load_results_gives_manifest_summary_and_daily(written: Path) -> None:
    manifest, summary, daily = load_results(written)
    assert manifest["name"] == "kj-pooling"
    assert manifest["variants"] == ["national", "pooled", "both"]
    assert manifest["baseline"] == "national"
    assert manifest["seed"] == 2023
    assert manifest["replications"] == 6
    assert manifest["uncertainties"] == [DURATION]
    assert manifest["sweep_parameters"] == []
    assert manifest["status"] == "complete"
    assert manifest["counts"] == {
        "chunks": {"total": 6, "done": 6, "failed": 0},
        "replications": {"total": 18, "done": 18, "failed": 0},
    }
    assert manifest["variant_specs"]["pooled"]["overlay"] == {
        "policies": {"mutual_transfers": None}
    }
    assert {"numpy", "scipy", "simpy", "networkx", "pyarrow", "pandas", "python"} <= set(
        manifest["versions"]
    )
    assert len(manifest["fingerprint"]) == 64
    assert list(pd.unique(summary["variant"])) == ["national", "pooled", "both"]
    assert list(summary["replication"][:6]) == [0, 0, 0, 1, 1, 1]
    assert daily is not None
    assert list(daily.columns) == [
        "experiment", "variant", "replication", "day", "country", "commodity",
        "coverage_days", "fill_rate", "shortfall", "inventory", "strategic", "pool",
        "released", "transfers_in", "transfers_out", "demand_forgone", "price",
        "purchase_cost_usd",
    ]  # fmt: skip
    assert sorted(set(daily["day"])) == list(range(0, 365, 30))
    assert set(daily["country"]) == {"KOR", "JPN", "KJ"}  # importers and the coalition
    assert len(daily) == 3 * 6 * 13 * 3  # variants × replications × days × (KOR, JPN, KJ)


def test_each_variant_scenario_is_written_resolved(written: Path) -> None:
    plan_scenario = load_scenario(written / "scenarios" / "pooled.yaml")
    assert plan_scenario.seed == 2023
    assert plan_scenario.replications == 6
    assert len(plan_scenario.policies.joint_stockpiles) == 1
    assert plan_scenario.policies.mutual_transfers == []


def test_sweep_variant_names_are_percent_encoded_on_disk(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        f"""\
name: crossed
scenario: pooled-vs-national.yaml
replications: 2
variants:
  pooled: {{policies: {{mutual_transfers: null}}}}
sweep:
  grid:
    {POOL_SIZE}: [15, 30]
""",
    )
    run_batch(load_plan(path), tmp_path / "out")
    assert (tmp_path / "out/summary/variant=pooled%2Fsize_days%3D15").is_dir()
    assert (tmp_path / "out/scenarios/pooled%2Fsize_days%3D30.yaml").is_file()
    frame = ds.dataset(tmp_path / "out/summary", partitioning="hive").to_table().to_pandas()
    assert set(frame["variant"]) == {"pooled/size_days=15", "pooled/size_days=30"}
    by_variant = frame.groupby("variant")[f"param.{POOL_SIZE}"].unique()
    assert list(by_variant["pooled/size_days=15"]) == [15.0]
    assert list(by_variant["pooled/size_days=30"]) == [30.0]
    hive = duckdb.sql(
        "SELECT DISTINCT variant FROM read_parquet("
        f"'{tmp_path}/out/summary/**/*.parquet', hive_partitioning=true) ORDER BY variant"
    ).fetchall()
    assert hive == [("pooled/size_days=15",), ("pooled/size_days=30",)]


# --- resume and refusal --------------------------------------------------------------------


class _Count:
    """A progress recorder: how many replications were run this time."""

    def __init__(self) -> None:
        self.total = self.done_before = self.ran = 0

    def start(self, total: int, done: int) -> None:
        self.total, self.done_before = total, done

    def advance(self, replications: int) -> None:
        self.ran += replications


def test_resume_computes_only_missing_chunks(tmp_path: Path) -> None:
    plan = load_plan(kj_pooling(tmp_path, replications=6))
    out = tmp_path / "out"
    run_batch(plan, out, chunk_size=4)
    _, before, _ = load_results(out)
    missing = out / "summary/variant=pooled/chunk-000004-000005.parquet"
    missing.unlink()
    stale = out / "summary/variant=both/.chunk-000000-000003.parquet.x1.tmp"
    stale.write_bytes(b"half a file")
    count = _Count()
    result = run_batch(plan, out, progress=count)
    assert (count.total, count.done_before, count.ran) == (18, 16, 2)
    assert (result.chunks_skipped, result.chunks_done) == (5, 6)
    assert not stale.exists()
    manifest, after, _ = load_results(out)
    assert manifest["resumed"] == 1
    assert manifest["chunk_size"] == 4
    pd.testing.assert_frame_equal(canonical(before), canonical(after), check_exact=True)


def test_a_different_experiment_is_refused_unless_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    first = kj_pooling(tmp_path / "a", replications=2, seed=1)
    second = kj_pooling(tmp_path / "b", replications=2, seed=2)
    code, _, _ = cli(capsys, "batch", first, "--out", out, "--workers", "1", "--quiet")
    assert code == 0
    code, out_text, err = cli(capsys, "batch", second, "--out", out, "--workers", "1", "--quiet")
    assert code == 3
    assert out_text == ""
    assert "holds the results of a different experiment" in err
    assert "--overwrite" in err
    with pytest.raises(ResultsConflictError):
        run_batch(load_plan(second), out)

    code, _, _ = cli(
        capsys, "batch", second, "--out", out, "--workers", "1", "--quiet", "--overwrite"
    )
    assert code == 0
    manifest, summary, _ = load_results(out)
    assert manifest["seed"] == 2
    assert set(summary["seed"]) == {2}
    assert manifest["fingerprint"] == load_plan(second).fingerprint(daily_every=None)


def test_a_folder_that_is_not_a_results_folder_is_never_cleared(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    plan = load_plan(kj_pooling(tmp_path, replications=1))
    with pytest.raises(ResultsConflictError, match="not a results folder"):
        run_batch(plan, out, overwrite=True)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_resuming_with_another_chunk_size_is_refused(tmp_path: Path) -> None:
    plan = load_plan(kj_pooling(tmp_path, replications=3))
    run_batch(plan, tmp_path / "out", chunk_size=2)
    with pytest.raises(ResultsConflictError, match="chunk size 2"):
        run_batch(plan, tmp_path / "out", chunk_size=3)


# --- the same results however the work is cut and whenever it completes ----------------------


def test_chunk_size_does_not_change_the_results(tmp_path: Path) -> None:
    plan = load_plan(kj_pooling(tmp_path, replications=5))
    run_batch(plan, tmp_path / "two", chunk_size=2, daily_every=100)
    run_batch(plan, tmp_path / "five", chunk_size=5, daily_every=100)
    _, two, two_daily = load_results(tmp_path / "two")
    _, five, five_daily = load_results(tmp_path / "five")
    pd.testing.assert_frame_equal(canonical(two), canonical(five), check_exact=True)
    assert two_daily is not None
    assert five_daily is not None
    pd.testing.assert_frame_equal(canonical(two_daily), canonical(five_daily), check_exact=True)


class _LateFirstExecutor(Executor):
    """Threads where the first tasks submitted finish last (each waits longer)."""

    def __init__(self, workers: int, delays: list[float], finished: list[int]) -> None:
        self.pool = ThreadPoolExecutor(workers)
        self.delays = delays
        self.finished = finished
        self.submitted = 0
        self.lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self.lock:
            k = self.submitted
            self.submitted += 1
        delay = self.delays[k] if k < len(self.delays) else 0.0

        def late() -> Any:
            time.sleep(delay)
            result = fn(*args, **kwargs)
            with self.lock:
                self.finished.append(k)
            return result

        return self.pool.submit(late)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


class _LateFirstBackend(Backend):
    def __init__(self, workers: int, delays: list[float]) -> None:
        self.workers = workers
        self.description = "threads, first submitted finish last"
        self.delays = delays
        self.finished: list[int] = []

    def open(self) -> Executor:
        return _LateFirstExecutor(self.workers, self.delays, self.finished)


def test_completion_order_does_not_change_the_results(tmp_path: Path) -> None:
    plan = load_plan(kj_pooling(tmp_path, replications=4))
    run_batch(plan, tmp_path / "in-order", chunk_size=2)
    backend = _LateFirstBackend(workers=6, delays=[1.2, 1.0, 0.8, 0.6, 0.4, 0.2])
    run_batch(plan, tmp_path / "reversed", backend=backend, chunk_size=2)
    assert backend.finished != sorted(backend.finished)
    _, in_order, _ = load_results(tmp_path / "in-order")
    _, reversed_, _ = load_results(tmp_path / "reversed")
    pd.testing.assert_frame_equal(in_order, reversed_, check_exact=True)
    manifest = json.loads((tmp_path / "reversed/manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["chunks"] == {"total": 6, "done": 6, "failed": 0}
