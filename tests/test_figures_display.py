"""Figures display in Jupyter (a PNG representation) and write money as $k/$M/$B."""

from __future__ import annotations

import pandas as pd

import simulator as ss

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _losses() -> pd.DataFrame:
    rows = [
        {"variant": v, "country": "KOR", "commodity": "gallium", "economic_loss_usd": x}
        for v, values in (("national", (1.2e7, 3.4e7, 5.0e7)), ("pooled", (0.0, 1.0e7, 2.0e7)))
        for x in values
    ]
    return pd.DataFrame(rows)


def test_a_figure_shows_itself_as_png() -> None:
    figure = ss.loss_ecdf(_losses(), "KOR", "gallium", metric="economic_loss_usd")
    png = figure._repr_png_()
    assert png[:8] == PNG_MAGIC


def test_money_ticks_read_as_dollars_without_an_offset() -> None:
    figure = ss.loss_ecdf(_losses(), "KOR", "gallium", metric="economic_loss_usd")
    figure.canvas.draw()
    (ax,) = figure.axes
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels
    assert all(label.startswith(("$", "−$")) for label in labels)
    assert any(label.endswith("M") for label in labels)
    assert ax.xaxis.get_offset_text().get_text() == ""
