"""The report in a real browser: Debian's headless Chromium loads it, dumps its DOM, screenshots it.

The screenshot is kept as ``tests/artifacts/report.png`` (git-ignored) for a
human to look at.  Skipped, with the reason, when ``/usr/bin/chromium`` is absent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from results_fixture import write_results

from simulator.analysis.report import write_report

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
XSS_NAME = "<script>alert(1)</script>"
XSS_VARIANT = "<img src=x onerror=alert(2)>"


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package to run this test")
    folder = tmp_path_factory.mktemp("browser")
    results = write_results(
        folder / "results",
        replications=12,
        protection={"national": 0.0, "pooled": 0.35, XSS_VARIANT: 0.6},
        name=XSS_NAME,
        description="Korea–Japan pooling; <i>not italic</i>",
    )
    return write_report(results, folder / "report.html", n_resamples=500)


def _no_console_errors(stderr: str) -> None:
    assert "Uncaught" not in stderr
    assert "ERROR:CONSOLE" not in stderr


def test_dom_has_tables_figures_and_no_injected_script(report_file: Path, tmp_path: Path) -> None:
    run = _chromium(tmp_path / "profile", "--dump-dom", report_file.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    _no_console_errors(run.stderr)
    assert dom.count("<table") >= 10
    assert dom.count("<svg") >= 10  # interval figures for shortfall and loss only
    # A comparison table carries the variant names (escaped as they should be).
    tables = re.findall(r"<table.*?</table>", dom, flags=re.DOTALL)
    assert any("pooled" in t and "&lt;img src=x onerror=alert(2)&gt;" in t for t in tables)
    # The payloads are text, not elements.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert re.search(r"<script\b", dom) is None
    assert re.search(r"<img\b[^>]*onerror", dom) is None
    assert "<i>not italic</i>" not in dom


def test_screenshot(report_file: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = tmp_path / "report.png"
    run = _chromium(
        tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000",
        report_file.as_uri(),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    _no_console_errors(run.stderr)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000  # a rendered page, not a blank one
    shutil.copyfile(shot, ARTIFACTS / "report.png")
    shutil.copyfile(report_file, ARTIFACTS / "report.html")
