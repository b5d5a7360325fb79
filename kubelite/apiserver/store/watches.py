"""Watch: initial state, then every change, filtered by selectors, with bookmarks.

``resourceVersion`` unset or "0" starts with the current state as ADDED events (``sendInitialEvents=true`` also
ends that part with a bookmark annotated ``k8s.io/initial-events-end``); a resourceVersion N starts with the changes
after N. Selector transitions are translated as upstream's watch cache does: an object that starts to match is
ADDED, one that stops matching is DELETED. With ``allowWatchBookmarks`` a BOOKMARK goes out on a timer (at the last
delivered revision) and for every progress notification of the store (etcd's: at the store's revision, so a watcher's
resourceVersion advances although nothing it watches changed). A watch that starts below the compacted revision, or
that falls too far behind, gets one ERROR event carrying a 410 Expired Status and ends: clients relist. No other
ERROR is ever sent.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from kubelite.apiserver import errors
from kubelite.apiserver.objects import Object
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.storage import CompactedError, EventType, WatchEvent
from kubelite.apiserver.store.matching import Matcher
from kubelite.apiserver.store.reads import ReadMixin, parse_resource_version

#: A bookmark at least this often (seconds) when the client allows bookmarks; upstream sends one about a minute.
BOOKMARK_INTERVAL = 30.0
INITIAL_EVENTS_END = "k8s.io/initial-events-end"
_END = object()
#: How many recent events' decoded objects are shared between watchers (a burst of writes to many watchers).
_SHARED_EVENTS = 512


@dataclass(frozen=True, slots=True)
class WatchQuery:
    resource_version: str = ""
    label_selector: str = ""
    field_selector: str = ""
    allow_bookmarks: bool = False
    send_initial_events: bool | None = None

    @classmethod
    def parse(cls, query: dict[str, str]) -> WatchQuery:
        sie = query.get("sendInitialEvents")
        send_initial = None if sie is None else sie.lower() == "true"
        q = cls(
            resource_version=query.get("resourceVersion", ""),
            label_selector=query.get("labelSelector", ""),
            field_selector=query.get("fieldSelector", ""),
            allow_bookmarks=query.get("allowWatchBookmarks", "").lower() == "true",
            send_initial_events=send_initial,
        )
        if send_initial is not None and query.get("resourceVersionMatch") != "NotOlderThan":
            raise errors.invalid_object(
                "ListOptions",
                "meta.k8s.io",
                "",
                [
                    errors.forbidden(
                        "resourceVersionMatch",
                        "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
                    )
                ],
            )
        if send_initial and not q.allow_bookmarks:
            raise errors.invalid_object(
                "ListOptions",
                "meta.k8s.io",
                "",
                [
                    errors.forbidden(
                        "allowWatchBookmarks", "sendInitialEvents requires setting allowWatchBookmarks to true"
                    )
                ],
            )
        return q


class WatchMixin(ReadMixin):
    async def watch(
        self,
        rt: ResourceType,
        namespace: str | None,
        query: WatchQuery,
        *,
        bookmark_interval: float = BOOKMARK_INTERVAL,
    ) -> AsyncIterator[tuple[str, Object]]:
        """Events as (type, object) pairs: ADDED, MODIFIED, DELETED, BOOKMARK, and ERROR (410 only).

        Everything that can fail as a request (bad selectors, a resourceVersion from the future) fails here,
        before the caller starts streaming; the returned iterator then only ever ends or yields events.
        """
        matcher = Matcher.parse(rt, query.label_selector, query.field_selector)
        name = matcher.name()
        prefix = rt.key(namespace, name) if name else rt.list_prefix(namespace)
        initial: list[Object] = []
        if query.resource_version in ("", "0"):
            start = await self.storage.current_revision()
            if query.send_initial_events is not False:
                initial = await self._snapshot(rt, prefix, start, matcher)
        else:
            start = parse_resource_version(query.resource_version)
            if start > await self.storage.current_revision():
                await self.wait_for_revision(start)
        return self._events(rt, prefix, start, initial, matcher, query, bookmark_interval)

    async def _events(
        self,
        rt: ResourceType,
        prefix: str,
        start: int,
        initial: list[Object],
        matcher: Matcher,
        query: WatchQuery,
        bookmark_interval: float,
    ) -> AsyncIterator[tuple[str, Object]]:
        compacted = await self.storage.compacted_revision()
        if start < compacted:
            yield "ERROR", errors.gone(f"too old resource version: {start} ({compacted})").status()
            return
        for obj in initial:
            yield "ADDED", obj
        if query.send_initial_events and query.allow_bookmarks:
            yield "BOOKMARK", self._bookmark(rt, start, {INITIAL_EVENTS_END: "true"})

        queue: asyncio.Queue[Any] = asyncio.Queue()
        pump = asyncio.create_task(self._pump(prefix, start, queue, progress=query.allow_bookmarks))
        last_revision = start
        try:
            while True:
                timeout = bookmark_interval if query.allow_bookmarks else None
                try:
                    item = await asyncio.wait_for(queue.get(), timeout)
                except TimeoutError:
                    yield "BOOKMARK", self._bookmark(rt, last_revision)
                    continue
                if item is _END:
                    return
                if isinstance(item, CompactedError):
                    yield "ERROR", errors.gone(f"too old resource version: {last_revision} ({item.compacted})").status()
                    return
                event: WatchEvent = item
                last_revision = event.revision
                if event.type is EventType.PROGRESS:
                    # The store's progress notification: nothing under the prefix changed up to this revision.
                    yield "BOOKMARK", self._bookmark(rt, last_revision)
                    continue
                translated = self._translate(rt, event, matcher)
                if translated is not None:
                    yield translated
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump

    async def _pump(self, prefix: str, after: int, queue: asyncio.Queue[Any], *, progress: bool) -> None:
        stream = self.storage.watch(prefix, after_revision=after, progress=progress)
        try:
            async for event in stream:
                queue.put_nowait(event)
        except CompactedError as exc:
            queue.put_nowait(exc)
            return
        finally:
            await stream.aclose()
        queue.put_nowait(_END)

    async def _snapshot(self, rt: ResourceType, prefix: str, revision: int, matcher: Matcher) -> list[Object]:
        result: list[Object] = []
        start_after: str | None = None
        while True:
            page = await self.storage.list(prefix, limit=1000, start_after=start_after, revision=revision)
            for stored in page.items:
                obj = self._decode(rt, stored.value, stored.mod_revision)
                if matcher.matches(obj):
                    result.append(obj)
            if not page.more:
                return result
            start_after = page.items[-1].key

    def _event_object(self, rt: ResourceType, event: WatchEvent) -> Object:
        """The event's object, decoded once for every watcher of the same version (watchers only read it)."""
        key = (event.key, event.revision, rt.version)
        obj = self._event_objects.get(key)
        if obj is None:
            obj = self._event_objects[key] = self._decode(rt, event.value, event.revision)
            if len(self._event_objects) > _SHARED_EVENTS:
                self._event_objects.popitem(last=False)
        return obj

    def _translate(self, rt: ResourceType, event: WatchEvent, matcher: Matcher) -> tuple[str, Object] | None:
        obj = self._event_object(rt, event)
        matches_now = matcher.matches(obj)
        if event.type is EventType.DELETE:
            return ("DELETED", obj) if matches_now else None
        if event.prev_value is None:
            return ("ADDED", obj) if matches_now else None
        if not matcher.filters:
            return "MODIFIED", obj
        matched_before = matcher.matches(self._decode(rt, event.prev_value, event.revision))
        if matches_now:
            return ("MODIFIED" if matched_before else "ADDED"), obj
        return ("DELETED", obj) if matched_before else None

    @staticmethod
    def _bookmark(rt: ResourceType, revision: int, annotations: dict[str, str] | None = None) -> Object:
        metadata: dict[str, Any] = {"resourceVersion": str(revision)}
        if annotations:
            metadata["annotations"] = annotations
        return {"kind": rt.kind, "apiVersion": rt.api_version, "metadata": metadata}
