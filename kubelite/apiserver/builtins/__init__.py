"""The built-in resources kubelite serves, by API group.

Everything here is stored with full object semantics; nothing *runs* them (no controllers for Deployments, no
scheduler for Pods): the kubelite kubelet does that for seeds, in its own process.
"""

from __future__ import annotations

import hashlib
import ipaddress
from functools import partial

from kubelite.apiserver.builtins import columns as col
from kubelite.apiserver.builtins.storage_policy import GenerationStrategy, PersistentVolumeClaimStrategy
from kubelite.apiserver.builtins.strategies import (
    ConfigMapStrategy,
    NamespaceStrategy,
    NodeStrategy,
    PodStrategy,
    SecretStrategy,
    ServiceStrategy,
    WorkloadStrategy,
)
from kubelite.apiserver.crd.resources import CRDStrategy
from kubelite.apiserver.objects import Object, meta
from kubelite.apiserver.resources import ResourceType, ScaleSpec
from kubelite.apiserver.strategy import Strategy
from kubelite.apiserver.validation.names import name_is_dns1035_label, name_is_dns_label, name_is_path_segment

#: The service range Service cluster IPs come from (kube-apiserver's default --service-cluster-ip-range).
SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")

_CORE = "io.k8s.api.core.v1."
_APPS = "io.k8s.api.apps.v1."


def allocate_cluster_ip(obj: Object, service_cidr: ipaddress.IPv4Network | ipaddress.IPv6Network = SERVICE_CIDR) -> str:
    """A cluster IP derived from the Service's uid: stable, spread over the range, and needs no allocator state.

    NB: two Services can collide with a probability of about n^2 / 2^21; kubelite serves small clusters, and the
    addresses are only bookkeeping (the kubelite kubelet maps Services to loopback addresses of its own).
    """
    digest = int.from_bytes(hashlib.sha256(str(meta(obj).get("uid", "")).encode()).digest()[:4], "big")
    offset = 10 + digest % (service_cidr.num_addresses - 12)
    return str(service_cidr.network_address + offset)


def builtin_resources(
    service_cidr: ipaddress.IPv4Network | ipaddress.IPv6Network = SERVICE_CIDR,
) -> list[ResourceType]:
    core = partial(ResourceType, "", "v1")
    apps = partial(ResourceType, "apps", "v1", status_subresource=True, scale=ScaleSpec(), categories=("all",))
    return [
        core(
            "Namespace",
            "namespaces",
            "namespace",
            False,
            NamespaceStrategy(_CORE + "Namespace", name_is_dns_label),
            short_names=("ns",),
            status_subresource=True,
            columns=col.NAMESPACE,
            extra_subresources=("finalize",),
        ),
        core(
            "ConfigMap",
            "configmaps",
            "configmap",
            True,
            ConfigMapStrategy(_CORE + "ConfigMap"),
            short_names=("cm",),
            columns=col.CONFIGMAP,
        ),
        core("Secret", "secrets", "secret", True, SecretStrategy(_CORE + "Secret"), columns=col.SECRET),
        core(
            "ServiceAccount",
            "serviceaccounts",
            "serviceaccount",
            True,
            Strategy(_CORE + "ServiceAccount"),
            short_names=("sa",),
            columns=col.SERVICEACCOUNT,
        ),
        core("Event", "events", "event", True, Strategy(_CORE + "Event"), short_names=("ev",), columns=col.EVENT),
        core(
            "Service",
            "services",
            "service",
            True,
            ServiceStrategy(
                _CORE + "Service",
                name_is_dns1035_label,
                allocate=partial(allocate_cluster_ip, service_cidr=service_cidr),
            ),
            short_names=("svc",),
            categories=("all",),
            status_subresource=True,
            columns=col.SERVICE,
        ),
        core(
            "Endpoints",
            "endpoints",
            "endpoints",
            True,
            Strategy(_CORE + "Endpoints"),
            short_names=("ep",),
            columns=col.ENDPOINTS,
        ),
        core(
            "Pod",
            "pods",
            "pod",
            True,
            PodStrategy(_CORE + "Pod"),
            short_names=("po",),
            extra_subresources=("binding", "eviction", "log"),
            categories=("all",),
            status_subresource=True,
            columns=col.POD,
        ),
        core(
            "Node",
            "nodes",
            "node",
            False,
            NodeStrategy(_CORE + "Node"),
            short_names=("no",),
            status_subresource=True,
            columns=col.NODE,
        ),
        core(
            "PersistentVolumeClaim",
            "persistentvolumeclaims",
            "persistentvolumeclaim",
            True,
            PersistentVolumeClaimStrategy(_CORE + "PersistentVolumeClaim"),
            short_names=("pvc",),
            status_subresource=True,
            columns=col.PERSISTENTVOLUMECLAIM,
        ),
        ResourceType(
            "coordination.k8s.io",
            "v1",
            "Lease",
            "leases",
            "lease",
            True,
            Strategy("io.k8s.api.coordination.v1.Lease"),
            columns=col.LEASE,
        ),
        apps(
            "Deployment",
            "deployments",
            "deployment",
            True,
            WorkloadStrategy(_APPS + "Deployment"),
            short_names=("deploy",),
            columns=col.DEPLOYMENT,
        ),
        apps(
            "StatefulSet",
            "statefulsets",
            "statefulset",
            True,
            WorkloadStrategy(_APPS + "StatefulSet"),
            short_names=("sts",),
            columns=col.STATEFULSET,
        ),
        apps(
            "DaemonSet",
            "daemonsets",
            "daemonset",
            True,
            WorkloadStrategy(_APPS + "DaemonSet"),
            short_names=("ds",),
            columns=col.DAEMONSET,
            scale=None,
        ),
        apps(
            "ReplicaSet",
            "replicasets",
            "replicaset",
            True,
            WorkloadStrategy(_APPS + "ReplicaSet"),
            short_names=("rs",),
            columns=col.REPLICASET,
        ),
        ResourceType(
            "events.k8s.io",
            "v1",
            "Event",
            "events",
            "event",
            True,
            Strategy("io.k8s.api.events.v1.Event"),
            short_names=("ev",),
            columns=col.EVENT,
        ),
        *_rbac(),
        *_policy_and_networking(),
        ResourceType(
            "apiextensions.k8s.io",
            "v1",
            "CustomResourceDefinition",
            "customresourcedefinitions",
            "customresourcedefinition",
            False,
            CRDStrategy("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition"),
            short_names=("crd", "crds"),
            categories=("api-extensions",),
            status_subresource=True,
            columns=col.CRD,
        ),
    ]


