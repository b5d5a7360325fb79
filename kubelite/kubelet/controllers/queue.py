"""The work queue behind every controller: keys, not events, so a burst of changes to one object is one reconcile.

As client-go's workqueue: a key added while it waits is not added twice; a key added while it is being reconciled
is reconciled once more afterwards (never twice at once); failures come back with exponential back-off; and a
reconcile can ask to be called again after a delay (a deadline or a minReadySeconds that will pass).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from kubelite.client import KubeError

log = logging.getLogger(__name__)

#: ``reconcile(key)`` returns None when done, or the seconds after which it wants to look again.
Reconcile = Callable[[str], Awaitable[float | None]]

BACKOFF_BASE = 0.05
BACKOFF_MAX = 30.0


class WorkQueue:
    def __init__(self, name: str) -> None:
        self.name = name
        self._ready: asyncio.Queue[str] = asyncio.Queue()
        self._queued: set[str] = set()
        self._active: set[str] = set()
        self._dirty: set[str] = set()
        self._failures: dict[str, int] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def add(self, key: str) -> None:
        if key in self._active:
            self._dirty.add(key)
            return
        if key not in self._queued:
            self._queued.add(key)
            self._ready.put_nowait(key)

    def add_after(self, key: str, delay: float) -> None:
        """Add ``key`` after ``delay`` seconds (an earlier pending timer for it wins)."""
        loop = asyncio.get_running_loop()
        timer = self._timers.get(key)
        if timer is not None:
            if timer.when() <= loop.time() + delay:
                return
            timer.cancel()

        def fire() -> None:
            self._timers.pop(key, None)
            self.add(key)

        self._timers[key] = loop.call_later(max(0.0, delay), fire)

    async def run(self, reconcile: Reconcile, stop: asyncio.Event, workers: int = 2) -> None:
        tasks = [asyncio.ensure_future(self._worker(reconcile)) for _ in range(workers)]
        try:
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            for timer in self._timers.values():
                timer.cancel()

    async def _worker(self, reconcile: Reconcile) -> None:
        while True:
            key = await self._ready.get()
            self._queued.discard(key)
            self._active.add(key)
            try:
                again = await reconcile(key)
            except Exception as exc:
                failures = self._failures.get(key, 0) + 1
                self._failures[key] = failures
                delay = min(BACKOFF_MAX, BACKOFF_BASE * 2 ** min(failures, 16))
                if isinstance(exc, KubeError) and exc.conflict:
                    log.debug("%s %s: %s; again in %.2f s", self.name, key, exc, delay)
                elif isinstance(exc, KubeError):
                    log.warning("%s %s: %s; again in %.2f s", self.name, key, exc, delay)
                else:
                    log.exception("%s %s: the reconcile failed; again in %.2f s", self.name, key, delay)
                self.add_after(key, delay)
            else:
                self._failures.pop(key, None)
                if again is not None:
                    self.add_after(key, again)
            finally:
                self._active.discard(key)
                if key in self._dirty:
                    self._dirty.discard(key)
                    self.add(key)
