"""Where policies fail: scenario discovery, sensitivity and robustness over a batch's futures.

Every replication of a batch is a *future*: the values of the uncertain inputs
(the ``u.*`` columns: the dataset's sampled figures and the experiment's
uncertainties) and its random draws, the same for every variant.  For a
variant ``v``, its baseline ``b``, a metric, a country and a commodity:

- a future is a **case** when ``v`` does worse than ``b`` in it (paired:
  ``x_r(v)`` against ``x_r(b)``, by the metric's direction) or, with a
  target such as ``KOR.fill_rate>=0.99``, when ``v`` misses the target;
- :func:`~simulator.analysis.prim.prim` finds the box of inputs where the
  cases gather, told in plain words: "pooled is worse than national for JPN
  (gallium shortfall) when JPN.inventory_days < 45 and duration_days > 200:
  81% of such futures, covering 70% of all 23 losing futures";
- :func:`~simulator.analysis.sensitivity.pawn_ranking` ranks the inputs by
  their influence on the paired difference ``x_r(v) - x_r(b)``;
- :func:`~simulator.analysis.robustness.robustness_table` gives, per variant,
  the share of futures meeting the target, and maximum and 90th-percentile
  regret against the best variant of each future.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.analysis.paired import METRIC_DIRECTIONS, Direction
from simulator.analysis.prim import Box, PrimResult, prim
from simulator.analysis.results import ResultsFolder, open_results
from simulator.analysis.robustness import robustness_table
from simulator.analysis.sensitivity import pawn_ranking
from simulator.analysis.survival import EVENT_METRICS
from simulator.analysis.sweep import SelectionError, Target, json_records, parse_target
from simulator.experiments.points import short_labels

__all__ = ["Discovery", "Exploration", "describe_box", "discover", "explore_results"]

INPUT_PREFIX = "u."
DATA_PREFIX = "data."

MIN_CASES = 5
"""Fewer cases than this are counted, not boxed: a box around one or two
futures describes those futures, not a region of the inputs."""


@dataclass(frozen=True)
class Discovery:
    """The futures in which one variant loses (or misses a target), and why.

    ``cases`` and ``n`` count losing futures and all futures; ``box`` is PRIM's
    chosen box (None with fewer than :data:`MIN_CASES` cases); ``clause`` says
    where the cases lie (``when … (x% of such futures, …)``) and ``text`` is
    the whole sentence.
    """

    variant: str
    baseline: str
    metric: str
    country: str
    commodity: str
    target: str | None
    n: int
    cases: int
    box: Box | None
    clause: str
    text: str
    labels: dict[str, str] = field(default_factory=dict)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    prim: PrimResult | None = None

    def to_dict(self) -> dict[str, Any]:
        box = None
        if self.box is not None:
            box = {
                "limits": [
                    {
                        "input": self.labels.get(lim.name, lim.name),
                        "column": lim.name,
                        "low": lim.low,
                        "high": lim.high,
                    }
                    for lim in self.box.limits
                ],
                "coverage": self.box.coverage,
                "density": self.box.density,
                "mass": self.box.mass,
                "futures": self.box.n_points,
            }
        return {
            "variant": self.variant,
            "baseline": self.baseline,
            "metric": self.metric,
            "country": self.country,
            "commodity": self.commodity,
            "target": self.target,
            "futures": self.n,
            "cases": self.cases,
            "box": box,
            "text": self.text,
            "sensitivity": json_records(self.sensitivity),
        }


@dataclass(frozen=True)
class Exploration:
    """Discoveries per variant × country × commodity, and robustness per country × commodity."""

    experiment: str
    metric: str
    target: str | None
    discoveries: tuple[Discovery, ...]
    robustness: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment": self.experiment,
            "metric": self.metric,
            "target": self.target,
            "discoveries": [d.to_dict() for d in self.discoveries],
            "robustness": json_records(self.robustness),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)


def input_columns(summary: pd.DataFrame) -> list[str]:
    """The ``u.*`` columns that vary across futures."""
    return [
        c
        for c in summary.columns
        if c.startswith(INPUT_PREFIX) and summary[c].nunique(dropna=True) > 1
    ]


def input_labels(columns: Sequence[str]) -> dict[str, str]:
    """Short names of input columns.

    A dataset figure keeps its row and field (``u.data.gallium.JPN.inventory_days``
    becomes ``JPN.inventory_days``, or ``gallium.JPN.inventory_days`` when
    several commodities are sampled); an experiment uncertainty becomes the
    shortest dotted tail that tells it apart (``duration_days``).
    """
    paths = {c: c.removeprefix(INPUT_PREFIX) for c in columns}
    data = {c: p.removeprefix(DATA_PREFIX) for c, p in paths.items() if p.startswith(DATA_PREFIX)}
    single = len({p.split(".", 1)[0] for p in data.values()}) == 1
    labels = {c: p.split(".", 1)[1] if single else p for c, p in data.items()}
    others = [c for c in columns if c not in data]
    short = short_labels([paths[c] for c in others])
    labels.update({c: short[paths[c]] for c in others})
    return {c: labels[c] for c in columns}


def _number(value: float) -> str:
    return format(value, ".3g") if abs(value) < 1e6 else format(value, ".3e")


def _clause(box: Box | None, labels: dict[str, str], k: int, n: int, verb: str) -> str:
    """Where the ``k`` cases of ``n`` futures lie: ``when … (x% of such futures, …)``."""
    if k == 0:
        return f"in none of the {n} futures"
    if k < MIN_CASES:
        return f"in {k} of {n} futures (too few to say where)"
    if box is None or not box.limits:
        spread = "nearly everywhere" if k >= 0.9 * n else "with no box of the uncertain inputs"
        return f"in {k} of {n} futures ({k / n:.0%}), {spread}" + (
            "" if k >= 0.9 * n else " that concentrates them"
        )
    return (
        f"when {describe_box(box, labels)} ({box.density:.0%} of such futures,"
        f" {box.coverage:.0%} of the {k} of {n} where it {verb})"
    )


def describe_box(box: Box, labels: dict[str, str]) -> str:
    """The box's limits in words: ``JPN.inventory_days < 45.2 and duration_days > 200``."""
    parts = []
    for lim in box.limits:
        name = labels.get(lim.name, lim.name)
        if lim.low is not None and lim.high is not None:
            parts.append(f"{name} is between {_number(lim.low)} and {_number(lim.high)}")
        elif lim.high is not None:
            parts.append(f"{name} < {_number(lim.high)}")
        elif lim.low is not None:
            parts.append(f"{name} > {_number(lim.low)}")
    return " and ".join(parts)


