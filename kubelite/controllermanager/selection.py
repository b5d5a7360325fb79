"""``--controllers``: which of kube-controller-manager's controllers run, by upstream's names and rules.

``*`` enables every controller that is on by default, ``name`` enables one, ``-name`` disables one (a later word
wins over ``*`` whatever the order, as upstream). Names are upstream's, with or without the ``-controller`` suffix
newer releases use. A name upstream does not know is an error; a controller upstream has but kubelite does not run
yet is accepted and named once in the log with why (the same manifests must run).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: Upstream's controllers that kubelite runs (names of :data:`kubelite.kubelet.controllers.CONTROLLERS`).
IMPLEMENTED = ("daemonset", "deployment", "endpoint", "endpointslice", "replicaset", "statefulset")

#: Upstream's controllers kubelite does not run, with why. Those marked off are off by default upstream too.
NOT_RUN: dict[str, str] = {
    "attachdetach": "volumes are directories on the kubelet's machine; nothing attaches",
    "bootstrapsigner": "the kubelite API server checks bootstrap tokens itself; cluster-info is not signed",
    "certificatesigningrequest-approving": "CertificateSigningRequests are not approved automatically yet",
    "certificatesigningrequest-cleaner": "CertificateSigningRequests are not cleaned up yet",
    "certificatesigningrequest-signing": "CertificateSigningRequests are not signed yet",
    "clusterrole-aggregation": "RBAC is not enforced, so roles need no aggregation",
    "cronjob": "CronJobs are not run yet",
    "disruption": "the API server checks PodDisruptionBudgets on eviction itself",
    "endpointslicemirroring": "selector-less Services' Endpoints are not mirrored into EndpointSlices yet",
    "ephemeral-volume": "ephemeral volumes are not provisioned",
    "garbagecollector": "the kubelite API server collects owned objects itself",
    "horizontalpodautoscaling": "there is no metrics API to scale by",
    "job": "Jobs are not run yet",
    "legacy-serviceaccount-token-cleaner": "service-account token Secrets are not issued",
    "namespace": "the kubelite API server empties deleted namespaces itself",
    "nodeipam": "pod addresses come from each kubelet's own range",
    "nodelifecycle": "pods on NotReady nodes are neither tainted nor evicted yet",
    "persistentvolume-binder": "the kubelet binds claims to local directories itself",
    "persistentvolume-expander": "local directories need no expansion",
    "podgc": "finished pods are not collected yet",
    "pv-protection": "volumes are directories; nothing to protect",
    "pvc-protection": "claims are not protected while in use yet",
    "replicationcontroller": "ReplicationControllers are not run",
    "resourceclaim": "dynamic resource allocation is not supported",
    "resourcequota": "quota usage is not tracked",
    "root-ca-cert-publisher": "the kube-root-ca.crt ConfigMap is not published yet",
    "route": "the pod network is loopback; there are no routes",
    "service": "LoadBalancer Services get their address from the kubelet",
    "service-cidr": "ServiceCIDRs are not supported",
    "serviceaccount": "service accounts are not created automatically yet",
    "serviceaccount-token": "service-account token Secrets are not issued",
    "selinux-warning": "there is no SELinux",
    "storage-version-migrator": "storage versions are not migrated",
    "storageversion-gc": "storage versions are not tracked",
    "taint-eviction": "pods are not evicted for NoExecute taints yet",
    "tokencleaner": "expired bootstrap tokens are not deleted yet",
    "ttl": "nodes need no TTL annotation",
    "ttl-after-finished": "Jobs are not run yet",
    "validatingadmissionpolicy-status": "ValidatingAdmissionPolicies are not type-checked",
    "volumeattributesclass-protection": "VolumeAttributesClasses are not supported",
}

#: Upstream's controllers that ``*`` leaves off.
OFF_BY_DEFAULT = frozenset({"bootstrapsigner", "tokencleaner", "selinux-warning", "storage-version-migrator"})

KNOWN = frozenset(IMPLEMENTED) | frozenset(NOT_RUN)


class SelectionError(ValueError):
    pass


def canonical(name: str) -> str:
    return name.removesuffix("-controller")


@dataclass(frozen=True, slots=True)
class Selection:
    #: Controllers kubelite runs.
    run: tuple[str, ...]
    #: Enabled controllers kubelite does not run, with why.
    skipped: tuple[tuple[str, str], ...]


def select(words: Iterable[str]) -> Selection:
    enabled_all = False
    enabled: set[str] = set()
    disabled: set[str] = set()
    for raw in words:
        word = raw.strip()
        if not word:
            continue
        if word == "*":
            enabled_all = True
            continue
        negative = word.startswith("-")
        name = canonical(word.removeprefix("-"))
        if name not in KNOWN:
            raise SelectionError(f"--controllers: {word!r} is not a kube-controller-manager controller")
        (disabled if negative else enabled).add(name)
    chosen = {n for n in KNOWN if (enabled_all and n not in OFF_BY_DEFAULT) or n in enabled} - disabled
    return Selection(
        run=tuple(sorted(n for n in chosen if n in IMPLEMENTED)),
        skipped=tuple(sorted((n, NOT_RUN[n]) for n in chosen if n in NOT_RUN)),
    )
