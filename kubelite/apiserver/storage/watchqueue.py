"""One watch's bounded queue of live events, shared by the storage backends.

A producer (the SQLite writers, or the etcd watch reader) pushes events; the watch's async generator drains them.
A watcher that falls ``queue_size`` events behind is ended with :class:`CompactedError`: it can no longer resume
after the last event it was given, exactly as if history had been compacted under it.
"""

from __future__ import annotations

import asyncio
import collections

from kubelite.apiserver.storage.interface import CompactedError, WatchEvent


class WatchQueue:
    def __init__(self, queue_size: int) -> None:
        self.queue_size = queue_size
        self.events: collections.deque[WatchEvent] = collections.deque()
        self.wakeup = asyncio.Event()
        self.error: BaseException | None = None
        self.closed = False

    def push(self, event: WatchEvent) -> bool:
        """Queue an event; False (and the watcher ended) when the queue is full."""
        if len(self.events) >= self.queue_size:
            last = self.events[-1].revision
            self.events.clear()
            # The watcher can no longer resume after ``last``: everything up to this write is gone for it.
            self.fail(CompactedError(requested=last, compacted=event.revision))
            return False
        self.events.append(event)
        self.wakeup.set()
        return True

    def fail(self, error: BaseException) -> None:
        """End the watch with ``error`` (the first error wins)."""
        if self.error is None:
            self.error = error
        self.wakeup.set()

    def close(self) -> None:
        self.closed = True
        self.wakeup.set()

    def ended(self) -> bool:
        """True when the store closed; raises the error that ended the watcher. Checked wherever it may resume."""
        if self.error is not None:
            raise self.error
        return self.closed


__all__ = ["WatchQueue"]
