"""The RBAC objects a Project gets, as Gardener's ``projectrbac`` component writes them (pure: no API calls).

Per project ``<p>`` with namespace ``<ns>``:

* ClusterRole + ClusterRoleBinding ``gardener.cloud:system:project:<p>``: the owner may get the namespace and
  get/patch/update/delete/manage-members the Project;
* ClusterRole + ClusterRoleBinding ``gardener.cloud:system:project-member:<p>`` (admins and owners: get the
  namespace, get/patch/update/delete the Project) and RoleBinding ``gardener.cloud:system:project-member`` in the
  namespace to the landscape-wide ClusterRole of that name (shoots, secrets, secretbindings, quotas, ...);
* the same for viewers (``project-viewer``: read-only);
* ClusterRole + ClusterRoleBinding ``gardener.cloud:system:project-uam:<p>``: user access managers may
  get/patch/update/manage-members the Project;
* RoleBinding ``gardener.cloud:system:project-serviceaccountmanager`` (the owner, owners and service account
  managers) to the landscape-wide ClusterRole of that name (service accounts and their tokens);
* per extension role ``extension:<r>``: ClusterRole ``gardener.cloud:extension:project:<p>:<r>`` aggregating the
  ClusterRoles labelled ``rbac.gardener.cloud/aggregate-to-extension-role=<r>``, and a RoleBinding of the same
  name in the namespace.

Everything per project is owned by the Project (a controller reference that does not block its deletion). The
landscape-wide ClusterRoles (:func:`system_cluster_roles`) come from Gardener's control plane chart upstream.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from garden.kube import CLUSTERROLEBINDINGS, CLUSTERROLES, ROLEBINDINGS, Object, Resource

RBAC_GROUP = "rbac.authorization.k8s.io"
CORE_GROUP = "core.gardener.cloud"
CORE_API_VERSION = f"{CORE_GROUP}/v1beta1"

#: Labels of Gardener's project namespaces and project RBAC objects.
PROJECT_NAME_LABEL = "project.gardener.cloud/name"
ROLE_LABEL = "gardener.cloud/role"
EXTENSION_PROJECT_ROLE = "extension-project-role"
AGGREGATE_TO_EXTENSION_ROLE = "rbac.gardener.cloud/aggregate-to-extension-role"

PREFIX_ADMIN = "gardener.cloud:system:project:"
PREFIX_MEMBER = "gardener.cloud:system:project-member:"
PREFIX_UAM = "gardener.cloud:system:project-uam:"
PREFIX_VIEWER = "gardener.cloud:system:project-viewer:"
PREFIX_EXTENSION = "gardener.cloud:extension:project:"

PROJECT_MEMBER = "gardener.cloud:system:project-member"
PROJECT_VIEWER = "gardener.cloud:system:project-viewer"
PROJECT_SERVICEACCOUNTMANAGER = "gardener.cloud:system:project-serviceaccountmanager"

OWNER, ADMIN, UAM, VIEWER, SERVICEACCOUNTMANAGER = "owner", "admin", "uam", "viewer", "serviceaccountmanager"
EXTENSION_PREFIX = "extension:"

#: Verbs on everything a member may change.
ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
READ_VERBS = ["get", "list", "watch"]


def rule(
    groups: Iterable[str], resources: Iterable[str], verbs: Iterable[str], names: Iterable[str] = ()
) -> dict[str, Any]:
    """A ``rbacv1.PolicyRule`` as the API writes it (no ``resourceNames`` when there are none)."""
    body: dict[str, Any] = {"apiGroups": list(groups), "resources": list(resources)}
    if names:
        body["resourceNames"] = list(names)
    body["verbs"] = list(verbs)
    return body


# -- members -> subjects ----------------------------------------------------------------------------------------


def subject(raw: dict[str, Any]) -> dict[str, Any]:
    """The ``rbacv1.Subject`` of a member or owner: kind, apiGroup, name, namespace (empty ones left out)."""
    return {
        key: raw[key] for key in ("kind", "apiGroup", "name", "namespace") if isinstance(raw.get(key), str) and raw[key]
    }


def _key(s: dict[str, Any]) -> tuple[str, str, str, str]:
    return (s.get("apiGroup", ""), s.get("kind", ""), s.get("namespace", ""), s.get("name", ""))


def unique(subjects: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The subjects without repeats, in the order first seen."""
    seen: set[tuple[str, str, str, str]] = set()
    out: list[dict[str, Any]] = []
    for s in subjects:
        if _key(s) not in seen:
            seen.add(_key(s))
            out.append(s)
    return out


