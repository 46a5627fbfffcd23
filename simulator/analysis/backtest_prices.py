"""Price features of a backtest: the peak after the control against the last price before it.

History: for each market quoted in the episode (``prices.csv``), the highest
quote that starts in or after the control month over the last quote that
ends before it (same unit).  Model: for each replication, the highest
monthly mean of the world price in or after the control month over the
monthly mean of the month before the control month (``p0`` when the run
starts later).  The model has one world price per commodity; every market
history quotes for that commodity is compared with it.  A commodity without
a market in the replay is *not modelled*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from simulator.analysis.backtest_features import model_monthly_ratios
from simulator.analysis.backtest_verdicts import Feature, Status, month_span, numeric_feature
from simulator.engine import RunResult
from simulator.io.history import History
from simulator.model.calendar import Month
from simulator.model.replay import Backtest

__all__ = ["model_price_ratios", "price_features"]


def model_price_ratios(run: RunResult, commodity: str, spec: Backtest) -> dict[Month, float]:
    """Monthly mean world price of ``commodity`` over its price before any shock."""
    rec = run.records[commodity]
    if rec.base_price <= 0:
        return {}
    return model_monthly_ratios(rec.price, spec.day0, rec.base_price)


def model_peak(ratios: Mapping[Month, float], control: Month) -> float:
    """Peak monthly price from ``control`` on, over the month before it (1 if not simulated)."""
    before = [m for m in ratios if m < control]
    reference = ratios[max(before)] if before else 1.0
    after = [v for m, v in ratios.items() if m >= control]
    return max(after, default=reference) / reference


def price_features(
    spec: Backtest,
    history: History,
    modelled: Mapping[str, Sequence[dict[Month, float]]],
    priced: set[str],
) -> list[Feature]:
    """One feature per (commodity, market) history quotes before and after the control.

    ``modelled`` holds, per simulated commodity, each replication's monthly
    price ratios; ``priced`` the commodities with a market in the replay.
    """
    features = []
    names = {s.history_name: s.commodity for s in spec.series}
    for name, commodity in names.items():
        rows = history.episode_prices(spec.episode, name)
        for market in dict.fromkeys(p.market for p in rows):
            quotes = [p for p in rows if p.market == market]
            before = [p for p in quotes if p.end < spec.control]
            after = (
                [p for p in quotes if p.start >= spec.control and p.unit == before[-1].unit]
                if before
                else []
            )
            if not after:
                continue
            peak, last = max(after, key=lambda p: p.price), before[-1]
            ratio = peak.price / last.price
            quotes_text = (
                f"{month_span(peak.start, peak.end)}: {peak.price:g} vs"
                f" {month_span(last.start, last.end)}: {last.price:g} {peak.unit}"
            )
            label = f"price {name} {market}: peak ratio"
            history_text = f"{ratio:.2f} ({quotes_text})"
            if commodity not in priced:
                features.append(
                    Feature(
                        name=label,
                        kind="price_peak",
                        history=ratio,
                        history_text=history_text,
                        median=None,
                        low=None,
                        high=None,
                        model_text=f"no market for {commodity} in the replay (market: off)",
                        status=Status.NOT_MODELLED,
                    )
                )
                continue
            peaks = [model_peak(r, spec.control) for r in modelled[commodity]]
            feature = numeric_feature(label, "price_peak", ratio, peaks, spec.tolerance.ratio)
            features.append(
                Feature(
                    feature.name,
                    feature.kind,
                    feature.history,
                    history_text,
                    feature.median,
                    feature.low,
                    feature.high,
                    feature.model_text,
                    feature.status,
                )
            )
    return features
