"""The ReplicaSet controller: keeps ``spec.replicas`` pods of the template alive, and reports how they are.

Wiring here, decisions in :mod:`~kubelite.kubelet.controllers.scaling`. Pods are named ``<rs>-<5 random
characters>`` by the API server (``generateName``), owned through a controller reference, and adopted or
released by selector (:mod:`~kubelite.kubelet.controllers.ownership`).
"""

from __future__ import annotations

import logging

from kubelite.apiserver.selectors import LabelSelector, SelectorError
from kubelite.client import Object
from kubelite.kubelet.controllers.caches import Caches
from kubelite.kubelet.controllers.ownership import (
    claim,
    controller_ref,
    is_deleting,
    labels_of,
    owner_reference,
)
from kubelite.kubelet.controllers.podstate import is_active, now
from kubelite.kubelet.controllers.queue import WorkQueue
from kubelite.kubelet.controllers.scaling import (
    next_availability_check,
    pods_to_delete,
    replica_diff,
    replicaset_status,
)
from kubelite.kubelet.controllers.writes import Writer
from kubelite.kubelet.informer import key_of

log = logging.getLogger(__name__)


def pod_from_template(owner: Object, template: Object, *, name: str = "", generate_name: str = "") -> Object:
    """A new pod of ``template`` owned by ``owner`` (named, or named by the server from ``generate_name``)."""
    template_meta = template.get("metadata") or {}
    metadata: Object = {
        "namespace": owner["metadata"]["namespace"],
        "labels": dict(template_meta.get("labels") or {}),
        "ownerReferences": [owner_reference(owner)],
    }
    if name:
        metadata["name"] = name
    else:
        metadata["generateName"] = generate_name
    if template_meta.get("annotations"):
        metadata["annotations"] = dict(template_meta["annotations"])
    if template_meta.get("finalizers"):
        metadata["finalizers"] = list(template_meta["finalizers"])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": dict(template.get("spec") or {})}


def selector_of(obj: Object) -> LabelSelector | None:
    try:
        return LabelSelector.from_dict((obj.get("spec") or {}).get("selector"))
    except SelectorError as exc:
        log.warning("%s %s: bad selector: %s", obj.get("kind"), key_of(obj), exc)
        return None


def owners_of_pod(pod: Object, owners: list[Object], kind: str) -> list[str]:
    """Keys of the objects of ``kind`` a pod event concerns: its controller, or every owner that would adopt it."""
    ref = controller_ref(pod)
    namespace = pod["metadata"].get("namespace", "")
    if ref is not None:
        return [f"{namespace}/{ref['name']}"] if ref.get("kind") == kind else []
    keys = []
    for owner in owners:
        selector = selector_of(owner)
        if selector is not None and selector.matches(labels_of(pod)):
            keys.append(key_of(owner))
    return keys


class ReplicaSetController:
    def __init__(self, caches: Caches, writer: Writer) -> None:
        self.caches = caches
        self.writer = writer
        self.queue = WorkQueue("replicaset")
        caches.replicasets.subscribe(self._on_replicaset)
        caches.pods.subscribe(self._on_pod)

    def _on_replicaset(self, old: Object | None, new: Object | None) -> None:
        obj = new or old
        if obj is not None:
            self.queue.add(key_of(obj))

    def _on_pod(self, old: Object | None, new: Object | None) -> None:
        for pod in (old, new):
            if pod is None:
                continue
            namespace = pod["metadata"].get("namespace", "")
            for key in owners_of_pod(pod, self.caches.replicasets.list(namespace), "ReplicaSet"):
                self.queue.add(key)

    async def reconcile(self, key: str) -> float | None:
        namespace, name = key.split("/", 1)
        rs = self.caches.replicasets.get(namespace, name)
        if rs is None:
            return None
        selector = selector_of(rs)
        if selector is None:
            return None
        candidates = [p for p in self.caches.pods.list(namespace) if is_active(p)]
        owned = await self.writer.settle(self.caches.pods, rs, claim(rs, selector, candidates))
        if not is_deleting(rs):
            diff = replica_diff(len(owned), int((rs.get("spec") or {}).get("replicas", 1)))
            template = (rs.get("spec") or {}).get("template") or {}
            for _ in range(diff):
                body = pod_from_template(rs, template, generate_name=f"{name}-")
                await self.writer.create(self.caches.pods, namespace, body)
            for pod in pods_to_delete(owned, -diff):
                await self.writer.delete(self.caches.pods, pod)
        return await self._sync_status(rs, selector)

    async def _sync_status(self, rs: Object, selector: LabelSelector) -> float | None:
        uid = rs["metadata"]["uid"]
        namespace = rs["metadata"]["namespace"]
        owned = [
            p
            for p in self.caches.pods.list(namespace)
            if is_active(p) and (controller_ref(p) or {}).get("uid") == uid and selector.matches(labels_of(p))
        ]
        moment = now()
        status = replicaset_status(rs, owned, moment)
        if status != (rs.get("status") or {}):
            await self.writer.update_status(self.caches.replicasets, rs, status)
        return next_availability_check(rs, owned, moment)
