"""The shoot's kube-scheduler, running in the seed, configured by a KubeSchedulerConfiguration ConfigMap.

It reaches the shoot through a kubeconfig Secret (key ``kubeconfig``) and keeps a leader-election Lease there;
one replica (0 when hibernated). The profile is upstream's ``default-scheduler`` unless ``profile`` says
``bin-packing`` (Gardener's second choice: pack nodes tightly so the autoscaler can remove empty ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import yaml

from gardenlet.components.base import WorkloadComponent
from gardenlet.components.values import (
    SHOOT_KUBECONFIG,
    SHOOT_KUBECONFIG_DIR,
    Resources,
    check_image,
    check_name,
    check_replicas,
    check_secret_name,
    checksum,
    controller_workload,
)
from kubelite.client import Kube

NAME = "kube-scheduler"
PORT = 10259
DEFAULT_IMAGE = "registry.k8s.io/kube-scheduler:v1.33.0"
CONFIG_DIR = "/var/lib/kube-scheduler-config"
CONFIGMAP = "kube-scheduler-config"
SERVER_TLS_DIR = "/srv/kubernetes/tls"

#: Frozen, so one instance can be every values object's default.
DEFAULT_RESOURCES = Resources(cpu="50m", memory="64Mi")


@dataclass(frozen=True, slots=True)
class KubeSchedulerValues:
    namespace: str
    kubeconfig_secret: str
    server_secret: str | None = None
    image: str = DEFAULT_IMAGE
    replicas: int = 1
    profile: Literal["balanced", "bin-packing"] = "balanced"
    feature_gates: tuple[tuple[str, bool], ...] = ()
    resources: Resources = DEFAULT_RESOURCES
    priority_class_name: str = "gardener-system-300"

    def __post_init__(self) -> None:
        check_name("namespace", self.namespace)
        check_secret_name("kubeconfig_secret", self.kubeconfig_secret)
        if self.server_secret is not None:
            check_secret_name("server_secret", self.server_secret)
        check_image("image", self.image)
        check_replicas("replicas", self.replicas, (0, 1))
        if self.profile not in ("balanced", "bin-packing"):
            raise ValueError(f"profile: {self.profile!r} is not balanced or bin-packing")
        check_name("priority_class_name", self.priority_class_name, max_length=253)


class KubeScheduler(WorkloadComponent):
    chart = "controlplane/kube-scheduler"
    default_timeout = 180.0

    def __init__(self, kube: Kube, values: KubeSchedulerValues, **options: Any) -> None:
        super().__init__(kube, **options)
        self.values = values

    @property
    def name(self) -> str:
        return NAME

    def configuration(self) -> dict[str, Any]:
        """The ``kubescheduler.config.k8s.io/v1`` configuration the scheduler reads from ``--config``."""
        profile: dict[str, Any] = {"schedulerName": "default-scheduler"}
        if self.values.profile == "bin-packing":
            profile["pluginConfig"] = [
                {
                    "name": "NodeResourcesFit",
                    "args": {
                        "scoringStrategy": {
                            "type": "MostAllocated",
                            "resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}],
                        }
                    },
                }
            ]
        return {
            "apiVersion": "kubescheduler.config.k8s.io/v1",
            "kind": "KubeSchedulerConfiguration",
            "clientConnection": {"kubeconfig": SHOOT_KUBECONFIG},
            "leaderElection": {"leaderElect": True},
            "profiles": [profile],
        }

    def command(self) -> list[str]:
        v = self.values
        flags = [
            "/usr/local/bin/kube-scheduler",
            f"--config={CONFIG_DIR}/config.yaml",
            f"--authentication-kubeconfig={SHOOT_KUBECONFIG}",
            f"--authorization-kubeconfig={SHOOT_KUBECONFIG}",
            f"--secure-port={PORT}",
            "--profiling=false",
        ]
        if v.server_secret:
            flags += [f"--tls-cert-file={SERVER_TLS_DIR}/tls.crt", f"--tls-private-key-file={SERVER_TLS_DIR}/tls.key"]
        if v.feature_gates:
            flags.append("--feature-gates=" + ",".join(f"{g}={str(on).lower()}" for g, on in sorted(v.feature_gates)))
        return flags

    def context(self) -> dict[str, Any]:
        v = self.values
        config = yaml.safe_dump(self.configuration(), sort_keys=False)
        secret_volumes = [("kubeconfig", v.kubeconfig_secret, SHOOT_KUBECONFIG_DIR)]
        if v.server_secret:
            secret_volumes.append(("server-tls", v.server_secret, SERVER_TLS_DIR))
        return {
            **controller_workload(
                "scheduler",
                name=NAME,
                namespace=v.namespace,
                image=v.image,
                command=self.command(),
                replicas=v.replicas,
            ),
            "port": PORT,
            "configmap": CONFIGMAP,
            "config_dir": CONFIG_DIR,
            "config": config,
            "config_checksum": checksum(config),
            "secret_volumes": [{"name": n, "secret": s, "path": p} for n, s, p in secret_volumes],
            "resources": v.resources.manifest(),
            "priority_class_name": v.priority_class_name,
        }
