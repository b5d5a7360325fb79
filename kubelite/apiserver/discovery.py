"""API discovery documents, legacy (``APIVersions``/``APIGroupList``/``APIResourceList``) and aggregated
(``apidiscovery.k8s.io`` v2 and v2beta1 ``APIGroupDiscoveryList``), built from the registry.

kopf reads only the legacy documents, kubectl prefers the aggregated ones. Documents are cached per registry
generation, so a CRD shows up in discovery with the very next request after it is established.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from kubelite.apiserver.registry import Registry
from kubelite.apiserver.resources import ResourceType

SUBRESOURCE_VERBS = {"status": ["get", "patch", "update"], "scale": ["get", "patch", "update"], "log": ["get"]}
#: What a subresource takes or returns, when not the resource's own kind: (group, version, kind); None keeps the
#: resource's group and version. kubectl drain looks for ``pods/eviction`` as policy/v1 Eviction.
SUBRESOURCE_KINDS: dict[str, tuple[str | None, str | None, str]] = {
    "scale": ("autoscaling", "v1", "Scale"),
    "eviction": ("policy", "v1", "Eviction"),
    "binding": (None, None, "Binding"),
}


def _subresource_kind(rt: ResourceType, sub: str) -> dict[str, str]:
    group, version, kind = SUBRESOURCE_KINDS.get(sub, (None, None, rt.kind))
    return {
        "group": rt.group if group is None else group,
        "version": rt.version if version is None else version,
        "kind": kind,
    }


class Discovery:
    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._cache: dict[tuple[Any, ...], dict[str, Any]] = {}
        self._cache_generation = -1

    def _cached(self, key: tuple[Any, ...], build: Any) -> dict[str, Any]:
        if self._cache_generation != self._registry.generation:
            self._cache.clear()
            self._cache_generation = self._registry.generation
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    # -- legacy ---------------------------------------------------------------------------------------------------

    def api_versions(self, server_address: str) -> dict[str, Any]:
        return {
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
        }

    def api_group_list(self) -> dict[str, Any]:
        return self._cached(
            ("groups",),
            lambda: {
                "kind": "APIGroupList",
                "apiVersion": "v1",
                "groups": [self._api_group(gv.group) for gv in self._registry.groups() if gv.group],
            },
        )

    def api_group(self, group: str) -> dict[str, Any] | None:
        if not any(gv.group == group for gv in self._registry.groups()) or not group:
            return None
        return self._cached(("group", group), lambda: self._api_group(group))

    def _api_group(self, group: str) -> dict[str, Any]:
        gv = next(g for g in self._registry.groups() if g.group == group)
        versions = [{"groupVersion": f"{group}/{v}", "version": v} for v in gv.versions]
        return {
            "kind": "APIGroup",
            "apiVersion": "v1",
            "name": group,
            "versions": versions,
            "preferredVersion": versions[0],
        }

    def api_resource_list(self, group: str, version: str) -> dict[str, Any] | None:
        types = self._registry.resources_in(group, version)
        if not types:
            return None
        return self._cached(("resources", group, version), lambda: self._api_resource_list(group, version, types))

    def _api_resource_list(self, group: str, version: str, types: list[ResourceType]) -> dict[str, Any]:
        resources: list[dict[str, Any]] = []
        for rt in sorted(types, key=lambda r: r.plural):
            entry: dict[str, Any] = {
                "name": rt.plural,
                "singularName": rt.singular,
                "namespaced": rt.namespaced,
                "kind": rt.kind,
                "verbs": list(rt.verbs),
            }
            if rt.short_names:
                entry["shortNames"] = list(rt.short_names)
            if rt.categories:
                entry["categories"] = list(rt.categories)
            entry["storageVersionHash"] = _storage_version_hash(rt)
            resources.append(entry)
            for sub in rt.subresources:
                sub_entry: dict[str, Any] = {
                    "name": f"{rt.plural}/{sub}",
                    "singularName": "",
                    "namespaced": rt.namespaced,
                    "kind": rt.kind,
                    "verbs": SUBRESOURCE_VERBS.get(sub, ["create"]),
                }
                if sub in SUBRESOURCE_KINDS:
                    sub_entry.update(_subresource_kind(rt, sub))
                resources.append(sub_entry)
        return {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": f"{group}/{version}" if group else version,
            "resources": resources,
        }

    # -- aggregated -----------------------------------------------------------------------------------------------

    def aggregated(self, legacy: bool, api_version: str) -> dict[str, Any]:
        """``APIGroupDiscoveryList`` for /api (``legacy``) or /apis, in ``apidiscovery.k8s.io/<version>``."""
        return self._cached(("aggregated", legacy, api_version), lambda: self._aggregated(legacy, api_version))

    def _aggregated(self, legacy: bool, api_version: str) -> dict[str, Any]:
        items = []
        for gv in self._registry.groups():
            if bool(gv.group) == legacy:
                continue
            versions = []
            for version in gv.versions:
                resources = [
                    self._aggregated_resource(rt)
                    for rt in sorted(self._registry.resources_in(gv.group, version), key=lambda r: r.plural)
                ]
                versions.append({"version": version, "resources": resources, "freshness": "Current"})
            items.append({"metadata": {"name": gv.group, "creationTimestamp": None}, "versions": versions})
        return {"kind": "APIGroupDiscoveryList", "apiVersion": api_version, "metadata": {}, "items": items}

    @staticmethod
    def _aggregated_resource(rt: ResourceType) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "resource": rt.plural,
            "responseKind": {"group": rt.group, "version": rt.version, "kind": rt.kind},
            "scope": "Namespaced" if rt.namespaced else "Cluster",
            "singularResource": rt.singular,
            "verbs": list(rt.verbs),
        }
        if rt.short_names:
            entry["shortNames"] = list(rt.short_names)
        if rt.categories:
            entry["categories"] = list(rt.categories)
        subresources = []
        for sub in rt.subresources:
            subresources.append(
                {
                    "subresource": sub,
                    "responseKind": _subresource_kind(rt, sub),
                    "verbs": SUBRESOURCE_VERBS.get(sub, ["create"]),
                }
            )
        if subresources:
            entry["subresources"] = subresources
        return entry

    def etag(self, document: dict[str, Any]) -> str:
        return '"' + hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:32] + '"'


def _storage_version_hash(rt: ResourceType) -> str:
    """Upstream: base64 of the first 8 bytes of sha256("group/version/kind") of the storage version."""
    digest = hashlib.sha256(f"{rt.group}/{rt.storage_version}/{rt.kind}".encode()).digest()
    return base64.b64encode(digest[:8]).decode()
