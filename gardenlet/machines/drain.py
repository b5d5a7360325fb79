"""Draining a node before its machine goes: cordon it, evict (else delete) its pods, then delete the Node.

Eviction goes through ``pods/<name>/eviction`` so PodDisruptionBudgets are honoured where the API server enforces
them; an API server without the subresource gets plain deletes. Mirror pods (static pods of the node) are left, as
``kubectl drain`` does; they go with the Node.
"""

from __future__ import annotations

from kubelite.client import NODES, PODS, Kube, KubeError

MIRROR_ANNOTATION = "kubernetes.io/config.mirror"


def drain(shoot: Kube, node: str) -> int:
    """Cordon ``node`` and remove its pods; the number of pods still there (0: drained)."""
    try:
        shoot.patch(NODES, None, node, {"spec": {"unschedulable": True}})
    except KubeError as exc:
        if exc.not_found:
            return 0
        raise
    remaining = 0
    for pod in shoot.list(PODS, None, field_selector=f"spec.nodeName={node}"):
        meta = pod["metadata"]
        if MIRROR_ANNOTATION in (meta.get("annotations") or {}) or meta.get("deletionTimestamp"):
            continue
        remaining += 1
        eviction = {
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": meta["name"], "namespace": meta["namespace"]},
        }
        try:
            shoot.request("POST", PODS.item(meta["namespace"], meta["name"], "eviction"), eviction)
        except KubeError as exc:
            if exc.status == 429:  # a disruption budget says not now
                continue
            if exc.status not in (404, 405):
                raise
            shoot.delete(PODS, meta["namespace"], meta["name"])  # no eviction here (or the pod is gone)
    return remaining


def delete_node(shoot: Kube, node: str) -> None:
    shoot.delete(NODES, None, node)


__all__ = ["delete_node", "drain"]
