"""Delays between the polls of a wait: short first, growing to the botanist's poll interval.

Most waits of a flow end within a second or two (a Secret applied, an extension object picked up, a process
started), so a fixed one-second interval puts up to a second on every edge of the flow's critical path. Starting
at a tenth of a second and growing by half each poll finds a quick outcome quickly, while a long wait (a Worker
rolling, a load balancer) settles at the configured interval and does not load the API servers with polls.
"""

from __future__ import annotations

from collections.abc import Iterator

FIRST = 0.1
FACTOR = 1.5


def delays(interval: float, first: float = FIRST, factor: float = FACTOR) -> Iterator[float]:
    """``first``, ``first * factor``, ... up to ``interval``, then ``interval`` for ever."""
    if interval <= 0 or first <= 0 or factor < 1:
        raise ValueError(
            f"poll delays need positive interval and first delay and a factor >= 1, got "
            f"{interval!r}, {first!r}, {factor!r}"
        )
    delay = min(first, interval)
    while True:
        yield delay
        delay = min(delay * factor, interval)


__all__ = ["delays"]
