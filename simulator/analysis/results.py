"""A results folder of ``supplyshock batch``, as the analysis reads it.

:func:`open_results` reads the folder with
:func:`simulator.experiments.store.load_results` and wraps it in a
:class:`ResultsFolder`: the manifest, the summary table (one row per variant ×
replication × country-or-coalition × commodity) and the daily table when the
batch recorded one, plus what the analysis needs from the manifest — variant
order, each variant's baseline, the root seed, the swept parameters and the
resolved scenarios.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pandas as pd

__all__ = ["ResultsError", "ResultsFolder", "open_results", "shock_effective_day"]


class ResultsError(ValueError):
    """A results folder that cannot be read (missing manifest, bad chunks, duplicates),
    or that is incomplete when complete results were asked for."""


@dataclass(frozen=True)
class ResultsFolder:
    """A results folder as read by :func:`simulator.experiments.store.load_results`.

    ``summary`` and ``daily`` (None when the batch recorded no daily series)
    are in manifest variant order, then replication.
    """

    path: Path
    manifest: dict[str, Any]
    summary: pd.DataFrame
    daily: pd.DataFrame | None = None
    problems: tuple[str, ...] = ()
    """Why the results are incomplete (empty when complete), see :func:`open_results`."""

    @property
    def replications_present(self) -> dict[str, int]:
        """Variant → replications present in the summary table, in variant order."""
        counts = self.summary.groupby("variant", sort=False)["replication"].nunique()
        return {v: int(counts.get(v, 0)) for v in self.variants}

    @property
    def name(self) -> str:
        """The experiment's name (the folder's name when the manifest has none)."""
        return str(self.manifest.get("name") or self.path.name)

    @property
    def variants(self) -> tuple[str, ...]:
        """Variant names in manifest order, then any others found in the summary."""
        declared = [str(v) for v in self.manifest.get("variants") or []]
        found = [str(v) for v in pd.unique(self.summary["variant"])]
        return tuple(dict.fromkeys([*declared, *found]))

    def baseline_of(self, variant: str) -> str:
        """The variant ``variant`` is compared with by default.

        The manifest's per-variant baseline (the baseline variant at the same
        sweep point), else its ``baseline``, else the first variant.
        """
        specs = self.manifest.get("variant_specs")
        if isinstance(specs, dict) and isinstance(specs.get(variant), dict):
            own = specs[variant].get("baseline")
            if own:
                return str(own)
        return str(self.manifest.get("baseline") or self.variants[0])

    @property
    def seed(self) -> int:
        """The experiment's root seed (0 when the manifest has none)."""
        seed = self.manifest.get("seed")
        return seed if isinstance(seed, int) and seed >= 0 else 0

    @property
    def sweep_parameters(self) -> tuple[str, ...]:
        """Dotted paths of the swept parameters (empty when not a sweep)."""
        return tuple(str(p) for p in self.manifest.get("sweep_parameters") or ())

    def scenario(self, variant: str | None = None) -> dict[str, Any]:
        """The resolved scenario of ``variant`` (the shared or first one otherwise)."""
        per_variant = self.manifest.get("scenarios")
        if isinstance(per_variant, dict) and variant in per_variant:
            return dict(per_variant[variant])
        shared = self.manifest.get("scenario")
        if isinstance(shared, dict):
            return dict(shared)
        if isinstance(per_variant, dict) and per_variant:
            return dict(next(iter(per_variant.values())))
        return {}

    def scenario_yaml(self) -> dict[str, str]:
        """The resolved scenario files ``scenarios/VARIANT.yaml`` as text, by variant name."""
        files = sorted((self.path / "scenarios").glob("*.yaml"))
        texts = {unquote(p.stem): p.read_text(encoding="utf-8") for p in files}
        order = {v: i for i, v in enumerate(self.variants)}
        return dict(sorted(texts.items(), key=lambda item: order.get(item[0], len(order))))

    def days_after_shock(self, variant: str, commodity: str) -> float | None:
        """Days from the shock's effective day to the end of the horizon, when both are fixed.

        ``horizon_days - effective_day``: the common censoring day of TTS and TTR.
        """
        scenario = self.scenario(variant)
        horizon = scenario.get("horizon_days")
        start = shock_effective_day(scenario, commodity)
        if not isinstance(horizon, int | float) or start is None:
            return None
        return float(horizon) - start

    @property
    def has_daily(self) -> bool:
        """Whether the batch recorded daily series."""
        return self.daily is not None and not self.daily.empty

    def read_daily(
        self,
        variants: Sequence[str] | None = None,
        countries: Sequence[str] | None = None,
        commodities: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The daily records of these variants, countries and commodities (default all)."""
        if self.daily is None:
            return pd.DataFrame()
        mask = pd.Series(True, index=self.daily.index)
        for column, wanted in (
            ("variant", variants),
            ("country", countries),
            ("commodity", commodities),
        ):
            if wanted is not None:
                mask &= self.daily[column].isin(list(wanted))
        return self.daily[mask]


def open_results(out_dir: str | Path, *, allow_incomplete: bool = False) -> ResultsFolder:
    """Open the results folder written by ``supplyshock batch --out OUT_DIR``.

    Results are incomplete when the batch did not complete (its manifest's
    status), a variant has fewer replications than planned, or chunk files are
    missing.  Such results are refused unless ``allow_incomplete``; then the
    folder's :attr:`ResultsFolder.problems` list what is missing.

    Raises
    ------
    ResultsError
        No manifest (or a malformed one), no summary chunks, unreadable
        chunks, missing key columns; or incomplete results when not allowed.
    """
    from simulator.experiments.integrity import completeness_problems, missing_chunks
    from simulator.experiments.store import load_results, parse_manifest

    path = Path(out_dir)
    try:
        parse_manifest(path)
    except FileNotFoundError:
        raise ResultsError(
            f"{path}: no manifest.json; not a results folder of `supplyshock batch`"
        ) from None
    except (OSError, ValueError) as error:
        raise ResultsError(f"{path}: malformed manifest: {error}") from None
    try:
        manifest, summary, daily = load_results(path)
    except (OSError, ValueError) as error:  # pyarrow's errors derive from these
        raise ResultsError(f"{path}: cannot read results: {error}") from error
    missing = {"variant", "replication", "country", "commodity"} - set(summary.columns)
    if missing:
        raise ResultsError(f"{path}: the summary table lacks columns {sorted(missing)}")
    if "group" not in summary.columns:
        summary["group"] = False
    folder = ResultsFolder(path=path, manifest=manifest, summary=summary, daily=daily)
    problems = completeness_problems(
        manifest, folder.replications_present, missing_chunks(path, manifest)
    )
    if problems and not allow_incomplete:
        raise ResultsError(
            f"{path}: incomplete results: {'; '.join(problems)}. Resume the batch (run the same"
            " command again), or pass --allow-incomplete to use what is there"
        )
    return replace(folder, problems=tuple(problems))


def shock_effective_day(scenario: dict[str, Any], commodity: str | None = None) -> float | None:
    """The earliest fixed ``effective_day`` of the scenario's shocks (on ``commodity``).

    ``None`` when there is no shock or an effective day is drawn at random.
    """
    days: list[float] = []
    for shock in scenario.get("shocks") or []:
        if not isinstance(shock, dict):
            continue
        if commodity is not None and shock.get("commodity") not in (None, commodity):
            continue
        day = shock.get("effective_day", 0)
        if isinstance(day, bool) or not isinstance(day, int | float):
            return None
        days.append(float(day))
    return min(days) if days else None
