"""How fast the command line answers: ``--help``, each command's ``--help``, ``validate``.

Run from the repository root::

    uv run python benchmarks/bench_startup.py [--repeat 7] [--results results/gallium-kj]

Each command runs ``--repeat`` times in a fresh process, as a user types it
(the installed ``supplyshock`` entry point), after compiling the bytecode of
the package and of the environment's site-packages, with
``PYTHONDONTWRITEBYTECODE`` unset: a normal install has its bytecode cached.
Printed per command: the median wall time, the median CPU time (user +
system: less sensitive to other work on a shared machine) and the wall time
as a multiple of ``python -c pass`` measured in the same run.  With
``--results``, ``compare`` and ``report`` on that results folder are timed too
(the quick start's folder: ``supplyshock batch scenarios/experiments/gallium-kj.yaml``).

With ``--before DIR`` (a copy of the code before a change, e.g. ``git archive
main | tar -x -C DIR``), each command also runs with ``DIR`` first on
``PYTHONPATH``, alternating with the working tree run by run, so that both
see the same load; the table then gives both.  ``--only WORD`` (repeatable)
keeps the commands whose label contains a word, e.g. ``--only compare --only
report``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("run", "batch", "compare", "report", "network", "schema", "validate")


def _entry_point() -> list[str]:
    script = Path(sys.executable).with_name("supplyshock")
    return [str(script)] if script.exists() else [sys.executable, "-m", "simulator"]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["COLUMNS"] = "80"
    return env


def _compile() -> None:
    """Write the bytecode a normal install has (skips files already compiled)."""
    for folder in {ROOT / "simulator", Path(sysconfig.get_paths()["purelib"])}:
        compileall.compile_dir(folder, quiet=2, workers=1)


def _once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _time(argv: list[str], repeat: int, old: Path | None = None) -> list[tuple[float, float]]:
    """Median wall and CPU seconds of ``argv`` run ``repeat`` times: with the working
    tree, and (``old``) with the code in ``old`` first on ``PYTHONPATH``, run by run."""
    envs = [_environment()]
    if old is not None:
        envs.insert(0, {**envs[0], "PYTHONPATH": str(old)})
    runs: list[list[tuple[float, float]]] = [[] for _ in envs]
    for _ in range(repeat):
        for index, env in enumerate(envs):
            runs[index].append(_once(argv, env))
    return [
        (statistics.median(w for w, _ in times), statistics.median(c for _, c in times))
        for times in runs
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--results", type=Path, help="a results folder for compare and report")
    parser.add_argument("--before", type=Path, help="the code before a change, for comparison")
    parser.add_argument("--only", action="append", help="time only commands containing this")
    args = parser.parse_args()
    _compile()
    if args.before is not None:
        compileall.compile_dir(args.before / "simulator", quiet=2, workers=1)
    cli = _entry_point()
    cases: list[tuple[str, list[str]]] = [
        ("python -c pass (baseline)", [sys.executable, "-c", "pass"]),
        ("supplyshock --help", [*cli, "--help"]),
        *((f"supplyshock {c} --help", [*cli, c, "--help"]) for c in COMMANDS),
        (
            "supplyshock validate (scenario)",
            [*cli, "validate", "scenarios/examples/two-country-ban.yaml"],
        ),
        (
            "supplyshock validate (experiment)",
            [*cli, "validate", "scenarios/experiments/gallium-kj.yaml"],
        ),
    ]
    scratch = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    if args.results is not None:
        cases += [
            ("supplyshock compare RESULTS", [*cli, "compare", str(args.results)]),
            (
                "supplyshock report RESULTS",
                [*cli, "report", str(args.results), "-o", str(scratch / "report.html")],
            ),
        ]
    if args.only:
        cases = [(label, argv) for label, argv in cases if any(w in label for w in args.only)]
    if args.before is not None:
        print(f"| command | before: wall / CPU, median of {args.repeat} (s) | after (s) |")
        print("|---|---:|---:|")
    else:
        print(f"| command | wall, median of {args.repeat} (s) | CPU (s) | × baseline wall |")
        print("|---|---:|---:|---:|")
    baseline = None
    try:
        for label, argv in cases:
            timed = _time(argv, args.repeat, args.before)
            if args.before is not None:
                cells = " | ".join(f"{wall:.3f} / {cpu:.3f}" for wall, cpu in timed)
                print(f"| `{label}` | {cells} |", flush=True)
                continue
            ((wall, cpu),) = timed
            baseline = baseline or wall
            print(f"| `{label}` | {wall:.3f} | {cpu:.3f} | {wall / baseline:.1f} |", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
