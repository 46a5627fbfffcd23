"""Scheduling helpers: discrete moments that happen at the start of a day.

The daily flows of day ``t`` run in one SimPy process at time ``t`` with normal
priority.  A discrete moment due on day ``t`` (a control takes effect, a licence
is decided, a government decides to release, capacity comes online) is a
:class:`DayStart` event with *urgent* priority, so SimPy's ``(time, priority,
counter)`` ordering runs it before the flows of that day, never by chance.
Several moments on one day run in the order they were scheduled.
"""

from __future__ import annotations

from collections.abc import Callable

import simpy
from simpy.events import URGENT, Event

__all__ = ["DayStart", "at_day_start"]


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


def at_day_start(env: simpy.Environment, delay: int, action: Callable[[], None]) -> DayStart:
    """Call ``action()`` at the start of the day ``delay`` days from now."""
    event = DayStart(env, delay)
    event.callbacks.append(lambda _event: action())
    return event
