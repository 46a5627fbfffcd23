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
# # National reserves, a joint stockpile, mutual transfers
#
# The gallium policy experiment `scenarios/experiments/gallium-kj.yaml`: China
# bans gallium exports to every destination from day 30 for 60 to 300 days.
# Korea (98% Chinese, one month of stock) and Japan (a third of its use from
# China, six months of stock) hold the same total reserve - 60 days of demand -
# in five ways:
#
# | variant | what |
# |---|---|
# | `national` | 60-day national reserves (the reference) |
# | `pooled` | one Korea-Japan pool of 60 days of combined demand |
# | `transfer` | national reserves + a mutual-transfer agreement |
# | `both` | the pool + the agreement |
# | `kj-plus` | pool and agreement with the US and Australia, joint purchasing first |
#
# Every variant runs on the same replications and random draws (common random
# numbers), so the comparison is paired, replication by replication.
#
# The notebook runs a small number of replications so that it finishes in
# seconds; set `SUPPLYSHOCK_NB_REPLICATIONS` (or edit the cell below) for more.
# The command line does the same: `supplyshock batch` then `supplyshock compare`.

# %% tags=["parameters"]
import os

REPLICATIONS = int(os.environ.get("SUPPLYSHOCK_NB_REPLICATIONS", "40"))
WORKERS = int(os.environ.get("SUPPLYSHOCK_NB_WORKERS", "1"))
OUT = os.environ.get("SUPPLYSHOCK_NB_OUT")  # a results folder; a temporary one when unset

# %%
import tempfile
from pathlib import Path

import simulator as ss

ROOT = Path.cwd() if (Path.cwd() / "scenarios").is_dir() else Path.cwd().parent
out = Path(OUT) if OUT else Path(tempfile.mkdtemp(prefix="supplyshock-")) / "gallium-kj"

# %% [markdown]
# ## 1. Run the experiment
#
# `run_experiment` reads the experiment, applies each variant's overlay to the
# base scenario (`scenarios/experiments/base/gallium.yaml`), validates every
# variant before anything runs, then runs the replications into a results
# folder of Parquet files (the same folder `supplyshock batch` writes; an
# interrupted run resumes). Daily records are kept every 5th day for the
# trajectory plots. The result shows itself as a short table.

# %%
results = ss.run_experiment(
    ROOT / "scenarios" / "experiments" / "gallium-kj.yaml",
    replications=REPLICATIONS,
    workers=WORKERS,
    out=out,
    overwrite=True,
    daily_every=5,
)
assert not results.failures, results.failures
results

# %% [markdown]
# ## 2. Paired comparison with the national reference
#
# The headline first: for each focus country, each variant's effect on the
# shortfall against `national`, with its 95% interval and the shares of
# replications on which it does better, the same and worse. The tables behind
# it are DataFrames.

# %%
report = results.compare(countries=["KOR", "JPN", "KJ"], n_resamples=500)
report

# %%
columns = [
    "variant",
    "metric",
    "country",
    "mean",
    "baseline_mean",
    "mean_diff",
    "adjusted_ci_low",
    "adjusted_ci_high",
    "share_better",
    "share_equal",
    "share_worse",
]
comparisons = report.comparisons
comparisons[comparisons["metric"].isin(["shortfall", "fill_rate", "stockpile_cost_usd"])][
    columns
].round(4)

# %% [markdown]
# Means per variant (with the 5th and 95th percentiles over replications):

# %%
statistics = report.statistics
statistics[
    statistics["metric"].isin(["shortfall", "shortage_days"]) & (statistics["country"] == "KOR")
][["variant", "metric", "mean", "p05", "p95"]].round(3)

# %% [markdown]
# Time to survive is not averaged (a replication without shortfall has none),
# and time to recover is taken over the replications with a shortfall: the
# event table gives the share of replications with the event and the
# Kaplan-Meier median.

# %%
events = report.events
events[(events["country"] == "KOR")][
    ["variant", "metric", "n", "n_events", "share_with_event", "median_days", "p_better"]
].round(3)

# %% [markdown]
# ## 3. Plots
#
# Bars are green where a variant is better than the baseline, red where worse.

# %%
ss.difference_bars(comparisons[comparisons["country"] == "KOR"], "shortfall")

# %%
ss.loss_ecdf(results.summary, "KOR", "gallium", metric="shortfall")

# %%
ss.survival_plot(
    report.survival,
    "KOR",
    "gallium",
    "tts_days",
    censor_day=results.folder.days_after_shock("national", "gallium"),
)

# %%
daily = results.folder.read_daily(countries=["KOR"], commodities=["gallium"])
ss.fan_chart(daily, "coverage_days", "KOR", "gallium", ["national", "pooled", "both"], shock_day=30)

# %% [markdown]
# The whole report, as `supplyshock report` writes it:

# %%
print(results.report(out / "report.html"))

# %% [markdown]
# ## 4. Reading it
#
# * With both countries cut off, Korea runs short under national reserves
#   alone: its 60-day reserve is a few tonnes, while Japan's reserve - and
#   Japan's six months of commercial stock - sit unused.
# * A pool of the same total stock, released by need, or a transfer agreement
#   that lets Korea borrow from Japan's stock above its floor, closes most of
#   Korea's gap at no extra carrying cost.
# * Japan does not run short in any variant: its stock outlasts the ban.
