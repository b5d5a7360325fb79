"""Everything a shoot has in (moto's) AWS, by its cluster tag or its derived names, seen behind the provider's back."""

from __future__ import annotations

from typing import Any

from tests.fakes.moto import raw_client

CLUSTER_TAG = "kubernetes.io/cluster/"


def inventory(endpoint: str, technical_id: str) -> dict[str, list[str]]:
    """Live resources of the shoot by kind; every list is empty once it is deleted."""
    ec2 = raw_client(endpoint, "ec2")
    iam = raw_client(endpoint, "iam")
    tagged = [{"Name": f"tag:{CLUSTER_TAG}{technical_id}", "Values": ["1"]}]

    def ids(answer: list[dict[str, Any]], key: str) -> list[str]:
        return sorted(str(item[key]) for item in answer)

    instances = [
        i
        for r in ec2.describe_instances(Filters=tagged)["Reservations"]
        for i in r["Instances"]
        if i["State"]["Name"] != "terminated"
    ]
    # moto ignores tag filters on NAT gateways: check the tag on each.
    nats = [
        n
        for n in ec2.describe_nat_gateways(Filter=tagged)["NatGateways"]
        if n["State"] != "deleted" and {"Key": f"{CLUSTER_TAG}{technical_id}", "Value": "1"} in (n.get("Tags") or [])
    ]
    name = f"{technical_id}-nodes"
    return {
        "instances": ids(instances, "InstanceId"),
        "vpcs": ids(ec2.describe_vpcs(Filters=tagged)["Vpcs"], "VpcId"),
        "subnets": ids(ec2.describe_subnets(Filters=tagged)["Subnets"], "SubnetId"),
        "internet_gateways": ids(
            ec2.describe_internet_gateways(Filters=tagged)["InternetGateways"], "InternetGatewayId"
        ),
        "nat_gateways": ids(nats, "NatGatewayId"),
        "elastic_ips": ids(ec2.describe_addresses(Filters=tagged)["Addresses"], "AllocationId"),
        "route_tables": ids(ec2.describe_route_tables(Filters=tagged)["RouteTables"], "RouteTableId"),
        "security_groups": ids(ec2.describe_security_groups(Filters=tagged)["SecurityGroups"], "GroupId"),
        "dhcp_options": ids(ec2.describe_dhcp_options(Filters=tagged)["DhcpOptions"], "DhcpOptionsId"),
        "key_pairs": ids(ec2.describe_key_pairs(Filters=tagged)["KeyPairs"], "KeyName"),
        "roles": sorted(r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"] == name),
        "instance_profiles": sorted(
            p["InstanceProfileName"]
            for p in iam.list_instance_profiles()["InstanceProfiles"]
            if p["InstanceProfileName"] == name
        ),
    }


def empty(found: dict[str, list[str]]) -> dict[str, list[str]]:
    """Only the kinds that still have something (``{}`` when nothing is left): readable in an assertion."""
    return {kind: items for kind, items in found.items() if items}


__all__ = ["empty", "inventory"]
