"""The garbage collector: ownerReferences decide what goes when an owner goes.

* Background (the default): once an owner is gone, every dependent whose owners are all gone is deleted; a
  dependent that still has a live owner only loses the reference to the dead one.
* Foreground: the owner carries the ``foregroundDeletion`` finalizer; its dependents are deleted (in foreground
  too), and the finalizer is removed once no dependent with ``blockOwnerDeletion: true`` remains.
* Orphan: the owner carries the ``orphan`` finalizer; its dependents lose their reference to it, then the
  finalizer is removed.

The collector indexes every object's uid and ownerReferences from one watch over all of storage, and handles one
piece of work at a time from a queue, so its decisions follow the revision order of what it saw.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from kubelite.apiserver import codec
from kubelite.apiserver.controllers.follower import follow_with_worker
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.objects import meta
from kubelite.apiserver.registry import Registry
from kubelite.apiserver.storage import EventType, StoredObject, WatchEvent
from kubelite.apiserver.store import DeleteOptions, RequestContext, Store
from kubelite.apiserver.store.deletes import FOREGROUND, ORPHAN

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Entry:
    uid: str
    owners: list[dict[str, Any]]
    deleting: bool
    finalizers: list[str] = field(default_factory=list)


class GarbageCollector:
    def __init__(self, store: Store, registry: Registry) -> None:
        self._store = store
        self._registry = registry
        self._by_key: dict[str, _Entry] = {}
        self._key_of_uid: dict[str, str] = {}
        self._dependents: dict[str, set[str]] = {}
        self._queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._queued: set[tuple[str, str]] = set()
        self._ctx = RequestContext()

    async def run(self) -> None:
        await follow_with_worker(self._store.storage, "/registry/", self._sync, self._event, self._work)

    # -- index ----------------------------------------------------------------------------------------------------

    async def _sync(self, items: list[StoredObject]) -> None:
        self._by_key.clear()
        self._key_of_uid.clear()
        self._dependents.clear()
        for stored in items:
            self._index(stored.key, stored.value)
        for key in list(self._by_key):
            self._react(key)

    async def _event(self, event: WatchEvent) -> None:
        if event.type is EventType.DELETE:
            entry = self._by_key.pop(event.key, None)
            if entry is None:
                return
            self._unlink(event.key, entry)
            self._key_of_uid.pop(entry.uid, None)
            for dependent in self._dependents.get(entry.uid, set()):
                self._enqueue("dependent", dependent)
            for owner in entry.owners:
                owner_key = self._key_of_uid.get(owner.get("uid", ""))
                if owner_key is not None:
                    self._enqueue("owner", owner_key)
            return
        self._index(event.key, event.value)
        self._react(event.key)

    def _index(self, key: str, value: bytes) -> None:
        try:
            m = codec.loads(value).get("metadata") or {}
        except ValueError:
            return
        old = self._by_key.get(key)
        if old is not None:
            self._unlink(key, old)
        entry = _Entry(
            uid=str(m.get("uid", "")),
            owners=[o for o in m.get("ownerReferences") or [] if isinstance(o, dict)],
            deleting=bool(m.get("deletionTimestamp")),
            finalizers=list(m.get("finalizers") or []),
        )
        self._by_key[key] = entry
        self._key_of_uid[entry.uid] = key
        for owner in entry.owners:
            self._dependents.setdefault(str(owner.get("uid", "")), set()).add(key)

    def _unlink(self, key: str, entry: _Entry) -> None:
        for owner in entry.owners:
            uid = str(owner.get("uid", ""))
            dependents = self._dependents.get(uid)
            if dependents is not None:
                dependents.discard(key)
                if not dependents:
                    del self._dependents[uid]

    def _react(self, key: str) -> None:
        entry = self._by_key[key]
        if entry.deleting and (FOREGROUND in entry.finalizers or ORPHAN in entry.finalizers):
            self._enqueue("owner", key)
        if any(o.get("uid") not in self._key_of_uid for o in entry.owners):
            self._enqueue("dependent", key)
        for owner in entry.owners:
            owner_key = self._key_of_uid.get(str(owner.get("uid", "")))
            if owner_key is not None and self._by_key[owner_key].deleting:
                self._enqueue("owner", owner_key)

    def _enqueue(self, kind: str, key: str) -> None:
        item = (kind, key)
        if item not in self._queued:
            self._queued.add(item)
            self._queue.put_nowait(item)

    # -- work -----------------------------------------------------------------------------------------------------

    async def _work(self) -> None:
        while True:
            item = await self._queue.get()
            self._queued.discard(item)
            kind, key = item
            try:
                if kind == "dependent":
                    await self._collect_dependent(key)
                else:
                    await self._process_owner(key)
            except APIError as exc:
                if exc.code not in (404, 409):
                    log.warning("garbage collector: %s %s: %s", kind, key, exc)
                    await asyncio.sleep(1)
                    self._enqueue(kind, key)
                elif exc.code == 409:
                    self._enqueue(kind, key)
            except Exception:
                log.exception("garbage collector failed on %s %s", kind, key)
                await asyncio.sleep(1)
                self._enqueue(kind, key)

    async def _collect_dependent(self, key: str) -> None:
        """A dependent with a dead owner: delete it if all its owners are dead, else drop the dead references."""
        entry = self._by_key.get(key)
        rt = self._registry.for_storage_key(key)
        if entry is None or rt is None or not entry.owners:
            return
        dead = [o for o in entry.owners if not await self._owner_alive(o)]
        if not dead:
            return
        namespace, name = _split(rt.namespaced, key, rt.storage_key_prefix)
        if len(dead) == len(entry.owners):
            if entry.deleting:
                return
            foreground = any(self._owner_in_foreground(o) for o in dead)
            options = DeleteOptions(propagation="Foreground" if foreground else "Background")
            await self._store.delete(rt, namespace, name, options, self._ctx)
            return
        dead_uids = {o.get("uid") for o in dead}
        body = json.dumps(
            {"metadata": {"ownerReferences": [o for o in entry.owners if o.get("uid") not in dead_uids]}}
        ).encode()
        await self._store.patch(rt, namespace, name, "application/merge-patch+json", body, self._ctx)

    async def _owner_alive(self, owner: dict[str, Any]) -> bool:
        """An owner is alive while it exists, even while it is being deleted (as upstream's "absent owner")."""
        return str(owner.get("uid", "")) in self._key_of_uid

    def _owner_in_foreground(self, owner: dict[str, Any]) -> bool:
        key = self._key_of_uid.get(str(owner.get("uid", "")))
        return key is not None and FOREGROUND in self._by_key[key].finalizers

    async def _process_owner(self, key: str) -> None:
        entry = self._by_key.get(key)
        rt = self._registry.for_storage_key(key)
        if entry is None or rt is None or not entry.deleting:
            return
        namespace, name = _split(rt.namespaced, key, rt.storage_key_prefix)
        dependents = sorted(self._dependents.get(entry.uid, set()))
        if ORPHAN in entry.finalizers:
            for dependent in dependents:
                await self._drop_reference(dependent, entry.uid)
            await self._remove_finalizer(rt, namespace, name, ORPHAN)
            return
        if FOREGROUND not in entry.finalizers:
            return
        blocking = 0
        for dependent in dependents:
            dep = self._by_key.get(dependent)
            dep_rt = self._registry.for_storage_key(dependent)
            if dep is None or dep_rt is None:
                continue
            ref = next((o for o in dep.owners if o.get("uid") == entry.uid), {})
            if ref.get("blockOwnerDeletion"):
                blocking += 1
            if not dep.deleting:
                dep_ns, dep_name = _split(dep_rt.namespaced, dependent, dep_rt.storage_key_prefix)
                await self._store.delete(dep_rt, dep_ns, dep_name, DeleteOptions(propagation="Foreground"), self._ctx)
        if blocking == 0:
            await self._remove_finalizer(rt, namespace, name, FOREGROUND)

    async def _drop_reference(self, key: str, owner_uid: str) -> None:
        entry = self._by_key.get(key)
        rt = self._registry.for_storage_key(key)
        if entry is None or rt is None:
            return
        namespace, name = _split(rt.namespaced, key, rt.storage_key_prefix)
        body = json.dumps(
            {"metadata": {"ownerReferences": [o for o in entry.owners if o.get("uid") != owner_uid] or None}}
        ).encode()
        await self._store.patch(rt, namespace, name, "application/merge-patch+json", body, self._ctx)

    async def _remove_finalizer(self, rt: Any, namespace: str | None, name: str, finalizer: str) -> None:
        obj = await self._store.get(rt, namespace, name)
        finalizers = [f for f in meta(obj).get("finalizers") or [] if f != finalizer]
        body = json.dumps(
            {"metadata": {"finalizers": finalizers or None, "resourceVersion": meta(obj)["resourceVersion"]}}
        ).encode()
        await self._store.patch(rt, namespace, name, "application/merge-patch+json", body, self._ctx)


def _split(namespaced: bool, key: str, prefix: str) -> tuple[str | None, str]:
    rest = key[len(prefix) :]
    if namespaced:
        namespace, _, name = rest.partition("/")
        return namespace, name
    return None, rest
