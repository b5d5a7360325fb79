"""The default ClusterRoles and ClusterRoleBindings, written at start-up as kube-apiserver's RBAC bootstrap does.

Each carries ``kubernetes.io/bootstrapping: rbac-defaults`` and ``rbac.authorization.kubernetes.io/autoupdate:
"true"``. A missing object is created; an existing one that still says autoupdate ``"true"`` gets back whatever of
the defaults it lacks (rules, subjects, labels; nothing of its own is taken away), and one set to ``"false"`` is left
alone, so operators can pin their edits.

``admin``, ``edit`` and ``view`` are aggregated (their rules are filled by the aggregation controller from the
``system:aggregate-to-*`` roles and anything else labelled ``rbac.authorization.k8s.io/aggregate-to-<role>``).
``system:node``, ``system:kube-controller-manager`` and ``system:kube-scheduler`` are simplified: they grant what
kubelite's components use, not upstream's full lists.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from kubelite.apiserver.errors import APIError
from kubelite.apiserver.objects import Object
from kubelite.apiserver.store import RequestContext, Store

log = logging.getLogger(__name__)

RBAC = "rbac.authorization.k8s.io"
AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate"
BOOTSTRAPPING = {"kubernetes.io/bootstrapping": "rbac-defaults"}
READ = ["get", "list", "watch"]
WRITE = ["create", "delete", "deletecollection", "patch", "update"]


def rule(verbs: list[str], groups: list[str], resources: list[str], names: list[str] | None = None) -> Object:
    body: Object = {"verbs": list(verbs), "apiGroups": list(groups), "resources": list(resources)}
    if names:
        body["resourceNames"] = list(names)
    return body


def url_rule(verbs: list[str], urls: list[str]) -> Object:
    return {"verbs": list(verbs), "nonResourceURLs": list(urls)}


def cluster_role(
    name: str, rules: list[Object] | None = None, *, labels: dict[str, str] | None = None, aggregate_from: str = ""
) -> Object:
    body: Object = {
        "apiVersion": f"{RBAC}/v1",
        "kind": "ClusterRole",
        "metadata": {
            "name": name,
            "labels": {**BOOTSTRAPPING, **(labels or {})},
            "annotations": {AUTOUPDATE: "true"},
        },
    }
    if aggregate_from:
        body["aggregationRule"] = {
            "clusterRoleSelectors": [{"matchLabels": {f"{RBAC}/aggregate-to-{aggregate_from}": "true"}}]
        }
        body["rules"] = []
    else:
        body["rules"] = rules or []
    return body


def cluster_role_binding(name: str, role: str, subjects: list[tuple[str, str]]) -> Object:
    return {
        "apiVersion": f"{RBAC}/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": name, "labels": dict(BOOTSTRAPPING), "annotations": {AUTOUPDATE: "true"}},
        "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": role},
        "subjects": [{"apiGroup": RBAC, "kind": kind, "name": subject} for kind, subject in subjects],
    }


def _to(role: str) -> dict[str, str]:
    return {f"{RBAC}/aggregate-to-{role}": "true"}


PUBLIC_URLS = ["/healthz", "/livez", "/readyz", "/version", "/version/"]
DISCOVERY_URLS = ["/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*", *PUBLIC_URLS]

_VIEW_CORE = [
    "configmaps",
    "endpoints",
    "persistentvolumeclaims",
    "persistentvolumeclaims/status",
    "pods",
    "replicationcontrollers",
    "replicationcontrollers/scale",
    "serviceaccounts",
    "services",
    "services/status",
    "bindings",
    "events",
    "limitranges",
    "namespaces/status",
    "pods/log",
    "pods/status",
    "replicationcontrollers/status",
    "resourcequotas",
    "resourcequotas/status",
]
_APPS = [
    "controllerrevisions",
    "daemonsets",
    "daemonsets/status",
    "deployments",
    "deployments/scale",
    "deployments/status",
    "replicasets",
    "replicasets/scale",
    "replicasets/status",
    "statefulsets",
    "statefulsets/scale",
    "statefulsets/status",
]
_WORKLOAD_GROUPS = [
    (["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
    (["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
    (["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
    (["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
    (["discovery.k8s.io"], ["endpointslices"]),
]


def default_cluster_roles() -> list[Object]:
    view = [
        rule(READ, [""], _VIEW_CORE),
        rule(READ, [""], ["namespaces"]),
        rule(READ, ["apps"], _APPS),
        *(rule(READ, groups, resources) for groups, resources in _WORKLOAD_GROUPS),
    ]
    edit = [
        rule(["impersonate"], [""], ["serviceaccounts"]),
        rule([*READ, *WRITE], [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
        rule(["create"], [""], ["pods/eviction"]),
        rule(
            [*READ, *WRITE],
            [""],
            [
                "configmaps",
                "events",
                "persistentvolumeclaims",
                "replicationcontrollers",
                "replicationcontrollers/scale",
                "secrets",
                "serviceaccounts",
                "services",
                "services/proxy",
            ],
        ),
        rule(["create"], [""], ["serviceaccounts/token"]),
        rule([*READ, *WRITE], ["apps"], [r for r in _APPS if not r.endswith("/status")]),
        *(
            rule([*READ, *WRITE], groups, [r for r in resources if not r.endswith("/status")])
            for groups, resources in _WORKLOAD_GROUPS
        ),
    ]
    admin = [
        rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
        rule([*READ, *WRITE], [RBAC], ["rolebindings", "roles"]),
    ]
    node = [
        rule([*READ, "create", "update", "patch", "delete"], [""], ["nodes"]),
        rule(["patch", "update"], [""], ["nodes/status", "pods/status"]),
        rule(READ, [""], ["pods", "services", "endpoints", "secrets", "configmaps", "persistentvolumeclaims"]),
        rule(["create", "delete"], [""], ["pods"]),
        rule(["create"], [""], ["pods/eviction", "serviceaccounts/token"]),
        rule(["create", "patch", "update"], ["", "events.k8s.io"], ["events"]),
        rule(["get", "create", "update", "patch", "delete"], ["coordination.k8s.io"], ["leases"]),
        rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
        rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews", "localsubjectaccessreviews"]),
        rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
    ]
    controller_manager = [
        rule(READ, ["*"], ["*"]),
        rule(["create", "patch", "update"], ["", "events.k8s.io"], ["events"]),
        rule(["create", "get", "update"], ["coordination.k8s.io"], ["leases"]),
        rule([*WRITE], ["", "apps", "batch", "discovery.k8s.io", "policy", "autoscaling"], ["*"]),
        rule(["create"], [""], ["serviceaccounts/token"]),
        rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
        rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    ]
    scheduler = [
        rule(["create", "patch", "update"], ["", "events.k8s.io"], ["events"]),
        rule(["create", "get", "update"], ["coordination.k8s.io"], ["leases"]),
        rule(READ, [""], ["nodes", "namespaces", "persistentvolumeclaims", "persistentvolumes", "services"]),
        rule(READ, [""], ["replicationcontrollers"]),
        rule([*READ, "delete"], [""], ["pods"]),
        rule(["create"], [""], ["bindings", "pods/binding"]),
        rule(["patch", "update"], [""], ["pods/status"]),
        rule(READ, ["apps"], ["replicasets", "statefulsets"]),
        rule(READ, ["policy"], ["poddisruptionbudgets"]),
        rule(READ, ["storage.k8s.io"], ["csidrivers", "csinodes", "csistoragecapacities", "storageclasses"]),
        rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
        rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    ]
    return [
        cluster_role("cluster-admin", [rule(["*"], ["*"], ["*"]), url_rule(["*"], ["*"])]),
        cluster_role("system:discovery", [url_rule(["get"], DISCOVERY_URLS)]),
        cluster_role("system:public-info-viewer", [url_rule(["get"], PUBLIC_URLS)]),
        cluster_role(
            "system:basic-user",
            [
                rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
                rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
            ],
        ),
        cluster_role("admin", aggregate_from="admin"),
        cluster_role("edit", labels=_to("admin"), aggregate_from="edit"),
        cluster_role("view", labels={**_to("admin"), **_to("edit")}, aggregate_from="view"),
        cluster_role("system:aggregate-to-admin", admin, labels=_to("admin")),
        cluster_role("system:aggregate-to-edit", edit, labels=_to("edit")),
        cluster_role("system:aggregate-to-view", view, labels=_to("view")),
        cluster_role(
            "system:node-bootstrapper",
            [rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"])],
        ),
        cluster_role("system:node", node),
        cluster_role("system:kube-controller-manager", controller_manager),
        cluster_role("system:kube-scheduler", scheduler),
    ]


def default_cluster_role_bindings() -> list[Object]:
    return [
        cluster_role_binding("cluster-admin", "cluster-admin", [("Group", "system:masters")]),
        cluster_role_binding("system:discovery", "system:discovery", [("Group", "system:authenticated")]),
        cluster_role_binding("system:basic-user", "system:basic-user", [("Group", "system:authenticated")]),
        cluster_role_binding(
            "system:public-info-viewer",
            "system:public-info-viewer",
            [("Group", "system:authenticated"), ("Group", "system:unauthenticated")],
        ),
        cluster_role_binding(
            "system:kube-controller-manager",
            "system:kube-controller-manager",
            [("User", "system:kube-controller-manager")],
        ),
        cluster_role_binding("system:kube-scheduler", "system:kube-scheduler", [("User", "system:kube-scheduler")]),
    ]


def reconciled(current: Object, wanted: Object) -> Object | None:
    """``current`` with what it lacks of ``wanted`` added; None when nothing is missing or autoupdate is off."""
    m = current.get("metadata") or {}
    if (m.get("annotations") or {}).get(AUTOUPDATE, "true") != "true":
        return None
    new = copy.deepcopy(current)
    nm = new.setdefault("metadata", {})
    for key in ("labels", "annotations"):
        merged = {**(wanted["metadata"].get(key) or {}), **(nm.get(key) or {})}
        if merged:
            nm[key] = merged
    if "aggregationRule" in wanted:
        new["aggregationRule"] = copy.deepcopy(wanted["aggregationRule"])
    elif "rules" in wanted:
        rules = list(new.get("rules") or [])
        rules += [r for r in wanted["rules"] if r not in rules]
        new["rules"] = rules
    if "subjects" in wanted:
        subjects = list(new.get("subjects") or [])
        subjects += [s for s in wanted["subjects"] if s not in subjects]
        new["subjects"] = subjects
    return new if new != current else None


async def ensure_defaults(store: Store, objects: list[tuple[str, Object]]) -> None:
    """Create or reconcile each ``(plural, object)`` (cluster-scoped RBAC kinds) through the store."""
    ctx = RequestContext(field_manager="kubelite-rbac-bootstrap")
    for plural, wanted in objects:
        rt = store.registry.get(RBAC, "v1", plural)
        assert rt is not None
        name = wanted["metadata"]["name"]
        try:
            current = await store.get(rt, None, name)
        except APIError as exc:
            if exc.code != 404:
                raise
            await store.create(rt, None, copy.deepcopy(wanted), ctx)
            continue
        new = reconciled(current, wanted)
        if new is not None:
            await store.update(rt, None, name, new, ctx)
            log.info("reconciled default %s %s", plural, name)


def defaults() -> list[tuple[str, Any]]:
    return [("clusterroles", r) for r in default_cluster_roles()] + [
        ("clusterrolebindings", b) for b in default_cluster_role_bindings()
    ]
