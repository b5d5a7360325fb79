"""The Deployment controller: rolls a Deployment's template out through ReplicaSets, one step per reconcile.

Wiring and writes here; every decision is in :mod:`~kubelite.kubelet.controllers.rollout`. A reconcile claims the
ReplicaSets (adopt/release by selector), then takes one of upstream's paths: status only (being deleted), scale
(paused, or ``spec.replicas`` changed), or one rollout step (RollingUpdate or Recreate), and writes the status.
"""

from __future__ import annotations

import logging
from datetime import datetime

from kubelite.client import KubeError, Object
from kubelite.kubelet.controllers import rollout
from kubelite.kubelet.controllers.caches import Caches
from kubelite.kubelet.controllers.conditions import set_condition
from kubelite.kubelet.controllers.ownership import claim, controller_ref, is_deleting
from kubelite.kubelet.controllers.podstate import now, phase
from kubelite.kubelet.controllers.queue import WorkQueue
from kubelite.kubelet.controllers.replicasets import owners_of_pod, selector_of
from kubelite.kubelet.controllers.writes import Writer
from kubelite.kubelet.informer import key_of

log = logging.getLogger(__name__)


class DeploymentController:
    def __init__(self, caches: Caches, writer: Writer) -> None:
        self.caches = caches
        self.writer = writer
        self.queue = WorkQueue("deployment")
        caches.deployments.subscribe(self._on_deployment)
        caches.replicasets.subscribe(self._on_replicaset)
        caches.pods.subscribe(self._on_pod)

    # -- events -> keys --------------------------------------------------------------------------------------------

    def _on_deployment(self, old: Object | None, new: Object | None) -> None:
        obj = new or old
        if obj is not None:
            self.queue.add(key_of(obj))

    def _on_replicaset(self, old: Object | None, new: Object | None) -> None:
        for rs in (old, new):
            if rs is not None:
                namespace = rs["metadata"].get("namespace", "")
                for key in owners_of_pod(rs, self.caches.deployments.list(namespace), "Deployment"):
                    self.queue.add(key)

    def _on_pod(self, old: Object | None, new: Object | None) -> None:
        # A Recreate rollout waits for the old pods to be gone; a pod reaches its Deployment through its ReplicaSet.
        if new is not None:
            return
        ref = controller_ref(old) if old is not None else None
        if old is None or ref is None or ref.get("kind") != "ReplicaSet":
            return
        rs = self.caches.replicasets.get(old["metadata"].get("namespace"), ref["name"])
        owner = controller_ref(rs) if rs is not None else None
        if rs is not None and owner is not None and owner.get("kind") == "Deployment":
            self.queue.add(f"{rs['metadata']['namespace']}/{owner['name']}")

    # -- the reconcile ---------------------------------------------------------------------------------------------

    async def reconcile(self, key: str) -> float | None:
        namespace, name = key.split("/", 1)
        deployment = self.caches.deployments.get(namespace, name)
        if deployment is None:
            return None
        moment = now()
        try:
            rollout.fenceposts(deployment)
        except rollout.InvalidStrategy as exc:
            conditions = set_condition(
                list((deployment.get("status") or {}).get("conditions") or []),
                rollout.PROGRESSING,
                "False",
                "InvalidStrategy",
                str(exc),
                moment,
            )
            await self._write_status(deployment, {**(deployment.get("status") or {}), "conditions": conditions})
            return None
        replicasets = await self._claim(deployment)
        if replicasets is None:
            return None
        if is_deleting(deployment):
            new, _ = rollout.split(deployment, replicasets)
            await self._write_status(deployment, rollout.calculate_status(deployment, replicasets, new, moment))
            return None
        paused = rollout.paused_conditions(deployment, moment)
        if paused is not None:
            deployment = await self._write_status(
                deployment, {**(deployment.get("status") or {}), "conditions": paused}
            )
        if (deployment.get("spec") or {}).get("paused") or rollout.is_scaling_event(deployment, replicasets):
            await self._scale(deployment, replicasets, moment)
            return None
        if rollout.is_rolling(deployment):
            deployment = await self._rolling(deployment, replicasets, moment)
        else:
            deployment = await self._recreate(deployment, replicasets, moment)
        return rollout.seconds_until_deadline(deployment, moment)

    async def _claim(self, deployment: Object) -> list[Object] | None:
        selector = selector_of(deployment)
        if selector is None:
            return None
        namespace = deployment["metadata"]["namespace"]
        claimed = claim(deployment, selector, self.caches.replicasets.list(namespace))
        return await self.writer.settle(self.caches.replicasets, deployment, claimed)

    def _owned(self, deployment: Object) -> list[Object]:
        """The Deployment's ReplicaSets as the cache has them now (after this reconcile's writes)."""
        uid = deployment["metadata"]["uid"]
        return [
            rs
            for rs in self.caches.replicasets.list(deployment["metadata"]["namespace"])
            if (controller_ref(rs) or {}).get("uid") == uid
        ]

    async def _scale(self, deployment: Object, replicasets: list[Object], moment: datetime) -> None:
        new, old = rollout.split(deployment, replicasets)
        if new is not None:
            new, deployment = await self._sync_new(deployment, new, old, moment)
        targets = rollout.scale_targets(deployment, new, old)
        for rs in replicasets:
            target = targets.get(rs["metadata"]["name"])
            if target is not None:
                await self._resize(deployment, rs, target)
        if (deployment.get("spec") or {}).get("paused"):
            await self._cleanup(deployment, old)
        owned = self._owned(deployment)
        new, _ = rollout.split(deployment, owned)
        await self._write_status(deployment, rollout.calculate_status(deployment, owned, new, moment))

    async def _rolling(self, deployment: Object, replicasets: list[Object], moment: datetime) -> Object:
        new, old = rollout.split(deployment, replicasets)
        new, deployment = await self._ensure_new(deployment, new, old, moment)
        target = rollout.new_target(deployment, [*old, new], new)
        if target is not None:
            await self._resize(deployment, new, target)
            return await self._rollout_status(deployment, moment)
        targets = rollout.old_targets(deployment, old, new)
        if targets:
            for rs in old:
                if rs["metadata"]["name"] in targets:
                    await self._resize(deployment, rs, targets[rs["metadata"]["name"]])
            return await self._rollout_status(deployment, moment)
        if rollout.is_complete(deployment, deployment.get("status") or {}):
            await self._cleanup(deployment, old)
        return await self._rollout_status(deployment, moment)

    async def _recreate(self, deployment: Object, replicasets: list[Object], moment: datetime) -> Object:
        new, old = rollout.split(deployment, replicasets)
        active_old = [rs for rs in old if rollout.replicas_of(rs) > 0]
        if active_old:
            for rs in active_old:
                await self._resize(deployment, rs, 0)
            return await self._rollout_status(deployment, moment)
        if self._old_pods_running(old):
            return await self._rollout_status(deployment, moment)
        new, deployment = await self._ensure_new(deployment, new, old, moment)
        if rollout.replicas_of(new) != rollout.replicas_of(deployment):
            await self._resize(deployment, new, rollout.replicas_of(deployment))
        if rollout.is_complete(deployment, deployment.get("status") or {}):
            await self._cleanup(deployment, old)
        return await self._rollout_status(deployment, moment)

    def _old_pods_running(self, old: list[Object]) -> bool:
        if any(int((rs.get("status") or {}).get("replicas") or 0) > 0 for rs in old):
            return True
        uids = {rs["metadata"]["uid"] for rs in old}
        return any(
            (controller_ref(pod) or {}).get("uid") in uids and phase(pod) not in ("Succeeded", "Failed")
            for pod in self.caches.pods
        )

    # -- the new ReplicaSet ----------------------------------------------------------------------------------------

    async def _ensure_new(
        self, deployment: Object, new: Object | None, old: list[Object], moment: datetime
    ) -> tuple[Object, Object]:
        if new is not None:
            return await self._sync_new(deployment, new, old, moment)
        body = rollout.new_replicaset(deployment, old)
        namespace = deployment["metadata"]["namespace"]
        try:
            created = await self.writer.create(self.caches.replicasets, namespace, body)
        except KubeError as exc:
            if exc.conflict:
                existing = self.caches.replicasets.get(namespace, body["metadata"]["name"])
                same = existing is not None and rollout.find_new(deployment, [existing]) is not None
                if (
                    existing is not None
                    and same
                    and (controller_ref(existing) or {}).get("uid") == deployment["metadata"]["uid"]
                ):
                    return await self._sync_new(deployment, existing, old, moment)
                # A ReplicaSet of another template holds the name: hash again with the next collision count.
                status = dict(deployment.get("status") or {})
                status["collisionCount"] = int(status.get("collisionCount") or 0) + 1
                await self._write_status(deployment, status)
            raise
        deployment = await self._set_revision(deployment, rollout.revision_of(created))
        conditions = rollout.created_condition(
            list((deployment.get("status") or {}).get("conditions") or []), created["metadata"]["name"], moment
        )
        deployment = await self._write_status(
            deployment, {**(deployment.get("status") or {}), "conditions": conditions}
        )
        return created, deployment

    async def _sync_new(
        self, deployment: Object, new: Object, old: list[Object], moment: datetime
    ) -> tuple[Object, Object]:
        """Keep the existing new ReplicaSet's revision the newest and its minReadySeconds the Deployment's."""
        wanted = max(rollout.max_revision(old) + 1, rollout.revision_of(new))
        min_ready = int((deployment.get("spec") or {}).get("minReadySeconds") or 0)
        patch: Object = {}
        if rollout.revision_of(new) != wanted:
            patch["metadata"] = {"annotations": {rollout.REVISION: str(wanted)}}
        if int((new.get("spec") or {}).get("minReadySeconds") or 0) != min_ready:
            patch["spec"] = {"minReadySeconds": min_ready}
        if patch:
            new = await self.writer.patch(self.caches.replicasets, new, patch)
        deployment = await self._set_revision(deployment, wanted)
        conditions = list((deployment.get("status") or {}).get("conditions") or [])
        found = rollout.found_condition(conditions, new["metadata"]["name"], moment)
        if found is not conditions:
            deployment = await self._write_status(deployment, {**(deployment.get("status") or {}), "conditions": found})
        return new, deployment

    async def _set_revision(self, deployment: Object, revision: int) -> Object:
        annotations = deployment["metadata"].get("annotations") or {}
        if annotations.get(rollout.REVISION) == str(revision):
            return deployment
        return await self.writer.patch(
            self.caches.deployments, deployment, {"metadata": {"annotations": {rollout.REVISION: str(revision)}}}
        )

    # -- writes ----------------------------------------------------------------------------------------------------

    async def _resize(self, deployment: Object, rs: Object, replicas: int) -> None:
        annotations = rollout.replica_annotations(deployment)
        current = rs["metadata"].get("annotations") or {}
        if rollout.replicas_of(rs) == replicas and all(current.get(k) == v for k, v in annotations.items()):
            return
        log.info("deployment %s: scaling %s to %d", key_of(deployment), rs["metadata"]["name"], replicas)
        await self.writer.patch(
            self.caches.replicasets, rs, {"metadata": {"annotations": annotations}, "spec": {"replicas": replicas}}
        )

    async def _cleanup(self, deployment: Object, old: list[Object]) -> None:
        for rs in rollout.replicasets_to_clean(deployment, old):
            log.info("deployment %s: deleting old ReplicaSet %s", key_of(deployment), rs["metadata"]["name"])
            await self.writer.delete(self.caches.replicasets, rs)

    async def _rollout_status(self, deployment: Object, moment: datetime) -> Object:
        owned = self._owned(deployment)
        new, _ = rollout.split(deployment, owned)
        status = rollout.calculate_status(deployment, owned, new, moment)
        return await self._write_status(deployment, rollout.rollout_status(deployment, status, new, moment))

    async def _write_status(self, deployment: Object, status: Object) -> Object:
        if status == (deployment.get("status") or {}):
            return deployment
        return await self.writer.update_status(self.caches.deployments, deployment, status)
