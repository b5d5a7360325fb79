"""Escalation and bind checks on writes of roles and bindings (upstream: the RBAC registry's policy-based storage).

Nobody gains a permission by writing RBAC objects:

* a Role or ClusterRole may be written only by someone who already holds every permission it grants (in the
  role's namespace, or cluster-wide for a ClusterRole), or who may ``escalate`` on it; a ClusterRole with an
  ``aggregationRule`` needs full authority, since it can collect any rule;
* a RoleBinding or ClusterRoleBinding may be written only by someone who holds every permission of the role it
  refers to (in the binding's namespace, or cluster-wide), or who may ``bind`` that role.

The checks ask the whole authorization chain for ``escalate`` and ``bind``, so with ``--authorization-mode
AlwaysAllow`` they allow everything, as kube-apiserver's do; members of ``system:masters`` always pass.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kubelite.apiserver.admission import AdmissionPlugin, AdmissionRequest
from kubelite.apiserver.authorization.attributes import Attributes
from kubelite.apiserver.authorization.authorizer import Chain, RBACAuthorizer
from kubelite.apiserver.authorization.rules import ALL, Rule, rules_of
from kubelite.apiserver.errors import APIError
from kubelite.apiserver.user import UserInfo

RBAC = "rbac.authorization.k8s.io"
FULL_AUTHORITY = (
    Rule(frozenset({ALL}), frozenset({ALL}), frozenset({ALL})),
    Rule(frozenset({ALL}), non_resource_urls=(ALL,)),
)


def _atoms(rule: Rule) -> Iterator[Rule]:
    for verb in sorted(rule.verbs):
        for url in rule.non_resource_urls:
            yield Rule(frozenset({verb}), non_resource_urls=(url,))
        for group in sorted(rule.api_groups):
            for resource in sorted(rule.resources):
                for names in [frozenset({n}) for n in sorted(rule.resource_names)] or [frozenset[str]()]:
                    yield Rule(frozenset({verb}), frozenset({group}), frozenset({resource}), names)


def _covers(owner: Rule, atom: Rule) -> bool:
    (verb,) = atom.verbs
    if ALL not in owner.verbs and verb not in owner.verbs:
        return False
    if atom.non_resource_urls:
        (url,) = atom.non_resource_urls
        return any(
            o in (ALL, url) or (o.endswith("*") and url.startswith(o.rstrip("*"))) for o in owner.non_resource_urls
        )
    (group,) = atom.api_groups
    (resource,) = atom.resources
    if ALL not in owner.api_groups and group not in owner.api_groups:
        return False
    _, slash, sub = resource.partition("/")
    if ALL not in owner.resources and resource not in owner.resources and not (slash and f"*/{sub}" in owner.resources):
        return False
    if not owner.resource_names:
        return True
    return bool(atom.resource_names) and atom.resource_names <= owner.resource_names


def uncovered(owner: Sequence[Rule], servant: Sequence[Rule]) -> list[Rule]:
    """The atomic rules of ``servant`` that no rule of ``owner`` covers (upstream: ``validation.Covers``)."""
    return [atom for rule in servant for atom in _atoms(rule) if not any(_covers(o, atom) for o in owner)]


def _describe(rule: Rule) -> str:
    body = rule.as_dict()
    parts = []
    for key in ("apiGroups", "resources", "resourceNames", "nonResourceURLs", "verbs"):
        if key in body:
            parts.append(
                f"{key[0].upper()}{key[1:]}:[{' '.join(repr(v).replace(chr(39), chr(34)) for v in body[key])}]"
            )
    return "{" + ", ".join(parts) + "}"


def _user(user: UserInfo) -> str:
    groups = ",".join(f'"{g}"' for g in user.groups)
    return f'user "{user.name}" (groups=[{groups}])'


class RBACEscalation(AdmissionPlugin):
    name = "RBACEscalation"

    def __init__(self, chain: Chain, rbac: RBACAuthorizer) -> None:
        self._chain = chain
        self._rbac = rbac

    async def validate(self, request: AdmissionRequest) -> None:
        rt = request.resource
        if rt.group != RBAC or request.operation not in ("CREATE", "UPDATE") or request.object is None:
            return
        if request.subresource:
            return
        new, old = request.object, request.old_object or {}
        namespace = request.namespace if rt.namespaced else ""
        if rt.plural in ("roles", "clusterroles"):
            if (
                old
                and new.get("rules") == old.get("rules")
                and new.get("aggregationRule") == old.get("aggregationRule")
            ):
                return
            if self._may(request.user, "escalate", rt.plural, namespace, request.name):
                return
            wanted = FULL_AUTHORITY if new.get("aggregationRule") else rules_of(new)
            self._confirm(request, namespace, wanted)
        elif rt.plural in ("rolebindings", "clusterrolebindings"):
            if old and new.get("roleRef") == old.get("roleRef") and new.get("subjects") == old.get("subjects"):
                return
            ref = new.get("roleRef") or {}
            kind, name = str(ref.get("kind", "")), str(ref.get("name", ""))
            plural = "roles" if kind == "Role" else "clusterroles"
            if self._may(request.user, "bind", plural, namespace, name):
                return
            role_rules = self._rbac.cache.rules_of_role(kind, namespace, name)
            if role_rules is None:
                raise self._forbidden(request, f'{plural[:-1]}.{RBAC} "{name}" not found')
            self._confirm(request, namespace, role_rules)

    def _may(self, user: UserInfo, verb: str, plural: str, namespace: str, name: str) -> bool:
        attributes = Attributes(user, verb, namespace=namespace, api_group=RBAC, resource=plural, name=name)
        return self._chain.authorize(attributes).allowed

    def _confirm(self, request: AdmissionRequest, namespace: str, wanted: Sequence[Rule]) -> None:
        owned, _ = self._rbac.rules_for(Attributes(request.user, "", namespace=namespace))
        missing = uncovered(owned, wanted)
        if missing:
            held = "\n".join(_describe(r) for r in missing)
            raise self._forbidden(
                request, f"{_user(request.user)} is attempting to grant RBAC permissions not currently held:\n{held}"
            )

    @staticmethod
    def _forbidden(request: AdmissionRequest, message: str) -> APIError:
        rt = request.resource
        return APIError(
            403,
            "Forbidden",
            f'{rt.group_resource} "{request.name}" is forbidden: {message}',
            group=rt.group,
            kind=rt.plural,
            name=request.name,
        )
