"""Bundled history: what happened in past export-control episodes, month by month.

The folder ``simulator/data/history/`` holds four CSV files (UTF-8, one header
row, every row with a non-empty ``source``; sources and derivations are
gathered in ``simulator/data/SOURCES.md``):

``trade.csv``
    ``episode, commodity, reporter, partner, flow, start, end, tonnes, basis``:
    tonnes that ``reporter`` recorded as exported to (``flow = export``) or
    imported from (``import``) ``partner`` (``WLD`` = all partners) over the
    months ``start … end`` (``YYYY-MM``; one month when equal).
``prices.csv``
    ``episode, commodity, market, start, end, price, low, high, unit, basis``:
    a quote (or a period average) and, when the source gives one, its range.
``events.csv``
    ``episode, date, country, commodity, kind, description``: dated facts;
    ``date`` is ``YYYY-MM-DD``, or ``YYYY-MM`` when the source gives only the
    month; ``commodity`` is ``all`` when the fact concerns every commodity of
    the episode.
    Kinds used by the backtest: ``shortage`` (a recorded physical shortage)
    and ``no_shortage_reported`` (a source saying there was, or would be,
    none).
``calibration.csv``
    ``parameter, value, fitted_on, method``: structural parameters fitted to
    history, with the episodes (``;``-separated) they were fitted on.

``basis`` is ``reported`` (the source's figure), ``derived`` (arithmetic on
reported figures, shown in the source text) or ``chart`` (read off a chart).
Every problem found is reported with its ``file:line:column``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

from simulator.errors import InputError, Issue
from simulator.io.csv_tables import CsvTable, RowPlace, read_csv_table
from simulator.model.calendar import Month

__all__ = [
    "ALL_COMMODITIES",
    "BASES",
    "FittedParameter",
    "History",
    "HistoryEvent",
    "PriceRecord",
    "TradeRecord",
    "load_history",
]

ALL_COMMODITIES = "all"
"""The ``commodity`` of an event that concerns every commodity of its episode."""

BASES = ("reported", "derived", "chart")
"""How a figure was obtained: as published, by arithmetic on published figures, off a chart."""

_TRADE = CsvTable(
    "trade.csv",
    key=("episode", "commodity", "reporter", "partner", "flow", "start", "end"),
    text=("episode", "commodity", "reporter", "partner", "flow", "start", "end", "basis"),
    numbers=("tonnes",),
)
_PRICES = CsvTable(
    "prices.csv",
    key=("episode", "commodity", "market", "start", "end"),
    text=("episode", "commodity", "market", "start", "end", "unit", "basis"),
    numbers=("price",),
    optional_numbers=("low", "high"),
)
_EVENTS = CsvTable(
    "events.csv",
    key=("episode", "date", "country", "commodity", "kind"),
    text=("episode", "date", "country", "commodity", "kind", "description"),
)
_CALIBRATION = CsvTable(
    "calibration.csv",
    key=("parameter",),
    text=("parameter", "fitted_on", "method"),
    numbers=("value",),
)


@dataclass(frozen=True)
class TradeRecord:
    """Tonnes one reporter recorded over ``start … end`` (both included)."""

    episode: str
    commodity: str
    reporter: str
    partner: str
    flow: str
    start: Month
    end: Month
    tonnes: float
    basis: str
    source: str

    @property
    def months(self) -> int:
        return self.end - self.start + 1


@dataclass(frozen=True)
class PriceRecord:
    """A price quote (or period average) in ``unit``, with the source's range if given."""

    episode: str
    commodity: str
    market: str
    start: Month
    end: Month
    price: float
    low: float | None
    high: float | None
    unit: str
    basis: str
    source: str


@dataclass(frozen=True)
class HistoryEvent:
    """A dated fact; ``day`` is ``None`` when the source gives only the month."""

    episode: str
    month: Month
    day: date | None
    country: str
    commodity: str
    kind: str
    description: str
    source: str

    def concerns(self, commodity: str) -> bool:
        """Whether the fact is about ``commodity`` (history's name for it)."""
        return self.commodity in (ALL_COMMODITIES, commodity)


@dataclass(frozen=True)
class FittedParameter:
    """A structural parameter fitted to history, and the episodes it was fitted on."""

    parameter: str
    value: float
    fitted_on: tuple[str, ...]
    method: str
    source: str


@dataclass(frozen=True)
class History:
    """Every bundled record, with selections by episode and series."""

    trade: tuple[TradeRecord, ...]
    prices: tuple[PriceRecord, ...]
    events: tuple[HistoryEvent, ...]
    calibration: tuple[FittedParameter, ...]

    @property
    def episodes(self) -> tuple[str, ...]:
        """Episode ids, in order of first appearance in ``trade.csv`` then ``events.csv``."""
        seen = dict.fromkeys([r.episode for r in self.trade] + [e.episode for e in self.events])
        return tuple(seen)

    def series(
        self, episode: str, commodity: str, reporter: str, partner: str, flow: str
    ) -> tuple[TradeRecord, ...]:
        """The records of one trade series, in order of start month."""
        rows = [
            r
            for r in self.trade
            if (r.episode, r.commodity, r.reporter, r.partner, r.flow)
            == (episode, commodity, reporter, partner, flow)
        ]
        return tuple(sorted(rows, key=lambda r: (r.start, r.end)))

    def episode_events(self, episode: str) -> tuple[HistoryEvent, ...]:
        return tuple(sorted((e for e in self.events if e.episode == episode), key=_event_order))

    def episode_prices(self, episode: str, commodity: str) -> tuple[PriceRecord, ...]:
        rows = [p for p in self.prices if p.episode == episode and p.commodity == commodity]
        return tuple(sorted(rows, key=lambda p: (p.market, p.start, p.end)))


