"""The closing summary of ``batch``, read with Arrow, equals :func:`summarise` of the results.

``summarise_results`` reads only the columns it needs and no pandas; its rows,
numbers included, must be those of ``summarise(load_results(out)[1])``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.experiments.design import load_plan
from simulator.experiments.runner import run_batch
from simulator.experiments.store import load_results
from simulator.experiments.summary import summarise, summarise_results

ROOT = Path(__file__).resolve().parents[1]


def test_the_arrow_summary_equals_the_pandas_one(tmp_path: Path) -> None:
    plan = load_plan(ROOT / "scenarios/experiments/gallium-kj.yaml", replications=7)
    out = tmp_path / "out"
    assert run_batch(plan, out, chunk_size=3).ok
    variants = [v.name for v in reversed(plan.variants)]  # not the folder's order
    expected = summarise(load_results(out)[1], variants)
    found = summarise_results(out, variants)
    assert len(found) > len(plan.variants)
    assert found == expected


def test_a_folder_without_summary_chunks(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no summary chunks"):
        summarise_results(tmp_path, ["base"])
