"""The AWS ControlPlane: Gardener's AWS extension deploys the cloud controller manager and CSI driver here; on this
project those run (or not) as part of the shoot's control plane charts, so nothing is made in AWS. The actuator
checks that the ControlPlaneConfig is usable with the infrastructure (a load balancer controller needs the VPC) and
reports Gardener's ``ControlPlaneStatus`` with what it resolved: the VPC and the region the controllers would use.
"""

from __future__ import annotations

from garden.api.common import ErrorCode
from providers.aws.config import API_VERSION, ControlPlaneConfig, InfrastructureStatus
from providers.interface import JSON, ControlPlaneRequest, ProviderError


class AWSControlPlane:
    def reconcile(self, request: ControlPlaneRequest) -> JSON:
        config = request.config if isinstance(request.config, ControlPlaneConfig) else ControlPlaneConfig()
        status: JSON = {"apiVersion": API_VERSION, "kind": "ControlPlaneStatus", "region": request.cluster.region}
        if request.infrastructure_status:
            infrastructure = InfrastructureStatus.model_validate(request.infrastructure_status)
            status["vpcID"] = infrastructure.vpc.id
        elif config.load_balancer_controller is not None and config.load_balancer_controller.enabled:
            raise ProviderError(
                "the load balancer controller needs the infrastructure's VPC, and the ControlPlane has no "
                "infrastructureProviderStatus yet",
                ErrorCode.RETRYABLE_CONFIGURATION_PROBLEM,
            )
        return status

    def delete(self, request: ControlPlaneRequest) -> None:
        """Nothing was made in AWS."""


__all__ = ["AWSControlPlane"]
