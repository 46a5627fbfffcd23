"""Checks of an experiment's plan: names, sweep points, swept and uncertain paths, variants.

:class:`PlanIssues` gathers the issues found while planning; one repeated for
several variants is reported once, naming them.  The checks here look at the
experiment's names (variants, sweep points: they name files), at what a swept
or uncertain path names (:func:`check_path`), and at the scenario of a
variant at a sweep point (:func:`variant_at_point`, which locates each issue
at the swept value that caused it); :mod:`simulator.experiments.design` runs
them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from simulator.errors import InputError, Issue, Location, PathPart
from simulator.experiments.plan import BASE_VARIANT, Variant, validate_scenario_data
from simulator.experiments.points import SweepPoint
from simulator.experiments.spec import Experiment
from simulator.io.paths import PathNotFoundError, get_path, resolve_path, set_path
from simulator.io.yaml import SourceMap
from simulator.model.scenario import Scenario

__all__ = [
    "MAX_NAME_BYTES",
    "PlanIssues",
    "check_file_names",
    "check_names",
    "check_path",
    "check_points",
    "check_quantity",
    "is_integer",
    "param_key",
    "under",
    "variant_at_point",
]

_RESERVED = frozenset("/=,%")
"""Characters a variant name may not hold: they name sweep points and files."""


class PlanIssues:
    """Issues found while planning; those repeated for several variants are reported once."""

    def __init__(self) -> None:
        self._found: dict[tuple[Location | None, tuple[PathPart, ...], str], list[str]] = {}

    def add(self, issue: Issue, variant: str | None = None) -> None:
        key = (issue.location, issue.path, issue.message)
        names = self._found.setdefault(key, [])
        if variant is not None and variant not in names:
            names.append(variant)

    def extend(self, issues: Iterable[Issue], variant: str | None = None) -> None:
        for issue in issues:
            self.add(issue, variant)

    def raise_if_any(self) -> None:
        if not self._found:
            return
        issues: list[Issue] = []
        for (location, path, message), names in self._found.items():
            if len(names) == 1:
                message = f"{message} (variant {names[0]})"
            elif names:
                message = f"{message} (variants {', '.join(names)})"
            issues.append(Issue(path, message, location))
        raise InputError(issues)


def check_names(spec: Experiment, positions: SourceMap, issues: PlanIssues) -> None:
    for name in spec.variants:
        bad = sorted(set(name) & _RESERVED)
        if not name.strip() or name.startswith(".") or bad:
            issues.add(
                Issue(
                    ("variants", name),
                    "expected a variant name that does not start with '.' nor contain"
                    f" {' '.join(sorted(_RESERVED))} (they name sweep points and files),"
                    f" found {name!r}",
                    positions.locate_key(("variants", name)),
                )
            )


def encode_name(name: str) -> str:
    """The variant's file-name segment, as :func:`simulator.experiments.store.encode_name`
    writes it (imported from there it would load pandas and pyarrow for ``validate``)."""
    return quote(name, safe="")


MAX_NAME_BYTES = 200
"""Longest variant name once percent-encoded: it names files and folders (at most 255 bytes)."""


def check_file_names(variants: list[Variant], positions: SourceMap, issues: PlanIssues) -> None:
    """Refuse a variant whose name, percent-encoded, is too long for a file name."""
    for v in variants:
        size = len(encode_name(v.name))
        if size <= MAX_NAME_BYTES:
            continue
        own = v.named is not None and len(encode_name(v.named)) > MAX_NAME_BYTES
        key: tuple[PathPart, ...] = ("variants", str(v.named)) if own else ("sweep",)
        shown = v.name if len(v.name) <= 60 else v.name[:57] + "..."
        issues.add(
            Issue(
                key,
                f"expected a variant name of at most {MAX_NAME_BYTES} bytes once encoded for a"
                f" file name, found {size} ({shown!r}); use a shorter name"
                + ("" if own else " or fewer swept parameters"),
                positions.locate_key(key),
            )
        )


def check_points(points: list[SweepPoint | None], positions: SourceMap, issues: PlanIssues) -> None:
    seen: set[str] = set()
    for point in points:
        if point is None:
            continue
        if point.name in seen:
            path = next(iter(point.origin.values()))
            issues.add(
                Issue(
                    path[:3],
                    f"sweep point {point.name} appears twice; expected distinct values",
                    positions.locate(path[:3]),
                )
            )
        seen.add(point.name)


def check_quantity(
    value: Any, path: str, where: Location | None, issues: PlanIssues, variant: str | None
) -> None:
    """An uncertainty draws a number: its path must name a number (or a quantity left unset)."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    is_distribution = isinstance(value, dict) and "dist" in value
    if is_number or is_distribution or value is None:
        return
    if isinstance(value, dict):
        found = f"a mapping (keys {', '.join(list(value)[:5])})"
    elif isinstance(value, list):
        found = "a list"
    elif isinstance(value, bool):
        found = f"{str(value).lower()} (true/false)"
    else:
        found = f"text {str(value)[:40]!r}"
    issues.add(
        Issue(
            ("uncertainties", path),
            f"expected the dotted path of a number to draw (e.g. shocks.ban.duration_days),"
            f" found {found}",
            where,
        ),
        variant,
    )


