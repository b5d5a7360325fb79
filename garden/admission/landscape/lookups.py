"""Lookups several plugins share: a namespace's project, a shoot's credentials binding and its quotas."""

from __future__ import annotations

from dataclasses import dataclass

from garden.admission.landscape.wire import (
    CORE_GROUP,
    CORE_VERSION,
    SECURITY_GROUP,
    SECURITY_VERSION,
    dicts,
    mapping,
    namespace_of,
    spec,
    text,
)
from garden.admission.request import Object, Reader

#: The namespace Gardener keeps its own configuration in (default domains, the ``garden`` project).
GARDEN_NAMESPACE = "garden"


async def project_for_namespace(reader: Reader, namespace: str) -> Object | None:
    """The Project whose ``spec.namespace`` is ``namespace``."""
    if not namespace:
        return None
    for project in await reader.list(CORE_GROUP, CORE_VERSION, "projects"):
        if text(spec(project).get("namespace")) == namespace:
            return project
    return None


@dataclass(frozen=True, slots=True)
class BindingRef:
    """How a shoot names its credentials: a SecretBinding or a CredentialsBinding in its namespace."""

    kind: str
    name: str
    #: The shoot field that names it.
    path: str

    @property
    def group(self) -> str:
        return SECURITY_GROUP if self.kind == "CredentialsBinding" else CORE_GROUP

    @property
    def version(self) -> str:
        return SECURITY_VERSION if self.kind == "CredentialsBinding" else CORE_VERSION

    @property
    def resource(self) -> str:
        return "credentialsbindings" if self.kind == "CredentialsBinding" else "secretbindings"


def binding_ref(shoot: Object | None) -> BindingRef | None:
    """The binding a wire Shoot names (``secretBindingName`` first, as Gardener reads it)."""
    shoot_spec = spec(shoot)
    name = text(shoot_spec.get("secretBindingName"))
    if name:
        return BindingRef("SecretBinding", name, "spec.secretBindingName")
    name = text(shoot_spec.get("credentialsBindingName"))
    if name:
        return BindingRef("CredentialsBinding", name, "spec.credentialsBindingName")
    return None


async def load_binding(reader: Reader, ref: BindingRef, namespace: str) -> Object | None:
    return await reader.get(ref.group, ref.version, ref.resource, namespace, ref.name)


def binding_provider_types(binding: Object) -> list[str]:
    """The provider types a binding is for: ``provider.type`` split at commas (``"aws,gcp"``)."""
    raw = text(mapping(binding.get("provider")).get("type"))
    return [part.strip() for part in raw.split(",") if part.strip()]


def quota_refs(binding: Object) -> list[tuple[str, str]]:
    """``(namespace, name)`` of each quota a binding names; a missing namespace is the binding's own."""
    own = namespace_of(binding)
    refs: list[tuple[str, str]] = []
    for quota in dicts(binding.get("quotas")):
        name = text(quota.get("name"))
        if name:
            refs.append((text(quota.get("namespace")) or own, name))
    return refs


#: Quota scopes by (apiVersion, kind): what the quota's shoots have in common.
QUOTA_SCOPES: dict[tuple[str, str], str] = {
    (f"{CORE_GROUP}/{CORE_VERSION}", "Project"): "project",
    ("v1", "Secret"): "credentials",
    (f"{SECURITY_GROUP}/{SECURITY_VERSION}", "WorkloadIdentity"): "credentials",
}


def quota_scope(quota: Object) -> str | None:
    """``project`` (all shoots of the project) or ``credentials`` (all shoots using bindings that name it)."""
    scope = mapping(spec(quota).get("scope"))
    return QUOTA_SCOPES.get((text(scope.get("apiVersion")), text(scope.get("kind"))))


__all__ = [
    "GARDEN_NAMESPACE",
    "QUOTA_SCOPES",
    "BindingRef",
    "binding_provider_types",
    "binding_ref",
    "load_binding",
    "project_for_namespace",
    "quota_refs",
    "quota_scope",
]
