"""Resource identity: what a REST resource is called, where it lives, and which strategy governs its objects.

A :class:`ResourceType` is one resource served at one group-version (``apps/v1`` ``deployments``). The same
resource served at several versions (a CRD with ``v1alpha1`` and ``v1``) is several ResourceTypes sharing one
``storage_key_prefix`` and one storage version; objects are stored once, in the storage version.

Identity is class-level metadata, kept apart from the objects themselves (which stay plain JSON dicts), as in
lightkube.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubelite.apiserver.strategy import Strategy
    from kubelite.apiserver.tables import Column

#: The verbs of a fully-featured resource, in the order kube-apiserver lists them in discovery.
STANDARD_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True, slots=True)
class ScaleSpec:
    """Where a resource keeps its replica counts, for the ``/scale`` subresource (JSON paths without the dot)."""

    spec_replicas_path: str = "spec.replicas"
    status_replicas_path: str = "status.replicas"
    label_selector_path: str | None = "status.selector"


@dataclass(frozen=True, slots=True)
class ResourceType:
    group: str
    version: str
    kind: str
    plural: str
    singular: str
    namespaced: bool
    strategy: Strategy
    list_kind: str = ""
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = STANDARD_VERBS
    #: True when ``/status`` is served: main-resource writes then keep the old status, and vice versa.
    status_subresource: bool = False
    scale: ScaleSpec | None = None
    #: Further subresources registered in code (``shoots/binding``); served by handlers looked up by name.
    extra_subresources: tuple[str, ...] = ()
    #: The version objects are stored in (equal to ``version`` for single-version resources).
    storage_version: str = ""
    #: Columns for server-side tables (``kubectl get``); empty means NAME and AGE only.
    columns: tuple[Column, ...] = ()
    #: A custom resource (from a CRD): list items keep apiVersion/kind, delete returns the object,
    #: strategic merge patch is refused (415).
    custom: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.list_kind:
            object.__setattr__(self, "list_kind", f"{self.kind}List")
        if not self.storage_version:
            object.__setattr__(self, "storage_version", self.version)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def storage_api_version(self) -> str:
        return f"{self.group}/{self.storage_version}" if self.group else self.storage_version

    @property
    def group_resource(self) -> str:
        """``deployments.apps``, or ``configmaps`` for the core group: the name errors use."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def storage_key_prefix(self) -> str:
        """Where objects of this resource live in storage (``/registry/<group>/<plural>/``), any version."""
        return f"/registry/{self.group or 'core'}/{self.plural}/"

    def key(self, namespace: str | None, name: str) -> str:
        if self.namespaced:
            return f"{self.storage_key_prefix}{namespace}/{name}"
        return f"{self.storage_key_prefix}{name}"

    def list_prefix(self, namespace: str | None) -> str:
        if self.namespaced and namespace:
            return f"{self.storage_key_prefix}{namespace}/"
        return self.storage_key_prefix

    @property
    def subresources(self) -> tuple[str, ...]:
        names: list[str] = []
        if self.status_subresource:
            names.append("status")
        if self.scale is not None:
            names.append("scale")
        names.extend(self.extra_subresources)
        return tuple(names)
