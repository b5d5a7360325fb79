"""The REST resources of the kinds the charts render, looked up by ``apiVersion`` and ``kind``.

Only kinds every seed and shoot serve are here (kubelite serves them all); a chart rendering anything else fails
at apply time with a clear error rather than a 404 from the server.
"""

from __future__ import annotations

from kubelite.client import (
    CONFIGMAPS,
    DEPLOYMENTS,
    NAMESPACES,
    SECRETS,
    SERVICES,
    STATEFULSETS,
    Object,
    Resource,
)

SERVICEACCOUNTS = Resource("", "v1", "serviceaccounts")
PERSISTENTVOLUMECLAIMS = Resource("", "v1", "persistentvolumeclaims")
DAEMONSETS = Resource("apps", "v1", "daemonsets")
PODDISRUPTIONBUDGETS = Resource("policy", "v1", "poddisruptionbudgets")
NETWORKPOLICIES = Resource("networking.k8s.io", "v1", "networkpolicies")
HORIZONTALPODAUTOSCALERS = Resource("autoscaling", "v2", "horizontalpodautoscalers")
PRIORITYCLASSES = Resource("scheduling.k8s.io", "v1", "priorityclasses", namespaced=False)
ROLES = Resource("rbac.authorization.k8s.io", "v1", "roles")
ROLEBINDINGS = Resource("rbac.authorization.k8s.io", "v1", "rolebindings")
CLUSTERROLES = Resource("rbac.authorization.k8s.io", "v1", "clusterroles", namespaced=False)
CLUSTERROLEBINDINGS = Resource("rbac.authorization.k8s.io", "v1", "clusterrolebindings", namespaced=False)
#: Not served by kubelite: rendered only when a component's values ask for it (metrics-server's APIService).
APISERVICES = Resource("apiregistration.k8s.io", "v1", "apiservices", namespaced=False)

KINDS: dict[tuple[str, str], Resource] = {
    ("v1", "Namespace"): NAMESPACES,
    ("v1", "ConfigMap"): CONFIGMAPS,
    ("v1", "Secret"): SECRETS,
    ("v1", "Service"): SERVICES,
    ("v1", "ServiceAccount"): SERVICEACCOUNTS,
    ("v1", "PersistentVolumeClaim"): PERSISTENTVOLUMECLAIMS,
    ("apps/v1", "Deployment"): DEPLOYMENTS,
    ("apps/v1", "StatefulSet"): STATEFULSETS,
    ("apps/v1", "DaemonSet"): DAEMONSETS,
    ("policy/v1", "PodDisruptionBudget"): PODDISRUPTIONBUDGETS,
    ("networking.k8s.io/v1", "NetworkPolicy"): NETWORKPOLICIES,
    ("autoscaling/v2", "HorizontalPodAutoscaler"): HORIZONTALPODAUTOSCALERS,
    ("scheduling.k8s.io/v1", "PriorityClass"): PRIORITYCLASSES,
    ("rbac.authorization.k8s.io/v1", "Role"): ROLES,
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): ROLEBINDINGS,
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): CLUSTERROLES,
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): CLUSTERROLEBINDINGS,
    ("apiregistration.k8s.io/v1", "APIService"): APISERVICES,
}


def resource_of(obj: Object) -> Resource:
    key = (str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"no REST resource known for apiVersion {key[0]!r} kind {key[1]!r}") from None


def describe(obj: Object) -> str:
    """``Deployment shoot--p--s/kube-apiserver``: how messages name an object."""
    metadata = obj.get("metadata") or {}
    namespace = metadata.get("namespace")
    name = metadata.get("name", "?")
    return f"{obj.get('kind', '?')} {namespace}/{name}" if namespace else f"{obj.get('kind', '?')} {name}"
