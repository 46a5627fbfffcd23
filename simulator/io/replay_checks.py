"""Checks of historical replays (scenarios with a ``backtest:`` section) that need the data files.

1. **No structural tuning.**  A replay states the shock and dated facts; it
   may not change the dataset's structural figures (capacities, inventories,
   lead times, demand, flows, prices: :data:`~simulator.model.replay.STRUCTURAL_FIELDS`)
   unless ``backtest.historical_overrides`` names the figure with the
   documented historical fact and its source.  A replay that adds a node or a
   link the dataset does not have changes structure too.
2. **History exists.**  The episode is in the bundled history, every series
   has records, and the baseline window has figures.

Every problem is located at the value that causes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.errors import Issue, Location
from simulator.io.dataset import Dataset
from simulator.io.history import History
from simulator.io.yaml import DocPath, YamlDocument
from simulator.model.calendar import Month
from simulator.model.replay import STRUCTURAL_FIELDS, Backtest

__all__ = ["history_issues", "structural_override_issues"]

BACKTEST_KEY = "backtest"


def structural_override_issues(document: YamlDocument, dataset: Dataset) -> list[Issue]:
    """Structural figures of ``dataset`` that a replay ``document`` changes without a source.

    Returns an empty list for a scenario that is not a replay (no ``backtest:``).
    """
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get(BACKTEST_KEY), dict):
        return []
    allowed = _allowed(data[BACKTEST_KEY])
    issues: list[Issue] = []

    def check(
        path: DocPath,
        identity: tuple[str, ...],
        own: Mapping[str, Any],
        theirs: Mapping[str, Any] | None,
        table: str,
    ) -> None:
        what = " ".join(identity[1:])
        for field in STRUCTURAL_FIELDS[table]:
            if field not in own or (identity, field) in allowed:
                continue
            if theirs is None:
                expected = f"no {field} for {what}, which the dataset does not have"
            elif theirs.get(field) == own[field]:
                continue
            else:
                expected = f"the dataset's {field} of {what} ({theirs.get(field)!r})"
            issues.append(
                Issue(
                    (*path, field),
                    f"expected {expected}, found {own[field]!r}: a replay states the shock and"
                    " dated facts, not structural figures; remove it, or name it under"
                    " backtest.historical_overrides with the documented historical fact and"
                    " its source",
                    _locate(document, (*path, field), path),
                )
            )

    commodities = data.get("commodities")
    if isinstance(commodities, dict):
        for name, own in commodities.items():
            if isinstance(own, dict):
                theirs = dataset.commodities.get(name)
                check(("commodities", name), ("commodities", name), own, theirs, "commodities")
    network = data.get("network")
    if isinstance(network, dict):
        nodes = {(str(n["commodity"]), str(n["country"])): n for n in dataset.nodes}
        links = {(str(k["commodity"]), str(k["from"]), str(k["to"])): k for k in dataset.links}
        for i, entry in enumerate(_entries(network.get("nodes"))):
            key = (str(entry.get("commodity")), str(entry.get("country")))
            check(("network", "nodes", i), ("nodes", *key), entry, nodes.get(key), "nodes")
        for i, entry in enumerate(_entries(network.get("links"))):
            link = (
                str(entry.get("commodity")),
                str(entry.get("from", entry.get("exporter"))),
                str(entry.get("to", entry.get("importer"))),
            )
            check(("network", "links", i), ("links", *link), entry, links.get(link), "links")
    issues += _market_overrides(document, allowed)
    return issues


def _market_overrides(
    document: YamlDocument, allowed: set[tuple[tuple[str, ...], str]]
) -> list[Issue]:
    """A replay's ``market:`` entries: the market is structural, as the network is.

    ``market: off`` is refused; a commodity's market field is accepted only
    when ``backtest.historical_overrides`` names it (commodity and field) with
    its source.
    """
    market = document.data.get("market")
    if market is None:
        return []
    if not isinstance(market, dict):
        return [
            Issue(
                ("market",),
                f"expected the dataset's market in a replay, found {market!r}: a replay is"
                " compared with history under the model as it stands",
                _locate(document, ("market",), ()),
            )
        ]
    issues: list[Issue] = []
    for name, fields in market.items():
        for field in fields if isinstance(fields, dict) else ():
            if (("commodities", str(name)), str(field)) in allowed:
                continue
            path: DocPath = ("market", name, field)
            issues.append(
                Issue(
                    path,
                    f"expected the dataset's {field} of {name}'s market, found"
                    f" {fields[field]!r}: a replay states the shock and dated facts, not"
                    " structural figures; remove it, or name it under"
                    " backtest.historical_overrides with the documented historical fact and"
                    " its source",
                    _locate(document, path, ("market", name)),
                )
            )
    return issues


def history_issues(backtest: Backtest, history: History, document: YamlDocument) -> list[Issue]:
    """Problems with what a replay's ``backtest:`` asks of the bundled history."""
    if backtest.episode not in history.episodes:
        path: DocPath = (BACKTEST_KEY, "episode")
        return [
            Issue(
                path,
                f"expected an episode of the bundled history ({', '.join(history.episodes)}),"
                f" found {backtest.episode!r}",
                _locate(document, path, (BACKTEST_KEY,)),
            )
        ]
    issues: list[Issue] = []
    for i, series in enumerate(backtest.series):
        path = (BACKTEST_KEY, "series", i)
        rows = history.series(
            backtest.episode, series.history_name, series.reporter, series.partner, series.flow
        )
        if not rows:
            issues.append(
                Issue(
                    path,
                    f"expected a trade series of episode {backtest.episode}, found no records of"
                    f" {series.history_name} {series.flow} reported by {series.reporter}"
                    f" with partner {series.partner}",
                    _locate(document, path, (BACKTEST_KEY,)),
                )
            )
            continue
        first, last = (Month.parse(m) for m in series.baseline)
        if not any(first <= r.start and r.end <= last for r in rows):
            issues.append(
                Issue(
                    (*path, "baseline"),
                    f"expected records within the baseline window {first} … {last}, found none"
                    f" (records cover {', '.join(_span(r.start, r.end) for r in rows)})",
                    _locate(document, (*path, "baseline"), path),
                )
            )
    return issues


def _allowed(backtest: Mapping[str, Any]) -> set[tuple[tuple[str, ...], str]]:
    """The (identity, field) pairs a replay's ``historical_overrides`` names with a source."""
    allowed: set[tuple[tuple[str, ...], str]] = set()
    for entry in _entries(backtest.get("historical_overrides")):
        source, field = entry.get("source"), entry.get("field")
        if not isinstance(source, str) or not source.strip() or not isinstance(field, str):
            continue  # the entry itself is reported by validation
        commodity = str(entry.get("commodity"))
        exporter = entry.get("from", entry.get("exporter"))
        importer = entry.get("to", entry.get("importer"))
        if exporter is not None or importer is not None:
            identity: tuple[str, ...] = ("links", commodity, str(exporter), str(importer))
        elif entry.get("country") is not None:
            identity = ("nodes", commodity, str(entry["country"]))
        else:
            identity = ("commodities", commodity)
        allowed.add((identity, field))
    return allowed


def _entries(value: Any) -> list[dict[str, Any]]:
    return [e if isinstance(e, dict) else {} for e in value] if isinstance(value, list) else []


def _span(start: Month, end: Month) -> str:
    return str(start) if start == end else f"{start}…{end}"


def _locate(document: YamlDocument, path: DocPath, fallback: DocPath) -> Location | None:
    return document.positions.locate(path) or document.positions.locate(fallback)
