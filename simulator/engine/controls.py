"""Export controls and supplier expansion as SimPy processes over a :class:`Market`.

A control is announced, takes effect and ends at its own moments (drawn from
the shock-timing stream); each moment is a :class:`~simulator.engine.events.DayStart`
event, so it applies to the flows of that same day.  Under licensing, each
day's request on a controlled link waits a processing delay and is then
approved or denied (licence stream, one sub-stream per control and link, one
draw of each per link and day whatever the quantity, so variants stay paired).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import numpy.typing as npt
import simpy

from simulator.engine import kernel
from simulator.engine.events import at_day_start
from simulator.engine.market import (
    CONTROL_BAN,
    CONTROL_LICENSING,
    CONTROL_NONE,
    CONTROL_QUOTA,
    Market,
)
from simulator.engine.streams import Stream, Streams
from simulator.model.distributions import Distribution, draw_days, expected
from simulator.model.limits import DAYS, INVESTMENT_DELAY_DAYS
from simulator.model.network import CommodityNetwork
from simulator.model.scenario import Expansion, ExportControl, Mode

__all__ = [
    "ActiveControl",
    "ExpansionWatch",
    "LicenceQueue",
    "controlled_links",
    "licence_target",
    "start_control",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_MODE_CODE = {Mode.BAN: CONTROL_BAN, Mode.QUOTA: CONTROL_QUOTA, Mode.LICENSING: CONTROL_LICENSING}


@dataclass
class ActiveControl:
    """One export control as drawn for this replication."""

    spec: ExportControl
    links: IntArray
    announced_day: int | None
    effective_day: int
    end_day: int | None
    expected_processing_days: float = 0.0
    licence_queue: LicenceQueue | None = field(default=None, repr=False)

    def in_effect(self, day: int) -> bool:
        """Whether the control applies on ``day``."""
        return self.effective_day <= day and (self.end_day is None or day < self.end_day)


class LicenceQueue:
    """Licence requests of one control, decided after their processing delay.

    Each day the control is in effect, :meth:`draw` takes the day's processing
    delay and approval of every controlled link (before the day's trade, one
    draw of each per link whatever the quantity).  A request with 0 processing
    days is decided at once: approved, it ships that day; denied, it is lost.
    :meth:`submit` then queues the other requests; each is decided at the start
    of its decision day (a SimPy event per decision day), when the approved
    quantity joins that day's allowed shipments (and the importer's position)
    and the denied quantity is lost (it is never produced).  Only the control
    that governs a link (the latest in effect) decides its requests.
    """

    def __init__(
        self,
        env: simpy.Environment,
        market: Market,
        spec: ExportControl,
        links: IntArray,
        processing: float | Distribution,
        approval_probability: float,
        rngs: list[np.random.Generator],
    ) -> None:
        self.env = env
        self.market = market
        self.spec = spec
        self.links = links
        self.processing = processing
        self.approval_probability = approval_probability
        self.rngs = rngs
        self.delays = np.zeros(len(links), dtype=np.int64)
        self.approvals = np.zeros(len(links), dtype=np.bool_)
        self.approved: dict[int, FloatArray] = {}
        self.decided: dict[int, FloatArray] = {}

    def _governs(self, link: int) -> bool:
        active = self.market.link_controls.get(link, [])
        return bool(active) and active[-1] is self.spec

    def draw(self) -> None:
        """Draw today's delay and approval of every link; mark the ones decided at once."""
        market = self.market
        for k, link in enumerate(self.links):
            rng = self.rngs[k]
            self.delays[k] = draw_days(self.processing, rng, DAYS)
            self.approvals[k] = rng.uniform() < self.approval_probability
            if not self._governs(int(link)):
                continue
            if self.delays[k] > 0:
                market.licence_today[link] = kernel.LICENCE_QUEUED
            elif self.approvals[k]:
                market.licence_today[link] = kernel.LICENCE_APPROVED_NOW
            else:
                market.licence_today[link] = kernel.LICENCE_DENIED_NOW

    def submit(self, day: int) -> None:
        """Queue today's requests on the links that wait for a decision."""
        market = self.market
        for k, link in enumerate(self.links):
            quantity = float(market.licence_requests[link])
            if quantity <= 0 or self.delays[k] == 0 or not self._governs(int(link)):
                continue
            decision_day = day + int(self.delays[k])
            if decision_day not in self.decided:
                self.decided[decision_day] = np.zeros(market.m)
                self.approved[decision_day] = np.zeros(market.m)
                at_day_start(self.env, decision_day - day, partial(self._decide, decision_day))
            self.decided[decision_day][link] += quantity
            if self.approvals[k]:
                self.approved[decision_day][link] += quantity
            # The position counts what the request is expected to deliver.
            market.pending[market.importer[link]] += quantity * self.approval_probability

    def _decide(self, day: int) -> None:
        market = self.market
        decided = self.decided.pop(day)
        approved = self.approved.pop(day)
        market.pending -= (
            np.bincount(market.importer, decided, market.n) * self.approval_probability
        )
        market.approved_today += approved
        market.approvals_waiting = True


