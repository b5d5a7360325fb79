"""Removing everything tagged for a shoot, in the order AWS's dependencies demand.

Nothing here trusts the state an earlier reconcile recorded: each kind is listed by the shoot's cluster tag, so a
reconcile that crashed before recording anything is cleaned up all the same, and an adopted VPC (never tagged) is left
alone. The order: instances (orphans a failed Worker deletion left), NAT gateways (then wait until they are gone:
their addresses and subnets stay in use until then), VPC endpoints, route tables, Elastic IPs, subnets, security
groups, internet gateways, VPCs, DHCP options. Where AWS still reports a dependency (an instance shutting down, a NAT
gateway deleting), the step is repeated until the settle timeout, then ends ``ERR_RETRYABLE_INFRA_DEPENDENCIES``.

A dependency that is not ours is another matter: a network interface someone made in the shoot's subnets (a load
balancer of another tool, a Lambda, a hand-made ENI), or one attached to an instance without the shoot's tag, keeps
its subnet, security group and VPC in use however long we wait. When a delete is refused, the network interfaces of
the shoot's VPCs are looked at; any that belongs neither to the shoot's instances nor to its NAT gateways ends the
deletion at once with ``ERR_INFRA_DEPENDENCIES`` (non-retryable, as Gardener reports it), naming them, so the user
can remove them and retry.
"""

from __future__ import annotations

from garden.api.common import ErrorCode
from providers.aws.ec2 import EC2, Resource
from providers.aws.errors import is_dependency, is_not_found
from providers.aws.tags import cluster_filter
from providers.interface import ProviderError

_GONE_INSTANCE = ("terminated",)


def _ignore_missing(exc: BaseException) -> None:
    if not is_not_found(exc):
        raise exc


