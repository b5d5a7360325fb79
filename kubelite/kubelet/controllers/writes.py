"""Writes from a reconcile: the blocking client in a thread, and the answer folded into the informer's cache.

Folding the answer in (:meth:`Informer.apply` / :meth:`Informer.forget`) is what keeps the next reconcile from
creating a pod twice because the watch event of the first one has not arrived yet.
"""

from __future__ import annotations

import asyncio

from kubelite.client import Kube, KubeError, Object
from kubelite.kubelet.controllers.informer import Informer


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
