"""Scores of several backtests: in sample, and leaving each episode out of the calibration.

A structural parameter fitted to history is recorded in
``simulator/data/history/calibration.csv`` with the episodes it was fitted
on.  An episode's **in-sample** score is its share of features reproduced
with the calibration in force.  Its **leave-one-episode-out** score is the
same share with every parameter refitted on the *other* episodes only, so it
says how the model does on an episode it has not seen.  When no parameter was
fitted on an episode, the model it runs is the same either way and the two
scores coincide (said in the note).  No parameter is fitted to history (the
market's one calibrated figure is fitted on USGS OFR 2024-1057, not on an
episode: ``SOURCES.md``), so an episode that a parameter was fitted on would
have no leave-one-out score until a fitting procedure is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.analysis.backtest import BacktestResult, Status
from simulator.io.history import FittedParameter

__all__ = ["EpisodeScore", "episode_scores"]


@dataclass(frozen=True)
class EpisodeScore:
    """One replay's counts and scores; ``leave_one_out`` is ``None`` when it cannot be computed."""

    replay: str
    episode: str
    features: int
    hits: int
    misses: int
    not_modelled: int
    in_sample: float
    leave_one_out: float | None
    note: str


def episode_scores(
    results: Sequence[BacktestResult], calibration: Sequence[FittedParameter]
) -> list[EpisodeScore]:
    """In-sample and leave-one-episode-out scores of each result."""
    scores = []
    for result in results:
        fitted_here = [p.parameter for p in calibration if result.episode in p.fitted_on]
        if fitted_here:
            loo: float | None = None
            note = (
                f"fitted on this episode: {', '.join(fitted_here)}; leaving it out needs a refit"
                " without it, and no fitting procedure is built"
            )
        elif calibration:
            loo = result.score
            note = "no parameter was fitted on this episode: out of sample already"
        else:
            loo = result.score
            note = "nothing is fitted to history: in-sample and leave-one-out coincide"
        scores.append(
            EpisodeScore(
                replay=result.replay,
                episode=result.episode,
                features=len(result.features),
                hits=result.count(Status.HIT),
                misses=result.count(Status.MISS),
                not_modelled=result.count(Status.NOT_MODELLED),
                in_sample=result.score,
                leave_one_out=loo,
                note=note,
            )
        )
    return scores
