"""Batches that cannot be broken: the folder lock, verified resume, incomplete results, full disks.

Everything real: the lock is the OS's ``flock`` held by another process, chunk
files are damaged on disk, the full disk is a file-size limit
(``RLIMIT_FSIZE``) on a real subprocess writing real Parquet.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from test_experiments_support import canonical, cli, kj_pooling

from simulator.experiments import load_results
from simulator.experiments.integrity import JOURNAL, chunk_problem

CHUNK = "summary/variant=national/chunk-000000-000001.parquet"


def _batch(capsys: pytest.CaptureFixture[str], path: Path, out: Path) -> tuple[int, str, str]:
    return cli(capsys, "batch", path, "--out", out, "--workers", "1", "--chunk-size", "2")


@pytest.fixture
def written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A complete batch of kj-pooling (3 variants × 4 replications, chunks of 2)."""
    path = kj_pooling(tmp_path / "exp", replications=4)
    out = tmp_path / "out"
    code, _, err = _batch(capsys, path, out)
    assert code == 0, err
    return path, out


def test_every_chunk_is_recorded_with_rows_and_checksum(written: tuple[Path, Path]) -> None:
    _, out = written
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = sorted(p.relative_to(out).as_posix() for p in (out / "summary").rglob("*.parquet"))
    assert sorted(manifest["chunks"]) == files
    assert len(files) == 6
    for name in files:
        assert chunk_problem(out / name, manifest["chunks"][name]) is None
    journal = [json.loads(line) for line in (out / JOURNAL).read_text().splitlines()]
    assert sorted(e["file"] for e in journal) == files


@pytest.mark.parametrize("damage", ["truncate", "flip", "unrecorded"])
def test_resume_recomputes_a_damaged_chunk(
    written: tuple[Path, Path], capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    path, out = written
    before = canonical(load_results(out)[1])
    chunk = out / CHUNK
    data = chunk.read_bytes()
    if damage == "truncate":
        chunk.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        middle = len(data) // 2
        chunk.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    else:  # written, then the batch died before recording it
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        del manifest["chunks"][CHUNK]
        (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        lines = (out / JOURNAL).read_text().splitlines()
        kept = [line for line in lines if json.loads(line)["file"] != CHUNK]
        (out / JOURNAL).write_text("\n".join(kept) + "\n")
    code, _, err = _batch(capsys, path, out)
    assert code == 0, err
    assert f"chunk 0-1 of variant national: {CHUNK}" in err
    assert "recomputing it" in err
    expected = {"truncate": "truncated", "flip": "corrupt", "unrecorded": "no record"}[damage]
    assert expected in err
    pd.testing.assert_frame_equal(canonical(load_results(out)[1]), before)


def test_a_second_batch_on_the_same_folder_is_refused_untouched(
    written: tuple[Path, Path], tmp_path: Path
) -> None:
    """While one batch holds the folder, another exits 3 before changing any file."""
    path, out = written
    (out / ".chunk-left-by-the-first.parquet.123.tmp").write_text("in progress")
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        second = subprocess.run(
            [sys.executable, "-m", "simulator", "batch", str(path), "--out", str(out),
             "--workers", "1", "--overwrite"],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert second.returncode == 3, second.stderr
    assert "in use by another batch" in second.stderr
    assert "Traceback" not in second.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


_HOLD_LOCK = """
import sys, time
from pathlib import Path
from simulator.experiments.integrity import batch_lock
with batch_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


def test_incomplete_results_are_refused_unless_allowed(
    written: tuple[Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, out = written
    (out / CHUNK).unlink()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["status"] = "interrupted"
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for command in ("compare", "report"):
        code, _, err = cli(capsys, command, out)
        assert code == 3
        assert "incomplete results" in err
        assert "--allow-incomplete" in err
        assert "status 'interrupted'" in err
        assert "variant 'national' has 2 of 4 replications" in err
        assert f"1 chunk file(s) missing: {CHUNK}" in err
    code, _stdout, err = cli(capsys, "compare", out, "--allow-incomplete", "--resamples", "200")
    assert code == 0, err
    assert "warning: incomplete results: variant 'national' has 2 of 4" in err
    report = tmp_path / "report.html"
    code, _, err = cli(
        capsys, "report", out, "--allow-incomplete", "--resamples", "200", "-o", report
    )
    assert code == 0, err
    html = report.read_text(encoding="utf-8")
    assert "Incomplete results." in html
    assert "<dd>national: 2 of 4, pooled: 4 of 4, both: 4 of 4</dd>" in html


def test_report_header_states_the_replications_present(
    written: tuple[Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, out = written
    report = tmp_path / "report.html"
    code, _, err = cli(capsys, "report", out, "--resamples", "200", "-o", report)
    assert code == 0, err
    html = report.read_text(encoding="utf-8")
    assert "<dt>Replications</dt><dd>4 per variant</dd>" in html
    assert "Incomplete results" not in html


def test_overwrite_clears_a_folder_whose_manifest_is_corrupt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = kj_pooling(tmp_path / "exp", replications=2)
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("{half a manifest", encoding="utf-8")
    code, _, err = _batch(capsys, path, out)
    assert code == 3
    assert "manifest is damaged" in err
    code, _, err = cli(capsys, "batch", path, "--out", out, "--workers", "1", "--overwrite")
    assert code == 0, err
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


_FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from simulator.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.slow
def test_a_full_disk_gives_a_clear_message_and_resume_completes(tmp_path: Path) -> None:
    """Writes fail part-way (a file-size limit stands in for a full disk); no traceback.

    A reference run gives the file sizes; the limit lies between the largest
    manifest, scenario or journal file and the largest daily chunk, so the
    batch starts, writes some chunks and then fails on a chunk.
    """
    path = kj_pooling(tmp_path / "exp", replications=8)
    args = ["--workers", "1", "--chunk-size", "4", "--daily", "every=1"]
    reference = tmp_path / "reference"
    run = [sys.executable, "-m", "simulator", "batch", str(path), *args]
    subprocess.run([*run, "--out", str(reference)], check=True, capture_output=True, timeout=300)
    sizes = {p.relative_to(reference).parts[0]: 0 for p in reference.rglob("*") if p.is_file()}
    for p in reference.rglob("*"):
        if p.is_file():
            top = p.relative_to(reference).parts[0]
            sizes[top] = max(sizes[top], p.stat().st_size)
    small = max(v for k, v in sizes.items() if k not in ("daily", "summary"))
    assert sizes["daily"] > small + 1000  # else the limit could not fall between them
    limit = (small + sizes["daily"]) // 2

    out = tmp_path / "out"
    full = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(limit), "batch", str(path), *args,
         "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert full.returncode == 1, full.stderr
    assert "cannot write the results" in full.stderr
    assert "File too large" in full.stderr
    assert "Traceback" not in full.stderr
    assert "run the same command again to resume" in full.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "interrupted"
    done = subprocess.run([*run, "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    pd.testing.assert_frame_equal(
        canonical(load_results(out)[1]), canonical(load_results(reference)[1])
    )


@pytest.mark.slow
def test_an_unreachable_dask_scheduler_is_a_clear_message_within_the_timeout(
    tmp_path: Path,
) -> None:
    from simulator.experiments.executors import DASK_CONNECT_TIMEOUT_SECONDS

    path = kj_pooling(tmp_path / "exp", replications=2)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "batch", str(path), "--out", str(tmp_path / "o"),
         "--dask", "tcp://127.0.0.1:9"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < DASK_CONNECT_TIMEOUT_SECONDS + 60
