"""The DaemonSet controller: one pod of the template on every node that should run it, rolled node by node.

Wiring and writes here; decisions in :mod:`~kubelite.kubelet.controllers.daemons` (placement, rolling update,
status) and :mod:`~kubelite.kubelet.controllers.revisions` (the template history). A reconcile settles the history,
creates and deletes pods as :func:`~kubelite.kubelet.controllers.daemons.manage` says, takes one rolling-update
step, writes the status and prunes old revisions. Node events (a node added, relabelled, tainted) bring every
DaemonSet back.
"""

from __future__ import annotations

import logging

from kubelite.client import Object
from kubelite.kubelet.controllers import daemons, revisions
from kubelite.kubelet.controllers.caches import Caches
from kubelite.kubelet.controllers.owned import RevisionedController
from kubelite.kubelet.controllers.ownership import claim, is_deleting
from kubelite.kubelet.controllers.podstate import now, seconds_until_available
from kubelite.kubelet.controllers.replicasets import pod_from_template, selector_of
from kubelite.kubelet.controllers.writes import Writer
from kubelite.kubelet.informer import key_of

log = logging.getLogger(__name__)


class DaemonSetController(RevisionedController):
    def __init__(self, caches: Caches, writer: Writer) -> None:
        super().__init__(caches, writer, caches.daemonsets, "DaemonSet")
        caches.nodes.subscribe(self._on_node)

    def _on_node(self, old: Object | None, new: Object | None) -> None:
        if old is not None and new is not None and _placement_view(old) == _placement_view(new):
            return  # a heartbeat: nothing a daemon's placement depends on moved
        for ds in self.caches.daemonsets:
            self.queue.add(key_of(ds))

    async def reconcile(self, key: str) -> float | None:
        namespace, name = key.split("/", 1)
        ds = self.caches.daemonsets.get(namespace, name)
        if ds is None:
            return None
        selector = selector_of(ds)
        if selector is None:
            return None
        pods = await self.writer.settle(self.caches.pods, ds, claim(ds, selector, self.caches.pods.list(namespace)))
        update = await self._update_revision(ds, pods)
        if update is None:
            return None  # the collision count moved: the status event brings the set back
        revision_hash = str(update["metadata"]["labels"][revisions.HASH_LABEL])
        nodes = self.caches.nodes.list()
        moment = now()
        if not is_deleting(ds):
            by_node = _by_node(pods)
            step = daemons.manage(ds, nodes, by_node, revision_hash)
            rolling = daemons.rolling_update(ds, nodes, by_node, revision_hash, moment)
            for node_name in dict.fromkeys([*step.create, *rolling.create]):
                await self._create(ds, update, node_name, revision_hash)
            doomed = {p["metadata"]["uid"]: p for p in [*step.delete, *rolling.delete]}
            for pod in doomed.values():
                log.info("daemonset %s: deleting %s", key, pod["metadata"]["name"])
                await self.writer.delete(self.caches.pods, pod)
        owned = self.owned_pods(ds)
        status = daemons.daemonset_status(ds, nodes, _by_node(owned), revision_hash, moment)
        if status != (ds.get("status") or {}):
            ds = await self.writer.update_status(self.caches.daemonsets, ds, status)
        await self._prune(ds, owned, update)
        min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
        waits = [w for p in owned if (w := seconds_until_available(p, min_ready, moment)) is not None]
        return min(waits) + 0.05 if waits else None

    async def _update_revision(self, ds: Object, pods: list[Object]) -> Object | None:
        cache = self.caches.controllerrevisions
        if not cache.served:
            return revisions.new_revision(ds, 1)
        live = {revisions.revision_of_pod(p) for p in pods}
        owned = revisions.owned_by(ds, cache.list(ds["metadata"]["namespace"]))
        plan = revisions.plan(ds, owned, _names(ds, live))
        if plan.collision:
            status = {
                **(ds.get("status") or {}),
                "collisionCount": int((ds.get("status") or {}).get("collisionCount") or 0) + 1,
            }
            await self.writer.update_status(self.caches.daemonsets, ds, status)
            return None
        if plan.create is not None:
            # NB: a 409 here is a revision the cache has not seen yet; the queue retries once it has.
            return await self.writer.create(cache, ds["metadata"]["namespace"], plan.create)
        if plan.renumber is not None:
            revision, number = plan.renumber
            return await self.writer.patch(cache, revision, {"revision": number})
        return plan.update

    async def _prune(self, ds: Object, pods: list[Object], update: Object) -> None:
        cache = self.caches.controllerrevisions
        if not cache.served:
            return
        live = _names(ds, {revisions.revision_of_pod(p) for p in pods})
        live.add(revisions.revision_name_of(update))
        owned = revisions.owned_by(ds, cache.list(ds["metadata"]["namespace"]))
        for revision in revisions.plan(ds, owned, live).prune:
            log.info("daemonset %s: pruning revision %s", key_of(ds), revision["metadata"]["name"])
            await self.writer.delete(cache, revision)

    async def _create(self, ds: Object, update: Object, node_name: str, revision_hash: str) -> None:
        template = daemons.daemon_pod(ds, revisions.template_of(update), node_name, revision_hash)
        pod = pod_from_template(ds, template, generate_name=f"{ds['metadata']['name']}-")
        log.info("daemonset %s: creating a pod on %s", key_of(ds), node_name)
        await self.writer.create(self.caches.pods, ds["metadata"]["namespace"], pod)


def _by_node(pods: list[Object]) -> dict[str, list[Object]]:
    grouped: dict[str, list[Object]] = {}
    for pod in pods:
        node = str((pod.get("spec") or {}).get("nodeName") or "")
        if node:
            grouped.setdefault(node, []).append(pod)
    return grouped


def _names(ds: Object, hashes: set[str]) -> set[str]:
    """Revision names from the bare hashes daemon pods carry."""
    return {f"{ds['metadata']['name']}-{h}" for h in hashes if h}


def _placement_view(node: Object) -> tuple[object, ...]:
    metadata = node.get("metadata") or {}
    spec = node.get("spec") or {}
    return (metadata.get("labels"), spec.get("taints"), spec.get("unschedulable"))
