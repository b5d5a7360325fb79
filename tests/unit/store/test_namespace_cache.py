"""The store's namespace cache over a real SQLite storage: answers from the watch, never older than this server's
own writes, and from storage whenever it does not know."""

from __future__ import annotations

import asyncio
import ipaddress
import pathlib
from collections.abc import AsyncIterator, Callable

import pytest

from kubelite.apiserver.admission import AdmissionChain
from kubelite.apiserver.builtins import builtin_resources
from kubelite.apiserver.objects import Object
from kubelite.apiserver.registry import Registry
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.storage.sqlite import SQLiteStorage
from kubelite.apiserver.store import DeleteOptions, RequestContext, Store
from kubelite.apiserver.store.namespaces import NamespaceCache

pytestmark = pytest.mark.unit


class Counting:
    """Wraps the store's live lookup to count the storage reads the cache makes."""

    def __init__(self, cache: NamespaceCache) -> None:
        self.reads = 0
        self._live = cache._live
        cache._live = self

    async def __call__(self, name: str) -> Object | None:
        self.reads += 1
        return await self._live(name)


@pytest.fixture
async def store(tmp_path: pathlib.Path) -> AsyncIterator[Store]:
    storage = await SQLiteStorage.open(tmp_path / "kubelite.db")
    registry = Registry()
    registry.register_all(builtin_resources(ipaddress.ip_network("10.96.0.0/12")))
    store = Store(storage, registry, AdmissionChain())
    try:
        yield store
    finally:
        await storage.close()


def _namespaces(store: Store) -> ResourceType:
    rt = store.registry.get("", "v1", "namespaces")
    assert rt is not None
    return rt


async def _create(store: Store, name: str) -> None:
    body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    await store.create(_namespaces(store), None, body, RequestContext())


async def _until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Poll until the watch has delivered (the cache has no event to wait on; polling keeps it unchanged)."""
    async with asyncio.timeout(seconds):
        while True:
            if condition():
                return
            await asyncio.sleep(0.01)


async def test_reads_storage_until_synced_and_then_answers_from_the_watch(store: Store) -> None:
    cache = store.namespaces
    reads = Counting(cache)
    await _create(store, "before")
    assert (await cache.get("before") or {})["metadata"]["name"] == "before"
    assert await cache.get("nowhere") is None
    assert reads.reads == 2
    task = asyncio.create_task(cache.run())
    try:
        await _until(lambda: cache.synced)
        await _create(store, "after")
        await _until(lambda: "after" in cache._known)
        reads.reads = 0
        for _ in range(3):
            assert (await cache.get("before") or {})["metadata"]["name"] == "before"
            assert (await cache.get("after") or {})["metadata"]["name"] == "after"
        assert reads.reads == 0
        assert await cache.get("nowhere") is None  # unknown: read, and not remembered as missing
        assert reads.reads == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert not cache.synced
    assert await cache.get("after") is not None
    assert reads.reads == 2


async def test_own_writes_are_never_answered_from_an_older_copy(store: Store) -> None:
    cache = store.namespaces
    task = asyncio.create_task(cache.run())
    try:
        await _until(lambda: cache.synced)
        await _create(store, "closing")
        await _until(lambda: "closing" in cache._known)
        # a finalizer keeps it, so the delete marks it Terminating (an update of the namespace)
        await store.delete(_namespaces(store), None, "closing", DeleteOptions(), RequestContext())
        # at once, before the watch can have delivered the update: storage is read, never the Active copy
        assert "closing" in cache._floors
        marked = await cache.get("closing")
        assert marked is not None and marked["metadata"].get("deletionTimestamp")
        assert marked["status"]["phase"] == "Terminating"
        await _until(lambda: "closing" not in cache._floors)
        cached = await cache.get("closing")
        assert cached is not None and cached["status"]["phase"] == "Terminating"
        assert cached["metadata"]["resourceVersion"] == marked["metadata"]["resourceVersion"]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_deleted_namespaces_leave_the_cache(store: Store) -> None:
    cache = store.namespaces
    task = asyncio.create_task(cache.run())
    try:
        await _until(lambda: cache.synced)
        await _create(store, "brief")
        await _until(lambda: "brief" in cache._known)
        # removed by someone else (straight from storage, as another API server would): the watch forgets it
        await store.storage.delete(_namespaces(store).key(None, "brief"))
        await _until(lambda: "brief" not in cache._known)
        assert await cache.get("brief") is None
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
