"""The Python workflow: run an experiment given as a mapping, analyse it, display it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import simulator as ss

EXAMPLES = Path(__file__).resolve().parents[1] / "scenarios" / "examples"

EXPERIMENT = {
    "name": "from-python",
    "scenario": "pooled-vs-national.yaml",
    "seed": 7,
    "baseline": "national",
    "variants": {
        "national": {"policies": {"joint_stockpiles": None, "mutual_transfers": None}},
        "pooled": {"policies": {"mutual_transfers": None}},
    },
}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(EXAMPLES / "pooled-vs-national.yaml", tmp_path)
    monkeypatch.chdir(tmp_path)  # a mapping's scenario: is relative to the working directory
    return tmp_path


def test_run_experiment_from_a_mapping_and_analyse_it(folder: Path) -> None:
    results = ss.run_experiment(EXPERIMENT, replications=3, workers=1, out=folder / "out")
    assert results.failures == ()
    assert results.variants == ("national", "pooled")
    summary = results.summary
    assert set(summary["variant"]) == {"national", "pooled"}
    assert sorted(set(summary["replication"])) == [0, 1, 2]
    table = results._repr_html_()
    assert table.count("<tr>") >= 3
    assert "from-python" in table

    report = results.compare(n_resamples=100)
    assert set(report.comparisons["variant"]) == {"pooled"}
    assert report.headline().rows
    assert "<ul>" in report._repr_html_()

    written = results.report(folder / "r.html", n_resamples=100)
    assert written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # The folder is the one `supplyshock batch` writes: it opens again.
    assert ss.open_experiment(folder / "out").variants == results.variants


def test_a_mapping_with_a_typo_is_a_located_error(folder: Path) -> None:
    wrong = {**EXPERIMENT, "variants": {"national": {"policies": {"joint_stockpile": None}}}}
    with pytest.raises(ss.InputError) as caught:
        ss.run_experiment(wrong, replications=2, out=folder / "out")
    (issue,) = (str(i) for i in caught.value.issues)
    assert issue.startswith("<experiment>:")
    assert "(did you mean 'joint_stockpiles'?)" in issue
    assert not (folder / "out").exists()
