"""Time as the flow sees it: a :class:`Clock` the run is given, so unit tests run flows on virtual time.

The flow needs two things from time: how long something took (``monotonic``, for task durations and retry
deadlines) and a way to wait (``sleep``, for retry intervals and timeouts). :class:`LoopClock` takes both from the
running asyncio loop, so a test that runs the loop on virtual time (``tests/unit/flow/virtual_time.py``) makes every
flow, retry and timeout virtual without the code under test knowing. Wall-clock timestamps for status fields come
from :class:`garden.clock.Clock`, not from here.
"""

from __future__ import annotations

import asyncio
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes back; only differences mean something."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return after ``seconds`` on this clock (cancellable)."""
        ...


class LoopClock:
    """The running event loop's own clock (``loop.time()`` and ``asyncio.sleep``)."""

    def monotonic(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


__all__ = ["Clock", "LoopClock"]
