"""A validated scenario written back as YAML: every default filled in, the network inline.

The dump is the record of exactly what ran: loading it with
:func:`~simulator.io.scenario_file.load_scenario_text` gives a scenario equal
to the one dumped.  Network entries and distributions are written in flow
style (one line each) so a resolved network stays readable.
"""

from __future__ import annotations

import enum
import io
import math
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode

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
    return _dump(scenario, fast=True)


def _dump(scenario: Scenario, *, fast: bool) -> str:
    """:func:`dump_scenario_yaml`; ``fast`` writes flat network entries without ruamel.

    A network entry whose keys and values are all plain scalars is one line
    ``- {key: value, ...}``; writing those lines here gives the text ruamel
    writes (tests compare the two) about fifty times faster, which matters
    for a network of 100,000 links.  Lists holding any other entry are left
    to ruamel.
    """
    plain = _plain(scenario.model_dump(mode="python", by_alias=True))
    yaml = YAML(typ="rt")
    yaml.width = _WIDTH  # one network entry per line, however long
    yaml.representer.add_representer(type(None), _represent_null)
    yaml.indent(mapping=2, sequence=4, offset=2)
    lines: dict[str, list[str]] = {}
    network = plain.get("network")
    if fast and isinstance(network, dict):
        for key in ("nodes", "links"):
            found = _flat_lines(network.get(key), yaml)
            if found is not None:
                lines[key] = found
                network[key] = f"{_PLACEHOLDER}{key}"
    stream = io.StringIO()
    yaml.dump(_styled(plain, ()), stream)
    text = stream.getvalue()
    for key, entries in lines.items():
        marker = f"\n  {key}: {_PLACEHOLDER}{key}\n"
        if text.count(marker) != 1:  # pragma: no cover - the layout is fixed above
            return _dump(scenario, fast=False)
        body = "".join(f"    - {entry}\n" for entry in entries)
        text = text.replace(marker, f"\n  {key}:\n{body}")
    return _HEADER + text


_WIDTH = 4096
_PLACEHOLDER = "supplyshock-fast-path-"
_PLAIN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _flat_lines(entries: Any, yaml: YAML) -> list[str] | None:
    """Each entry as ``{key: value, ...}``, or None when any entry is not flat and plain."""
    if not isinstance(entries, list) or not entries:
        return None
    words: dict[str, bool] = {}

    def word(text: str) -> str | None:
        """``text`` as a plain scalar, when ruamel writes it plain and reads it back as text."""
        ok = words.get(text)
        if ok is None:
            tag = yaml.resolver.resolve(ScalarNode, text, (True, False))
            ok = words[text] = (
                _PLAIN_TEXT.fullmatch(text) is not None
                and not text.startswith(_PLACEHOLDER)
                and tag == "tag:yaml.org,2002:str"
            )
        return text if ok else None

    lines = []
    for entry in entries:
        if not isinstance(entry, dict):
            return None
        parts = []
        for key, value in entry.items():
            k, v = word(key), _scalar(value, word)
            if k is None or v is None:
                return None
            parts.append(f"{k}: {v}")
        line = "{" + ", ".join(parts) + "}"
        if len(line) > _WIDTH // 2:
            return None
        lines.append(line)
    return lines


def _scalar(value: Any, word: Any) -> str | None:
    """``value`` as ruamel writes it in YAML 1.2, or None when it is not a plain scalar."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value).lower()
    if isinstance(value, str):
        found: str | None = word(value)
        return found
    return None


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