def _rbac() -> list[ResourceType]:
    rbac = partial(ResourceType, "rbac.authorization.k8s.io", "v1")
    prefix = "io.k8s.api.rbac.v1."
    return [
        rbac("Role", "roles", "role", True, Strategy(prefix + "Role", name_is_path_segment), columns=col.ROLE),
        rbac(
            "ClusterRole",
            "clusterroles",
            "clusterrole",
            False,
            Strategy(prefix + "ClusterRole", name_is_path_segment),
            columns=col.ROLE,
        ),
        rbac(
            "RoleBinding",
            "rolebindings",
            "rolebinding",
            True,
            Strategy(prefix + "RoleBinding", name_is_path_segment),
            columns=col.BINDING,
        ),
        rbac(
            "ClusterRoleBinding",
            "clusterrolebindings",
            "clusterrolebinding",
            False,
            Strategy(prefix + "ClusterRoleBinding", name_is_path_segment),
            columns=col.BINDING,
        ),
    ]


def _policy_and_networking() -> list[ResourceType]:
    """Kinds control-plane charts deploy beside their workloads (stored; the kubelite kubelet reads some)."""
    return [
        ResourceType(
            "apps",
            "v1",
            "ControllerRevision",
            "controllerrevisions",
            "controllerrevision",
            True,
            Strategy(_APPS + "ControllerRevision"),
            columns=col.CONTROLLERREVISION,
        ),
        ResourceType(
            "discovery.k8s.io",
            "v1",
            "EndpointSlice",
            "endpointslices",
            "endpointslice",
            True,
            Strategy("io.k8s.api.discovery.v1.EndpointSlice"),
            columns=col.ENDPOINTSLICE,
        ),
        ResourceType(
            "policy",
            "v1",
            "PodDisruptionBudget",
            "poddisruptionbudgets",
            "poddisruptionbudget",
            True,
            GenerationStrategy(
                "io.k8s.api.policy.v1.PodDisruptionBudget",
                {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0},
            ),
            short_names=("pdb",),
            status_subresource=True,
            columns=col.PODDISRUPTIONBUDGET,
        ),
        ResourceType(
            "networking.k8s.io",
            "v1",
            "NetworkPolicy",
            "networkpolicies",
            "networkpolicy",
            True,
            Strategy("io.k8s.api.networking.v1.NetworkPolicy"),
            short_names=("netpol",),
            columns=col.NETWORKPOLICY,
        ),
        ResourceType(
            "autoscaling",
            "v2",
            "HorizontalPodAutoscaler",
            "horizontalpodautoscalers",
            "horizontalpodautoscaler",
            True,
            GenerationStrategy("io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler", {"desiredReplicas": 0}),
            short_names=("hpa",),
            categories=("all",),
            status_subresource=True,
            columns=col.HORIZONTALPODAUTOSCALER,
        ),
        ResourceType(
            "scheduling.k8s.io",
            "v1",
            "PriorityClass",
            "priorityclasses",
            "priorityclass",
            False,
            Strategy("io.k8s.api.scheduling.v1.PriorityClass"),
            short_names=("pc",),
            columns=col.PRIORITYCLASS,
        ),
    ]
