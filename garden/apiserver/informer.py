"""In-memory copies of the resources admission reads on every write (shoots, projects, bindings, cloud profiles),
kept by watching storage.

Admission lists every shoot to count a seed's load, a quota's usage or a domain's users; reading and decoding them
from storage on every write made each write cost O(shoots). An :class:`Informer` lists its storage prefix once,
then follows the watch (relisting after a compaction), so a list is a walk over decoded objects in memory.

Like the listers of Gardener's admission plugins, an informer may lag a write by the time its watch event takes to
arrive (in-process: the next turns of the event loop). The objects it hands out are shared: readers must not change
them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from kubelite.apiserver.controllers.follower import follow
from kubelite.apiserver.objects import Object, decode
from kubelite.apiserver.storage import EventType, Storage, StoredObject, WatchEvent


class Informer:
    def __init__(self, storage: Storage, prefix: str) -> None:
        self._storage = storage
        self.prefix = prefix
        self._objects: dict[str, Object] = {}
        self.synced = asyncio.Event()

    async def run(self) -> None:
        await follow(self._storage, self.prefix, self._sync, self._event)

    async def _sync(self, items: list[StoredObject]) -> None:
        self._objects = {item.key: decode(item.value, item.mod_revision) for item in items}
        self.synced.set()

    async def _event(self, event: WatchEvent) -> None:
        if event.type is EventType.DELETE:
            self._objects.pop(event.key, None)
        else:
            self._objects[event.key] = decode(event.value, event.revision)

    def get(self, namespace: str | None, name: str) -> Object | None:
        """One object (namespace None for a cluster-scoped resource), or None."""
        return self._objects.get(f"{self.prefix}{namespace}/{name}" if namespace else f"{self.prefix}{name}")

    def items(self, namespace: str | None = None) -> Iterator[Object]:
        """The objects (of one namespace, for a namespaced resource), in key order of arrival."""
        if namespace is None:
            yield from self._objects.values()
            return
        within = f"{self.prefix}{namespace}/"
        for key, obj in self._objects.items():
            if key.startswith(within):
                yield obj


__all__ = ["Informer"]
