"""Scenario discovery, sensitivity, robustness and the verdict: known answers.

The synthetic experiment: two variants, ``a`` (the baseline) and ``b``, over
``n`` futures with two uncertain inputs drawn uniform on [0, 1]: ``x`` and
``noise``.  ``a`` always has shortfall 1; ``b`` has shortfall 2 when
``x < θ`` and 0 otherwise.  So ``b`` is better on average (mean 2θ < 1 for
θ < ½) and worse than ``a`` exactly when ``x < θ``: the answer PRIM,
the sensitivity ranking and the verdict must find.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_experiments_support import cli, kj_pooling

from simulator.analysis.compare import compare_results
from simulator.analysis.explore import discover, explore_results
from simulator.analysis.paired import Direction
from simulator.analysis.prim import binomial_at_least, prim
from simulator.analysis.results import ResultsFolder
from simulator.analysis.robustness import regret, robustness_table
from simulator.analysis.sensitivity import DUMMY, pawn_ranking
from simulator.analysis.verdict import headline_verdict
from simulator.experiments import load_plan, run_batch

THETA = 0.4
N = 400
ALPHA = 0.05  # PRIM's default peel


def _futures(n: int = N, seed: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"u.x": rng.random(n), "u.noise": rng.random(n)})


def _synthetic(n: int = N) -> ResultsFolder:
    futures = _futures(n)
    rows = []
    for variant in ("a", "b"):
        frame = futures.copy()
        frame["variant"] = variant
        frame["replication"] = np.arange(n)
        frame["shortfall"] = 1.0 if variant == "a" else np.where(futures["u.x"] < THETA, 2.0, 0.0)
        rows.append(frame)
    summary = pd.concat(rows, ignore_index=True)
    summary["country"], summary["commodity"], summary["group"] = "KOR", "ga", False
    manifest = {
        "name": "synthetic",
        "seed": 5,
        "baseline": "a",
        "variants": ["a", "b"],
        "scenario": {
            "commodities": {"ga": {"unit": "t"}},
            "coalitions": {"KJ": ["KOR", "JPN"]},
            "shocks": [{"exporter": "CHN", "targets": "all"}],
        },
    }
    return ResultsFolder(Path("synthetic"), manifest, summary)


def _tolerance(n: int, theta: float, alpha: float) -> tuple[float, float]:
    """How far below and above θ PRIM's limit may fall, from the sample size.

    Below: the last peel that empties the box of losing-free futures removes
    at most ``α·m + 1`` futures, ``m ≈ n(θ + α)`` being the futures then in the
    box; ``k`` uniform points span an interval of length ``k/n`` give or take
    three binomial standard deviations ``3√k/n``.  Above: the limit never
    passes the smallest ``x ≥ θ``, whose gap to θ exceeds ``t`` with
    probability ``(1 - t)^n ≈ e^{-nt}``: ``t = 7/n`` fails once in a thousand.
    """
    k = alpha * n * (theta + alpha) + 1
    return (k + 3 * math.sqrt(k)) / n, 7 / n


def test_prim_recovers_the_threshold_within_the_sampling_tolerance() -> None:
    futures = _futures()
    cases = futures["u.x"].to_numpy() < THETA
    result = prim(futures.to_numpy(), cases, ["u.x", "u.noise"], alpha=ALPHA)
    box = result.chosen
    assert box is not None
    (limit,) = box.limits  # the noise input is not part of the box
    assert limit.name == "u.x"
    assert limit.low is None
    assert limit.high is not None
    below, above = _tolerance(N, THETA, ALPHA)
    assert THETA - below <= limit.high <= THETA + above
    assert box.density == 1.0
    assert box.coverage >= 1 - below / THETA  # only the futures peeled below θ are missed


@pytest.mark.parametrize("n", [1, 7, 60, 400])
@pytest.mark.parametrize("p", [0.0, 0.02, 0.5, 0.93, 1.0])
def test_the_pruning_p_value_is_the_one_sided_binomial_test(n: int, p: float) -> None:
    from scipy import stats

    for k in range(n + 1):
        expected = stats.binomtest(k, n, p, "greater").pvalue
        assert binomial_at_least(k, n, p) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_the_sensitivity_ranking_puts_the_deciding_input_first() -> None:
    futures = _futures()
    diff = np.where(futures["u.x"] < THETA, 1.0, -1.0)
    ranking = pawn_ranking(futures, diff, seed=3)
    assert ranking["input"].iloc[0] == "u.x"
    assert bool(ranking.loc[ranking["input"] == "u.x", "above_dummy"].iloc[0])
    assert set(ranking["input"]) == {"u.x", "u.noise", DUMMY}


def test_discovery_says_the_box_in_words() -> None:
    folder = _synthetic()
    found = discover(folder.summary, "b", "a", "shortfall", seed=5)
    assert found.cases == int((_futures()["u.x"] < THETA).sum())
    assert found.box is not None
    assert found.text.startswith("b is worse than a for KOR (ga shortfall) when x < 0.")
    assert found.sensitivity["input"].iloc[0] == "x"


def test_the_verdict_names_the_best_variant_and_the_box_where_it_loses() -> None:
    folder = _synthetic()
    report = compare_results(folder, metrics=["shortfall"], n_resamples=200)
    (line,) = headline_verdict(folder, report)
    assert (line.country, line.commodity, line.best, line.baseline) == ("KOR", "ga", "b", "a")
    mean_b = 2 * float((_futures()["u.x"] < THETA).mean())
    assert line.mean_diff == pytest.approx(mean_b - 1.0)
    assert line.discovery is not None
    assert line.discovery.box is not None
    (limit,) = line.discovery.box.limits
    below, above = _tolerance(N, THETA, ALPHA)
    assert THETA - below <= limit.high <= THETA + above  # type: ignore[operator]
    assert "; it is worse than a when x < 0." in line.text
    assert line.text.startswith("verdict: b is best on shortfall: ")


# --- robustness on a hand-computed table ---------------------------------------------------

TABLE = pd.DataFrame(
    {"A": [1.0, 4.0, 2.0, 5.0], "B": [2.0, 1.0, 2.0, 3.0], "C": [3.0, 2.0, 0.0, 4.0]}
)


def test_regret_and_satisficing_of_three_variants_by_hand() -> None:
    """Lower is better.  Best per future: 1, 1, 0, 3.

    Regret A = (0, 3, 2, 2), B = (1, 0, 2, 0), C = (2, 1, 0, 1).  The 90th
    percentile of four sorted values v0..v3 sits at position 0.9·3 = 2.7:
    v2 + 0.7 (v3 − v2): A 2 + 0.7·1 = 2.7, B 1 + 0.7·1 = 1.7, C 1 + 0.7·1 = 1.7.
    Meeting x <= 2: A in 2 of 4 futures, B in 3, C in 2.  Best: A in r1, B in
    r2 and r4, C in r3.
    """
    table = robustness_table(TABLE, Direction.LOWER, lambda x: x <= 2).set_index("variant")
    assert table["mean"].tolist() == [3.0, 2.0, 2.25]
    assert table["max_regret"].tolist() == [3.0, 2.0, 2.0]
    assert table["p90_regret"].tolist() == pytest.approx([2.7, 1.7, 1.7])
    assert table["satisficing"].tolist() == [0.5, 0.75, 0.5]
    assert table["share_best"].tolist() == [0.25, 0.5, 0.25]


def test_regret_when_higher_is_better_by_hand() -> None:
    """Best per future: 3, 4, 2, 5; regret A = (2, 0, 0, 0), B = (1, 3, 0, 2), C = (0, 2, 2, 1)."""
    found = regret(TABLE, Direction.HIGHER)
    assert found.to_dict("list") == {
        "A": [2.0, 0.0, 0.0, 0.0],
        "B": [1.0, 3.0, 0.0, 2.0],
        "C": [0.0, 2.0, 2.0, 1.0],
    }


# --- the command -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kj_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("explore")
    plan = load_plan(kj_pooling(folder, replications=30))
    out = folder / "out"
    assert run_batch(plan, out).ok
    return out


def test_explore_json_has_discoveries_and_robustness(
    kj_results: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    code, out, _ = cli(capsys, "explore", str(kj_results), "--country", "KOR", "--json")
    assert code == 0
    found = json.loads(out)
    assert {d["variant"] for d in found["discoveries"]} == {"pooled", "both"}
    assert all(d["futures"] == 30 for d in found["discoveries"])
    assert {r["variant"] for r in found["robustness"]} == {"national", "pooled", "both"}
    direct = explore_results(kj_results, countries=["KOR"])
    assert [d.text for d in direct.discoveries] == [d["text"] for d in found["discoveries"]]


def test_explore_with_a_target_and_a_plot(
    kj_results: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = cli(
        capsys,
        "explore",
        str(kj_results),
        "--target",
        "KOR.fill_rate>=0.99",
        "--variant",
        "pooled",
        "--plot",
        str(tmp_path / "s.png"),
    )
    assert code == 0
    assert "pooled misses fill_rate >= 0.99 for KOR" in out
    assert (tmp_path / "s.png").stat().st_size > 0


def test_explore_errors_exit_2_and_3(
    kj_results: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = cli(capsys, "explore", str(kj_results), "--variant", "nope")
    assert code == 2
    assert "unknown variant 'nope'" in err
    code, _, err = cli(capsys, "explore", str(tmp_path))
    assert code == 3
    assert "not a results folder" in err


def test_compare_leads_each_country_with_its_verdict(
    kj_results: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    code, out, _ = cli(capsys, "compare", str(kj_results), "--country", "KOR")
    assert code == 0
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    group = next(i for i, line in enumerate(lines) if line.startswith("KOR ·"))
    assert lines[group + 1].startswith("verdict: ")
    code, out, _ = cli(capsys, "compare", str(kj_results), "--json")
    document = json.loads(out)
    assert next(iter(document)) == "verdict"
    assert {v["country"] for v in document["verdict"]} <= {"KOR", "JPN"}
    kinds = [row["kind"] for row in document["headline"]["rows"]]
    assert kinds[0] == "verdict"


def test_the_verdict_without_the_pawn_ranking_says_the_same(kj_results: Path) -> None:
    from simulator.analysis.results import open_results

    folder = open_results(kj_results)
    report = compare_results(folder, metrics=["shortfall"], bootstrap=False)
    full = headline_verdict(folder, report)
    quick = headline_verdict(folder, report, sensitivity=False)
    assert [v.text for v in quick] == [v.text for v in full]
    found = [v for v in full if v.discovery is not None]
    assert found  # the kj fixture has a best variant that is not the baseline
    assert all(v.discovery is not None and not v.discovery.sensitivity.empty for v in found)
    assert all(v.discovery is None or v.discovery.sensitivity.empty for v in quick)


def test_the_report_leads_with_the_verdict(kj_results: Path) -> None:
    import re

    from simulator.analysis.report import build_report

    html = build_report(kj_results, n_resamples=200)
    headings = re.findall(r'<h2 id="([a-z-]+)">', html)
    assert headings[0] == "headline"
    first = html.split('<h2 id="headline">', 1)[1].split("<li", 1)[1]
    assert first.split(">", 1)[1].startswith("verdict: ")


def test_a_baseline_that_is_best_is_said_so_with_the_closest_variant() -> None:
    folder = _synthetic(60)
    summary = folder.summary.copy()
    summary.loc[summary["variant"] == "b", "shortfall"] = 3.0  # always 2 t worse than a
    folder = ResultsFolder(folder.path, folder.manifest, summary)
    report = compare_results(folder, metrics=["shortfall"], n_resamples=200)
    (line,) = headline_verdict(folder, report)
    assert (line.best, line.baseline, line.mean_diff) == ("a", "a", None)
    assert line.text == (
        "verdict: a is best on shortfall: no variant beats a on average"
        " (the closest, b: +2 t, 95% BCa +2 to +2 t); P(best) 100%."
    )


def test_censored_times_need_a_target_and_keep_every_future(
    kj_results: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    code, _, err = cli(capsys, "explore", str(kj_results), "--metric", "tts_days")
    assert code == 2
    assert "tts_days is censored" in err
    code, out, _ = cli(capsys, "explore", str(kj_results), "--target", "KOR.tts_days>=60", "--json")
    assert code == 0
    # Futures with no shortfall (a null time) count as meeting the target, not as missing.
    assert all(d["futures"] == 30 for d in json.loads(out)["discoveries"])
