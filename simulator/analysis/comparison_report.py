"""What :func:`~simulator.analysis.compare.compare_results` returns: a comparison's tables.

:class:`ComparisonReport` holds the paired comparisons, the statistics per
variant, the events and survival curves, the probabilities of being best, a
sweep's table and the targets' results, as DataFrames, with what a reader
needs to read them (units, focus countries, the Bonferroni family).  It
serialises to strict JSON and shows its headline in Jupyter.
:mod:`simulator.analysis.compare` re-exports it.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from simulator.analysis.comparison_rows import family_sizes
from simulator.analysis.sweep import TargetResult, json_records

if TYPE_CHECKING:
    from simulator.analysis.headline import Headline

__all__ = ["ComparisonReport"]


@dataclass(frozen=True)
class ComparisonReport:
    """Everything :func:`compare_results` computes, as tables.

    - ``comparisons``: one row per variant × metric × country × commodity (not
      the baseline, not ``tts_days``/``ttr_days``) with ``n``, ``mean``,
      ``baseline_mean``, ``mean_diff``, ``ci_low``/``ci_high`` (paired t),
      ``ci_low_bootstrap``/``ci_high_bootstrap`` (BCa),
      ``adjusted_ci_low``/``adjusted_ci_high`` (Bonferroni), ``p_better``
      (ties half), ``share_better``/``share_equal``/``share_worse``,
      ``cvar95`` and ``baseline_cvar95`` (loss metrics).
    - ``statistics``: per variant (baseline included) × metric × country ×
      commodity: ``n``, ``mean``, ``median``, ``p05``, ``p95``, ``cvar95``.
    - ``events``: TTS and TTR per variant: ``n_events``, ``share_with_event``,
      ``median_days`` (Kaplan–Meier), paired ``p_better`` against the baseline.
    - ``survival``: the survival curves' steps (``day``, ``survival``,
      ``at_risk``, ``events``).
    - ``p_best``: per metric × country × commodity × variant.
    - ``sweep``: :func:`~simulator.analysis.sweep.sweep_table` when the experiment is a sweep.
    - ``targets``: one :class:`TargetResult` per target, commodity and grouping.
    - ``units``: commodity → unit; ``focus``: the countries and coalitions a
      reader looks at first (:func:`~simulator.analysis.headline.default_focus`).
    """

    experiment: str
    baseline: str
    variants: tuple[str, ...]
    metrics: tuple[str, ...]
    confidence: float
    seed: int
    n_resamples: int
    baselines: dict[str, str]
    comparisons: pd.DataFrame
    statistics: pd.DataFrame
    events: pd.DataFrame
    survival: pd.DataFrame
    p_best: pd.DataFrame
    sweep: pd.DataFrame | None = None
    sweep_parameters: tuple[str, ...] = ()
    targets: tuple[TargetResult, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    units: dict[str, str] = field(default_factory=dict)
    focus: tuple[str, ...] = ()

    def unit(self, commodity: str) -> str:
        """The commodity's unit (``t``), from the resolved scenario."""
        return self.units.get(commodity, "units")

    @property
    def n_comparisons(self) -> int:
        """``m``: the largest number of variants compared with one baseline."""
        return max(family_sizes(self.baselines).values(), default=0)

    @property
    def adjusted_confidence(self) -> float:
        """Per-interval level of the Bonferroni-adjusted intervals, ``1 - (1 - c)/m``."""
        return 1 - (1 - self.confidence) / max(1, self.n_comparisons)

    def to_dict(self) -> dict[str, Any]:
        """One JSON-ready object (NaN as ``None``)."""
        out: dict[str, Any] = {
            "experiment": self.experiment,
            "baseline": self.baseline,
            "variants": list(self.variants),
            "metrics": list(self.metrics),
            "confidence": self.confidence,
            "baselines": dict(self.baselines),
            "adjustment": {
                "method": "bonferroni",
                "family": "the variants compared with one baseline, per metric, country"
                " and commodity",
                "comparisons": self.n_comparisons,
                "confidence_per_interval": self.adjusted_confidence,
            },
            "bootstrap": {"method": "BCa", "resamples": self.n_resamples, "seed": self.seed},
            "comparisons": json_records(self.comparisons),
            "statistics": json_records(self.statistics),
            "events": json_records(self.events),
            "survival": json_records(self.survival),
            "p_best": json_records(self.p_best),
            "notes": list(self.notes),
        }
        if self.sweep is not None:
            out["sweep"] = {
                "parameters": list(self.sweep_parameters),
                "rows": json_records(self.sweep),
            }
        if self.targets:
            out["target"] = [t.to_dict() for t in self.targets]
        return out

    def to_json(self, indent: int | None = 2) -> str:
        """:meth:`to_dict` as strict JSON."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def headline(self, metric: str | None = None) -> Headline:
        """The answer in sentences (see :func:`~simulator.analysis.headline.headline`)."""
        from simulator.analysis.headline import headline

        return headline(self, metric)

    def _repr_html_(self) -> str:
        """The headline, for Jupyter; the tables are the DataFrame attributes."""
        lines = [
            f"<p><b>{html.escape(self.experiment)}</b>: {len(self.variants)} variants against"
            f" {html.escape(self.baseline)}; tables: <code>.comparisons</code>,"
            " <code>.statistics</code>, <code>.events</code>, <code>.p_best</code>"
            + (", <code>.sweep</code>" if self.sweep is not None else "")
            + "</p>"
        ]
        for title, rows in self.headline().groups():
            items = "".join(f"<li>{html.escape(row.text)}</li>" for row in rows)
            lines.append(f"<p><b>{html.escape(title)}</b></p><ul>{items}</ul>")
        return "".join(lines)
