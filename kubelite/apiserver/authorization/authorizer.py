"""Authorizers and the chain ``--authorization-mode`` builds from them.

Each authorizer answers allow, deny or no opinion (with a reason); the chain asks them in order and the first
answer that is not "no opinion" decides; when all abstain the request is denied. Members of ``system:masters`` are
allowed everything before the chain runs, as kube-apiserver's privileged-group authorizer does.

Modes (comma-separated, in order): ``AlwaysAllow`` (the default, as kube-apiserver's: every authenticated request is
allowed), ``AlwaysDeny``, ``RBAC``, ``Node`` (a simplified node authorizer: users ``system:node:<name>`` in group
``system:nodes`` get the rules of the ``system:node`` ClusterRole). ``Webhook`` and ``ABAC`` are not offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from kubelite.apiserver.authorization.attributes import Attributes
from kubelite.apiserver.authorization.cache import RBACCache
from kubelite.apiserver.authorization.rules import Rule

Decision = Literal["allow", "deny", "no-opinion"]
MODES = ("AlwaysAllow", "AlwaysDeny", "RBAC", "Node")
PRIVILEGED_GROUP = "system:masters"
NODES_GROUP = "system:nodes"
NODE_ROLE = "system:node"


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Decision
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"


ALLOW = Verdict("allow")
NO_OPINION = Verdict("no-opinion")


class Authorizer(Protocol):
    def authorize(self, attributes: Attributes) -> Verdict: ...


class AlwaysAllow:
    def authorize(self, attributes: Attributes) -> Verdict:
        return ALLOW


class AlwaysDeny:
    def authorize(self, attributes: Attributes) -> Verdict:
        return Verdict("deny", "Everything is forbidden.")


class RBACAuthorizer:
    """Allows what a Role or ClusterRole bound to the user allows; otherwise no opinion (the chain then denies)."""

    def __init__(self, cache: RBACCache) -> None:
        self.cache = cache

    def authorize(self, attributes: Attributes) -> Verdict:
        missing: list[str] = []
        for binding in self.cache.bindings_for(attributes.user, attributes.namespace):
            rules = self.cache.role_rules(binding)
            if rules is None:
                kind = "role" if binding.role_kind == "Role" else "clusterrole"
                missing.append(f'{kind}.rbac.authorization.k8s.io "{binding.role_name}" not found')
                continue
            for rule in rules:
                if rule.allows(attributes):
                    return Verdict("allow", f"RBAC: allowed by {binding.describe()}")
        if missing:
            return Verdict(
                "no-opinion", "RBAC: " + ", ".join(missing) if len(missing) == 1 else f"RBAC: [{', '.join(missing)}]"
            )
        return NO_OPINION

    def rules_for(self, attributes: Attributes) -> tuple[list[Rule], list[str]]:
        """Every rule that applies to the user in ``attributes.namespace``, and the errors met (missing roles)."""
        rules: list[Rule] = []
        errors: list[str] = []
        for binding in self.cache.bindings_for(attributes.user, attributes.namespace):
            found = self.cache.role_rules(binding)
            if found is None:
                errors.append(f"{binding.describe()}: role not found")
            else:
                rules.extend(found)
        return rules, errors


class NodeAuthorizer:
    """Simplified: a node (``system:node:<name>`` in ``system:nodes``) may do what the ``system:node`` ClusterRole
    allows. Upstream also limits a node to the objects of its own pods; kubelite does not (see docs)."""

    def __init__(self, cache: RBACCache) -> None:
        self.cache = cache

    def authorize(self, attributes: Attributes) -> Verdict:
        user = attributes.user
        if NODES_GROUP not in user.groups or not user.name.startswith("system:node:"):
            return NO_OPINION
        for rule in self.cache.rules_of_role("ClusterRole", "", NODE_ROLE) or ():
            if rule.allows(attributes):
                return Verdict("allow", "allowed as a node")
        return NO_OPINION


class Chain:
    """The authorizers of ``--authorization-mode`` in order, behind the ``system:masters`` bypass."""

    def __init__(self, authorizers: Sequence[Authorizer], *, enforcing: bool) -> None:
        self.authorizers = list(authorizers)
        #: False for plain AlwaysAllow: nothing is ever denied (and list filtering is moot).
        self.enforcing = enforcing

    def authorize(self, attributes: Attributes) -> Verdict:
        if PRIVILEGED_GROUP in attributes.user.groups:
            return ALLOW
        reasons: list[str] = []
        for authorizer in self.authorizers:
            verdict = authorizer.authorize(attributes)
            if verdict.decision != "no-opinion":
                return verdict
            if verdict.reason:
                reasons.append(verdict.reason)
        return Verdict("deny", "; ".join(reasons))


def parse_modes(text: str) -> list[str]:
    """The modes of ``--authorization-mode``; raises ValueError naming an unknown or repeated one."""
    modes = [m.strip() for m in text.split(",") if m.strip()]
    if not modes:
        raise ValueError("at least one authorization mode is required")
    for mode in modes:
        if mode not in MODES:
            raise ValueError(f"unknown authorization mode {mode!r}; supported: {', '.join(MODES)}")
    if len(set(modes)) != len(modes):
        raise ValueError(f"authorization mode given twice: {text}")
    return modes


def build_chain(modes: Sequence[str], cache: RBACCache, extra: Sequence[Authorizer] = ()) -> Chain:
    """The chain for ``modes``; ``extra`` authorizers (a layer above kubelite's) go first, as webhooks would."""
    authorizers: list[Authorizer] = list(extra)
    for mode in modes:
        match mode:
            case "AlwaysAllow":
                authorizers.append(AlwaysAllow())
            case "AlwaysDeny":
                authorizers.append(AlwaysDeny())
            case "RBAC":
                authorizers.append(RBACAuthorizer(cache))
            case "Node":
                authorizers.append(NodeAuthorizer(cache))
    return Chain(authorizers, enforcing=modes[0] != "AlwaysAllow")
