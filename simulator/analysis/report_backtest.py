"""The report's section for a results folder whose scenario is a historical replay.

The results of a batch hold per-country metrics, not the per-link shipments
the backtest compares with history, so the section runs the replay's
backtest again (the same scenario and seed, as many replications as the
batch) and shows its feature table and band figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.analysis.compare import ResultsFolder
from simulator.analysis.report_figures import Figures
from simulator.analysis.report_tables import Cell, escape, html_table

if TYPE_CHECKING:
    from simulator.analysis.backtest import BacktestResult
    from simulator.model.scenario import Scenario

__all__ = ["backtest_section", "replay_of"]


def replay_of(folder: ResultsFolder, variant: str | None = None) -> Scenario | None:
    """The resolved scenario of ``variant`` when it is a historical replay, else ``None``."""
    resolved = folder.scenario(variant)
    if not resolved.get("backtest"):
        return None
    from simulator.model.scenario import Scenario

    return Scenario.model_validate(resolved)


def backtest_section(folder: ResultsFolder, figures: Figures, variant: str | None = None) -> str:
    """ "Against history": the backtest's features and figure; empty when not a replay."""
    scenario = replay_of(folder, variant)
    if scenario is None:
        return ""
    # Imported here: the backtest runs the engine (numba, networkx), which a report of
    # a scenario that is not a replay does not need.
    from simulator.analysis.backtest import backtest

    replications = folder.manifest.get("replications")
    result = backtest(scenario, replications if isinstance(replications, int) else None)
    return _section(result, figures)


def _section(result: BacktestResult, figures: Figures) -> str:
    from simulator.analysis.backtest import Status
    from simulator.analysis.backtest_plot import backtest_figure

    css = {Status.HIT: "better", Status.MISS: "worse", Status.NOT_MODELLED: ""}
    rows: list[list[str | Cell]] = [
        [f.name, f.history_text, f.model_text, Cell(f.status.value, css=css[f.status])]
        for f in result.features
    ]
    counts = (
        f"{result.count(Status.HIT)} of {len(result.features)} features reproduced,"
        f" {result.count(Status.MISS)} missed, {result.count(Status.NOT_MODELLED)} not modelled"
        f" ({result.replications} replications; tolerance ±{result.tolerance_ratio:g} on ratios,"
        f" ±{result.tolerance_months} month(s) on months)."
    )
    overrides = (
        "".join(
            f"<li>{escape(' '.join(o.identity[1:]))} {escape(o.field)}: {escape(o.source)}</li>"
            for o in result.overrides
        )
        or "<li>none</li>"
    )
    figure = figures.maybe(
        lambda: backtest_figure([result]),
        f"{result.replay}: the model's 90% band and median against history's points",
    )
    return "\n".join(
        [
            '<h2 id="history">Against history</h2>',
            f"<p>The replay against episode {escape(result.episode)} of the bundled history:"
            f" {escape(counts)} A feature is a hit when history lies inside the model's 90% band"
            " widened by the replay's tolerance (docs/validation.md).</p>",
            html_table(["feature", "history", "model median [90% band]", "verdict"], rows),
            f"<p>Historical overrides of the dataset:</p><ul>{overrides}</ul>",
            figure,
        ]
    )
