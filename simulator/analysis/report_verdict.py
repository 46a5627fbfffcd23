"""The report's first section: the headline verdict (see :mod:`simulator.analysis.verdict`)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from simulator.analysis.verdict import Verdict

__all__ = ["verdict_section"]


def verdict_section(verdicts: Sequence[Verdict]) -> str:
    """One list item per focus country and commodity; empty without verdicts."""
    if not verdicts:
        return ""
    items = "".join(f"<li>{escape(v.text)}</li>" for v in verdicts)
    return (
        '<section class="verdict"><h2 id="verdict">Verdict</h2>'
        "<p>Per focus country and commodity: the best variant on "
        f"{escape(verdicts[0].metric)} (lower or higher as the metric is better), its paired"
        " effect against the baseline with the BCa interval, the probability that it is best,"
        " and the box of uncertain inputs (PRIM) in which it does worse than the baseline."
        " Each future is one replication: a sampled world and its random draws, the same for"
        " every variant.</p>"
        f"<ul>{items}</ul></section>"
    )
