"""The terms a comparison uses, defined once for ``--help`` and the report's glossary."""

from __future__ import annotations

__all__ = ["GLOSSARY"]

GLOSSARY: dict[str, str] = {
    "baseline": "the variant every other is compared with (the experiment's `baseline:`,"
    " or --baseline).",
    "paired difference": "a variant's value minus the baseline's on the same replication;"
    " variants share every random draw (common random numbers), so the difference is the"
    " policy's effect on that replication.",
    "CI (t)": "confidence interval of the mean paired difference from Student's t"
    " (mean ± t·sd/√n).",
    "BCa": "bias-corrected and accelerated bootstrap interval of the mean paired difference"
    " (resampling replications); no normality assumed.",
    "Bonferroni": "intervals widened so that all comparisons with one baseline hold together"
    " (level 1 − α/m for m comparisons).",
    "better / equal / worse": "shares of replications on which the variant does better than,"
    " the same as, or worse than the baseline; they sum to 100%.",
    "P(better), ties ½": "for TTS/TTR: the share of replications better, with a tie counted"
    " as half.",
    "P(best)": "probability that a variant has the best mean, by resampling replications.",
    "CVaR95": "conditional value at risk: the mean of the worst 5% of replications of a loss.",
    "TTS": "time to survive: days from the shock until the first shortfall; empty when there"
    " is none within the horizon.",
    "TTR": "time to recover: days from the shock until the daily fill rate stays at or above"
    " 99%; taken over replications with a shortfall (empty without one).",
    "fill rate": "share of demand met over the horizon.",
    "shortfall": "total unmet demand over the horizon, in the commodity's unit.",
    "days of demand lost": "shortfall divided by daily demand.",
    "economic loss": "output lost to shortfall, at the country's value per unit short of its"
    " own consumption, plus the welfare lost on demand the price took away (USD).",
    "demand forgone": "demand the price or substitution took away: not shortfall.",
    "extra spending": "what buyers paid above the baseline price for what they bought;"
    " shown beside the economic loss, never added to it.",
    "Wilson CI": "interval of a share of replications meeting a target.",
}
"""Term → definition, in reading order."""