def roles_of(member: dict[str, Any]) -> list[str]:
    """A v1beta1 member's roles: ``role`` first, then ``roles``."""
    found = [member["role"]] if isinstance(member.get("role"), str) else []
    extra = member.get("roles")
    if isinstance(extra, list):
        found += [r for r in extra if isinstance(r, str)]
    return found


@dataclass(slots=True)
class Subjects:
    """Who gets which binding of a project."""

    admins: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    uams: list[dict[str, Any]] = field(default_factory=list)
    viewers: list[dict[str, Any]] = field(default_factory=list)
    serviceaccountmanagers: list[dict[str, Any]] = field(default_factory=list)
    #: extension role name (without ``extension:``) -> subjects, in the order roles first appear.
    extensions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def subjects_of(project: Object) -> Subjects:
    """Split ``spec.owner`` and ``spec.members`` by role, as Gardener does.

    The owner (``spec.owner``) is the project admin and a service account manager; members with ``admin`` or
    ``owner`` are project members; ``owner`` also makes one a service account manager.
    """
    spec = project.get("spec") or {}
    found = Subjects()
    owner = spec.get("owner")
    if isinstance(owner, dict) and subject(owner):
        found.admins.append(subject(owner))
        found.serviceaccountmanagers.append(subject(owner))
    for member in spec.get("members") or []:
        if not isinstance(member, dict):
            continue
        who = subject(member)
        for role in roles_of(member):
            if role in (ADMIN, OWNER):
                found.members.append(who)
            if role == UAM:
                found.uams.append(who)
            if role in (SERVICEACCOUNTMANAGER, OWNER):
                found.serviceaccountmanagers.append(who)
            if role == VIEWER:
                found.viewers.append(who)
            if role.startswith(EXTENSION_PREFIX):
                found.extensions.setdefault(role.removeprefix(EXTENSION_PREFIX), []).append(who)
    for attribute in ("admins", "members", "uams", "viewers", "serviceaccountmanagers"):
        setattr(found, attribute, unique(getattr(found, attribute)))
    found.extensions = {name: unique(subjects) for name, subjects in found.extensions.items()}
    return found


# -- the objects ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Desired:
    """One object the project should have: where it lives and its body."""

    resource: Resource
    namespace: str | None
    body: Object

    @property
    def name(self) -> str:
        name: str = self.body["metadata"]["name"]
        return name

    @property
    def managed(self) -> tuple[str, ...]:
        """The top-level fields this controller owns (an aggregated role's ``rules`` belong to the aggregator)."""
        if self.resource is CLUSTERROLES:
            return ("aggregationRule",) if "aggregationRule" in self.body else ("rules",)
        return ("roleRef", "subjects")


def owner_reference(project: Object) -> dict[str, Any]:
    """A controller reference to the project that does not block its deletion."""
    meta = project["metadata"]
    return {
        "apiVersion": CORE_API_VERSION,
        "kind": "Project",
        "name": meta["name"],
        "uid": meta.get("uid", ""),
        "controller": True,
        "blockOwnerDeletion": False,
    }


def _meta(
    name: str, project: Object | None, namespace: str | None = None, labels: dict[str, str] | None = None
) -> Object:
    body: Object = {"name": name}
    if namespace:
        body["namespace"] = namespace
    if labels:
        body["labels"] = dict(labels)
    if project is not None:
        body["ownerReferences"] = [owner_reference(project)]
    return body


def cluster_role(
    name: str,
    project: Object | None,
    rules: list[dict[str, Any]] | None = None,
    *,
    aggregate: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> Desired:
    body: Object = {
        "apiVersion": f"{RBAC_GROUP}/v1",
        "kind": "ClusterRole",
        "metadata": _meta(name, project, None, labels),
    }
    if aggregate is not None:
        body["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": dict(aggregate)}]}
    else:
        body["rules"] = rules or []
    return Desired(CLUSTERROLES, None, body)