def start_control(
    env: simpy.Environment, market: Market, spec: ExportControl, streams: Streams, horizon: int
) -> ActiveControl:
    """Draw a control's timing and schedule its announcement, effect and end."""
    # A generator only for a random timing: making one costs more than the day.
    timing = (spec.effective_day, spec.duration_days)
    drawn = any(q is not None and not isinstance(q, int | float) for q in timing)
    rng = streams.generator(Stream.SHOCK_TIMING, spec.id) if drawn else None
    effective = draw_days(spec.effective_day, rng, DAYS)
    duration = None if spec.duration_days is None else draw_days(spec.duration_days, rng, DAYS)
    links, importers, link_list = controlled_links(market.network, spec)
    control = ActiveControl(
        spec=spec,
        links=links,
        announced_day=spec.announced_day,
        effective_day=effective,
        end_day=None if duration is None else effective + duration,
    )
    if spec.licence is not None:
        control.expected_processing_days = expected(spec.licence.processing_days)
        control.licence_queue = LicenceQueue(
            env,
            market,
            spec,
            links,
            spec.licence.processing_days,
            spec.licence.approval_probability,
            [
                streams.generator(
                    Stream.LICENCE,
                    f"{spec.id}:{market.countries[market.exporter[k]]}->{market.countries[market.importer[k]]}",
                )
                for k in links
            ],
        )
    if links.size == 0:
        return control
    if spec.front_loading is not None and control.announced_day is not None:
        extra = spec.front_loading.extra_inventory_days

        def announce() -> None:
            market.add_front_loading(importers, extra, start=True)

        def stop_front_loading() -> None:
            market.add_front_loading(importers, extra, start=False)

        if control.announced_day < effective:
            at_day_start(env, control.announced_day, announce)
            at_day_start(env, effective, stop_front_loading)

    def take_effect() -> None:
        for link in link_list:
            market.link_controls.setdefault(link, []).append(spec)
        _govern(market, links, spec)  # the latest to take effect governs every link

    def end() -> None:
        for link in link_list:
            market.link_controls[link].remove(spec)
        _apply_link_controls(market, link_list)

    if effective < horizon:
        at_day_start(env, effective, take_effect)
        if control.end_day is not None and control.end_day < horizon:
            at_day_start(env, control.end_day, end)
    return control


def controlled_links(
    network: CommodityNetwork, spec: ExportControl
) -> tuple[IntArray, IntArray, tuple[int, ...]]:
    """The links a control covers, their importers (each once, sorted), and the links as a tuple.

    A link is covered when it leaves the control's exporter for a targeted
    importer.  Computed once per network, exporter and targets (read-only).
    """

    def build(net: CommodityNetwork) -> tuple[IntArray, IntArray, tuple[int, ...]]:
        exporter = net.index.get(spec.exporter, -1)
        targeted = np.array([spec.targets_country(code) for code in net.countries], dtype=bool)
        links = np.flatnonzero((net.link_exporter == exporter) & targeted[net.link_importer])
        links = links.astype(np.int64)
        importers = np.unique(net.link_importer[links])
        links.flags.writeable = importers.flags.writeable = False
        return links, importers, tuple(links.tolist())

    return network.derived(f"engine.controlled_links:{spec.exporter}:{spec.targets!r}", build)


def _apply_link_controls(market: Market, links: tuple[int, ...]) -> None:
    """Set each link's control state from the controls in effect on it.

    When several controls cover one link, the latest to take effect governs
    it; when it ends, the one before it governs again.  The links governed
    by the same control (or by none) are set together.
    """
    governed: dict[int, tuple[ExportControl | None, list[int]]] = {}
    for link in links:
        active = market.link_controls.get(link)
        spec = active[-1] if active else None
        governed.setdefault(id(spec), (spec, []))[1].append(link)
    for spec, group in governed.values():
        _govern(market, np.array(group, dtype=np.int64), spec)


