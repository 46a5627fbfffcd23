"""Paired comparisons of policy variants from a results folder of ``supplyshock batch``.

Every variant of an experiment is simulated on the same replications with the
same random draws (common random numbers), so a variant ``v`` and its baseline
``b`` are compared **replication by replication**: for a metric ``X`` and one
country (or coalition) × commodity, the paired differences are
``D_r = X_r(v) - X_r(b)``, ``r = 1 … n``, and (formulas in
:mod:`simulator.analysis.paired`)

- ``mean_diff = D̄ = (1/n) Σ_r D_r``;
- the paired-t interval ``D̄ ± t_{n-1, 1-α/2} · s_D / √n``;
- the BCa bootstrap interval of the mean of ``D`` (that of
  ``scipy.stats.bootstrap``, computed in NumPy by
  :mod:`simulator.analysis.bootstrap`; resampling replications, seeded from
  the experiment's root seed through a ``SeedSequence`` keyed by the
  comparison, so a number does not depend on which other comparisons were
  asked for);
- the Bonferroni-adjusted paired-t interval at level ``1 - α/m``, where ``m``
  is the number of variants compared with the same baseline (the family: the
  ``m`` comparisons of one metric, country and commodity), so that all ``m``
  intervals hold together with probability at least ``1 - α``;
- ``share_better``, ``share_equal``, ``share_worse``: the shares of
  replications on which ``v`` does better, the same, worse (ties reported);
- ``p_better = (1/n) Σ_r [1{v better on r} + ½·1{tie on r}]`` with "better"
  per metric: higher for ``fill_rate``, ``min_coverage_days`` and
  ``tts_days``; lower for the losses, ``ttr_days`` and costs; none for policy
  activity (``released``, transfers, loans, pool level);
- for the loss metrics (``shortfall``, ``economic_loss_usd``, ``lost_days``)
  the CVaR at 95 %: the mean of the worst 5 % of replications;
- ``p_best``: the probability that a variant has the best mean, estimated by
  resampling replication indices (the same indices for every variant, which
  keeps the pairing) and counting wins, ties shared.

Each variant's baseline is, unless one is named, the one the manifest gives
it: in a sweep crossed with named variants, the baseline variant at the same
sweep point.

Missing values
--------------
``tts_days`` is null when a country has no shortfall within the horizon and
``ttr_days`` is null when it has not recovered by the horizon.  They are never
averaged — neither dropped (which keeps only the bad replications of TTS) nor
replaced by the horizon (which invents a value).  Their mean-difference rows
are left out of the comparison tables, with a note, and they are summarised in
:mod:`simulator.analysis.survival` instead: survival curves, the share of
replications with the event, the median when defined, and a paired
``p_better`` that ranks a missing time after every observed day.  TTR is
taken over the replications with a shortfall only (TTS observed): without a
shortfall there is nothing to recover from, so such a replication is neither
"recovered on day 0" nor "not recovered", and a variant without any shortfall
has an empty TTR row.  Other
metrics are missing only when undefined (a country without demand); such
replications are left out of that pair and ``n`` says how many remained.

Sweeps and targets
------------------
For a sweep the report adds :func:`simulator.analysis.sweep.sweep_table`, and
targets such as ``KOR.fill_rate>=0.99@0.95`` are evaluated by
:func:`simulator.analysis.sweep.evaluate_target` (see that module).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from simulator.analysis.comparison_report import ComparisonReport
from simulator.analysis.comparison_rows import (
    COMPARISON_COLUMNS,
    EVENT_COLUMNS,
    P_BEST_COLUMNS,
    STATISTICS_COLUMNS,
    SURVIVAL_COLUMNS,
    Setup,
    Tables,
    comparison_notes,
    event_rows,
    had_shortfall,
    metric_rows,
    wide_tables,
)
from simulator.analysis.headline import default_focus
from simulator.analysis.metrics import METRICS
from simulator.analysis.paired import (
    LOSS_METRICS,
    METRIC_DIRECTIONS,
    Direction,
    bootstrap_interval,
    cvar,
    p_better,
    paired_t_interval,
    probability_best,
)
from simulator.analysis.results import (
    ResultsError,
    ResultsFolder,
    open_results,
    shock_effective_day,
)
from simulator.analysis.survival import EVENT_METRICS
from simulator.analysis.sweep import (
    SelectionError,
    Target,
    choices_text,
    evaluate_target,
    parse_target,
    sweep_table,
)
from simulator.model.limits import MAX_BOOTSTRAP_RESAMPLES

__all__ = [
    "DEFAULT_METRICS",
    "LOSS_METRICS",
    "METRIC_DIRECTIONS",
    "ComparisonReport",
    "Direction",
    "ResultsError",
    "ResultsFolder",
    "SelectionError",
    "bootstrap_interval",
    "compare_results",
    "cvar",
    "open_results",
    "p_better",
    "paired_t_interval",
    "probability_best",
    "shock_effective_day",
]

DEFAULT_METRICS: tuple[str, ...] = (
    "fill_rate",
    "shortfall",
    "lost_days",
    "economic_loss_usd",
    "shortage_days",
    "peak_shortfall_rate",
    "min_coverage_days",
    "stockpile_cost_usd",
    "price_cost_usd",
    "peak_price_ratio",
    "tts_days",
    "ttr_days",
)
"""Metrics compared when none are named."""


def _check_selection(kind: str, asked: Sequence[str] | None, known: Sequence[str]) -> None:
    for name in asked or ():
        if name not in known:
            raise SelectionError(f"unknown {kind} {name!r}; expected one of {choices_text(known)}")


def compare_results(
    results: str | Path | ResultsFolder,
    baseline: str | None = None,
    metrics: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    *,
    commodities: Sequence[str] | None = None,
    targets: Sequence[str | Target] = (),
    confidence: float = 0.95,
    n_resamples: int = 2000,
    bootstrap: bool = True,
) -> ComparisonReport:
    """Compare every variant with the baseline, paired on replication.

    Parameters
    ----------
    results
        A results folder (path) or an opened :class:`ResultsFolder`.
    baseline
        The variant every other is compared with.  Default: each variant's own
        baseline from the manifest (in a sweep crossed with variants, the
        baseline variant at the same sweep point), else the manifest's
        ``baseline``, else the first variant.
    metrics
        Metric columns to compare (default :data:`DEFAULT_METRICS`).
    countries, commodities
        Restrict to these countries or coalition names / commodities (default all).
    targets
        Targets such as ``"KOR.fill_rate>=0.99@0.95"`` (see :func:`parse_target`).
    confidence
        Level ``1 - α`` of every interval.
    n_resamples
        Bootstrap resamples for the BCa intervals and for ``p_best``.
    bootstrap
        False skips the BCa intervals (NaN) and ``p_best`` (empty): the
        headline needs neither, and they are most of the time taken.

    Returns
    -------
    ComparisonReport
        The tables described in the module docstring.

    Raises
    ------
    ValueError
        ``confidence`` outside (0, 1) or ``n_resamples`` outside 1 … 1,000,000.
    ResultsError
        The folder is not a readable results folder.
    SelectionError
        An unknown baseline, metric, country or commodity.
    TargetSyntaxError
        A target that does not parse.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence: expected a level in (0, 1), got {confidence!r}")
    if not 1 <= n_resamples <= MAX_BOOTSTRAP_RESAMPLES:
        raise ValueError(
            f"n_resamples: expected an integer from 1 to {MAX_BOOTSTRAP_RESAMPLES},"
            f" got {n_resamples!r}"
        )
    folder = results if isinstance(results, ResultsFolder) else open_results(results)
    parsed = [t if isinstance(t, Target) else parse_target(t) for t in targets]
    summary = folder.summary
    variants = folder.variants
    if baseline is not None:
        _check_selection("baseline variant", [baseline], variants)
    baselines = {v: baseline or folder.baseline_of(v) for v in variants}
    base = baseline or str(folder.manifest.get("baseline") or variants[0])
    chosen = tuple(metrics) if metrics else tuple(m for m in DEFAULT_METRICS if m in summary)
    _check_selection("metric", chosen, [m for m in METRICS if m in summary.columns])
    _check_selection("country or group", countries, list(pd.unique(summary["country"])))
    _check_selection("commodity", commodities, list(pd.unique(summary["commodity"])))
    frame = summary
    if countries:
        frame = frame[frame["country"].isin(list(countries))]
    if commodities:
        frame = frame[frame["commodity"].isin(list(commodities))]
    setup = Setup(folder, baselines, confidence, n_resamples if bootstrap else 0)
    tables = Tables()
    notes = comparison_notes(setup, chosen, frame)
    keys = frame[["country", "commodity", "group"]].drop_duplicates()
    keys = keys.sort_values("group", kind="stable")
    for country, commodity, is_group in keys.itertuples(index=False):
        part = frame[(frame["country"] == country) & (frame["commodity"] == commodity)]
        wide_by_metric = wide_tables(part, chosen, variants)
        short = had_shortfall(part, chosen, variants, wide_by_metric)
        key = {"country": str(country), "commodity": str(commodity), "group": bool(is_group)}
        for metric in chosen:
            wide = wide_by_metric[metric]
            if metric in EVENT_METRICS:
                event_rows(
                    setup, tables, metric, key, wide, short if metric == "ttr_days" else None
                )
            else:
                metric_rows(setup, tables, metric, key, wide)
    sweep = None
    if folder.sweep_parameters:
        sweep = sweep_table(
            summary,
            folder.sweep_parameters,
            [m for m in chosen if m not in EVENT_METRICS],
            countries,
            commodities,
            confidence,
        )
    target_results = tuple(
        r for t in parsed for r in evaluate_target(summary, t, folder.sweep_parameters, confidence)
    )
    return ComparisonReport(
        experiment=folder.name,
        baseline=base,
        baselines=baselines,
        variants=variants,
        metrics=chosen,
        confidence=confidence,
        seed=folder.seed,
        n_resamples=setup.n_resamples,
        comparisons=pd.DataFrame(tables.comparisons, columns=COMPARISON_COLUMNS),
        statistics=pd.DataFrame(tables.statistics, columns=STATISTICS_COLUMNS),
        events=pd.DataFrame(tables.events, columns=EVENT_COLUMNS),
        survival=pd.DataFrame(tables.survival, columns=SURVIVAL_COLUMNS),
        p_best=pd.DataFrame(tables.p_best, columns=P_BEST_COLUMNS),
        sweep=sweep,
        sweep_parameters=folder.sweep_parameters,
        targets=target_results,
        notes=tuple(notes),
        units=_units(folder),
        focus=tuple(countries)
        if countries
        else tuple(default_focus(folder.scenario(base), list(pd.unique(frame["country"])))),
    )


def _units(folder: ResultsFolder) -> dict[str, str]:
    commodities = folder.scenario().get("commodities") or {}
    return {
        str(name): str(spec.get("unit") or "units")
        for name, spec in commodities.items()
        if isinstance(spec, dict)
    }
