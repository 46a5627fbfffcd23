"""Backtest a historical replay: the model's monthly features against bundled history.

:func:`backtest` runs a replay's replications and compares, on the monthly
grid (conventions in :mod:`simulator.analysis.backtest_features`):

- each month's ratio of the replay's trade series to its pre-control average;
- the trough (month and depth) and the month of recovery;
- the peak of each price series history has against the model's world price
  (:mod:`simulator.analysis.backtest_prices`; *not modelled* for a commodity
  without a market);
- for each country history records as short or not short, whether and when
  the model makes it short.

A feature is a **hit** when history lies inside the model's 90% band over
replications (5th–95th percentile) widened by the replay's tolerance; for
yes/no features (recovery, shortage) the model's answer is that of the
majority of replications, and when both sides say yes the month must pass as
above.  Expected values are never the model's: they are history's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from simulator.analysis.backtest_features import (
    first_shortage_month,
    history_baseline_per_day,
    history_monthly_ratios,
    model_monthly_ratios,
    recovery_month,
    trough,
)
from simulator.analysis.backtest_prices import model_price_ratios, price_features
from simulator.analysis.backtest_verdicts import (
    BAND,
    Feature,
    Status,
    month_feature,
    numeric_feature,
)
from simulator.engine import RunResult, simulate
from simulator.errors import InputError, Location
from simulator.io.history import FittedParameter, History, load_history
from simulator.io.scenario_file import load_scenario
from simulator.model.calendar import Month
from simulator.model.market_spec import market_of
from simulator.model.replay import Backtest, HistoricalOverride, HistorySeries
from simulator.model.scenario import Scenario

__all__ = ["BacktestResult", "Feature", "SeriesBand", "Status", "backtest", "series_key"]


@dataclass(frozen=True)
class SeriesBand:
    """A series' monthly ratios: the model's band and median, and history's points."""

    name: str
    months: tuple[str, ...]
    low: tuple[float, ...]
    median: tuple[float, ...]
    high: tuple[float, ...]
    history: dict[str, float]
    control_month: str


@dataclass(frozen=True)
class BacktestResult:
    """The features of one replay, with what the comparison rests on."""

    replay: str
    episode: str
    replications: int
    tolerance_ratio: float
    tolerance_months: int
    recovery_share: float
    features: tuple[Feature, ...]
    bands: tuple[SeriesBand, ...]
    overrides: tuple[HistoricalOverride, ...]
    calibration: tuple[FittedParameter, ...]

    def feature(self, name: str) -> Feature:
        """The feature called ``name``; ``KeyError`` naming the ones there are otherwise."""
        for f in self.features:
            if f.name == name:
                return f
        raise KeyError(f"no feature {name!r}; features: {', '.join(f.name for f in self.features)}")

    def count(self, status: Status) -> int:
        return sum(f.status is status for f in self.features)

    @property
    def score(self) -> float:
        """Share of features reproduced (hits over all features, not-modelled ones included)."""
        return self.count(Status.HIT) / len(self.features) if self.features else float("nan")

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        out = asdict(self)
        out["overrides"] = [o.model_dump(mode="json", by_alias=True) for o in self.overrides]
        out["features"] = [{**asdict(f), "status": f.status.value} for f in self.features]
        out["hits"] = self.count(Status.HIT)
        out["misses"] = self.count(Status.MISS)
        out["not_modelled"] = self.count(Status.NOT_MODELLED)
        out["score"] = self.score
        return out


def series_key(series: HistorySeries) -> str:
    """``gallium CHN->WLD``: the commodity and the direction of the flow."""
    if series.flow == "export":
        return f"{series.commodity} {series.reporter}->{series.partner}"
    return f"{series.commodity} {series.partner}->{series.reporter}"


def backtest(
    replay: Scenario | str | Path,
    replications: int | None = None,
    *,
    history: History | None = None,
) -> BacktestResult:
    """Run a replay's replications and compare its monthly features with history.

    Parameters
    ----------
    replay
        A loaded replay, or the path of a replay file (a scenario with ``backtest:``).
    replications
        Replications ``0 … N-1``; the replay's ``replications`` when omitted.
    history
        The history to compare with; the bundled one when omitted.

    Raises
    ------
    InputError
        When the scenario is not a replay, or a file is invalid.
    """
    scenario = replay if isinstance(replay, Scenario) else load_scenario(replay)
    spec = scenario.backtest
    if spec is None:
        where = None if isinstance(replay, Scenario) else Location(str(replay), 1, 1)
        raise InputError.single(
            f"expected a historical replay (a backtest: section), found scenario"
            f" {scenario.name!r} with none",
            ("backtest",),
            where,
        )
    history = load_history() if history is None else history
    n = scenario.replications if replications is None else replications
    if n < 1:
        raise ValueError(f"expected replications >= 1, found {n}")
    judged = _shortage_statements(spec, history, scenario)
    ratios: list[list[dict[Month, float]]] = [[] for _ in spec.series]
    shortages: list[list[Month | None]] = [[] for _ in judged]
    simulated = dict.fromkeys(s.commodity for s in spec.series)
    prices: dict[str, list[dict[Month, float]]] = {c: [] for c in simulated}
    for r in range(n):  # each run is reduced to what the features need, then dropped
        run = simulate(scenario, r)
        for i, series in enumerate(spec.series):
            ratios[i].append(_model_ratios(scenario, spec, series, run))
        for commodity in simulated:
            prices[commodity].append(model_price_ratios(run, commodity, spec))
        for j, (country, commodities) in enumerate(judged):
            shortages[j].append(_first_shortage(run, commodities, country, spec))
    features: list[Feature] = []
    bands: list[SeriesBand] = []
    for series, modelled in zip(spec.series, ratios, strict=True):
        f, band = _series_features(spec, series, history, modelled)
        features += f
        bands.append(band)
    priced = {c for c in simulated if market_of(scenario.market, c) is not None}
    features += price_features(spec, history, prices, priced)
    features += [
        month_feature(
            f"{country} shortage ({', '.join(commodities)})",
            "shortage",
            month,
            firsts,
            spec.control,
            spec.tolerance.months,
        )
        for ((country, commodities), month), firsts in zip(judged.items(), shortages, strict=True)
    ]
    return BacktestResult(
        replay=scenario.name,
        episode=spec.episode,
        replications=n,
        tolerance_ratio=spec.tolerance.ratio,
        tolerance_months=spec.tolerance.months,
        recovery_share=spec.recovery_share,
        features=tuple(features),
        bands=tuple(bands),
        overrides=tuple(spec.historical_overrides),
        calibration=history.calibration,
    )


