"""Gardener's admission plugins inside kubelite: requests and errors translated, reads served from the store."""

from __future__ import annotations

from collections.abc import Mapping

from garden.admission.request import Chain, Object, Request
from garden.apiserver.informer import Informer
from kubelite.apiserver.admission import AdmissionPlugin, AdmissionRequest
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.store import ListQuery, RequestContext, Store


class StoreReader:
    """Reads the garden's objects straight from the kubelite store (no HTTP round trip, no authorization).

    Reads of the resources in ``informers`` (by group and plural) come from memory once the informer has synced;
    what they return is shared and must not be changed.
    """

    def __init__(self, store: Store, informers: Mapping[tuple[str, str], Informer] | None = None) -> None:
        self._store = store
        self._ctx = RequestContext()
        self._informers = dict(informers or {})

    async def get(self, group: str, version: str, resource: str, namespace: str | None, name: str) -> Object | None:
        rt = self._store.registry.get(group, version, resource)
        if rt is None:
            return None
        informer = self._informers.get((group, resource))
        if informer is not None and informer.synced.is_set():
            return informer.get(namespace if rt.namespaced else None, name)
        try:
            return await self._store.get(rt, namespace if rt.namespaced else None, name)
        except APIError as exc:
            if exc.code == 404:
                return None
            raise

    async def list(self, group: str, version: str, resource: str, namespace: str | None = None) -> list[Object]:
        rt = self._store.registry.get(group, version, resource)
        if rt is None:
            return []
        informer = self._informers.get((group, resource))
        if informer is not None and informer.synced.is_set():
            return list(informer.items(namespace if rt.namespaced else None))
        listed = await self._store.list(rt, namespace if rt.namespaced else None, ListQuery())
        items: list[Object] = listed["items"]
        return items


class GardenAdmission(AdmissionPlugin):
    """One kubelite admission plugin running Gardener's chain (mutating plugins, then validating ones)."""

    name = "GardenerAdmission"

    def __init__(self, chain: Chain) -> None:
        self.chain = chain

    async def mutate(self, request: AdmissionRequest) -> None:
        await self.chain.mutate(_translate(request))

    async def validate(self, request: AdmissionRequest) -> None:
        await self.chain.validate(_translate(request))


def _translate(request: AdmissionRequest) -> Request:
    rt = request.resource
    # The garden request shares the object dicts: what a mutating plugin changes is what kubelite stores.
    return Request(
        operation=request.operation,
        group=rt.group,
        version=rt.version,
        resource=rt.plural,
        kind=rt.kind,
        namespace=request.namespace or "",
        name=request.name,
        object=request.object,
        old_object=request.old_object,
        user=request.user,
        dry_run=request.dry_run,
        subresource=request.subresource,
        options=request.options,
    )
