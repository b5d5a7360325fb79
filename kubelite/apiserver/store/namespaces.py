"""Namespaces as last seen, so a create need not read its namespace from storage first.

NamespaceLifecycle admission looks up the namespace of every namespaced create. Reading it from storage doubles the
storage round trips of a create (on etcd, two gRPC calls instead of one). kube-apiserver answers the lookup from an
informer's cache and reads storage only when the cache does not know the namespace; this is the same:

* ``run()`` follows the namespaces (list, then watch; relist after compaction) and keeps every namespace by name.
  Until it has synced, and after it stops, every lookup reads storage.
* A namespace this cache does not hold is read from storage (it may have been created a moment ago on another
  server, before the watch delivered it); a missing one is not remembered.
* This server's own writes to a namespace (``written``) drop it and set a floor at the write's revision: until the
  watch has delivered an event at or after that revision, the namespace is read from storage. So a namespace this
  server just marked Terminating is never answered from an older cached copy, whatever the watch's delay.

Writes made through other API servers on the same etcd reach the cache through the watch, a few milliseconds later,
as in kube-apiserver.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from kubelite.apiserver.controllers.follower import follow
from kubelite.apiserver.objects import Object, decode
from kubelite.apiserver.storage import EventType, Storage, StoredObject, WatchEvent

log = logging.getLogger(__name__)

LiveLookup = Callable[[str], Awaitable[Object | None]]


class NamespaceCache:
    def __init__(self, storage: Storage, prefix: str, live: LiveLookup) -> None:
        self._storage = storage
        #: The storage prefix of namespaces (the registry's ``/registry/core/namespaces/``).
        self.prefix = prefix
        self._live = live
        #: name -> (revision, object) of every namespace, while synced.
        self._known: dict[str, tuple[int, Object]] = {}
        #: name -> revision of this server's last write to it that the watch has not delivered yet.
        self._floors: dict[str, int] = {}
        self._synced = False

    @property
    def synced(self) -> bool:
        return self._synced

    async def get(self, name: str) -> Object | None:
        """The namespace ``name``, or None when it does not exist. The object is shared: do not change it."""
        if self._synced and name not in self._floors:
            entry = self._known.get(name)
            if entry is not None:
                return entry[1]
        return await self._live(name)

    def written(self, key: str, revision: int) -> None:
        """This server wrote ``key`` at ``revision`` (called by the store after every successful write)."""
        if not key.startswith(self.prefix):
            return
        name = key[len(self.prefix) :]
        self._known.pop(name, None)
        self._floors[name] = max(revision, self._floors.get(name, 0))

    async def run(self) -> None:
        """Follow the namespaces until cancelled; lookups read storage again once this ends."""
        try:
            await follow(self._storage, self.prefix, self._on_sync, self._on_event)
        finally:
            self._synced = False
            self._known.clear()

    async def _on_sync(self, items: list[StoredObject]) -> None:
        self._synced = False
        self._known.clear()
        for item in items:
            self._put(item.key, item.mod_revision, item.value)
        self._synced = True

    async def _on_event(self, event: WatchEvent) -> None:
        if event.type is EventType.PUT:
            self._put(event.key, event.revision, event.value)
        elif event.type is EventType.DELETE:
            name = event.key[len(self.prefix) :]
            self._settle(name, event.revision)
            self._known.pop(name, None)

    def _put(self, key: str, revision: int, value: bytes) -> None:
        name = key[len(self.prefix) :]
        self._settle(name, revision)
        if name in self._floors:
            return  # older than this server's own write: read storage until the watch catches up
        with contextlib.suppress(ValueError):
            self._known[name] = (revision, decode(value, revision))

    def _settle(self, name: str, revision: int) -> None:
        floor = self._floors.get(name)
        if floor is not None and revision >= floor:
            del self._floors[name]


async def run_forever(cache: NamespaceCache) -> None:
    """``cache.run()``, restarted after an unexpected error (lookups read storage meanwhile)."""
    while True:
        try:
            await cache.run()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("namespace cache stopped; restarting in 1 s")
            await asyncio.sleep(1.0)


__all__ = ["NamespaceCache", "run_forever"]
