"""Smoke tests for the other Python clients an operator might use against kubelite, all configured from the admin
kubeconfig: ``kubernetes_asyncio`` and ``lightkube`` (its sync and async clients)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import kubernetes_asyncio
import lightkube
import pytest
from lightkube.models.meta_v1 import ObjectMeta
from lightkube.resources.core_v1 import ConfigMap, Namespace

from tests.integration.server import RunningServer

pytestmark = pytest.mark.integration


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# --- kubernetes_asyncio ------------------------------------------------------------------------------------------


@pytest.fixture
async def asyncio_api(kubelite: RunningServer) -> AsyncIterator[kubernetes_asyncio.client.ApiClient]:
    config = kubernetes_asyncio.client.Configuration()
    await kubernetes_asyncio.config.load_kube_config(config_file=str(kubelite.kubeconfig), client_configuration=config)
    async with kubernetes_asyncio.client.ApiClient(config) as api:
        yield api


async def test_kubernetes_asyncio(asyncio_api: kubernetes_asyncio.client.ApiClient) -> None:
    core = kubernetes_asyncio.client.CoreV1Api(asyncio_api)
    namespace = _name("kasync")
    await core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})

    created = await core.create_namespaced_config_map(
        namespace, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "one"}, "data": {"a": "1"}}
    )
    assert created.metadata.namespace == namespace
    got = await core.read_namespaced_config_map("one", namespace)
    assert got.data == {"a": "1"}
    assert got.metadata.uid == created.metadata.uid
    listed = await core.list_namespaced_config_map(namespace)
    assert [cm.metadata.name for cm in listed.items] == ["one"]

    # kubernetes_asyncio sends a dict as a strategic merge patch for built-ins.
    patched = await core.patch_namespaced_config_map("one", namespace, {"data": {"b": "2"}})
    assert patched.data == {"a": "1", "b": "2"}
    await core.delete_namespaced_config_map("one", namespace)

    # The watch replays what happened since the list, in order, and ends with the server-side timeout.
    events = []
    async with kubernetes_asyncio.watch.Watch() as watch:
        async for event in watch.stream(
            core.list_namespaced_config_map,
            namespace,
            resource_version=listed.metadata.resource_version,
            timeout_seconds=1,
        ):
            events.append((event["type"], event["object"].metadata.name, event["object"].data))
    assert events == [
        ("MODIFIED", "one", {"a": "1", "b": "2"}),
        ("DELETED", "one", {"a": "1", "b": "2"}),
    ]

    with pytest.raises(kubernetes_asyncio.client.ApiException) as caught:
        await core.read_namespaced_config_map("one", namespace)
    assert caught.value.status == 404
    await core.delete_namespace(namespace)


# --- lightkube ---------------------------------------------------------------------------------------------------


@pytest.fixture
def lightkube_config(kubelite: RunningServer) -> lightkube.KubeConfig:
    return lightkube.KubeConfig.from_file(kubelite.kubeconfig)


@pytest.fixture
def lightkube_client(lightkube_config: lightkube.KubeConfig) -> Iterator[lightkube.Client]:
    client = lightkube.Client(config=lightkube_config)
    yield client
    client.close()


def test_lightkube_sync(lightkube_client: lightkube.Client) -> None:
    client = lightkube_client
    namespace = _name("lk")
    client.create(Namespace(metadata=ObjectMeta(name=namespace)))
    start = client.list(ConfigMap, namespace=namespace)
    assert list(start) == []
    resource_version = start.resourceVersion

    created = client.create(
        ConfigMap(metadata=ObjectMeta(name="one", labels={"app": "lk"}), data={"a": "1"}), namespace=namespace
    )
    assert created.metadata.uid
    assert client.get(ConfigMap, "one", namespace=namespace).data == {"a": "1"}
    assert [cm.metadata.name for cm in client.list(ConfigMap, namespace=namespace, labels={"app": "lk"})] == ["one"]

    # Strategic merge (lightkube's default), merge and JSON patches.
    patched = client.patch(ConfigMap, "one", {"data": {"b": "2"}}, namespace=namespace)
    assert patched.data == {"a": "1", "b": "2"}
    patched = client.patch(
        ConfigMap, "one", {"data": {"a": None}}, namespace=namespace, patch_type=lightkube.types.PatchType.MERGE
    )
    assert patched.data == {"b": "2"}
    patched = client.patch(
        ConfigMap,
        "one",
        [{"op": "add", "path": "/data/c", "value": "3"}],
        namespace=namespace,
        patch_type=lightkube.types.PatchType.JSON,
    )
    assert patched.data == {"b": "2", "c": "3"}

    client.delete(ConfigMap, "one", namespace=namespace)
    with pytest.raises(lightkube.ApiError) as caught:
        client.get(ConfigMap, "one", namespace=namespace)
    assert caught.value.status.code == 404
    assert caught.value.status.reason == "NotFound"

    # lightkube's watch reconnects forever: take the events that happened since the list, then stop.
    seen = []
    for kind, obj in client.watch(ConfigMap, namespace=namespace, resource_version=resource_version):
        seen.append((kind, obj.metadata.name, obj.data))
        if kind == "DELETED":
            break
    assert seen == [
        ("ADDED", "one", {"a": "1"}),
        ("MODIFIED", "one", {"a": "1", "b": "2"}),
        ("MODIFIED", "one", {"b": "2"}),
        ("MODIFIED", "one", {"b": "2", "c": "3"}),
        ("DELETED", "one", {"b": "2", "c": "3"}),
    ]
    client.delete(Namespace, namespace)


async def test_lightkube_async(lightkube_config: lightkube.KubeConfig) -> None:
    client = lightkube.AsyncClient(config=lightkube_config)
    try:
        namespace = _name("lka")
        await client.create(Namespace(metadata=ObjectMeta(name=namespace)))
        await client.create(ConfigMap(metadata=ObjectMeta(name="one"), data={"a": "1"}), namespace=namespace)
        assert (await client.get(ConfigMap, "one", namespace=namespace)).data == {"a": "1"}
        names = [cm.metadata.name async for cm in client.list(ConfigMap, namespace=namespace)]
        assert names == ["one"]

        patched = await client.patch(ConfigMap, "one", {"data": {"b": "2"}}, namespace=namespace)
        assert patched.data == {"a": "1", "b": "2"}

        # The watch replays the create since the patch; the delete is made while the watch is open.
        await client.create(ConfigMap(metadata=ObjectMeta(name="two")), namespace=namespace)
        seen = []
        watch = client.watch(ConfigMap, namespace=namespace, resource_version=patched.metadata.resourceVersion)
        async for kind, obj in watch:
            seen.append((kind, obj.metadata.name))
            if kind == "ADDED":
                await client.delete(ConfigMap, "one", namespace=namespace)
            if kind == "DELETED":
                break
        await watch.aclose()  # type: ignore[attr-defined]
        assert seen == [("ADDED", "two"), ("DELETED", "one")]

        with pytest.raises(lightkube.ApiError) as caught:
            await client.create(ConfigMap(metadata=ObjectMeta(name="two")), namespace=namespace)
        assert caught.value.status.code == 409
        assert caught.value.status.reason == "AlreadyExists"
        await client.delete(Namespace, namespace)
    finally:
        await client.close()
