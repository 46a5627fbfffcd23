"""Exposure through inputs, on a hand-computed three-tier chain and against a Leontief inverse.

The chain (``tests/data/three-tier-chain.yaml``), t/yr or motors/yr::

    heavy   CHN P=10 D=6   AUS P=1        JPN D=5    CHN->JPN 4, AUS->JPN 1
    light   CHN P=30 D=24  AUS P=9        JPN D=15   CHN->JPN 6, AUS->JPN 9
    magnet  CHN P=60 D=30  JPN P=50 D=30  KOR D=50   CHN->KOR 30, JPN->KOR 20
            recipe: 0.1 heavy + 0.3 light per magnet
    motor   JPN P=2000 D=1500   KOR P=4000 D=4500    JPN->KOR 500
            recipe: 0.01 magnet per motor

China stops every commodity (the formulas are in docs/network-analytics.md):

* JPN heavy: a = (0 + 4·0 + 1·1) / 5 = 0.2; JPN light: a = (6·0 + 9·1) / 15 = 0.6.
* JPN magnets: q = min(0.2, 0.6) = 0.2; CHN magnets: q = min(1, 1) = 1 (China
  keeps its own oxides).
* KOR magnets: a = (30·0 + 20·0.2) / 50 = 0.08 → exposure 0.92, direct 30/50 = 0.6,
  indirect 0.32.
* JPN magnets (supply = own 50 − 20 exported = 30): a = 30·0.2 / 30 = 0.2 → 0.8, all indirect.
* KOR motors: q_KOR = a_magnet(KOR) = 0.08, q_JPN = a_magnet(JPN) = 0.2;
  a = (4000·0.08 + 500·0.2) / 4500 = 420/4500 → exposure 4080/4500 = 0.906667, all indirect.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.analysis.exposure import (
    available_shares,
    chokepoint_inputs,
    exposure,
    exposures,
    upstream_inputs,
)
from simulator.io.scenario_file import load_scenario, load_scenario_text
from simulator.model.network import TradeNetwork

CHAIN = Path(__file__).parent / "data" / "three-tier-chain.yaml"


@pytest.fixture(scope="module")
def trade() -> TradeNetwork:
    return TradeNetwork.from_scenario(load_scenario(CHAIN))


def test_korea_magnets_direct_and_indirect(trade: TradeNetwork) -> None:
    e = exposure(trade, "KOR", "magnet")
    assert e.direct == pytest.approx(0.6, abs=1e-12)
    assert e.indirect == pytest.approx(0.32, abs=1e-12)
    assert e.total == pytest.approx(0.92, abs=1e-12)


def test_japan_magnets_are_exposed_only_through_oxides(trade: TradeNetwork) -> None:
    e = exposure(trade, "JPN", "magnet")
    assert (e.direct, e.indirect) == (0.0, pytest.approx(0.8, abs=1e-12))


def test_korea_motors_hidden_exposure(trade: TradeNetwork) -> None:
    e = exposure(trade, "KOR", "motor")
    assert e.direct == 0.0
    assert e.indirect == pytest.approx(4080 / 4500, abs=1e-12)
    # JPN motors: q_JPN = 0.2 on all 1500 it keeps -> exposure 0.8
    assert exposure(trade, "JPN", "motor").total == pytest.approx(0.8, abs=1e-12)


def test_raw_materials_have_only_direct_exposure(trade: TradeNetwork) -> None:
    heavy = exposures(trade, "heavy")
    assert set(heavy) == {"AUS", "JPN"}  # the exporter itself is left out
    assert (heavy["JPN"].direct, heavy["JPN"].indirect) == (pytest.approx(0.8), 0.0)
    assert heavy["AUS"].total == 0.0  # AUS keeps nothing and imports nothing: no supply


def test_chokepoint_inputs_of_korean_motors(trade: TradeNetwork) -> None:
    # China stops one commodity at a time; the others flow.
    # * magnet only: KOR magnets a = (30·0 + 20·1)/50 = 0.4; JPN magnets a = 1;
    #   KOR motors a = (4000·0.4 + 500·1)/4500 = 2100/4500 -> 2400/4500 = 0.533333.
    # * heavy only: JPN heavy 0.2, light 1 -> q_JPN magnets 0.2; KOR magnets
    #   a = (30·1 + 20·0.2)/50 = 0.68; KOR motors a = (4000·0.68 + 500·0.2)/4500
    #   = 2820/4500 -> 1680/4500 = 0.373333.
    # * light only: q_JPN magnets 0.6; KOR magnets a = (30 + 12)/50 = 0.84;
    #   KOR motors a = (3360 + 300)/4500 = 3660/4500 -> 840/4500 = 0.186667.
    # * motor only: no Chinese motors -> 0.
    rows = chokepoint_inputs(trade, "KOR", "motor")
    assert [(r.input, r.tier) for r in rows] == [
        ("magnet", 1),
        ("heavy", 2),
        ("light", 2),
        ("motor", 0),
    ]
    expected = [2400 / 4500, 1680 / 4500, 840 / 4500, 0.0]
    assert [r.exposure for r in rows] == pytest.approx(expected, abs=1e-12)


def test_upstream_tiers(trade: TradeNetwork) -> None:
    assert upstream_inputs(trade, "motor") == {"motor": 0, "magnet": 1, "heavy": 2, "light": 2}
    assert upstream_inputs(trade, "heavy") == {"heavy": 0}


def test_an_exporter_outside_the_chain_exposes_nobody(trade: TradeNetwork) -> None:
    shares = available_shares(trade, "USA")
    assert all(a == 1.0 for by_country in shares.values() for a in by_country.values())


def test_another_exporter_australia(trade: TradeNetwork) -> None:
    # AUS stops: JPN heavy a = (4·1 + 1·0)/5 = 0.8, light a = (6·1 + 9·0)/15 = 0.4, so
    # JPN magnet lines run at min(0.8, 0.4) = 0.4; China's need no Australian input (q = 1).
    # KOR magnets: a = (30·1 + 20·0.4)/50 = 0.76 -> 0.24, all indirect (KOR buys none from AUS).
    kor = exposure(trade, "KOR", "magnet", exporter="AUS")
    assert (kor.direct, kor.indirect) == (0.0, pytest.approx(0.24, abs=1e-12))
    assert exposure(trade, "JPN", "heavy", exporter="AUS").direct == pytest.approx(0.2)
    assert exposure(trade, "JPN", "magnet", exporter="AUS").total == pytest.approx(0.6)


def test_substitution_after_its_ramp_lifts_the_scarcest_input() -> None:
    # Half of the heavy oxide replaceable: JPN heavy 0.2 + 0.5 = 0.7, light stays 0.6, so
    # JPN magnet lines run at min(0.7, 0.6) = 0.6 (light now binds); KOR magnets
    # a = (30·0 + 20·0.6)/50 = 0.24 -> 0.76 = 0.6 direct + 0.16 indirect.  A share of 0.9
    # caps heavy at min(1, 1.1) = 1.
    text = CHAIN.read_text(encoding="utf-8").replace(
        "    input_stock_days: 30\n",
        "    input_stock_days: 30\n    substitution: {heavy: {share: 0.5, delay_days: 60}}\n",
    )
    trade = TradeNetwork.from_scenario(load_scenario_text(text, "s.yaml"))
    assert exposure(trade, "KOR", "magnet").total == pytest.approx(0.92)  # first order
    after = exposure(trade, "KOR", "magnet", substitution=True)
    assert (after.direct, after.indirect) == (pytest.approx(0.6), pytest.approx(0.16))
    capped = TradeNetwork.from_scenario(load_scenario_text(text.replace("0.5", "0.9"), "s.yaml"))
    assert available_shares(capped, "CHN", {"heavy"}, substitution=True)["magnet"]["JPN"] == 1.0


def test_stopping_more_commodities_never_exposes_less() -> None:
    """On the embedded data: each input alone costs at most what stopping everything costs."""
    everything = load_scenario_text("name: all\nhorizon_days: 1\ndata: builtin\n", "all.yaml")
    trade = TradeNetwork.from_scenario(everything)
    full = available_shares(trade, "CHN")
    for product in ("ndfeb_magnets", "vehicle_motors", "diesel_exhaust_fluid"):
        for k in upstream_inputs(trade, product):
            alone = available_shares(trade, "CHN", {k})[product]
            for country, a in alone.items():
                assert full[product][country] <= a + 1e-12 <= 1 + 1e-12, (product, k, country)
        for e in exposures(trade, product).values():
            assert 0.0 <= e.direct <= e.total <= 1.0 + 1e-12
            assert e.indirect >= 0.0


# --------------------------------------------------------------------------- Leontief


def _chain_text(shares: list[float], swaps: list[float]) -> str:
    """A chain c0 -> c1 -> ... (one unit of the tier below per unit) over CHN, JPN, KOR.

    Tier 0 is raw: JPN and KOR each make ``100 (1 - s0)`` and buy ``100 s0``
    from CHN.  In tier t >= 1, JPN and KOR each make 100 from their own input,
    send ``100 y_t`` to the other (``y = swaps[t]``) and buy ``100 s_t`` from
    CHN, whose own production needs no modelled input (``recipe: {}``).
    Demand closes every balance: 100 at tier 0, ``100 (1 + s_t)`` above.
    """
    lines = ["name: chain", "horizon_days: 5", "commodities:"]
    for t in range(len(shares)):
        recipe = f", recipe: {{c{t - 1}: 1}}" if t else ""
        lines.append(f"  c{t}: {{price_usd_per_unit: 1, value_at_risk_usd_per_unit: 1{recipe}}}")
    nodes, links = [], []
    for t, (s, y) in enumerate(zip(shares, swaps, strict=True)):
        c = f"c{t}"
        nodes.append(
            f"    - {{country: CHN, commodity: {c}, production_per_year: 1000,"
            f" demand_per_year: {1000 - 200 * s!r}, recipe: {{}}}}"
        )
        made = 100 * (1 - s) if t == 0 else 100.0
        demand = 100.0 if t == 0 else 100 * (1 + s)
        for j, partner in (("JPN", "KOR"), ("KOR", "JPN")):
            nodes.append(
                f"    - {{country: {j}, commodity: {c}, production_per_year: {made!r},"
                f" demand_per_year: {demand!r}}}"
            )
            links.append(
                f"    - {{commodity: {c}, from: CHN, to: {j}, flow_per_year: {100 * s!r},"
                " lead_time_days: 3}"
            )
            if t:
                links.append(
                    f"    - {{commodity: {c}, from: {j}, to: {partner},"
                    f" flow_per_year: {100 * y!r}, lead_time_days: 4}}"
                )
    return "\n".join([*lines, "network:", "  nodes:", *nodes, "  links:", *links]) + "\n"


@settings(max_examples=25, deadline=None)
@given(
    shares=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=4),
    data=st.data(),
)
def test_single_input_chains_solve_the_leontief_system(
    shares: list[float], data: st.DataObject
) -> None:
    """E = d + A E, solved with numpy, equals the exposure computed tier by tier.

    Unknowns E[t, j] (j = JPN, KOR).  Tier 0: d = s0, no inputs.  Tier t >= 1 at
    j, supply S = 100 (1 + s): d = 100 s / S; j's own production kept,
    100 (1 - y), needs j's input (weight 100 (1 - y) / S on E[t-1, j]); the
    partner's 100 y needs the partner's input (weight 100 y / S on E[t-1, partner]).
    """
    swaps = [0.0] + [data.draw(st.floats(0.0, 1.0)) for _ in shares[1:]]
    trade = TradeNetwork.from_scenario(load_scenario_text(_chain_text(shares, swaps)))
    n = 2 * len(shares)
    a = np.zeros((n, n))
    d = np.zeros(n)
    for t, (s, y) in enumerate(zip(shares, swaps, strict=True)):
        for j in range(2):
            row = 2 * t + j
            if t == 0:
                d[row] = s
                continue
            supply = 100 * (1 + s)
            d[row] = 100 * s / supply
            a[row, 2 * (t - 1) + j] = 100 * (1 - y) / supply
            a[row, 2 * (t - 1) + 1 - j] = 100 * y / supply
    leontief = np.linalg.solve(np.eye(n) - a, d)
    for t in range(len(shares)):
        for j, country in enumerate(("JPN", "KOR")):
            got = exposure(trade, country, f"c{t}").total
            assert got == pytest.approx(leontief[2 * t + j], abs=1e-9)


# --------------------------------------------------------------------------- command line


def test_network_exposure_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    from simulator.cli import main

    assert main(["network", str(CHAIN), "--exposure", "--country", "KOR", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    section = out["exposure"]
    assert section["exporter"] == "CHN"
    assert set(section["commodities"]) == {"magnet", "motor"}  # KOR's commodities
    kor = section["commodities"]["motor"]["KOR"]
    assert (kor["direct"], kor["total"]) == (0.0, pytest.approx(4080 / 4500))
    assert [r["input"] for r in kor["chokepoint_inputs"]] == ["magnet", "heavy", "light", "motor"]
    magnet = section["commodities"]["magnet"]["KOR"]
    # magnet alone = the direct share 0.6; heavy alone: JPN q = 0.2 -> (30 + 4)/50 -> 0.32
    assert [r["exposure"] for r in magnet["chokepoint_inputs"]] == pytest.approx([0.6, 0.32, 0.16])

    assert main(["network", str(CHAIN), "--exposure", "--commodity", "heavy", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["exposure"]["commodities"] == {"heavy": None}

    assert main(["network", str(CHAIN), "--exposure", "--commodity", "motor"]) == 0
    text = capsys.readouterr().out
    assert "motor: exposure to CHN" in text
    assert "KOR         0.0%      90.7%   90.7%   magnet 53.3%, heavy 37.3%, light 18.7%" in text
