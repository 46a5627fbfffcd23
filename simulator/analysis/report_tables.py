"""Values and tables of the HTML report: short numbers and escaped ``<table>`` markup.

:func:`format_value` turns a number into the short text a table shows;
:func:`html_table` builds a table from :class:`Cell` objects or plain strings,
escaping every cell's text with :func:`escape`, so user strings can go
straight in.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

__all__ = [
    "METRIC_TITLES",
    "Cell",
    "escape",
    "format_interval",
    "format_share",
    "format_value",
    "html_table",
    "num",
    "records",
]

METRIC_TITLES = {
    "shortfall": "Shortfall",
    "fill_rate": "Fill rate",
    "peak_shortfall_rate": "Peak shortfall rate",
    "shortage_days": "Shortage days",
    "lost_days": "Lost days (days of demand)",
    "economic_loss_usd": "Economic loss",
    "min_coverage_days": "Minimum coverage (days)",
    "stockpile_cost_usd": "Stockpile committed cost",
    "tts_days": "Time to survive (days)",
    "ttr_days": "Time to recover (days)",
    "price_cost_usd": "Extra spending at higher prices",
    "peak_price_ratio": "Peak price (× baseline)",
}
"""Heading of each metric's tables and figures (the unit follows it, from the commodity);
other metrics show their own name."""


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dictionaries keyed by column name."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def escape(value: object) -> str:
    """``str(value)`` escaped for HTML text and attribute values."""
    return html.escape(str(value), quote=True)


def format_value(value: Any) -> str:
    """A number for a table: ``—`` when missing, short and readable otherwise.

    ``|x| >= 10⁶`` → ``3.01M`` / ``1.2B`` (3 significant digits); whole numbers
    and ``|x| >= 10⁴`` → ``12,345``; ``|x| >= 100`` → ``123.4``; else 4
    significant digits.  Tables only: JSON keeps full precision.
    """
    if value is None or value is pd.NA:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and not math.isfinite(value):
        return "—" if math.isnan(value) else str(value)
    if isinstance(value, int | float):
        for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
            if abs(value) >= scale:
                return f"{value / scale:.3g}{suffix}"
        if float(value).is_integer() or abs(value) >= 1e4:
            return f"{round(value):,}"
        if abs(value) >= 100:
            return f"{value:,.1f}"
        return f"{value:.4g}"
    return str(value)


def format_interval(low: Any, high: Any) -> str:
    """``[low, high]`` with both ends by :func:`format_value`; ``—`` when missing."""
    if low is None or high is None or (isinstance(low, float) and math.isnan(low)):
        return "—"
    return f"[{format_value(low)}, {format_value(high)}]"


def format_share(value: Any) -> str:
    """A 0–1 share as a percentage with one decimal; ``—`` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{100 * float(value):.1f} %"


class Cell:
    """A table cell: text (escaped on output), numeric alignment and a class."""

    def __init__(self, text: str, numeric: bool = False, css: str = "") -> None:
        self.text, self.numeric, self.css = text, numeric, css

    def render(self, tag: str = "td") -> str:
        classes = " ".join(c for c in ("num" if self.numeric else "", self.css) if c)
        attribute = f' class="{classes}"' if classes else ""
        return f"<{tag}{attribute}>{escape(self.text)}</{tag}>"


def num(text: str, css: str = "") -> Cell:
    """A right-aligned (numeric) cell."""
    return Cell(text, numeric=True, css=css)


def html_table(
    header: Sequence[str | Cell], rows: Iterable[Sequence[str | Cell]], caption: str = ""
) -> str:
    """A scrollable ``<table>``; plain strings become ordinary cells."""

    def cell(c: str | Cell, tag: str) -> str:
        return c.render(tag) if isinstance(c, Cell) else Cell(c).render(tag)

    head = "".join(cell(c, "th") for c in header)
    body = "\n".join("<tr>" + "".join(cell(c, "td") for c in row) + "</tr>" for row in rows)
    top = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (
        f'<div class="table-wrap"><table>{top}<thead><tr>{head}</tr></thead>'
        f"<tbody>\n{body}\n</tbody></table></div>"
    )
