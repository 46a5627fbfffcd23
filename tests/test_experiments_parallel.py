"""The same files whatever runs the chunks, and a batch that survives being killed.

These start real processes (a process pool, a Dask ``LocalCluster`` on
127.0.0.1, a ``python -m simulator batch`` subprocess), so they are marked
slow; they still run in CI.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from test_experiments_support import ROOT, canonical, cli, kj_pooling

from simulator.experiments import (
    DaskBackend,
    InProcessBackend,
    ProcessPoolBackend,
    load_plan,
    load_results,
    run_batch,
)
from simulator.experiments.runner import MAX_TRIES

pytestmark = pytest.mark.slow


def _frames(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    _, summary, daily = load_results(out)
    assert daily is not None
    return canonical(summary), canonical(daily)


def test_in_process_process_pool_and_dask_write_the_same_results(tmp_path: Path) -> None:
    plan = load_plan(kj_pooling(tmp_path, replications=7))
    backends = {
        "one": InProcessBackend(),
        "pool": ProcessPoolBackend(2),
        "dask": DaskBackend("local", 2),
    }
    for name, backend in backends.items():
        run_batch(plan, tmp_path / name, backend=backend, chunk_size=3, daily_every=60)
    one = _frames(tmp_path / "one")
    for other in ("pool", "dask"):
        summary, daily = _frames(tmp_path / other)
        pd.testing.assert_frame_equal(one[0], summary, check_exact=True)
        pd.testing.assert_frame_equal(one[1], daily, check_exact=True)


class _KillOneWorker(ProcessPoolBackend):
    """A process pool whose first pool loses a worker (SIGKILL) once a chunk is written."""

    def __init__(self, out: Path) -> None:
        super().__init__(2)
        self.out = out
        self.opened = 0
        self.killed: list[int] = []

    def open(self) -> Executor:
        executor = super().open()
        self.opened += 1
        if self.opened == 1 and isinstance(executor, ProcessPoolExecutor):
            threading.Thread(target=self._kill, args=(executor,), daemon=True).start()
        return executor

    def _kill(self, executor: ProcessPoolExecutor) -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            processes = dict(getattr(executor, "_processes", None) or {})
            if processes and any((self.out / "summary").rglob("chunk-*.parquet")):
                pid = next(iter(processes))
                os.kill(pid, signal.SIGKILL)
                self.killed.append(pid)
                return
            time.sleep(0.01)


def test_a_dead_worker_is_replaced_and_its_chunks_rerun(tmp_path: Path) -> None:
    plan = load_plan(kj_pooling(tmp_path, replications=16))
    run_batch(plan, tmp_path / "reference", chunk_size=2)
    backend = _KillOneWorker(tmp_path / "killed")
    result = run_batch(plan, tmp_path / "killed", backend=backend, chunk_size=2)
    assert backend.killed
    assert backend.opened == 2
    assert result.ok
    _, reference, _ = load_results(tmp_path / "reference")
    _, survived, _ = load_results(tmp_path / "killed")
    pd.testing.assert_frame_equal(canonical(reference), canonical(survived), check_exact=True)


class _DeadlyChunk(ProcessPoolBackend):
    """A two-worker pool in which one chunk kills its worker (``os._exit``) every time it runs.

    Each pool is real; only the call submitted for that chunk is replaced, as
    if its data crashed the compiled code.  ``submitted`` counts every
    submission of each chunk.
    """

    def __init__(self, deadly: tuple[str, int]) -> None:
        super().__init__(2)
        self.deadly = deadly
        self.submitted: Counter[tuple[str, int]] = Counter()
        self.opened = 0

    def open(self) -> Executor:
        self.opened += 1
        return _Deadly(super().open(), self)


class _Deadly(Executor):
    def __init__(self, pool: Executor, backend: _DeadlyChunk) -> None:
        self.pool = pool
        self.backend = backend

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        task = args[0]
        key = (task.variant, task.first)
        if key == self.backend.deadly:
            future = self.pool.submit(os._exit, 1)  # raises before counting if the pool broke
        else:
            future = self.pool.submit(fn, *args, **kwargs)
        self.backend.submitted[key] += 1
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def test_a_chunk_that_kills_its_worker_every_time_uses_up_only_its_own_tries(
    tmp_path: Path,
) -> None:
    """The deadly chunk is lost after MAX_TRIES; every other chunk is written, as in one process.

    Chunks in the broken pool with it (running, or waiting in the pool's
    queue) lose one try and run alone, so none is submitted more than twice.
    """
    plan = load_plan(kj_pooling(tmp_path, replications=12))
    run_batch(plan, tmp_path / "reference", chunk_size=2)
    backend = _DeadlyChunk(("pooled", 4))
    result = run_batch(plan, tmp_path / "deadly", backend=backend, chunk_size=2)

    assert backend.submitted[("pooled", 4)] == MAX_TRIES
    others = {k: n for k, n in backend.submitted.items() if k != ("pooled", 4)}
    assert len(others) == 3 * 6 - 1  # three variants of six chunks
    assert max(others.values()) <= 2
    assert backend.opened == 1 + MAX_TRIES  # a fresh pool after each death
    assert not result.ok
    assert [(f["variant"], f["replication"]) for f in result.failures] == [
        ("pooled", 4),
        ("pooled", 5),
    ]
    assert all(f"lost {MAX_TRIES} times" in f["message"] for f in result.failures)
    _, reference, _ = load_results(tmp_path / "reference")
    _, survived, _ = load_results(tmp_path / "deadly")
    lost = (reference["variant"] == "pooled") & reference["replication"].isin([4, 5])
    pd.testing.assert_frame_equal(
        canonical(reference[~lost]), canonical(survived), check_exact=True
    )


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="utf-8")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_pool_workers_exit_when_the_batch_is_killed(tmp_path: Path) -> None:
    path = kj_pooling(tmp_path, replications=40)
    out = tmp_path / "out"
    command = ["batch", str(path), "--out", str(out), "--workers", "2", "--chunk-size", "5"]
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", *command, "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while not any((out / "summary").rglob("chunk-*.parquet")):
            assert process.poll() is None, "the batch ended before writing a chunk"
            assert time.monotonic() < deadline, "no chunk written in time"
            time.sleep(0.01)
        helpers = _children(process.pid)  # the fork server (and resource tracker)
        workers = [w for h in helpers for w in _children(h)]
        assert workers
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    deadline = time.monotonic() + 30
    while any(_running(p) for p in helpers + workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in helpers + workers if _running(p)]


def test_sigkill_then_rerun_equals_an_uninterrupted_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = kj_pooling(tmp_path, replications=24)
    out = tmp_path / "out"
    args = ["batch", str(path), "--out", str(out), "--workers", "1", "--chunk-size", "4"]
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", *args, "--quiet"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 300
        while not any((out / "summary").rglob("chunk-*.parquet")):
            assert process.poll() is None, process.communicate()[1].decode()
            assert time.monotonic() < deadline, "no chunk written in time"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        if process.stderr is not None:
            process.stderr.close()
    written = list((out / "summary").rglob("chunk-*.parquet"))
    assert 0 < len(written) < 18, "killed before the end"
    for chunk in written:  # every visible file is whole
        assert pq.read_table(chunk).num_rows > 0

    code, _, _ = cli(capsys, *args, "--quiet")
    assert code == 0
    run_batch(load_plan(path), tmp_path / "uninterrupted", chunk_size=4)
    manifest, resumed, _ = load_results(out)
    _, uninterrupted, _ = load_results(tmp_path / "uninterrupted")
    assert manifest["resumed"] == 1
    assert manifest["status"] == "complete"
    pd.testing.assert_frame_equal(canonical(resumed), canonical(uninterrupted), check_exact=True)
    assert not [p for p in out.rglob(".*") if p.is_file()]


def test_a_running_scheduler_at_an_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--dask ADDRESS`` uses a scheduler that is already running, with the same results."""
    from distributed import LocalCluster

    path = kj_pooling(tmp_path, replications=4)
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        code, _, _ = cli(
            capsys, "batch", path, "--out", tmp_path / "remote", "--dask",
            cluster.scheduler_address, "--quiet",
        )  # fmt: skip
    assert code == 0
    code, _, _ = cli(capsys, "batch", path, "--out", tmp_path / "one", "--workers", "1", "--quiet")
    assert code == 0
    remote, one = load_results(tmp_path / "remote")[1], load_results(tmp_path / "one")[1]
    pd.testing.assert_frame_equal(canonical(one), canonical(remote), check_exact=True)
    manifest = load_results(tmp_path / "remote")[0]
    assert cluster.scheduler_address.split("//")[-1].split(":")[0] == "127.0.0.1"
    assert "dask" in str(manifest).lower()
