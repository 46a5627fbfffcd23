"""Scheduling helpers: discrete moments that happen at the start of a day.

The daily flows of day ``t`` run in one SimPy process at time ``t`` with normal
priority.  A discrete moment due on day ``t`` (a control takes effect, a licence
is decided, a government decides to release, capacity comes online) is a
:class:`DayStart` event with *urgent* priority, so SimPy's ``(time, priority,
counter)`` ordering runs it before the flows of that day, never by chance.
Several moments on one day run in the order they were scheduled.

A :class:`DayClock` also remembers the days its moments are due, so a process
can ask for the next one (:meth:`DayClock.next_moment`) and advance the flows
of every day before it at once (:mod:`simulator.engine.span`).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import simpy
from simpy.events import URGENT, Event

__all__ = ["DayClock", "DayStart", "at_day_start"]


class DayClock(simpy.Environment):
    """A SimPy environment that keeps the days on which moments are due."""

    def __init__(self) -> None:
        super().__init__()
        self._moments: list[int] = []

    def add_moment(self, day: int) -> None:
        """Note that a moment is due at the start of ``day``."""
        heapq.heappush(self._moments, day)

    def next_moment(self, after: int) -> float:
        """The first day after ``after`` on which a moment is due (``inf`` if none)."""
        moments = self._moments
        while moments and moments[0] <= after:
            heapq.heappop(moments)
        return moments[0] if moments else float("inf")


class DayStart(Event):
    """An event that fires at the start of the day ``delay`` days from now."""

    def __init__(self, env: simpy.Environment, delay: int) -> None:
        if delay < 0:
            raise ValueError(f"expected a delay >= 0 days, found {delay}")
        super().__init__(env)
        # Like simpy's Timeout, but scheduled with urgent priority.
        self._ok = True
        self._value = None
        env.schedule(self, URGENT, delay)
        if isinstance(env, DayClock):
            env.add_moment(int(env.now) + delay)


def at_day_start(env: simpy.Environment, delay: int, action: Callable[[], None]) -> DayStart:
    """Call ``action()`` at the start of the day ``delay`` days from now."""
    event = DayStart(env, delay)
    event.callbacks.append(lambda _event: action())
    return event
