"""Figures out of Python: SVG and PNG files, inline SVG and PNG ``data:`` URIs for a page.

Every figure is saved in the house style (:func:`~simulator.analysis.figures.style`:
glyphs as paths, no dates), so a figure's file or inline SVG holds no text a
browser would read as markup.  Re-exported by :mod:`simulator.analysis.plots`.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.analysis.figures import style

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["figure_png_data_uri", "figure_svg", "save_figure"]


def save_figure(figure: Figure, stem: str | Path, dpi: int = 150) -> tuple[Path, Path]:
    """Write ``stem.svg`` and ``stem.png``; returns both paths."""
    base = Path(stem)
    base.parent.mkdir(parents=True, exist_ok=True)
    svg, png = base.with_suffix(".svg"), base.with_suffix(".png")
    with style():
        figure.savefig(svg, format="svg", metadata={"Date": None})
        figure.savefig(png, format="png", dpi=dpi)
    return svg, png


_SVG_START = re.compile(r"<svg\b")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>", re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(href="#|url\(#)([^")]+)')


def figure_svg(figure: Figure, prefix: str = "fig") -> str:
    """The figure as an inline ``<svg>`` element for an HTML page.

    The XML prolog, comments and metadata are dropped, and every ``id`` (and
    reference to one) gets ``prefix`` so that several figures in one page do
    not share ids.
    """
    buffer = io.StringIO()
    with style():
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    start = _SVG_START.search(text)
    text = text[start.start() :] if start else text
    text = _METADATA.sub("", _COMMENT.sub("", text))
    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    return _REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)


def figure_png_data_uri(figure: Figure, dpi: int = 110) -> str:
    """The figure as a ``data:image/png;base64,…`` URI."""
    buffer = io.BytesIO()
    with style():
        figure.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
