"""The shoot's network on EC2, made step by step in dependency order, each step found-or-created by tag.

The layout is Gardener's: DHCP options and a VPC (unless an existing VPC is adopted), an internet gateway, a public
route table towards it, the nodes' security group, and per zone ``i`` three subnets (``<id>-nodes-z<i>``,
``<id>-public-utility-z<i>``, ``<id>-private-utility-z<i>``), an Elastic IP and a NAT gateway in the public subnet, and
a private route table (``<id>-private-<zone>``) sending the nodes' and the internal subnet's traffic out through it.
An adopted VPC and its internet gateway are used, never tagged and never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from garden.api.common import ErrorCode
from providers.aws.config import InfrastructureConfig, Zone
from providers.aws.ec2 import EC2, Resource
from providers.aws.tags import tag_spec
from providers.interface import ProviderError

ANYWHERE = "0.0.0.0/0"
NODE_PORTS = (30000, 32767)

#: Load balancer controllers pick subnets by these tags.
PUBLIC_ELB_TAG = {"kubernetes.io/role/elb": "1"}
INTERNAL_ELB_TAG = {"kubernetes.io/role/internal-elb": "1"}


@dataclass(slots=True)
class ZoneResult:
    name: str
    nodes_subnet: str
    public_subnet: str
    internal_subnet: str
    nat_gateway: str
    elastic_ip: str
    public_ip: str | None
    route_table: str


@dataclass(slots=True)
class NetworkResult:
    vpc_id: str
    vpc_cidr: str
    adopted: bool
    dhcp_options: str | None
    internet_gateway: str
    public_route_table: str
    security_group: str
    zones: list[ZoneResult] = field(default_factory=list)


def _nat_alive(nat: Resource) -> bool:
    return nat.get("State") in ("pending", "available")


class NetworkBuilder:
    def __init__(self, ec2: EC2, region: str) -> None:
        self.ec2 = ec2
        self.region = region
        self.id = ec2.technical_id

    def _spec(self, kind: str, name: str, extra: dict[str, str] | None = None) -> Any:
        return tag_spec(kind, self.id, name, {**self.ec2.extra_tags, **(extra or {})})

    # -- the VPC ---------------------------------------------------------------------------------------------------

    def dhcp_options(self) -> str:
        domain = "ec2.internal" if self.region == "us-east-1" else f"{self.region}.compute.internal"
        spec = self._spec("dhcp-options", self.id)

        def create() -> Resource:
            options: Resource = self.ec2.client.create_dhcp_options(
                DhcpConfigurations=[
                    {"Key": "domain-name", "Values": [domain]},
                    {"Key": "domain-name-servers", "Values": ["AmazonProvidedDNS"]},
                ],
                TagSpecifications=spec,
            )["DhcpOptions"]
            if not options.get("Tags"):
                # NB: moto drops TagSpecifications on DHCP options (AWS does not); untagged, they would leak.
                self.ec2.client.create_tags(Resources=[options["DhcpOptionsId"]], Tags=spec[0]["Tags"])
            return options

        found = self.ec2.ensure("creating the DHCP options", "describe_dhcp_options", self.id, create)
        return str(found["DhcpOptionsId"])

    def created_vpc(self, cidr: str, dhcp_options: str) -> Resource:
        vpc = self.ec2.ensure(
            "creating the VPC",
            "describe_vpcs",
            self.id,
            lambda: self.ec2.client.create_vpc(CidrBlock=cidr, TagSpecifications=self._spec("vpc", self.id))["Vpc"],
        )
        vpc_id = vpc["VpcId"]
        if vpc.get("CidrBlock") != cidr:
            raise ProviderError(
                f"VPC {vpc_id} has CIDR {vpc.get('CidrBlock')}, the config asks for {cidr}; a VPC's CIDR cannot change",
                ErrorCode.CONFIGURATION_PROBLEM,
            )

        def settings() -> None:
            for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
                self.ec2.client.modify_vpc_attribute(VpcId=vpc_id, **{attribute: {"Value": True}})
            if vpc.get("DhcpOptionsId") != dhcp_options:
                self.ec2.client.associate_dhcp_options(DhcpOptionsId=dhcp_options, VpcId=vpc_id)

        self.ec2.calls.run("configuring the VPC", settings)
        return vpc

    def adopted_vpc(self, vpc_id: str) -> Resource:
        def step() -> Resource:
            vpcs = self.ec2.describe("describe_vpcs", VpcIds=[vpc_id])
            return vpcs[0]

        try:
            return self.ec2.calls.run(f"reading VPC {vpc_id}", step)
        except ProviderError as error:
            raise ProviderError(
                f"networks.vpc.id: VPC {vpc_id} cannot be used: {error.message}", ErrorCode.CONFIGURATION_PROBLEM
            ) from error

    def internet_gateway(self, vpc_id: str, adopted: bool) -> str:
        if adopted:
            attached = self.ec2.calls.run(
                "finding the internet gateway of the VPC",
                lambda: self.ec2.describe(
                    "describe_internet_gateways", [{"Name": "attachment.vpc-id", "Values": [vpc_id]}]
                ),
            )
            if not attached:
                raise ProviderError(
                    f"networks.vpc.id: VPC {vpc_id} has no internet gateway attached", ErrorCode.CONFIGURATION_PROBLEM
                )
            return str(attached[0]["InternetGatewayId"])
        gateway = self.ec2.ensure(
            "creating the internet gateway",
            "describe_internet_gateways",
            self.id,
            lambda: self.ec2.client.create_internet_gateway(TagSpecifications=self._spec("internet-gateway", self.id))[
                "InternetGateway"
            ],
        )
        gateway_id = str(gateway["InternetGatewayId"])

        def attach() -> None:
            current = self.ec2.describe("describe_internet_gateways", InternetGatewayIds=[gateway_id])
            if not any(a.get("VpcId") == vpc_id for a in (current[0].get("Attachments") or ())):
                self.ec2.client.attach_internet_gateway(InternetGatewayId=gateway_id, VpcId=vpc_id)

        self.ec2.calls.run("attaching the internet gateway", attach)
        return gateway_id

    # -- routing ---------------------------------------------------------------------------------------------------

    def route_table(self, name: str, vpc_id: str) -> str:
        table = self.ec2.ensure(
            f"creating route table {name}",
            "describe_route_tables",
            name,
            lambda: self.ec2.client.create_route_table(VpcId=vpc_id, TagSpecifications=self._spec("route-table", name))[
                "RouteTable"
            ],
            {"Name": "vpc-id", "Values": [vpc_id]},
        )
        return str(table["RouteTableId"])

    def default_route(self, table_id: str, target: dict[str, str]) -> None:
        """``0.0.0.0/0`` via ``target`` (``{"GatewayId": igw}`` or ``{"NatGatewayId": nat}``), replaced if different."""

        def step() -> None:
            table = self.ec2.describe("describe_route_tables", RouteTableIds=[table_id])[0]
            for route in table.get("Routes") or ():
                if route.get("DestinationCidrBlock") == ANYWHERE:
                    if all(route.get(k) == v for k, v in target.items()):
                        return
                    self.ec2.client.replace_route(RouteTableId=table_id, DestinationCidrBlock=ANYWHERE, **target)
                    return
            self.ec2.client.create_route(RouteTableId=table_id, DestinationCidrBlock=ANYWHERE, **target)

        self.ec2.calls.run(f"routing {ANYWHERE} in {table_id}", step)

    def associate(self, table_id: str, subnet_id: str) -> None:
        def step() -> None:
            tables = self.ec2.describe(
                "describe_route_tables", [{"Name": "association.subnet-id", "Values": [subnet_id]}]
            )
            for table in tables:
                for association in table.get("Associations") or ():
                    if association.get("SubnetId") != subnet_id:
                        continue
                    if table["RouteTableId"] == table_id:
                        return
                    self.ec2.client.replace_route_table_association(
                        AssociationId=association["RouteTableAssociationId"], RouteTableId=table_id
                    )
                    return
            self.ec2.client.associate_route_table(RouteTableId=table_id, SubnetId=subnet_id)

        self.ec2.calls.run(f"associating subnet {subnet_id} with {table_id}", step)

    # -- security --------------------------------------------------------------------------------------------------

    def security_group(self, vpc_id: str) -> str:
        name = f"{self.id}-nodes"
        group = self.ec2.ensure(
            "creating the nodes' security group",
            "describe_security_groups",
            name,
            lambda: {
                "GroupId": self.ec2.client.create_security_group(
                    GroupName=name,
                    Description=f"Security group for the nodes of {self.id}",
                    VpcId=vpc_id,
                    TagSpecifications=self._spec("security-group", name),
                )["GroupId"],
                "IpPermissions": [],
            },
            {"Name": "vpc-id", "Values": [vpc_id]},
        )
        group_id = str(group["GroupId"])
        wanted: list[Resource] = [
            {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group_id}]},
            *(
                {
                    "IpProtocol": protocol,
                    "FromPort": NODE_PORTS[0],
                    "ToPort": NODE_PORTS[1],
                    "IpRanges": [{"CidrIp": ANYWHERE}],
                }
                for protocol in ("tcp", "udp")
            ),
        ]

        def rules() -> None:
            current = self.ec2.describe("describe_security_groups", GroupIds=[group_id])[0].get("IpPermissions") or []
            missing = [rule for rule in wanted if not any(_covers(have, rule) for have in current)]
            if missing:
                self.ec2.client.authorize_security_group_ingress(GroupId=group_id, IpPermissions=missing)

        self.ec2.calls.run("allowing traffic to the nodes", rules)
        return group_id

    # -- zones -----------------------------------------------------------------------------------------------------

    def subnet(self, name: str, vpc_id: str, cidr: str, zone: str, extra: dict[str, str] | None = None) -> str:
        subnet = self.ec2.ensure(
            f"creating subnet {name}",
            "describe_subnets",
            name,
            lambda: self.ec2.client.create_subnet(
                VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone, TagSpecifications=self._spec("subnet", name, extra)
            )["Subnet"],
            {"Name": "vpc-id", "Values": [vpc_id]},
        )
        if subnet.get("CidrBlock") != cidr or subnet.get("AvailabilityZone") != zone:
            raise ProviderError(
                f"subnet {subnet['SubnetId']} ({name}) is {subnet.get('CidrBlock')} in "
                f"{subnet.get('AvailabilityZone')}, the config asks for {cidr} in {zone}; "
                "delete the zone first to change it",
                ErrorCode.CONFIGURATION_PROBLEM,
            )
        return str(subnet["SubnetId"])

    def elastic_ip(self, index: int, zone: Zone) -> tuple[str, str | None]:
        if zone.elastic_ip_allocation_id:
            allocation = zone.elastic_ip_allocation_id
            found = self.ec2.calls.run(
                f"reading Elastic IP {allocation}",
                lambda: self.ec2.describe("describe_addresses", AllocationIds=[allocation]),
            )
            return allocation, found[0].get("PublicIp")
        name = f"{self.id}-eip-natgw-z{index}"
        address = self.ec2.ensure(
            f"allocating Elastic IP {name}",
            "describe_addresses",
            name,
            lambda: self.ec2.client.allocate_address(Domain="vpc", TagSpecifications=self._spec("elastic-ip", name)),
        )
        return str(address["AllocationId"]), address.get("PublicIp")

    def nat_gateway(self, index: int, subnet_id: str, allocation_id: str) -> str:
        name = f"{self.id}-natgw-z{index}"
        nat = self.ec2.ensure(
            f"creating NAT gateway {name}",
            "describe_nat_gateways",
            name,
            lambda: self.ec2.client.create_nat_gateway(
                SubnetId=subnet_id, AllocationId=allocation_id, TagSpecifications=self._spec("natgateway", name)
            )["NatGateway"],
            alive=_nat_alive,
        )
        return str(nat["NatGatewayId"])

    def wait_available(self, nat_ids: list[str]) -> None:
        """NAT gateways take a minute or two to become available; routes to a pending one would blackhole."""

        def step() -> bool | None:
            nats = self.ec2.describe("describe_nat_gateways", NatGatewayIds=nat_ids)
            failed = [n for n in nats if n.get("State") in ("failed", "deleted", "deleting")]
            if failed:
                reasons = "; ".join(f"{n['NatGatewayId']}: {n.get('FailureMessage') or n.get('State')}" for n in failed)
                raise ProviderError(f"NAT gateways failed: {reasons}", ErrorCode.RETRYABLE_INFRA_DEPENDENCIES)
            return True if all(n.get("State") == "available" for n in nats) else None

        self.ec2.calls.settle("waiting for the NAT gateways to become available", step)

    def zone(self, index: int, zone: Zone, vpc_id: str, public_table: str) -> ZoneResult:
        nodes = self.subnet(f"{self.id}-nodes-z{index}", vpc_id, zone.workers, zone.name)
        public = self.subnet(f"{self.id}-public-utility-z{index}", vpc_id, zone.public, zone.name, PUBLIC_ELB_TAG)
        internal = self.subnet(
            f"{self.id}-private-utility-z{index}", vpc_id, zone.internal, zone.name, INTERNAL_ELB_TAG
        )
        allocation, public_ip = self.elastic_ip(index, zone)
        nat = self.nat_gateway(index, public, allocation)
        private_table = self.route_table(f"{self.id}-private-{zone.name}", vpc_id)
        self.associate(public_table, public)
        self.associate(private_table, nodes)
        self.associate(private_table, internal)
        return ZoneResult(zone.name, nodes, public, internal, nat, allocation, public_ip, private_table)

    def build(self, config: InfrastructureConfig) -> NetworkResult:
        vpc_config = config.networks.vpc
        if vpc_config.id:
            vpc = self.adopted_vpc(vpc_config.id)
            dhcp: str | None = None
        elif vpc_config.cidr:
            dhcp = self.dhcp_options()
            vpc = self.created_vpc(vpc_config.cidr, dhcp)
        else:
            raise ProviderError("networks.vpc: either id or cidr must be set", ErrorCode.CONFIGURATION_PROBLEM)
        vpc_id = str(vpc["VpcId"])
        adopted = bool(vpc_config.id)
        gateway = self.internet_gateway(vpc_id, adopted)
        public_table = self.route_table(self.id, vpc_id)
        self.default_route(public_table, {"GatewayId": gateway})
        group = self.security_group(vpc_id)
        result = NetworkResult(vpc_id, str(vpc["CidrBlock"]), adopted, dhcp, gateway, public_table, group)
        result.zones = [self.zone(i, zone, vpc_id, public_table) for i, zone in enumerate(config.networks.zones)]
        self.wait_available([z.nat_gateway for z in result.zones])
        for zone_result in result.zones:
            self.default_route(zone_result.route_table, {"NatGatewayId": zone_result.nat_gateway})
        self.gateway_endpoints(config, vpc_id, [public_table, *(z.route_table for z in result.zones)])
        return result

    def gateway_endpoints(self, config: InfrastructureConfig, vpc_id: str, tables: list[str]) -> None:
        for service in config.networks.vpc.gateway_endpoints or ():
            self.gateway_endpoint(service, vpc_id, tables)

    def gateway_endpoint(self, service: str, vpc_id: str, tables: list[str]) -> None:
        name = f"{self.id}-gw-{service}"
        self.ec2.ensure(
            f"creating the {service} gateway endpoint",
            "describe_vpc_endpoints",
            name,
            lambda: self.ec2.client.create_vpc_endpoint(
                VpcEndpointType="Gateway",
                VpcId=vpc_id,
                ServiceName=f"com.amazonaws.{self.region}.{service}",
                RouteTableIds=tables,
                TagSpecifications=self._spec("vpc-endpoint", name),
            )["VpcEndpoint"],
            alive=lambda endpoint: endpoint.get("State") not in ("deleted", "deleting", "failed"),
        )


def _covers(have: Resource, want: Resource) -> bool:
    """True when an existing ingress rule already allows what ``want`` asks for."""
    for key in ("IpProtocol", "FromPort", "ToPort"):
        if have.get(key) != want.get(key):
            return False
    have_groups = {pair.get("GroupId") for pair in have.get("UserIdGroupPairs") or ()}
    have_ranges = {r.get("CidrIp") for r in have.get("IpRanges") or ()}
    return all(p["GroupId"] in have_groups for p in want.get("UserIdGroupPairs") or ()) and all(
        r["CidrIp"] in have_ranges for r in want.get("IpRanges") or ()
    )


__all__ = ["NetworkBuilder", "NetworkResult", "ZoneResult"]
