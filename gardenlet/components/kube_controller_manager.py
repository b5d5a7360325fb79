"""The shoot's kube-controller-manager, running in the seed and talking to the shoot's API server.

It signs certificate requests with the cluster CA (``ca.crt``/``ca.key`` of the CA Secret), gives service-account
token Secrets the signing key (``id_rsa``), allocates node CIDRs from the pod network, and reaches the shoot through
a kubeconfig Secret (key ``kubeconfig``). One replica with leader election (0 when hibernated).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gardenlet.components.base import WorkloadComponent
from gardenlet.components.values import (
    SHOOT_KUBECONFIG,
    SHOOT_KUBECONFIG_DIR,
    Resources,
    check_cidr,
    check_image,
    check_name,
    check_replicas,
    check_secret_name,
    controller_workload,
)
from kubelite.client import Kube

NAME = "kube-controller-manager"
PORT = 10257
DEFAULT_IMAGE = "registry.k8s.io/kube-controller-manager:v1.33.0"
CA_DIR = "/srv/kubernetes/ca"
SA_KEY_DIR = "/srv/kubernetes/service-account-key"
SERVER_TLS_DIR = "/srv/kubernetes/tls"

#: Frozen, so one instance can be every values object's default.
DEFAULT_RESOURCES = Resources(cpu="100m", memory="128Mi")


@dataclass(frozen=True, slots=True)
class KubeControllerManagerValues:
    namespace: str
    kubeconfig_secret: str
    ca_secret: str
    service_account_key_secret: str
    service_cidr: str
    #: The pods' network: node CIDRs are allocated from it when set.
    pod_cidr: str | None = None
    node_cidr_mask_size: int = 24
    #: Serving certificate of the metrics/health port; a self-signed one when absent.
    server_secret: str | None = None
    image: str = DEFAULT_IMAGE
    replicas: int = 1
    controllers: tuple[str, ...] = ("*", "bootstrapsigner", "tokencleaner")
    node_monitor_grace_period: str = "40s"
    feature_gates: tuple[tuple[str, bool], ...] = ()
    resources: Resources = DEFAULT_RESOURCES
    priority_class_name: str = "gardener-system-300"

    def __post_init__(self) -> None:
        check_name("namespace", self.namespace)
        for field in ("kubeconfig_secret", "ca_secret", "service_account_key_secret"):
            check_secret_name(field, getattr(self, field))
        if self.server_secret is not None:
            check_secret_name("server_secret", self.server_secret)
        check_cidr("service_cidr", self.service_cidr)
        if self.pod_cidr is not None:
            check_cidr("pod_cidr", self.pod_cidr)
        if not 8 <= self.node_cidr_mask_size <= 30:
            raise ValueError(f"node_cidr_mask_size: {self.node_cidr_mask_size} is not between 8 and 30")
        check_image("image", self.image)
        check_replicas("replicas", self.replicas, (0, 1))
        if not self.controllers:
            raise ValueError("controllers: at least one (use '*' for the defaults)")
        check_name("priority_class_name", self.priority_class_name, max_length=253)


class KubeControllerManager(WorkloadComponent):
    chart = "controlplane/kube-controller-manager"
    default_timeout = 180.0

    def __init__(self, kube: Kube, values: KubeControllerManagerValues, **options: Any) -> None:
        super().__init__(kube, **options)
        self.values = values

    @property
    def name(self) -> str:
        return NAME

    def command(self) -> list[str]:
        v = self.values
        flags = [
            "/usr/local/bin/kube-controller-manager",
            f"--kubeconfig={SHOOT_KUBECONFIG}",
            f"--authentication-kubeconfig={SHOOT_KUBECONFIG}",
            f"--authorization-kubeconfig={SHOOT_KUBECONFIG}",
            f"--cluster-name={v.namespace}",
            f"--cluster-signing-cert-file={CA_DIR}/ca.crt",
            f"--cluster-signing-key-file={CA_DIR}/ca.key",
            f"--root-ca-file={CA_DIR}/ca.crt",
            f"--service-account-private-key-file={SA_KEY_DIR}/id_rsa",
            f"--service-cluster-ip-range={v.service_cidr}",
            f"--controllers={','.join(v.controllers)}",
            "--use-service-account-credentials=true",
            "--leader-elect=true",
            f"--node-monitor-grace-period={v.node_monitor_grace_period}",
            f"--secure-port={PORT}",
            "--profiling=false",
        ]
        if v.pod_cidr:
            flags += [
                "--allocate-node-cidrs=true",
                f"--cluster-cidr={v.pod_cidr}",
                f"--node-cidr-mask-size={v.node_cidr_mask_size}",
            ]
        else:
            flags.append("--allocate-node-cidrs=false")
        if v.server_secret:
            flags += [f"--tls-cert-file={SERVER_TLS_DIR}/tls.crt", f"--tls-private-key-file={SERVER_TLS_DIR}/tls.key"]
        if v.feature_gates:
            flags.append("--feature-gates=" + ",".join(f"{g}={str(on).lower()}" for g, on in sorted(v.feature_gates)))
        return flags

    def context(self) -> dict[str, Any]:
        v = self.values
        secret_volumes = [
            ("kubeconfig", v.kubeconfig_secret, SHOOT_KUBECONFIG_DIR),
            ("ca", v.ca_secret, CA_DIR),
            ("service-account-key", v.service_account_key_secret, SA_KEY_DIR),
        ]
        if v.server_secret:
            secret_volumes.append(("server-tls", v.server_secret, SERVER_TLS_DIR))
        return {
            **controller_workload(
                "controller-manager",
                name=NAME,
                namespace=v.namespace,
                image=v.image,
                command=self.command(),
                replicas=v.replicas,
            ),
            "port": PORT,
            "secret_volumes": [{"name": n, "secret": s, "path": p} for n, s, p in secret_volumes],
            "resources": v.resources.manifest(),
            "priority_class_name": v.priority_class_name,
        }
