"""The GCP provider's configs: what users write into a shoot (``gcp.provider.extensions.gardener.cloud/v1alpha1``).

Field names and meaning are Gardener's GCP extension's. ``InfrastructureConfig`` says how the network is laid out: a
new VPC network or an existing one (``networks.vpc.name``, optionally with its Cloud Router), the CIDR of the nodes'
subnetwork (``networks.workers``; ``networks.worker`` is the deprecated spelling), an optional internal subnetwork,
Cloud NAT settings and VPC flow logs. ``WorkerConfig`` tunes a pool's machines (boot volume interface and encryption,
data volumes, GPUs, service account, minimum CPU platform). ``InfrastructureStatus`` is what the infrastructure
actuator reports back: the network, its subnetworks by purpose, the Cloud Router, the NAT addresses and the service
account the nodes run as.

Unknown fields are refused (``extra="forbid"``): a typo in a provider config is a 4xx at admission, not a silently
ignored setting.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import ConfigDict, Field

from garden.api.base import Model

API_VERSION: Final = "gcp.provider.extensions.gardener.cloud/v1alpha1"


class GCPModel(Model):
    model_config = ConfigDict(extra="forbid")


class CloudRouter(GCPModel):
    name: str


class VPC(GCPModel):
    """An existing VPC network to use (never deleted); with ``cloudRouter``, its existing router carries our NAT."""

    name: str
    cloud_router: CloudRouter | None = None


class NatIPName(GCPModel):
    """A regional static address the user reserved, used by the Cloud NAT (never released by us)."""

    name: str


class EndpointIndependentMapping(GCPModel):
    enabled: bool


class CloudNAT(GCPModel):
    min_ports_per_vm: int | None = Field(default=None, alias="minPortsPerVM")
    max_ports_per_vm: int | None = Field(default=None, alias="maxPortsPerVM")
    enable_dynamic_port_allocation: bool | None = None
    endpoint_independent_mapping: EndpointIndependentMapping | None = None
    nat_ip_names: list[NatIPName] | None = Field(default=None, alias="natIPNames")
    icmp_idle_timeout_sec: int | None = None
    tcp_established_idle_timeout_sec: int | None = None
    tcp_transitory_idle_timeout_sec: int | None = None
    udp_idle_timeout_sec: int | None = None


class FlowLogs(GCPModel):
    """VPC flow logs on the nodes' subnetwork (``logConfig`` of the subnetwork)."""

    aggregation_interval: (
        Literal[
            "INTERVAL_5_SEC",
            "INTERVAL_30_SEC",
            "INTERVAL_1_MIN",
            "INTERVAL_5_MIN",
            "INTERVAL_10_MIN",
            "INTERVAL_15_MIN",
        ]
        | None
    ) = None
    #: The share of flows logged, 0 to 1 (a float, as in Gardener's API and GCE's).
    flow_sampling: float | None = Field(default=None, ge=0, le=1)
    metadata: Literal["INCLUDE_ALL_METADATA", "EXCLUDE_ALL_METADATA"] | None = None


class Networks(GCPModel):
    vpc: VPC | None = None
    cloud_nat: CloudNAT | None = Field(default=None, alias="cloudNAT")
    #: The nodes' subnetwork CIDR.
    workers: str | None = None
    #: Deprecated spelling of ``workers`` (Gardener still accepts it).
    worker: str | None = None
    #: An optional second subnetwork for internal load balancers.
    internal: str | None = None
    flow_logs: FlowLogs | None = None

    @property
    def workers_cidr(self) -> str | None:
        return self.workers or self.worker


class InfrastructureConfig(GCPModel):
    api_version: Literal["gcp.provider.extensions.gardener.cloud/v1alpha1"] = API_VERSION
    kind: Literal["InfrastructureConfig"] = "InfrastructureConfig"
    networks: Networks


class CloudControllerManagerConfig(GCPModel):
    feature_gates: dict[str, bool] | None = None


class Storage(GCPModel):
    managed_default_storage_class: bool | None = None
    managed_default_volume_snapshot_class: bool | None = None


class ControlPlaneConfig(GCPModel):
    api_version: Literal["gcp.provider.extensions.gardener.cloud/v1alpha1"] = API_VERSION
    kind: Literal["ControlPlaneConfig"] = "ControlPlaneConfig"
    #: The zone the cloud controller manager treats as the cluster's (one of the workers' zones).
    zone: str | None = None
    cloud_controller_manager: CloudControllerManagerConfig | None = None
    storage: Storage | None = None


class GPU(GCPModel):
    accelerator_type: str
    count: int = Field(ge=1)


class DiskEncryption(GCPModel):
    kms_key_name: str | None = None
    kms_key_service_account: str | None = None


class Volume(GCPModel):
    """Boot volume settings beyond type and size."""

    interface: Literal["NVME", "SCSI"] | None = None
    encryption: DiskEncryption | None = None


class DataVolume(GCPModel):
    name: str
    source_image: str | None = None
    provisioned_iops: int | None = Field(default=None, ge=1)
    provisioned_throughput: int | None = Field(default=None, ge=1)


class ServiceAccount(GCPModel):
    """The service account the pool's instances run as, instead of the provider's own."""

    email: str
    scopes: list[str]


class WorkerConfig(GCPModel):
    api_version: Literal["gcp.provider.extensions.gardener.cloud/v1alpha1"] = API_VERSION
    kind: Literal["WorkerConfig"] = "WorkerConfig"
    gpu: GPU | None = None
    volume: Volume | None = None
    data_volumes: list[DataVolume] | None = None
    min_cpu_platform: str | None = None
    service_account: ServiceAccount | None = None


# -- status -------------------------------------------------------------------------------------------------------

Purpose = Literal["nodes", "internal"]


class Subnet(GCPModel):
    name: str
    purpose: Purpose


class VPCStatus(GCPModel):
    name: str
    cloud_router: CloudRouter | None = None


class NatIP(GCPModel):
    ip: str


class NetworkStatus(GCPModel):
    vpc: VPCStatus
    subnets: list[Subnet]
    nat_ips: list[NatIP] | None = Field(default=None, alias="natIPs")


class InfrastructureStatus(GCPModel):
    api_version: Literal["gcp.provider.extensions.gardener.cloud/v1alpha1"] = API_VERSION
    kind: Literal["InfrastructureStatus"] = "InfrastructureStatus"
    networks: NetworkStatus
    service_account_email: str = ""


__all__ = [
    "API_VERSION",
    "GPU",
    "VPC",
    "CloudNAT",
    "CloudRouter",
    "ControlPlaneConfig",
    "DataVolume",
    "FlowLogs",
    "InfrastructureConfig",
    "InfrastructureStatus",
    "NatIP",
    "NetworkStatus",
    "Networks",
    "Purpose",
    "ServiceAccount",
    "Subnet",
    "VPCStatus",
    "WorkerConfig",
]
