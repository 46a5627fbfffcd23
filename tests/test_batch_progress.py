"""``supplyshock batch``'s progress bar and the spinner of ``compare`` and ``report``,
as a person at a terminal sees them.

The bar is drawn only when stderr is a terminal, so each case runs a real,
small batch (the two-country example, 6 replications in chunks of 2, one
worker) in a fresh process whose stderr is the far end of a pseudo-terminal,
reads everything written to it, and replays the frames: rich redraws the bar
in place (carriage return, erase line), so the frames are the pieces between
carriage returns once the colour codes are removed.  The spinner
(:func:`simulator.cli.working`) is run around a known wait in the same way.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "examples" / "two-country-ban.yaml"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
FRAME = re.compile(
    r"^batch [━╸╺ ]+ +(\d+)/6 replications(?: ([\d,.]+)/s)? (\d+:\d\d:\d\d) left (\S+)\s*$"
)

pytestmark = pytest.mark.slow


def _batch(out: Path, *extra: str, terminal: bool = True) -> tuple[int, str, str]:
    """Run the batch; returns the exit code, stdout, and what stderr received."""
    argv = [sys.executable, "-m", "simulator", "batch", str(SCENARIO), "--out", str(out)]
    argv += ["--replications", "6", "--chunk-size", "2", "--workers", "1", *extra]
    return _run(argv, terminal=terminal)


def _run(argv: list[str], *, terminal: bool = True) -> tuple[int, str, str]:
    """Run ``argv`` with stderr on a pseudo-terminal (or a pipe): exit code, stdout, stderr."""
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    if not terminal:
        done = subprocess.run(argv, capture_output=True, cwd=ROOT, env=env, timeout=300)
        return done.returncode, done.stdout.decode(), done.stderr.decode()
    master, slave = pty.openpty()
    received: list[bytes] = []

    def read() -> None:  # until the child's end closes (EIO on Linux)
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            received.append(data)

    reader = threading.Thread(target=read, daemon=True)
    try:
        child = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, cwd=ROOT, env=env
        )
        os.close(slave)
        reader.start()
        stdout, _ = child.communicate(timeout=300)
        reader.join(timeout=30)
    finally:
        os.close(master)
    return child.returncode, stdout.decode(), b"".join(received).decode(errors="replace")


def _frames(terminal_text: str) -> list[str]:
    plain = ANSI.sub("", terminal_text)
    return [f.strip() for f in re.split(r"[\r\n]+", plain) if f.strip()]


def test_the_bar_counts_replications_to_the_end_on_a_terminal(tmp_path: Path) -> None:
    code, stdout, terminal = _batch(tmp_path / "out")
    assert code == 0, terminal
    assert "\x1b[" in terminal  # drawn with terminal control codes
    bars = [m for m in map(FRAME.match, _frames(terminal)) if m is not None]
    assert bars, _frames(terminal)
    counts = [int(m.group(1)) for m in bars]
    assert counts == sorted(counts)  # never goes back
    assert counts[-1] == 6  # the last frame stays on screen: all replications done
    last = bars[-1]
    assert last.group(2) is not None
    assert float(last.group(2).replace(",", "")) > 0
    assert last.group(4) == "0:00:00"  # nothing left
    # The table is on stdout, untouched by the bar.
    assert "two-country-ban: 6 replications per variant" in stdout
    assert "\x1b[" not in stdout
    assert "━" not in stdout


def test_quiet_draws_nothing_even_on_a_terminal(tmp_path: Path) -> None:
    code, stdout, terminal = _batch(tmp_path / "out", "--quiet")
    assert code == 0, terminal
    assert terminal == ""
    assert "two-country-ban: 6 replications per variant" in stdout


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    code, stdout, stderr = _batch(tmp_path / "out", terminal=False)
    assert code == 0, stderr
    assert "\x1b[" not in stderr
    assert "━" not in stderr
    assert not [f for f in _frames(stderr) if FRAME.match(f)]
    assert "two-country-ban: 6 replications per variant" in stdout


SPINNER = (
    "import time\nfrom simulator.cli import working\n"
    "with working('comparing the variants of results/x …'):\n    time.sleep({seconds})\n"
    "print('done')"
)


def test_the_spinner_shows_for_work_longer_than_a_second() -> None:
    code, stdout, terminal = _run([sys.executable, "-c", SPINNER.format(seconds=1.8)])
    assert code == 0, terminal
    assert stdout == "done\n"
    assert "comparing the variants of results/x …" in ANSI.sub("", terminal)


def test_the_spinner_stays_away_for_quick_work_and_off_a_terminal() -> None:
    code, stdout, terminal = _run([sys.executable, "-c", SPINNER.format(seconds=0.2)])
    assert code == 0, terminal
    assert stdout == "done\n"
    assert "comparing" not in terminal
    code, stdout, stderr = _run([sys.executable, "-c", SPINNER.format(seconds=1.8)], terminal=False)
    assert code == 0, stderr
    assert stdout == "done\n"
    assert stderr == ""
