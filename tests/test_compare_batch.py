"""End to end: a tiny real batch of the shipped kj-pooling experiment, compared and reported.

``pooled-vs-national``: two identical importers, only Korea banned.  Pooling
and transfers can only help Korea, and Japan — never short — pays for it in
coverage; the comparison must say so, paired on the same shocks.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import simulator.cli.batch
import simulator.cli.compare
import simulator.cli.report  # noqa: F401  (register the commands)
from simulator.analysis.compare import compare_results, open_results
from simulator.cli import main

pytestmark = pytest.mark.slow

EXPERIMENT = Path(__file__).parents[1] / "scenarios" / "examples" / "kj-pooling.yaml"


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("batch") / "kj-pooling"
    code = main(["batch", str(EXPERIMENT), "--replications", "8", "--workers", "1",
                 "--out", str(out), "--daily", "every=1"])  # fmt: skip
    assert code == 0
    return out


def test_real_batch_compares(batch_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["compare", str(batch_dir), "--json", "--resamples", "500"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["baseline"] == "national"
    assert data["variants"] == ["national", "pooled", "both"]
    rows = {(r["variant"], r["country"], r["metric"]): r for r in data["comparisons"]}
    fill = (
        open_results(batch_dir)
        .summary.query("country == 'KOR'")
        .pivot(index="replication", columns="variant", values="fill_rate")
    )
    for variant in ("pooled", "both"):
        korea = rows[(variant, "KOR", "fill_rate")]
        assert korea["n"] == 8
        assert korea["mean_diff"] > 0  # pooling helps the banned country
        # The paired t interval, from the summary's paired differences (t_{7, 0.975}).
        diff = (fill[variant] - fill["national"]).to_numpy()
        half = 2.364624 * diff.std(ddof=1) / math.sqrt(diff.size)
        assert (korea["ci_low"], korea["ci_high"]) == pytest.approx(
            (diff.mean() - half, diff.mean() + half), abs=1e-6 * max(half, 1e-9)
        )
        japan = rows[(variant, "JPN", "shortfall")]
        assert japan["mean"] == japan["baseline_mean"] == 0.0  # Japan is never short
    events = [e for e in data["events"] if e["metric"] == "tts_days" and e["country"] == "JPN"]
    assert all(e["n_events"] == 0 and e["median_days"] is None for e in events)


def test_real_batch_report(batch_dir: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    assert main(["report", str(batch_dir), "-o", str(output), "--resamples", "500"]) == 0
    page = output.read_text(encoding="utf-8")
    assert "kj-pooling" in page
    # Paired differences (shortfall and loss), the survival curves and the loss distributions
    # of KJ and KOR (one figure of small multiples each), three daily figures per country.
    assert page.count("<svg") >= 13
    assert "by days since the shock took effect: KJ · widget, KOR · widget</figcaption>" in page
    assert "dotted: 95 %): KJ · widget, KOR · widget</figcaption>" in page
    assert "Resilience triangles" in page


def test_compare_results_matches_the_summary(batch_dir: Path) -> None:
    folder = open_results(batch_dir)
    report = compare_results(folder, metrics=["economic_loss_usd"], countries=["KOR"])
    summary = folder.summary
    kor = summary[(summary["country"] == "KOR")]
    means = kor.groupby("variant")["economic_loss_usd"].mean()
    for row in report.comparisons.to_dict(orient="records"):
        assert row["mean"] == pytest.approx(means[row["variant"]], rel=1e-12)
        assert row["baseline_mean"] == pytest.approx(means["national"], rel=1e-12)
