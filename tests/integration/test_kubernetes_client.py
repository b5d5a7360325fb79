"""The official ``kubernetes`` client against kubelite: CRUD on built-ins and custom objects, watches that resume
and expire, paginated lists over one snapshot, selectors, and the Status bodies of failures.

Each test gets its own ApiClient and namespace on the module's server; the tests that compact history get a server
of their own.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import kubernetes
import pytest
from kubernetes.client import ApiException

from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

GROUP, VERSION, PLURAL = "client.example.com", "v1", "gizmos"
GIZMO_CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": f"{PLURAL}.{GROUP}"},
    "spec": {
        "group": GROUP,
        "scope": "Namespaced",
        "names": {"kind": "Gizmo", "plural": PLURAL, "singular": "gizmo", "listKind": "GizmoList"},
        "versions": [
            {
                "name": VERSION,
                "served": True,
                "storage": True,
                "subresources": {
                    "status": {},
                    "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"},
                },
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "properties": {
                                    "size": {"type": "integer"},
                                    "color": {"type": "string"},
                                    "replicas": {"type": "integer"},
                                },
                            },
                            "status": {
                                "type": "object",
                                "properties": {"phase": {"type": "string"}, "replicas": {"type": "integer"}},
                            },
                        },
                    }
                },
            }
        ],
    },
}


def status_of(exc: ApiException) -> dict[str, Any]:
    """The ``kind: Status`` body of a failed request."""
    body = json.loads(exc.body)
    assert body["kind"] == "Status", body
    assert body["apiVersion"] == "v1", body
    assert body["status"] == "Failure", body
    assert body["code"] == exc.status, body
    return body  # type: ignore[no-any-return]


def configmap(name: str, data: dict[str, str] | None = None, labels: dict[str, str] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if labels:
        metadata["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data or {}}


def api_client(server: RunningServer) -> kubernetes.client.ApiClient:
    config = kubernetes.client.Configuration()
    kubernetes.config.load_kube_config(config_file=str(server.kubeconfig), client_configuration=config)
    return kubernetes.client.ApiClient(config)


def compact(server: RunningServer) -> int:
    """Forget all history up to now, on the server's own loop, as its periodic compaction would."""
    assert server.server is not None and server.loop is not None
    storage = server.server.storage
    revision = asyncio.run_coroutine_threadsafe(storage.current_revision(), server.loop).result(10)
    asyncio.run_coroutine_threadsafe(storage.compact(revision), server.loop).result(10)
    return revision


@pytest.fixture
def api(kubelite: RunningServer) -> Iterator[kubernetes.client.ApiClient]:
    with api_client(kubelite) as client:
        yield client


@pytest.fixture
def core(api: kubernetes.client.ApiClient) -> kubernetes.client.CoreV1Api:
    return kubernetes.client.CoreV1Api(api)


@pytest.fixture
def apps(api: kubernetes.client.ApiClient) -> kubernetes.client.AppsV1Api:
    return kubernetes.client.AppsV1Api(api)


@pytest.fixture
def custom(api: kubernetes.client.ApiClient, gizmo_crd: None) -> kubernetes.client.CustomObjectsApi:
    return kubernetes.client.CustomObjectsApi(api)


@pytest.fixture
def namespace(core: kubernetes.client.CoreV1Api) -> str:
    name = f"client-{uuid.uuid4().hex[:8]}"
    core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    return name


@pytest.fixture(scope="module")
def gizmo_crd(kubelite: RunningServer) -> None:
    with api_client(kubelite) as client:
        kubernetes.client.ApiextensionsV1Api(client).create_custom_resource_definition(GIZMO_CRD)
        custom = kubernetes.client.CustomObjectsApi(client)

        def served() -> bool:
            try:
                custom.list_cluster_custom_object(GROUP, VERSION, PLURAL)
            except ApiException as exc:
                if exc.status == 404:
                    return False
                raise
            return True

        wait_for(served, "the Gizmo CRD to be served")


# --- built-ins ---------------------------------------------------------------------------------------------------


