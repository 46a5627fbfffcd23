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
# # Quickstart: load a scenario, run it, read the metrics
#
# This notebook replays Korea's 2021 urea crisis (`scenarios/replays/urea-korea-2021.yaml`):
# China held Korea-bound urea at customs from 15 October 2021, Korea bought
# emergency cargo from Vietnam, and China cleared the contracted cargo from
# 10 November. It uses only the public API (`import simulator as ss`).
#
# Run it from the repository root or from `notebooks/`.

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import simulator as ss

ROOT = Path.cwd() if (Path.cwd() / "scenarios").is_dir() else Path.cwd().parent
print("supplyshock", ss.__version__)

# %% [markdown]
# ## 1. Load a scenario
#
# `load_scenario` reads the YAML file, resolves `extends`, merges the embedded
# dataset (`data: builtin`) and validates everything. The result is a frozen
# `Scenario` whose network is inline.

# %%
scenario = ss.load_scenario(ROOT / "scenarios" / "replays" / "urea-korea-2021.yaml")
print(scenario.name, "-", scenario.horizon_days, "days, seed", scenario.seed)
print(scenario.description[:600], "...")

# %%
pd.DataFrame(
    [
        {
            "id": shock.id,
            "mode": shock.mode.value,
            "targets": shock.targets,
            "effective_day": shock.effective_day,
            "duration_days": shock.duration_days,
        }
        for shock in scenario.shocks
    ]
)

# %% [markdown]
# The trade network behind it: who supplies whom, per year. A link with no flow
# is a *potential route* that rerouting may use in a shock.

# %%
links = pd.DataFrame(
    [link.model_dump(by_alias=True) for link in scenario.network.links]
)
links[links["to"] == "KOR"][["from", "to", "flow_per_year", "lead_time_days"]]

# %% [markdown]
# ## 2. Run one replication
#
# `simulate(scenario, replication)` is a pure function: the same scenario,
# seed and replication always give the same result. Every run checks that no
# material is created or lost.

# %%
result = ss.simulate(scenario, replication=0)
ledger = result.ledgers["urea_industrial"]
print("material balance gap:", ledger.gap, "t")

# %% [markdown]
# ## 3. The metrics table
#
# One row per importing country (and coalition) × commodity: total shortfall,
# fill rate, time to survive (TTS: days from the shock to the first shortfall),
# time to recover (TTR), days short, economic loss, lowest coverage, ...

# %%
metrics = pd.DataFrame(ss.metrics_table(result, scenario))
columns = [
    "country",
    "shortfall",
    "fill_rate",
    "tts_days",
    "ttr_days",
    "shortage_days",
    "peak_shortfall_rate",
    "economic_loss_usd",
    "min_coverage_days",
]
metrics[columns].round(3)

# %% [markdown]
# Korea's row in words:

# %%
kor = metrics.set_index("country").loc["KOR"]
if kor.shortfall > 0:
    print(
        f"Korea ran short {kor.tts_days:.0f} days after the shock took effect, "
        f"for {kor.shortage_days:.0f} days, and was back above 99% of demand "
        f"{kor.ttr_days:.0f} days after it; {kor.shortfall:,.0f} t went unmet "
        f"(fill rate {kor.fill_rate:.2%})."
    )
else:
    print(
        f"Korea never ran short in this run: its stock fell to {kor.min_coverage_days:.0f} days"
        " of demand while Vietnamese cargo replaced the Chinese."
    )

# %% [markdown]
# ## 4. Daily trajectories
#
# `daily_table` gives the run day by day: inventory coverage, fill rate, what
# arrived. Day 0 is 11 October 2021 in this replay.

# %%
daily = ss.daily_table(result)
korea = daily[daily["country"] == "KOR"].set_index("day")

fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
top.plot(korea.index, korea["coverage_days"], color="tab:blue")
top.set_ylabel("stock, days of demand")
bottom.plot(korea.index, korea["fill_rate"], color="tab:red")
bottom.set_ylabel("daily fill rate")
bottom.set_xlabel("day (0 = 11 October 2021)")
for ax in (top, bottom):
    ax.axvline(4, color="grey", linestyle=":")  # inspections in force
    ax.axvline(30, color="grey", linestyle="--")  # contracted cargo cleared
fig.suptitle("Korea, industrial urea, replication 0")
fig.tight_layout()

# %% [markdown]
# ## 5. Another replication
#
# Random quantities (here the licence processing times after 10 November) are
# drawn per replication from seeded streams, so replication 1 differs from
# replication 0 but is reproducible.

# %%
rows = []
for r in range(5):
    run = ss.simulate(scenario, replication=r)
    row = next(x for x in ss.metrics_table(run, scenario) if x["country"] == "KOR")
    rows.append({"replication": r, **{k: row[k] for k in columns[1:6]}})
pd.DataFrame(rows)

# %% [markdown]
# ## 6. Against history
#
# A replay carries a `backtest:` section naming its episode in the bundled
# history (`simulator/data/history/`). `backtest` runs the replications and
# compares the model's monthly features with what happened: here Korea's
# filling stations ran out of urea solution in late October 2021, which the
# model does not reproduce (see `docs/validation.md` for why).

# %%
check = ss.backtest(scenario, replications=20)
pd.DataFrame(
    [
        {"feature": f.name, "history": f.history_text, "model": f.model_text,
         "verdict": f.status.value}
        for f in check.features
    ]
)

# %% [markdown]
# ## 7. Mistakes are reported with their place in the file
#
# A misspelt key is an `InputError` listing every problem as
# `FILE:LINE:COL: path: message`.

# %%
text = """
name: typo
horizon_days: 30
commodities:
  widget: {unit: t, price_usd_per_unit: 1, value_at_risk_usd_per_unit: 1}
network:
  nodes:
    - {country: CHN, commodity: widget, production_per_year: 10, demnd_per_year: 10}
"""
try:
    ss.load_scenario_text(text, name="typo.yaml")
except ss.InputError as error:
    for issue in error.issues:
        print(issue)
