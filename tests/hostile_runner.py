"""Run many command lines in this process, under a memory limit, each under a time limit.

Used by ``tests/test_hostile_inputs.py`` as ``python tests/hostile_runner.py LIMIT_MB``:
reads a JSON list of cases ``{"id", "argv", "cwd", "env", "seconds"}`` on stdin
and prints one JSON object per case: the exit code, stdout, stderr, and the
traceback of any exception that escaped ``simulator.cli.main`` (or
``"timeout"`` / ``"MemoryError"``).  The address-space limit
(``resource.RLIMIT_AS``) makes a memory blow-up fail fast as a
``MemoryError`` instead of swapping; ``SIGALRM`` bounds each case's time.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import signal
import sys
import traceback
from types import FrameType


class CaseTimeout(BaseException):
    """A case ran longer than its time limit."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise CaseTimeout


def run_case(case: dict[str, object]) -> dict[str, object]:
    from simulator.cli import main

    argv = [str(a) for a in case["argv"]]  # type: ignore[attr-defined]
    env = dict(case.get("env") or {})  # type: ignore[call-overload]
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    cwd = os.getcwd()
    os.chdir(str(case["cwd"]))
    out, err = io.StringIO(), io.StringIO()
    outcome: dict[str, object] = {"id": case["id"], "code": None, "escaped": None}
    signal.alarm(int(case.get("seconds") or 20))  # type: ignore[call-overload]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            outcome["code"] = main(argv)
    except CaseTimeout:
        outcome["escaped"] = "timeout"
    except MemoryError:
        outcome["escaped"] = "MemoryError"
    except BaseException:
        outcome["escaped"] = traceback.format_exc()
    finally:
        signal.alarm(0)
        os.chdir(cwd)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    outcome["stdout"] = out.getvalue()
    outcome["stderr"] = err.getvalue()
    return outcome


def main() -> None:
    limit = int(sys.argv[1]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    cases = json.load(sys.stdin)
    results = [run_case(case) for case in cases]
    sys.stdout.write(json.dumps(results))


if __name__ == "__main__":
    main()
