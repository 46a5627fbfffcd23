"""Verdicts: a feature's history against the model's band over replications, under a tolerance.

A numeric feature is a **hit** when history lies inside the model's 90% band
(5th–95th percentile over replications) widened by the tolerance.  A month
that may not exist (a recovery, a shortage) follows the majority of runs: when
both history and most runs say "none" it is a hit; when both have a month it
must pass as a numeric feature would, in months after the control month.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.model.calendar import Month

__all__ = ["BAND", "Feature", "Status", "month_feature", "month_span", "numeric_feature"]

BAND = (5.0, 50.0, 95.0)
"""Percentiles of the model's band and median over replications."""


class Status(enum.StrEnum):
    HIT = "hit"
    MISS = "miss"
    NOT_MODELLED = "not modelled"


@dataclass(frozen=True)
class Feature:
    """One feature: history's value, the model's median and 90% band, and the verdict.

    Month-valued features are counted in months after the control month.
    """

    name: str
    kind: str
    history: float | None
    history_text: str
    median: float | None
    low: float | None
    high: float | None
    model_text: str
    status: Status


def month_span(start: Month, end: Month) -> str:
    return str(start) if start == end else f"{start}…{end}"


def numeric_feature(
    name: str, kind: str, observed: float, model: Sequence[float], tol: float
) -> Feature:
    low, median, high = (float(v) for v in np.percentile(model, BAND))
    hit = low - tol <= observed <= high + tol
    return Feature(
        name,
        kind,
        observed,
        f"{observed:.2f}",
        median,
        low,
        high,
        f"{median:.2f} [{low:.2f}, {high:.2f}]",
        Status.HIT if hit else Status.MISS,
    )


def month_feature(
    name: str,
    kind: str,
    observed: Month | None,
    model: Sequence[Month | None],
    control: Month,
    tol: int,
) -> Feature:
    """A month that may not exist (no recovery, no shortage): the majority of runs decides."""
    found = [m - control for m in model if m is not None]
    share = len(found) / len(model)
    history = None if observed is None else float(observed - control)
    history_text = "none" if observed is None else str(observed)
    if 2 * len(found) <= len(model):
        text = f"none ({share:.0%} of runs)"
        status = Status.HIT if observed is None else Status.MISS
        return Feature(name, kind, history, history_text, None, None, None, text, status)
    low, median, high = (float(v) for v in np.percentile(found, BAND))
    first, last = control + int(np.floor(low)), control + int(np.ceil(high))
    text = f"{control + round(median)} [{first}, {last}] ({share:.0%} of runs)"
    hit = history is not None and low - tol <= history <= high + tol
    return Feature(
        name,
        kind,
        history,
        history_text,
        median,
        low,
        high,
        text,
        Status.HIT if hit else Status.MISS,
    )
