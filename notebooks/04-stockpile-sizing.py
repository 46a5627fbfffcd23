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

import pandas as pd

from simulator.analysis import plots
from simulator.analysis.compare import compare_results, open_results
from simulator.analysis.sweep import evaluate_target, parse_target, sweep_table
from simulator.experiments import load_plan, make_backend, run_batch

ROOT = Path.cwd() if (Path.cwd() / "scenarios").is_dir() else Path.cwd().parent
out = Path(OUT) if OUT else Path(tempfile.mkdtemp(prefix="supplyshock-")) / "gallium-pool-size"

# %% [markdown]
# ## 1. Run the sweep

# %%
plan = load_plan(
    ROOT / "scenarios" / "experiments" / "gallium-pool-size.yaml", replications=REPLICATIONS
)
print("swept:", ", ".join(plan.parameters))
print("points:", ", ".join(v.name for v in plan.variants))
batch = run_batch(plan, out, backend=make_backend(WORKERS), overwrite=True)
print(f"{batch.replications_done} replications in {batch.wall_seconds:.1f} s")
assert batch.ok, batch.failures

# %% [markdown]
# ## 2. Each metric against the pool's size
#
# `sweep_table` gives, per swept value, the mean of each metric over
# replications with its 95% t interval.

# %%
results = open_results(out)
parameter = results.sweep_parameters[0]
table = sweep_table(
    results.summary,
    results.sweep_parameters,
    ["fill_rate", "shortfall", "shortage_days", "stockpile_cost_usd"],
    countries=["KOR", "JPN", "KJ"],
)
table.round(4)

# %%
plots.sweep_response(table, parameter, "fill_rate", countries=["KOR", "JPN"], commodity="gallium")

# %%
plots.sweep_response(table, parameter, "stockpile_cost_usd", countries=["KJ"], commodity="gallium")

# %% [markdown]
# ## 3. The smallest pool that meets the target
#
# `evaluate_target` counts, per size, the replications meeting the condition,
# with a Wilson interval on the share; it names the smallest size whose share
# meets the target, and - more cautiously - the smallest whose Wilson lower
# bound does.

# %%
target = parse_target(TARGET)
(result,) = evaluate_target(results.summary, target, results.sweep_parameters)
print(f"target {target.text}")
print("smallest pool meeting it:", result.smallest_value, "days of combined demand")
print("smallest by the Wilson lower bound:", result.smallest_value_confident)
result.table.round(3)

# %% [markdown]
# The same through `compare_results`, which also pairs every size with no pool:

# %%
report = compare_results(results, countries=["KOR"], targets=[TARGET], n_resamples=200)
report.comparisons[report.comparisons["metric"].isin(["shortfall", "fill_rate"])][
    ["variant", "metric", "mean", "mean_diff", "ci_low", "ci_high", "p_better"]
].round(4)

# %% [markdown]
# ## 4. What the smallest pool holds and costs
#
# Gallium at the dataset's price ($257,500/t) and carrying cost (5% a year).

# %%
smallest = result.smallest_value
if smallest is not None:
    variant = next(v for v in plan.variants if v.params[parameter] == smallest)
    scenario = variant.scenario
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
