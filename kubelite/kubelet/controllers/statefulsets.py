"""The StatefulSet controller: pods with stable names and storage, created, scaled and rolled in ordinal order.

Wiring and writes here; decisions in :mod:`~kubelite.kubelet.controllers.ordinals`.
"""

from __future__ import annotations

import logging

from kubelite.client import KubeError, Object
from kubelite.kubelet.controllers import ordinals
from kubelite.kubelet.controllers.caches import Caches
from kubelite.kubelet.controllers.informer import key_of
from kubelite.kubelet.controllers.ownership import claim, controller_ref, is_deleting, with_owner, without_owner
from kubelite.kubelet.controllers.podstate import now, seconds_until_available
from kubelite.kubelet.controllers.queue import WorkQueue
from kubelite.kubelet.controllers.replicasets import owners_of_pod, pod_from_template, selector_of
from kubelite.kubelet.controllers.writes import Writer

log = logging.getLogger(__name__)


class StatefulSetController:
    def __init__(self, caches: Caches, writer: Writer) -> None:
        self.caches = caches
        self.writer = writer
        self.queue = WorkQueue("statefulset")
        caches.statefulsets.subscribe(self._on_set)
        caches.pods.subscribe(self._on_pod)

    def _on_set(self, old: Object | None, new: Object | None) -> None:
        obj = new or old
        if obj is not None:
            self.queue.add(key_of(obj))

    def _on_pod(self, old: Object | None, new: Object | None) -> None:
        for pod in (old, new):
            if pod is not None:
                namespace = pod["metadata"].get("namespace", "")
                for key in owners_of_pod(pod, self.caches.statefulsets.list(namespace), "StatefulSet"):
                    self.queue.add(key)

    async def reconcile(self, key: str) -> float | None:
        namespace, name = key.split("/", 1)
        sts = self.caches.statefulsets.get(namespace, name)
        if sts is None:
            return None
        selector = selector_of(sts)
        if selector is None:
            return None
        claimed = claim(sts, selector, self.caches.pods.list(namespace))
        for pod in claimed.adopt:
            patch = {
                "metadata": {
                    "ownerReferences": with_owner(pod, sts),
                    "resourceVersion": pod["metadata"]["resourceVersion"],
                }
            }
            claimed.owned.append(await self.writer.patch(self.caches.pods, pod, patch))
        for pod in claimed.release:
            refs = without_owner(pod, sts["metadata"]["uid"]) or None
            patch = {"metadata": {"ownerReferences": refs, "resourceVersion": pod["metadata"]["resourceVersion"]}}
            await self.writer.patch(self.caches.pods, pod, patch)
        moment = now()
        if not is_deleting(sts):
            step = ordinals.plan(sts, claimed.owned, moment)
            for ordinal in step.create:
                await self._create(sts, ordinal)
            for pod in step.delete:
                log.info("statefulset %s: deleting %s", key, pod["metadata"]["name"])
                await self.writer.delete(self.caches.pods, pod)
            if step.waiting:
                log.debug("statefulset %s: %s", key, step.waiting)
            await self._delete_scaled_claims(sts)
        return await self._sync_status(sts)

    def _owned(self, sts: Object) -> list[Object]:
        uid = sts["metadata"]["uid"]
        return [
            p
            for p in self.caches.pods.list(sts["metadata"]["namespace"])
            if (controller_ref(p) or {}).get("uid") == uid
        ]

    async def _create(self, sts: Object, ordinal: int) -> None:
        namespace = sts["metadata"]["namespace"]
        for pvc in ordinals.new_claims(sts, ordinal):
            if self.caches.persistentvolumeclaims.get(namespace, pvc["metadata"]["name"]) is not None:
                continue
            try:
                await self.writer.create(self.caches.persistentvolumeclaims, namespace, pvc)
            except KubeError as exc:
                if not exc.conflict:
                    raise
        template = (sts.get("spec") or {}).get("template") or {}
        name = f"{sts['metadata']['name']}-{ordinal}"
        pod = pod_from_template(sts, template, name=name)
        labels, identity = ordinals.pod_identity(sts, ordinal, ordinals.update_revision(sts))
        pod["metadata"]["labels"].update(labels)
        pod["spec"] = ordinals.with_claim_volumes(sts, ordinal, {**pod["spec"], **identity})
        log.info("statefulset %s: creating %s", key_of(sts), name)
        try:
            await self.writer.create(self.caches.pods, namespace, pod)
        except KubeError as exc:
            if not exc.conflict:
                raise
            # A pod of that name exists but is not (yet) in our view: the next event brings it.

    async def _delete_scaled_claims(self, sts: Object) -> None:
        namespace = sts["metadata"]["namespace"]
        claims = self.caches.persistentvolumeclaims.list(namespace)
        for pvc in ordinals.claims_to_delete(sts, self._owned(sts), claims):
            log.info("statefulset %s: deleting claim %s (whenScaled: Delete)", key_of(sts), pvc["metadata"]["name"])
            await self.writer.delete(self.caches.persistentvolumeclaims, pvc)

    async def _sync_status(self, sts: Object) -> float | None:
        pods = self._owned(sts)
        current = now()
        status = ordinals.statefulset_status(sts, pods, current)
        if status != (sts.get("status") or {}):
            await self.writer.update_status(self.caches.statefulsets, sts, status)
        min_ready = int((sts.get("spec") or {}).get("minReadySeconds") or 0)
        waits = [w for p in pods if (w := seconds_until_available(p, min_ready, current)) is not None]
        return min(waits) + 0.05 if waits else None