def test_configmap_crud(core: kubernetes.client.CoreV1Api, namespace: str) -> None:
    created = core.create_namespaced_config_map(namespace, configmap("settings", {"a": "1"}, {"app": "demo"}))
    assert isinstance(created, kubernetes.client.V1ConfigMap)
    assert created.metadata.namespace == namespace
    assert created.metadata.uid
    assert created.metadata.creation_timestamp is not None
    assert created.data == {"a": "1"}

    read = core.read_namespaced_config_map("settings", namespace)
    assert read.metadata.resource_version == created.metadata.resource_version
    listed = core.list_namespaced_config_map(namespace, label_selector="app=demo")
    assert [cm.metadata.name for cm in listed.items] == ["settings"]
    assert int(listed.metadata.resource_version) >= int(created.metadata.resource_version)

    read.data["b"] = "2"
    replaced = core.replace_namespaced_config_map("settings", namespace, read)
    assert replaced.data == {"a": "1", "b": "2"}
    assert int(replaced.metadata.resource_version) > int(read.metadata.resource_version)
    assert replaced.metadata.uid == created.metadata.uid

    # A dict body is sent as a strategic merge patch for built-ins; None deletes a key.
    patched = core.patch_namespaced_config_map("settings", namespace, {"data": {"a": None, "c": "3"}})
    assert patched.data == {"b": "2", "c": "3"}
    # A list body is a JSON patch.
    patched = core.patch_namespaced_config_map(
        "settings", namespace, [{"op": "replace", "path": "/data/b", "value": "20"}]
    )
    assert patched.data == {"b": "20", "c": "3"}

    # Deleting a built-in answers with a Status naming what went (the client 37 returns it as a dict).
    deleted = core.delete_namespaced_config_map("settings", namespace)
    assert deleted["kind"] == "Status"
    assert deleted["status"] == "Success"
    assert deleted["details"] == {"name": "settings", "kind": "configmaps", "uid": created.metadata.uid}
    with pytest.raises(ApiException) as caught:
        core.read_namespaced_config_map("settings", namespace)
    assert caught.value.status == 404


def test_create_from_models_without_kind(core: kubernetes.client.CoreV1Api, namespace: str) -> None:
    """The client's models leave ``apiVersion`` and ``kind`` out unless the caller sets them (as do kopf's Events and
    most hand-written bodies); kube-apiserver fills them in from the URL for built-in kinds."""
    created = core.create_namespaced_config_map(
        namespace,
        kubernetes.client.V1ConfigMap(metadata=kubernetes.client.V1ObjectMeta(name="bare"), data={"k": "v"}),
    )
    assert created.metadata.name == "bare"
    assert created.data == {"k": "v"}
    event = core.create_namespaced_event(
        namespace,
        kubernetes.client.CoreV1Event(
            metadata=kubernetes.client.V1ObjectMeta(generate_name="bare-"),
            involved_object=kubernetes.client.V1ObjectReference(kind="ConfigMap", name="bare", namespace=namespace),
            reason="Tested",
            message="created without kind",
            type="Normal",
        ),
    )
    assert event.metadata.name.startswith("bare-")
    replaced = core.replace_namespaced_config_map(
        "bare",
        namespace,
        kubernetes.client.V1ConfigMap(
            metadata=kubernetes.client.V1ObjectMeta(name="bare", resource_version=created.metadata.resource_version),
            data={"k": "w"},
        ),
    )
    assert replaced.data == {"k": "w"}


def test_secret_crud(core: kubernetes.client.CoreV1Api, namespace: str) -> None:
    body = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "creds"},
        "stringData": {"password": "s3cr3t"},
        "data": {"user": base64.b64encode(b"admin").decode()},
    }
    created = core.create_namespaced_secret(namespace, body)
    # stringData is merged into data (base64) and never stored or returned; the type defaults to Opaque.
    assert created.type == "Opaque"
    assert created.string_data is None
    assert {k: base64.b64decode(v) for k, v in created.data.items()} == {"password": b"s3cr3t", "user": b"admin"}

    patched = core.patch_namespaced_secret("creds", namespace, {"stringData": {"password": "rotated"}})
    assert base64.b64decode(patched.data["password"]) == b"rotated"
    assert base64.b64decode(patched.data["user"]) == b"admin"

    by_type = core.list_namespaced_secret(namespace, field_selector="type=Opaque")
    assert [s.metadata.name for s in by_type.items] == ["creds"]
    assert core.list_namespaced_secret(namespace, field_selector="type=kubernetes.io/tls").items == []

    # Immutable secrets refuse changes to data.
    core.patch_namespaced_secret("creds", namespace, {"immutable": True})
    with pytest.raises(ApiException) as caught:
        core.patch_namespaced_secret("creds", namespace, {"stringData": {"password": "again"}})
    assert caught.value.status == 422
    assert status_of(caught.value)["reason"] == "Invalid"

    core.delete_namespaced_secret("creds", namespace)
    assert core.list_namespaced_secret(namespace).items == []


def deployment(name: str, replicas: int = 1, image: str = "nginx:1.25") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {"name": "app", "image": image},
                        {"name": "sidecar", "image": "busybox:1.36"},
                    ]
                },
            },
        },
    }


