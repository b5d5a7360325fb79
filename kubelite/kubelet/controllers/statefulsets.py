"""The StatefulSet controller: pods with stable names and storage, created, scaled and rolled in ordinal order.

Wiring and writes here; decisions in :mod:`~kubelite.kubelet.controllers.ordinals` (pods) and
:mod:`~kubelite.kubelet.controllers.revisions` (the template history kept as ControllerRevisions). A reconcile
settles the history first (creates or renumbers the update revision, or bumps ``collisionCount``), then plans one
pod step at those revisions, writes the status, and prunes revisions beyond ``revisionHistoryLimit``.
"""

from __future__ import annotations

import logging

from kubelite.client import KubeError, Object
from kubelite.kubelet.controllers import ordinals, revisions
from kubelite.kubelet.controllers.caches import Caches
from kubelite.kubelet.controllers.owned import RevisionedController
from kubelite.kubelet.controllers.ownership import claim, is_deleting
from kubelite.kubelet.controllers.podstate import now, seconds_until_available
from kubelite.kubelet.controllers.replicasets import pod_from_template, selector_of
from kubelite.kubelet.controllers.writes import Writer
from kubelite.kubelet.informer import key_of

log = logging.getLogger(__name__)


class StatefulSetController(RevisionedController):
    def __init__(self, caches: Caches, writer: Writer) -> None:
        super().__init__(caches, writer, caches.statefulsets, "StatefulSet")

    async def reconcile(self, key: str) -> float | None:
        namespace, name = key.split("/", 1)
        sts = self.caches.statefulsets.get(namespace, name)
        if sts is None:
            return None
        selector = selector_of(sts)
        if selector is None:
            return None
        owned = await self.writer.settle(self.caches.pods, sts, claim(sts, selector, self.caches.pods.list(namespace)))
        history = await self._history(sts, owned)
        if history is None:
            return None  # the collision count moved: the status event brings the set back with a new hash
        current, update = history
        moment = now()
        if not is_deleting(sts):
            step = ordinals.plan(sts, owned, moment, revisions.revision_name_of(update))
            for ordinal in step.create:
                await self._create(sts, ordinal, current, update)
            for pod in step.delete:
                log.info("statefulset %s: deleting %s", key, pod["metadata"]["name"])
                await self.writer.delete(self.caches.pods, pod)
            if step.waiting:
                log.debug("statefulset %s: %s", key, step.waiting)
            await self._delete_scaled_claims(sts)
        again = await self._sync_status(sts, current, update)
        await self._prune(sts)
        return again

    async def _history(self, sts: Object, pods: list[Object]) -> tuple[Object, Object] | None:
        """(current, update) revisions, written as the history plan says; None when the collision count moved.

        Against a server without ControllerRevisions both are the set's template, unsaved.
        """
        cache = self.caches.controllerrevisions
        if not cache.served:
            unsaved = revisions.new_revision(sts, 1)
            return unsaved, unsaved
        live = {revisions.revision_of_pod(p) for p in pods}
        plan = revisions.plan(sts, revisions.owned_by(sts, cache.list(sts["metadata"]["namespace"])), live)
        if plan.collision:
            collisions = int((sts.get("status") or {}).get("collisionCount") or 0) + 1
            log.info("statefulset %s: revision name collision; collisionCount %d", key_of(sts), collisions)
            await self.writer.update_status(
                self.caches.statefulsets, sts, {**(sts.get("status") or {}), "collisionCount": collisions}
            )
            return None
        update = plan.update
        if plan.create is not None:
            update = await self.writer.create(cache, sts["metadata"]["namespace"], plan.create)
        elif plan.renumber is not None:
            revision, number = plan.renumber
            update = await self.writer.patch(cache, revision, {"revision": number})
        assert update is not None
        current = plan.current if plan.current is not None and plan.current is not plan.create else update
        return current, update

    async def _prune(self, sts: Object) -> None:
        cache = self.caches.controllerrevisions
        if not cache.served:
            return
        fresh = self.caches.statefulsets.get(sts["metadata"]["namespace"], sts["metadata"]["name"]) or sts
        status = fresh.get("status") or {}
        live = {revisions.revision_of_pod(p) for p in self.owned_pods(fresh)}
        live.update(str(status.get(k) or "") for k in ("currentRevision", "updateRevision"))
        plan = revisions.plan(fresh, revisions.owned_by(fresh, cache.list(fresh["metadata"]["namespace"])), live)
        for revision in plan.prune:
            log.info("statefulset %s: pruning revision %s", key_of(fresh), revision["metadata"]["name"])
            await self.writer.delete(cache, revision)

    async def _create(self, sts: Object, ordinal: int, current: Object, update: Object) -> None:
        namespace = sts["metadata"]["namespace"]
        for pvc in ordinals.new_claims(sts, ordinal):
            if self.caches.persistentvolumeclaims.get(namespace, pvc["metadata"]["name"]) is not None:
                continue
            try:
                await self.writer.create(self.caches.persistentvolumeclaims, namespace, pvc)
            except KubeError as exc:
                if not exc.conflict:
                    raise
        current_name, update_name = revisions.revision_name_of(current), revisions.revision_name_of(update)
        revision = ordinals.revision_for(sts, ordinal, current_name, update_name)
        template = revisions.template_of(current if revision == current_name else update)
        name = f"{sts['metadata']['name']}-{ordinal}"
        pod = pod_from_template(sts, template, name=name)
        labels, identity = ordinals.pod_identity(sts, ordinal, revision)
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
        for pvc in ordinals.claims_to_delete(sts, self.owned_pods(sts), claims):
            log.info("statefulset %s: deleting claim %s (whenScaled: Delete)", key_of(sts), pvc["metadata"]["name"])
            await self.writer.delete(self.caches.persistentvolumeclaims, pvc)

    async def _sync_status(self, sts: Object, current_revision: Object, update: Object) -> float | None:
        pods = self.owned_pods(sts)
        current = now()
        status = ordinals.statefulset_status(
            sts, pods, current, revisions.revision_name_of(current_revision), revisions.revision_name_of(update)
        )
        if status != (sts.get("status") or {}):
            await self.writer.update_status(self.caches.statefulsets, sts, status)
        min_ready = int((sts.get("spec") or {}).get("minReadySeconds") or 0)
        waits = [w for p in pods if (w := seconds_until_available(p, min_ready, current)) is not None]
        return min(waits) + 0.05 if waits else None
