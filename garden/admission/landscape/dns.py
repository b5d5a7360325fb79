"""ShootDNS: shoots get a domain below one of the landscape's default domains, and no two shoots share one.

Default domains are Secrets in the ``garden`` namespace labelled ``gardener.cloud/role=default-domain`` and
annotated with ``dns.gardener.cloud/domain`` and ``dns.gardener.cloud/provider``; the one with the highest
``dns.gardener.cloud/domain-default-priority`` comes first (then by name). A new shoot without ``spec.dns.domain``
(and without a primary DNS provider of its own, or ``unmanaged`` DNS) gets ``<shoot>.<project>.<default domain>``.
Gardener assigns it when the shoot is scheduled; here it is assigned on creation, as nothing else fills it in later.

A domain below a default domain must be exactly ``<shoot>.<project>.<default domain>`` (so shoots cannot take
names from other projects), the domain cannot change once set, and no shoot may use the domain of another one,
or a domain below or above it. A landscape without default domains (the local one) accepts shoots without any.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from garden.admission.errors import FieldError, check, duplicate, forbidden, invalid
from garden.admission.landscape.fields import immutable
from garden.admission.landscape.lookups import GARDEN_NAMESPACE, project_for_namespace
from garden.admission.landscape.references import shoot_name
from garden.admission.landscape.wire import (
    CORE_GROUP,
    CORE_VERSION,
    annotations_of,
    dicts,
    mapping,
    meta,
    name_of,
    namespace_of,
    spec,
    text,
    writes,
)
from garden.admission.request import Plugin, Reader, Request

ROLE_LABEL = "gardener.cloud/role"
DEFAULT_DOMAIN_ROLE = "default-domain"
DOMAIN_ANNOTATION = "dns.gardener.cloud/domain"
PROVIDER_ANNOTATION = "dns.gardener.cloud/provider"
PRIORITY_ANNOTATION = "dns.gardener.cloud/domain-default-priority"
UNMANAGED = "unmanaged"


@dataclass(frozen=True, slots=True)
class DefaultDomain:
    domain: str
    provider: str
    secret: str


async def default_domains(reader: Reader) -> list[DefaultDomain]:
    """The landscape's default domains, the preferred one first."""
    found: list[tuple[int, str, DefaultDomain]] = []
    for secret in await reader.list("", "v1", "secrets", GARDEN_NAMESPACE):
        if text(mapping(meta(secret).get("labels")).get(ROLE_LABEL)) != DEFAULT_DOMAIN_ROLE:
            continue
        notes = annotations_of(secret)
        domain = text(notes.get(DOMAIN_ANNOTATION)).strip(".")
        if not domain:
            continue
        try:
            priority = int(text(notes.get(PRIORITY_ANNOTATION)) or "0")
        except ValueError:
            priority = 0
        name = name_of(secret)
        found.append((-priority, name, DefaultDomain(domain, text(notes.get(PROVIDER_ANNOTATION)), name)))
    return [entry for _, _, entry in sorted(found, key=lambda item: (item[0], item[1]))]


def primary_provider(dns: dict[str, Any]) -> dict[str, Any] | None:
    return next((p for p in dicts(dns.get("providers")) if p.get("primary") is True), None)


def unmanaged(dns: dict[str, Any]) -> bool:
    primary = primary_provider(dns)
    return primary is not None and text(primary.get("type")) == UNMANAGED


def below(domain: str, parent: str) -> bool:
    return domain.endswith("." + parent)


def intersect(a: str, b: str) -> bool:
    """The same domain, or one below the other."""
    return a == b or below(a, b) or below(b, a)


class ShootDNS(Plugin):
    name = "ShootDNS"

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    async def mutate(self, request: Request) -> None:
        if request.operation != "CREATE" or not writes(request, CORE_GROUP, "shoots"):
            return
        shoot = request.object
        assert shoot is not None
        shoot_spec = shoot.get("spec")
        dns = shoot_spec.get("dns", {}) if isinstance(shoot_spec, dict) else None
        if not isinstance(shoot_spec, dict) or not isinstance(dns, dict):
            return
        if text(dns.get("domain")) or primary_provider(dns) is not None:
            return
        name = request.name or name_of(shoot)
        domains = await default_domains(self.reader)
        project = await project_for_namespace(self.reader, request.namespace) if domains and name else None
        if project is None:
            return
        dns["domain"] = f"{name}.{name_of(project)}.{domains[0].domain}"
        shoot_spec["dns"] = dns

    async def validate(self, request: Request) -> None:
        if not writes(request, CORE_GROUP, "shoots"):
            return
        shoot = request.object
        old = request.old_object if request.operation == "UPDATE" else None
        dns = mapping(spec(shoot).get("dns"))
        domain = text(dns.get("domain"))
        old_domain = text(mapping(spec(old).get("dns")).get("domain"))
        name = shoot_name(request)
        problems: list[FieldError] = []
        if old is not None and old_domain and domain != old_domain:
            problems.append(immutable("spec.dns.domain", domain or None))
        changed = bool(domain) and (old is None or domain != old_domain)
        if changed and not unmanaged(dns):
            problems += await self._default_domain_errors(request, name, dns, domain)
        check("Shoot", CORE_GROUP, name, problems)
        if changed:
            check("Shoot", CORE_GROUP, name, await self._unique(request, domain))

    async def _default_domain_errors(
        self, request: Request, name: str, dns: dict[str, Any], domain: str
    ) -> list[FieldError]:
        for default in await default_domains(self.reader):
            if not below(domain, default.domain):
                continue
            problems: list[FieldError] = []
            if primary_provider(dns) is not None:
                problems.append(
                    forbidden("spec.dns.providers", "primary dns provider must not be set when default domain is used")
                )
            project = await project_for_namespace(self.reader, request.namespace)
            if project is None:
                return problems  # ShootReferences refuses the shoot
            expected = f"{name}.{name_of(project)}.{default.domain}"
            prefix = text(meta(request.object).get("generateName"))
            actual = request.name or name_of(request.object)
            generated = bool(prefix) and (not actual or actual.startswith(prefix))
            if generated:
                if not below(domain, f"{name_of(project)}.{default.domain}"):
                    problems.append(
                        invalid(
                            "spec.dns.domain",
                            domain,
                            "shoot with 'metadata.generateName' uses a default domain but does not match the "
                            f"scheme <random-subdomain>.<project-name>.<default-domain> (*.{name_of(project)}."
                            f"{default.domain})",
                        )
                    )
            elif domain != expected:
                problems.append(
                    invalid(
                        "spec.dns.domain",
                        domain,
                        "shoot uses a default domain but does not match the scheme "
                        f"<shoot-name>.<project-name>.<default-domain> (expected '{expected}')",
                    )
                )
            return problems
        return []

    async def _unique(self, request: Request, domain: str) -> list[FieldError]:
        name = request.name or name_of(request.object)
        for other in await self.reader.list(CORE_GROUP, CORE_VERSION, "shoots"):
            if name_of(other) == name and namespace_of(other) == request.namespace:
                continue
            taken = text(mapping(spec(other).get("dns")).get("domain"))
            if not taken:
                continue
            if taken == domain:
                return [duplicate("spec.dns.domain", domain)]
            if intersect(taken, domain):
                return [
                    forbidden(
                        "spec.dns.domain",
                        "the domain is already used by another shoot or it is a subdomain of an already used domain",
                    )
                ]
        return []


__all__ = ["DefaultDomain", "ShootDNS", "default_domains", "intersect"]
