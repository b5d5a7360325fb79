"""The Infrastructure actuator: the shoot's network and node identity on AWS, made and removed idempotently.

``reconcile`` walks the network (:mod:`providers.aws.network`), then the IAM role, instance profile and key pair
(:mod:`providers.aws.iam`), and reports Gardener's ``InfrastructureStatus`` (VPC, subnets by purpose and zone, the
nodes' security group, role, instance profile, key name) plus a state with every id it made. ``delete`` does not read
that state: it removes what carries the shoot's tag (:mod:`providers.aws.teardown`), so it also cleans up after a
reconcile that crashed before it could record anything.
"""

from __future__ import annotations

import ipaddress
import math

from pydantic import BaseModel

from garden.api.common import ErrorCode
from providers.aws.calls import Calls
from providers.aws.clients import AWSClients
from providers.aws.config import (
    EC2Status,
    IAMStatus,
    InfrastructureConfig,
    InfrastructureStatus,
    InstanceProfile,
    Purpose,
    Role,
    SecurityGroup,
    Subnet,
    VPCStatus,
)
from providers.aws.ec2 import EC2
from providers.aws.iam import NodeIdentity
from providers.aws.network import NetworkBuilder, NetworkResult, ZoneResult
from providers.aws.teardown import Teardown
from providers.interface import ClusterInfo, InfrastructureRequest, InfrastructureResult, ProviderError


def default_config(cluster: ClusterInfo) -> InfrastructureConfig:
    """The layout for a shoot without an InfrastructureConfig: a new VPC on its nodes CIDR, the lower half split
    into one workers subnet per zone, the upper half into each zone's public and internal subnets."""
    if not cluster.networks.nodes or not cluster.zones:
        raise ProviderError(
            "the AWS provider needs an InfrastructureConfig, or the shoot's nodes CIDR and zones to derive one",
            ErrorCode.CONFIGURATION_PROBLEM,
        )
    nodes = ipaddress.ip_network(cluster.networks.nodes)
    bits = max(1, math.ceil(math.log2(len(cluster.zones))))
    lower, upper = nodes.subnets(prefixlen_diff=1)
    workers = list(lower.subnets(prefixlen_diff=bits))
    utility = list(upper.subnets(prefixlen_diff=bits + 1))
    zones = [
        {"name": zone, "workers": str(workers[i]), "public": str(utility[2 * i]), "internal": str(utility[2 * i + 1])}
        for i, zone in enumerate(cluster.zones)
    ]
    return InfrastructureConfig.model_validate({"networks": {"vpc": {"cidr": str(nodes)}, "zones": zones}})


def parse_config(config: BaseModel | None, cluster: ClusterInfo) -> InfrastructureConfig:
    if isinstance(config, InfrastructureConfig):
        return config
    if config is None:
        return default_config(cluster)
    return InfrastructureConfig.model_validate(config.model_dump(by_alias=True, exclude_none=True))


class AWSInfrastructure:
    def __init__(self, cluster: ClusterInfo, clients: AWSClients, calls: Calls) -> None:
        self.cluster = cluster
        self.clients = clients
        self.calls = calls
        self.ec2 = EC2(clients.ec2, calls, cluster.technical_id, dict(cluster.labels))

    def _identity(self) -> NodeIdentity:
        return NodeIdentity(
            self.clients.iam, self.clients.ec2, self.calls, self.cluster.technical_id, dict(self.cluster.labels)
        )

    def reconcile(self, request: InfrastructureRequest) -> InfrastructureResult:
        config = parse_config(request.config, self.cluster)
        network = NetworkBuilder(self.ec2, self.cluster.region).build(config)
        identity = self._identity()
        role_arn, profile = identity.ensure(config.enable_ecr_access is not False)
        key = identity.key_pair(request.ssh_public_key) if request.ssh_public_key else None
        status = _status(network, role_arn, profile, key)
        return InfrastructureResult(
            provider_status=status.model_dump(by_alias=True, exclude_none=True, mode="json"),
            state=_state(network, profile, key),
            nodes_cidr=network.vpc_cidr,
            egress_cidrs=tuple(f"{z.public_ip}/32" for z in network.zones if z.public_ip),
        )

    def delete(self, request: InfrastructureRequest) -> None:
        Teardown(self.ec2).all()
        self._identity().delete()


def _status(network: NetworkResult, role_arn: str, profile: str, key: str | None) -> InfrastructureStatus:
    subnets = [
        Subnet(id=subnet_id, purpose=purpose, zone=zone.name)
        for zone in network.zones
        for subnet_id, purpose in _purposes(zone)
    ]
    return InfrastructureStatus(
        ec2=EC2Status(key_name=key),
        iam=IAMStatus(
            instance_profiles=[InstanceProfile(name=profile, purpose="nodes")],
            roles=[Role(arn=role_arn, purpose="nodes")],
        ),
        vpc=VPCStatus(
            id=network.vpc_id,
            subnets=subnets,
            security_groups=[SecurityGroup(id=network.security_group, purpose="nodes")],
        ),
    )


def _purposes(zone: ZoneResult) -> tuple[tuple[str, Purpose], ...]:
    return ((zone.nodes_subnet, "nodes"), (zone.public_subnet, "public"), (zone.internal_subnet, "internal"))


def _state(network: NetworkResult, profile: str, key: str | None) -> dict[str, object]:
    return {
        "vpcID": network.vpc_id,
        "vpcAdopted": network.adopted,
        "dhcpOptionsID": network.dhcp_options,
        "internetGatewayID": network.internet_gateway,
        "publicRouteTableID": network.public_route_table,
        "securityGroupID": network.security_group,
        "instanceProfile": profile,
        "keyName": key,
        "zones": [
            {
                "name": z.name,
                "nodesSubnetID": z.nodes_subnet,
                "publicSubnetID": z.public_subnet,
                "internalSubnetID": z.internal_subnet,
                "natGatewayID": z.nat_gateway,
                "elasticIPAllocationID": z.elastic_ip,
                "routeTableID": z.route_table,
            }
            for z in network.zones
        ],
    }


__all__ = ["AWSInfrastructure", "default_config", "parse_config"]
