"""The REST client the garden's processes use (:mod:`kubelite.client`) and the Gardener resources they name."""

from __future__ import annotations

from kubelite.client import (
    APPLY_PATCH,
    CONNECT_TIMEOUT,
    EVENTS,
    JSON_PATCH,
    LEASES,
    MERGE_PATCH,
    NAMESPACES,
    READ_TIMEOUT,
    SECRETS,
    Body,
    Kube,
    KubeError,
    Object,
    Resource,
)

__all__ = [
    "APPLY_PATCH",
    "CLOUDPROFILES",
    "CLUSTERROLEBINDINGS",
    "CLUSTERROLES",
    "CONNECT_TIMEOUT",
    "CREDENTIALSBINDINGS",
    "EVENTS",
    "JSON_PATCH",
    "LEASES",
    "MERGE_PATCH",
    "NAMESPACEDCLOUDPROFILES",
    "NAMESPACES",
    "PROJECTS",
    "QUOTAS",
    "READ_TIMEOUT",
    "ROLEBINDINGS",
    "SECRETBINDINGS",
    "SECRETS",
    "SEEDS",
    "SHOOTS",
    "Body",
    "Kube",
    "KubeError",
    "Object",
    "Resource",
]

SHOOTS = Resource("core.gardener.cloud", "v1beta1", "shoots")
SEEDS = Resource("core.gardener.cloud", "v1beta1", "seeds", namespaced=False)
PROJECTS = Resource("core.gardener.cloud", "v1beta1", "projects", namespaced=False)
CLOUDPROFILES = Resource("core.gardener.cloud", "v1beta1", "cloudprofiles", namespaced=False)
NAMESPACEDCLOUDPROFILES = Resource("core.gardener.cloud", "v1beta1", "namespacedcloudprofiles")
SECRETBINDINGS = Resource("core.gardener.cloud", "v1beta1", "secretbindings")
QUOTAS = Resource("core.gardener.cloud", "v1beta1", "quotas")
CREDENTIALSBINDINGS = Resource("security.gardener.cloud", "v1alpha1", "credentialsbindings")
ROLEBINDINGS = Resource("rbac.authorization.k8s.io", "v1", "rolebindings")
CLUSTERROLES = Resource("rbac.authorization.k8s.io", "v1", "clusterroles", namespaced=False)
CLUSTERROLEBINDINGS = Resource("rbac.authorization.k8s.io", "v1", "clusterrolebindings", namespaced=False)
