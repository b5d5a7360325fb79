"""Deployments, ReplicaSets, StatefulSets and the binder against a real kubelite API server, driven with kubectl."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from kubelite.client import (
    CONTROLLERREVISIONS,
    DEPLOYMENTS,
    NODES,
    PERSISTENTVOLUMECLAIMS,
    PODS,
    REPLICASETS,
    STATEFULSETS,
    Kube,
)
from kubelite.kubelet.controllers import run_controllers
from tests.integration.kubelet.workloads import in_thread, run_pods
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

NODE = "kubelite-node"


@pytest.fixture(scope="module")
def kube(kubelite: RunningServer) -> Iterator[Kube]:
    client = Kube.from_kubeconfig(kubelite.kubeconfig)

    async def main(stop: object) -> None:
        await run_controllers(client, NODE, stop, resync=30)  # type: ignore[arg-type]

    with in_thread(main):
        yield client
    client.close()


def pods_of(kube: Kube, namespace: str, selector: str) -> list[dict]:  # type: ignore[type-arg]
    return [
        p for p in kube.list(PODS, namespace, label_selector=selector) if not p["metadata"].get("deletionTimestamp")
    ]


def test_deployment_rolls_out_scales_and_reports(kubelite: RunningServer, kube: Kube) -> None:
    kubelite.kubectl("create", "namespace", "roll")
    kubelite.kubectl("-n", "roll", "create", "deployment", "web", "--image=nginx:1.25", "--replicas=3")
    wait_for(lambda: len(pods_of(kube, "roll", "app=web")) == 3, "three pods")
    (rs,) = kube.list(REPLICASETS, "roll")
    assert rs["metadata"]["ownerReferences"][0]["kind"] == "Deployment"
    pod = pods_of(kube, "roll", "app=web")[0]
    assert pod["metadata"]["name"].startswith(rs["metadata"]["name"] + "-")
    assert pod["metadata"]["labels"]["pod-template-hash"] == rs["metadata"]["labels"]["pod-template-hash"]

    run_pods(kube, "roll", "app=web")

    def available() -> dict | None:  # type: ignore[type-arg]
        d = kube.get(DEPLOYMENTS, "roll", "web")
        status = (d or {}).get("status") or {}
        conditions = {c["type"]: c for c in status.get("conditions") or ()}
        done = (
            status.get("availableReplicas") == 3
            and conditions.get("Progressing", {}).get("reason") == "NewReplicaSetAvailable"
        )
        return d if done and conditions["Available"]["status"] == "True" else None

    d = wait_for(available, "the deployment to be available")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    assert d["status"]["observedGeneration"] == d["metadata"]["generation"]

    kubelite.kubectl("-n", "roll", "set", "image", "deployment/web", "nginx=nginx:1.26")

    def rolled() -> bool:
        run_pods(kube, "roll", "app=web")
        d = kube.get(DEPLOYMENTS, "roll", "web") or {}
        status = d.get("status") or {}
        return (
            status.get("updatedReplicas") == 3
            and status.get("replicas") == 3
            and status.get("availableReplicas") == 3
            and status.get("observedGeneration") == d["metadata"]["generation"]
        )

    wait_for(rolled, "the rollout to finish")
    replicasets = {
        r["metadata"]["annotations"]["deployment.kubernetes.io/revision"]: r for r in kube.list(REPLICASETS, "roll")
    }
    assert replicasets["1"]["spec"]["replicas"] == 0
    assert replicasets["2"]["spec"]["replicas"] == 3
    assert all(p["spec"]["containers"][0]["image"] == "nginx:1.26" for p in pods_of(kube, "roll", "app=web"))
    rollout = kubelite.kubectl("-n", "roll", "rollout", "status", "deployment/web", "--timeout=20s")
    assert "successfully rolled out" in rollout.stdout

    kubelite.kubectl("-n", "roll", "scale", "deployment/web", "--replicas=0")
    wait_for(lambda: not pods_of(kube, "roll", "app=web"), "the pods to be deleted")
    wait_for(lambda: (kube.get(DEPLOYMENTS, "roll", "web") or {}).get("status", {}).get("replicas") == 0, "status 0")


def test_replicaset_adopts_orphans_and_replaces_deleted_pods(kubelite: RunningServer, kube: Kube) -> None:
    kubelite.kubectl("create", "namespace", "adopt")
    orphan = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "orphan", "labels": {"app": "rs"}},
        "spec": {"containers": [{"name": "c", "image": "busybox:1"}]},
    }
    kubelite.kubectl("-n", "adopt", "create", "-f", "-", input=json.dumps(orphan))
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "rs"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "rs"}},
            "template": {
                "metadata": {"labels": {"app": "rs"}},
                "spec": {"containers": [{"name": "c", "image": "busybox:1"}]},
            },
        },
    }
    kubelite.kubectl("-n", "adopt", "create", "-f", "-", input=json.dumps(rs))
    wait_for(lambda: len(pods_of(kube, "adopt", "app=rs")) == 2, "two pods")
    adopted = kube.get(PODS, "adopt", "orphan")
    assert adopted is not None
    assert adopted["metadata"]["ownerReferences"][0]["name"] == "rs"
    kubelite.kubectl("-n", "adopt", "delete", "pod", "orphan", "--wait=false")
    wait_for(
        lambda: len(pods_of(kube, "adopt", "app=rs")) == 2 and kube.get(PODS, "adopt", "orphan") is None,
        "a replacement",
    )
    run_pods(kube, "adopt", "app=rs")
    wait_for(
        lambda: (kube.get(REPLICASETS, "adopt", "rs") or {}).get("status", {}).get("readyReplicas") == 2, "ready 2"
    )


def test_statefulset_creates_in_order_with_identity_and_claims(kubelite: RunningServer, kube: Kube) -> None:
    kubelite.kubectl("create", "namespace", "sts")
    sts = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {
            "replicas": 2,
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "template": {
                "metadata": {"labels": {"app": "db"}},
                "spec": {"containers": [{"name": "c", "image": "etcd:3"}]},
            },
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
                }
            ],
        },
    }
    kubelite.kubectl("-n", "sts", "create", "-f", "-", input=json.dumps(sts))
    first = wait_for(lambda: kube.get(PODS, "sts", "db-0"), "db-0")
    assert kube.get(PODS, "sts", "db-1") is None  # OrderedReady: db-1 waits for db-0
    assert first["spec"]["hostname"] == "db-0"
    assert first["spec"]["subdomain"] == "db"
    assert first["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"] == "db-0"
    assert first["metadata"]["labels"]["apps.kubernetes.io/pod-index"] == "0"
    assert first["metadata"]["labels"]["controller-revision-hash"].startswith("db-")
    assert {"name": "data", "persistentVolumeClaim": {"claimName": "data-db-0"}} in first["spec"]["volumes"]
    assert kube.get(PERSISTENTVOLUMECLAIMS, "sts", "data-db-0") is not None

    def both_ready() -> bool:
        run_pods(kube, "sts", "app=db")
        status = (kube.get(STATEFULSETS, "sts", "db") or {}).get("status") or {}
        return status.get("readyReplicas") == 2 and status.get("currentRevision") == status.get("updateRevision")

    wait_for(both_ready, "both members ready")
    kubelite.kubectl("-n", "sts", "scale", "statefulset/db", "--replicas=1")
    wait_for(lambda: kube.get(PODS, "sts", "db-1") is None, "db-1 to go")
    assert kube.get(PODS, "sts", "db-0") is not None
    assert kube.get(PERSISTENTVOLUMECLAIMS, "sts", "data-db-1") is not None  # Retain by default


def test_binder_binds_only_to_a_ready_node(kubelite: RunningServer, kube: Kube) -> None:
    kubelite.kubectl("create", "namespace", "bind")
    bare = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "bare"},
        "spec": {"containers": [{"name": "c", "image": "busybox:1"}]},
    }
    kubelite.kubectl("-n", "bind", "create", "-f", "-", input=json.dumps(bare))

    def unschedulable() -> bool:
        pod = kube.get(PODS, "bind", "bare") or {}
        return any(
            c.get("type") == "PodScheduled" and c.get("reason") == "Unschedulable"
            for c in pod.get("status", {}).get("conditions") or ()
        )

    wait_for(unschedulable, "PodScheduled=False while no node exists")
    node = kube.create(NODES, None, {"apiVersion": "v1", "kind": "Node", "metadata": {"name": NODE}})
    node["status"] = {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}]}
    kube.update(NODES, None, NODE, node, subresource="status")
    bound = wait_for(lambda: (p := kube.get(PODS, "bind", "bare")) and p["spec"].get("nodeName") and p, "the binding")
    assert bound["spec"]["nodeName"] == NODE
    scheduled = wait_for(
        lambda: next(
            (
                c
                for c in (kube.get(PODS, "bind", "bare") or {})["status"].get("conditions") or ()
                if c["type"] == "PodScheduled" and c["status"] == "True"
            ),
            None,
        ),
        "PodScheduled=True",
    )
    assert scheduled["status"] == "True"


def test_statefulset_keeps_revisions_and_recreates_below_the_partition_at_the_current_one(
    kubelite: RunningServer, kube: Kube
) -> None:
    kubelite.kubectl("create", "namespace", "rev")
    sts = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "kv"},
        "spec": {
            "replicas": 2,
            "serviceName": "kv",
            "podManagementPolicy": "Parallel",
            "selector": {"matchLabels": {"app": "kv"}},
            "template": {
                "metadata": {"labels": {"app": "kv"}},
                # NB: left unbound (no such scheduler), so a deleted pod goes at once without a kubelet.
                "spec": {"schedulerName": "nobody", "containers": [{"name": "c", "image": "etcd:1"}]},
            },
        },
    }
    kubelite.kubectl("-n", "rev", "create", "-f", "-", input=json.dumps(sts))

    def settled(revisions: int) -> dict | None:  # type: ignore[type-arg]
        run_pods(kube, "rev", "app=kv")
        found = kube.list(CONTROLLERREVISIONS, "rev")
        status = (kube.get(STATEFULSETS, "rev", "kv") or {}).get("status") or {}
        return status if len(found) == revisions and status.get("readyReplicas") == 2 else None

    first = wait_for(lambda: settled(1), "one revision and two ready members")
    (revision,) = kube.list(CONTROLLERREVISIONS, "rev")
    assert revision["metadata"]["name"] == first["currentRevision"] == first["updateRevision"]
    assert revision["revision"] == 1
    assert revision["data"]["spec"]["template"]["spec"]["containers"][0]["image"] == "etcd:1"
    assert revision["metadata"]["ownerReferences"][0]["kind"] == "StatefulSet"

    # A new template with partition 1: kv-1 moves to the update revision, kv-0 stays at the current one.
    patch = {
        "spec": {
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 1}},
            "template": {"spec": {"containers": [{"name": "c", "image": "etcd:2"}]}},
        }
    }
    kubelite.kubectl("-n", "rev", "patch", "statefulset", "kv", "--type=merge", "-p", json.dumps(patch))

    def rolled() -> dict | None:  # type: ignore[type-arg]
        status = settled(2)
        return status if status and status.get("updatedReplicas") == 1 else None

    second = wait_for(rolled, "kv-1 at the update revision")
    assert second["currentRevision"] == first["currentRevision"] != second["updateRevision"]
    kv1 = kube.get(PODS, "rev", "kv-1") or {}
    assert kv1["metadata"]["labels"]["controller-revision-hash"] == second["updateRevision"]
    assert kv1["spec"]["containers"][0]["image"] == "etcd:2"

    # kv-0 deleted below the partition comes back at the current revision, with the current template.
    old_uid = (kube.get(PODS, "rev", "kv-0") or {})["metadata"]["uid"]
    kube.request("DELETE", PODS.item("rev", "kv-0"), {"gracePeriodSeconds": 0})
    again = wait_for(
        lambda: (p := kube.get(PODS, "rev", "kv-0")) and p["metadata"]["uid"] != old_uid and p, "kv-0 recreated"
    )
    assert again["metadata"]["labels"]["controller-revision-hash"] == first["currentRevision"]
    assert again["spec"]["containers"][0]["image"] == "etcd:1"
