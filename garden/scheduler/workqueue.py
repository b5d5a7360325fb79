"""A work queue of keys for worker threads, with client-go's guarantees: a key is queued at most once, never
processed by two workers at a time (added again while in process, it is queued again when done), and can be
queued after a delay (retries with backoff; of several delays for one key, the soonest counts)."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class WorkQueue(Generic[K]):
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: deque[K] = deque()
        self._queued: set[K] = set()
        self._processing: set[K] = set()
        self._again: set[K] = set()
        self._delayed: list[tuple[float, int, K]] = []
        self._due: dict[K, float] = {}
        self._sequence = itertools.count()
        self._closed = False

    def add(self, key: K) -> None:
        with self._cond:
            self._add(key)

    def _add(self, key: K) -> None:
        if self._closed or key in self._queued:
            return
        if key in self._processing:
            self._again.add(key)
            return
        self._queued.add(key)
        self._queue.append(key)
        self._cond.notify()

    def add_after(self, key: K, delay: float) -> None:
        if delay <= 0:
            self.add(key)
            return
        with self._cond:
            due = time.monotonic() + delay
            if self._closed or self._due.get(key, due + 1) <= due:
                return  # already due at that time or sooner
            self._due[key] = due
            heapq.heappush(self._delayed, (due, next(self._sequence), key))
            self._cond.notify()

    def get(self, timeout: float | None = None) -> K | None:
        """The next key (the caller must call :meth:`done` with it), or None when closed or after ``timeout``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                if self._closed:
                    return None
                now = time.monotonic()
                while self._delayed and self._delayed[0][0] <= now:
                    due, _, ready = heapq.heappop(self._delayed)
                    if self._due.get(ready) == due:  # else superseded by a sooner retry
                        del self._due[ready]
                        self._add(ready)
                if self._queue:
                    key = self._queue.popleft()
                    self._queued.discard(key)
                    self._processing.add(key)
                    return key
                waits = [t - now for t in ((self._delayed[0][0] if self._delayed else None), deadline) if t is not None]
                if deadline is not None and now >= deadline:
                    return None
                self._cond.wait(min(waits) if waits else None)

    def done(self, key: K) -> None:
        with self._cond:
            self._processing.discard(key)
            if key in self._again:
                self._again.discard(key)
                self._add(key)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return len(self._queue)

    @property
    def idle(self) -> bool:
        """Nothing queued, delayed or in process."""
        with self._cond:
            return not (self._queue or self._processing or self._due)


__all__ = ["WorkQueue"]
