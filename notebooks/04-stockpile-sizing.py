# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # How big should a joint stockpile be?
#
# The sweep `scenarios/experiments/gallium-pool-size.yaml` runs the gallium
# ban of `gallium-kj` (every destination, from day 30, for 60 to 300 days) with
# only a Korea-Japan pool, of 0, 15, 30, 60 and 90 days of the two countries'
# combined demand. Each size is a sweep point, compared on the same
# replications with no pool at all.
#
# The question: **what is the smallest pool that keeps Korea's fill rate at or
# above 99% in at least 90% of replications?** - and what it costs to carry.
#
# Set `SUPPLYSHOCK_NB_REPLICATIONS` for more replications than the quick default.

# %% tags=["parameters"]
import os

REPLICATIONS = int(os.environ.get("SUPPLYSHOCK_NB_REPLICATIONS", "40"))
WORKERS = int(os.environ.get("SUPPLYSHOCK_NB_WORKERS", "1"))
OUT = os.environ.get("SUPPLYSHOCK_NB_OUT")  # a results folder; a temporary one when unset
TARGET = "KOR.gallium.fill_rate>=0.99@0.9"

# %%
import tempfile
from pathlib import Path

import simulator as ss

ROOT = Path.cwd() if (Path.cwd() / "scenarios").is_dir() else Path.cwd().parent
out = Path(OUT) if OUT else Path(tempfile.mkdtemp(prefix="supplyshock-")) / "gallium-pool-size"

# %% [markdown]
# ## 1. Run the sweep
#
# Each pool size is a sweep point, run as a variant named after its value.

# %%
results = ss.run_experiment(
    ROOT / "scenarios" / "experiments" / "gallium-pool-size.yaml",
    replications=REPLICATIONS,
    workers=WORKERS,
    out=out,
    overwrite=True,
)
assert not results.failures, results.failures
print("points:", ", ".join(results.variants))
results

# %% [markdown]
# ## 2. Each metric against the pool's size, and the target
#
# The comparison pairs every size with no pool; its `sweep` table gives, per
# swept value, the mean of each metric over replications with its 95% t
# interval, and the target's answer leads the headline: the smallest size
# whose share of replications meets it, and - more cautiously - the smallest
# whose Wilson lower bound does.

# %%
report = results.compare(
    metrics=["fill_rate", "shortfall", "shortage_days", "stockpile_cost_usd"],
    countries=["KOR", "JPN", "KJ"],
    targets=[TARGET],
    n_resamples=200,
)
report

# %%
parameter = report.sweep_parameters[0]
report.sweep.round(4)

# %%
ss.sweep_response(report.sweep, parameter, "fill_rate", countries=["KOR", "JPN"], commodity="gallium")

# %%
ss.sweep_response(report.sweep, parameter, "stockpile_cost_usd", countries=["KJ"], commodity="gallium")

# %%
(result,) = report.targets
print("smallest pool meeting it:", result.smallest_value, "days of combined demand")
print("smallest by the Wilson lower bound:", result.smallest_value_confident)
result.table.round(3)

# %% [markdown]
# ## 3. What the smallest pool holds and costs
#
# Gallium at the dataset's price ($257,500/t) and carrying cost (5% a year).

# %%
smallest = result.smallest_value
if smallest is not None:
    scenario = ss.load_scenario(ROOT / "scenarios" / "experiments" / "base" / "gallium-pooled.yaml")
    commodity = scenario.commodities["gallium"]
    daily = sum(
        n.demand_per_year for n in scenario.network.nodes
        if n.commodity == "gallium" and n.country in ("KOR", "JPN")
    ) / 365
    tonnes = smallest * daily
    yearly = tonnes * commodity.price_usd_per_unit * commodity.carrying_cost_per_year
    print(f"{smallest} days = {tonnes:.1f} t of gallium, carrying cost ${yearly:,.0f} a year")
else:
    print("no size in the sweep meets the target with these replications")
