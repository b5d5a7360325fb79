"""What every verb of the generic store shares: dependencies, reading the current object, version conversion."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from kubelite.apiserver import errors
from kubelite.apiserver.admission import AdmissionChain
from kubelite.apiserver.errors import APIError, Resource
from kubelite.apiserver.objects import Object, decode, meta
from kubelite.apiserver.registry import Registry
from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.storage import Storage, StoredObject
from kubelite.apiserver.store.namespaces import NamespaceCache

#: kube-apiserver refuses request bodies over 3 MiB and objects whose stored form is over 1.5 MiB.
MAX_OBJECT_BYTES = 1_572_864
#: How often a write retries a compare-and-swap that lost a race, when the client did not pin a resourceVersion.
CAS_RETRIES = 16


class StoreBase:
    def __init__(self, storage: Storage, registry: Registry, admission: AdmissionChain) -> None:
        self.storage = storage
        self.registry = registry
        self.admission = admission
        #: Recent watch events' objects by (key, revision, version), shared by every watcher (see watches.py).
        self._event_objects: OrderedDict[tuple[str, int, str], Object] = OrderedDict()
        #: Namespaces for admission's lookups; its ``run()`` is started by the server (see namespaces.py).
        namespaces = registry.get("", "v1", "namespaces")
        prefix = namespaces.storage_key_prefix if namespaces is not None else "/registry/core/namespaces/"
        self.namespaces = NamespaceCache(storage, prefix, self._live_namespace)

    async def _live_namespace(self, name: str) -> Object | None:
        rt = self.registry.get("", "v1", "namespaces")
        if rt is None:
            return None
        stored = await self.storage.get(rt.key(None, name))
        return None if stored is None else self._decode(rt, stored.value, stored.mod_revision)

    def _wrote(self, stored: StoredObject) -> StoredObject:
        """Every update and delete the store makes passes through here (for the namespace cache's floor)."""
        self.namespaces.written(stored.key, stored.mod_revision)
        return stored

    async def read_current(self, rt: ResourceType, namespace: str | None, name: str) -> tuple[StoredObject, Object]:
        stored = await self.storage.get(rt.key(namespace, name))
        if stored is None:
            raise errors.not_found(Resource(rt.group, rt.plural), name)
        return stored, self._decode(rt, stored.value, stored.mod_revision)

    def _decode(self, rt: ResourceType, value: bytes, revision: int) -> Object:
        """A stored object as served at ``rt``'s version (CRD conversion strategy None: only apiVersion moves)."""
        obj = decode(value, revision)
        if rt.storage_version != rt.version:
            obj["apiVersion"] = rt.api_version
        return obj

    @staticmethod
    def _to_storage_version(rt: ResourceType, obj: Object) -> Object:
        """``obj`` as stored: in the storage version (a shallow copy when that differs from the served one)."""
        if rt.storage_version != rt.version:
            return {**obj, "apiVersion": rt.storage_api_version}
        return obj

    @staticmethod
    def _check_body(rt: ResourceType, body: Any) -> Object:
        """The body must be an object of this resource's kind (an empty apiVersion/kind is filled in)."""
        if not isinstance(body, dict):
            raise errors.bad_request("the body of the request must be a JSON or YAML object")
        kind = body.get("kind")
        api_version = body.get("apiVersion")
        if not kind:
            # As kube-apiserver's decoder: a built-in's kind comes from the URL; an unstructured (custom) one must
            # be in the body.
            if rt.custom:
                raise errors.bad_request(f"Object 'Kind' is missing in '{_short(body)}'")
            kind = body["kind"] = rt.kind
        if kind != rt.kind or (api_version and api_version != rt.api_version):
            raise errors.bad_request(
                f"the API version in the data ({api_version}) does not match the expected API version "
                f"({rt.api_version})"
                if kind == rt.kind
                else f"the kind in the data ({kind}) does not match the expected kind ({rt.kind})"
            )
        body["apiVersion"] = rt.api_version
        if not isinstance(body.get("metadata", {}), dict):
            raise errors.bad_request("metadata must be an object")
        meta(body)
        return body

    @staticmethod
    def _check_namespace(rt: ResourceType, obj: Object, namespace: str | None) -> None:
        m = meta(obj)
        if rt.namespaced:
            if m.get("namespace") and m["namespace"] != namespace:
                raise errors.bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            m["namespace"] = namespace
        else:
            m.pop("namespace", None)


def _short(body: dict[str, Any]) -> str:
    text = json.dumps(body, separators=(",", ":"))
    return text if len(text) <= 256 else text[:253] + "..."


__all__ = ["CAS_RETRIES", "MAX_OBJECT_BYTES", "APIError", "StoreBase"]
