"""An asyncio loop on virtual time: whenever nothing is ready to run, time jumps to the next timer.

``asyncio.sleep``, ``loop.call_later`` and everything built on them (the flow's ``LoopClock``, retries, timeouts)
then take no real time, and a test can assert exactly how much virtual time a run took. I/O still works: the
selector is polled without blocking before time moves on. Only when nothing at all is scheduled does the loop
block for real (a wake-up from another thread); a test that deadlocks then fails by pytest's timeout.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


class _Selector(selectors.DefaultSelector):
    def __init__(self) -> None:
        super().__init__()
        self.loop: VirtualTimeLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready: list[tuple[selectors.SelectorKey, int]] = super().select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:
            blocked: list[tuple[selectors.SelectorKey, int]] = super().select(None)
            return blocked
        assert self.loop is not None
        self.loop.advance(timeout)
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        selector = _Selector()
        super().__init__(selector)
        selector.loop = self
        self._virtual_now = 0.0

    def time(self) -> float:
        return self._virtual_now

    def advance(self, seconds: float) -> None:
        self._virtual_now += seconds


def run(awaitable: Awaitable[T]) -> T:
    """Run ``awaitable`` to completion on a fresh virtual-time loop starting at time 0."""

    async def main() -> T:
        return await awaitable

    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