# --- trade series ---------------------------------------------------------------------------


def _series_features(
    spec: Backtest,
    series: HistorySeries,
    history: History,
    modelled: Sequence[dict[Month, float]],
) -> tuple[list[Feature], SeriesBand]:
    records = history.series(
        spec.episode, series.history_name, series.reporter, series.partner, series.flow
    )
    first, last = (Month.parse(m) for m in series.baseline)
    observed = history_monthly_ratios(records, history_baseline_per_day(records, first, last))
    months = sorted(set.intersection(*(set(r) for r in modelled)))
    key, tol = series_key(series), spec.tolerance
    features = [
        numeric_feature(
            f"{key}: ratio {m}", "ratio", observed[m], [r[m] for r in modelled], tol.ratio
        )
        for m in months
        if m in observed
    ]
    after = [m for m in months if m in observed and m >= spec.control]
    if len(after) >= 2:
        hist = trough(observed, after)
        troughs = [t for t in (trough(r, after) for r in modelled) if t is not None]
        # Every model month is in every run's ratios, so neither side can lack a trough.
        if hist is None or len(troughs) != len(modelled):
            raise RuntimeError(f"{key}: a trough is missing from history or a run")
        control = spec.control
        features.append(
            month_feature(
                f"{key}: trough month",
                "trough_month",
                hist.month,
                [t.month for t in troughs],
                control,
                tol.months,
            )
        )
        features.append(
            numeric_feature(
                f"{key}: trough depth",
                "trough_depth",
                hist.depth,
                [t.depth for t in troughs],
                tol.ratio,
            )
        )
        share = spec.recovery_share
        features.append(
            month_feature(
                f"{key}: recovery month (>= {share:g} of pre-control)",
                "recovery_month",
                recovery_month(observed, after, hist.month, share),
                [
                    recovery_month(r, after, t.month, share)
                    for r, t in zip(modelled, troughs, strict=True)
                ],
                control,
                tol.months,
            )
        )
    quantiles = np.percentile([[r[m] for m in months] for r in modelled], BAND, axis=0)
    band = SeriesBand(
        name=key,
        months=tuple(str(m) for m in months),
        low=tuple(float(v) for v in quantiles[0]),
        median=tuple(float(v) for v in quantiles[1]),
        high=tuple(float(v) for v in quantiles[2]),
        history={str(m): v for m, v in sorted(observed.items())},
        control_month=spec.control_month,
    )
    return features, band


def _model_ratios(
    scenario: Scenario, spec: Backtest, series: HistorySeries, run: RunResult
) -> dict[Month, float]:
    """The run's monthly ratios of the series: shipments over the links' baseline flow."""
    exporter, importer = (
        (series.reporter, series.partner)
        if series.flow == "export"
        else (series.partner, series.reporter)
    )
    rec = run.records[series.commodity]
    columns = [k for k, (e, i) in enumerate(rec.links) if e == exporter and importer in (i, "WLD")]
    baseline = (
        sum(
            link.flow_per_year
            for link in scenario.network.links
            if link.commodity == series.commodity
            and link.exporter == exporter
            and importer in (link.importer, "WLD")
        )
        / 365.0
    )
    daily = rec.link_shipped[:, columns].sum(axis=1)
    return model_monthly_ratios(daily, spec.day0, baseline)


# --- prices and shortages -------------------------------------------------------------------


def _shortage_statements(
    spec: Backtest, history: History, scenario: Scenario
) -> dict[tuple[str, tuple[str, ...]], Month | None]:
    """What history says of each country's physical shortage: its first month, or none.

    Keyed by country and the replay's commodities the statements are about
    (``shortage`` and ``no_shortage_reported`` events of the episode).
    """
    names = {s.commodity: s.history_name for s in spec.series}
    countries = {c: {n.country for n in scenario.network.nodes if n.commodity == c} for c in names}
    recorded: dict[tuple[str, tuple[str, ...]], Month | None] = {}
    for event in history.episode_events(spec.episode):
        if event.kind not in ("shortage", "no_shortage_reported"):
            continue
        commodities = tuple(
            c for c, name in names.items() if event.concerns(name) and event.country in countries[c]
        )
        if not commodities:
            continue
        key = (event.country, commodities)
        if event.kind == "shortage":
            current = recorded.get(key)
            recorded[key] = event.month if current is None else min(current, event.month)
        else:
            recorded.setdefault(key, None)
    return recorded


def _first_shortage(
    run: RunResult, commodities: Sequence[str], country: str, spec: Backtest
) -> Month | None:
    months = []
    for commodity in commodities:
        rec = run.records[commodity]
        i = rec.countries.index(country)
        month = first_shortage_month(
            rec["shortfall"][:, i], float(rec.demand_per_day[i]), spec.day0
        )
        if month is not None:
            months.append(month)
    return min(months, default=None)