def test_deployment_replace_patch(apps: kubernetes.client.AppsV1Api, namespace: str) -> None:
    created = apps.create_namespaced_deployment(namespace, deployment("web"))
    assert created.metadata.generation == 1
    # Defaults as kube-apiserver sets them.
    assert created.spec.strategy.type == "RollingUpdate"
    assert created.spec.revision_history_limit == 10
    assert created.spec.template.spec.restart_policy == "Always"

    current = apps.read_namespaced_deployment("web", namespace)
    current.spec.replicas = 3
    replaced = apps.replace_namespaced_deployment("web", namespace, current)
    assert replaced.spec.replicas == 3
    assert replaced.metadata.generation == 2

    # Strategic merge: containers merge by name, so the sidecar stays.
    patched = apps.patch_namespaced_deployment(
        "web", namespace, {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}}}
    )
    assert [(c.name, c.image) for c in patched.spec.template.spec.containers] == [
        ("app", "nginx:1.27"),
        ("sidecar", "busybox:1.36"),
    ]
    assert patched.metadata.generation == 3

    # A label-only change does not move the generation; the scale subresource moves replicas.
    patched = apps.patch_namespaced_deployment("web", namespace, {"metadata": {"labels": {"tier": "frontend"}}})
    assert patched.metadata.generation == 3
    scale = apps.patch_namespaced_deployment_scale("web", namespace, {"spec": {"replicas": 5}})
    assert scale.spec.replicas == 5
    assert apps.read_namespaced_deployment("web", namespace).spec.replicas == 5

    # Status writes through /status leave spec and generation alone.
    status = apps.patch_namespaced_deployment_status(
        "web", namespace, {"status": {"observedGeneration": 4, "replicas": 5}, "spec": {"replicas": 1}}
    )
    assert status.status.replicas == 5
    assert status.spec.replicas == 5
    assert status.metadata.generation == 4


def dependent(core: kubernetes.client.CoreV1Api, namespace: str, owner: Any, name: str, **extra: Any) -> None:
    """A ConfigMap owned by ``owner`` (a Deployment), as its ReplicaSets would be."""
    reference = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": owner.metadata.name,
        "uid": owner.metadata.uid,
        "controller": True,
        "blockOwnerDeletion": True,
    }
    body = configmap(name)
    body["metadata"].update(ownerReferences=[reference], **extra)
    core.create_namespaced_config_map(namespace, body)


def _gone(read: Callable[[], object]) -> bool:
    try:
        read()
    except ApiException as exc:
        if exc.status == 404:
            return True
        raise
    return False


@pytest.mark.parametrize("policy", ["Foreground", "Background", "Orphan"])
def test_deployment_delete_propagation(
    apps: kubernetes.client.AppsV1Api, core: kubernetes.client.CoreV1Api, namespace: str, policy: str
) -> None:
    owner = apps.create_namespaced_deployment(namespace, deployment("web"))
    dependent(core, namespace, owner, "web-1")

    apps.delete_namespaced_deployment(
        "web", namespace, body=kubernetes.client.V1DeleteOptions(propagation_policy=policy)
    )
    wait_for(lambda: _gone(lambda: apps.read_namespaced_deployment("web", namespace)), "the deployment to go")
    if policy == "Orphan":
        orphan = core.read_namespaced_config_map("web-1", namespace)
        assert not orphan.metadata.owner_references
    else:
        wait_for(
            lambda: _gone(lambda: core.read_namespaced_config_map("web-1", namespace)),
            f"the garbage collector to delete the dependent ({policy})",
        )


def test_foreground_deletion_waits_for_dependents(
    apps: kubernetes.client.AppsV1Api, core: kubernetes.client.CoreV1Api, namespace: str
) -> None:
    owner = apps.create_namespaced_deployment(namespace, deployment("web"))
    # A finalizer holds the dependent, and so (blockOwnerDeletion) the owner.
    dependent(core, namespace, owner, "web-1", finalizers=["example.com/hold"])

    deleted = apps.delete_namespaced_deployment(
        "web", namespace, body=kubernetes.client.V1DeleteOptions(propagation_policy="Foreground")
    )
    # Not gone yet, so the answer is the object itself, marked and with the foregroundDeletion finalizer.
    assert deleted["kind"] == "Deployment"
    assert deleted["metadata"]["deletionTimestamp"]
    assert "foregroundDeletion" in deleted["metadata"]["finalizers"]
    wait_for(
        lambda: core.read_namespaced_config_map("web-1", namespace).metadata.deletion_timestamp,
        "the dependent to be marked for deletion",
    )
    held = apps.read_namespaced_deployment("web", namespace)
    assert held.metadata.deletion_timestamp is not None
    assert held.metadata.finalizers == ["foregroundDeletion"]

    core.patch_namespaced_config_map("web-1", namespace, {"metadata": {"finalizers": None}})
    wait_for(lambda: _gone(lambda: apps.read_namespaced_deployment("web", namespace)), "the owner to go")
    assert _gone(lambda: core.read_namespaced_config_map("web-1", namespace))


