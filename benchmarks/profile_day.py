"""Where the compiled day's time goes: perf samples by compiled function and by instruction.

``bench_span_day.py`` says how long a day takes; this says where inside the
compiled code the time is spent, which ``cProfile`` cannot see (a span of
days is one call to it).  It runs ``simulate`` on the synthetic network of
``bench_engine.py`` (one ban by the largest exporter from day 30; with
``--policies``, the reserves, pool and transfers of
``bench_time_advance.py``) for ``--seconds`` in a child process recorded by
Linux ``perf``, then attributes each sample to the compiled function of the
engine it fell in, and lists the instructions of one function (``--function``)
that took the most samples, disassembled with ``objdump``.

The child compiles the engine afresh (``NUMBA_CACHE_DIR`` set to an empty
folder): functions numba loads from its cache keep no symbol table, so only
compiled ones can be located.  It reads their addresses through numba's
private ``library._final_module`` (no public API gives them); the
compilation's own samples fall outside the engine and are counted apart.
A sample lands on the instruction *after* a stalled one as often as on it
(``perf`` without hardware counters, as on a virtual machine), so read the
instruction list by neighbourhoods.

Needs ``perf`` (with ``perf_event_paranoid`` allowing user-space sampling)
and ``objdump`` on the ``PATH``::

    uv run python benchmarks/profile_day.py
    uv run python benchmarks/profile_day.py --policies --seconds 30 --function open_lines
"""

from __future__ import annotations

import argparse
import bisect
import collections
import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_MANGLED = re.compile(r"^(?P<wrapper>cfunc\.)?_ZN(?P<cpython>7cpython)?(?P<body>\d.*)$")


def readable(mangled: str) -> str:
    """``module.function`` of numba's mangled name (``_ZN9simulator6engine6kernel9trade_day…``)."""
    match = _MANGLED.match(mangled)
    if match is None:
        return mangled
    body, names, at = match["body"], [], 0
    while at < len(body) and body[at].isdigit():
        digits = re.match(r"\d+", body[at:])
        assert digits is not None
        start = at + len(digits[0])
        names.append(body[start : start + int(digits[0])])
        at = start + int(digits[0])
    name = ".".join(names[-2:])
    return f"{name} (wrapper)" if match["wrapper"] or match["cpython"] else name


def _mapping_end(address: int) -> int:
    """End of the memory mapping of this process that holds ``address``."""
    for line in Path("/proc/self/maps").read_text().splitlines():
        low, high = (int(x, 16) for x in line.split()[0].split("-"))
        if low <= address < high:
            return high
    return address


def child(folder: Path, seconds: float, policies: bool) -> None:
    """Compile, write the engine's function addresses and code, then simulate for ``seconds``."""
    from bench_engine import synthetic_scenario
    from bench_time_advance import with_policies

    from simulator.engine import simulate
    from simulator.engine.span import advance_span
    from simulator.model.network import TradeNetwork

    scenario = synthetic_scenario(40)
    if policies:
        scenario = with_policies(scenario)
    network = TradeNetwork.from_scenario(scenario)
    simulate(scenario, 0, network=network)  # compiles advance_span and all it calls
    found: dict[int, str] = {}
    dispatcher: Any = advance_span  # numba's dispatcher, typed as the function it compiles
    for result in dispatcher.overloads.values():
        library = result.library
        for function in library._final_module.functions:
            if not function.is_declaration:
                address = library.get_pointer_to_function(function.name)
                if address:
                    found.setdefault(address, readable(function.name))
    starts = sorted(found)
    with open(folder / "functions.tsv", "w") as table:
        for index, address in enumerate(starts):
            end = _mapping_end(address)
            if index + 1 < len(starts) and starts[index + 1] > address:
                end = min(end, starts[index + 1])
            end = min(end, address + 0x10000)
            (folder / f"{address:x}.bin").write_bytes(ctypes.string_at(address, end - address))
            table.write(f"{address:x}\t{end:x}\t{found[address]}\n")
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        simulate(scenario, runs, network=network)
        runs += 1
    elapsed = time.perf_counter() - start
    print(f"{runs} replications in {elapsed:.1f} s ({1000 * elapsed / runs:.3f} ms each)")


def _functions(folder: Path) -> list[tuple[int, int, str]]:
    rows = []
    for line in (folder / "functions.tsv").read_text().splitlines():
        start, end, name = line.split("\t")
        rows.append((int(start, 16), int(end, 16), name))
    return rows


def _samples(folder: Path) -> list[int]:
    script = subprocess.run(
        ["perf", "script", "-i", str(folder / "perf.data"), "-F", "ip"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [int(line, 16) for line in script.stdout.split()]


def report(folder: Path, function: str, top: int) -> None:
    """Print the share of samples per compiled function, and ``function``'s hottest instructions."""
    functions = _functions(folder)
    starts = [start for start, _, _ in functions]
    per_function: collections.Counter[str] = collections.Counter()
    per_address: collections.Counter[int] = collections.Counter()
    samples = _samples(folder)
    for ip in samples:
        at = bisect.bisect_right(starts, ip) - 1
        if at >= 0 and ip < functions[at][1]:
            per_function[functions[at][2]] += 1
            per_address[ip] += 1
    inside = sum(per_function.values())
    print(f"\n{len(samples)} samples, {inside} in the compiled engine\n")
    print("| compiled function | share of the engine's samples |")
    print("|---|---:|")
    for name, count in per_function.most_common():
        print(f"| `{name}` | {100 * count / inside:.1f}% |")
    chosen = [row for row in functions if row[2].endswith(f".{function}")]
    if not chosen:
        return
    start, end, name = chosen[0]
    disassemble = ["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", f"--adjust-vma={start:#x}"]
    listing = subprocess.run(
        [*disassemble, str(folder / f"{start:x}.bin")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    code = {}
    for line in listing.splitlines():
        address, _, rest = line.partition(":")
        if re.fullmatch(r"\s*[0-9a-f]+", address) and "\t" in rest:
            code[int(address, 16)] = rest.split("\t")[-1].strip()
    mine = {ip: n for ip, n in per_address.items() if start <= ip < end}
    total = sum(mine.values())
    print(f"\n`{name}`: {total} samples; its {top} hottest instructions (offset from its start)\n")
    print("| offset | share of the function | instruction |")
    print("|---:|---:|---|")
    for ip, count in sorted(mine.items(), key=lambda item: -item[1])[:top]:
        print(f"| {ip - start:#x} | {100 * count / total:.1f}% | `{code.get(ip, '?')}` |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--policies", action="store_true")
    parser.add_argument("--function", default="trade_day", help="list this one's instructions")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.seconds, args.policies)
        return
    for tool in ("perf", "objdump"):
        if shutil.which(tool) is None:
            sys.exit(f"profile_day.py needs `{tool}` on the PATH")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        environment = dict(os.environ, NUMBA_CACHE_DIR=str(folder / "numba-cache"))
        command = [sys.executable, __file__, "--child", str(folder), "--seconds", str(args.seconds)]
        command += ["--policies"] if args.policies else []
        subprocess.run(
            ["perf", "record", "-q", "-o", str(folder / "perf.data"), "--", *command],
            env=environment,
            check=True,
        )
        report(folder, args.function, args.top)


if __name__ == "__main__":
    main()
