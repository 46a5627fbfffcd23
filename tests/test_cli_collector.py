"""The garbage collector around ``batch``'s start-up and the process's exit.

``batch`` pauses the collector while it starts (:mod:`simulator.cli.collector`);
called in this process, it must leave the collector as it found it, on
success and on every error, and freeze nothing (only a process the command
line owns freezes its objects).  The process's entry point keeps the exit code.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from test_experiments_support import cli, kj_pooling

ROOT = Path(__file__).resolve().parents[1]


FROZEN = gc.get_freeze_count()  # the interpreter's own (CPython 3.12 starts with some)


def _collector() -> tuple[bool, int]:
    return gc.isenabled(), gc.get_freeze_count()


@pytest.mark.parametrize(
    "args",
    [
        ("--workers", "1", "--quiet"),  # runs
        ("--workers", "1", "--daily", "weekly"),  # a usage error, before the start-up ends
    ],
)
def test_batch_leaves_the_collector_as_it_found_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    path = kj_pooling(tmp_path, replications=2)
    assert _collector() == (True, FROZEN)
    cli(capsys, "batch", path, "--out", tmp_path / "out", *args)
    assert _collector() == (True, FROZEN)


def test_batch_of_an_invalid_file_leaves_the_collector_as_it_found_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, _ = cli(capsys, "batch", ROOT / "tests/data/bad/misspelt-key.yaml")
    assert code == 3
    assert _collector() == (True, FROZEN)


def test_a_paused_collector_stays_paused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = kj_pooling(tmp_path, replications=1)
    gc.disable()
    try:
        cli(capsys, "batch", path, "--out", tmp_path / "out", "--workers", "1", "--quiet")
        assert _collector() == (False, FROZEN)
    finally:
        gc.enable()


@pytest.mark.parametrize(("file", "code"), [("misspelt-key.yaml", 3), ("missing.yaml", 2)])
def test_the_entry_point_exits_with_the_commands_code(file: str, code: int) -> None:
    path = ROOT / "tests/data/bad" / file
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "batch", str(path)], capture_output=True, cwd=ROOT
    )
    assert done.returncode == code