def param_key(spec: Experiment, path: str) -> tuple[PathPart, ...]:
    """Where swept ``path`` is written in the experiment file (its grid, or its sample's ranges)."""
    if spec.sweep is not None and spec.sweep.grid and path in spec.sweep.grid:
        return ("sweep", "grid", path)
    return ("sweep", "sample", "ranges", path)


def check_path(
    data: dict[str, Any],
    path: str,
    key: tuple[PathPart, ...],
    positions: SourceMap,
    issues: PlanIssues,
    variant: str | None,
) -> bool:
    """Whether ``path`` names something in ``data``; adds a located issue if not."""
    try:
        resolve_path(data, path)
    except PathNotFoundError as error:
        where = "the scenario" if variant is None else "this variant"
        issues.add(
            Issue(key, f"path not found in {where}: {error.reason}", positions.locate_key(key)),
            variant,
        )
        return False
    return True


def is_integer(value: Any) -> bool:
    """Whether ``value`` is an ``int`` (a ``bool`` is not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def variant_at_point(
    named: str | None,
    overlay: dict[str, Any],
    data: dict[str, Any],
    point: SweepPoint | None,
    baseline: str,
    positions: SourceMap,
    issues: PlanIssues,
) -> Variant | None:
    """The variant ``named`` at sweep ``point``, validated (None if invalid, with issues added)."""
    parts = [p for p in (named, point.name if point else None) if p is not None]
    name = "/".join(parts) or BASE_VARIANT
    if point is None:
        scenario = Scenario.model_validate(data)
        return Variant(name, named, None, baseline, overlay, {}, scenario, data)
    params: dict[str, Any] = {}
    for path, value in point.values.items():
        if isinstance(value, float) and is_integer(get_path(data, path)):
            value = round(value)
        params[path] = value
        data = set_path(data, path, value)
    found = validate_scenario_data(data)
    if found:
        for issue in found:
            origin = next(
                (o for p, o in point.origin.items() if under(issue.path, resolve_path(data, p))),
                next(iter(point.origin.values())),
            )
            located = Issue(
                issue.path,
                f"at sweep point {point.name}: {issue.message}",
                positions.locate(origin),
            )
            issues.add(located, named)
        return None
    scenario = Scenario.model_validate(data)
    base_name = baseline if named is None else "/".join([baseline, point.name])
    return Variant(name, named, point.name, base_name, overlay, params, scenario, data)


def under(path: tuple[PathPart, ...], prefix: tuple[PathPart, ...]) -> bool:
    """Whether ``path`` is ``prefix`` or lies below it."""
    return path[: len(prefix)] == prefix
