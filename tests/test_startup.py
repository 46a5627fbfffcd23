"""The command line starts without the heavy libraries (a ``sys.modules`` check, not a timing).

Start-up time is measured in ``benchmarks/bench_startup.py``; here, in a fresh
interpreter, importing the command line and registering every command must
not import numba, matplotlib or pandas (nor the rest of the numeric stack),
and neither may reading a scenario or experiment file for ``validate``.
Comparing results and writing their report need pandas (and the report
matplotlib), but not the engine, and neither the printed headline nor the
report :mod:`scipy.stats` (the BCa bootstrap is computed in NumPy).  A batch
writes its rows and its closing summary with Arrow alone, without pandas.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from results_fixture import write_results

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numba", "matplotlib", "pandas", "pyarrow", "scipy.stats", "simpy")


def _imported(code: str, modules: tuple[str, ...] = HEAVY) -> set[str]:
    probe = f"{code}\nimport sys\nprint('imported:', *(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return set(out.rsplit("imported:", 1)[1].split())


def test_importing_the_command_line_imports_no_heavy_library() -> None:
    assert _imported("import simulator.cli as cli\ncli._register()") == set()


def test_importing_the_package_imports_no_heavy_library() -> None:
    assert _imported("import simulator\nsimulator.__all__") == set()


@pytest.mark.parametrize(
    "path", ["scenarios/examples/two-country-ban.yaml", "scenarios/experiments/gallium-kj.yaml"]
)
def test_validate_reads_files_without_the_engine_or_pandas(path: str) -> None:
    code = f"from simulator.cli import main\nassert main(['validate', {path!r}]) == 0"
    assert _imported(code) == set()


@pytest.mark.parametrize(
    "command", ["run", "batch", "compare", "explore", "report", "network", "validate"]
)
def test_a_commands_help_imports_neither_pydantic_nor_numpy(command: str) -> None:
    """``COMMAND --help`` goes straight to the command: no option is coerced on the way."""
    code = (
        "import contextlib, io\nfrom simulator.cli import main\nout = io.StringIO()\n"
        f"with contextlib.redirect_stdout(out):\n    assert main([{command!r}, '--help']) == 0\n"
        f"assert 'Usage: supplyshock {command} ' in out.getvalue(), out.getvalue()"
    )
    assert _imported(code, ("pydantic", "numpy")) == set()


ENGINE = ("simulator.engine", "numba", "simpy", "networkx")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_results(tmp_path_factory.mktemp("startup"), replications=8)


def test_the_headline_imports_neither_the_engine_nor_scipy_stats(results: Path) -> None:
    code = (
        "import contextlib, io\nfrom simulator.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert main(['compare', {str(results)!r}]) == 0\n"
        "assert 'verdict:' in out.getvalue(), out.getvalue()"
    )
    assert _imported(code, (*ENGINE, "scipy.stats", "SALib", "matplotlib")) == set()


def test_the_report_imports_neither_the_engine_nor_scipy_stats(results: Path) -> None:
    page = results / "report.html"
    code = (
        "from simulator.cli import main\n"
        f"assert main(['report', {str(results)!r}, '-o', {str(page)!r}, '--resamples', '200']) == 0"
    )
    assert _imported(code, (*ENGINE, "scipy.stats", "SALib")) == set()
    assert page.exists()


def test_a_batch_imports_no_pandas(tmp_path: Path) -> None:
    """``batch --workers 1``: rows, sweep parameters and the closing summary without pandas.

    pyarrow's conversions of Python values and to NumPy import pandas
    (0.25-0.35 CPU s of a batch's start-up); :mod:`simulator.io.arrow` goes around them.
    """
    argv = ["batch", "scenarios/examples/kj-pool-size.yaml", "--out", str(tmp_path / "out")]
    argv += ["--replications", "2", "--workers", "1", "--quiet"]
    code = (
        "import contextlib, io\nfrom simulator.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert main({argv!r}) == 0\n"
        "assert 'kj-pool-size' in out.getvalue(), out.getvalue()"
    )
    assert _imported(code, ("pandas", "pyarrow.dataset")) == set()
    assert len(list((tmp_path / "out" / "summary").rglob("*.parquet"))) == 4