def _event_order(event: HistoryEvent) -> tuple[Month, date]:
    return (event.month, event.day or event.month.first_day())


def load_history(folder: Path | None = None) -> History:
    """Read a history folder; ``None`` reads the bundled one (``simulator/data/history``).

    Raises
    ------
    simulator.errors.InputError
        Every problem found (missing columns, empty cells, numbers that are
        not finite and non-negative, bad months or dates, ``start`` after
        ``end``, an unknown ``basis`` or ``flow``, duplicate rows, a
        calibration fitted on an episode the history does not hold), each
        located as ``file:line:column``.
    """
    root: Traversable = files("simulator.data").joinpath("history") if folder is None else folder
    issues: list[Issue] = []
    trade = _read(root, _TRADE, issues, _trade_record)
    prices = _read(root, _PRICES, issues, _price_record)
    events = _read(root, _EVENTS, issues, _event_record)
    calibration = _read(root, _CALIBRATION, issues, _fitted_parameter)
    if issues:
        raise InputError(issues)
    history = History(
        tuple(r for r, _ in trade), tuple(r for r, _ in prices), tuple(r for r, _ in events), ()
    )
    known = set(history.episodes)
    fitted: list[FittedParameter] = []
    for parameter, place in calibration:
        unknown = [e for e in parameter.fitted_on if e not in known]
        if unknown:
            issues.append(
                Issue(
                    ("calibration", parameter.parameter, "fitted_on"),
                    f"expected episodes of the bundled history ({', '.join(sorted(known))}),"
                    f" found {', '.join(unknown)}",
                    place.of("fitted_on"),
                )
            )
        fitted.append(parameter)
    if issues:
        raise InputError(issues)
    return History(history.trade, history.prices, history.events, tuple(fitted))


# --- rows ----------------------------------------------------------------------------------

T = TypeVar("T")
Cells = dict[str, object]


class _RowError(Exception):
    """A cell that does not parse: its column and the message."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _read(
    root: Traversable,
    table: CsvTable,
    issues: list[Issue],
    build: Callable[[Cells, str], T],
) -> list[tuple[T, RowPlace]]:
    sources: dict[tuple[str, ...], str] = {}
    places: list[RowPlace] = []
    rows = read_csv_table(root, table, sources, issues, places)
    out: list[tuple[T, RowPlace]] = []
    for index, (row, place) in enumerate(zip(rows, places, strict=True)):
        source = sources[(table.stem, *(str(row[k]) for k in table.key))]
        try:
            out.append((build(row, source), place))
        except _RowError as error:
            issues.append(
                Issue((table.stem, index, error.column), error.message, place.of(error.column))
            )
    return out


def _month(row: Cells, column: str) -> Month:
    try:
        return Month.parse(str(row[column]))
    except ValueError as exc:
        raise _RowError(column, str(exc)) from None


def _period(row: Cells) -> tuple[Month, Month]:
    start, end = _month(row, "start"), _month(row, "end")
    if end < start:
        raise _RowError("end", f"expected an end month on or after start ({start}), found {end}")
    return start, end


def _basis(row: Cells) -> str:
    basis = str(row["basis"])
    if basis not in BASES:
        raise _RowError("basis", f"expected one of {', '.join(BASES)}, found {basis!r}")
    return basis


def _number(row: Cells, column: str) -> float:
    value = row[column]
    if not isinstance(value, float):  # the table declares the column a number
        raise _RowError(column, f"expected a number, found {value!r}")
    return value


def _optional(row: Cells, column: str) -> float | None:
    value = row[column]
    return value if isinstance(value, float) else None


def _trade_record(row: Cells, source: str) -> TradeRecord:
    flow = str(row["flow"])
    if flow not in ("export", "import"):
        raise _RowError("flow", f"expected export or import, found {flow!r}")
    start, end = _period(row)
    return TradeRecord(
        str(row["episode"]),
        str(row["commodity"]),
        str(row["reporter"]),
        str(row["partner"]),
        flow,
        start,
        end,
        _number(row, "tonnes"),
        _basis(row),
        source,
    )


def _price_record(row: Cells, source: str) -> PriceRecord:
    start, end = _period(row)
    low, high = _optional(row, "low"), _optional(row, "high")
    price = _number(row, "price")
    if low is not None and low > price:
        raise _RowError("low", f"expected low <= price ({price}), found {low}")
    if high is not None and high < price:
        raise _RowError("high", f"expected high >= price ({price}), found {high}")
    return PriceRecord(
        str(row["episode"]),
        str(row["commodity"]),
        str(row["market"]),
        start,
        end,
        price,
        low,
        high,
        str(row["unit"]),
        _basis(row),
        source,
    )


def _event_record(row: Cells, source: str) -> HistoryEvent:
    text = str(row["date"])
    day: date | None = None
    try:
        if len(text) == len("YYYY-MM-DD"):
            day = date.fromisoformat(text)
            month = Month.of(day)
        else:
            month = Month.parse(text)
    except ValueError:
        raise _RowError("date", f"expected YYYY-MM-DD or YYYY-MM, found {text!r}") from None
    return HistoryEvent(
        str(row["episode"]),
        month,
        day,
        str(row["country"]),
        str(row["commodity"]),
        str(row["kind"]),
        str(row["description"]),
        source,
    )


def _fitted_parameter(row: Cells, source: str) -> FittedParameter:
    episodes = tuple(e.strip() for e in str(row["fitted_on"]).split(";") if e.strip())
    if not episodes:
        raise _RowError("fitted_on", "expected one or more episodes separated by ';'")
    return FittedParameter(
        str(row["parameter"]), _number(row, "value"), episodes, str(row["method"]), source
    )
