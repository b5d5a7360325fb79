"""Strategic merge patch on the real built-in schemas: merge keys, directives, ordering, and a kubectl apply."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kubelite.apiserver.openapi.builtin import builtin_schemas, gvk_index
from kubelite.apiserver.patch.errors import InvalidPatch, PatchError, PatchNotApplicable
from kubelite.apiserver.patch.schema import SchemaNode
from kubelite.apiserver.patch.strategic import apply_strategic_merge_patch

pytestmark = pytest.mark.unit


def kind(group: str, version: str, name: str) -> SchemaNode:
    return SchemaNode.of(builtin_schemas(), gvk_index()[group, version, name])


def pod_spec(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}


def containers(*names: str) -> list[dict[str, Any]]:
    return [{"name": name, "image": f"{name}:1"} for name in names]


def names(pod: dict[str, Any]) -> list[str]:
    return [container["name"] for container in pod["spec"]["containers"]]


POD = kind("", "v1", "Pod")

# (live object, patch, expected object), all Pods.
MERGES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    "maps-merge-and-null-deletes-a-key": (
        {"metadata": {"labels": {"app": "web", "tier": "front"}}},
        {"metadata": {"labels": {"tier": None, "track": "stable"}}},
        {"metadata": {"labels": {"app": "web", "track": "stable"}}},
    ),
    "null-for-an-absent-key-changes-nothing": ({"metadata": {}}, {"metadata": {"labels": None}}, {"metadata": {}}),
    "containers-merge-by-name": (
        pod_spec(containers=[{"name": "app", "image": "app:1", "args": ["-v"]}, {"name": "log", "image": "log:1"}]),
        {"spec": {"containers": [{"name": "app", "image": "app:2"}]}},
        pod_spec(containers=[{"name": "app", "image": "app:2", "args": ["-v"]}, {"name": "log", "image": "log:1"}]),
    ),
    "env-merges-by-name": (
        pod_spec(containers=[{"name": "app", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}]),
        {"spec": {"containers": [{"name": "app", "env": [{"name": "B", "value": "3"}]}]}},
        pod_spec(containers=[{"name": "app", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "3"}]}]),
    ),
    "ports-merge-by-container-port": (
        pod_spec(
            containers=[{"name": "app", "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 9090}]}]
        ),
        {"spec": {"containers": [{"name": "app", "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}},
        pod_spec(
            containers=[
                {
                    "name": "app",
                    "ports": [{"containerPort": 80, "name": "http", "protocol": "TCP"}, {"containerPort": 9090}],
                }
            ]
        ),
    ),
    "volumes-merge-by-name": (
        pod_spec(volumes=[{"name": "data", "emptyDir": {}}, {"name": "cfg", "configMap": {"name": "a"}}]),
        {"spec": {"volumes": [{"name": "cfg", "configMap": {"name": "b"}}]}},
        pod_spec(volumes=[{"name": "data", "emptyDir": {}}, {"name": "cfg", "configMap": {"name": "b"}}]),
    ),
    "a-volume-switches-its-source-with-retain-keys": (
        pod_spec(volumes=[{"name": "data", "emptyDir": {"medium": "Memory"}}]),
        {"spec": {"volumes": [{"name": "data", "$retainKeys": ["hostPath", "name"], "hostPath": {"path": "/d"}}]}},
        pod_spec(volumes=[{"name": "data", "hostPath": {"path": "/d"}}]),
    ),
    "tolerations-are-replaced": (
        pod_spec(tolerations=[{"key": "a", "operator": "Exists"}, {"key": "b", "operator": "Exists"}]),
        {"spec": {"tolerations": [{"key": "c", "operator": "Exists"}]}},
        pod_spec(tolerations=[{"key": "c", "operator": "Exists"}]),
    ),
    "scalar-lists-without-a-strategy-are-replaced": (
        pod_spec(containers=[{"name": "app", "args": ["-a", "-b"]}]),
        {"spec": {"containers": [{"name": "app", "args": ["-c"]}]}},
        pod_spec(containers=[{"name": "app", "args": ["-c"]}]),
    ),
    "finalizers-become-the-union": (
        {"metadata": {"finalizers": ["a", "b"]}},
        {"metadata": {"finalizers": ["b", "c"]}},
        {"metadata": {"finalizers": ["a", "b", "c"]}},
    ),
    "delete-from-primitive-list": (
        {"metadata": {"finalizers": ["a", "b", "c"]}},
        {"metadata": {"$deleteFromPrimitiveList/finalizers": ["b", "x"]}},
        {"metadata": {"finalizers": ["a", "c"]}},
    ),
    "delete-from-an-absent-primitive-list-adds-nothing": (
        {"metadata": {}},
        {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}},
        {"metadata": {}},
    ),
    "owner-references-merge-by-uid": (
        {"metadata": {"ownerReferences": [{"uid": "1", "name": "a"}, {"uid": "2", "name": "b"}]}},
        {"metadata": {"ownerReferences": [{"uid": "2", "controller": True}]}},
        {"metadata": {"ownerReferences": [{"uid": "1", "name": "a"}, {"uid": "2", "name": "b", "controller": True}]}},
    ),
    "status-conditions-merge-by-type": (
        {"status": {"conditions": [{"type": "Ready", "status": "False"}, {"type": "PodScheduled", "status": "True"}]}},
        {"status": {"conditions": [{"type": "Ready", "status": "True"}]}},
        {"status": {"conditions": [{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}]}},
    ),
    "patch-replace-on-a-map": (
        pod_spec(nodeSelector={"zone": "a", "disk": "ssd"}),
        {"spec": {"nodeSelector": {"$patch": "replace", "zone": "b"}}},
        pod_spec(nodeSelector={"zone": "b"}),
    ),
    "patch-delete-on-a-map-empties-it": (
        pod_spec(securityContext={"runAsUser": 1000}),
        {"spec": {"securityContext": {"$patch": "delete"}}},
        pod_spec(securityContext={}),
    ),
    "patch-replace-in-a-merge-list": (
        pod_spec(containers=containers("a", "b")),
        {"spec": {"containers": [{"$patch": "replace"}, {"name": "c", "image": "c:1"}]}},
        pod_spec(containers=containers("c")),
    ),
    "patch-delete-in-a-merge-list": (
        pod_spec(containers=containers("a", "b")),
        {"spec": {"containers": [{"name": "a", "$patch": "delete"}]}},
        pod_spec(containers=containers("b")),
    ),
    "patch-delete-of-a-missing-element-changes-nothing": (
        pod_spec(containers=containers("a")),
        {"spec": {"containers": [{"name": "zz", "$patch": "delete"}]}},
        pod_spec(containers=containers("a")),
    ),
    "a-new-field-has-its-directives-carried-out": (
        pod_spec(),
        {"spec": {"volumes": [{"name": "v", "emptyDir": {}}, {"name": "w", "$patch": "delete"}], "hostname": None}},
        pod_spec(volumes=[{"name": "v", "emptyDir": {}}]),
    ),
    "a-dollar-key-in-a-map-of-strings-is-data": (
        {"metadata": {"annotations": {}}},
        {"metadata": {"annotations": {"$weird": "x"}}},
        {"metadata": {"annotations": {"$weird": "x"}}},
    ),
    "a-value-of-another-type-replaces": (
        {"metadata": {"labels": ["not", "a", "map"]}},
        {"metadata": {"labels": {"a": "1"}}},
        {"metadata": {"labels": {"a": "1"}}},
    ),
}


@pytest.mark.parametrize(("live", "patch", "expected"), MERGES.values(), ids=MERGES.keys())
def test_merge(live: dict[str, Any], patch: dict[str, Any], expected: dict[str, Any]) -> None:
    assert apply_strategic_merge_patch(live, patch, POD) == expected


def test_service_ports_merge_by_port() -> None:
    live = {"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443, "targetPort": 8443}]}}
    patch = {"spec": {"ports": [{"port": 443, "targetPort": "https"}]}}
    patched = apply_strategic_merge_patch(live, patch, kind("", "v1", "Service"))
    assert patched["spec"]["ports"] == [{"port": 80, "targetPort": 8080}, {"port": 443, "targetPort": "https"}]


# Ordering: the behaviours upstream's own tests pin, on containers. Each: live names, patch, resulting names.
ORDERS: dict[str, tuple[list[str], dict[str, Any], list[str]]] = {
    "a-new-element-goes-first-without-set-element-order": (
        ["a", "b"],
        {"containers": [{"name": "c"}]},
        ["c", "a", "b"],
    ),
    "patched-elements-take-the-patch-order-server-only-keep-their-place": (
        ["a", "b", "c"],
        {"containers": [{"name": "c"}, {"name": "a"}]},
        ["b", "c", "a"],
    ),
    "set-element-order-places-new-elements": (
        ["a", "b"],
        {"$setElementOrder/containers": [{"name": n} for n in "dabc"], "containers": [{"name": "d"}, {"name": "c"}]},
        ["d", "a", "b", "c"],
    ),
    "set-element-order-reorders-without-a-list-in-the-patch": (
        ["a", "b", "c"],
        {"$setElementOrder/containers": [{"name": "c"}, {"name": "b"}, {"name": "a"}]},
        ["c", "b", "a"],
    ),
    "set-element-order-may-name-elements-no-list-has": (
        ["a", "c"],
        {"$setElementOrder/containers": [{"name": n} for n in "cba"], "containers": [{"name": "c"}, {"name": "a"}]},
        ["c", "a"],
    ),
    "a-server-only-element-stays-behind-its-live-neighbour": (
        ["a", "b", "injected"],
        {
            "$setElementOrder/containers": [{"name": "b"}, {"name": "c"}],
            "containers": [{"name": "c"}, {"name": "a", "$patch": "delete"}],
        },
        ["b", "injected", "c"],
    ),
    "a-server-only-element-whose-neighbour-is-deleted-comes-first": (
        ["a", "injected"],
        {
            "$setElementOrder/containers": [{"name": "b"}, {"name": "c"}],
            "containers": [{"name": "b"}, {"name": "c"}, {"name": "a", "$patch": "delete"}],
        },
        ["injected", "b", "c"],
    ),
    "a-new-element-precedes-server-only-ones-when-nothing-was-deleted": (
        ["injected"],
        {
            "$setElementOrder/containers": [{"name": "b"}],
            "containers": [{"name": "b"}, {"name": "a", "$patch": "delete"}],
        },
        ["b", "injected"],
    ),
    "server-only-elements-after-the-named-ones-stay-last": (
        ["a", "x"],
        {"$setElementOrder/containers": [{"name": "a"}, {"name": "b"}], "containers": [{"name": "a"}, {"name": "b"}]},
        ["a", "b", "x"],
    ),
}


@pytest.mark.parametrize(("live", "patch", "expected"), ORDERS.values(), ids=ORDERS.keys())
def test_order(live: list[str], patch: dict[str, Any], expected: list[str]) -> None:
    patched = apply_strategic_merge_patch(pod_spec(containers=containers(*live)), {"spec": patch}, POD)
    assert names(patched) == expected


SCALAR_ORDERS: dict[str, tuple[list[str], dict[str, Any], list[str]]] = {
    "union-keeps-patch-order-for-patched-values": (["a", "b", "c"], {"finalizers": ["c", "a"]}, ["b", "c", "a"]),
    "set-element-order-with-a-deletion": (
        ["a", "b", "c", "d"],
        {"$setElementOrder/finalizers": ["a", "b"], "$deleteFromPrimitiveList/finalizers": ["c"]},
        ["a", "b", "d"],
    ),
    "set-element-order-with-an-addition": (
        ["a", "c"],
        {"$setElementOrder/finalizers": ["b", "a", "c"], "finalizers": ["b"]},
        ["b", "a", "c"],
    ),
}


@pytest.mark.parametrize(("live", "patch", "expected"), SCALAR_ORDERS.values(), ids=SCALAR_ORDERS.keys())
def test_order_of_scalars(live: list[str], patch: dict[str, Any], expected: list[str]) -> None:
    patched = apply_strategic_merge_patch({"metadata": {"finalizers": live}}, {"metadata": patch}, POD)
    assert patched["metadata"]["finalizers"] == expected


REFUSALS: dict[str, tuple[dict[str, Any], type[PatchError]]] = {
    "unknown-patch-type-in-a-map": ({"spec": {"$patch": "frobnicate"}}, InvalidPatch),
    "patch-merge-in-a-map": ({"spec": {"$patch": "merge"}}, InvalidPatch),
    "patch-merge-in-a-list": ({"spec": {"containers": [{"$patch": "merge"}]}}, InvalidPatch),
    "unknown-patch-type-in-a-list": ({"spec": {"containers": [{"name": "a", "$patch": "nope"}]}}, InvalidPatch),
    "unknown-directive-in-a-struct": ({"spec": {"$frobnicate": ["x"]}}, InvalidPatch),
    "merge-list-element-without-its-merge-key": ({"spec": {"containers": [{"image": "x"}]}}, InvalidPatch),
    "delete-element-without-its-merge-key": ({"spec": {"containers": [{"$patch": "delete"}]}}, InvalidPatch),
    "retain-keys-not-a-list": ({"spec": {"volumes": [{"name": "a", "$retainKeys": "name"}]}}, InvalidPatch),
    "retain-keys-missing-a-set-key": (
        {"spec": {"volumes": [{"name": "a", "$retainKeys": ["name"], "emptyDir": {}}]}},
        InvalidPatch,
    ),
    "set-element-order-not-a-list": ({"spec": {"$setElementOrder/containers": {"name": "a"}}}, InvalidPatch),
    "set-element-order-without-a-field": ({"spec": {"$setElementOrder": [{"name": "a"}]}}, InvalidPatch),
    "set-element-order-contradicting-the-patch": (
        {
            "spec": {
                "$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
                "containers": [{"name": "b"}, {"name": "a"}],
            }
        },
        InvalidPatch,
    ),
    "delete-from-primitive-list-without-a-field": ({"metadata": {"$deleteFromPrimitiveList": ["a"]}}, InvalidPatch),
    "delete-from-primitive-list-not-a-list": (
        {"metadata": {"$deleteFromPrimitiveList/finalizers": "a"}},
        InvalidPatch,
    ),
    "list-of-lists": ({"metadata": {"finalizers": [["a"]]}}, PatchNotApplicable),
}


@pytest.mark.parametrize(("patch", "error"), REFUSALS.values(), ids=REFUSALS.keys())
def test_refusals(patch: dict[str, Any], error: type[PatchError]) -> None:
    live = pod_spec(containers=containers("a", "b"), volumes=[{"name": "a", "emptyDir": {}}])
    live["metadata"]["finalizers"] = ["a"]
    with pytest.raises(error):
        apply_strategic_merge_patch(live, patch, POD)


@pytest.mark.parametrize("patch", [[], "x", None], ids=["list", "string", "null"])
def test_a_patch_that_is_not_an_object_is_refused(patch: Any) -> None:
    with pytest.raises(InvalidPatch):
        apply_strategic_merge_patch({}, patch, POD)


def test_kubectl_apply_of_a_deployment() -> None:
    """What ``kubectl apply`` sends after editing the manifest: strategy switched, a container swapped, env dropped."""
    live = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "annotations": {"deployment.kubernetes.io/revision": "3"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "app:1",
                            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                            "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                            "imagePullPolicy": "IfNotPresent",
                        },
                        {"name": "sidecar", "image": "side:1"},
                        {"name": "injected", "image": "mesh:1"},
                    ],
                    "restartPolicy": "Always",
                },
            },
        },
    }
    patch = {
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}"}},
        "spec": {
            "replicas": 3,
            "strategy": {"$retainKeys": ["type"], "type": "Recreate", "rollingUpdate": None},
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "app"}, {"name": "log"}],
                    "containers": [
                        {
                            "$setElementOrder/env": [{"name": "A"}],
                            "name": "app",
                            "image": "app:2",
                            "env": [{"$patch": "delete", "name": "B"}],
                        },
                        {"name": "log", "image": "log:1"},
                        {"$patch": "delete", "name": "sidecar"},
                    ],
                }
            },
        },
    }

    patched = apply_strategic_merge_patch(live, patch, kind("apps", "v1", "Deployment"))

    spec = patched["spec"]
    assert spec["replicas"] == 3
    assert spec["strategy"] == {"type": "Recreate"}
    assert patched["metadata"]["annotations"] == {
        "deployment.kubernetes.io/revision": "3",
        "kubectl.kubernetes.io/last-applied-configuration": "{...}",
    }
    assert spec["template"]["spec"]["containers"] == [
        {
            "name": "app",
            "image": "app:2",
            "env": [{"name": "A", "value": "1"}],
            "ports": [{"containerPort": 8080, "protocol": "TCP"}],
            "imagePullPolicy": "IfNotPresent",
        },
        {"name": "injected", "image": "mesh:1"},
        {"name": "log", "image": "log:1"},
    ]
    assert spec["template"]["spec"]["restartPolicy"] == "Always"
    assert spec["selector"] == {"matchLabels": {"app": "web"}}


def test_retain_keys_on_a_deployment_strategy_switching_back() -> None:
    live = {"spec": {"strategy": {"type": "Recreate"}}}
    patch = {
        "spec": {
            "strategy": {
                "$retainKeys": ["rollingUpdate", "type"],
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1},
            }
        }
    }
    patched = apply_strategic_merge_patch(live, patch, kind("apps", "v1", "Deployment"))
    assert patched["spec"]["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}


def test_inputs_are_not_changed_and_not_shared() -> None:
    live = pod_spec(containers=[{"name": "a", "env": [{"name": "X", "value": "1"}]}], volumes=[{"name": "v"}])
    patch = {
        "spec": {
            "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
            "containers": [{"name": "b", "args": ["-x"]}, {"name": "a", "env": [{"name": "Y", "value": "2"}]}],
            "volumes": [{"name": "v", "$patch": "delete"}],
        }
    }
    before = copy.deepcopy((live, patch))

    patched = apply_strategic_merge_patch(live, patch, POD)
    patched["spec"]["containers"][0]["args"].append("-y")
    patched["spec"]["containers"][1]["env"][0]["value"] = "changed"

    assert (live, patch) == before


def test_schema_node_reads_extensions_on_the_field_and_resolves_references() -> None:
    deployment_spec = kind("apps", "v1", "Deployment").property("spec")
    assert deployment_spec is not None
    field = deployment_spec.property("strategy")
    assert field is not None
    assert field.patch_strategy == "retainKeys"
    assert field.property("rollingUpdate") is not None

    spec = POD.property("spec")
    assert spec is not None
    listed = spec.property("containers")
    assert listed is not None
    assert (listed.patch_strategy, listed.patch_merge_key) == ("merge", "name")
    assert (listed.list_type, listed.list_map_keys) == ("map", ("name",))
    item = listed.items()
    assert item is not None
    assert item.property("image") is not None

    data = kind("", "v1", "ConfigMap").property("data")
    assert data is not None
    assert data.additional_properties() is not None
    assert not data.is_struct
    assert spec.is_struct


def test_schema_node_walks_an_inline_crd_schema() -> None:
    crd_schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {
                    "workers": {
                        "type": "array",
                        "x-kubernetes-list-type": "map",
                        "x-kubernetes-list-map-keys": ["name", "zone"],
                        "items": {"type": "object", "properties": {"name": {"type": "string"}}},
                    }
                },
            }
        },
    }
    spec = SchemaNode(crd_schema).property("spec")
    assert spec is not None
    workers = spec.property("workers")
    assert workers is not None
    assert (workers.list_type, workers.list_map_keys, workers.patch_strategy) == ("map", ("name", "zone"), None)
    assert workers.items() is not None
    assert spec.property("missing") is None
