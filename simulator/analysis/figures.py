"""Figures that draw the same everywhere: the house style and a figure that shows in Jupyter.

The plotting functions make figures on their own Agg canvas, without pyplot,
so that drawing never changes a global backend or leaks figures.  Such a
figure has no pyplot manager, and a notebook would print it as
``<Figure size … with 1 Axes>``; :func:`new_figure` gives it a PNG
representation (``_repr_png_``) so that it displays as an image.  Importing
this module does not import matplotlib (the class is made on first use).
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

__all__ = [
    "STYLE",
    "axis_label",
    "metric_axis",
    "new_figure",
    "panel_grid",
    "style",
    "variant_colours",
    "variants_legend",
]

STYLE: dict[Any, Any] = {
    "text.parse_math": False,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    # Glyphs are outlined in SVG, so no user text reaches the page as markup.
    "svg.fonttype": "path",
    "svg.hashsalt": "supplyshock",
    # Money and large quantities are labelled 1.2M, not with a 1e7 offset.
    "axes.formatter.useoffset": False,
    "axes.formatter.limits": (-4, 6),
}
"""The rc settings every figure is drawn and saved with (mathtext off: names are text)."""


_DAILY_LABELS = {
    "coverage_days": "coverage (days of demand)",
    "fill_rate": "daily fill rate",
    "shortfall": "daily shortfall (units)",
}
_LABELS = {
    "fill_rate": "fill rate",
    "economic_loss_usd": "economic loss (USD)",
    "shortfall": "shortfall (units)",
    "lost_days": "lost days (days of demand)",
    "tts_days": "time to survive (days)",
    "ttr_days": "time to recover (days)",
}


def variant_colours(variants: Sequence[str]) -> dict[str, str]:
    """Colour of each variant: matplotlib's cycle ``C0, C1, …`` by position."""
    return {v: f"C{i % 10}" for i, v in enumerate(variants)}


def axis_label(name: str, daily: bool = False) -> str:
    """The axis label of a metric (``daily``: of a daily column), with its unit."""
    labels = _DAILY_LABELS if daily else _LABELS
    return labels.get(name, name.replace("_", " "))


@contextmanager
def style() -> Iterator[None]:
    """Apply :data:`STYLE` for the duration of a block."""
    import matplotlib as mpl

    with mpl.rc_context(STYLE):
        yield


@functools.cache
def _notebook_figure() -> type[Figure]:
    from matplotlib.figure import Figure

    class NotebookFigure(Figure):
        """A :class:`matplotlib.figure.Figure` that displays itself in Jupyter as a PNG."""

        def _repr_png_(self) -> bytes:
            buffer = io.BytesIO()
            with style():
                self.savefig(buffer, format="png", dpi=100)
            return buffer.getvalue()

    return NotebookFigure


def new_figure(width: float, height: float) -> Figure:
    """A figure of ``width`` × ``height`` inches on its own Agg canvas (no pyplot).

    It shows itself as a PNG in a notebook (``_repr_png_``).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = _notebook_figure()(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def panel_grid(
    count: int, *, sharex: bool = False, sharey: bool = False
) -> tuple[Figure, list[Axes]]:
    """A figure of ``count`` small panels (small multiples), for use inside :func:`style`.

    One panel is 5 × 3 inches, as a figure of its own; more fill a 10-inch row
    two or three to a row (two for 2 and 4 panels), 2.7 inches high per row,
    with room above for one legend.  Cells left over in the last row are
    removed; with ``sharex``, the panel above a removed cell keeps its x tick
    labels.
    """
    if count < 1:
        raise ValueError("a grid needs at least one panel")
    if count == 1:
        figure = new_figure(5.0, 3.0)
        return figure, [figure.subplots()]
    columns = 2 if count in (2, 4) else 3
    rows = math.ceil(count / columns)
    figure = new_figure(10.0, 2.7 * rows + 0.5)
    grid = figure.subplots(rows, columns, sharex=sharex, sharey=sharey, squeeze=False)
    axes = list(grid.ravel())
    for ax in axes[count:]:
        figure.delaxes(ax)
    if sharex:
        for index in range(max(0, count - columns), count):
            axes[index].xaxis.set_tick_params(labelbottom=True)
    return figure, axes[:count]


def variants_legend(figure: Figure, colours: dict[str, str]) -> None:
    """One legend of the variants' colours for the whole figure, above its panels (in
    rows of three to a 5-inch figure, six to a 10-inch one)."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=colour, label=name) for name, colour in colours.items()]
    per_row = 3 if figure.get_figwidth() < 6 else 6
    figure.legend(
        handles=handles, loc="outside upper center", ncols=min(len(handles), per_row), fontsize=8
    )


def metric_axis(axis: Axis, metric: str, difference: bool = False) -> None:
    """Label ``axis`` ticks as the metric is written elsewhere: ``$1.2M``, ``95%``, ``+4 pp``.

    Money gets ``$`` with ``k``/``M``/``B`` instead of a ``1e7`` offset; shares
    are percentages.  Other metrics keep matplotlib's plain numbers.
    """
    from matplotlib.ticker import FuncFormatter

    from simulator.analysis.quantities import METRIC_KINDS, Kind, format_difference, format_metric

    if METRIC_KINDS.get(metric) not in (Kind.USD, Kind.SHARE):
        return
    show = format_difference if difference else format_metric
    axis.set_major_formatter(FuncFormatter(lambda value, _: show(value, metric)))
