"""Shared helpers of the experiment tests (this module holds no tests).

Experiments are written into a temporary folder next to a copy of the shipped
``pooled-vs-national.yaml`` base scenario, so each test states its experiment
in full and nothing is written under the repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import simulator.cli.batch  # noqa: F401  (registers the batch command)
from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "scenarios" / "examples"
BASE = "pooled-vs-national.yaml"

KJ_POOLING = """\
name: kj-pooling
scenario: pooled-vs-national.yaml
replications: {replications}
seed: {seed}
baseline: national
uncertainties:
  shocks.ban.duration_days: {{dist: triangular, low: 60, mode: 120, high: 240}}
variants:
  national:
    policies: {{joint_stockpiles: null, mutual_transfers: null}}
  pooled:
    policies: {{mutual_transfers: null}}
  both: {{}}
"""
"""The shipped kj-pooling experiment with the replications and seed left open."""


def write_experiment(folder: Path, text: str, name: str = "experiment.yaml") -> Path:
    """Write ``text`` as an experiment next to a copy of the base scenario; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLES / BASE, folder / BASE)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def kj_pooling(folder: Path, replications: int = 6, seed: int = 2023) -> Path:
    """The kj-pooling experiment with ``replications`` and ``seed``."""
    return write_experiment(folder, KJ_POOLING.format(replications=replications, seed=seed))


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``supplyshock ARGS`` in this process; returns exit code, stdout, stderr."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` sorted by every identifying column, with a fresh index, for exact comparison."""
    keys = [c for c in ("variant", "replication", "day", "country", "commodity") if c in frame]
    ordered = frame.sort_values(keys, kind="mergesort").reset_index(drop=True)
    return ordered[sorted(ordered.columns)]
