"""``supplyshock network``: JSON, tables, plot and errors.

The JSON output is checked end to end (``python -m simulator network ...`` in
a subprocess) against hand-derived answers on the four-country example
(written to a scenario file here) and against the analytics functions on the
embedded dataset.  The other cases call :func:`simulator.cli.main` in this
process, which is quicker and sees the same exit codes and output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from simulator.analysis import network_metrics as nm
from simulator.cli import main
from simulator.cli.network import BUILTIN_SCENARIO
from simulator.io.scenario_file import load_scenario_text
from simulator.model.network import TradeNetwork

ROOT = Path(__file__).resolve().parents[1]
ABS = 1e-9

FOUR = """\
name: four-country
description: The network-analytics example.
horizon_days: 30
commodities:
  widget: {unit: t, price_usd_per_unit: 1, value_at_risk_usd_per_unit: 1}
network:
  nodes:
    - {country: CHN, commodity: widget, production_per_year: 100, demand_per_year: 20}
    - {country: AUS, commodity: widget, production_per_year: 30, demand_per_year: 10}
    - {country: KOR, commodity: widget, production_per_year: 20, demand_per_year: 80}
    - {country: JPN, commodity: widget, demand_per_year: 40}
  links:
    - {commodity: widget, from: CHN, to: KOR, flow_per_year: 60, lead_time_days: 3}
    - {commodity: widget, from: CHN, to: JPN, flow_per_year: 20, lead_time_days: 4}
    - {commodity: widget, from: AUS, to: JPN, flow_per_year: 20, lead_time_days: 11}
    - {commodity: widget, from: AUS, to: KOR, flow_per_year: 0, lead_time_days: 11}
