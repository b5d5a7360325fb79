"""The local provider: a shoot's "cloud" is a Kubernetes cluster on this machine (normally the seed itself).

* infrastructure: nothing to build; the nodes CIDR is chosen and what was "made" is recorded in a ConfigMap;
* machines: one Pod per machine running the simulated node image ``localhost/kubelite/node:<version>``
  (``python -m kubelite.nodes``), which boots from the machine's user data and joins the shoot;
* control plane: nothing to make; the ControlPlane's status names the machines' namespace;
* DNS: records kept in ConfigMaps, one per hosted zone; backup: a bucket is a directory.

The provider's credentials Secret names that cluster (key ``kubeconfig``; absent: the in-cluster config) and,
for backups, the directory buckets live under (key ``backupRoot``). See docs/extensions/local.md.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel

from kubelite.apiserver.errors import FieldError, invalid
from providers.interface import (
    INFRASTRUCTURE_CONFIG_PATH,
    BackupActuator,
    ClusterInfo,
    DNSActuator,
    InfrastructureActuator,
    MachineClassRequest,
    MachineClassResult,
    MachineDriver,
    typed_config_errors,
)
from providers.local.backup import LocalBackup
from providers.local.cloud import cloud_client
from providers.local.config import InfrastructureConfig, WorkerConfig
from providers.local.controlplane import LocalControlPlane
from providers.local.dns import LocalDNS
from providers.local.infrastructure import LocalInfrastructure
from providers.local.machines import NODE_IMAGE, LocalMachines


class LocalProvider:
    name: ClassVar[str] = "local"
    infrastructure_config: ClassVar[type[BaseModel] | None] = InfrastructureConfig
    control_plane_config: ClassVar[type[BaseModel] | None] = None
    worker_config: ClassVar[type[BaseModel] | None] = WorkerConfig

    def infrastructure(self, cluster: ClusterInfo) -> InfrastructureActuator:
        return LocalInfrastructure(cloud_client(cluster.credentials))

    def machines(self, cluster: ClusterInfo) -> MachineDriver:
        return LocalMachines(cloud_client(cluster.credentials))

    def control_plane(self, cluster: ClusterInfo) -> LocalControlPlane:
        return LocalControlPlane()

    def dns(self, cluster: ClusterInfo) -> DNSActuator | None:
        return LocalDNS(cloud_client(cluster.credentials))

    def backup(self, credentials: Mapping[str, str], region: str) -> BackupActuator | None:
        return LocalBackup.from_credentials(credentials)

    def validate_shoot(self, spec: Mapping[str, Any]) -> list[FieldError]:
        """The configs' types, and ``infrastructureConfig.nodes`` a CIDR (strict: no host bits)."""
        problems = typed_config_errors(self, spec)
        provider = spec.get("provider")
        config = provider.get("infrastructureConfig") if isinstance(provider, Mapping) else None
        nodes = config.get("nodes") if isinstance(config, Mapping) else None
        if isinstance(nodes, str) and not problems:
            try:
                ipaddress.ip_network(nodes, strict=True)
            except ValueError as exc:
                problems.append(invalid(f"{INFRASTRUCTURE_CONFIG_PATH}.nodes", nodes, f"must be a valid CIDR: {exc}"))
        return problems

    def machine_class(self, request: MachineClassRequest) -> MachineClassResult:
        """Every local machine runs the simulated node image; the logical image is kept for the record."""
        image = f"{NODE_IMAGE}:{_node_version(request)}"
        spec = {"zone": request.zone, "machineImage": {"name": request.image_name, "version": request.image_version}}
        return MachineClassResult(image=image, provider_spec=spec)


def _node_version(request: MachineClassRequest) -> str:
    from kubelite.version import VERSION  # noqa: PLC0415

    config = request.worker_config
    if isinstance(config, WorkerConfig) and config.node_version:
        return config.node_version
    return VERSION.replace("+", "_")


__all__ = ["LocalProvider"]