def _govern(market: Market, links: IntArray, spec: ExportControl | None) -> None:
    """Set the control state of ``links`` to that of ``spec`` (None: no control)."""
    if spec is None:
        market.control_mode[links] = CONTROL_NONE
        market.quota_per_day[links] = 0.0
        market.leak_share[links] = 0.0
        market.leak_extra_days[links] = 0
        return
    market.control_mode[links] = _MODE_CODE[spec.mode]
    share = spec.quota_share if spec.mode is Mode.QUOTA and spec.quota_share is not None else 0.0
    market.quota_per_day[links] = share * market.flow[links]
    leaking = spec.leakage is not None and spec.leakage.via in market.countries
    market.leak_share[links] = spec.leakage.share if spec.leakage is not None and leaking else 0.0
    market.leak_extra_days[links] = (
        round(spec.leakage.extra_lead_time_days) if spec.leakage is not None and leaking else 0
    )


def licence_target(market: Market, controls: list[ActiveControl], day: int) -> None:
    """Expected licence pipeline of each importer (units), added to its order-up-to target.

    On a licensed link the expected number of requests waiting is the baseline
    flow times the expected processing time; it builds up linearly over that
    time after the control takes effect and drains the same way after it ends,
    as a queue of baseline requests would.
    """
    target = np.zeros(market.n)
    for control in controls:
        if control.licence_queue is None or control.links.size == 0:
            continue
        wait = control.expected_processing_days
        if wait <= 0 or day < control.effective_day:
            continue
        level = min(day - control.effective_day, wait)
        if control.end_day is not None and day >= control.end_day:
            level = max(0.0, min(level, wait - (day - control.end_day)))
        links = control.links
        target += np.bincount(market.importer[links], market.flow[links] * level, market.n)
    market.licence_target[:] = target


class ExpansionWatch:
    """Suppliers facing sustained unmet extra requests invest and ramp up capacity.

    After ``sustain_days`` consecutive days of unmet extra requests a supplier
    decides to invest; after the drawn investment delay (ramp-up stream) its
    capacity grows by ``ramp_per_year`` per year up to ``max_capacity_per_year``.
    One expansion per supplier and run.
    """

    def __init__(
        self,
        env: simpy.Environment,
        market: Market,
        expansions: tuple[Expansion | None, ...],
        streams: Streams,
    ) -> None:
        self.env = env
        self.market = market
        self.suppliers = [i for i, e in enumerate(expansions) if e is not None]
        self.expansions = expansions
        self.streams = streams
        # Per country, for the compiled span (simulator.engine.span) as much as for observe:
        # whether its watch still counts, its streak of days, and the streak that decides.
        self.watching = np.zeros(market.n, dtype=np.bool_)
        self.streak = np.zeros(market.n, dtype=np.int64)
        self.sustain = np.full(market.n, np.inf)
        for i, spec in enumerate(expansions):
            if spec is not None:
                self.watching[i] = True
                self.sustain[i] = spec.sustain_days

    def observe(self, day: int) -> None:
        """Update the streaks after the day's trade; start investments that are due."""
        market = self.market
        for i in self.suppliers:
            if not self.watching[i]:
                continue
            self.streak[i] = self.streak[i] + 1 if market.unmet_extra[i] > 1e-12 else 0
            spec = self.expansions[i]
            if spec is not None and self.streak[i] >= self.sustain[i]:
                self.watching[i] = False
                rng = self.streams.generator(Stream.RAMP_UP, market.countries[i])
                delay = draw_days(spec.delay_days, rng, INVESTMENT_DELAY_DAYS)
                at_day_start(self.env, delay, partial(self._online, i, spec))

    def _online(self, supplier: int, spec: Expansion) -> None:
        market = self.market
        # Capacity is held in units/day: a ramp of R units/yr per year adds R/365² per day.
        market.ramp_per_day[supplier] = spec.ramp_per_year / 365.0**2
        market.ramping = True
        market.capacity_ceiling[supplier] = max(
            market.physical_capacity[supplier], spec.max_capacity_per_year / 365.0
        )
