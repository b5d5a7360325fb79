"""metrics-server in the shoot's ``kube-system``: the resource metrics ``kubectl top`` and autoscalers read.

Upstream's manifests. The ``v1beta1.metrics.k8s.io`` APIService that registers it with the aggregation layer is
rendered only with ``register_api_service`` (off by default): kubelite serves no APIService kind and no aggregation,
and on a real shoot the API server needs its front-proxy flags for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gardenlet.components.base import WorkloadComponent
from gardenlet.components.values import Resources, check_image, check_replicas
from kubelite.client import Kube

NAMESPACE = "kube-system"
DEFAULT_IMAGE = "registry.k8s.io/metrics-server/metrics-server:v0.7.2"
PORT = 10250

#: Frozen, so one instance can be every values object's default.
DEFAULT_RESOURCES = Resources(cpu="50m", memory="150Mi", memory_limit="1Gi")


@dataclass(frozen=True, slots=True)
class MetricsServerValues:
    image: str = DEFAULT_IMAGE
    replicas: int = 1
    #: Accept kubelets' self-signed serving certificates (upstream's flag for clusters without signed ones).
    kubelet_insecure_tls: bool = False
    register_api_service: bool = False
    resources: Resources = DEFAULT_RESOURCES

    def __post_init__(self) -> None:
        check_image("image", self.image)
        check_replicas("replicas", self.replicas)


class MetricsServer(WorkloadComponent):
    chart = "shoot-system/metrics-server"
    default_timeout = 180.0

    def __init__(self, kube: Kube, values: MetricsServerValues, **options: Any) -> None:
        super().__init__(kube, **options)
        self.values = values

    @property
    def name(self) -> str:
        return "metrics-server"

    def command(self) -> list[str]:
        flags = [
            "/metrics-server",
            f"--secure-port={PORT}",
            "--cert-dir=/tmp",
            "--kubelet-preferred-address-types=InternalIP,Hostname,ExternalIP",
            "--kubelet-use-node-status-port",
            "--metric-resolution=15s",
        ]
        if self.values.kubelet_insecure_tls:
            flags.append("--kubelet-insecure-tls")
        return flags

    def context(self) -> dict[str, Any]:
        v = self.values
        return {
            "namespace": NAMESPACE,
            "image": v.image,
            "replicas": v.replicas,
            "command": self.command(),
            "port": PORT,
            "register_api_service": v.register_api_service,
            "resources": v.resources.manifest(),
        }