def _binding(
    resource: Resource,
    kind: str,
    name: str,
    namespace: str | None,
    role: str,
    subjects: list[dict[str, Any]],
    project: Object,
    labels: dict[str, str] | None = None,
) -> Desired:
    body: Object = {
        "apiVersion": f"{RBAC_GROUP}/v1",
        "kind": kind,
        "metadata": _meta(name, project, namespace, labels),
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": role},
    }
    if subjects:
        body["subjects"] = [dict(s) for s in subjects]
    return Desired(resource, namespace, body)


def cluster_role_binding(name: str, subjects: list[dict[str, Any]], project: Object) -> Desired:
    return _binding(CLUSTERROLEBINDINGS, "ClusterRoleBinding", name, None, name, subjects, project)


def role_binding(
    name: str, namespace: str, subjects: list[dict[str, Any]], project: Object, labels: dict[str, str] | None = None
) -> Desired:
    return _binding(ROLEBINDINGS, "RoleBinding", name, namespace, name, subjects, project, labels)


def extension_labels(project_name: str) -> dict[str, str]:
    """The labels of a project's extension role objects (how stale ones are found)."""
    return {ROLE_LABEL: EXTENSION_PROJECT_ROLE, PROJECT_NAME_LABEL: project_name}


def extension_role_name(project_name: str, role: str) -> str:
    return f"{PREFIX_EXTENSION}{project_name}:{role}"


def extension_role_of(object_name: str, project_name: str) -> str:
    """The extension role an extension ClusterRole/RoleBinding of the project is for."""
    return object_name.removeprefix(f"{PREFIX_EXTENSION}{project_name}:")


def project_rules(project: Object, namespace: str, verbs: list[str]) -> list[dict[str, Any]]:
    """Get the namespace; ``verbs`` on the Project itself."""
    return [
        rule([""], ["namespaces"], ["get"], [namespace]),
        rule([CORE_GROUP], ["projects"], verbs, [project["metadata"]["name"]]),
    ]


def desired_objects(project: Object, namespace: str) -> list[Desired]:
    """Every RBAC object the project should have, in the order they are written."""
    name: str = project["metadata"]["name"]
    who = subjects_of(project)
    admin, member, uam, viewer = PREFIX_ADMIN + name, PREFIX_MEMBER + name, PREFIX_UAM + name, PREFIX_VIEWER + name
    objects = [
        cluster_role(
            admin, project, project_rules(project, namespace, ["get", "patch", "manage-members", "update", "delete"])
        ),
        cluster_role_binding(admin, who.admins, project),
        cluster_role(
            uam, project, [rule([CORE_GROUP], ["projects"], ["get", "manage-members", "patch", "update"], [name])]
        ),
        cluster_role_binding(uam, who.uams, project),
        role_binding(PROJECT_SERVICEACCOUNTMANAGER, namespace, who.serviceaccountmanagers, project),
        cluster_role(member, project, project_rules(project, namespace, ["get", "patch", "update", "delete"])),
        cluster_role_binding(member, who.members, project),
        role_binding(PROJECT_MEMBER, namespace, who.members, project),
        cluster_role(viewer, project, project_rules(project, namespace, ["get"])),
        cluster_role_binding(viewer, who.viewers, project),
        role_binding(PROJECT_VIEWER, namespace, who.viewers, project),
    ]
    labels = extension_labels(name)
    for role in sorted(who.extensions):
        role_name = extension_role_name(name, role)
        objects.append(cluster_role(role_name, project, aggregate={AGGREGATE_TO_EXTENSION_ROLE: role}, labels=labels))
        objects.append(role_binding(role_name, namespace, who.extensions[role], project, labels))
    return objects


