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
# # Where policies fail
#
# Nobody knows how much graphite Korean battery makers hold, how fast a
# Brazilian cargo reaches Ulsan, or how long the next ban lasts. The dataset
# fixes such figures at a guess; an experiment on `data: builtin` samples each
# guess over a plausible range (`simulator/data/uncertainty.csv`, reasons in
# `SOURCES.md`), by a Latin hypercube across replications. Every variant of a
# replication runs in the same sampled world, so each replication is one
# *future* in which the policies are compared.
#
# This notebook takes the battery-graphite policy experiment
# (`scenarios/experiments/graphite-kj.yaml`) and asks, for the joint
# Korea-Japan stockpile against national reserves:
#
# 1. the **verdict**: which variant is best, by how much, and where it loses;
# 2. **scenario discovery**: which futures make the pool worse than national
#    reserves (a PRIM box, in words);
# 3. **sensitivity**: which uncertain inputs drive the paired difference (PAWN);
# 4. **robustness**: satisficing and regret across futures.
#
# The command line does the same: `supplyshock batch`, `supplyshock compare`
# (the verdict comes first) and `supplyshock explore`.

# %% tags=["parameters"]
import os

REPLICATIONS = int(os.environ.get("SUPPLYSHOCK_NB_REPLICATIONS", "100"))
WORKERS = int(os.environ.get("SUPPLYSHOCK_NB_WORKERS", "1"))
OUT = os.environ.get("SUPPLYSHOCK_NB_OUT")  # a results folder; a temporary one when unset

# %%
import tempfile
from pathlib import Path

import pandas as pd

import simulator as ss

ROOT = Path.cwd() if (Path.cwd() / "scenarios").is_dir() else Path.cwd().parent
out = Path(OUT) if OUT else Path(tempfile.mkdtemp(prefix="supplyshock-")) / "graphite-kj"

# %% [markdown]
# ## 1. The sampled worlds
#
# Each replication is one future. The results record, for each, the sampled
# value of every uncertain figure (the `u.data.*` columns of the summary);
# the manifest lists the ranges they were drawn from.

# %%
results = ss.run_experiment(
    ROOT / "scenarios/experiments/graphite-kj.yaml",
    replications=REPLICATIONS,
    workers=WORKERS,
    out=out,
    overwrite=True,
)
ranges = pd.DataFrame(results.folder.manifest["data_uncertainty"]).set_index("label")
futures = results.summary.groupby("replication").first()
ranges["sampled mean"] = [futures[f"u.{label}"].mean() for label in ranges.index]
ranges

# %% [markdown]
# ## 2. The verdict
#
# One line per focus country (the coalition members; never the exporter): the
# best variant on shortfall, its paired effect against national reserves with
# the BCa interval, P(best), and the box of futures in which it does worse.

# %%
for line in results.verdict(countries=["KOR", "JPN"]):
    print(f"{line.country} {line.commodity} - {line.text}")

# %% [markdown]
# ## 3. Where the pool loses
#
# A future is a *case* when the pool does worse than national reserves in it
# (paired, the same world). PRIM peels the box of inputs where the cases
# gather; coverage is the share of all cases inside the box, density the share
# of futures in the box that are cases. With 100 futures the pool loses for
# Korea in most futures in which the ban lasts longer than about 170 days.
# Japan makes no battery graphite of its own (Korea makes about 40% of its
# use), so under a ban Japan's cover falls first and a pool released by need
# goes mostly to Japan, while Korea has given up its own 60-day reserve for
# it. For Japan the same pool is the better arrangement.

# %%
found = results.explore(variants=["pooled"], countries=["KOR", "JPN"])
for discovery in found.discoveries:
    print(discovery.text)

# %% [markdown]
# The peeling trajectory trades coverage for density; the chosen box is the
# densest one that still covers half of the cases.

# %%
korea = next(d for d in found.discoveries if d.country == "KOR")
if korea.prim is not None:
    trajectory = pd.DataFrame(
        [(b.coverage, b.density, b.mass, len(b.limits)) for b in korea.prim.trajectory],
        columns=["coverage", "density", "mass", "inputs restricted"],
    )
    print(trajectory.iloc[:: max(1, len(trajectory) // 10)].to_string())

# %% [markdown]
# ## 4. What drives the difference
#
# PAWN ranks the inputs by how much the distribution of the paired difference
# (pooled minus national) moves within slices of each input. The grey dummy is
# an input with no effect at all: inputs below it are indistinguishable from
# noise at this sample size.

# %%
ss.plot_sensitivity(korea.sensitivity, "pooled - national: KOR battery graphite shortfall")

# %% [markdown]
# ## 5. Robustness across futures
#
# For each variant: the share of futures meeting a target (here Korea's fill
# rate at least 0.99), the share in which it is best, and its regret - how much
# more shortfall than the best variant of the same future - at worst and at the
# 90th percentile.

# %%
robust = results.explore(target="KOR.fill_rate>=0.99")
robust.robustness

# %% [markdown]
# The mean effect and its tight interval say what happens on average over the
# sampled worlds; the box and the regret say in which worlds a policy would be
# regretted. A policy to recommend is one whose losing box is implausible, or
# whose regret is small where it loses.
