"""The hostile inputs: small generated files and command lines a careless or hostile user tries.

Each :class:`Case` names the command line, the exit code expected, a pattern
the message must match, and whether the message must be located
(``FILE:LINE:COL: path: message`` naming a file of the case).  Files are
written by :func:`build_cases` into a fresh folder; JSON is written as the
YAML of scenarios (JSON is YAML 1.2), so every variation is one dict edit.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Case", "build_cases"]


@dataclass(frozen=True)
class Case:
    """One hostile command line and what it must give."""

    id: str
    argv: list[str]
    code: int
    pattern: str
    located: bool = True
    env: dict[str, str] = field(default_factory=dict)
    seconds: int = 20

    def to_json(self, cwd: Path) -> dict[str, Any]:
        return {
            "id": self.id,
            "argv": self.argv,
            "cwd": str(cwd),
            "env": self.env,
            "seconds": self.seconds,
        }


def scenario(**changes: Any) -> dict[str, Any]:
    """A valid two-country scenario (CHN ships 365 t/yr of widget to KOR), with ``changes``."""
    data: dict[str, Any] = {
        "name": "hostile",
        "horizon_days": 60,
        "seed": 1,
        "replications": 2,
        "commodities": {
            "widget": {"unit": "t", "price_usd_per_unit": 1000, "value_at_risk_usd_per_unit": 5e4}
        },
        "network": {
            "nodes": [
                {"country": "CHN", "commodity": "widget", "production_per_year": 365},
                {"country": "KOR", "commodity": "widget", "demand_per_year": 365,
                 "inventory_days": 30},
                {"country": "JPN", "commodity": "widget"},
            ],
            "links": [
                {"commodity": "widget", "from": "CHN", "to": "KOR", "flow_per_year": 365,
                 "lead_time_days": 10},
            ],
        },
        "shocks": [
            {"id": "ban", "exporter": "CHN", "commodity": "widget", "targets": ["KOR"],
             "mode": "ban", "effective_day": 10},
        ],
    }  # fmt: skip
    data.update(copy.deepcopy(changes))
    return data


def _with(path: str, value: Any) -> dict[str, Any]:
    """The base scenario with the value at dotted ``path`` (list indexes as digits) replaced."""
    data = scenario()
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


def _billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        refs = ",".join([f"*{previous}"] * 9)
        lines.append(f"{name}: &{name} [{refs}]")
        previous = name
    return "\n".join(lines) + "\n"


def _experiment(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "hostile-exp", "scenario": "good.yaml", "replications": 2}
    data.update(changes)
    return data


def build_cases(root: Path) -> list[Case]:
    """Write every case's files under ``root`` (the working folder) and return the cases."""
    cases: list[Case] = []

    def write(name: str, content: str | dict[str, Any]) -> str:
        text = content if isinstance(content, str) else json.dumps(content, indent=1)
        (root / name).write_text(text, encoding="utf-8")
        return name

    def invalid(case_id: str, content: str | dict[str, Any], pattern: str, **kw: Any) -> None:
        cases.append(
            Case(case_id, ["validate", write(f"{case_id}.yaml", content)], 3, pattern, **kw)
        )

    def special(make: Callable[[Path], None], name: str) -> str:
        make(root / name)
        return name

    write("good.yaml", scenario())
    fifo = special(os.mkfifo, "pipe.yaml")
    folder = special(lambda p: p.mkdir(), "folder.yaml")
    loop = special(lambda p: p.symlink_to(p.name), "loop.yaml")

    # --- files that are not regular, too large, or not a valid path ----------------------------
    for what, target in (("fifo", fifo), ("device", "/dev/zero"), ("directory", folder)):
        expected = {"fifo": "named pipe", "device": "a device", "directory": "a directory"}[what]
        cases.append(Case(f"scenario-is-a-{what}", ["validate", target], 3, expected))
        invalid(f"extends-a-{what}", {"extends": target, "name": "x"}, expected)
        invalid(f"experiment-scenario-is-a-{what}", _experiment(scenario=target), expected)
        cases.append(Case(f"run-a-{what}", ["run", target], 3 if what != "directory" else 2,
                          expected if what != "directory" else "directory",
                          located=what != "directory"))  # fmt: skip
    invalid("extends-symlink-loop", {"extends": loop, "name": "x"}, "symbolic-link loop")
    invalid("extends-nul-byte", '{"extends": "a\\u0000b.yaml", "name": "x"}', "NUL byte")
    invalid("extends-name-too-long", {"extends": "x" * 300 + ".yaml", "name": "x"}, "too long")
    invalid("too-large", "# " + "x" * 5000 + "\n" + json.dumps(scenario()), "expected at most",
            env={"SUPPLYSHOCK_MAX_INPUT_MB": "0.001"})  # fmt: skip
    for kind, content, pattern in (
        ("empty", "", "empty file"),
        ("list", "[1, 2]\n", "found a list"),
        ("text", "just some words\n", "found a single value"),
    ):
        write(f"base-{kind}.yaml", content)
        invalid(f"experiment-scenario-{kind}", _experiment(scenario=f"base-{kind}.yaml"), pattern)
    data = root / "dataset"
    data.mkdir()
    for stem in ("commodities", "nodes", "stockpiles"):
        (data / f"{stem}.csv").write_text("x\n", encoding="utf-8")
    os.mkfifo(data / "links.csv")
    invalid("dataset-csv-is-a-fifo", scenario(data="dataset"), "named pipe")

    # --- YAML bounds ---------------------------------------------------------------------------
    invalid("billion-laughs", _billion_laughs(), "expand this document")
    invalid("deep-lists", "x: " + "[" * 400 + "]" * 400 + "\n", "nested at most")
    invalid("deep-mappings", "x: " + "{a: " * 400 + "1" + "}" * 400 + "\n", "nested at most")
    invalid("recursive-alias", "a: &a [*a]\n", "recursive alias|a: unknown key")

    # --- strict number types ---------------------------------------------------------------------
    for case_id, path, value, pattern in (
        ("horizon-true", "horizon_days", True, "expected an integer"),
        ("horizon-string", "horizon_days", "365", "expected an integer"),
        ("horizon-fraction", "horizon_days", 36.5, "expected an integer"),
        ("flow-string", "network.links.0.flow_per_year", "12", "expected a number"),
        ("flow-bool", "network.links.0.flow_per_year", False, "expected a number"),
        ("inventory-string", "network.nodes.1.inventory_days", "30", "expected a number"),
        ("reconcile-string", "reconcile", "yes", "expected true or false"),
        ("seed-string", "seed", "7", "expected an integer"),
    ):
        invalid(case_id, _with(path, value), pattern)

    # --- resource bounds -------------------------------------------------------------------------
    lognormal = {"dist": "lognormal", "median": 1e300, "sigma": 1}
    for case_id, path, value, pattern in (
        ("lead-time-1e9", "network.links.0.lead_time_days", 1e9, "1 to 3650 days"),
        ("lead-time-lognormal-1e300", "network.links.0.lead_time_days", lognormal, "1e\\+15"),
        ("effective-lognormal-1e300", "shocks.0.effective_day", lognormal, "1e\\+15"),
        ("lognormal-sigma-50", "shocks.0.effective_day",
         {"dist": "lognormal", "median": 5, "sigma": 50}, "<= 10"),
        ("flow-1e308", "network.links.0.flow_per_year", 1e308, "1e\\+15"),
        ("price-1e308", "commodities.widget.price_usd_per_unit", 1e308, "1e\\+12"),
        ("inventory-days-1e300", "network.nodes.1.inventory_days", 1e300, "36500"),
        ("horizon-1e6", "horizon_days", 1_000_000, "36500"),
        ("scenario-replications-1e9", "replications", 10**9, "10000000"),
        ("transfer-lead-1e9", "policies",
         {"mutual_transfers": [{"id": "t", "coalition": "KJ", "commodities": ["widget"],
                                "trigger_coverage_days": 5, "donor_floor_days": 5,
                                "lead_time_days": 1e9}]}, "3650"),
    ):  # fmt: skip
        invalid(case_id, _with(path, value), pattern)
    invalid("experiment-replications-1e9", _experiment(replications=10**9), "10000000")
    invalid("grid-a-million-points", _experiment(sweep={"grid": {
        "network.links.0.flow_per_year": list(range(1000)),
        "network.nodes.1.inventory_days": list(range(1000))}}), "sweep points")  # fmt: skip
    invalid("lhs-ten-million", _experiment(sweep={"sample": {"method": "lhs", "n": 10**7,
            "ranges": {"network.nodes.1.inventory_days": [0, 60]}}}), "100000")  # fmt: skip

    # --- random days outside their range ----------------------------------------------------------
    for case_id, path, value, pattern in (
        ("effective-day-below-zero", "shocks.0.effective_day",
         {"dist": "uniform", "low": -10, "high": 5}, "draws range over \\[-10, 5\\]"),
        ("lead-time-normal-unbounded", "network.links.0.lead_time_days",
         {"dist": "normal", "mean": 10, "sd": 3}, "add truncate: true"),
        ("lead-time-lognormal-untruncated", "network.links.0.lead_time_days",
         {"dist": "lognormal", "median": 10, "sigma": 0.3}, "add truncate: true"),
        ("lead-time-truncation-empty", "network.links.0.lead_time_days",
         {"dist": "normal", "mean": -50, "sd": 1, "high": -40, "truncate": True},
         "truncation cannot"),
        ("truncate-on-uniform", "network.links.0.lead_time_days",
         {"dist": "uniform", "low": 1, "high": 5, "truncate": True}, "truncate"),
    ):  # fmt: skip
        invalid(case_id, _with(path, value), pattern)

    # --- shocks that can never act, nothing to simulate -----------------------------------------
    for case_id, path, value, pattern in (
        ("shock-after-horizon", "shocks.0.effective_day", 60, "can never act"),
        ("shock-no-targets", "shocks.0.targets", [], "at least one target"),
        ("shock-exporter-targets-itself", "shocks.0.targets", ["KOR", "CHN"], "its own imports"),
        ("shock-exporter-not-a-node", "shocks.0.exporter", "USA", "not a node"),
        ("shock-exporter-without-links", "shocks.0.exporter", "JPN", "no links"),
        ("shock-targets-without-links", "shocks.0.targets", ["JPN"], "no link of widget"),
        ("empty-network", "network", {"nodes": [], "links": []}, "nothing to simulate"),
    ):
        data = _with(path, value)
        if case_id == "empty-network":
            data["shocks"] = []
        invalid(case_id, data, pattern)
    invalid("no-commodities", {"name": "x", "horizon_days": 5}, "nothing to simulate")

    # --- experiment uncertainties and names -------------------------------------------------------
    uniform = {"dist": "uniform", "low": 1, "high": 2}
    invalid("uncertainty-names-text", _experiment(uncertainties={"name": uniform}),
            "expected the dotted path of a number")  # fmt: skip
    invalid("uncertainty-names-a-mapping", _experiment(uncertainties={"network": uniform}),
            "expected the dotted path of a number")  # fmt: skip
    invalid("uncertainty-names-nothing", _experiment(uncertainties={"nothing.here": uniform}),
            "path not found")  # fmt: skip
    invalid("variant-name-too-long", _experiment(variants={"v" * 300: {}}), "too long|at most 200")

    # --- command-line bounds and output paths (usage errors, exit 2) ------------------------------
    def usage(case_id: str, argv: list[str], pattern: str) -> None:
        cases.append(Case(case_id, argv, 2, pattern, located=False))

    usage("workers-beyond-cores", ["batch", "good.yaml", "--workers", "4096", "--out", "w"],
          "at most")  # fmt: skip
    usage("cli-replications-1e9", ["batch", "good.yaml", "--replications", "1000000000"],
          "--replications.*10000000")  # fmt: skip
    usage("resamples-1e9", ["compare", folder, "--resamples", "1000000000"],
          "--resamples.*1000000")  # fmt: skip
    usage("daily-is-a-directory", ["run", "good.yaml", "--daily", folder], "is a directory")
    usage("schema-output-missing-folder", ["schema", "--output", "no/such/schema.json"],
          "does not exist")  # fmt: skip

    # --- results folders of another tool, malformed manifests (exit 3) ---------------------------
    def results(case_id: str, manifest: str | None, pattern: str) -> None:
        out = root / case_id
        out.mkdir()
        (out / "notes.txt").write_text("not results\n", encoding="utf-8")
        if manifest is not None:
            (out / "manifest.json").write_text(manifest, encoding="utf-8")
        for command in ("compare", "report"):
            cases.append(Case(f"{command}-{case_id}", [command, case_id], 3, pattern,
                              located=False))  # fmt: skip

    results("foreign-folder", None, "no manifest.json")
    results("manifest-not-json", "{not json", "malformed manifest")
    results("manifest-a-list", "[1, 2]", "malformed manifest")
    results("manifest-without-keys", '{"hello": 1}', "not a manifest of supplyshock")
    (root / "corrupt-out").mkdir()
    (root / "corrupt-out" / "manifest.json").write_text("{oops", encoding="utf-8")
    cases.append(Case("batch-onto-corrupt-manifest",
                      ["batch", "good.yaml", "--out", "corrupt-out", "--workers", "1"], 3,
                      "manifest is damaged.*--overwrite", located=False))  # fmt: skip

    # --- a valid but large scenario: validate states its memory -------------------------------
    large = write("large.yaml", large_scenario())
    cases.append(Case("large-memory-is-reported", ["validate", large], 0,
                      r"estimated memory 0\.\d\d GiB per replication", located=False))  # fmt: skip

    # --- rich markup in user strings (must print as text, not crash) ------------------------------
    marked = scenario(name="[/bold]oops[red", coalitions={"[/bold]KJ": ["KOR", "JPN"]})
    write("markup.yaml", marked)
    cases.append(Case("markup-in-names", ["run", "markup.yaml"], 0, r"\[/bold\]KJ", located=False))
    cases.append(Case("markup-in-batch-table",
                      ["batch", "markup.yaml", "--out", "markup-out", "--workers", "1", "--quiet"],
                      0, r"\[/bold\]KJ", located=False, seconds=120))  # fmt: skip
    return cases


def large_scenario() -> dict[str, Any]:
    """A valid scenario whose replication needs about 0.4 GiB: 36,500 days × 100 countries."""
    from simulator.model.countries import ISO3166_ALPHA3

    codes = [c for c in sorted(ISO3166_ALPHA3) if c not in ("CHN", "KOR", "JPN")][:97]
    data = scenario(horizon_days=36_500)
    data["network"]["nodes"] += [{"country": c, "commodity": "widget"} for c in codes]
    data["network"]["links"][0]["lead_time_days"] = 3_650
    return data
