"""A synthetic results folder in the layout ``supplyshock batch`` writes, for analysis tests.

:func:`write_results` draws, per replication ``r``, one shock severity shared
by every variant (common random numbers) and lets each variant cut the
resulting shortfall by its own ``protection`` share, plus a little noise of
its own.  Korea and Japan are hit with different depths; the coalition ``KJ``
row is their sum.  TTS is null when a replication has no shortfall, TTR null
when it does not recover before the horizon.  The daily table follows the
same story day by day.  Everything comes from one seeded NumPy generator, so
a folder is a function of the arguments.

Layout (see the batch runner's contract)::

    OUT/manifest.json
    OUT/scenarios/VARIANT.yaml
    OUT/summary/variant=NAME/chunk-00000.parquet …
    OUT/daily/variant=NAME/chunk-00000.parquet …
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["COMMODITY", "DEMAND_PER_DAY", "write_results", "write_table"]

COMMODITY = "gallium"
DEMAND_PER_DAY = {"KOR": 1.0, "JPN": 2.0}
"""Daily demand (t/day) of the two countries of the synthetic world."""
DEPTH = {"KOR": 1.0, "JPN": 0.5}
"""How hard the shock hits each country (Korea harder: an asymmetric shock)."""
VALUE_AT_RISK = 1000.0
COVERAGE_DAYS = 30.0
DEFAULT_PROTECTION = {"national": 0.0, "pooled": 0.35, "both": 0.6}


def _scenario(name: str, horizon_days: int, shock_day: int) -> dict[str, Any]:
    return {
        "name": name,
        "description": "synthetic results for tests",
        "horizon_days": horizon_days,
        "seed": 1,
        "commodities": {COMMODITY: {"unit": "t", "value_at_risk_usd_per_unit": VALUE_AT_RISK}},
        "shocks": [
            {
                "id": "ban",
                "kind": "export_control",
                "exporter": "CHN",
                "commodity": COMMODITY,
                "targets": ["KOR", "JPN"],
                "mode": "ban",
                "announced_day": shock_day,
                "effective_day": shock_day,
                "duration_days": {"dist": "triangular", "low": 20, "mode": 40, "high": 80},
            }
        ],
        "coalitions": {"KJ": ["KOR", "JPN"]},
    }


def _yaml(value: Any, indent: int = 0) -> str:
    """A small YAML emitter for plain dicts, lists and scalars (JSON scalars are YAML)."""
    pad = "  " * indent
    if isinstance(value, Mapping):
        lines = []
        for key, item in value.items():
            if isinstance(item, Mapping | list) and item:
                lines.append(f"{pad}{json.dumps(str(key))}:\n{_yaml(item, indent + 1)}")
            else:
                lines.append(f"{pad}{json.dumps(str(key))}: {json.dumps(item)}")
        return "\n".join(lines)
    if isinstance(value, list):
        return "\n".join(f"{pad}- {json.dumps(item)}" for item in value)
    return f"{pad}{json.dumps(value)}"


def _draw_replication(
    rng: np.random.Generator, shock_day: int, horizon_days: int
) -> dict[str, Any]:
    """The shock of one replication, shared by every variant."""
    # One shock in five is lifted before it bites.
    severity = float(rng.lognormal(mean=np.log(0.15), sigma=0.8)) * float(rng.random() > 0.2)
    duration = float(rng.triangular(20, 50, 110))
    onset = {c: int(rng.integers(5, 25)) for c in DEPTH}
    return {"severity": severity, "duration": duration, "onset": onset}


def _country_row(
    draw: Mapping[str, Any],
    country: str,
    protection: float,
    noise: float,
    horizon_days: int,
    shock_day: int,
) -> dict[str, Any]:
    demand_total = DEMAND_PER_DAY[country] * horizon_days
    # A policy first absorbs mild shocks entirely, then cuts what remains.
    cover = 0.06 * protection
    rate = max(0.0, (draw["severity"] * DEPTH[country] - cover) * (1 - protection) + noise)
    # Shortfall below 0.5 % of demand counts as none: a replication the policy fully covers.
    short = rate > 0.005
    days_short = draw["duration"] * (1 - 0.5 * protection)
    shortfall = rate * DEMAND_PER_DAY[country] * days_short if short else 0.0
    tts = draw["onset"][country] + round(20 * protection) if short else None
    end = None if tts is None else tts + round(days_short)
    ttr = (
        0 if tts is None else (end if end is not None and end < horizon_days - shock_day else None)
    )
    return {
        "shortfall": shortfall,
        "fill_rate": 1.0 - shortfall / demand_total,
        "tts_days": tts,
        "ttr_days": ttr,
        "peak_shortfall_rate": min(1.0, rate) if short else 0.0,
        "shortage_days": round(days_short) if short else 0,
        "lost_days": shortfall / DEMAND_PER_DAY[country],
        "economic_loss_usd": shortfall * VALUE_AT_RISK,
        "min_coverage_days": max(0.0, COVERAGE_DAYS * (1 - draw["severity"] * (1 - protection))),
        "stockpile_cost_usd": 50.0 * protection * DEMAND_PER_DAY[country],
        "released": 10.0 * protection * draw["severity"],
        "transfers_in": 0.0,
        "transfers_out": 0.0,
        "loans_outstanding": 0.0,
        "pool_level": 5.0 * protection,
        "_rate": rate if short else 0.0,
    }


def _group_row(rows: Sequence[Mapping[str, Any]], horizon_days: int) -> dict[str, Any]:
    demand = sum(DEMAND_PER_DAY.values())
    shortfall = sum(r["shortfall"] for r in rows)
    tts = [r["tts_days"] for r in rows if r["tts_days"] is not None]
    ttrs = [r["ttr_days"] for r in rows]
    return {
        "shortfall": shortfall,
        "fill_rate": 1.0 - shortfall / (demand * horizon_days),
        "tts_days": min(tts) if tts else None,
        "ttr_days": None if any(t is None for t in ttrs) else max(ttrs),
        "peak_shortfall_rate": max(r["peak_shortfall_rate"] for r in rows),
        "shortage_days": max(r["shortage_days"] for r in rows),
        "lost_days": shortfall / demand,
        "economic_loss_usd": shortfall * VALUE_AT_RISK,
        "min_coverage_days": min(r["min_coverage_days"] for r in rows),
        "stockpile_cost_usd": sum(r["stockpile_cost_usd"] for r in rows),
        "released": sum(r["released"] for r in rows),
        "transfers_in": 0.0,
        "transfers_out": 0.0,
        "loans_outstanding": 0.0,
        "pool_level": sum(r["pool_level"] for r in rows),
    }


def _daily_rows(
    row: Mapping[str, Any],
    country: str,
    horizon_days: int,
    shock_day: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    days = np.arange(horizon_days)
    fill = np.ones(horizon_days)
    if row["tts_days"] is not None:
        start = shock_day + row["tts_days"]
        stop = horizon_days if row["ttr_days"] is None else shock_day + row["ttr_days"]
        dip = np.clip(row["_rate"] * (1 + 0.1 * rng.standard_normal(horizon_days)), 0, 1)
        fill = np.where((days >= start) & (days < stop), 1 - dip, 1.0)
    demand = DEMAND_PER_DAY[country]
    after = np.clip(days - shock_day, 0, None)
    coverage = np.where(
        days < shock_day,
        COVERAGE_DAYS,
        np.maximum(row["min_coverage_days"], COVERAGE_DAYS - after * COVERAGE_DAYS / 40),
    )
    if row["ttr_days"] is not None and row["tts_days"] is not None:
        back = shock_day + row["ttr_days"]
        coverage = np.where(
            days >= back, np.minimum(COVERAGE_DAYS, coverage + (days - back)), coverage
        )
    shortfall = (1 - fill) * demand
    return {
        "day": days,
        "coverage_days": coverage,
        "fill_rate": fill,
        "shortfall": shortfall,
        "inventory": coverage * demand,
        "strategic": np.zeros(horizon_days),
        "pool": np.zeros(horizon_days),
        "released": np.zeros(horizon_days),
        "transfers_in": np.zeros(horizon_days),
        "transfers_out": np.zeros(horizon_days),
    }


def _write_chunks(root: Path, variant: str, rows: list[dict[str, Any]], chunks: int) -> None:
    folder = root / f"variant={quote(variant, safe='')}"
    folder.mkdir(parents=True, exist_ok=True)
    if not rows:
        return
    table = pa.Table.from_pylist(rows)
    step = -(-table.num_rows // chunks)
    for i in range(chunks):
        part = table.slice(i * step, step)
        if part.num_rows:
            pq.write_table(part, folder / f"chunk-{i:05d}.parquet")


def write_results(
    out_dir: Path,
    *,
    seed: int = 20240601,
    replications: int = 24,
    protection: Mapping[str, float] | None = None,
    baseline: str | None = None,
    sweep: tuple[str, Sequence[float]] | None = None,
    daily: bool = True,
    horizon_days: int = 120,
    shock_day: int = 20,
    name: str = "kj-synthetic",
    description: str = "Synthetic Korea–Japan pooling experiment for the analysis tests.",
    chunks: int = 2,
) -> Path:
    """Write a synthetic results folder under ``out_dir`` and return it.

    ``protection`` maps variant names to the share of shortfall each avoids
    (default national 0, pooled 0.35, both 0.6).  ``sweep=(path, values)`` makes
    it a sweep instead: one variant per value, named ``"<last part of path>=<value>"``,
    with protection ``value / (value + 30)`` and a ``param.<path>`` column.
    """
    rng = np.random.default_rng(seed)
    sweep_parameters: list[str] = []
    variant_params: dict[str, dict[str, Any]] = {}
    if sweep is not None:
        path, values = sweep
        sweep_parameters = [path]
        short = path.rsplit(".", 1)[-1]
        protection = {f"{short}={v:g}": float(v) / (float(v) + 30.0) for v in values}
        variant_params = {f"{short}={v:g}": {path: v} for v in values}
    protection = dict(protection or DEFAULT_PROTECTION)
    variants = list(protection)
    baseline = baseline or variants[0]
    draws = [_draw_replication(rng, shock_day, horizon_days) for _ in range(replications)]
    uncertainty = "shocks.ban.duration_days"
    summary: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    daily_rows: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    for variant, share in protection.items():
        for r, draw in enumerate(draws):
            base = {
                "experiment": name,
                "variant": variant,
                "replication": r,
                "seed": seed * 1000 + r,
                "commodity": COMMODITY,
            }
            extra = {f"param.{k}": v for k, v in variant_params.get(variant, {}).items()}
            extra[f"u.{uncertainty}"] = draw["duration"]
            rows = []
            for country in DEPTH:
                noise = 0.003 * rng.standard_normal() if draw["severity"] > 0 else 0.0
                row = _country_row(draw, country, share, noise, horizon_days, shock_day)
                rows.append(row)
                if daily:
                    series = _daily_rows(row, country, horizon_days, shock_day, rng)
                    for i in range(horizon_days):
                        daily_rows[variant].append(
                            {
                                "experiment": name,
                                "variant": variant,
                                "replication": r,
                                "country": country,
                                "commodity": COMMODITY,
                                **{
                                    k: float(v[i]) if k != "day" else int(v[i])
                                    for k, v in series.items()
                                },
                            }
                        )
            for country, row in zip(DEPTH, rows, strict=True):
                public = {k: v for k, v in row.items() if not k.startswith("_")}
                summary[variant].append(
                    {**base, "country": country, "group": False, **public, **extra}
                )
            summary[variant].append(
                {**base, "country": "KJ", "group": True, **_group_row(rows, horizon_days), **extra}
            )
    for variant in variants:
        _write_chunks(out_dir / "summary", variant, summary[variant], chunks)
        if daily:
            _write_chunks(out_dir / "daily", variant, daily_rows[variant], chunks)
    _write_manifest(
        out_dir,
        name=name,
        description=description,
        seed=seed,
        replications=replications,
        baseline=baseline,
        variant_params={v: variant_params.get(v, {}) for v in variants},
        sweep=sweep is not None,
        sweep_parameters=sweep_parameters,
        uncertainties=[uncertainty],
        horizon_days=horizon_days,
        shock_day=shock_day,
    )
    return out_dir


def _write_manifest(
    out_dir: Path,
    *,
    name: str,
    description: str,
    seed: int,
    replications: int,
    baseline: str,
    variant_params: Mapping[str, Mapping[str, Any]],
    sweep: bool,
    sweep_parameters: Sequence[str],
    uncertainties: Sequence[str],
    horizon_days: int,
    shock_day: int,
) -> None:
    """The scenario files and ``manifest.json`` of a results folder."""
    variants = list(variant_params)
    scenario = _scenario(name, horizon_days, shock_day)
    (out_dir / "scenarios").mkdir(parents=True, exist_ok=True)
    for variant in variants:
        safe = quote(variant, safe="")
        (out_dir / "scenarios" / f"{safe}.yaml").write_text(
            _yaml(scenario) + "\n", encoding="utf-8"
        )
    manifest = {
        "name": name,
        "description": description,
        "kind": "experiment",
        "experiment": {
            "name": name,
            "replications": replications,
            "seed": seed,
            "baseline": baseline,
        },
        "seed": seed,
        "replications": replications,
        "baseline": baseline,
        "variants": variants,
        "variant_specs": {
            v: {
                "variant": None if sweep else v,
                "baseline": baseline,
                "params": dict(variant_params[v]),
            }
            for v in variants
        },
        "sweep_parameters": list(sweep_parameters),
        "uncertainties": list(uncertainties),
        "versions": {"supplyshock": "0.1.0", "numpy": "2"},
        "scenarios": dict.fromkeys(variants, scenario),
        "start_time": "2024-06-01T00:00:00+00:00",
        "end_time": "2024-06-01T00:01:00+00:00",
        "status": "complete",
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def write_table(
    out_dir: Path,
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    baseline: str,
    seed: int = 1,
    horizon_days: int = 120,
    shock_day: int = 20,
    name: str = "hand-table",
) -> Path:
    """Write a results folder whose summary is exactly ``rows`` (per variant); returns it.

    Each row needs ``replication``, ``country`` and the metric columns; the
    identifying columns (experiment, variant, seed, commodity, group) are added,
    the seed shared by all variants on a replication (common random numbers).
    """
    replications = 1 + max(int(r["replication"]) for part in rows.values() for r in part)
    for variant, part in rows.items():
        full = [
            {
                "experiment": name,
                "variant": variant,
                "seed": seed * 1000 + int(row["replication"]),
                "commodity": COMMODITY,
                "group": False,
                **row,
            }
            for row in part
        ]
        _write_chunks(out_dir / "summary", variant, full, 1)
    _write_manifest(
        out_dir,
        name=name,
        description="A results table written by hand for the analysis tests.",
        seed=seed,
        replications=replications,
        baseline=baseline,
        variant_params={v: {} for v in rows},
        sweep=False,
        sweep_parameters=[],
        uncertainties=[],
        horizon_days=horizon_days,
        shock_day=shock_day,
    )
    return out_dir