def fixed_objects(project_name: str, namespace: str) -> list[tuple[Resource, str | None, str]]:
    """``(resource, namespace, name)`` of the project's RBAC objects other than its extension roles."""
    found: list[tuple[Resource, str | None, str]] = []
    for prefix in (PREFIX_ADMIN, PREFIX_UAM, PREFIX_MEMBER, PREFIX_VIEWER):
        found += [(CLUSTERROLES, None, prefix + project_name), (CLUSTERROLEBINDINGS, None, prefix + project_name)]
    found += [(ROLEBINDINGS, namespace, n) for n in (PROJECT_SERVICEACCOUNTMANAGER, PROJECT_MEMBER, PROJECT_VIEWER)]
    return found


# -- the landscape-wide roles -----------------------------------------------------------------------------------

GARDENER_APP = {"app": "gardener"}


def _aggregated(name: str, role: str) -> list[Desired]:
    """The aggregated role ``name`` and its base ``<name>-aggregation`` (rules set by the caller)."""
    selector = f"rbac.gardener.cloud/aggregate-to-{role}"
    return [
        cluster_role(name, None, aggregate={selector: "true"}, labels={ROLE_LABEL: role, **GARDENER_APP}),
        cluster_role(f"{name}-aggregation", None, [], labels={selector: "true", **GARDENER_APP}),
    ]


MEMBER_RULES = [
    rule([""], ["secrets", "configmaps"], ALL_VERBS),
    rule([""], ["events", "resourcequotas", "serviceaccounts"], READ_VERBS),
    rule(["events.k8s.io"], ["events"], READ_VERBS),
    rule([CORE_GROUP], ["shoots", "secretbindings", "quotas"], ALL_VERBS),
    rule(["security.gardener.cloud"], ["credentialsbindings", "workloadidentities"], ALL_VERBS),
    rule(["settings.gardener.cloud"], ["openidconnectpresets"], ALL_VERBS),
    rule(["operations.gardener.cloud"], ["bastions"], ALL_VERBS),
    rule([RBAC_GROUP], ["roles", "rolebindings"], ALL_VERBS),
    rule([CORE_GROUP], ["shoots/adminkubeconfig", "shoots/viewerkubeconfig"], ["create"]),
    rule([CORE_GROUP], ["namespacedcloudprofiles"], ["get", "list", "watch", "create", "patch", "update", "delete"]),
]
VIEWER_RULES = [
    rule([""], ["events", "configmaps", "resourcequotas", "serviceaccounts"], READ_VERBS),
    rule(["events.k8s.io"], ["events"], READ_VERBS),
    rule([CORE_GROUP], ["shoots", "secretbindings", "quotas", "namespacedcloudprofiles"], READ_VERBS),
    rule(["security.gardener.cloud"], ["credentialsbindings"], READ_VERBS),
    rule(["settings.gardener.cloud"], ["openidconnectpresets"], READ_VERBS),
    rule(["operations.gardener.cloud"], ["bastions"], READ_VERBS),
    rule([RBAC_GROUP], ["roles", "rolebindings"], READ_VERBS),
    rule([CORE_GROUP], ["shoots/viewerkubeconfig"], ["create"]),
]
SERVICEACCOUNTMANAGER_RULES = [
    rule([""], ["serviceaccounts"], ALL_VERBS),
    rule([""], ["serviceaccounts/token"], ["create"]),
]


def system_cluster_roles() -> list[Desired]:
    """The landscape-wide ClusterRoles the project RoleBindings refer to (Gardener's control plane chart)."""
    objects: list[Desired] = []
    for name, role, rules in (
        (PROJECT_MEMBER, "project-member", MEMBER_RULES),
        (PROJECT_VIEWER, "project-viewer", VIEWER_RULES),
        (PROJECT_SERVICEACCOUNTMANAGER, "project-serviceaccountmanager", SERVICEACCOUNTMANAGER_RULES),
    ):
        aggregated, base = _aggregated(name, role)
        base.body["rules"] = [dict(r) for r in rules]
        objects += [aggregated, base]
    return objects


__all__ = [
    "PROJECT_MEMBER",
    "PROJECT_NAME_LABEL",
    "PROJECT_SERVICEACCOUNTMANAGER",
    "PROJECT_VIEWER",
    "ROLE_LABEL",
    "Desired",
    "Subjects",
    "desired_objects",
    "extension_labels",
    "extension_role_of",
    "fixed_objects",
    "owner_reference",
    "subjects_of",
    "system_cluster_roles",
]
