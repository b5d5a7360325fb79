"""The Endpoints and EndpointSlice controller: what backs each Service with a selector, written where clients
(the service proxy, kubectl, real kube-proxies) look for it.

Decisions in :mod:`~kubelite.kubelet.controllers.endpointsets`. Services without a selector are left alone: their
Endpoints are the user's. When the API server does not serve ``discovery.k8s.io/v1`` EndpointSlices, only
Endpoints are written.
"""

from __future__ import annotations

import asyncio

from kubelite.client import Object
from kubelite.kubelet.controllers import endpointsets
from kubelite.kubelet.controllers.caches import Caches
from kubelite.kubelet.controllers.queue import WorkQueue
from kubelite.kubelet.controllers.writes import Writer
from kubelite.kubelet.informer import key_of


class EndpointsController:
    def __init__(self, caches: Caches, writer: Writer) -> None:
        self.caches = caches
        self.writer = writer
        self.queue = WorkQueue("endpoints")
        caches.services.subscribe(self._on_service)
        caches.endpoints.subscribe(self._on_service)
        caches.pods.subscribe(self._on_pod)
        caches.endpointslices.subscribe(self._on_slice)

    def _on_service(self, old: Object | None, new: Object | None) -> None:
        obj = new or old
        if obj is not None:
            self.queue.add(key_of(obj))

    def _on_slice(self, old: Object | None, new: Object | None) -> None:
        obj = new or old
        if obj is None:
            return
        labels = obj["metadata"].get("labels") or {}
        if labels.get(endpointsets.MANAGED_BY_LABEL) == endpointsets.MANAGED_BY and labels.get(
            endpointsets.SERVICE_NAME_LABEL
        ):
            self.queue.add(f"{obj['metadata']['namespace']}/{labels[endpointsets.SERVICE_NAME_LABEL]}")

    def _on_pod(self, old: Object | None, new: Object | None) -> None:
        for pod in (old, new):
            if pod is None:
                continue
            for service in self.caches.services.list(pod["metadata"].get("namespace", "")):
                if endpointsets.selects(service, pod):
                    self.queue.add(key_of(service))

    async def reconcile(self, key: str) -> float | None:
        namespace, name = key.split("/", 1)
        service = self.caches.services.get(namespace, name)
        current = self.caches.endpoints.get(namespace, name)
        if service is None:
            # NB: Endpoints carry no ownerReference (upstream's neither); the controller removes what it wrote.
            if current is not None:
                await self.writer.delete(self.caches.endpoints, current)
            return None
        if not (service.get("spec") or {}).get("selector"):
            return None
        pods = self.caches.pods.list(namespace)
        await self._endpoints(service, current, pods)
        if self.caches.endpointslices.served:
            await self._slices(service, pods)
        return None

    async def _endpoints(self, service: Object, current: Object | None, pods: list[Object]) -> None:
        desired = endpointsets.desired_endpoints(service, pods)
        if current is None:
            await self.writer.create(self.caches.endpoints, service["metadata"]["namespace"], desired)
            return
        same = (current.get("subsets") or []) == (desired.get("subsets") or []) and (
            current["metadata"].get("labels") or {}
        ) == desired["metadata"]["labels"]
        if same:
            return
        body = {**current, "subsets": desired.get("subsets") or []}
        body["metadata"] = {**current["metadata"], "labels": desired["metadata"]["labels"]}
        updated = await self._put(body)
        self.caches.endpoints.apply(updated)

    async def _put(self, body: Object) -> Object:
        metadata = body["metadata"]
        return await asyncio.to_thread(
            self.writer.kube.update, self.caches.endpoints.resource, metadata["namespace"], metadata["name"], body
        )

    async def _slices(self, service: Object, pods: list[Object]) -> None:
        namespace = service["metadata"]["namespace"]
        desired = {s["metadata"]["name"]: s for s in endpointsets.desired_slices(service, pods)}
        existing = {
            s["metadata"]["name"]: s
            for s in self.caches.endpointslices.list(namespace)
            if (s["metadata"].get("labels") or {}).get(endpointsets.SERVICE_NAME_LABEL) == service["metadata"]["name"]
            and (s["metadata"].get("labels") or {}).get(endpointsets.MANAGED_BY_LABEL) == endpointsets.MANAGED_BY
        }
        for name, slice_ in desired.items():
            current = existing.get(name)
            if current is None:
                await self.writer.create(self.caches.endpointslices, namespace, slice_)
                continue
            if (
                all(current.get(f) == slice_.get(f) for f in ("endpoints", "ports", "addressType"))
                and (current["metadata"].get("labels") or {}) == slice_["metadata"]["labels"]
            ):
                continue
            patch = {
                "metadata": {
                    "labels": slice_["metadata"]["labels"],
                    "resourceVersion": current["metadata"]["resourceVersion"],
                },
                "endpoints": slice_["endpoints"],
                "ports": slice_["ports"],
            }
            await self.writer.patch(self.caches.endpointslices, current, patch)
        for name, current in existing.items():
            if name not in desired:
                await self.writer.delete(self.caches.endpointslices, current)
