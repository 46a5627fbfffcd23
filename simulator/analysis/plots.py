"""Figures of a results folder: fan charts, resilience triangles, ECDFs, intervals, survival.

Every function returns a :class:`matplotlib.figure.Figure` drawn on the Agg
canvas, created inside the function: importing this module sets no backend
and touches no global pyplot state, so notebooks show the returned figure and
scripts save it with :func:`save_figure` (SVG and PNG) or embed it with
:func:`figure_svg` / :func:`figure_png_data_uri`.  User-provided names
(variants, countries, commodities) are drawn as plain text: mathtext is off,
so a ``$`` in a name is just a dollar sign.

Each variant keeps the colour of its position in ``variants`` across figures.

The functions live in :mod:`simulator.analysis.trajectory_plots` (fan charts,
resilience triangles), :mod:`simulator.analysis.outcome_plots` (loss ECDFs,
paired differences, survival curves, sweep responses; ECDFs and survival
curves also as small multiples) and
:mod:`simulator.analysis.figure_export` (SVG, PNG, inline); this module gathers
them under one name.
"""

from __future__ import annotations

from simulator.analysis.figure_export import figure_png_data_uri, figure_svg, save_figure
from simulator.analysis.figures import variant_colours
from simulator.analysis.outcome_plots import (
    OUTCOME_COLOURS,
    difference_bars,
    loss_ecdf,
    loss_ecdfs,
    outcome,
    survival_plot,
    survival_plots,
    sweep_response,
)
from simulator.analysis.trajectory_plots import fan_chart, resilience_triangle, resilience_triangles

__all__ = [
    "OUTCOME_COLOURS",
    "difference_bars",
    "fan_chart",
    "figure_png_data_uri",
    "figure_svg",
    "loss_ecdf",
    "loss_ecdfs",
    "outcome",
    "resilience_triangle",
    "resilience_triangles",
    "save_figure",
    "survival_plot",
    "survival_plots",
    "sweep_response",
    "variant_colours",
]
