"""Event TTL: delete the garden's Events once they are old (Gardener's event controller).

Gardener's controller deletes every Event that is not about a Shoot ``ttlNonShootEvents`` (1 h) after it last
happened, and leaves Shoot events to the garden kube-apiserver's ``--event-ttl``, which keeps them longer for
debugging. This garden's API server has no event TTL of its own, so this controller keeps both clocks: other
events expire after ``ctx.event_ttl_seconds``, Shoot events after ``shoot_event_ttl_seconds`` (24 h by default).

When an Event last happened: its series' ``lastObservedTime``, else ``eventTime``, else ``lastTimestamp``, else
``firstTimestamp``, else its ``creationTimestamp``.

How it runs (Gardener reacts to each Event's creation and requeues it until it expires): a watch of all Events
(``on.event``) keeps an in-memory schedule of when each expires, updated when an Event is repeated and forgotten
when it is deleted; one sweeper task, started with the operator (``on.startup``) and stopped with it
(``on.cleanup``), wakes every ``ctx.resync_seconds`` and deletes what is due by ``ctx.clock``. So no Event is listed
twice and no timer runs per Event; after a restart the watch's initial listing rebuilds the schedule.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import kopf

from garden.api.conditions import parse_time
from garden.api.wire import dig
from garden.controllermanager.context import ControllerContext
from garden.kube import EVENTS, KubeError
from garden.operator import new_registry

log = logging.getLogger(__name__)

#: How long events about shoots are kept: the role of the garden kube-apiserver's ``--event-ttl`` in Gardener.
SHOOT_EVENT_TTL_SECONDS = 24 * 3600.0

Key = tuple[str, str]


def last_seen(event: Mapping[str, Any]) -> datetime | None:
    """When the event last happened (see the module docs for the fields, in order), or None if it says nowhere."""
    for path in (
        ("series", "lastObservedTime"),
        ("eventTime",),
        ("lastTimestamp",),
        ("firstTimestamp",),
        ("metadata", "creationTimestamp"),
    ):
        moment = parse_time(dig(event, *path))
        if moment is not None:
            return moment
    return None


def is_shoot_event(event: Mapping[str, Any]) -> bool:
    """Whether the event is about a Shoot (``core.gardener.cloud``), by its ``involvedObject`` (or ``regarding``)."""
    about = dig(event, "involvedObject") or dig(event, "regarding") or {}
    api_version = str(about.get("apiVersion") or "")
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    return group == "core.gardener.cloud" and about.get("kind") == "Shoot"


def expires_at(event: Mapping[str, Any], ttl_seconds: float, shoot_ttl_seconds: float) -> datetime | None:
    """When the event is to be deleted; None when it carries no time at all (then it is left alone)."""
    seen = last_seen(event)
    if seen is None:
        return None
    return seen + timedelta(seconds=shoot_ttl_seconds if is_shoot_event(event) else ttl_seconds)


def expired(event: Mapping[str, Any], now: datetime, ttl_seconds: float, shoot_ttl_seconds: float) -> bool:
    when = expires_at(event, ttl_seconds, shoot_ttl_seconds)
    return when is not None and when <= now


class ExpirySchedule:
    """When each known event expires; :meth:`pop_due` hands out those whose time has come, earliest first.

    A heap with lazy removal: rescheduling or forgetting an event leaves its old heap entry behind, to be skipped
    when it surfaces (the heap is compacted when stale entries outnumber live ones). Not thread-safe: used from
    the operator's event loop only.
    """

    def __init__(self) -> None:
        self._due: dict[Key, datetime] = {}
        self._heap: list[tuple[datetime, Key]] = []

    def __len__(self) -> int:
        return len(self._due)

    def __contains__(self, key: object) -> bool:
        return key in self._due

    def set(self, key: Key, when: datetime | None) -> None:
        if when is None:
            self.forget(key)
            return
        if self._due.get(key) == when:
            return
        self._due[key] = when
        heapq.heappush(self._heap, (when, key))
        if len(self._heap) > 2 * len(self._due) + 64:
            self._heap = [(w, k) for k, w in self._due.items()]
            heapq.heapify(self._heap)

    def forget(self, key: Key) -> None:
        self._due.pop(key, None)

    def next_due(self) -> datetime | None:
        while self._heap and self._due.get(self._heap[0][1]) != self._heap[0][0]:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now: datetime) -> list[Key]:
        due: list[Key] = []
        while (when := self.next_due()) is not None and when <= now:
            _, key = heapq.heappop(self._heap)
            del self._due[key]
            due.append(key)
        return due


def registry(
    ctx: ControllerContext, *, shoot_event_ttl_seconds: float = SHOOT_EVENT_TTL_SECONDS
) -> kopf.OperatorRegistry:
    reg = new_registry(ctx.kube)
    schedule = ExpirySchedule()
    sweeper: list[asyncio.Task[None]] = []

    @kopf.on.event("", "v1", "events", registry=reg)
    async def track(type: str, body: kopf.Body, name: str, namespace: str | None, **_: Any) -> None:
        key = (namespace or "", name)
        if type == "DELETED":
            schedule.forget(key)
        else:
            schedule.set(key, expires_at(body, ctx.event_ttl_seconds, shoot_event_ttl_seconds))

    async def sweep_once() -> None:
        for namespace, name in schedule.pop_due(ctx.clock.now()):
            try:
                await asyncio.to_thread(ctx.kube.delete, EVENTS, namespace, name)
            except KubeError as exc:
                log.warning("event %s/%s: cannot delete it (%s); trying again", namespace, name, exc)
                schedule.set((namespace, name), ctx.clock.now())
            else:
                log.debug("event %s/%s expired and is deleted", namespace, name)

    async def sweep_forever() -> None:
        while True:
            await asyncio.sleep(ctx.resync_seconds)
            try:
                await sweep_once()
            except Exception:  # the sweeper must outlive one bad round
                log.exception("event TTL: sweeping failed")

    @kopf.on.startup(registry=reg)
    async def start_sweeper(**_: Any) -> None:
        sweeper.append(asyncio.create_task(sweep_forever(), name="event-ttl-sweeper"))

    @kopf.on.cleanup(registry=reg)
    async def stop_sweeper(**_: Any) -> None:
        while sweeper:
            task = sweeper.pop()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return reg


__all__ = [
    "SHOOT_EVENT_TTL_SECONDS",
    "ExpirySchedule",
    "expired",
    "expires_at",
    "is_shoot_event",
    "last_seen",
    "registry",
]
