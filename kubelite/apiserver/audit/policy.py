"""``audit.k8s.io/v1`` Policy: which requests are logged, and how much of each.

Rules are tried in order and the first that matches gives the level: ``None`` (not logged), ``Metadata`` (who,
what, when, the response code), ``Request`` (and the request object, where kubelite records it), ``RequestResponse``
(and the response object). A request no rule matches is not logged. A rule matches when every field it sets
matches: ``users``, ``userGroups``, ``verbs``, ``namespaces`` (``""`` for cluster-scoped requests), ``resources``
(``group`` plus ``resources``, which may name ``pods/log``, ``*/status``, ``pods/*`` or ``*``, and
``resourceNames``), ``nonResourceURLs`` (a trailing ``*`` matches by prefix). ``omitStages`` (policy-wide and per
rule) drop stages from the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from kubelite.apiserver.authorization.attributes import Attributes
from kubelite.apiserver.authorization.rules import url_matches

Level = Literal["None", "Metadata", "Request", "RequestResponse"]
LEVELS: tuple[Level, ...] = ("None", "Metadata", "Request", "RequestResponse")
STAGES = ("RequestReceived", "ResponseStarted", "ResponseComplete", "Panic")


class PolicyError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class GroupResources:
    group: str = ""
    resources: tuple[str, ...] = ()
    resource_names: tuple[str, ...] = ()

    def matches(self, a: Attributes) -> bool:
        if a.api_group != self.group:
            return False
        if self.resources:
            candidates = {a.resource, a.combined_resource, "*"}
            if a.subresource:
                candidates |= {f"*/{a.subresource}", f"{a.resource}/*"}
            if not candidates & set(self.resources):
                return False
        return not self.resource_names or a.name in self.resource_names


@dataclass(frozen=True, slots=True)
class PolicyRule:
    level: Level
    users: tuple[str, ...] = ()
    user_groups: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()
    resources: tuple[GroupResources, ...] = ()
    non_resource_urls: tuple[str, ...] = ()
    omit_stages: tuple[str, ...] = ()

    def matches(self, a: Attributes) -> bool:
        if self.users and a.user.name not in self.users:
            return False
        if self.user_groups and not set(self.user_groups) & set(a.user.groups):
            return False
        if self.verbs and a.verb not in self.verbs:
            return False
        if self.resources or self.namespaces:
            if not a.resource_request:
                return False
            if self.namespaces and a.namespace not in self.namespaces:
                return False
            if self.resources and not any(r.matches(a) for r in self.resources):
                return False
        if self.non_resource_urls:
            return not a.resource_request and url_matches(self.non_resource_urls, a.path)
        return True


@dataclass(frozen=True, slots=True)
class Policy:
    rules: tuple[PolicyRule, ...] = ()
    omit_stages: tuple[str, ...] = ()

    def decide(self, a: Attributes) -> tuple[Level, frozenset[str]]:
        """The level of a request and the stages not to log."""
        for rule in self.rules:
            if rule.matches(a):
                return rule.level, frozenset(self.omit_stages) | frozenset(rule.omit_stages)
        return "None", frozenset()


#: With a log path but no policy file, everything is logged at Metadata (kube-apiserver needs a policy; kubelite
#: picks the useful default).
METADATA_ALL = Policy((PolicyRule("Metadata"),))


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"{where}.{key}: must be a list of strings")
    return tuple(value)


def _stages(raw: dict[str, Any], where: str) -> tuple[str, ...]:
    stages = _strings(raw, "omitStages", where)
    for stage in stages:
        if stage not in STAGES:
            raise PolicyError(f"{where}.omitStages: unknown stage {stage!r}; known: {', '.join(STAGES)}")
    return stages


def parse_policy(document: Any, source: str = "policy") -> Policy:
    if not isinstance(document, dict):
        raise PolicyError(f"{source}: not a YAML object")
    if document.get("kind") != "Policy" or document.get("apiVersion") not in ("audit.k8s.io/v1",):
        raise PolicyError(f"{source}: want apiVersion audit.k8s.io/v1, kind Policy")
    rules = []
    for index, raw in enumerate(document.get("rules") or []):
        where = f"{source}: rules[{index}]"
        if not isinstance(raw, dict):
            raise PolicyError(f"{where}: must be an object")
        level = raw.get("level")
        if level not in LEVELS:
            raise PolicyError(f"{where}.level: {level!r} is not one of {', '.join(LEVELS)}")
        resources = []
        for r_index, gr in enumerate(raw.get("resources") or []):
            if not isinstance(gr, dict):
                raise PolicyError(f"{where}.resources[{r_index}]: must be an object")
            resources.append(
                GroupResources(
                    str(gr.get("group", "")),
                    _strings(gr, "resources", f"{where}.resources[{r_index}]"),
                    _strings(gr, "resourceNames", f"{where}.resources[{r_index}]"),
                )
            )
        urls = _strings(raw, "nonResourceURLs", where)
        if urls and (resources or raw.get("namespaces")):
            raise PolicyError(f"{where}: nonResourceURLs cannot be combined with resources or namespaces")
        rules.append(
            PolicyRule(
                level,
                _strings(raw, "users", where),
                _strings(raw, "userGroups", where),
                _strings(raw, "verbs", where),
                _strings(raw, "namespaces", where),
                tuple(resources),
                urls,
                _stages(raw, where),
            )
        )
    return Policy(tuple(rules), _stages(document, source))


def load_policy(path: Path) -> Policy:
    try:
        document = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise PolicyError(f"{path}: {exc}") from None
    return parse_policy(document, str(path))


__all__ = ["METADATA_ALL", "Level", "Policy", "PolicyError", "PolicyRule", "load_policy", "parse_policy"]