def test_workloads_as_typed_models(apps: kubernetes.client.AppsV1Api, namespace: str) -> None:
    """The client's typed models require the status fields that kube-apiserver always serialises (Go fields
    without ``omitempty``): ReplicaSet ``status.replicas``, StatefulSet ``status.replicas`` and
    ``availableReplicas``, DaemonSet's four counters. Strict field validation (kubectl's default) must not trip
    over the server's own defaults."""
    template = {
        "metadata": {"labels": {"app": "w"}},
        "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]},
    }
    selector = {"matchLabels": {"app": "w"}}
    replicaset = apps.create_namespaced_replica_set(
        namespace,
        {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {"name": "w"},
            "spec": {"selector": selector, "template": template},
        },
        field_validation="Strict",
    )
    assert replicaset.spec.replicas == 1
    assert replicaset.status.replicas == 0
    assert "revisionHistoryLimit" not in apps.api_client.sanitize_for_serialization(replicaset.spec)

    statefulset = apps.create_namespaced_stateful_set(
        namespace,
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "w"},
            "spec": {"serviceName": "w", "selector": selector, "template": template},
        },
        field_validation="Strict",
    )
    assert statefulset.status.replicas == 0
    assert statefulset.status.available_replicas == 0
    assert statefulset.spec.revision_history_limit == 10

    daemonset = apps.create_namespaced_daemon_set(
        namespace,
        {
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": {"name": "w"},
            "spec": {"selector": selector, "template": template},
        },
        field_validation="Strict",
    )
    assert (
        daemonset.status.current_number_scheduled,
        daemonset.status.number_misscheduled,
        daemonset.status.desired_number_scheduled,
        daemonset.status.number_ready,
    ) == (0, 0, 0, 0)
    assert daemonset.spec.revision_history_limit == 10

    assert [rs.metadata.name for rs in apps.list_namespaced_replica_set(namespace).items] == ["w"]
    assert [sts.metadata.name for sts in apps.list_namespaced_stateful_set(namespace).items] == ["w"]
    assert [ds.metadata.name for ds in apps.list_namespaced_daemon_set(namespace).items] == ["w"]


def test_namespace_lifecycle(core: kubernetes.client.CoreV1Api) -> None:
    name = f"client-ns-{uuid.uuid4().hex[:8]}"
    created = core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    assert created.status.phase == "Active"
    assert created.spec.finalizers == ["kubernetes"]
    assert created.metadata.labels["kubernetes.io/metadata.name"] == name
    core.create_namespaced_config_map(name, configmap("held", {"a": "b"}))
    core.patch_namespaced_config_map("held", name, {"metadata": {"finalizers": ["example.com/hold"]}})

    core.delete_namespace(name)
    terminating = core.read_namespace(name)
    assert terminating.status.phase == "Terminating"
    assert terminating.metadata.deletion_timestamp is not None
    # The namespace controller deletes the content, but the finalizer holds the ConfigMap and so the namespace.
    wait_for(
        lambda: core.read_namespaced_config_map("held", name).metadata.deletion_timestamp,
        "the namespace controller to delete the namespace's content",
    )

    def conditions() -> dict[str, tuple[str, str, str]]:
        found = core.read_namespace(name).status.conditions or []
        return {c.type: (c.status, c.reason, c.message) for c in found}

    held = wait_for(
        lambda: (found := conditions()).get("NamespaceContentRemaining") and found,
        "the namespace to report the content that remains",
    )

    core.patch_namespaced_config_map("held", name, {"metadata": {"finalizers": None}})
    wait_for(lambda: _gone(lambda: core.read_namespace(name)), "the namespace to go")
    assert name not in {ns.metadata.name for ns in core.list_namespace().items}

    # While it waited, the namespace said why, in the namespace controller's words (`kubectl describe ns`).
    assert held["NamespaceContentRemaining"] == (
        "True",
        "SomeResourcesRemain",
        "Some resources are remaining: configmaps. has 1 resource instances",
    )
    assert held.get("NamespaceFinalizersRemaining") == (
        "True",
        "SomeFinalizersRemain",
        "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
    )


def test_create_in_terminating_namespace_is_forbidden(core: kubernetes.client.CoreV1Api) -> None:
    name = f"client-ns-{uuid.uuid4().hex[:8]}"
    core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    core.create_namespaced_config_map(
        name, {**configmap("held"), "metadata": {"name": "held", "finalizers": ["example.com/hold"]}}
    )
    core.delete_namespace(name)
    try:
        with pytest.raises(ApiException) as caught:
            core.create_namespaced_config_map(name, configmap("late"))
        status = status_of(caught.value)
        assert caught.value.status == 403
        assert status["reason"] == "Forbidden"
        assert status["message"] == (
            f'configmaps "late" is forbidden: unable to create new content in namespace {name} '
            "because it is being terminated"
        )
        # client-go's IsNamespaceTerminating (used by controllers to drop such errors quietly) looks for this cause.
        assert status["details"] == {
            "name": "late",
            "kind": "configmaps",
            "causes": [
                {
                    "reason": "NamespaceTerminating",
                    "message": f"namespace {name} is being terminated",
                    "field": "metadata.namespace",
                }
            ],
        }
    finally:
        core.patch_namespaced_config_map("held", name, {"metadata": {"finalizers": None}})


# --- custom objects ----------------------------------------------------------------------------------------------


