"""etcd progress notifications as watch bookmarks, and scheduled compaction shared by the servers on one etcd.

Progress: etcd tells a quiet watch (nothing under its prefix changed) the store's revision on its
``--experimental-watch-progress-notify-interval`` (200 ms here); a watch opened with ``progress=True`` yields them as
PROGRESS events, and the API server turns them into BOOKMARKs for clients that asked for ``allowWatchBookmarks``.
The API server's own timer bookmark is set to an hour here, so every bookmark seen comes from etcd.

Compaction: ``compact_on_schedule`` is kube-apiserver's handshake on ``compact_rev_key``; of the servers whose timers
fire in one interval exactly one compacts.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import kubernetes
import pytest

from kubelite.apiserver.storage import CompactedError, EventType
from kubelite.apiserver.storage.etcd import COMPACT_KEY, EtcdStorage
from tests.integration.etcd import EtcdCluster, etcd_cluster
from tests.integration.server import RunningServer, threaded_server
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def etcd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EtcdCluster]:
    with etcd_cluster(tmp_path_factory.mktemp("etcd"), progress_notify_interval="200ms") as cluster:
        yield cluster


def compactions(cluster: EtcdCluster) -> tuple[int, int]:
    """(version, value) of ``compact_rev_key``: how many scheduled compactions ran, and the last one's revision."""
    body = json.dumps({"key": base64.b64encode(COMPACT_KEY).decode()}).encode()
    request = urllib.request.Request(f"{cluster.servers[0]}/v3/kv/range", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        kvs = json.loads(response.read()).get("kvs")
    if not kvs:
        return 0, 0
    return int(kvs[0]["version"]), int(base64.b64decode(kvs[0]["value"]))


async def test_a_quiet_watch_yields_progress_only_when_asked(etcd: EtcdCluster) -> None:
    storage = await EtcdStorage.open(etcd.options("/progress/registry"))
    try:
        start = await storage.current_revision()
        with_progress = storage.watch("/registry/quiet/", after_revision=start, progress=True)
        without = storage.watch("/registry/quiet/", after_revision=start)
        for i in range(3):
            busy = await storage.create(f"/registry/busy/{i}", b"x")
        # Nothing under /quiet/ changed, yet the watch learns that it is current up to the busy writes.
        async with asyncio.timeout(10):
            while True:
                event = await anext(with_progress)
                assert event.type is EventType.PROGRESS and event.key == ""
                if event.revision >= busy.mod_revision:
                    break
        write = await storage.create("/registry/quiet/a", b"1")
        async with asyncio.timeout(10):
            while (event := await anext(with_progress)).type is EventType.PROGRESS:
                assert event.revision < write.mod_revision  # progress never runs ahead of an undelivered event
        assert (event.type, event.key, event.revision) == (EventType.PUT, "/registry/quiet/a", write.mod_revision)
        # The watch that did not ask sees the write first, no progress before it.
        async with asyncio.timeout(10):
            event = await anext(without)
        assert (event.type, event.key) == (EventType.PUT, "/registry/quiet/a")
        await with_progress.aclose()
        await without.aclose()
    finally:
        await storage.close()


def test_a_kubernetes_client_watch_advances_on_bookmarks_from_etcd(etcd: EtcdCluster, tmp_path: Path) -> None:
    with (
        threaded_server(
            tmp_path, storage_backend="etcd3", etcd=etcd.options("/bookmarks/registry"), bookmark_interval=3600.0
        ) as kubelite,
        api(kubelite) as client,
    ):
        core = kubernetes.client.CoreV1Api(client)
        # The label selector keeps out anything the server itself might write to the namespace.
        selector = "app=quiet"
        start = core.list_namespaced_config_map("default", label_selector=selector).metadata.resource_version
        for i in range(3):
            busy = core.create_namespace({"metadata": {"name": f"busy-{i}"}})
        busy_revision = int(busy.metadata.resource_version)

        watch = kubernetes.watch.Watch()
        seen = []
        for event in watch.stream(
            core.list_namespaced_config_map,
            "default",
            label_selector=selector,
            resource_version=start,
            allow_watch_bookmarks=True,
            timeout_seconds=15,
        ):
            seen.append(event["type"])
            if int(watch.resource_version) >= busy_revision:
                watch.stop()
        assert seen and set(seen) == {"BOOKMARK"}, seen
        assert int(watch.resource_version) >= busy_revision

        # A client that did not ask for bookmarks gets none (several progress intervals pass).
        plain = list(
            kubernetes.watch.Watch().stream(
                core.list_namespaced_config_map,
                "default",
                label_selector=selector,
                resource_version=start,
                timeout_seconds=1,
            )
        )
        assert plain == []


class api:
    """The official client's ApiClient for ``server``, closed after the block."""

    def __init__(self, server: RunningServer) -> None:
        config = kubernetes.client.Configuration()
        kubernetes.config.load_kube_config(config_file=str(server.kubeconfig), client_configuration=config)
        self.client = kubernetes.client.ApiClient(config)

    def __enter__(self) -> kubernetes.client.ApiClient:
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()


async def test_of_two_servers_one_compacts_per_interval(tmp_path: Path) -> None:
    with etcd_cluster(tmp_path) as cluster:
        a = await EtcdStorage.open(cluster.options("/a/registry"))
        b = await EtcdStorage.open(cluster.options("/b/registry"))
        try:
            first = await a.create("/registry/k", b"1")
            await b.create("/registry/k", b"1")
            revision = await a.current_revision()
            # One interval: both timers fire with the revision each saw one interval ago; exactly one compacts.
            assert sorted(await asyncio.gather(a.compact_on_schedule(revision), b.compact_on_schedule(revision))) == [
                False,
                True,
            ]
            assert compactions(cluster) == (1, revision)
            # The loser learnt the compaction from the key, without a refused read.
            assert await a.compacted_revision() == await b.compacted_revision() == revision
            for storage in (a, b):
                with pytest.raises(CompactedError):
                    await storage.get("/registry/k", revision=first.mod_revision - 1)

            # The next interval: again one of them (both know the count now).
            revision = await a.current_revision()
            assert sorted(await asyncio.gather(b.compact_on_schedule(revision), a.compact_on_schedule(revision))) == [
                False,
                True,
            ]
            assert compactions(cluster) == (2, revision)

            # A server that does not know the latest count loses once, learns it, and wins the interval after.
            revision = await a.current_revision()
            stale = await EtcdStorage.open(cluster.options("/c/registry"))
            try:
                assert not await stale.compact_on_schedule(revision)
                assert await stale.compact_on_schedule(revision)
            finally:
                await stale.close()
            assert compactions(cluster) == (3, revision)
        finally:
            await a.close()
            await b.close()


def test_two_api_servers_compact_once_per_interval_between_them(tmp_path: Path) -> None:
    interval = 0.3
    with etcd_cluster(tmp_path / "etcd") as cluster:
        options = cluster.options()
        began = time.monotonic()
        with (
            threaded_server(tmp_path / "a", storage_backend="etcd3", etcd=options, compaction_interval=interval),
            threaded_server(tmp_path / "b", storage_backend="etcd3", etcd=options, compaction_interval=interval),
        ):
            wait_for(lambda: compactions(cluster)[0] >= 4, "four scheduled compactions", timeout=30)
            count, revision = compactions(cluster)
            elapsed = time.monotonic() - began
        # Two servers compacting on their own would run about two per interval; coordinated, at most one.
        assert count <= elapsed / interval + 1, (count, elapsed)
        assert revision > 1
