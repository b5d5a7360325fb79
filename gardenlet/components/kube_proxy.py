"""kube-proxy in the shoot: a DaemonSet on every node programming Service addresses into iptables or IPVS.

It authenticates with a kubeconfig Secret in ``kube-system`` (key ``kubeconfig``, Gardener's ``kube-proxy``
credentials, made by the botanist) and runs as the ``kube-proxy`` ServiceAccount bound to ``system:node-proxier``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import yaml

from gardenlet.components.base import ChartComponent
from gardenlet.components.values import Resources, check_cidr, check_image, check_secret_name, checksum
from kubelite.client import Kube

NAMESPACE = "kube-system"
DEFAULT_IMAGE = "registry.k8s.io/kube-proxy:v1.33.0"
KUBECONFIG_DIR = "/var/lib/kube-proxy-kubeconfig"
CONFIG_DIR = "/var/lib/kube-proxy-config"
METRICS_PORT = 10249
HEALTH_PORT = 10256

#: Frozen, so one instance can be every values object's default.
DEFAULT_RESOURCES = Resources(cpu="20m", memory="64Mi")


@dataclass(frozen=True, slots=True)
class KubeProxyValues:
    kubeconfig_secret: str
    pod_cidr: str
    mode: Literal["iptables", "ipvs"] = "iptables"
    image: str = DEFAULT_IMAGE
    resources: Resources = DEFAULT_RESOURCES

    def __post_init__(self) -> None:
        check_secret_name("kubeconfig_secret", self.kubeconfig_secret)
        check_cidr("pod_cidr", self.pod_cidr)
        if self.mode not in ("iptables", "ipvs"):
            raise ValueError(f"mode: {self.mode!r} is not iptables or ipvs")
        check_image("image", self.image)


class KubeProxy(ChartComponent):
    """Not scalable: a DaemonSet follows the nodes; hibernation removes the nodes, and with them the pods."""

    chart = "shoot-system/kube-proxy"
    default_timeout = 180.0

    def __init__(self, kube: Kube, values: KubeProxyValues, **options: Any) -> None:
        super().__init__(kube, **options)
        self.values = values

    @property
    def name(self) -> str:
        return "kube-proxy"

    def configuration(self) -> dict[str, Any]:
        return {
            "apiVersion": "kubeproxy.config.k8s.io/v1alpha1",
            "kind": "KubeProxyConfiguration",
            "clientConnection": {"kubeconfig": f"{KUBECONFIG_DIR}/kubeconfig"},
            "clusterCIDR": self.values.pod_cidr,
            "mode": self.values.mode,
            "metricsBindAddress": f"0.0.0.0:{METRICS_PORT}",
            "healthzBindAddress": f"0.0.0.0:{HEALTH_PORT}",
            "conntrack": {"maxPerCore": 524288},
        }

    def context(self) -> dict[str, Any]:
        v = self.values
        config = yaml.safe_dump(self.configuration(), sort_keys=False)
        return {
            "namespace": NAMESPACE,
            "image": v.image,
            "kubeconfig_secret": v.kubeconfig_secret,
            "kubeconfig_dir": KUBECONFIG_DIR,
            "config_dir": CONFIG_DIR,
            "config": config,
            "config_checksum": checksum(config),
            "metrics_port": METRICS_PORT,
            "health_port": HEALTH_PORT,
            "resources": v.resources.manifest(),
        }