def gizmo(name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": f"{GROUP}/{VERSION}", "kind": "Gizmo", "metadata": {"name": name}, "spec": spec}


def test_custom_objects(custom: kubernetes.client.CustomObjectsApi, namespace: str) -> None:
    body = gizmo("one", size=1, color="red")
    body["status"] = {"phase": "Ignored"}
    created = custom.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, body)
    # With the status subresource, create drops status; generation starts at 1.
    assert "status" not in created
    assert created["metadata"]["generation"] == 1
    assert created["apiVersion"] == f"{GROUP}/{VERSION}"
    assert created["kind"] == "Gizmo"
    custom.create_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, {**gizmo("two", size=2), "metadata": {"name": "two", "labels": {"x": "y"}}}
    )

    got = custom.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "one")
    assert got["spec"] == {"size": 1, "color": "red"}
    listed = custom.list_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL)
    assert listed["kind"] == "GizmoList"
    assert [(i["kind"], i["metadata"]["name"]) for i in listed["items"]] == [("Gizmo", "one"), ("Gizmo", "two")]
    labelled = custom.list_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, label_selector="x=y")
    assert [i["metadata"]["name"] for i in labelled["items"]] == ["two"]
    everywhere = custom.list_cluster_custom_object(
        GROUP, VERSION, PLURAL, field_selector=f"metadata.namespace={namespace}"
    )
    assert len(everywhere["items"]) == 2

    # A merge patch of the main resource: spec moves (and the generation), status does not.
    patched = custom.patch_namespaced_custom_object(
        GROUP, VERSION, namespace, PLURAL, "one", {"spec": {"color": None, "size": 5}, "status": {"phase": "X"}}
    )
    assert patched["spec"] == {"size": 5}
    assert "status" not in patched
    assert patched["metadata"]["generation"] == 2

    # A merge patch of /status: status moves, spec and generation do not.
    status = custom.patch_namespaced_custom_object_status(
        GROUP, VERSION, namespace, PLURAL, "one", {"status": {"phase": "Ready"}, "spec": {"size": 100}}
    )
    assert status["status"] == {"phase": "Ready"}
    assert status["spec"] == {"size": 5}
    assert status["metadata"]["generation"] == 2
    assert int(status["metadata"]["resourceVersion"]) > int(patched["metadata"]["resourceVersion"])
    assert custom.get_namespaced_custom_object_status(GROUP, VERSION, namespace, PLURAL, "one")["status"] == {
        "phase": "Ready"
    }

    # The scale subresource reads and writes spec.replicas.
    custom.patch_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "one", {"spec": {"replicas": 2}})
    scale = custom.get_namespaced_custom_object_scale(GROUP, VERSION, namespace, PLURAL, "one")
    assert scale["kind"] == "Scale"
    assert scale["spec"] == {"replicas": 2}
    custom.patch_namespaced_custom_object_scale(GROUP, VERSION, namespace, PLURAL, "one", {"spec": {"replicas": 4}})
    assert custom.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "one")["spec"]["replicas"] == 4

    # Deleting a custom object answers with the object itself.
    deleted = custom.delete_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "one")
    assert deleted["metadata"]["name"] == "one"
    with pytest.raises(ApiException) as caught:
        custom.get_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, "one")
    assert caught.value.status == 404
    assert status_of(caught.value)["details"] == {"name": "one", "group": GROUP, "kind": PLURAL}


def test_custom_object_schema_errors(custom: kubernetes.client.CustomObjectsApi, namespace: str) -> None:
    with pytest.raises(ApiException) as caught:
        custom.create_namespaced_custom_object(GROUP, VERSION, namespace, PLURAL, gizmo("bad", size="big"))
    assert caught.value.status == 422
    status = status_of(caught.value)
    assert status["reason"] == "Invalid"
    assert status["details"]["name"] == "bad"
    assert status["details"]["group"] == GROUP
    assert status["details"]["kind"] == "Gizmo"
    assert [(c["reason"], c["field"]) for c in status["details"]["causes"]] == [("FieldValueTypeInvalid", "spec.size")]
    assert status["message"].startswith(f'Gizmo.{GROUP} "bad" is invalid: spec.size: Invalid value: "string"')

    # A custom object without a kind cannot be decoded (unlike a built-in, whose kind the URL gives).
    with pytest.raises(ApiException) as caught:
        custom.create_namespaced_custom_object(
            GROUP, VERSION, namespace, PLURAL, {"apiVersion": f"{GROUP}/{VERSION}", "metadata": {"name": "nokind"}}
        )
    assert caught.value.status == 400
    assert status_of(caught.value)["message"].startswith("Object 'Kind' is missing in ")


# --- watches -----------------------------------------------------------------------------------------------------


