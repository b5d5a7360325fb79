"""RBAC policy rules and how they match a request, as ``rbac/v1`` defines them (upstream: ``RuleAllows``).

A rule allows a resource request when a verb, an API group, a resource and (if it lists any) a resource name all
match; ``*`` matches anything in its list, and a resource ``*/<sub>`` matches that subresource of every resource.
A rule allows a non-resource request when a verb and a URL match, where a URL ending in ``*`` matches by prefix.
A rule with non-resource URLs has no API groups, so it never matches a resource request, and vice versa.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kubelite.apiserver.authorization.attributes import Attributes

ALL = "*"


@dataclass(frozen=True, slots=True)
class Rule:
    verbs: frozenset[str] = frozenset()
    api_groups: frozenset[str] = frozenset()
    resources: frozenset[str] = frozenset()
    resource_names: frozenset[str] = frozenset()
    non_resource_urls: tuple[str, ...] = ()

    @classmethod
    def of(cls, raw: Mapping[str, Any]) -> Rule:
        """A rule from its JSON form; anything not a list of strings counts as empty."""

        def strings(key: str) -> list[str]:
            value = raw.get(key)
            return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

        return cls(
            frozenset(strings("verbs")),
            frozenset(strings("apiGroups")),
            frozenset(strings("resources")),
            frozenset(strings("resourceNames")),
            tuple(strings("nonResourceURLs")),
        )

    def as_dict(self) -> dict[str, list[str]]:
        """The JSON form, sorted (as SelfSubjectRulesReview answers): empty lists left out, verbs always present."""
        body: dict[str, list[str]] = {"verbs": sorted(self.verbs)}
        for key, values in (
            ("apiGroups", self.api_groups),
            ("resources", self.resources),
            ("resourceNames", self.resource_names),
            ("nonResourceURLs", self.non_resource_urls),
        ):
            if values:
                body[key] = sorted(values)
        return body

    def allows(self, attributes: Attributes) -> bool:
        if ALL not in self.verbs and attributes.verb not in self.verbs:
            return False
        if not attributes.resource_request:
            return url_matches(self.non_resource_urls, attributes.path)
        if ALL not in self.api_groups and attributes.api_group not in self.api_groups:
            return False
        if not resource_matches(self.resources, attributes.combined_resource, attributes.subresource):
            return False
        return not self.resource_names or attributes.name in self.resource_names


def resource_matches(resources: Iterable[str], combined: str, subresource: str) -> bool:
    for resource in resources:
        if resource in (ALL, combined):
            return True
        if subresource and resource == f"*/{subresource}":
            return True
    return False


def url_matches(urls: Iterable[str], path: str) -> bool:
    for url in urls:
        if url in (ALL, path):
            return True
        if url.endswith("*") and path.startswith(url.rstrip("*")):
            return True
    return False


def rules_of(role: Mapping[str, Any] | None) -> tuple[Rule, ...]:
    """The rules of a Role or ClusterRole object (none for a missing role or a malformed rules field)."""
    raw = (role or {}).get("rules")
    if not isinstance(raw, list):
        return ()
    return tuple(Rule.of(r) for r in raw if isinstance(r, dict))
