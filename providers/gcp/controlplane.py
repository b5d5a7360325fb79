"""The GCP ControlPlane: Gardener's GCP extension deploys the cloud controller manager and CSI driver here; on this
project those run (or not) as part of the shoot's control plane charts, so nothing is made in Compute. The actuator
resolves what those controllers would be configured with, the project, region, zone (``ControlPlaneConfig.zone``,
else the workers' first) and the network, and reports it as the ``ControlPlaneStatus``.
"""

from __future__ import annotations

from garden.api.common import ErrorCode
from providers.gcp.clients import parse_key
from providers.gcp.config import API_VERSION, ControlPlaneConfig, InfrastructureStatus
from providers.interface import JSON, ControlPlaneRequest, ProviderError


class GCPControlPlane:
    def reconcile(self, request: ControlPlaneRequest) -> JSON:
        cluster = request.cluster
        config = request.config if isinstance(request.config, ControlPlaneConfig) else ControlPlaneConfig()
        zone = config.zone or (cluster.zones[0] if cluster.zones else None)
        if zone is not None and cluster.zones and zone not in cluster.zones:
            raise ProviderError(
                f"providerConfig.zone {zone} is not one of the workers' zones ({', '.join(cluster.zones)})",
                ErrorCode.CONFIGURATION_PROBLEM,
            )
        status: JSON = {
            "apiVersion": API_VERSION,
            "kind": "ControlPlaneStatus",
            "projectID": parse_key(cluster.credentials).project_id,
            "region": cluster.region,
        }
        if zone:
            status["zone"] = zone
        if request.infrastructure_status:
            status["network"] = InfrastructureStatus.model_validate(request.infrastructure_status).networks.vpc.name
        return status

    def delete(self, request: ControlPlaneRequest) -> None:
        """Nothing was made in Compute."""


__all__ = ["GCPControlPlane"]
