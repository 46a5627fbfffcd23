"""Help texts shared by the commands: the metric names, the target grammar, the glossary.

Built from light modules only, so ``--help`` stays fast.
"""

from __future__ import annotations

from simulator.analysis.glossary import GLOSSARY
from simulator.analysis.quantities import METRIC_KINDS

__all__ = ["GLOSSARY_HELP", "METRIC_NAMES", "TARGET_GRAMMAR"]

METRIC_NAMES = ", ".join(METRIC_KINDS)
"""Every metric name a ``--metric`` accepts."""

TARGET_GRAMMAR = (
    "A requirement COUNTRY[.COMMODITY].METRIC OP VALUE[@SHARE], OP one of >= <= > <,"
    ' SHARE of replications (default 0.95), e.g. "KOR.gallium.fill_rate>=0.99@0.9":'
    " the smallest swept value (or the variants) meeting it; its answer leads the headline"
    " (repeat)."
)

GLOSSARY_HELP = "Terms: " + "  ".join(f"{term}: {text}" for term, text in GLOSSARY.items())
"""The glossary as one paragraph for a command's ``--help`` epilog."""
