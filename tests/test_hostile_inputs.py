"""The hostile-input suite: each class of bad input gives a clear, located error, no traceback.

The cases (``tests/hostile_cases.py``) are generated small files and command
lines.  They run in a few subprocesses, each executing many cases in-process
(``tests/hostile_runner.py``) under an address-space limit (so a memory
blow-up fails fast as a ``MemoryError``) with a time limit per case (so a
hang fails fast as a timeout).  Each case then asserts its exit code, its
message (located as ``FILE:LINE:COL: path: message`` where the input is a
file) and that no exception escaped the command line.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hostile_cases import Case, build_cases

RUNNER = Path(__file__).with_name("hostile_runner.py")
MEMORY_LIMIT_MB = 3072
"""Address space of a runner: numba and numpy need about 1 GB; a blow-up needs far more."""
PROCESSES = 2
CASES_DIR_NAME = "hostile"

_LOCATED = re.compile(r"^(?P<file>[^\s:][^:]*):\d+:\d+: \S+: ", re.MULTILINE)


def _case_list() -> list[Case]:
    """The cases, built once in a throwaway folder (to learn their ids for parametrisation)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return build_cases(Path(folder))


CASES = _case_list()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every case's outcome, from ``PROCESSES`` runner subprocesses."""
    root = tmp_path_factory.mktemp(CASES_DIR_NAME)
    cases = build_cases(root)
    batches = [cases[i::PROCESSES] for i in range(PROCESSES)]
    running = []
    for batch in batches:
        process = subprocess.Popen(
            [sys.executable, str(RUNNER), str(MEMORY_LIMIT_MB)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        running.append((process, json.dumps([c.to_json(root) for c in batch])))
    found: dict[str, dict[str, Any]] = {}
    for process, payload in running:
        budget = 60 + sum(c.seconds for c in cases)
        try:
            stdout, stderr = process.communicate(payload, timeout=budget)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            pytest.fail(f"a hostile-input runner exceeded {budget} s")
        assert process.returncode == 0, stderr[-3000:]
        found.update({o["id"]: o for o in json.loads(stdout)})
    return found


def test_the_suite_has_every_class() -> None:
    """The count the closing note states; a case lost by mistake would change it."""
    assert len(CASES) == len({c.id for c in CASES}) == 79


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: Case, outcomes: dict[str, dict[str, Any]]) -> None:
    outcome = outcomes[case.id]
    assert outcome["escaped"] is None, outcome["escaped"]
    text = outcome["stderr"] + outcome["stdout"]
    assert "Traceback" not in text, text
    assert outcome["code"] == case.code, text
    assert re.search(case.pattern, text, re.DOTALL), text
    if case.located:
        assert _LOCATED.search(outcome["stderr"]), outcome["stderr"]
