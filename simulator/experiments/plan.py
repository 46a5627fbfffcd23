"""A validated experiment, ready to run: its variants, uncertainties and identity.

A :class:`Plan` is what :func:`~simulator.experiments.design.load_plan` makes
of an experiment or scenario file.  Every :class:`Variant` holds a validated
scenario (and its resolved data, where uncertain values are set per
replication); the plan's :meth:`~Plan.fingerprint` hashes everything that
decides the results, so a results folder can tell whether it holds this plan.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from simulator.errors import InputError, Issue
from simulator.experiments.data_design import DataDesign
from simulator.io.validation import validation_issues
from simulator.io.yaml import SourceMap, YamlDocument
from simulator.model.distributions import RandomQuantity
from simulator.model.network import TradeNetwork
from simulator.model.recipes import unsimulated_recipe_issues
from simulator.model.scenario import Scenario

__all__ = [
    "BASE_VARIANT",
    "NETWORK_KEYS",
    "Plan",
    "Uncertainty",
    "Variant",
    "validate_scenario_data",
]

BASE_VARIANT = "base"
"""The one variant of a plain scenario (and of an experiment without variants or sweep)."""

NETWORK_KEYS = frozenset({"network", "commodities", "regions", "reconcile", "data"})
"""Top-level scenario keys the trade network is built from: an uncertainty under
one of them rebuilds the network every replication."""


@dataclass(frozen=True)
class Uncertainty:
    """A value drawn once per replication and set at ``path`` in every variant.

    Attributes
    ----------
    path : str
        Dotted path into the scenario (``shocks.ban.duration_days``).
    quantity : RandomQuantity
        What to draw.
    integer : bool
        Round draws to the nearest integer (the scenario holds an integer there).
    """

    path: str
    quantity: RandomQuantity
    integer: bool = False

    @property
    def touches_network(self) -> bool:
        """Whether the value feeds the trade network (so it must be rebuilt per draw)."""
        return self.path.split(".", 1)[0] in NETWORK_KEYS


@dataclass(frozen=True, eq=False)
class Variant:
    """One scenario to replicate: a named variant, at one sweep point (or none).

    Attributes
    ----------
    name : str
        ``national``, ``size_days=15`` or ``national/size_days=15``.
    named : str or None
        The experiment's variant this comes from (None when there are none).
    point : str or None
        The sweep point's name (None without a sweep).
    baseline : str
        The variant to compare this one with: the baseline variant at the same point.
    overlay : dict
        The named variant's overlay as written.
    params : dict
        Dotted path → swept value applied (the ``param.<path>`` columns).
    scenario : Scenario
        Validated, with the experiment's root seed and replications.
    data : dict
        ``scenario.resolved_dict()``: where uncertain values are set.
    data_paths : dict
        Label of each sampled dataset figure → its dotted path in ``data``.
    """

    name: str
    named: str | None
    point: str | None
    baseline: str
    overlay: dict[str, Any]
    params: dict[str, Any]
    scenario: Scenario
    data: dict[str, Any]
    data_paths: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Plan:
    """A validated experiment, ready to run: variants × replications.

    Attributes
    ----------
    name, description : str
        From the experiment (or the scenario).
    kind : str
        ``"experiment"`` or ``"scenario"``.
    source : str
        The file, as given.
    seed : int
        The root seed of every replication.
    replications : int
        Replications per variant.
    baseline : str
        The named variant (or sweep point) others are compared with.
    variants : tuple of Variant
        In order: named variants, each crossed with every sweep point.
    parameters : tuple of str
        The swept dotted paths.
    uncertainties : tuple of Uncertainty
    data_design : DataDesign
        The sampled values of the dataset's uncertain figures, per replication
        (no figures: the dataset's values).
    experiment : dict
        The experiment as plain data with every default filled in.
    warnings : tuple of Issue
        Suspicious but valid: two named variants that resolve to the same
        scenario (almost always a typo in an overlay).  Shown by ``validate``
        and ``batch``; not part of the plan's identity.
    """

    name: str
    description: str
    kind: str
    source: str
    seed: int
    replications: int
    baseline: str
    variants: tuple[Variant, ...]
    parameters: tuple[str, ...] = ()
    uncertainties: tuple[Uncertainty, ...] = ()
    experiment: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[Issue, ...] = ()
    data_design: DataDesign = field(default_factory=lambda: DataDesign.sample((), 0, 0))

    @property
    def uncertain_columns(self) -> tuple[str, ...]:
        """What the ``u.*`` summary columns hold: uncertainty paths, then data labels."""
        return (*(u.path for u in self.uncertainties), *self.data_design.labels)

    def variant(self, name: str) -> Variant:
        """The variant called ``name``."""
        for v in self.variants:
            if v.name == name:
                return v
        raise KeyError(name)

    def identity(self) -> dict[str, Any]:
        """Everything that decides the results, as plain data (hashed into the fingerprint)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "seed": self.seed,
            "replications": self.replications,
            "experiment": self.experiment,
            "uncertainties": [
                {"path": u.path, "integer": u.integer, "quantity": _plain(u.quantity)}
                for u in self.uncertainties
            ],
            "variants": [{"name": v.name, "scenario": v.data} for v in self.variants],
            **({"data_design": self.data_design.identity()} if self.data_design.ranges else {}),
        }

    def fingerprint(self, **options: Any) -> str:
        """SHA-256 of :meth:`identity` and the run ``options`` that change what is written."""
        text = json.dumps(
            {"plan": self.identity(), "options": options}, sort_keys=True, separators=(",", ":")
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(quantity: RandomQuantity) -> Any:
    if isinstance(quantity, int | float):
        return float(quantity)
    return quantity.model_dump(mode="json", by_alias=True)


def validate_scenario_data(data: dict[str, Any], *, network: bool = True) -> list[Issue]:
    """Problems of resolved scenario ``data`` (unlocated), or ``[]`` when it is valid.

    Parameters
    ----------
    data : dict
        A resolved scenario (network inline), e.g. with swept or drawn values set.
    network : bool
        Also build the trade network (balance, links, codes).  Recipes the
        engine cannot simulate are always refused.
    """
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        return validation_issues(error, YamlDocument(data, SourceMap(), "<scenario>"), Scenario)
    try:
        built = TradeNetwork.from_scenario(scenario) if network else None
        return unsimulated_recipe_issues(scenario, built)
    except InputError as error:
        return error.issues
