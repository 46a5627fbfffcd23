"""The headline: focus countries, one sentence per variant, hand-derived numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulator.analysis.compare import compare_results
from simulator.analysis.headline import default_focus, headline
from simulator.analysis.results import ResultsFolder

SCENARIO = {
    "name": "t",
    "horizon_days": 100,
    "commodities": {"gallium": {"unit": "t"}},
    "shocks": [{"id": "ban", "exporter": "CHN", "commodity": "gallium", "targets": ["KOR", "JPN"],
                "effective_day": 10}],
}  # fmt: skip

# Shortfall (t) per replication: the paired differences pooled − national are
# -1, 0, 0, -2 (mean -0.75; better on 2 of 4, equal on 2, worse on none).
SHORTFALL = {
    ("national", "KOR"): [1.0, 2.0, 0.0, 3.0],
    ("pooled", "KOR"): [0.0, 2.0, 0.0, 1.0],
    ("national", "JPN"): [0.0] * 4,
    ("pooled", "JPN"): [0.0] * 4,
    ("national", "CHN"): [5.0, 5.0, 5.0, 5.0],
    ("pooled", "CHN"): [4.0, 5.0, 5.0, 5.0],
}


def _folder() -> ResultsFolder:
    rows = [
        {"variant": v, "replication": r, "country": c, "commodity": "gallium", "group": False,
         "shortfall": x}
        for (v, c), values in SHORTFALL.items()
        for r, x in enumerate(values)
    ]  # fmt: skip
    manifest = {"name": "t", "variants": ["national", "pooled"], "baseline": "national",
                "seed": 1, "scenario": SCENARIO}  # fmt: skip
    return ResultsFolder(Path("t"), manifest, pd.DataFrame(rows))


def test_focus_is_members_and_named_targets_never_the_exporter() -> None:
    scenario = {"coalitions": {"KJ": ["KOR", "JPN"]},
                "shocks": [{"exporter": "CHN", "targets": ["KOR", "TWN"]}]}  # fmt: skip
    present = ["CHN", "JPN", "KOR", "TWN", "USA", "KJ"]
    assert default_focus(scenario, present) == ["KOR", "JPN", "KJ", "TWN"]
    everyone = {"shocks": [{"exporter": "CHN", "targets": "all"}]}
    assert default_focus(everyone, ["CHN", "KOR", "USA"]) == ["KOR", "USA"]


def test_one_sentence_per_variant_with_hand_derived_numbers() -> None:
    report = compare_results(_folder(), metrics=["shortfall"], n_resamples=200)
    summary = headline(report)
    assert summary.focus == ("KOR", "JPN")
    kor, jpn = summary.rows
    # Mean difference -0.75; s_D = sqrt(2.75 / 3) = 0.95743; t_{3, 0.975} = 3.18245;
    # half-width 3.182446 * 0.957427 / 2 = 1.523480: [-2.273480, 0.773480].
    assert (kor.kind, kor.variant, kor.baseline, kor.n) == ("effect", "pooled", "national", 4)
    assert kor.mean_diff == pytest.approx(-0.75)
    assert (kor.ci_low, kor.ci_high) == pytest.approx((-2.27348, 0.77348), abs=1e-5)
    assert (kor.share_better, kor.share_equal, kor.share_worse) == (0.5, 0.5, 0.0)
    assert kor.text == (
        "pooled: shortfall 0.75 t against 1.5 t under national, −0.75 t"
        " (95% CI −2.27 to +0.773 t); better in 50%, equal in 50%, worse in 0% of 4 replications"
    )
    assert (jpn.kind, jpn.text) == ("same", "no shortfall under any variant")
    assert [title for title, _ in summary.groups()] == ["KOR · gallium", "JPN · gallium"]


def test_the_exporter_only_when_asked() -> None:
    report = compare_results(_folder(), metrics=["shortfall"], n_resamples=200)
    (row,) = headline(report, countries=["CHN"]).rows
    assert row.country == "CHN"
    assert row.share_better == 0.25


def test_a_target_answer_comes_first() -> None:
    report = compare_results(
        _folder(), metrics=["shortfall"], targets=["KOR.shortfall<=1@0.75"], n_resamples=200
    )
    first = headline(report).rows[0]
    assert first.kind == "target"
    # KOR shortfall <= 1 on 2 of 4 replications (national), on 3 of 4 (pooled): only pooled.
    assert first.text.endswith("met by pooled")


def test_a_country_no_variant_changes_is_said_once() -> None:
    folder = _folder()
    summary = folder.summary.copy()
    # Japan short by 1 t on every replication, whatever the variant.
    summary.loc[summary["country"] == "JPN", "shortfall"] = 1.0
    report = compare_results(
        ResultsFolder(folder.path, folder.manifest, summary), metrics=["shortfall"]
    )
    (jpn,) = [r for r in headline(report).rows if r.country == "JPN"]
    assert jpn.kind == "same"
    assert jpn.text == "shortfall the same under every variant on every replication (mean 1 t)"
