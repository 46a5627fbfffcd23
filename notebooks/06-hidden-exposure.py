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
# # Hidden exposure: Korea's dependence on China through Japan
#
# Korea buys 87.9% of its NdFeB magnets from China and Japan only 31.1%
# (KITA, 2022). Read one commodity at a time, Japan looks like the safer
# supplier. But magnets are made from rare-earth oxides, and the heavy ones
# (dysprosium, terbium) were separated only in China in 2024. This notebook
# follows the dependence up the recipe graph of the embedded dataset
# (`simulator.analysis.exposure`, formulas in `docs/network-analytics.md`):
#
# * **direct** exposure: the share of a country's supply bought from China;
# * **indirect** exposure: the share whose production needs Chinese input
#   somewhere upstream, through the suppliers' inputs (fixed recipes: output
#   is limited by its scarcest input);
# * **chokepoint inputs**: which single commodity China could stop to cut
#   the most.
#
# All of it is first-order: what would be lost at once, before stocks,
# rerouting, new capacity or substitution; this notebook reads the baseline
# network only (the engine simulates the chains day by day: docs/model.md,
# "Multi-tier production").

# %%
from pathlib import Path
from typing import Any

import pandas as pd

import simulator as ss

ROOT = Path.cwd() if (Path.cwd() / "scenarios").is_dir() else Path.cwd().parent

# %% [markdown]
# ## The chains in the dataset
#
# With no commodity named, a scenario takes the whole dataset, with its
# recipes: NdPr oxide and Dy/Tb oxide → magnets → traction-motor sets, and
# industrial urea → diesel exhaust fluid.

# %%
baseline = ss.load_scenario_text(
    "name: dataset\nhorizon_days: 1\ndata: builtin\n", name=str(ROOT / "dataset.yaml")
)
network = ss.TradeNetwork.from_scenario(baseline)
pd.DataFrame(
    [
        {"product": product, "producer": country, **dict(recipe.inputs)}
        for (product, country), recipe in network.recipes.items()
        if country in ("CHN", "JPN", "KOR")
    ]
).fillna("")

# %% [markdown]
# ## Direct and indirect exposure to China


# %%
def exposure_table(trade: ss.TradeNetwork, countries: tuple[str, ...]) -> pd.DataFrame:
    rows = []
    for product in ("ndfeb_magnets", "vehicle_motors", "diesel_exhaust_fluid"):
        for country, e in ss.exposures(trade, product, "CHN").items():
            if country in countries:
                rows.append(
                    {
                        "product": product,
                        "country": country,
                        "direct": e.direct,
                        "indirect": e.indirect,
                        "total": e.total,
                    }
                )
    return pd.DataFrame(rows).set_index(["product", "country"])


exposure_table(network, ("KOR", "JPN")).round(3)

# %% [markdown]
# Japan buys 31% of its imported magnets from China (17.5% of its magnet
# supply: it makes most of the rest), but every Japanese magnet line
# needs Dy/Tb, all of which was separated in China: first-order, a Chinese
# stop on everything would leave Japan's magnet supply, and the motors made
# from it, without their heavy rare earths. Korea's magnets are exposed
# directly; its motors, which it does not import, entirely indirectly.
#
# The inputs that carry the exposure, one at a time:

# %%
pd.DataFrame(
    {
        country: {
            r.input: r.exposure for r in ss.chokepoint_inputs(network, country, "vehicle_motors")
        }
        for country in ("KOR", "JPN")
    }
).round(3)

# %% [markdown]
# For Korea the largest single lever is magnets themselves (the 87.9% bought
# from China); for Japan it is the heavy oxides: a control on Dy/Tb alone, as
# in April 2025, reaches Japanese motor lines through Japan's own magnet
# makers.
#
# ## If Korea bought its magnets from Japan
#
# Suppose Korea replaced its Chinese magnets by Japanese ones: Japan makes
# 6,015 t more (with the oxides that takes, 0.3112 and 0.013 t per t, bought
# from China, which no longer needs them for the magnets it stops selling to
# Korea), and ships them to Korea on the potential route JPN → KOR. The
# baseline stays balanced; only the routes change.


# %%
def korea_buys_japanese(scenario: ss.Scenario, tonnes: float) -> ss.Scenario:
    data: dict[str, Any] = scenario.resolved_dict()
    recipe = dict(scenario.commodities["ndfeb_magnets"].recipe or {})

    def node(commodity: str, country: str) -> dict[str, Any]:
        (found,) = (
            n
            for n in data["network"]["nodes"]
            if n["commodity"] == commodity and n["country"] == country
        )
        return found

    def link(commodity: str, exporter: str, importer: str) -> dict[str, Any]:
        (found,) = (
            x
            for x in data["network"]["links"]
            if (x["commodity"], x["from"], x["to"]) == (commodity, exporter, importer)
        )
        return found

    link("ndfeb_magnets", "CHN", "KOR")["flow_per_year"] -= tonnes
    link("ndfeb_magnets", "JPN", "KOR")["flow_per_year"] += tonnes
    for country, change in (("JPN", tonnes), ("CHN", -tonnes)):
        magnets = node("ndfeb_magnets", country)
        magnets["production_per_year"] += change
        magnets["capacity_per_year"] += change
    for oxide, per_unit in recipe.items():
        node(oxide, "JPN")["demand_per_year"] += per_unit * tonnes
        node(oxide, "CHN")["demand_per_year"] -= per_unit * tonnes
        link(oxide, "CHN", "JPN")["flow_per_year"] += per_unit * tonnes
    return ss.Scenario.model_validate(data)


via_japan = ss.TradeNetwork.from_scenario(korea_buys_japanese(baseline, 6015.0))
pd.concat(
    {"today": exposure_table(network, ("KOR",)), "via Japan": exposure_table(via_japan, ("KOR",))},
    axis=1,
).round(3)