class Teardown:
    def __init__(self, ec2: EC2) -> None:
        self.ec2 = ec2
        self.client = ec2.client

    def instances(self) -> None:
        def terminate() -> None:
            live = [
                i["InstanceId"]
                for r in self.client.describe_instances(Filters=[_cluster(self.ec2)])["Reservations"]
                for i in r["Instances"]
                if i["State"]["Name"] not in ("terminated", "shutting-down")
            ]
            if live:
                self.client.terminate_instances(InstanceIds=live)

        def gone() -> bool | None:
            pending = [
                i
                for r in self.client.describe_instances(Filters=[_cluster(self.ec2)])["Reservations"]
                for i in r["Instances"]
                if i["State"]["Name"] not in _GONE_INSTANCE
            ]
            return None if pending else True

        self.ec2.calls.run("terminating the shoot's instances", terminate)
        self.ec2.calls.settle("waiting for the shoot's instances to terminate", gone)

    def nat_gateways(self) -> None:
        def delete() -> None:
            for nat in self.ec2.tagged("describe_nat_gateways"):
                if nat.get("State") in ("pending", "available", "failed"):
                    try:
                        self.client.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])
                    except Exception as exc:
                        _ignore_missing(exc)

        def gone() -> bool | None:
            left = [n for n in self.ec2.tagged("describe_nat_gateways") if n.get("State") != "deleted"]
            return None if left else True

        self.ec2.calls.run("deleting the NAT gateways", delete)
        self.ec2.calls.settle("waiting for the NAT gateways to be deleted", gone)

    def vpc_endpoints(self) -> None:
        def delete() -> None:
            ids = [e["VpcEndpointId"] for e in self.ec2.tagged("describe_vpc_endpoints") if e.get("State") != "deleted"]
            if ids:
                self.client.delete_vpc_endpoints(VpcEndpointIds=ids)

        self.ec2.calls.run("deleting the VPC endpoints", delete)

    def route_tables(self) -> None:
        def delete() -> None:
            for table in self.ec2.tagged("describe_route_tables"):
                for association in table.get("Associations") or ():
                    if not association.get("Main"):
                        try:
                            self.client.disassociate_route_table(AssociationId=association["RouteTableAssociationId"])
                        except Exception as exc:
                            _ignore_missing(exc)
                try:
                    self.client.delete_route_table(RouteTableId=table["RouteTableId"])
                except Exception as exc:
                    _ignore_missing(exc)

        self.ec2.calls.run("deleting the route tables", delete)

    def foreign_interfaces(self) -> list[str]:
        """Network interfaces in the shoot's VPCs that neither its instances nor its NAT gateways own."""
        vpcs = {str(r["VpcId"]) for kind in ("describe_vpcs", "describe_subnets") for r in self.ec2.tagged(kind)}
        if not vpcs:
            return []
        instances = {
            i["InstanceId"]
            for r in self.client.describe_instances(Filters=[_cluster(self.ec2)])["Reservations"]
            for i in r["Instances"]
        }
        nat_interfaces = {
            address["NetworkInterfaceId"]
            for nat in self.ec2.tagged("describe_nat_gateways")
            for address in nat.get("NatGatewayAddresses") or ()
            if address.get("NetworkInterfaceId")
        }
        found = self.client.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": sorted(vpcs)}])
        return sorted(
            eni["NetworkInterfaceId"]
            for eni in found["NetworkInterfaces"]
            if eni["NetworkInterfaceId"] not in nat_interfaces
            and (eni.get("Attachment") or {}).get("InstanceId") not in instances
        )

    def _refused(self, exc: Exception, what: str) -> None:
        """A dependency violation deleting ``what``: non-retryable when something not ours holds it."""
        if not is_dependency(exc):
            _ignore_missing(exc)
            return
        foreign = self.foreign_interfaces()
        if foreign:
            raise ProviderError(
                f"cannot delete {what}: it is in use by network interfaces the shoot did not create "
                f"({', '.join(foreign)}); delete them, then the deletion goes on",
                ErrorCode.INFRA_DEPENDENCIES,
            ) from None
        raise exc

    def _each(self, action: str, operation: str, delete: str, key: str) -> None:
        """Delete every tagged resource of one kind, waiting out dependencies that are on their way out."""

        def step() -> bool:
            for resource in self.ec2.tagged(operation):
                try:
                    getattr(self.client, delete)(**{key: resource[key]})
                except Exception as exc:
                    self._refused(exc, f"{key} {resource[key]}")
            return True

        self.ec2.calls.settle(action, step)

    def elastic_ips(self) -> None:
        self._each("releasing the Elastic IPs", "describe_addresses", "release_address", "AllocationId")

    def subnets(self) -> None:
        self._each("deleting the subnets", "describe_subnets", "delete_subnet", "SubnetId")

    def security_groups(self) -> None:
        self._each("deleting the security groups", "describe_security_groups", "delete_security_group", "GroupId")

    def internet_gateways(self) -> None:
        def step() -> bool:
            for gateway in self.ec2.tagged("describe_internet_gateways"):
                gateway_id = gateway["InternetGatewayId"]
                for attachment in gateway.get("Attachments") or ():
                    try:
                        self.client.detach_internet_gateway(InternetGatewayId=gateway_id, VpcId=attachment["VpcId"])
                    except Exception as exc:
                        _ignore_missing(exc)
                try:
                    self.client.delete_internet_gateway(InternetGatewayId=gateway_id)
                except Exception as exc:
                    _ignore_missing(exc)
            return True

        self.ec2.calls.settle("deleting the internet gateways", step)

    def vpcs(self) -> None:
        self._each("deleting the VPC", "describe_vpcs", "delete_vpc", "VpcId")

    def dhcp_options(self) -> None:
        self._each("deleting the DHCP options", "describe_dhcp_options", "delete_dhcp_options", "DhcpOptionsId")

    def all(self) -> None:
        self.instances()
        self.nat_gateways()
        self.vpc_endpoints()
        self.route_tables()
        self.elastic_ips()
        self.subnets()
        self.security_groups()
        self.internet_gateways()
        self.vpcs()
        self.dhcp_options()


def _cluster(ec2: EC2) -> Resource:
    return cluster_filter(ec2.technical_id)


__all__ = ["Teardown"]