def _paired(part: pd.DataFrame, metric: str, variant: str, baseline: str) -> pd.DataFrame:
    """Per replication: the variant's and the baseline's outcome and the inputs."""
    inputs = input_columns(part)
    mine = part[part["variant"] == variant].set_index("replication")
    base = part[part["variant"] == baseline].set_index("replication")
    joined = pd.DataFrame({"x": mine[metric], "x_base": base[metric]})
    if metric in EVENT_METRICS:  # a null time is censored, not missing: keep the future
        joined = joined.loc[mine.index.intersection(base.index)]
    else:
        joined = joined.dropna()
    return joined.join(mine[inputs])


def discover(
    part: pd.DataFrame,
    variant: str,
    baseline: str,
    metric: str,
    *,
    target: Target | None = None,
    seed: int = 0,
    alpha: float = 0.05,
    min_coverage: float = 0.5,
    sensitivity: bool = True,
) -> Discovery:
    """Scenario discovery for ``variant`` on one country × commodity's rows of a summary table.

    With ``sensitivity=False`` the PAWN ranking is left out (an empty
    ``Discovery.sensitivity``): the box and its sentence do not use it, and
    PAWN imports :mod:`scipy.stats` (about a second).
    """
    country, commodity = str(part["country"].iloc[0]), str(part["commodity"].iloc[0])
    direction = METRIC_DIRECTIONS.get(metric, Direction.NONE)
    paired = _paired(part, metric, variant, baseline)
    inputs = [c for c in paired.columns if c.startswith(INPUT_PREFIX)]
    labels = input_labels(inputs)
    diff = (paired["x"] - paired["x_base"]).to_numpy(dtype=float)
    if metric in EVENT_METRICS and target is None:
        raise SelectionError(
            f"{metric} is censored (null when the event does not happen within the horizon),"
            " so it has no paired difference; give a --target such as KOR.tts_days>=90"
        )
    scale = 1e-9 * max(1.0, float(np.nanmax(np.abs(paired["x_base"]))) if len(paired) else 1.0)
    if target is not None:
        cases = ~target.met(paired["x"].to_numpy(float))
        what = f"{variant} misses {target.metric} {target.op} {_number(target.threshold)}"
    elif direction is Direction.NONE:
        raise SelectionError(f"metric {metric!r} has no better direction; give a --target")
    else:
        sign = 1.0 if direction is Direction.LOWER else -1.0
        cases = sign * diff > scale
        what = f"{variant} is worse than {baseline}"
    cases = np.asarray(cases, dtype=bool)
    where = f"for {country} ({commodity} {metric})"
    n, k = len(paired), int(cases.sum())
    ranking = pd.DataFrame()
    if inputs and sensitivity:
        outcome = cases.astype(float) if metric in EVENT_METRICS else diff
        ranking = pawn_ranking(paired[inputs], outcome, seed=seed)
        ranking["input"] = [labels.get(str(c), str(c)) for c in ranking["input"]]
    result = (
        prim(paired[inputs].to_numpy(float), cases, inputs, alpha=alpha, min_coverage=min_coverage)
        if inputs and k >= MIN_CASES
        else None
    )
    box = result.chosen if result is not None else None
    clause = _clause(box, labels, k, n, "misses" if target is not None else "loses")
    text = f"{what} {where} {clause}"
    return Discovery(
        variant,
        baseline,
        metric,
        country,
        commodity,
        None if target is None else target.text,
        n,
        k,
        box,
        clause,
        text,
        labels,
        ranking,
        result,
    )


