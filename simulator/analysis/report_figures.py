"""Figures of the HTML report: embedding them, and the sections made only of figures.

:class:`Figures` renders each figure to inline SVG (or a base64 PNG ``data:``
URI), captioned and escaped, and can also save it to a folder.  The daily
trajectories (fan charts and resilience triangles) and the loss distributions
of the focus countries (one figure, a panel per country and commodity with a
loss) are sections of figures alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from simulator.analysis import plots
from simulator.analysis.compare import ComparisonReport, ResultsFolder, shock_effective_day
from simulator.analysis.report_tables import escape

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Figures", "ImageFormat", "focus_pairs", "losses_section", "trajectories_section"]

ImageFormat = Literal["svg", "png"]

_UNSAFE = re.compile(r"[^a-z0-9]+")


def _slug(text: str, limit: int = 60) -> str:
    """A file-name stem from a caption: lower-case letters, digits and hyphens."""
    return _UNSAFE.sub("-", text.lower()).strip("-")[:limit].rstrip("-") or "figure"


class Figures:
    """Renders figures to inline SVG or PNG data URIs with unique id prefixes.

    With a ``directory``, each figure is also saved there as SVG and PNG,
    named ``NN-caption-slug``.
    """

    def __init__(self, image_format: ImageFormat, directory: Path | None = None) -> None:
        self.image_format = image_format
        self.directory = directory
        self.count = 0

    def embed(self, figure: Figure, caption: str, narrow: bool = False) -> str:
        self.count += 1
        if self.directory is not None:
            plots.save_figure(figure, self.directory / f"{self.count:02d}-{_slug(caption)}")
        css = "plot narrow" if narrow else "plot"
        label = escape(caption)
        if self.image_format == "png":
            inner = f'<img src="{plots.figure_png_data_uri(figure)}" alt="{label}">'
        else:
            inner = plots.figure_svg(figure, prefix=f"f{self.count}")
        figure.clear()
        return (
            f'<figure><div class="{css}" role="img" aria-label="{label}">{inner}</div>'
            f"<figcaption>{label}</figcaption></figure>"
        )

    def maybe(self, draw: Callable[[], Figure], caption: str, narrow: bool = False) -> str:
        """Embed ``draw()``, or nothing when there is no data for it."""
        try:
            figure = draw()
        except ValueError:
            return ""
        return self.embed(figure, caption, narrow)


def focus_pairs(frame: pd.DataFrame, focus: Sequence[str]) -> list[tuple[str, str]]:
    """The (country, commodity) pairs of ``frame`` whose country is in ``focus``, in its order."""
    keys = frame[["country", "commodity"]].drop_duplicates()
    pairs = [(str(c), str(k)) for c, k in keys.itertuples(index=False) if c in focus]
    return sorted(pairs, key=lambda p: focus.index(p[0]))


def trajectories_section(
    results: ResultsFolder, report: ComparisonReport, focus: Sequence[str], figures: Figures
) -> str:
    parts = ['<h2 id="trajectories">Daily trajectories</h2>']
    if not results.has_daily:
        parts.append(
            "<p>This batch did not record daily series (run it with daily output"
            " to see fan charts and resilience triangles).</p>"
        )
        return "\n".join(parts)
    daily = results.read_daily(countries=list(focus))
    if daily.empty:
        return ""
    for country, commodity in focus_pairs(daily, focus):
        shock = shock_effective_day(results.scenario(report.baseline), commodity)
        parts.append(f"<h3>{escape(country)} · {escape(commodity)}</h3>")
        for column, what in (
            ("coverage_days", "Coverage in days of demand"),
            ("fill_rate", "Daily fill rate"),
        ):
            parts.append(
                figures.maybe(
                    partial(
                        plots.fan_chart,
                        daily,
                        column,
                        country,
                        commodity,
                        report.variants,
                        shock_day=shock,
                    ),
                    f"{what}, {country} · {commodity}: median, 25–75 % and 5–95 % of replications",
                )
            )
        parts.append(
            figures.maybe(
                partial(
                    plots.resilience_triangles,
                    daily,
                    report.variants,
                    country,
                    commodity,
                    shock_day=shock,
                ),
                f"Resilience triangles, {country} · {commodity}: mean daily fill rate, its"
                " 5–95 % band and the lost area (days of demand)",
            )
        )
    return "\n".join(parts)


def losses_section(
    results: ResultsFolder, report: ComparisonReport, focus: Sequence[str], figures: Figures
) -> str:
    metric = "economic_loss_usd" if "economic_loss_usd" in results.summary else "shortfall"
    summary = results.summary
    drawn: list[tuple[str, str]] = []
    without: list[str] = []
    for country, commodity in focus_pairs(summary, focus):
        values = summary.loc[
            (summary["country"] == country) & (summary["commodity"] == commodity), metric
        ]
        if not (values.fillna(0) != 0).any():
            without.append(f"{country} · {commodity}")  # nothing to draw: no loss anywhere
            continue
        drawn.append((country, commodity))
    nobody = escape(", ".join(without))
    note = (
        f'<p class="note">No loss in any variant or replication: {nobody}.</p>' if without else ""
    )
    figure = ""
    if drawn:
        figure = figures.maybe(
            partial(plots.loss_ecdfs, summary, drawn, metric, report.variants),
            f"Distribution of {metric.replace('_', ' ')} over replications (share of"
            " replications at or below each loss; dotted: 95 %):"
            f" {', '.join(f'{c} · {k}' for c, k in drawn)}",
            narrow=len(drawn) == 1,
        )
    return '<h2 id="losses">Loss distributions</h2>' + note + figure