def test_watch_from_list_and_resume(core: kubernetes.client.CoreV1Api, namespace: str) -> None:
    core.create_namespaced_config_map(namespace, configmap("before"))
    listed = core.list_namespaced_config_map(namespace)
    assert [cm.metadata.name for cm in listed.items] == ["before"]

    # History since the list: replayed in order, and the 'before' object is not repeated.
    core.create_namespaced_config_map(namespace, configmap("w", {"v": "1"}))
    core.patch_namespaced_config_map("w", namespace, {"data": {"v": "2"}})

    watch = kubernetes.watch.Watch()
    seen: list[tuple[str, str, dict[str, str] | None]] = []
    for event in watch.stream(
        core.list_namespaced_config_map, namespace, resource_version=listed.metadata.resource_version, timeout_seconds=2
    ):
        obj = event["object"]
        assert isinstance(obj, kubernetes.client.V1ConfigMap)
        seen.append((event["type"], obj.metadata.name, obj.data))
        # Live events: each write is made while the stream is open, after the previous event arrived.
        if len(seen) == 2:
            core.delete_namespaced_config_map("w", namespace)
        elif len(seen) == 3:
            core.create_namespaced_config_map(namespace, configmap("x", {"v": "x"}))
    assert seen == [
        ("ADDED", "w", {"v": "1"}),
        ("MODIFIED", "w", {"v": "2"}),
        ("DELETED", "w", {"v": "2"}),
        ("ADDED", "x", {"v": "x"}),
    ]
    last = watch.resource_version
    assert last == core.read_namespaced_config_map("x", namespace).metadata.resource_version

    # The stream ended (timeout_seconds); a new one from the last event's resourceVersion sees only what came after.
    core.patch_namespaced_config_map("x", namespace, {"data": {"after": "yes"}})
    resumed = [
        (event["type"], event["object"].metadata.name, event["object"].data)
        for event in watch.stream(core.list_namespaced_config_map, namespace, resource_version=last, timeout_seconds=1)
    ]
    assert resumed == [("MODIFIED", "x", {"v": "x", "after": "yes"})]
    assert int(watch.resource_version) > int(last)


def test_watch_label_selector_transitions(core: kubernetes.client.CoreV1Api, namespace: str) -> None:
    """With a selector, an object that starts or stops matching is ADDED or DELETED, as kube-apiserver's watch
    cache reports it."""
    rv = core.list_namespaced_config_map(namespace).metadata.resource_version
    core.create_namespaced_config_map(namespace, configmap("a", labels={"team": "x"}))
    core.patch_namespaced_config_map("a", namespace, {"metadata": {"labels": {"team": "y"}}})
    core.patch_namespaced_config_map("a", namespace, {"metadata": {"labels": {"team": "x"}}})
    core.create_namespaced_config_map(namespace, configmap("b", labels={"team": "y"}))
    events = [
        (event["type"], event["object"].metadata.name, event["object"].metadata.labels["team"])
        for event in kubernetes.watch.Watch().stream(
            core.list_namespaced_config_map, namespace, resource_version=rv, label_selector="team=x", timeout_seconds=1
        )
    ]
    assert events == [("ADDED", "a", "x"), ("DELETED", "a", "y"), ("ADDED", "a", "x")]


def test_gone_after_compaction(fresh_kubelite: RunningServer) -> None:
    with api_client(fresh_kubelite) as client:
        core = kubernetes.client.CoreV1Api(client)
        for i in range(5):
            core.create_namespaced_config_map("default", configmap(f"cm-{i}"))
        first = core.list_namespaced_config_map("default", limit=2)
        old = first.metadata.resource_version
        token = first.metadata._continue
        assert token
        core.patch_namespaced_config_map("cm-0", "default", {"data": {"v": "2"}})
        compacted = compact(fresh_kubelite)

        # A watch from before the compaction ends with an ERROR event carrying 410 Expired; the client raises it.
        with pytest.raises(ApiException) as caught:
            list(
                kubernetes.watch.Watch().stream(
                    core.list_namespaced_config_map, "default", resource_version=old, timeout_seconds=5
                )
            )
        assert caught.value.status == 410
        assert caught.value.reason == f"Expired: too old resource version: {old} ({compacted})"

        # So does an exact list at that version ...
        with pytest.raises(ApiException) as caught:
            core.list_namespaced_config_map("default", resource_version=old, resource_version_match="Exact")
        assert caught.value.status == 410
        status = status_of(caught.value)
        assert status["reason"] == "Expired"
        assert status["message"] == f"too old resource version: {old} ({compacted})"

        # ... and the continuation of a paginated list that began before it.
        with pytest.raises(ApiException) as caught:
            core.list_namespaced_config_map("default", limit=2, _continue=token)
        assert caught.value.status == 410
        status = status_of(caught.value)
        assert status["reason"] == "Expired"
        assert status["message"].startswith(
            "The provided continue parameter is too old to display a consistent list result."
        )

        # What a client does about it: list again, and watch from the new list, which sees what came after it.
        relisted = core.list_namespaced_config_map("default")
        assert len(relisted.items) == 5
        assert int(relisted.metadata.resource_version) >= compacted
        core.delete_namespaced_config_map("cm-1", "default")
        events = [
            (event["type"], event["object"].metadata.name)
            for event in kubernetes.watch.Watch().stream(
                core.list_namespaced_config_map,
                "default",
                resource_version=relisted.metadata.resource_version,
                timeout_seconds=1,
            )
        ]
        assert events == [("DELETED", "cm-1")]


