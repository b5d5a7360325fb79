"""The machine controller for one shoot: it turns the shoot's MachineDeployments in the seed namespace into
machines through the provider, and drains nodes in the shoot before their machines go.

Gardener runs machine-controller-manager here; this project runs its own controller (``gardenlet machines``), so the
image and command are values. It reads and writes ``machine.sapcloud.io`` objects in its namespace with its own
ServiceAccount (in-cluster credentials, a Role limited to the namespace), and reaches the shoot through a kubeconfig
Secret (key ``kubeconfig``) mounted at :data:`~gardenlet.components.values.SHOOT_KUBECONFIG`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gardenlet.components.base import WorkloadComponent
from gardenlet.components.values import (
    SHOOT_KUBECONFIG_DIR,
    Resources,
    check_image,
    check_name,
    check_replicas,
    check_secret_name,
    controller_workload,
)
from kubelite.client import Kube

NAME = "machine-controller-manager"

#: Frozen, so one instance can be every values object's default.
DEFAULT_RESOURCES = Resources(cpu="50m", memory="128Mi")


@dataclass(frozen=True, slots=True)
class MachineControllerValues:
    namespace: str
    image: str
    #: The container's command and arguments, e.g. ``("gardenlet", "machines", "--namespace", ns)``.
    command: tuple[str, ...]
    #: The shoot's kubeconfig (drain, node status); absent before the shoot's API server exists.
    target_kubeconfig_secret: str | None = None
    replicas: int = 1
    #: An HTTP port serving ``/healthz`` (liveness and readiness probes, metrics Service); no probes when None.
    health_port: int | None = 10258
    resources: Resources = DEFAULT_RESOURCES
    priority_class_name: str = "gardener-system-300"

    def __post_init__(self) -> None:
        check_name("namespace", self.namespace)
        check_image("image", self.image)
        if not self.command or not all(isinstance(part, str) and part for part in self.command):
            raise ValueError("command: a non-empty list of non-empty strings")
        if self.target_kubeconfig_secret is not None:
            check_secret_name("target_kubeconfig_secret", self.target_kubeconfig_secret)
        check_replicas("replicas", self.replicas, (0, 1))
        if self.health_port is not None and not 1 <= self.health_port <= 65535:
            raise ValueError(f"health_port: {self.health_port} is not a port")
        check_name("priority_class_name", self.priority_class_name, max_length=253)


class MachineController(WorkloadComponent):
    chart = "controlplane/machine-controller-manager"
    default_timeout = 180.0

    def __init__(self, kube: Kube, values: MachineControllerValues, **options: Any) -> None:
        super().__init__(kube, **options)
        self.values = values

    @property
    def name(self) -> str:
        return NAME

    def context(self) -> dict[str, Any]:
        v = self.values
        return {
            **controller_workload(
                "machine-controller-manager",
                name=NAME,
                namespace=v.namespace,
                image=v.image,
                command=list(v.command),
                replicas=v.replicas,
                extra_pod_labels={
                    "networking.gardener.cloud/to-runtime-apiserver": "allowed",
                    "networking.gardener.cloud/to-public-networks": "allowed",
                },
            ),
            "health_port": v.health_port,
            "target_kubeconfig_secret": v.target_kubeconfig_secret,
            "kubeconfig_dir": SHOOT_KUBECONFIG_DIR,
            "resources": v.resources.manifest(),
            "priority_class_name": v.priority_class_name,
        }
