"""Posting ``core/v1`` Events about shoots, the way client-go's recorder does.

* A repeat of the same event (same object, reason and message) bumps the ``count`` and ``lastTimestamp`` of the
  Event already posted instead of creating another.
* A spam filter per object (a token bucket: :data:`BURST` events, then one per :data:`REFILL_SECONDS`) keeps a
  shoot that fails to schedule on every seed change from flooding the namespace; what it drops is logged.
* Events are best effort: a failure to post is logged, never raised.

Timestamps come from the injected clock; the spam filter runs on the monotonic clock, so tests on virtual time
still see their events.
"""

from __future__ import annotations

import itertools
import logging
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from garden.api.base import format_time
from garden.clock import Clock
from garden.kube import EVENTS, Kube, KubeError

log = logging.getLogger(__name__)

COMPONENT = "gardener-scheduler"
NORMAL, WARNING = "Normal", "Warning"
BURST = 10
REFILL_SECONDS = 30.0
REMEMBERED = 4096


@dataclass
class _Posted:
    name: str
    count: int


@dataclass
class _Bucket:
    tokens: float
    at: float


class EventRecorder:
    def __init__(self, kube: Kube, clock: Clock, component: str = COMPONENT) -> None:
        self.kube = kube
        self.clock = clock
        self.component = component
        self.instance = socket.gethostname()
        self._lock = threading.Lock()
        self._posted: OrderedDict[tuple[str, ...], _Posted] = OrderedDict()
        self._buckets: OrderedDict[tuple[str, ...], _Bucket] = OrderedDict()
        self._sequence = itertools.count()

    def _allowed(self, obj: tuple[str, ...]) -> bool:
        now = time.monotonic()
        bucket = self._buckets.pop(obj, None) or _Bucket(BURST, now)
        bucket.tokens = min(BURST, bucket.tokens + (now - bucket.at) / REFILL_SECONDS)
        bucket.at = now
        self._buckets[obj] = bucket
        while len(self._buckets) > REMEMBERED:
            self._buckets.popitem(last=False)
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def record(self, involved: Mapping[str, Any], type_: str, reason: str, message: str) -> None:
        """Post (or bump) an event about ``involved`` (an ``involvedObject``: apiVersion, kind, namespace, name,
        uid)."""
        namespace = str(involved.get("namespace") or "default")
        obj = (namespace, str(involved.get("name")), str(involved.get("uid") or ""))
        key = (*obj, reason, message)
        now = format_time(self.clock.now())
        with self._lock:
            if not self._allowed(obj):
                log.info("event dropped by the spam filter: %s/%s %s: %s", namespace, obj[1], reason, message)
                return
            posted = self._posted.get(key)
            if posted is not None:
                posted.count += 1
                self._posted.move_to_end(key)
        if posted is not None:
            try:
                self.kube.patch(EVENTS, namespace, posted.name, {"count": posted.count, "lastTimestamp": now})
                return
            except KubeError as exc:
                if not exc.not_found:
                    log.warning("cannot update event %s/%s: %s", namespace, posted.name, exc)
                    return
        stamp = int(self.clock.now().timestamp() * 1e9) + next(self._sequence)
        name = f"{obj[1]}.{stamp:x}"
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": name, "namespace": namespace},
            "involvedObject": dict(involved),
            "reason": reason,
            "message": message,
            "type": type_,
            "source": {"component": self.component},
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "reportingComponent": self.component,
            "reportingInstance": self.instance,
        }
        try:
            self.kube.create(EVENTS, namespace, event)
        except KubeError as exc:
            log.warning("cannot post event %s %s about %s/%s: %s", type_, reason, namespace, obj[1], exc)
            return
        with self._lock:
            self._posted[key] = _Posted(name, 1)
            while len(self._posted) > REMEMBERED:
                self._posted.popitem(last=False)


__all__ = ["COMPONENT", "NORMAL", "WARNING", "EventRecorder"]
