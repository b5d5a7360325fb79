"""CoreDNS in the shoot's ``kube-system``: cluster DNS at the fixed Service address kubelets hand to pods.

Upstream's manifests (labels ``k8s-app: kube-dns``, Service ``kube-dns``), applied through a client for the shoot.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from gardenlet.components.base import WorkloadComponent
from gardenlet.components.values import Resources, check_image, check_replicas, checksum
from kubelite.client import Kube

NAMESPACE = "kube-system"
DEFAULT_IMAGE = "registry.k8s.io/coredns/coredns:v1.12.0"
_DOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"

#: Frozen, so one instance can be every values object's default.
DEFAULT_RESOURCES = Resources(cpu="50m", memory="15Mi", memory_limit="1500Mi")


@dataclass(frozen=True, slots=True)
class CoreDNSValues:
    #: The ``kube-dns`` Service's cluster IP (what kubelets pass as ``--cluster-dns``), inside ``service_cidr``.
    cluster_ip: str
    service_cidr: str
    cluster_domain: str = "cluster.local"
    image: str = DEFAULT_IMAGE
    replicas: int = 2
    resources: Resources = DEFAULT_RESOURCES

    def __post_init__(self) -> None:
        try:
            address = ipaddress.ip_address(self.cluster_ip)
            network = ipaddress.ip_network(self.service_cidr)
        except ValueError as exc:
            raise ValueError(f"cluster_ip / service_cidr: {exc}") from None
        if address not in network:
            raise ValueError(f"cluster_ip {self.cluster_ip} is not in service_cidr {self.service_cidr}")
        if not re.match(_DOMAIN, self.cluster_domain):
            raise ValueError(f"cluster_domain: {self.cluster_domain!r} is not a DNS domain")
        check_image("image", self.image)
        check_replicas("replicas", self.replicas)


class CoreDNS(WorkloadComponent):
    chart = "shoot-system/coredns"
    default_timeout = 180.0

    def __init__(self, kube: Kube, values: CoreDNSValues, **options: Any) -> None:
        super().__init__(kube, **options)
        self.values = values

    @property
    def name(self) -> str:
        return "coredns"

    def corefile(self) -> str:
        domain = self.values.cluster_domain
        return (
            ".:8053 {\n"
            "    errors\n"
            "    log . {\n        class error\n    }\n"
            "    health {\n        lameduck 15s\n    }\n"
            "    ready\n"
            f"    kubernetes {domain} in-addr.arpa ip6.arpa {{\n"
            "        pods insecure\n        fallthrough in-addr.arpa ip6.arpa\n        ttl 30\n    }\n"
            "    prometheus :9153\n"
            "    forward . /etc/resolv.conf\n"
            "    cache 30\n"
            "    loop\n"
            "    reload\n"
            "    loadbalance round_robin\n"
            "}\n"
        )

    def context(self) -> dict[str, Any]:
        v = self.values
        corefile = self.corefile()
        return {
            "namespace": NAMESPACE,
            "image": v.image,
            "replicas": v.replicas,
            "cluster_ip": v.cluster_ip,
            "corefile": corefile,
            "corefile_checksum": checksum(corefile),
            "resources": v.resources.manifest(),
        }
