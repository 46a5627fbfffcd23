"""``supplyshock validate`` and ``supplyshock schema`` as a user runs them (a subprocess)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each test starts a Python process

ROOT = Path(__file__).parents[1]
EXAMPLE = "scenarios/examples/two-country-ban.yaml"
BAD = "tests/data/bad"
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<path>\S+): .+$")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_shipped_example_is_ok() -> None:
    done = _run("validate", EXAMPLE)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (f"OK {EXAMPLE} (two-country-ban: 2 countries, 1 link, 1 shock)\n")
    assert done.stderr == ""


def test_invalid_file_exits_3_with_located_lines_and_no_traceback() -> None:
    bad = f"{BAD}/several-errors.yaml"
    done = _run("validate", bad)
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[-1] == "6 errors found"
    located = [LOCATED.match(line) for line in lines[:-1]]
    assert all(located), lines
    assert [(m["file"], m["line"], m["col"], m["path"]) for m in located if m] == [
        (bad, "4", "15", "horizon_days"),
        (bad, "5", "1", "seedd"),
        (bad, "11", "41", "network.nodes.1.demand_per_yaer"),
        (bad, "13", "120", "network.links.0.lead_time_days.sigma"),
        (bad, "18", "14", "shocks.0.targets"),
        (bad, "19", "11", "shocks.0.mode"),
    ]


def test_every_file_is_checked_and_all_issues_reported() -> None:
    names = ["wrong-enum.yaml", "syntax-error.yaml", "python-tag.yaml", "extends-cycle-a.yaml"]
    done = _run("validate", EXAMPLE, *(f"{BAD}/{n}" for n in names), "no-such-file.yaml")
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith(f"OK {EXAMPLE} ")
    lines = done.stderr.splitlines()
    assert lines[-1] == "5 errors found"
    assert [LOCATED.match(line) is not None for line in lines[:-1]] == [True] * 5
    files = [line.split(":")[0] for line in lines[:-1]]
    assert files == [
        f"{BAD}/wrong-enum.yaml",
        f"{BAD}/syntax-error.yaml",
        f"{BAD}/python-tag.yaml",
        f"{BAD}/extends-cycle-b.yaml",
        "no-such-file.yaml",
    ]


def test_validate_without_files_is_a_usage_error() -> None:
    assert _run("validate").returncode == 2


def test_schema_command_prints_the_committed_schema(tmp_path: Path) -> None:
    done = _run("schema")
    assert done.returncode == 0
    committed = (ROOT / "scenarios" / "schema" / "scenario.schema.json").read_text(encoding="utf-8")
    assert done.stdout == committed
    out = tmp_path / "schema.json"
    assert _run("schema", "-o", str(out)).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(committed)


def test_experiment_files_dispatch_to_their_validator(tmp_path: Path) -> None:
    from simulator.cli import validate as command
    from simulator.errors import InputError

    experiment = tmp_path / "experiment.yaml"
    experiment.write_text("name: e\nscenario: base.yaml\nreplications: 3\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        command.validate_file(experiment)
    # Experiment files go to the experiment loader, which checks the base scenario.
    assert str(caught.value.issues[0]) == (
        f"{experiment}:2:11: scenario: base scenario 'base.yaml' not found"
        f" (looked for {tmp_path / 'base.yaml'})"
    )
    assert command.validate_file(ROOT / EXAMPLE).startswith("two-country-ban: ")
