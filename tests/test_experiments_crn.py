"""Common random numbers: replication r of every variant faces the same draws.

In kj-pooling only Korea is banned, for a drawn 60–240 days.  Korea's
shortfall under ``national`` grows about one for one with the ban's length,
and the joint stockpile (30 days of the pair's demand, 60 t, all of it Korea's
need) takes a nearly fixed amount off it whenever the ban outlasts Korea's own
inventory.  So, paired on replication, ``national - pooled`` hardly varies,
while the two shortfalls taken separately vary with the ban's length: the
variance of the paired difference must be a small share of the unpaired one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_experiments_support import kj_pooling

from simulator.analysis.metrics import METRICS, metrics_table
from simulator.engine import simulate
from simulator.engine.streams import Stream, Streams
from simulator.experiments import load_plan, load_results, run_batch
from simulator.io.paths import set_path
from simulator.model.scenario import Scenario

DURATION = "shocks.ban.duration_days"
SEED = 2023
REPLICATIONS = 20


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("crn")
    path = kj_pooling(folder, replications=REPLICATIONS, seed=SEED)
    run_batch(load_plan(path), folder / "out", chunk_size=7)
    _, summary, _ = load_results(folder / "out")
    return path, summary


def test_every_variant_gets_the_same_draw_of_replication_r(
    results: tuple[Path, pd.DataFrame],
) -> None:
    _, summary = results
    korea = summary[summary["country"] == "KOR"]
    draws = korea.pivot(index="replication", columns="variant", values=f"u.{DURATION}")
    assert (draws["pooled"] == draws["national"]).all()
    assert (draws["both"] == draws["national"]).all()
    expected = [
        Streams(SEED, r).generator(Stream.UNCERTAINTIES, DURATION).triangular(60, 120, 240)
        for r in range(REPLICATIONS)
    ]
    assert draws["national"].tolist() == expected


def test_paired_differences_vary_far_less_than_unpaired(
    results: tuple[Path, pd.DataFrame],
) -> None:
    _, summary = results
    korea = summary[summary["country"] == "KOR"].pivot(
        index="replication", columns="variant", values="shortfall"
    )
    paired = float(np.var(korea["national"] - korea["pooled"], ddof=1))
    unpaired = float(np.var(korea["national"], ddof=1) + np.var(korea["pooled"], ddof=1))
    assert unpaired > 0
    assert paired < 0.25 * unpaired


def test_a_row_is_what_simulate_gives_for_that_replication_and_draw(
    results: tuple[Path, pd.DataFrame],
) -> None:
    path, summary = results
    plan = load_plan(path)
    variant = plan.variant("pooled")
    r = 3
    draw = Streams(SEED, r).generator(Stream.UNCERTAINTIES, DURATION).triangular(60, 120, 240)
    scenario = Scenario.model_validate(set_path(variant.data, DURATION, draw))
    expected = metrics_table(simulate(scenario, r, seed=SEED), scenario)
    rows = summary[(summary["variant"] == "pooled") & (summary["replication"] == r)]
    assert list(rows["country"]) == [row["country"] for row in expected]
    for (_, got), want in zip(rows.iterrows(), expected, strict=True):
        for metric in METRICS:
            value = want[metric]
            if value is None:
                assert np.isnan(got[metric])
            else:
                assert got[metric] == value
