"""The registry of served resources: built-ins registered at start, CRDs added and removed while serving.

Lookups are by URL (group, version, plural), by storage key (for the in-server controllers), and by group (for
discovery). Every change bumps :attr:`Registry.generation`, so discovery and OpenAPI documents built from the
registry can be cached until the next change.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kubelite.apiserver.resources import ResourceType
from kubelite.apiserver.tables import Column


@dataclass(frozen=True, slots=True)
class Overlay:
    """What a layer above kubelite adds to a resource however it is registered (built in or by a CRD).

    ``columns`` replace the table columns (upstream: an aggregated server's TableConvertor, which can compute
    cells a CRD's JSONPath columns cannot); ``subresources`` are listed in discovery and served by handlers
    registered with the ResourceHandler.
    """

    columns: tuple[Column, ...] = ()
    subresources: tuple[str, ...] = ()

    def apply(self, rt: ResourceType) -> ResourceType:
        changes: dict[str, object] = {}
        if self.columns:
            changes["columns"] = self.columns
        extra = tuple(s for s in self.subresources if s not in rt.extra_subresources)
        if extra:
            changes["extra_subresources"] = rt.extra_subresources + extra
        return dataclasses.replace(rt, **changes) if changes else rt  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class GroupVersions:
    group: str
    #: Served versions, the preferred one first (kube orders by version priority: v1 > v1beta1 > v1alpha1).
    versions: tuple[str, ...]

    @property
    def preferred(self) -> str:
        return self.versions[0]


def version_priority(version: str) -> tuple[int, int, int, str]:
    """Kubernetes version ordering: GA > beta > alpha > anything else; higher numbers first within each."""
    m = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if not m:
        return (3, 0, 0, version)
    major = int(m.group(1))
    stage = {"": 0, "beta": 1, "alpha": 2}[m.group(2) or ""]
    minor = int(m.group(3) or 0)
    return (stage, -major, -minor, version)


class Registry:
    def __init__(self) -> None:
        self._by_url: dict[tuple[str, str, str], ResourceType] = {}
        #: group order as registered; kube lists the legacy group first, then groups in registration order.
        self._group_order: list[str] = []
        self._overlays: dict[tuple[str, str], Overlay] = {}
        self.generation = 0

    def overlay(self, group: str, plural: str, overlay: Overlay) -> None:
        """Apply ``overlay`` to every version of ``plural.group``, now and whenever it is (re)registered."""
        self._overlays[(group, plural)] = overlay
        for key, rt in list(self._by_url.items()):
            if key[0] == group and key[2] == plural:
                self._by_url[key] = overlay.apply(rt)
        self.generation += 1

    def register(self, rt: ResourceType) -> None:
        overlay = self._overlays.get((rt.group, rt.plural))
        if overlay is not None:
            rt = overlay.apply(rt)
        self._by_url[(rt.group, rt.version, rt.plural)] = rt
        if rt.group not in self._group_order:
            self._group_order.append(rt.group)
        self.generation += 1

    def register_all(self, types: Iterable[ResourceType]) -> None:
        for rt in types:
            self.register(rt)

    def unregister(self, group: str, plural: str) -> None:
        """Drop every version of ``plural.group`` (a CRD was deleted or changed its versions)."""
        for key in [k for k in self._by_url if k[0] == group and k[2] == plural]:
            del self._by_url[key]
        if not any(k[0] == group for k in self._by_url) and group in self._group_order:
            self._group_order.remove(group)
        self.generation += 1

    def get(self, group: str, version: str, plural: str) -> ResourceType | None:
        return self._by_url.get((group, version, plural))

    def __iter__(self) -> Iterator[ResourceType]:
        return iter(list(self._by_url.values()))

    def storage_resources(self) -> list[ResourceType]:
        """One ResourceType per stored resource (its storage version), e.g. for the garbage collector."""
        seen: dict[str, ResourceType] = {}
        for rt in self._by_url.values():
            if rt.version == rt.storage_version:
                seen[rt.storage_key_prefix] = rt
        return list(seen.values())

    def groups(self) -> list[GroupVersions]:
        result = []
        for group in self._group_order:
            versions = {k[1] for k in self._by_url if k[0] == group}
            if versions:
                result.append(GroupVersions(group, tuple(sorted(versions, key=version_priority))))
        return result

    def resources_in(self, group: str, version: str) -> list[ResourceType]:
        return [rt for (g, v, _), rt in self._by_url.items() if g == group and v == version]

    def for_storage_key(self, key: str) -> ResourceType | None:
        """The storage-version ResourceType owning a storage key."""
        for rt in self.storage_resources():
            if key.startswith(rt.storage_key_prefix):
                return rt
        return None