# %% [markdown]
# Korea's direct dependence on China for magnets falls to zero, yet its
# exposure does not move: the Chinese dependence now travels through Japan's
# oxide imports. Diversifying suppliers of the finished good does not
# diversify its inputs.
#
# ## What would reduce it: Dy/Tb from outside China
#
# Lynas began separating Dy/Tb in Malaysia in 2025, and Sojitz/JOGMEC import it
# into Japan, aiming at about 30% of Japan's demand. Suppose Lynas's output
# takes that share of Japan's heavy oxide (on the potential route AUS → JPN,
# with Lynas's Australian feed no longer sent to China for separation):


# %%
def lynas_heavy_for_japan(scenario: ss.Scenario, share: float) -> ss.Scenario:
    data: dict[str, Any] = scenario.resolved_dict()
    links = {(x["commodity"], x["from"], x["to"]): x for x in data["network"]["links"]}
    nodes = {(n["commodity"], n["country"]): n for n in data["network"]["nodes"]}
    heavy = "rare_earth_oxides_heavy"
    tonnes = share * nodes[heavy, "JPN"]["demand_per_year"]
    links[heavy, "CHN", "JPN"]["flow_per_year"] -= tonnes
    links[heavy, "AUS", "JPN"]["flow_per_year"] += tonnes
    links[heavy, "AUS", "CHN"]["flow_per_year"] -= tonnes  # Lynas keeps that feed
    return ss.Scenario.model_validate(data)


both = korea_buys_japanese(lynas_heavy_for_japan(baseline, 0.3), 6015.0)
pd.concat(
    {
        "via Japan": exposure_table(via_japan, ("KOR", "JPN")),
        "via Japan, Lynas Dy/Tb": exposure_table(
            ss.TradeNetwork.from_scenario(both), ("KOR", "JPN")
        ),
    },
    axis=1,
).round(3)

# %% [markdown]
# ## And if magnet makers could do with less Dy/Tb
#
# Grain-boundary diffusion and Dy-free grades cut the heavy rare earths a
# magnet needs. Suppose every magnet maker could replace half of its Dy/Tb
# (an illustration, not a sourced figure), and look at the exposure once that
# substitution has fully ramped up (`substitution=True`):


# %%
def with_heavy_substitution(scenario: ss.Scenario, share: float) -> ss.Scenario:
    data: dict[str, Any] = scenario.resolved_dict()
    data["commodities"]["ndfeb_magnets"]["substitution"] = {
        "rare_earth_oxides_heavy": {"share": share, "delay_days": 90, "ramp_days": 180}
    }
    return ss.Scenario.model_validate(data)


thrifty = ss.TradeNetwork.from_scenario(with_heavy_substitution(baseline, 0.5))
pd.DataFrame(
    {
        "first order": {c: ss.exposure(thrifty, c, "vehicle_motors").total for c in ("KOR", "JPN")},
        "after substitution": {
            c: ss.exposure(thrifty, c, "vehicle_motors", substitution=True).total
            for c in ("KOR", "JPN")
        },
    }
).round(3)

# %% [markdown]
# Halving the need for Dy/Tb moves the bottleneck to NdPr oxide, which Japan
# also buys mostly from China in the data: the exposure falls less than the
# substitution share. A non-Chinese source of heavy rare earths for Japan
# protects Korea too, as
# far as Korea buys Japanese magnets: the partner's raw-material supply
# reaches the other partner through the chain. How much of this survives
# stocks, pipelines and substitution over time is the engine's question: the
# next section simulates it.

# %% [markdown]
# ## Oxides or magnets: which joint stock protects whom
#
# `scenarios/experiments/magnets-kj-tiers.yaml` bans heavy oxides and magnets
# to Korea and Japan for 180 days and compares no joint stock with a
# Korea-Japan stock of the same value held as Dy/Tb oxide at Japan's magnet
# makers, or as magnets. The engine limits each producer's output by the
# inputs its country holds, day by day, and the world prices respond; every
# variant of a replication runs in the same sampled world. (The shipped
# experiment runs 100 futures; set `SUPPLYSHOCK_NB_REPLICATIONS` for fewer.)

# %%
import os
import tempfile

REPLICATIONS = int(os.environ.get("SUPPLYSHOCK_NB_REPLICATIONS", "100"))
OUT = os.environ.get("SUPPLYSHOCK_NB_OUT")
out = Path(OUT) if OUT else Path(tempfile.mkdtemp(prefix="supplyshock-"))
tiers = ss.run_experiment(
    ROOT / "scenarios/experiments/magnets-kj-tiers.yaml",
    replications=REPLICATIONS,
    out=out / "magnets-kj-tiers",
    overwrite=True,
)
mean_shortfall = (
    tiers.summary[tiers.summary["commodity"].isin(["ndfeb_magnets", "vehicle_motors"])]
    .groupby(["commodity", "country", "variant"])["shortfall"]
    .mean()
    .unstack("variant")[["none", "oxides", "magnets"]]
)
mean_shortfall.loc[(slice(None), ["KOR", "JPN", "KJ"]), :].round(1)

# %% [markdown]
# Mean shortfall over the futures (magnets in tonnes, motors in sets). With
# the shipped 100 futures, the oxide stock protects Japan's magnet lines,
# which need Chinese Dy/Tb, and through Japan's magnets Korea's motor lines;
# the magnet stock protects Korea's own magnet use and hardly Japan. The
# paired comparison, verdicts first:

# %%
for line in tiers.verdict(countries=["KOR", "JPN"]):
    print(f"{line.country} {line.commodity} - {line.text}")
