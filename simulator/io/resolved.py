"""A validated scenario written back as YAML: every default filled in, the network inline.

The dump is the record of exactly what ran: loading it with
:func:`~simulator.io.scenario_file.load_scenario_text` gives a scenario equal
to the one dumped.  Network entries and distributions are written in flow
style (one line each) so a resolved network stays readable.
"""

from __future__ import annotations

import enum
import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from simulator.model.scenario import Scenario

__all__ = ["dump_scenario_yaml"]

_HEADER = (
    "# Resolved scenario written by supplyshock: every default filled in and the network inline.\n"
)


def dump_scenario_yaml(scenario: Scenario) -> str:
    """The resolved ``scenario`` as YAML 1.2 text.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (from :func:`~simulator.io.scenario_file.load_scenario`).

    Returns
    -------
    str
        YAML whose loading gives a scenario equal to ``scenario``.

    Examples
    --------
    >>> from simulator.io.scenario_file import load_scenario_text
    >>> text = dump_scenario_yaml(scenario)  # doctest: +SKIP
    >>> load_scenario_text(text) == scenario  # doctest: +SKIP
    True
    """
    data = _styled(_plain(scenario.model_dump(mode="python", by_alias=True)), ())
    yaml = YAML(typ="rt")
    yaml.width = 4096  # one network entry per line, however long
    yaml.representer.add_representer(type(None), _represent_null)
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(data, stream)
    return _HEADER + stream.getvalue()


def _represent_null(representer: Any, value: None) -> Any:
    """Write ``null`` rather than an empty value, so a null is visible."""
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _plain(value: Any) -> Any:
    """Model-dump output as plain YAML data (enums become their values)."""
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


_FLOW_LISTS = {("network", "nodes"), ("network", "links")}


def _styled(value: Any, path: tuple[str, ...]) -> Any:
    """Round-trip containers: flow style for network entries, distributions and scalar lists."""
    if isinstance(value, dict):
        styled = CommentedMap((k, _styled(v, (*path, k))) for k, v in value.items())
        if path[:-1] in _FLOW_LISTS or "dist" in value:
            styled.fa.set_flow_style()
        return styled
    if isinstance(value, list):
        items = CommentedSeq(_styled(v, (*path, "-")) for v in value)
        if all(not isinstance(v, dict | list) for v in value):
            items.fa.set_flow_style()
        return items
    return value
