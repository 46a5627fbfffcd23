"""The rows of a paired comparison: per variant × metric × country × commodity.

:func:`~simulator.analysis.compare.compare_results` selects the data and
assembles the :class:`~simulator.analysis.compare.ComparisonReport`; this
module computes its rows (formulas in :mod:`simulator.analysis.compare` and
:mod:`simulator.analysis.paired`): the paired statistics of each metric,
TTS and TTR as censored event times (TTR over the replications with a
shortfall), the probability of being best, and the notes.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from simulator.analysis.paired import (
    LOSS_METRICS,
    METRIC_DIRECTIONS,
    Direction,
    bootstrap_interval,
    cvar,
    outcome_shares,
    p_better,
    paired_t_interval,
    probability_best,
)
from simulator.analysis.results import ResultsError, ResultsFolder
from simulator.analysis.survival import EVENT_METRICS, censored_p_better, kaplan_meier

__all__ = [
    "COMPARISON_COLUMNS",
    "EVENT_COLUMNS",
    "KEY",
    "P_BEST_COLUMNS",
    "STATISTICS_COLUMNS",
    "SURVIVAL_COLUMNS",
    "Setup",
    "Tables",
    "comparison_notes",
    "comparison_rng",
    "event_rows",
    "family_sizes",
    "had_shortfall",
    "metric_rows",
    "wide_tables",
]

FloatArray = npt.NDArray[np.float64]


def comparison_rng(seed: int, *key: object) -> np.random.Generator:
    """A generator for one comparison, independent of which others are computed."""
    label = "|".join(str(k) for k in key).encode("utf-8")
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(label),)))


def values_of(frame: pd.DataFrame, column: str) -> FloatArray:
    return frame[column].to_numpy(dtype=np.float64, na_value=np.nan)


def describe(x: FloatArray, metric: str) -> dict[str, Any]:
    x = x[~np.isnan(x)]
    if x.size == 0:
        return {"n": 0, "mean": None, "median": None, "p05": None, "p95": None, "cvar95": None}
    return {
        "n": int(x.size),
        "mean": float(x.mean()),
        "median": float(np.median(x)),
        "p05": float(np.quantile(x, 0.05)),
        "p95": float(np.quantile(x, 0.95)),
        "cvar95": cvar(x) if metric in LOSS_METRICS else None,
    }


@dataclass
class Tables:
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    statistics: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    survival: list[dict[str, Any]] = field(default_factory=list)
    p_best: list[dict[str, Any]] = field(default_factory=list)


def family_sizes(baselines: dict[str, str]) -> dict[str, int]:
    """Per baseline, how many other variants are compared with it."""
    sizes: dict[str, int] = {}
    for variant, base in baselines.items():
        if variant != base:
            sizes[base] = sizes.get(base, 0) + 1
    return sizes


@dataclass(frozen=True)
class Setup:
    results: ResultsFolder
    baselines: dict[str, str]
    confidence: float
    n_resamples: int

    def adjusted(self, baseline: str) -> float:
        """Bonferroni level ``1 - α/m`` of the ``m`` comparisons with ``baseline``."""
        m = family_sizes(self.baselines).get(baseline, 1)
        return 1 - (1 - self.confidence) / max(1, m)


KEY = ("metric", "country", "commodity", "group")
COMPARISON_COLUMNS = (
    "variant",
    "baseline",
    *KEY,
    "direction",
    "n",
    "mean",
    "baseline_mean",
    "mean_diff",
    "ci_low",
    "ci_high",
    "ci_low_bootstrap",
    "ci_high_bootstrap",
    "adjusted_ci_low",
    "adjusted_ci_high",
    "p_better",
    "share_better",
    "share_equal",
    "share_worse",
    "cvar95",
    "baseline_cvar95",
)
STATISTICS_COLUMNS = ("variant", *KEY, "n", "mean", "median", "p05", "p95", "cvar95")
EVENT_COLUMNS = (
    "variant",
    "baseline",
    *KEY,
    "event",
    "n",
    "n_events",
    "share_with_event",
    "median_days",
    "censor_day",
    "p_better",
)
SURVIVAL_COLUMNS = ("variant", *KEY, "day", "survival", "at_risk", "events")
P_BEST_COLUMNS = ("variant", *KEY, "n", "p_best")


def wide_tables(
    part: pd.DataFrame, metrics: Sequence[str], variants: Sequence[str]
) -> dict[str, pd.DataFrame]:
    """Per metric, a replications × variants table."""
    duplicated = part.duplicated(["variant", "replication"])
    if duplicated.any():
        row = part[duplicated].iloc[0]
        raise ResultsError(
            f"duplicate summary rows for variant {row['variant']!r}, replication"
            f" {row['replication']}, {row['country']} × {row['commodity']}"
        )
    indexed = part.set_index(["replication", "variant"])
    out: dict[str, pd.DataFrame] = {}
    for metric in metrics:
        wide = indexed[metric].astype("float64").unstack("variant")
        present = [v for v in variants if v in wide.columns]
        out[metric] = wide.reindex(columns=present).sort_index()
    return out


def had_shortfall(
    part: pd.DataFrame,
    metrics: Sequence[str],
    variants: Sequence[str],
    wide_by_metric: dict[str, pd.DataFrame],
) -> pd.DataFrame | None:
    """Replications × variants: whether there was a shortfall (TTS observed), for TTR."""
    if "ttr_days" not in metrics or "tts_days" not in part.columns:
        return None
    tts = wide_by_metric.get("tts_days")
    if tts is None:
        tts = wide_tables(part, ["tts_days"], variants)["tts_days"]
    return tts.notna()


def comparison_notes(setup: Setup, metrics: Sequence[str], frame: pd.DataFrame) -> list[str]:
    notes: list[str] = []
    sizes = family_sizes(setup.baselines)
    if not sizes:
        notes.append("only one variant: nothing to compare with a baseline")
    for base, m in sizes.items():
        if m > 1:
            notes.append(
                f"adjusted intervals: Bonferroni over the {m} comparisons with {base} of each"
                f" metric, country and commodity (paired t at level {setup.adjusted(base):.4g}"
                " each)"
            )
    events = [x for x in metrics if x in EVENT_METRICS]
    if events:
        notes.append(
            f"{' and '.join(events)} {'are' if len(events) > 1 else 'is'} not averaged: null"
            " means no shortfall (TTS) or no recovery (TTR) within the horizon; see the event"
            " table and survival curves"
        )
    if "seed" in frame.columns:
        seeds = frame.drop_duplicates(["variant", "replication"]).pivot(
            index="replication", columns="variant", values="seed"
        )
        for variant, base in setup.baselines.items():
            if variant == base or not {variant, base} <= set(seeds.columns):
                continue
            differ = int(seeds[variant].ne(seeds[base]).sum())
            if differ:
                notes.append(
                    f"seeds of {variant} differ from those of {base} on {differ} replications:"
                    " those pairs do not share common random numbers"
                )
    return notes


def metric_rows(
    setup: Setup,
    tables: Tables,
    metric: str,
    key: dict[str, Any],
    wide: pd.DataFrame,
) -> None:
    direction = METRIC_DIRECTIONS.get(metric, Direction.NONE)
    # One array for the table: pandas' selections cost more than the statistics.
    matrix = wide.to_numpy(dtype=np.float64, na_value=np.nan)
    column = {variant: j for j, variant in enumerate(wide.columns)}
    for variant, j in column.items():
        described = describe(matrix[:, j], metric)
        tables.statistics.append({"variant": variant, "metric": metric, **key, **described})
    for variant, j in column.items():
        base = setup.baselines[variant]
        if variant == base or base not in column:
            continue
        both = matrix[:, [j, column[base]]]
        both = both[~np.isnan(both).any(axis=1)]  # the replications with both values
        v, b = np.ascontiguousarray(both[:, 0]), np.ascontiguousarray(both[:, 1])
        diff = v - b
        rng = comparison_rng(
            setup.results.seed, "bootstrap", variant, metric, key["country"], key["commodity"]
        )
        low, high = paired_t_interval(diff, setup.confidence)
        boot_low, boot_high = (
            bootstrap_interval(diff, setup.confidence, rng=rng, n_resamples=setup.n_resamples)
            if setup.n_resamples
            else (math.nan, math.nan)
        )
        adj_low, adj_high = paired_t_interval(diff, setup.adjusted(base))
        loss = metric in LOSS_METRICS
        outcomes = outcome_shares(diff, direction) or (None, None, None)
        tables.comparisons.append(
            {
                "variant": variant,
                "baseline": base,
                "metric": metric,
                **key,
                "direction": direction.value,
                "n": int(diff.size),
                "mean": float(v.mean()) if v.size else None,
                "baseline_mean": float(b.mean()) if b.size else None,
                "mean_diff": float(diff.mean()) if diff.size else None,
                "ci_low": low,
                "ci_high": high,
                "ci_low_bootstrap": boot_low,
                "ci_high_bootstrap": boot_high,
                "adjusted_ci_low": adj_low,
                "adjusted_ci_high": adj_high,
                "p_better": p_better(diff, direction),
                "share_better": outcomes[0],
                "share_equal": outcomes[1],
                "share_worse": outcomes[2],
                "cvar95": cvar(v) if loss else None,
                "baseline_cvar95": cvar(b) if loss else None,
            }
        )
    if direction is Direction.NONE or wide.shape[1] < 2 or not setup.n_resamples:
        return
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    shares = probability_best(
        complete,
        direction,
        rng=comparison_rng(setup.results.seed, "p_best", metric, key["country"], key["commodity"]),
        n_resamples=setup.n_resamples,
    )
    for variant, share in zip(wide.columns, shares, strict=True):
        tables.p_best.append(
            {
                "variant": variant,
                "metric": metric,
                **key,
                "n": len(complete),
                "p_best": float(share),
            }
        )


def _condition(
    condition: pd.DataFrame | None, variant: str, index: pd.Index
) -> npt.NDArray[np.bool_]:
    if condition is None or variant not in condition.columns:
        return np.ones(len(index), dtype=bool)
    return condition[variant].reindex(index, fill_value=False).to_numpy(dtype=bool)


def event_rows(
    setup: Setup,
    tables: Tables,
    metric: str,
    key: dict[str, Any],
    wide: pd.DataFrame,
    condition: pd.DataFrame | None = None,
) -> None:
    """TTS or TTR rows; TTR only over the replications with a shortfall (``condition``).

    Without a shortfall there is nothing to recover from: such replications
    are left out of TTR (a variant with none has an empty TTR row), rather than
    counted as recovered on day 0.
    """
    later_is_better = METRIC_DIRECTIONS[metric] is Direction.HIGHER
    for variant in wide.columns:
        base = setup.baselines[variant]
        censor = setup.results.days_after_shock(variant, key["commodity"])
        kept = _condition(condition, variant, wide.index)
        times = values_of(wide, variant)[kept]
        curve = kaplan_meier(times, censor_day=censor)
        better = None
        if variant != base and base in wide.columns:
            both = kept & _condition(condition, base, wide.index)
            better = censored_p_better(
                values_of(wide, variant)[both], values_of(wide, base)[both], later_is_better
            )
            if not both.any():
                better = None
        tables.events.append(
            {
                "variant": variant,
                "baseline": base,
                "metric": metric,
                **key,
                "event": EVENT_METRICS[metric],
                "n": curve.n,
                "n_events": curve.n_events,
                "share_with_event": curve.share_with_event if curve.n else None,
                "median_days": curve.median_days if curve.n else None,
                "censor_day": censor,
                "p_better": better,
            }
        )
        for day, s, at_risk, events in zip(
            curve.days, curve.survival, curve.at_risk, curve.events, strict=True
        ):
            tables.survival.append(
                {
                    "variant": variant,
                    "metric": metric,
                    **key,
                    "day": float(day),
                    "survival": float(s),
                    "at_risk": int(at_risk),
                    "events": int(events),
                }
            )
