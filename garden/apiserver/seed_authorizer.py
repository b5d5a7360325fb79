"""A simplified SeedAuthorizer: a gardenlet reaches its own seed's shoots and the secrets they use, nothing more.

A gardenlet authenticates as ``gardener.cloud:system:seed:<seed>`` in group ``gardener.cloud:system:seeds`` (a
client certificate). For that identity this authorizer decides, before RBAC:

* shoots (and ``shoots/status``): ``list`` and ``watch`` are allowed (as upstream, which cannot filter a
  collection); ``get``, ``update`` and ``patch`` only for shoots whose ``spec.seedName`` or ``status.seedName`` is
  the gardenlet's seed; anything else is denied;
* secrets: ``get``, ``update`` and ``patch`` only of a Secret a SecretBinding or CredentialsBinding names that one of
  the seed's shoots uses; anything else on secrets is denied;
* seeds: its own seed may be read and written; other seeds may only be read.

Every other request of a gardenlet, and every request of anyone else, gets no opinion here (RBAC decides).
Upstream walks a graph of all references (config maps, backup entries, managed seeds...); this one knows the three
resources above.
"""

from __future__ import annotations

from collections.abc import Iterator

from garden.apiserver.informer import Informer
from kubelite.apiserver.authorization.attributes import Attributes
from kubelite.apiserver.authorization.authorizer import NO_OPINION, Verdict
from kubelite.apiserver.objects import Object

SEEDS_GROUP = "gardener.cloud:system:seeds"
SEED_PREFIX = "gardener.cloud:system:seed:"
CORE = "core.gardener.cloud"
SECURITY = "security.gardener.cloud"

ALLOW = Verdict("allow", "allowed by the seed authorizer")


def seed_of(attributes: Attributes) -> str | None:
    user = attributes.user
    if SEEDS_GROUP not in user.groups or not user.name.startswith(SEED_PREFIX):
        return None
    return user.name.removeprefix(SEED_PREFIX) or None


def _deny(seed: str, what: str) -> Verdict:
    return Verdict("deny", f'the gardenlet of seed "{seed}" may not {what}')


class SeedAuthorizer:
    def __init__(self, shoots: Informer, secret_bindings: Informer, credentials_bindings: Informer) -> None:
        self._shoots = shoots
        self._secret_bindings = secret_bindings
        self._credentials_bindings = credentials_bindings

    def authorize(self, attributes: Attributes) -> Verdict:
        seed = seed_of(attributes)
        if seed is None or not attributes.resource_request:
            return NO_OPINION
        match (attributes.api_group, attributes.resource):
            case (group, "shoots") if group == CORE:
                return self._shoot(seed, attributes)
            case ("", "secrets"):
                return self._secret(seed, attributes)
            case (group, "seeds") if group == CORE:
                if attributes.verb in ("get", "list", "watch") or attributes.name == seed:
                    return ALLOW
                return _deny(seed, f'{attributes.verb} seed "{attributes.name}"')
        return NO_OPINION

    def _shoot(self, seed: str, a: Attributes) -> Verdict:
        if a.verb in ("list", "watch") and not a.name:
            return ALLOW
        if a.verb not in ("get", "list", "watch", "update", "patch") or a.subresource not in ("", "status"):
            return _deny(seed, f"{a.verb} {a.combined_resource}")
        shoot = self._shoots.get(a.namespace, a.name)
        if shoot is not None and seed in _seed_names(shoot):
            return ALLOW
        return _deny(seed, f'{a.verb} shoot "{a.namespace}/{a.name}", which is not on its seed')

    def _secret(self, seed: str, a: Attributes) -> Verdict:
        if a.verb in ("get", "update", "patch") and (a.namespace, a.name) in set(self._secrets_of(seed)):
            return ALLOW
        return _deny(seed, f'{a.verb} secret "{a.namespace}/{a.name}"')

    def _secrets_of(self, seed: str) -> Iterator[tuple[str, str]]:
        for shoot in self._shoots.items():
            if seed not in _seed_names(shoot):
                continue
            namespace = str((shoot.get("metadata") or {}).get("namespace", ""))
            spec = shoot.get("spec") or {}
            if spec.get("secretBindingName"):
                binding = self._secret_bindings.get(namespace, str(spec["secretBindingName"]))
                ref = (binding or {}).get("secretRef") or {}
                if ref.get("name"):
                    yield (str(ref.get("namespace") or namespace), str(ref["name"]))
            if spec.get("credentialsBindingName"):
                binding = self._credentials_bindings.get(namespace, str(spec["credentialsBindingName"]))
                ref = (binding or {}).get("credentialsRef") or {}
                if ref.get("kind") == "Secret" and ref.get("name"):
                    yield (str(ref.get("namespace") or namespace), str(ref["name"]))


def _seed_names(shoot: Object) -> set[str]:
    names = {(shoot.get("spec") or {}).get("seedName"), (shoot.get("status") or {}).get("seedName")}
    return {str(n) for n in names if n}
