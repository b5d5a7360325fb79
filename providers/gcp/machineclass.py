"""A worker pool in one zone, as a GCP MachineClass: the image for its machine image and the zone's network settings.

The image comes from the CloudProfile's ``providerConfig`` (``CloudProfileConfig.machineImages[].versions[]``: name,
version and architecture give the ``image``). The subnetwork and service account come from the Infrastructure's
status; the pool's ``WorkerConfig`` adds GPUs, the boot disk's interface and encryption, data volumes, a minimum CPU
platform and a service account of the user's (data volumes are not attached yet).
The result is the ``providerSpec`` of Gardener's GCP machine classes
(``canIpForward``, ``disks``, ``labels``, ``networkInterfaces``, ``scheduling``, ``serviceAccounts``, ``tags``...),
which :mod:`providers.gcp.machines` reads back.
"""

from __future__ import annotations

from typing import Any

from garden.api.common import ErrorCode
from providers.gcp import names
from providers.gcp.config import InfrastructureStatus, WorkerConfig
from providers.interface import JSON, MachineClassRequest, MachineClassResult, ProviderError

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def find_image(cloud_profile: JSON | None, name: str, version: str, architecture: str) -> str:
    config = (cloud_profile or {}).get("providerConfig") or {}
    for image in config.get("machineImages") or ():
        if image.get("name") != name:
            continue
        for candidate in image.get("versions") or ():
            if candidate.get("version") == version and candidate.get("architecture", "amd64") == architecture:
                return str(candidate["image"])
    raise ProviderError(
        f"the CloudProfile has no GCP image for machine image {name} {version} ({architecture})",
        ErrorCode.CONFIGURATION_PROBLEM,
    )


def worker_config(config: Any) -> WorkerConfig:
    if config is None:
        return WorkerConfig()
    if isinstance(config, WorkerConfig):
        return config
    return WorkerConfig.model_validate(config.model_dump(by_alias=True, exclude_none=True))


def machine_class(request: MachineClassRequest) -> MachineClassResult:
    cluster = request.cluster
    if not request.image_name or not request.image_version:
        raise ProviderError(f"pool {request.pool}: no machine image given", ErrorCode.CONFIGURATION_PROBLEM)
    image = find_image(
        request.cloud_profile, request.image_name, request.image_version, request.architecture or "amd64"
    )
    if not request.infrastructure_status:
        raise ProviderError(
            "the Worker has no infrastructure provider status yet", ErrorCode.RETRYABLE_CONFIGURATION_PROBLEM
        )
    status = InfrastructureStatus.model_validate(request.infrastructure_status)
    subnets = [s.name for s in status.networks.subnets if s.purpose == "nodes"]
    if not subnets:
        raise ProviderError("the infrastructure has no nodes subnetwork", ErrorCode.CONFIGURATION_PROBLEM)
    worker = worker_config(request.worker_config)
    account = (
        {"email": worker.service_account.email, "scopes": list(worker.service_account.scopes)}
        if worker.service_account
        else {"email": status.service_account_email, "scopes": [CLOUD_PLATFORM_SCOPE]}
    )
    labels = names.labels(cluster.technical_id, cluster.labels)
    boot: JSON = {"autoDelete": True, "boot": True, "image": image, "labels": labels}
    if worker.volume and worker.volume.interface:
        boot["interface"] = worker.volume.interface
    if worker.volume and worker.volume.encryption and worker.volume.encryption.kms_key_name:
        boot["encryption"] = worker.volume.encryption.model_dump(by_alias=True, exclude_none=True)
    # NB: WorkerConfig.dataVolumes are accepted but not attached yet; see docs/extensions/gcp.md.
    disks: list[JSON] = [boot]
    spec: JSON = {
        "region": cluster.region,
        "zone": request.zone,
        "machineType": request.machine_type,
        "canIpForward": True,
        "deletionProtection": False,
        "description": f"A machine of pool {request.pool} of shoot {cluster.technical_id}",
        "disks": disks,
        "labels": labels,
        "networkInterfaces": [{"subnetwork": subnets[0], "disableExternalIP": True}],
        "scheduling": {
            "automaticRestart": True,
            # Instances with GPUs cannot live-migrate.
            "onHostMaintenance": "TERMINATE" if worker.gpu else "MIGRATE",
            "preemptible": False,
        },
        "serviceAccounts": [account],
        "tags": names.network_tags(cluster.technical_id),
    }
    if worker.gpu:
        spec["gpu"] = {"acceleratorType": worker.gpu.accelerator_type, "count": worker.gpu.count}
    if worker.min_cpu_platform:
        spec["minCpuPlatform"] = worker.min_cpu_platform
    return MachineClassResult(image=image, provider_spec=spec)


__all__ = ["find_image", "machine_class", "worker_config"]
