"""Start-of-day events: a discrete moment due on day t applies to the flows of day t."""

from __future__ import annotations

from collections.abc import Generator

import pytest
import simpy

from simulator.engine.events import DayStart, at_day_start


def _daily(env: simpy.Environment, log: list[tuple[str, float]], days: int) -> Generator[object]:
    for _ in range(days):
        log.append(("flows", env.now))
        yield env.timeout(1)


def test_moments_run_before_the_days_flows_in_the_order_scheduled() -> None:
    env = simpy.Environment()
    log: list[tuple[str, float]] = []
    env.process(_daily(env, log, 4))
    # Scheduled before the daily process created its timeouts, and after: same order.
    at_day_start(env, 2, lambda: log.append(("effect", env.now)))
    at_day_start(env, 2, lambda: log.append(("licence", env.now)))
    at_day_start(env, 1, lambda: log.append(("announce", env.now)))
    env.run()
    assert log == [
        ("flows", 0),
        ("announce", 1),
        ("flows", 1),
        ("effect", 2),
        ("licence", 2),
        ("flows", 2),
        ("flows", 3),
    ]


def test_urgency_not_creation_order_puts_moments_first() -> None:
    """A moment created after the daily process's timeout for that day still runs first.

    At time 1 the daily process runs (and schedules day 2) before a second
    process, which only then schedules a moment for day 2: SimPy's
    ``(time, priority, counter)`` order must put the urgent moment first.
    """
    env = simpy.Environment()
    log: list[tuple[str, float]] = []
    env.process(_daily(env, log, 3))

    def later() -> Generator[object]:
        yield env.timeout(1)
        at_day_start(env, 1, lambda: log.append(("decided", env.now)))

    env.process(later())
    env.run()
    assert log == [("flows", 0), ("flows", 1), ("decided", 2), ("flows", 2)]


def test_a_negative_delay_is_refused() -> None:
    with pytest.raises(ValueError, match="delay >= 0"):
        DayStart(simpy.Environment(), -1)