"""


def subprocess_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "simulator", "network", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )


def subprocess_json(*args: str | Path) -> dict[str, Any]:
    done = subprocess_cli(*args, "--json")
    assert done.returncode == 0, done.stderr
    payload: dict[str, Any] = json.loads(done.stdout)
    return payload


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run ``supplyshock network ARGS`` in this process: (exit code, stdout, stderr)."""
    code = main(["network", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def four(tmp_path: Path) -> Path:
    path = tmp_path / "four.yaml"
    path.write_text(FOUR, encoding="utf-8")
    return path


@pytest.mark.slow
def test_json_gives_the_hand_derived_answers(four: Path) -> None:
    out = subprocess_json(four, "--exporter", "CHN")
    assert out["scenario"] == "four-country"
    w = out["commodities"]["widget"]
    assert w["import_shares"]["JPN"] == pytest.approx({"CHN": 0.5, "AUS": 0.5}, abs=ABS)
    assert w["import_shares"]["KOR"] == pytest.approx({"CHN": 1.0}, abs=ABS)
    assert w["hhi"] == pytest.approx({"KOR": 1.0, "JPN": 0.5}, abs=ABS)
    assert w["hhi_points"] == pytest.approx({"KOR": 10_000.0, "JPN": 5_000.0}, abs=ABS)
    assert w["import_dependence"]["KOR"] == pytest.approx(0.75, abs=ABS)
    assert w["self_sufficiency"]["KOR"] == pytest.approx(0.25, abs=ABS)
    on_china = w["exporter_dependence"]
    assert on_china["exporter"] == "CHN"
    assert on_china["importers"]["KOR"]["share_of_demand"] == pytest.approx(0.75, abs=ABS)
    assert on_china["importers"]["JPN"]["share_of_imports"] == pytest.approx(0.5, abs=ABS)
    assert [(p["rank"], p["country"]) for p in w["chokepoints"]] == [(1, "CHN"), (2, "AUS")]
    assert w["chokepoints"][0]["lost_per_year"] == pytest.approx(80.0, abs=ABS)
    assert w["chokepoints"][0]["losses"] == pytest.approx({"KOR": 0.75, "JPN": 0.5}, abs=ABS)
    assert w["chokepoints"][0]["export_power"] == pytest.approx(5 / 7, abs=ABS)
    assert w["scores"]["CHN"]["export_power"] == pytest.approx(5 / 7, abs=ABS)
    assert w["scores"]["AUS"]["export_power"] == pytest.approx(2 / 7, abs=ABS)
    assert w["scores"]["KOR"]["import_vulnerability"] == pytest.approx(0.75, abs=ABS)
    assert w["scores"]["JPN"]["import_vulnerability"] == pytest.approx(0.5, abs=ABS)


def test_country_keeps_only_its_rows(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = cli(capsys, four, "--country", "jpn", "--exporter", "CHN", "--json")
    assert code == 0
    out = json.loads(stdout)
    assert out["countries"] == ["JPN"]  # matched case-insensitively
    w = out["commodities"]["widget"]
    for section in ("import_shares", "import_dependence", "self_sufficiency", "hhi", "scores"):
        assert list(w[section]) == ["JPN"], section
    assert list(w["exporter_dependence"]["importers"]) == ["JPN"]
    assert [p["country"] for p in w["chokepoints"]] == ["CHN", "AUS"]  # the ranking stays
    assert [p["losses"] for p in w["chokepoints"]] == [{"JPN": 0.5}, {"JPN": 0.5}]


CHAIN = Path(__file__).parent / "data" / "three-tier-chain.yaml"
"""Four commodities (heavy, light -> magnet -> motor); KOR has only magnet and motor."""


def test_country_and_commodity_repeat(four: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, stderr = cli(capsys, four, "-c", "KOR", "-c", "jpn", "-c", "KOR", "--json")
    assert code == 0, stderr
    out = json.loads(stdout)
    assert out["countries"] == ["KOR", "JPN"]  # in the order given, each once
    w = out["commodities"]["widget"]
    for section in ("import_shares", "import_dependence", "self_sufficiency", "hhi", "scores"):
        assert sorted(w[section]) == ["JPN", "KOR"], section
    assert w["chokepoints"][0]["losses"] == pytest.approx({"KOR": 0.75, "JPN": 0.5}, abs=ABS)

    code, stdout, stderr = cli(capsys, CHAIN, "-k", "motor", "-k", "heavy", "-k", "motor", "--json")
    assert code == 0, stderr
    assert list(json.loads(stdout)["commodities"]) == ["motor", "heavy"]

    # Countries keep the commodities in which any of them is a node (KOR: magnet, motor).
    code, stdout, stderr = cli(capsys, CHAIN, "-c", "KOR", "--json")
    assert code == 0, stderr
    assert list(json.loads(stdout)["commodities"]) == ["magnet", "motor"]
    code, stdout, stderr = cli(
        capsys, CHAIN, "-c", "KOR", "-c", "AUS", "-k", "heavy", "-k", "motor"
    )
    assert code == 0, stderr
    assert "heavy: importers" in stdout
    assert "motor: importers" in stdout
    assert "magnet" not in stdout.split("heavy: importers")[0]
    # Several countries: each one's loss in the chokepoints table.
    assert "losses: share of own demand" in stdout
    assert "KOR 0.0%, AUS 0.0%" in stdout  # heavy: KOR is no node, AUS imports nothing
    assert "KOR 11.1%, AUS 0.0%" in stdout  # motor: JPN's 500 of KOR's 4500


def test_repeated_commodities_plot_one_panel_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plot = tmp_path / "chain.svg"
    code, _, stderr = cli(capsys, CHAIN, "-k", "magnet", "-k", "motor", "--plot", plot)
    assert code == 0, stderr
    text = plot.read_text(encoding="utf-8")
    assert text.count('<g id="axes_') == 2


@pytest.mark.slow
def test_default_is_the_embedded_dataset_and_agrees_with_the_functions() -> None:
    out = subprocess_json("--commodity", "gallium", "--exporter", "CHN")
    assert out["scenario"] == "builtin"
    assert list(out["commodities"]) == ["gallium"]
    got = out["commodities"]["gallium"]
    net = TradeNetwork.from_scenario(load_scenario_text(BUILTIN_SCENARIO))["gallium"]
    shares = nm.import_shares(net)
    assert list(got["import_shares"]) == list(shares)
    for j, by_source in shares.items():
        assert got["import_shares"][j] == pytest.approx(by_source, abs=ABS)
    assert got["hhi"] == pytest.approx(nm.import_hhi(net), abs=ABS)
    assert got["import_dependence"] == pytest.approx(nm.import_dependence(net), abs=ABS)
    dependence = nm.exporter_dependence(net, "CHN")
    assert list(got["exporter_dependence"]["importers"]) == list(dependence)
    for j, d in dependence.items():
        row = got["exporter_dependence"]["importers"][j]
        assert row["share_of_demand"] == pytest.approx(d.share_of_demand, abs=ABS)
    points = nm.chokepoints(net)
    assert [p["country"] for p in got["chokepoints"]] == [p.country for p in points]
    assert [p["lost_per_year"] for p in got["chokepoints"]] == pytest.approx(
        [p.lost_per_year for p in points], abs=ABS
    )
    power, vulnerability = nm.export_power(net), nm.import_vulnerability(net)
    for k, scores in got["scores"].items():
        assert scores["export_power"] == pytest.approx(power[k], abs=ABS)
        assert scores["import_vulnerability"] == pytest.approx(vulnerability[k], abs=ABS)


def test_shipped_two_country_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = cli(
        capsys, ROOT / "scenarios" / "examples" / "two-country-ban.yaml", "--json"
    )
    assert code == 0
    out = json.loads(stdout)
    w = out["commodities"]["widget"]
    assert w["import_shares"] == {"CHN": {}, "KOR": {"CHN": 1.0}}
    assert w["hhi"] == {"KOR": 1.0}
    assert w["chokepoints"][0]["losses"] == {"KOR": 1.0}
    assert w["scores"]["CHN"] == {"export_power": 1.0, "import_vulnerability": 0.0}


def test_tables_and_plot(four: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plot = tmp_path / "widget.png"
    code, stdout, stderr = cli(capsys, four, "--exporter", "CHN", "--plot", plot)
    assert code == 0, stderr
    for title in ("widget: importers", "widget: chokepoints", "widget: dependence on CHN"):
        assert title in stdout
    assert "AUS 50.0%, CHN 50.0%" in stdout  # JPN's sources, ties by name
    assert plot.read_bytes().startswith(b"\x89PNG")
    assert f"wrote {plot}" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--commodity", "tin"), "unknown commodity 'tin'"),
        (("--country", "XYZ"), "unknown country 'XYZ'"),
        (("-c", "KOR", "-c", "XYZ"), "unknown country 'XYZ'"),
        (("-k", "widget", "-k", "tin"), "unknown commodity 'tin'"),
        (("--exporter", "XYZ"), "unknown country 'XYZ'"),
        (("--plot", "network.jpg"), "expected a file name ending in one of"),
        (("--plot", "no/such/folder/network.png"), "cannot write"),
    ],
)
def test_usage_errors_exit_2_without_a_traceback(
    four: Path,
    args: tuple[str, ...],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(four.parent)
    code, _, stderr = cli(capsys, four, *args)
    assert code == 2
    assert message in " ".join(stderr.replace("│", " ").split())  # rich wraps the message
    assert "Traceback" not in stderr


def test_invalid_scenario_exits_3_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(FOUR.replace("horizon_days: 30", "horizon_days: 0"), encoding="utf-8")
    code, _, stderr = cli(capsys, bad)
    assert code == 3
    assert f"{bad}:3:15: horizon_days:" in stderr
    assert "Traceback" not in stderr
