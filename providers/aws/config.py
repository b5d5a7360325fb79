"""The AWS provider's configs: what users write into a shoot (``aws.provider.extensions.gardener.cloud/v1alpha1``).

Field names and meaning are Gardener's AWS extension's. ``InfrastructureConfig`` says how the network is laid out
(a new VPC by CIDR or an existing one by id, and per zone the CIDRs of the workers, public and internal subnets);
``ControlPlaneConfig`` tunes the cloud controller manager and storage; ``WorkerConfig`` tunes a pool's machines (root
volume IOPS/throughput, data volumes, instance profile, instance metadata service). ``InfrastructureStatus`` is what
the infrastructure actuator reports back: the ids machines need (subnets per zone, security group, instance profile,
key pair).

Unknown fields are refused (``extra="forbid"``): a typo in a provider config is a 4xx at admission, not a silently
ignored setting.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import ConfigDict, Field

from garden.api.base import Model

API_VERSION: Final = "aws.provider.extensions.gardener.cloud/v1alpha1"


class AWSModel(Model):
    model_config = ConfigDict(extra="forbid")


class VPC(AWSModel):
    """Exactly one of ``id`` (adopt an existing VPC, which is never deleted) and ``cidr`` (create one)."""

    id: str | None = None
    cidr: str | None = None
    #: VPC gateway endpoints to create, by service name (``s3``, ``dynamodb``).
    gateway_endpoints: list[str] | None = None


class Zone(AWSModel):
    """One availability zone: the CIDRs of its three subnets and, optionally, the Elastic IP its NAT gateway uses."""

    name: str
    workers: str
    public: str
    internal: str
    #: An Elastic IP allocation the user owns, for the zone's NAT gateway; it is used, never released.
    elastic_ip_allocation_id: str | None = Field(default=None, alias="elasticIPAllocationID")


class Networks(AWSModel):
    vpc: VPC
    zones: list[Zone]


class IgnoreTags(AWSModel):
    """Tags on our resources that the actuator leaves alone (set by someone else)."""

    keys: list[str] | None = None
    key_prefixes: list[str] | None = None


class InfrastructureConfig(AWSModel):
    api_version: Literal["aws.provider.extensions.gardener.cloud/v1alpha1"] = API_VERSION
    kind: Literal["InfrastructureConfig"] = "InfrastructureConfig"
    networks: Networks
    #: Lets the nodes' IAM role pull from ECR (the default, as in Gardener).
    enable_ecr_access: bool | None = Field(default=None, alias="enableECRAccess")
    ignore_tags: IgnoreTags | None = None


class CloudControllerManagerConfig(AWSModel):
    feature_gates: dict[str, bool] | None = None
    use_custom_route_controller: bool | None = None


class LoadBalancerControllerConfig(AWSModel):
    enabled: bool
    ingress_class_name: str | None = None


class Storage(AWSModel):
    managed_default_class: bool | None = None


class ControlPlaneConfig(AWSModel):
    api_version: Literal["aws.provider.extensions.gardener.cloud/v1alpha1"] = API_VERSION
    kind: Literal["ControlPlaneConfig"] = "ControlPlaneConfig"
    cloud_controller_manager: CloudControllerManagerConfig | None = None
    load_balancer_controller: LoadBalancerControllerConfig | None = None
    storage: Storage | None = None


class Volume(AWSModel):
    """Root volume settings beyond type and size: provisioned IOPS (io1, io2, gp3) and throughput (gp3, MiB/s)."""

    iops: int | None = None
    throughput: int | None = None


class DataVolume(Volume):
    name: str
    snapshot_id: str | None = Field(default=None, alias="snapshotID")


class IAMInstanceProfile(AWSModel):
    """Exactly one of ``name`` and ``arn``: an instance profile of the user's instead of the one we create."""

    name: str | None = None
    arn: str | None = None


class InstanceMetadataOptions(AWSModel):
    #: ``required`` enforces IMDSv2.
    http_tokens: Literal["required", "optional"] | None = None
    http_put_response_hop_limit: int | None = Field(default=None, ge=1, le=64)


class CPUOptions(AWSModel):
    core_count: int = Field(ge=1)
    threads_per_core: int = Field(ge=1, le=2)


class WorkerConfig(AWSModel):
    api_version: Literal["aws.provider.extensions.gardener.cloud/v1alpha1"] = API_VERSION
    kind: Literal["WorkerConfig"] = "WorkerConfig"
    volume: Volume | None = None
    data_volumes: list[DataVolume] | None = None
    iam_instance_profile: IAMInstanceProfile | None = Field(default=None, alias="iamInstanceProfile")
    instance_metadata_options: InstanceMetadataOptions | None = None
    cpu_options: CPUOptions | None = Field(default=None, alias="cpuOptions")


# -- status -------------------------------------------------------------------------------------------------------

Purpose = Literal["nodes", "public", "internal"]


class Subnet(AWSModel):
    id: str
    purpose: Purpose
    zone: str


class SecurityGroup(AWSModel):
    id: str
    purpose: Literal["nodes"]


class VPCStatus(AWSModel):
    id: str
    subnets: list[Subnet]
    security_groups: list[SecurityGroup]


class InstanceProfile(AWSModel):
    name: str
    purpose: Literal["nodes"]


class Role(AWSModel):
    arn: str
    purpose: Literal["nodes"]


class IAMStatus(AWSModel):
    instance_profiles: list[InstanceProfile]
    roles: list[Role]


class EC2Status(AWSModel):
    key_name: str | None = None


class InfrastructureStatus(AWSModel):
    api_version: Literal["aws.provider.extensions.gardener.cloud/v1alpha1"] = API_VERSION
    kind: Literal["InfrastructureStatus"] = "InfrastructureStatus"
    ec2: EC2Status
    iam: IAMStatus
    vpc: VPCStatus


__all__ = [
    "API_VERSION",
    "VPC",
    "ControlPlaneConfig",
    "DataVolume",
    "EC2Status",
    "IAMStatus",
    "InfrastructureConfig",
    "InfrastructureStatus",
    "InstanceMetadataOptions",
    "Networks",
    "SecurityGroup",
    "Subnet",
    "VPCStatus",
    "WorkerConfig",
    "Zone",
]
