"""The Infrastructure actuator: the shoot's network on Compute Engine, made and removed idempotently.

``reconcile`` walks the network (:mod:`providers.gcp.network`) and reports Gardener's ``InfrastructureStatus`` (the
network and its Cloud Router, the subnetworks by purpose, the NAT's reserved addresses, the service account the
nodes run as) plus a state naming everything it made. ``delete`` does not read that state: it removes the shoot's
instances by label and the network's parts by name (:mod:`providers.gcp.teardown`), so it also cleans up after a
reconcile that crashed before it could record anything.

No IAM service account is created: the nodes run as the service account of the cloud provider secret (or the one a
pool's ``WorkerConfig.serviceAccount`` names), which is what ``serviceAccountEmail`` reports.
"""

from __future__ import annotations

from pydantic import BaseModel

from garden.api.common import ErrorCode
from providers.gcp.calls import Calls
from providers.gcp.clients import ComputeClients
from providers.gcp.compute import Compute
from providers.gcp.config import (
    CloudRouter,
    InfrastructureConfig,
    InfrastructureStatus,
    NatIP,
    NetworkStatus,
    Subnet,
    VPCStatus,
)
from providers.gcp.network import NetworkBuilder, NetworkResult
from providers.gcp.teardown import Teardown
from providers.interface import ClusterInfo, InfrastructureRequest, InfrastructureResult, ProviderError


def default_config(cluster: ClusterInfo) -> InfrastructureConfig:
    """The layout for a shoot without an InfrastructureConfig: a new network, the nodes' subnetwork on the nodes
    CIDR."""
    if not cluster.networks.nodes:
        raise ProviderError(
            "the GCP provider needs an InfrastructureConfig, or the shoot's nodes CIDR to derive one",
            ErrorCode.CONFIGURATION_PROBLEM,
        )
    return InfrastructureConfig.model_validate({"networks": {"workers": cluster.networks.nodes}})


def parse_config(config: BaseModel | None, cluster: ClusterInfo) -> InfrastructureConfig:
    if isinstance(config, InfrastructureConfig):
        return config
    if config is None:
        return default_config(cluster)
    return InfrastructureConfig.model_validate(config.model_dump(by_alias=True, exclude_none=True))


def status_of(network: NetworkResult, service_account: str) -> InfrastructureStatus:
    subnets = [Subnet(name=network.nodes_subnet, purpose="nodes")]
    if network.internal_subnet:
        subnets.append(Subnet(name=network.internal_subnet, purpose="internal"))
    return InfrastructureStatus(
        networks=NetworkStatus(
            vpc=VPCStatus(name=network.network, cloud_router=CloudRouter(name=network.router)),
            subnets=subnets,
            natIPs=[NatIP(ip=ip) for ip in network.nat_ips] or None,
        ),
        service_account_email=service_account,
    )


class GCPInfrastructure:
    def __init__(self, cluster: ClusterInfo, clients: ComputeClients, calls: Calls) -> None:
        self.cluster = cluster
        self.clients = clients
        self.compute = Compute(clients, calls)

    def _region(self) -> str:
        if not self.cluster.region:
            raise ProviderError("the Infrastructure names no region", ErrorCode.CONFIGURATION_PROBLEM)
        return self.cluster.region

    def reconcile(self, request: InfrastructureRequest) -> InfrastructureResult:
        config = parse_config(request.config, self.cluster)
        builder = NetworkBuilder(self.compute, self.cluster.technical_id, self._region())
        network = builder.build(config, self.cluster.networks.pods)
        status = status_of(network, self.clients.key.client_email)
        return InfrastructureResult(
            provider_status=status.model_dump(by_alias=True, exclude_none=True, mode="json"),
            state={
                "project": self.clients.project,
                "network": network.network,
                "networkAdopted": network.adopted,
                "subnetworks": [s.name for s in status.networks.subnets],
                "firewalls": network.firewalls,
                "router": network.router,
                "routerAdopted": network.router_adopted,
                "nat": network.nat,
            },
            nodes_cidr=network.nodes_cidr,
            egress_cidrs=tuple(f"{ip}/32" for ip in network.nat_ips),
        )

    def delete(self, request: InfrastructureRequest) -> None:
        config = parse_config(request.config, self.cluster) if request.config is not None else None
        Teardown(self.compute, self.cluster.technical_id, self._region()).all(config)


__all__ = ["GCPInfrastructure", "default_config", "parse_config", "status_of"]
