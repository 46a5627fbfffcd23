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
# # The trade network: dependence and chokepoints
#
# Before simulating anything, the baseline network of the embedded dataset
# already says who depends on whom. This notebook reads every commodity of the
# dataset and computes, with `ss.network_metrics`:
#
# * **import dependence** `δ_j = M_j / D_j`: imports as a share of demand;
# * **dependence on China**: China's flow to `j` as a share of `j`'s demand,
#   what a full stop would cut before stocks, rerouting or new capacity;
# * **import concentration** (Herfindahl–Hirschman index of the sources);
# * **import vulnerability** `V_j = δ_j · HHI_j` and **export power**;
# * **chokepoints**: the exporters whose stop would cut the most supply.

# %%
from pathlib import Path

import pandas as pd

import simulator as ss

nm = ss.network_metrics

ROOT = Path.cwd() if (Path.cwd() / "scenarios").is_dir() else Path.cwd().parent

# %% [markdown]
# A scenario that names no commodity under `commodities:` takes every commodity
# of the dataset; with no shocks it is just the baseline network.

# %%
baseline = ss.load_scenario_text(
    "name: dataset\ndescription: the embedded dataset's baseline\nhorizon_days: 1\ndata: builtin\n",
    name=str(ROOT / "dataset.yaml"),
)
network = ss.TradeNetwork.from_scenario(baseline)
commodities = list(network.commodities)
commodities

# %% [markdown]
# ## Korea's and Japan's dependence, per commodity

# %%
rows = []
for commodity in commodities:
    dependence = nm.import_dependence(network, commodity)
    china = nm.exporter_dependence(network, "CHN", commodity)
    hhi = nm.import_hhi(network, commodity, points=True)
    vulnerability = nm.import_vulnerability(network, commodity)
    for country in ("KOR", "JPN", "USA"):
        if country not in dependence:
            continue
        rows.append(
            {
                "commodity": commodity,
                "country": country,
                "import_dependence": dependence[country],
                "china_share_of_imports": china[country].share_of_imports,
                "china_share_of_demand": china[country].share_of_demand,
                "hhi_points": hhi.get(country, 0.0),
                "vulnerability": vulnerability[country],
            }
        )
dependence_table = pd.DataFrame(rows)
dependence_table.round(3)

# %% [markdown]
# The same as a grid: China's share of each country's demand.

# %%
dependence_table.pivot(
    index="commodity", columns="country", values="china_share_of_demand"
).round(2)

# %% [markdown]
# ## Chokepoints
#
# For each commodity, the exporters ranked by what the others lose when their
# exports stop, and the worst-hit importer.

# %%
rows = []
for commodity in commodities:
    for point in nm.chokepoints(network, commodity)[:3]:
        worst = max(point.losses, key=point.losses.get) if point.losses else None
        rows.append(
            {
                "commodity": commodity,
                "exporter": point.country,
                "lost_per_year": point.lost_per_year,
                "share_of_world_demand": point.lost_share_of_world_demand,
                "worst_hit": worst,
                "worst_hit_loses": point.max_share_of_demand,
            }
        )
pd.DataFrame(rows).round(3)

# %% [markdown]
# ## Export power and import vulnerability
#
# Export power `E_i` is a country's share of the world's import dependence:
# how much of other countries' needs it could cut, each country weighted
# alike. The scores of a commodity sum to 1.

# %%
power = pd.DataFrame(
    {commodity: nm.export_power(network, commodity) for commodity in commodities}
).fillna(0.0)
power.loc[(power > 0.01).any(axis=1)].round(3)

# %%
vulnerability = pd.DataFrame(
    {commodity: nm.import_vulnerability(network, commodity) for commodity in commodities}
).fillna(0.0)
vulnerability.loc[["KOR", "JPN", "USA"]].round(3)

# %% [markdown]
# ## Where Korea's gallium comes from, and where else it could
#
# Node area is production, arrow width the baseline flow; dashed arrows are
# potential routes (no flow today) that rerouting can use in a shock.

# %%
nm.import_shares(network, "gallium")["KOR"]

# %%
figure = ss.plot_network(network, "gallium")
figure
