"""SecretBinding and CredentialsBinding: what they name exists, and does not change.

A SecretBinding's ``secretRef.namespace`` and its quotas' namespaces default to the binding's own. A binding names
its provider type; its credentials (a Secret must exist) and its quotas (which must exist, at most one per scope)
are fixed once created, as is the provider type. Gardener checks existence in its ResourceReferenceManager and
the rest in the bindings' static validation.
"""

from __future__ import annotations

from typing import Any

from garden.admission.errors import FieldError, check, forbidden, not_supported, required
from garden.admission.landscape.fields import immutable, not_found
from garden.admission.landscape.lookups import quota_scope
from garden.admission.landscape.wire import (
    CORE_GROUP,
    CORE_VERSION,
    SECURITY_GROUP,
    SECURITY_VERSION,
    dicts,
    mapping,
    meta,
    name_of,
    text,
    writes,
)
from garden.admission.request import Object, Plugin, Reader, Request

#: What a CredentialsBinding may refer to, by (apiVersion, kind).
CREDENTIALS_KINDS = (("v1", "Secret"), (f"{SECURITY_GROUP}/{SECURITY_VERSION}", "WorkloadIdentity"))


def _default_namespace(ref: object, namespace: str) -> None:
    if isinstance(ref, dict) and not text(ref.get("namespace")) and namespace:
        ref["namespace"] = namespace


def _provider_errors(binding: Object) -> list[FieldError]:
    provider = binding.get("provider")
    if not isinstance(provider, dict):
        return [required("provider", "must specify a provider")]
    if not text(provider.get("type")):
        return [required("provider.type", "must specify a provider type")]
    return []


def _immutable_errors(new: Object, old: Object, fields: tuple[str, ...]) -> list[FieldError]:
    problems = [immutable(key, new.get(key)) for key in fields if new.get(key) != old.get(key)]
    if isinstance(old.get("provider"), dict) and new.get("provider") != old["provider"]:
        problems.append(immutable("provider", new.get("provider")))
    return problems


class _BindingValidator(Plugin):
    """What both kinds of binding share: defaulted quota namespaces, existing quotas, one quota per scope."""

    group = ""
    resource = ""
    kind = ""
    #: The fields that name the credentials and quotas (immutable).
    fixed: tuple[str, ...] = ()

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    async def mutate(self, request: Request) -> None:
        if not writes(request, self.group, self.resource):
            return
        binding = request.object
        assert binding is not None
        own = request.namespace or text(meta(binding).get("namespace"))
        for quota in dicts(binding.get("quotas")):
            _default_namespace(quota, own)
        self.default(binding, own)

    def default(self, binding: Object, namespace: str) -> None:
        """Kind-specific defaults."""

    async def validate(self, request: Request) -> None:
        if not writes(request, self.group, self.resource):
            return
        binding = request.object
        assert binding is not None
        old = request.old_object if request.operation == "UPDATE" else None
        if old is not None and meta(binding).get("deletionTimestamp"):
            return
        name = request.name or name_of(binding)
        problems = self.static_errors(binding) + _provider_errors(binding)
        for i, quota in enumerate(dicts(binding.get("quotas"))):
            if not text(quota.get("name")):
                problems.append(required(f"quotas[{i}].name", "must provide a name"))
        if old is not None:
            problems += _immutable_errors(binding, old, self.fixed)
        check(self.kind, self.group, name, problems)
        if old is None or any(binding.get(key) != old.get(key) for key in self.fixed):
            check(
                self.kind, self.group, name, await self.credentials_errors(binding) + await self._quota_errors(binding)
            )

    def static_errors(self, binding: Object) -> list[FieldError]:
        return []

    async def credentials_errors(self, binding: Object) -> list[FieldError]:
        return []

    async def _secret_errors(self, path: str, ref: dict[str, Any], own: str) -> list[FieldError]:
        name, namespace = text(ref.get("name")), text(ref.get("namespace")) or own
        if name and await self.reader.get("", "v1", "secrets", namespace, name) is None:
            return [not_found(f"{path}.name", name, f'no Secret "{name}" in namespace "{namespace}"')]
        return []

    async def _quota_errors(self, binding: Object) -> list[FieldError]:
        problems: list[FieldError] = []
        scopes: dict[str, int] = {}
        own = text(meta(binding).get("namespace"))
        for i, ref in enumerate(dicts(binding.get("quotas"))):
            name, namespace = text(ref.get("name")), text(ref.get("namespace")) or own
            if not name:
                continue
            quota = await self.reader.get(CORE_GROUP, CORE_VERSION, "quotas", namespace, name)
            if quota is None:
                problems.append(not_found(f"quotas[{i}].name", name, f'no Quota "{name}" in namespace "{namespace}"'))
                continue
            scope = quota_scope(quota)
            if scope is None:
                continue
            scopes[scope] = scopes.get(scope, 0) + 1
            if scopes[scope] > 1:
                problems.append(
                    forbidden(f"quotas[{i}]", "only one quota per scope (project or secret) can be assigned")
                )
        return problems


class SecretBindingValidator(_BindingValidator):
    name = "SecretBindingValidator"
    group = CORE_GROUP
    resource = "secretbindings"
    kind = "SecretBinding"
    fixed = ("secretRef", "quotas")

    def default(self, binding: Object, namespace: str) -> None:
        _default_namespace(binding.get("secretRef"), namespace)

    def static_errors(self, binding: Object) -> list[FieldError]:
        if not text(mapping(binding.get("secretRef")).get("name")):
            return [required("secretRef.name", "must provide a name")]
        return []

    async def credentials_errors(self, binding: Object) -> list[FieldError]:
        return await self._secret_errors(
            "secretRef", mapping(binding.get("secretRef")), text(meta(binding).get("namespace"))
        )


class CredentialsBindingValidator(_BindingValidator):
    name = "CredentialsBindingValidator"
    group = SECURITY_GROUP
    resource = "credentialsbindings"
    kind = "CredentialsBinding"
    fixed = ("credentialsRef", "quotas")

    def default(self, binding: Object, namespace: str) -> None:
        _default_namespace(binding.get("credentialsRef"), namespace)

    def static_errors(self, binding: Object) -> list[FieldError]:
        ref = mapping(binding.get("credentialsRef"))
        problems: list[FieldError] = []
        if not text(ref.get("name")):
            problems.append(required("credentialsRef.name", "must provide a name"))
        target = (text(ref.get("apiVersion")), text(ref.get("kind")))
        if target not in CREDENTIALS_KINDS:
            problems.append(
                not_supported(
                    "credentialsRef",
                    f"{target[0]}, Kind={target[1]}",
                    [f"{api_version}, Kind={kind}" for api_version, kind in CREDENTIALS_KINDS],
                )
            )
        return problems

    async def credentials_errors(self, binding: Object) -> list[FieldError]:
        ref = mapping(binding.get("credentialsRef"))
        if (text(ref.get("apiVersion")), text(ref.get("kind"))) != ("v1", "Secret"):
            return []  # WorkloadIdentities are not served by this garden
        return await self._secret_errors("credentialsRef", ref, text(meta(binding).get("namespace")))


__all__ = ["CREDENTIALS_KINDS", "CredentialsBindingValidator", "SecretBindingValidator"]