# --- lists -------------------------------------------------------------------------------------------------------


def test_pagination_is_a_consistent_snapshot(core: kubernetes.client.CoreV1Api, namespace: str) -> None:
    names = [f"cm-{i:02d}" for i in range(25)]
    for name in names:
        core.create_namespaced_config_map(namespace, configmap(name, {"v": "original"}))

    first = core.list_namespaced_config_map(namespace, limit=10)
    snapshot = first.metadata.resource_version
    assert [cm.metadata.name for cm in first.items] == names[:10]
    assert first.metadata.remaining_item_count == 15
    assert first.metadata._continue

    # Writes between the pages: none of them shows in the later pages, which read the first page's snapshot.
    core.delete_namespaced_config_map("cm-15", namespace)
    core.patch_namespaced_config_map("cm-12", namespace, {"data": {"v": "changed"}})
    core.create_namespaced_config_map(namespace, configmap("cm-99"))
    core.create_namespaced_config_map(namespace, configmap("cm-10a"))

    second = core.list_namespaced_config_map(namespace, limit=10, _continue=first.metadata._continue)
    assert second.metadata.resource_version == snapshot
    assert [cm.metadata.name for cm in second.items] == names[10:20]
    assert second.metadata.remaining_item_count == 5
    assert {cm.metadata.name: cm.data["v"] for cm in second.items}["cm-12"] == "original"

    core.delete_namespaced_config_map("cm-24", namespace)
    third = core.list_namespaced_config_map(namespace, limit=10, _continue=second.metadata._continue)
    assert third.metadata.resource_version == snapshot
    assert [cm.metadata.name for cm in third.items] == names[20:]
    assert third.metadata._continue is None
    assert third.metadata.remaining_item_count is None

    # A fresh list sees the writes.
    now = [cm.metadata.name for cm in core.list_namespaced_config_map(namespace).items]
    assert now == sorted({*names, "cm-99", "cm-10a"} - {"cm-15", "cm-24"})


def test_pagination_with_selector(core: kubernetes.client.CoreV1Api, namespace: str) -> None:
    for i in range(12):
        core.create_namespaced_config_map(
            namespace, configmap(f"cm-{i:02d}", labels={"parity": "odd" if i % 2 else "even"})
        )
    pages, token = [], None
    while True:
        page = core.list_namespaced_config_map(namespace, label_selector="parity=even", limit=4, _continue=token)
        pages.append([cm.metadata.name for cm in page.items])
        # With a selector the server cannot know how many match further on, so it does not say.
        assert page.metadata.remaining_item_count is None
        token = page.metadata._continue
        if not token:
            break
    assert [name for page in pages for name in page] == [f"cm-{i:02d}" for i in range(0, 12, 2)]
    assert all(len(page) <= 4 for page in pages)
    assert len(pages[0]) == 4


def test_label_and_field_selectors(core: kubernetes.client.CoreV1Api, namespace: str) -> None:
    core.create_namespaced_config_map(namespace, configmap("web-front", labels={"app": "web", "tier": "frontend"}))
    core.create_namespaced_config_map(namespace, configmap("web-back", labels={"app": "web", "tier": "backend"}))
    core.create_namespaced_config_map(namespace, configmap("db", labels={"app": "db"}))
    core.create_namespaced_config_map(namespace, configmap("plain"))

    def names(**selectors: str) -> list[str]:
        return sorted(cm.metadata.name for cm in core.list_namespaced_config_map(namespace, **selectors).items)

    assert names(label_selector="app=web") == ["web-back", "web-front"]
    assert names(label_selector="app in (web, db)") == ["db", "web-back", "web-front"]
    assert names(label_selector="app!=web") == ["db", "plain"]
    assert names(label_selector="!app") == ["plain"]
    assert names(label_selector="app,tier notin (frontend)") == ["db", "web-back"]
    assert names(label_selector="app=web,tier=backend") == ["web-back"]
    assert names(field_selector="metadata.name=db") == ["db"]
    assert names(field_selector="metadata.name!=db") == ["plain", "web-back", "web-front"]
    assert names(field_selector=f"metadata.namespace={namespace},metadata.name!=plain", label_selector="app") == [
        "db",
        "web-back",
        "web-front",
    ]
    everywhere = core.list_config_map_for_all_namespaces(field_selector=f"metadata.namespace={namespace}")
    assert len(everywhere.items) == 4

    with pytest.raises(ApiException) as caught:
        core.list_namespaced_config_map(namespace, field_selector="data.key=x")
    assert caught.value.status == 400
    assert status_of(caught.value)["reason"] == "BadRequest"
    assert "field label not supported: data.key" in status_of(caught.value)["message"]
    with pytest.raises(ApiException) as caught:
        core.list_namespaced_config_map(namespace, label_selector="app in web")
    assert caught.value.status == 400


