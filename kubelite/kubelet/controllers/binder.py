"""The binder: the scheduler's one decision on a one-node cluster, binding pending pods to this node.

A pod with no ``spec.nodeName`` whose ``schedulerName`` is the default scheduler's (or empty) is bound to the
kubelet's node through the ``pods/binding`` subresource, as kube-scheduler binds, but only while that Node exists
and is Ready; otherwise the pod gets ``PodScheduled=False`` (``Unschedulable``) saying why, as kube-scheduler
reports it. Pods for another scheduler are left to it. Against a real cluster, its own scheduler does this and the
binder stays off (``run_controllers(..., bind=False)``).
"""

from __future__ import annotations

import asyncio

from kubelite.client import PODS, Object
from kubelite.kubelet.controllers.caches import Caches
from kubelite.kubelet.controllers.conditions import get_condition, set_condition
from kubelite.kubelet.controllers.podstate import is_active, now
from kubelite.kubelet.controllers.queue import WorkQueue
from kubelite.kubelet.controllers.writes import Writer
from kubelite.kubelet.informer import Informer, key_of

DEFAULT_SCHEDULER = "default-scheduler"


def wants_binding(pod: Object) -> bool:
    spec = pod.get("spec") or {}
    return (
        not spec.get("nodeName")
        and spec.get("schedulerName", DEFAULT_SCHEDULER) in ("", DEFAULT_SCHEDULER)
        and is_active(pod)
    )


def node_ready(node: Object | None) -> bool:
    if node is None or (node.get("spec") or {}).get("unschedulable"):
        return False
    ready = get_condition(list((node.get("status") or {}).get("conditions") or []), "Ready")
    return ready is not None and ready.get("status") == "True"


def unschedulable_message(node_name: str, node: Object | None) -> str:
    if node is None:
        return f'0/0 nodes are available: node "{node_name}" is not registered.'
    if (node.get("spec") or {}).get("unschedulable"):
        return "0/1 nodes are available: 1 node(s) were unschedulable."
    return "0/1 nodes are available: 1 node(s) were not ready."


def binding(pod: Object, node_name: str) -> Object:
    metadata = pod["metadata"]
    return {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": metadata["name"], "namespace": metadata["namespace"], "uid": metadata.get("uid")},
        "target": {"apiVersion": "v1", "kind": "Node", "name": node_name},
    }


class Binder:
    def __init__(self, caches: Caches, writer: Writer, node_name: str) -> None:
        self.caches = caches
        self.writer = writer
        self.node_name = node_name
        self.queue = WorkQueue("binder")
        caches.pods.subscribe(self._on_pod)
        caches.nodes.subscribe(self._on_node)

    def _on_pod(self, old: Object | None, new: Object | None) -> None:
        if new is not None and wants_binding(new):
            self.queue.add(key_of(new))

    def _on_node(self, old: Object | None, new: Object | None) -> None:
        if (new or old or {}).get("metadata", {}).get("name") != self.node_name:
            return
        if node_ready(new) and not node_ready(old):
            for pod in self.caches.pods:
                if wants_binding(pod):
                    self.queue.add(key_of(pod))

    async def reconcile(self, key: str) -> float | None:
        namespace, name = key.split("/", 1)
        pod = self.caches.pods.get(namespace, name)
        if pod is None or not wants_binding(pod):
            return None
        node = self.caches.nodes.get(None, self.node_name)
        if not node_ready(node):
            await mark_unschedulable(self.writer, self.caches.pods, pod, unschedulable_message(self.node_name, node))
            return None  # the node turning Ready brings the pod back
        await bind(self.writer, self.caches.pods, pod, self.node_name)
        return None


async def mark_unschedulable(writer: Writer, pods: Informer, pod: Object, message: str) -> None:
    """``PodScheduled=False``, reason ``Unschedulable``, saying why (written only when it changes)."""
    conditions = list((pod.get("status") or {}).get("conditions") or [])
    marked = set_condition(conditions, "PodScheduled", "False", "Unschedulable", message, now(), update_time=False)
    if marked is not conditions:
        await writer.patch(pods, pod, {"status": {"conditions": marked}}, subresource="status")


async def bind(writer: Writer, pods: Informer, pod: Object, node_name: str) -> None:
    """Bind through ``pods/binding`` (the API server sets ``spec.nodeName``), then ``PodScheduled=True``."""
    namespace, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    await asyncio.to_thread(writer.kube.request, "POST", PODS.item(namespace, name, "binding"), binding(pod, node_name))
    bound = await asyncio.to_thread(writer.kube.get, PODS, namespace, name)
    if bound is None:
        return
    pods.apply(bound)
    conditions = list((bound.get("status") or {}).get("conditions") or [])
    current = get_condition(conditions, "PodScheduled")
    if current is None or current.get("status") != "True":
        scheduled = set_condition(conditions, "PodScheduled", "True", "", "", now(), update_time=False)
        scheduled = [
            *(c for c in conditions if c.get("type") != "PodScheduled"),
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": scheduled[-1]["lastTransitionTime"]},
        ]
        await writer.patch(pods, bound, {"status": {"conditions": scheduled}}, subresource="status")
