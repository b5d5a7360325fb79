"""Builders of Deployments, ReplicaSets and Pods as the API server would hold them, for the controller unit tests."""

from __future__ import annotations

from typing import Any

from kubelite.kubelet.controllers import rollout

T0 = "2024-01-01T00:00:00Z"


def deployment(replicas: int = 3, *, surge: Any = "25%", unavailable: Any = "25%", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "uid": "d-1", "generation": 1},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}},
            "progressDeadlineSeconds": 600,
            "revisionHistoryLimit": 10,
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "v1"}]},
            },
            **spec,
        },
        "status": {},
    }


def replicaset(
    name: str,
    replicas: int,
    available: int | None = None,
    *,
    image: str = "v1",
    revision: int = 1,
    created: str = T0,
    desired: int | None = None,
) -> dict[str, Any]:
    available = replicas if available is None else available
    annotations = {rollout.REVISION: str(revision)}
    if desired is not None:
        annotations[rollout.DESIRED_REPLICAS] = str(desired)
        annotations[rollout.MAX_REPLICAS] = str(desired + 1)
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": f"uid-{name}",
            "creationTimestamp": created,
            "annotations": annotations,
            "generation": 1,
        },
        "spec": {
            "replicas": replicas,
            "template": {
                "metadata": {"labels": {"app": "web", "pod-template-hash": name}},
                "spec": {"containers": [{"name": "c", "image": image}]},
            },
        },
        "status": {
            "replicas": replicas,
            "readyReplicas": available,
            "availableReplicas": available,
            "observedGeneration": 1,
        },
    }


def pod(
    name: str,
    *,
    ready: bool = True,
    phase: str = "Running",
    node: str = "n",
    ip: str = "127.244.0.1",
    created: str = T0,
    ready_since: str = T0,
    restarts: int = 0,
    labels: dict[str, str] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": f"uid-{name}",
            "creationTimestamp": created,
            "labels": {"app": "web"} if labels is None else labels,
        },
        "spec": {"nodeName": node, "containers": [{"name": "c", "image": "v1"}], **spec},
        "status": {
            "phase": phase,
            "podIP": ip,
            "conditions": [
                {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": ready_since}
            ],
            "containerStatuses": [{"name": "c", "restartCount": restarts}],
        },
    }