def explore_results(
    results: str | Path | ResultsFolder,
    *,
    variants: Sequence[str] | None = None,
    baseline: str | None = None,
    metric: str = "shortfall",
    countries: Sequence[str] | None = None,
    commodities: Sequence[str] | None = None,
    target: str | Target | None = None,
    alpha: float = 0.05,
    min_coverage: float = 0.5,
) -> Exploration:
    """Scenario discovery, sensitivity and robustness for the variants of a results folder.

    Parameters
    ----------
    results
        A results folder or an opened :class:`ResultsFolder`.
    variants
        The variants to explore (default: every variant but the baseline).
    baseline
        The variant each is compared with (default: each one's own baseline).
    metric
        The outcome (default ``shortfall``).
    countries, commodities
        Default: the focus countries of :func:`simulator.analysis.verdict.focus_countries`
        and every commodity.  A ``target`` fixes its own country and commodity.
    target
        ``COUNTRY[.COMMODITY].METRIC OP VALUE``: a case is a future where the
        variant misses it, and robustness counts the futures meeting it.
    """
    from simulator.analysis.verdict import focus_countries

    folder = results if isinstance(results, ResultsFolder) else open_results(results)
    summary = folder.summary
    parsed = parse_target(target) if isinstance(target, str) else target
    if parsed is not None:
        metric = parsed.metric
        countries = [parsed.country]
        commodities = [parsed.commodity] if parsed.commodity else commodities
    known = folder.variants
    for name in [*(variants or ()), *([baseline] if baseline else [])]:
        if name not in known:
            raise SelectionError(f"unknown variant {name!r}; expected one of {', '.join(known)}")
    if metric not in summary.columns:
        raise SelectionError(f"unknown metric {metric!r}")
    chosen_countries = list(countries) if countries else focus_countries(folder)
    for name in chosen_countries:
        if name not in set(summary["country"]):
            raise SelectionError(f"unknown country {name!r}")
    chosen_commodities = list(commodities) if commodities else list(pd.unique(summary["commodity"]))
    for name in chosen_commodities:
        if name not in set(summary["commodity"]):
            raise SelectionError(f"unknown commodity {name!r}")
    discoveries: list[Discovery] = []
    robustness: list[pd.DataFrame] = []
    direction = METRIC_DIRECTIONS.get(metric, Direction.NONE)
    for country in chosen_countries:
        for commodity in chosen_commodities:
            part = summary[(summary["country"] == country) & (summary["commodity"] == commodity)]
            if part.empty:
                continue
            for variant in variants or known:
                base = baseline or folder.baseline_of(variant)
                if variant == base:
                    continue
                discoveries.append(
                    discover(
                        part,
                        variant,
                        base,
                        metric,
                        target=parsed,
                        seed=folder.seed,
                        alpha=alpha,
                        min_coverage=min_coverage,
                    )
                )
            if direction is not Direction.NONE and metric not in EVENT_METRICS:
                wide = part.pivot_table(
                    index="replication", columns="variant", values=metric, aggfunc="first"
                )[[v for v in known if v in set(part["variant"])]]
                table = robustness_table(wide, direction, parsed.met if parsed else None)
                table.insert(1, "country", country)
                table.insert(2, "commodity", commodity)
                robustness.append(table)
    frame = pd.concat(robustness, ignore_index=True) if robustness else pd.DataFrame()
    return Exploration(
        folder.name, metric, None if parsed is None else parsed.text, tuple(discoveries), frame
    )
