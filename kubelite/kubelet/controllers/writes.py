"""Writes from a reconcile: the blocking client in a thread, and the answer folded into the informer's cache.

Folding the answer in (:meth:`Informer.apply` / :meth:`Informer.forget`) is what keeps the next reconcile from
creating a pod twice because the watch event of the first one has not arrived yet.
"""

from __future__ import annotations

import asyncio

from kubelite.client import Kube, KubeError, Object
from kubelite.kubelet.controllers.ownership import Claim, with_owner, without_owner
from kubelite.kubelet.informer import Informer


class Writer:
    def __init__(self, kube: Kube) -> None:
        self.kube = kube

    async def create(self, cache: Informer, namespace: str, body: Object) -> Object:
        created = await asyncio.to_thread(self.kube.create, cache.resource, namespace, body)
        cache.apply(created)
        return created

    async def patch(self, cache: Informer, obj: Object, patch: Object, *, subresource: str = "") -> Object:
        metadata = obj["metadata"]
        patched = await asyncio.to_thread(
            self.kube.patch, cache.resource, metadata.get("namespace"), metadata["name"], patch, subresource=subresource
        )
        cache.apply(patched)
        return patched

    async def update_status(self, cache: Informer, obj: Object, status: Object) -> Object:
        """PUT the status subresource; the cached resourceVersion makes it a compare-and-swap."""
        metadata = obj["metadata"]
        body = {**obj, "status": status}
        updated = await asyncio.to_thread(
            self.kube.update, cache.resource, metadata.get("namespace"), metadata["name"], body, subresource="status"
        )
        cache.apply(updated)
        return updated

    async def delete(self, cache: Informer, obj: Object, *, uid_precondition: bool = True) -> None:
        """Delete ``obj`` (only this incarnation of it, by uid), in the background as upstream controllers do."""
        metadata = obj["metadata"]
        body: Object = {"apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Background"}
        if uid_precondition and metadata.get("uid"):
            body["preconditions"] = {"uid": metadata["uid"]}
        path = cache.resource.item(metadata.get("namespace"), metadata["name"])
        try:
            answer = await asyncio.to_thread(self.kube.request, "DELETE", path, body)
        except KubeError as exc:
            if exc.not_found or exc.conflict:  # gone already, or another object by that name now
                cache.forget(obj)
                return
            raise
        if (answer.get("metadata") or {}).get("deletionTimestamp"):
            cache.apply(answer)  # graceful: the object stays until its finalizers or kubelet let it go
        else:
            cache.forget(obj)

    async def settle(self, cache: Informer, owner: Object, claimed: Claim) -> list[Object]:
        """Write a claim (:func:`~kubelite.kubelet.controllers.ownership.claim`): add the owner's controller
        reference to what it adopts, remove it from what it releases; the objects it owns afterwards.

        Each patch carries the resourceVersion it decided on, so an object that changed meanwhile is not adopted
        on stale grounds (the conflict brings the reconcile back).
        """
        owned = list(claimed.owned)
        for obj in claimed.adopt:
            patch = {"metadata": {"ownerReferences": with_owner(obj, owner), "resourceVersion": _resource_version(obj)}}
            owned.append(await self.patch(cache, obj, patch))
        for obj in claimed.release:
            refs = without_owner(obj, owner["metadata"]["uid"]) or None
            await self.patch(
                cache, obj, {"metadata": {"ownerReferences": refs, "resourceVersion": _resource_version(obj)}}
            )
        return owned


def _resource_version(obj: Object) -> str:
    return str(obj["metadata"]["resourceVersion"])
