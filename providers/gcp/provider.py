"""The GCP provider (extension type ``gcp``), registered in the ``garden.providers`` entry-point group.

Actuators are cheap and built per call from the shoot's credentials (the service account key names the project).
There is no DNS or backup actuator yet: DNSRecords and BackupBuckets of type ``gcp`` fail with
``ERR_CONFIGURATION_PROBLEM`` saying so (see docs/extensions/gcp.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel

from kubelite.apiserver.errors import FieldError
from providers.gcp.calls import Calls, RetryPolicy
from providers.gcp.clients import ComputeClients
from providers.gcp.config import ControlPlaneConfig, InfrastructureConfig, WorkerConfig
from providers.gcp.controlplane import GCPControlPlane
from providers.gcp.infrastructure import GCPInfrastructure
from providers.gcp.machineclass import machine_class
from providers.gcp.machines import GCPMachines
from providers.gcp.validation import validate_shoot
from providers.interface import (
    BackupActuator,
    ClusterInfo,
    DNSActuator,
    MachineClassRequest,
    MachineClassResult,
)


class GCPProvider:
    name: ClassVar[str] = "gcp"
    infrastructure_config: ClassVar[type[BaseModel] | None] = InfrastructureConfig
    control_plane_config: ClassVar[type[BaseModel] | None] = ControlPlaneConfig
    worker_config: ClassVar[type[BaseModel] | None] = WorkerConfig

    def __init__(self, *, retry: RetryPolicy | None = None) -> None:
        self.calls = Calls(retry)

    def clients(self, credentials: Mapping[str, str]) -> ComputeClients:
        return ComputeClients(credentials)

    def infrastructure(self, cluster: ClusterInfo) -> GCPInfrastructure:
        return GCPInfrastructure(cluster, self.clients(cluster.credentials), self.calls)

    def machines(self, cluster: ClusterInfo) -> GCPMachines:
        return GCPMachines(cluster, self.clients(cluster.credentials), self.calls)

    def control_plane(self, cluster: ClusterInfo) -> GCPControlPlane:
        return GCPControlPlane()

    def machine_class(self, request: MachineClassRequest) -> MachineClassResult:
        return machine_class(request)

    def dns(self, cluster: ClusterInfo) -> DNSActuator | None:
        return None

    def backup(self, credentials: Mapping[str, str], region: str) -> BackupActuator | None:
        return None

    def validate_shoot(self, shoot_spec: dict[str, Any]) -> list[FieldError]:
        """Admission's hook: every problem with the shoot's GCP provider configs."""
        return validate_shoot(shoot_spec)


__all__ = ["GCPProvider"]
