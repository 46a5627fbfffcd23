"""Output the command line derives from user input: folder names and JSON stay valid."""

from __future__ import annotations

import json
import math

from simulator.api import results_folder_name as _folder_name
from simulator.cli import json_text


def test_long_experiment_names_give_short_distinct_folder_names() -> None:
    """A name longer than a file name allows is cut, with a hash keeping long names apart."""
    a, b = _folder_name("x" * 300 + "a"), _folder_name("x" * 300 + "b")
    assert len(a) == len(b) == 100
    assert a != b
    assert a.startswith("x" * 89 + "-")
    assert _folder_name("kj-pooling") == "kj-pooling"
    assert _folder_name("../../etc/passwd") == "_.._etc_passwd"


def test_json_text_never_fails_on_non_finite_numbers() -> None:
    payload = {"a": math.inf, "b": [1.5, -math.inf, math.nan], "c": (2, math.nan), "d": "x"}
    assert json.loads(json_text(payload)) == {"a": None, "b": [1.5, None, None], "c": [2, None],
                                              "d": "x"}  # fmt: skip


def test_plan_checks_encode_variant_names_as_the_store_does() -> None:
    from simulator.experiments.plan_checks import encode_name as checked
    from simulator.experiments.store import encode_name as stored

    for name in ("national", "pooled/size_days=15", "a b%c", "ü" * 10):
        assert checked(name) == stored(name)
