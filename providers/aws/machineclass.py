"""A worker pool in one zone, as an AWS MachineClass: the AMI for its image and the zone's network and identity.

The AMI comes from the CloudProfile's ``providerConfig`` (``CloudProfileConfig.machineImages[].versions[].regions[]``:
name, version, region and architecture give the ``ami``). The subnet, security group, instance profile and key come
from the Infrastructure's status; the pool's ``WorkerConfig`` adds root volume IOPS/throughput, an instance profile
of the user's, and instance metadata options. The result is the ``providerSpec`` of Gardener's AWS machine classes,
which :mod:`providers.aws.machines` reads back.
"""

from __future__ import annotations

from typing import Any

from garden.api.common import ErrorCode
from providers.aws.config import InfrastructureStatus, WorkerConfig
from providers.interface import JSON, MachineClassRequest, MachineClassResult, ProviderError


def find_ami(cloud_profile: JSON | None, name: str, version: str, region: str, architecture: str) -> str:
    config = (cloud_profile or {}).get("providerConfig") or {}
    for image in config.get("machineImages") or ():
        if image.get("name") != name:
            continue
        for candidate in image.get("versions") or ():
            if candidate.get("version") != version:
                continue
            for entry in candidate.get("regions") or ():
                if entry.get("name") == region and entry.get("architecture", "amd64") == architecture:
                    return str(entry["ami"])
    raise ProviderError(
        f"the CloudProfile has no AMI for image {name} {version} ({architecture}) in region {region}",
        ErrorCode.CONFIGURATION_PROBLEM,
    )


def _worker_config(config: Any) -> WorkerConfig:
    if config is None:
        return WorkerConfig()
    if isinstance(config, WorkerConfig):
        return config
    return WorkerConfig.model_validate(config.model_dump(by_alias=True, exclude_none=True))


def machine_class(request: MachineClassRequest) -> MachineClassResult:
    cluster = request.cluster
    if not request.image_name or not request.image_version:
        raise ProviderError(f"pool {request.pool}: no machine image given", ErrorCode.CONFIGURATION_PROBLEM)
    architecture = request.architecture or "amd64"
    ami = find_ami(request.cloud_profile, request.image_name, request.image_version, cluster.region, architecture)
    if not request.infrastructure_status:
        raise ProviderError(
            "the Worker has no infrastructure provider status yet", ErrorCode.RETRYABLE_CONFIGURATION_PROBLEM
        )
    status = InfrastructureStatus.model_validate(request.infrastructure_status)
    subnets = [s.id for s in status.vpc.subnets if s.purpose == "nodes" and s.zone == request.zone]
    if not subnets:
        raise ProviderError(
            f"pool {request.pool}: the infrastructure has no nodes subnet in zone {request.zone}",
            ErrorCode.CONFIGURATION_PROBLEM,
        )
    worker = _worker_config(request.worker_config)
    profile = worker.iam_instance_profile
    iam: dict[str, str] = (
        {"arn": profile.arn}
        if profile and profile.arn
        else {"name": profile.name if profile and profile.name else status.iam.instance_profiles[0].name}
    )
    ebs: dict[str, Any] = {"deleteOnTermination": True, "encrypted": True}
    if worker.volume and worker.volume.iops:
        ebs["iops"] = worker.volume.iops
    if worker.volume and worker.volume.throughput:
        ebs["throughput"] = worker.volume.throughput
    spec: JSON = {
        "ami": ami,
        "region": cluster.region,
        "machineType": request.machine_type,
        "iam": iam,
        "networkInterfaces": [
            {
                "subnetID": subnets[0],
                "securityGroupIDs": [g.id for g in status.vpc.security_groups if g.purpose == "nodes"],
            }
        ],
        "blockDevices": [{"deviceName": "/dev/xvda", "ebs": ebs}],
        "tags": dict(cluster.labels),
    }
    if status.ec2.key_name:
        spec["keyName"] = status.ec2.key_name
    if worker.instance_metadata_options:
        spec["instanceMetadataOptions"] = worker.instance_metadata_options.model_dump(by_alias=True, exclude_none=True)
    return MachineClassResult(image=ami, provider_spec=spec)


__all__ = ["find_ami", "machine_class"]
