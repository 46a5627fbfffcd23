"""From an experiment (or scenario) file to a :class:`Plan`: every variant validated.

The steps, each reporting every problem found as ``FILE:LINE:COL: path: message``:

1. parse the experiment file and validate it (:class:`~simulator.experiments.spec.Experiment`);
2. read the base scenario (relative to the experiment file) and resolve ``extends``;
3. deep-merge each named variant's overlay onto the base and validate the
   result as a scenario (pydantic and the trade network); values that came
   from the overlay are located in the experiment file, the rest in the base;
4. check that every swept and uncertain path exists in every variant;
5. set each sweep point's values in each variant (the points cross the
   variants) and validate again, locating problems at the swept value.

Nothing runs until the whole plan is valid.  A plain scenario file is a plan
with one variant, ``base``.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from simulator.errors import InputError, Issue, PathPart
from simulator.experiments.data_design import DataDesign, range_path, select_ranges
from simulator.experiments.plan import (
    BASE_VARIANT,
    Plan,
    Uncertainty,
    Variant,
    validate_scenario_data,
)
from simulator.experiments.plan_checks import (
    PlanIssues,
    check_file_names,
    check_names,
    check_path,
    check_points,
    check_quantity,
    is_integer,
    param_key,
    under,
    variant_at_point,
)
from simulator.experiments.points import SweepPoint, sweep_points
from simulator.experiments.spec import MAX_SEED, Experiment
from simulator.io.extends import EXTENDS_KEY, copy_positions, merge_documents, resolve_extends
from simulator.io.files import unreadable_reason
from simulator.io.paths import PathNotFoundError, get_path, resolve_path, set_path
from simulator.io.scenario_file import (
    load_scenario_document,
    require_scenario_mapping,
    scenario_from_document,
)
from simulator.io.validation import validate_document
from simulator.io.yaml import SourceMap, YamlDocument, read_yaml
from simulator.model.distributions import truncated
from simulator.model.scenario import Scenario

__all__ = ["load_plan", "plan_from_document"]


# --- loading -----------------------------------------------------------------------------


def load_plan(path: str | Path, *, replications: int | None = None) -> Plan:
    """Read an experiment or scenario file and validate every variant it implies.

    Parameters
    ----------
    path : str or pathlib.Path
        An experiment file (it has a top-level ``scenario:`` key) or a scenario file.
    replications : int, optional
        Replications per variant instead of the file's.

    Returns
    -------
    Plan

    Raises
    ------
    InputError
        Every problem found, located in the experiment or scenario file.
    """
    if replications is not None and replications < 1:
        raise ValueError(f"expected replications >= 1, found {replications}")
    document = read_yaml(path)  # parsed once, whichever kind of file it is
    if isinstance(document.data, dict) and EXTENDS_KEY in document.data:
        # An experiment may extend another; so may a scenario.
        resolved = resolve_extends(document)
        if isinstance(resolved.data, dict) and "scenario" in resolved.data:
            return _experiment_plan(resolved, replications)
        return _scenario_plan(path, replications, resolved)
    if isinstance(document.data, dict) and "scenario" in document.data:
        return _experiment_plan(document, replications)
    return _scenario_plan(path, replications, resolve_extends(document))


def plan_from_document(document: YamlDocument, *, replications: int | None = None) -> Plan:
    """The plan of an already parsed experiment (e.g. one given as a mapping in Python).

    ``scenario:`` and ``extends:`` are relative to the directory of
    ``document.file`` (the working directory for a name without one).

    Raises
    ------
    InputError
        Every problem found; also when the document is not an experiment.
    """
    if replications is not None and replications < 1:
        raise ValueError(f"expected replications >= 1, found {replications}")
    if isinstance(document.data, dict) and EXTENDS_KEY in document.data:
        document = resolve_extends(document)
    if not isinstance(document.data, dict) or "scenario" not in document.data:
        raise InputError.single(
            "expected an experiment: a mapping with a scenario: key (the base scenario file)",
            (),
            document.locate(()),
        )
    return _experiment_plan(document, replications)


def _scenario_plan(path: str | Path, replications: int | None, document: YamlDocument) -> Plan:
    """The plan of scenario file ``path``, parsed and ``extends``-resolved as ``document``."""
    scenario = scenario_from_document(document, for_run=True)
    n = replications or scenario.replications
    scenario = scenario.model_copy(update={"replications": n})
    variant = Variant(
        BASE_VARIANT, None, None, BASE_VARIANT, {}, {}, scenario, scenario.resolved_dict()
    )
    return Plan(
        name=scenario.name,
        description=scenario.description,
        kind="scenario",
        source=str(path),
        seed=scenario.seed,
        replications=n,
        baseline=BASE_VARIANT,
        variants=(variant,),
        experiment={"scenario": os.path.basename(str(path)), "replications": n},
    )


def _experiment_plan(document: YamlDocument, replications: int | None) -> Plan:
    spec = validate_document(Experiment, document)
    positions = document.positions
    issues = PlanIssues()

    # Relative to the file that names it (an extended experiment may live elsewhere).
    named_in = positions.locate(("scenario",))
    folder = os.path.dirname(named_in.file if named_in is not None else document.file)
    base_file = os.path.normpath(os.path.join(folder, spec.scenario))
    reason = unreadable_reason(base_file)
    if reason is not None:
        found = "not found" if reason == "no such file" else f"cannot be read: {reason}"
        raise InputError.single(
            f"base scenario {spec.scenario!r} {found} (looked for {base_file})",
            ("scenario",),
            positions.locate(("scenario",)),
        )
    base = load_scenario_document(base_file)
    require_scenario_mapping(base)
    check_names(spec, positions, issues)
    issues.raise_if_any()

    named: dict[str | None, tuple[dict[str, Any], Scenario]] = {}
    written_data: dict[str | None, dict[str, Any]] = {}
    overlays: dict[str | None, dict[str, Any] | None] = {None: {}}
    if spec.variants:
        overlays = dict(spec.variants.items())
    for name, written in overlays.items():
        overlay = written or {}
        nested = {k: v for k, v in overlay.items() if "." not in k}
        try:
            merged = merge_documents(base, _overlay(document, name, nested))
            scenario = scenario_from_document(merged, for_run=True)
        except InputError as error:
            issues.extend(error.issues, name)
            continue
        named[name] = (overlay, scenario)
        written_data[name] = merged.data
    issues.raise_if_any()

    first = next(iter(named.values()))[1]
    seed = first.seed if spec.seed is None else spec.seed
    n = replications or spec.replications or first.replications
    if seed > MAX_SEED:
        raise InputError.single(
            f"expected a root seed <= {MAX_SEED}; the scenario's seed is {seed}",
            ("seed",),
            positions.locate(()),
        )
    points: list[SweepPoint | None] = list(sweep_points(spec.sweep, seed)) if spec.sweep else [None]
    parameters = spec.sweep.parameters() if spec.sweep else []
    check_points(points, positions, issues)
    baseline = _baseline(spec, points, positions, issues)
    issues.raise_if_any()

    resolved = {
        name: scenario.model_copy(update={"seed": seed, "replications": n}).resolved_dict()
        for name, (_, scenario) in named.items()
    }
    for name, (overlay, _) in named.items():
        resolved[name] = _set_dotted(name, overlay, resolved[name], positions, issues)
    issues.raise_if_any()
    warnings = _same_scenarios(resolved, positions)
    for name, data in resolved.items():
        for path in parameters:
            check_path(data, path, param_key(spec, path), positions, issues, name)
        for path in spec.uncertainties:
            key: tuple[PathPart, ...] = ("uncertainties", path)
            if check_path(data, path, key, positions, issues, name):
                check_quantity(get_path(data, path), path, positions.locate_key(key), issues, name)
    for path, quantity in spec.uncertainties.items():
        if truncated(quantity):
            issues.add(
                Issue(
                    ("uncertainties", path, "truncate"),
                    "truncate applies to a scenario's own random quantities; an uncertainty's"
                    " draws are set as they are (give the distribution bounds instead)",
                    positions.locate_key(("uncertainties", path)),
                )
            )
    for path in spec.uncertainties:
        if path in parameters:
            issues.add(
                Issue(
                    ("uncertainties", path),
                    "this path is also swept; a path is either swept or uncertain",
                    positions.locate_key(("uncertainties", path)),
                )
            )
    issues.raise_if_any()

    ranges, range_problems = select_ranges(
        spec.data_uncertainty,
        {str(k): v for k, v in written_data.items()},
        {str(k): v for k, v in resolved.items()},
        [*parameters, *spec.uncertainties],
    )
    issues.extend(i.located(positions.locate(i.path)) for i in range_problems)
    issues.raise_if_any()
    design = DataDesign.sample(ranges, seed, n)

    uncertainties = tuple(
        Uncertainty(path, q, any(is_integer(get_path(d, path)) for d in resolved.values()))
        for path, q in spec.uncertainties.items()
    )
    variants: list[Variant] = []
    for name, (overlay, _) in named.items():
        paths = {r.label: range_path(resolved[name], r) or "" for r in ranges}
        for point in points:
            variant = variant_at_point(
                name, overlay, resolved[name], point, baseline, positions, issues
            )
            if variant is not None:
                variants.append(dataclasses.replace(variant, data_paths=paths))
    check_file_names(variants, positions, issues)
    issues.raise_if_any()

    experiment = spec.model_dump(mode="json", by_alias=True)
    experiment.update(replications=n, seed=seed, baseline=baseline)
    return Plan(
        name=spec.name,
        description=spec.description,
        kind="experiment",
        source=document.file,
        seed=seed,
        replications=n,
        baseline=baseline,
        variants=tuple(variants),
        parameters=tuple(parameters),
        uncertainties=uncertainties,
        experiment=experiment,
        warnings=tuple(warnings),
        data_design=design,
    )


def _set_dotted(
    name: str | None,
    overlay: dict[str, Any],
    data: dict[str, Any],
    positions: SourceMap,
    issues: PlanIssues,
) -> dict[str, Any]:
    """``data`` with the variant's dotted keys (``shocks.ban.duration_days: 90``) set.

    Like a sweep's values, a dotted key names a value that must exist in the
    resolved scenario (the dataset merged in), so a misspelt path is an error
    rather than a new key; the result is validated again.
    """
    written = {k: v for k, v in overlay.items() if "." in k}
    if not written or name is None:
        return data
    for path, value in written.items():
        key = ("variants", name, path)
        try:
            resolve_path(data, path)
        except PathNotFoundError as error:
            reason = f"path not found in the scenario: {error.reason}"
            issues.add(Issue(key, reason, positions.locate_key(key)))
            continue
        data = set_path(data, path, value)
    for issue in validate_scenario_data(data):
        written_at = next(
            (p for p in written if under(issue.path, resolve_path(data, p))), next(iter(written))
        )
        issues.add(
            Issue(issue.path, issue.message, positions.locate(("variants", name, written_at))),
            name,
        )
    return data


def _same_scenarios(
    resolved: dict[str | None, dict[str, Any]], positions: SourceMap
) -> list[Issue]:
    """A warning for each named variant that resolves to the same scenario as an earlier one."""
    first_with: dict[str, str] = {}
    warnings: list[Issue] = []
    for name, data in resolved.items():
        if name is None:
            continue
        key = json.dumps(data, sort_keys=True, default=str)
        earlier = first_with.setdefault(key, name)
        if earlier != name:
            warnings.append(
                Issue(
                    ("variants", name),
                    f"variant {name!r} resolves to the same scenario as variant {earlier!r};"
                    " a misspelt key in an overlay? (their results will be identical)",
                    positions.locate_key(("variants", name)),
                )
            )
    return warnings


def _overlay(document: YamlDocument, name: str | None, overlay: dict[str, Any]) -> YamlDocument:
    """The variant's overlay as a document whose positions are those in the experiment file."""
    positions = SourceMap()
    if name is not None:
        copy_positions(document.positions, ("variants", name), overlay, positions, ())
        positions.keys.pop((), None)
    return YamlDocument(overlay, positions, document.file)


def _baseline(
    spec: Experiment, points: list[SweepPoint | None], positions: SourceMap, issues: PlanIssues
) -> str:
    if spec.variants:
        choices = list(spec.variants)
    elif spec.sweep is not None:
        choices = [p.name for p in points if p is not None]
    else:
        choices = [BASE_VARIANT]
    chosen = spec.baseline
    if chosen is None:
        return choices[0]
    if chosen not in choices:
        kind = "variant" if spec.variants or spec.sweep is None else "sweep point"
        issues.add(
            Issue(
                ("baseline",),
                f"expected the name of a {kind}: one of {', '.join(choices)}; found {chosen!r}",
                positions.locate(("baseline",)),
            )
        )
    return chosen