# --- errors ------------------------------------------------------------------------------------------------------


def test_not_found(core: kubernetes.client.CoreV1Api, apps: kubernetes.client.AppsV1Api, namespace: str) -> None:
    with pytest.raises(ApiException) as caught:
        core.read_namespaced_config_map("missing", namespace)
    assert caught.value.status == 404
    status = status_of(caught.value)
    assert status["reason"] == "NotFound"
    assert status["message"] == 'configmaps "missing" not found'
    assert status["details"] == {"name": "missing", "kind": "configmaps"}

    with pytest.raises(ApiException) as caught:
        apps.delete_namespaced_deployment("missing", namespace)
    status = status_of(caught.value)
    assert status["message"] == 'deployments.apps "missing" not found'
    assert status["details"] == {"name": "missing", "group": "apps", "kind": "deployments"}

    # Creating in a namespace that does not exist: the namespace is what is not found.
    with pytest.raises(ApiException) as caught:
        core.create_namespaced_config_map(f"{namespace}-nope", configmap("x"))
    assert caught.value.status == 404
    assert status_of(caught.value)["details"] == {"name": f"{namespace}-nope", "kind": "namespaces"}


def test_conflicts(core: kubernetes.client.CoreV1Api, namespace: str) -> None:
    created = core.create_namespaced_config_map(namespace, configmap("taken"))
    with pytest.raises(ApiException) as caught:
        core.create_namespaced_config_map(namespace, configmap("taken"))
    assert caught.value.status == 409
    status = status_of(caught.value)
    assert status["reason"] == "AlreadyExists"
    assert status["message"] == 'configmaps "taken" already exists'
    assert status["details"] == {"name": "taken", "kind": "configmaps"}

    # A write with a stale resourceVersion loses: 409 Conflict.
    core.patch_namespaced_config_map("taken", namespace, {"data": {"a": "b"}})
    created.data = {"stale": "write"}
    with pytest.raises(ApiException) as caught:
        core.replace_namespaced_config_map("taken", namespace, created)
    assert caught.value.status == 409
    status = status_of(caught.value)
    assert status["reason"] == "Conflict"
    assert status["message"] == (
        'Operation cannot be fulfilled on configmaps "taken": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    assert status["details"] == {"name": "taken", "kind": "configmaps"}
    assert core.read_namespaced_config_map("taken", namespace).data == {"a": "b"}


def test_invalid(core: kubernetes.client.CoreV1Api, apps: kubernetes.client.AppsV1Api, namespace: str) -> None:
    with pytest.raises(ApiException) as caught:
        core.create_namespaced_config_map(namespace, configmap("Bad_Name", {"bad key!": "x"}))
    assert caught.value.status == 422
    status = status_of(caught.value)
    assert status["reason"] == "Invalid"
    assert status["message"].startswith('ConfigMap "Bad_Name" is invalid: [metadata.name: Invalid value: "Bad_Name": ')
    assert status["details"]["name"] == "Bad_Name"
    assert status["details"]["kind"] == "ConfigMap"
    causes = status["details"]["causes"]
    assert [(c["reason"], c["field"]) for c in causes] == [
        ("FieldValueInvalid", "metadata.name"),
        ("FieldValueInvalid", "data[bad key!]"),
    ]
    assert causes[0]["message"].startswith('Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain')

    # Every problem is reported, each with its field path.
    broken = deployment("broken")
    broken["spec"]["replicas"] = -1
    broken["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    del broken["spec"]["template"]["spec"]["containers"][0]["image"]
    with pytest.raises(ApiException) as caught:
        apps.create_namespaced_deployment(namespace, broken)
    assert caught.value.status == 422
    status = status_of(caught.value)
    assert status["details"]["group"] == "apps"
    assert status["details"]["kind"] == "Deployment"
    assert sorted((c["reason"], c["field"]) for c in status["details"]["causes"]) == [
        ("FieldValueInvalid", "spec.replicas"),
        ("FieldValueInvalid", "spec.template.metadata.labels"),
        ("FieldValueRequired", "spec.template.spec.containers[0].image"),
    ]
    assert status["message"].startswith('Deployment.apps "broken" is invalid: [')

    # An immutable field cannot change on update.
    core.create_namespaced_config_map(namespace, {**configmap("frozen", {"a": "b"}), "immutable": True})
    with pytest.raises(ApiException) as caught:
        core.patch_namespaced_config_map("frozen", namespace, {"data": {"a": "c"}})
    assert caught.value.status == 422
    assert [c["reason"] for c in status_of(caught.value)["details"]["causes"]] == ["FieldValueForbidden"]
