"""The user's path with ``garden up --provider aws``: the AWS provider against moto's server, which ``garden up``
starts on loopback, and its instances booted as nodes. The shoot's instances are created, reach the shoot as Ready
nodes, and after deletion are terminated with nothing tagged for the shoot left in the (simulated) cloud.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.e2e.conftest import GardenUp, healthy
from tests.integration.waiting import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

PROVIDER = "aws"
SHOOT = "aws"
TECHNICAL_ID = "shoot--dev--aws"
REGION = "eu-central-1"
MANIFEST = Path(__file__).with_name("shoot-aws-small.yaml")


def ec2(scape: GardenUp) -> Any:
    endpoint = f"http://127.0.0.1:{scape.remembered['ports']['moto']}"
    session = boto3.session.Session(aws_access_key_id="e2e", aws_secret_access_key="e2e", region_name=REGION)
    return session.client("ec2", endpoint_url=endpoint, region_name=REGION)


def tagged(scape: GardenUp) -> dict[str, list[str]]:
    """What the cloud holds for the shoot by its cluster tag, by kind; terminated instances do not count."""
    client = ec2(scape)
    tag = [{"Name": f"tag:kubernetes.io/cluster/{TECHNICAL_ID}", "Values": ["1"]}]
    found = {
        "instances": [
            i["InstanceId"]
            for r in client.describe_instances(Filters=tag)["Reservations"]
            for i in r["Instances"]
            if i["State"]["Name"] != "terminated"
        ],
        "vpcs": [v["VpcId"] for v in client.describe_vpcs(Filters=tag)["Vpcs"]],
        "subnets": [s["SubnetId"] for s in client.describe_subnets(Filters=tag)["Subnets"]],
        "security groups": [g["GroupId"] for g in client.describe_security_groups(Filters=tag)["SecurityGroups"]],
        "route tables": [t["RouteTableId"] for t in client.describe_route_tables(Filters=tag)["RouteTables"]],
        "internet gateways": [
            g["InternetGatewayId"] for g in client.describe_internet_gateways(Filters=tag)["InternetGateways"]
        ],
        "addresses": [a["AllocationId"] for a in client.describe_addresses(Filters=tag)["Addresses"]],
        # NB: moto ignores tag filters on NAT gateways: the tag is checked on each.
        "nat gateways": [
            n["NatGatewayId"]
            for n in client.describe_nat_gateways()["NatGateways"]
            if n["State"] not in ("deleted", "deleting")
            and any(t["Key"] == f"kubernetes.io/cluster/{TECHNICAL_ID}" for t in n.get("Tags") or [])
        ],
    }
    return {kind: ids for kind, ids in found.items() if ids}


def shoot_state(scape: GardenUp) -> str:
    shoot = scape.shoot(SHOOT) or {}
    return f"shoot status: {shoot.get('status')}\n--- gardenlet ---\n{scape.logs('gardenlet')}"


def test_aws_shoot_boots_instances_as_ready_nodes(garden_up: GardenUp) -> None:
    garden_up.kubectl("create", "-f", str(MANIFEST))
    try:
        wait_for(lambda: healthy(garden_up.shoot(SHOOT)), "the AWS shoot to succeed", timeout=240, interval=1.0)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{shoot_state(garden_up)}") from None
    instances = tagged(garden_up).get("instances", [])
    assert len(instances) == 1, tagged(garden_up)
    kubeconfig = garden_up.shoot_kubeconfig(SHOOT)
    nodes = garden_up.kubectl("get", "nodes", "-o", "jsonpath={.items[*].spec.providerID}", kubeconfig=kubeconfig)
    assert nodes == f"aws:///{REGION}a/{instances[0]}"
    ready = garden_up.kubectl("get", "nodes", "--no-headers", kubeconfig=kubeconfig)
    assert " Ready" in ready


def test_deleting_the_aws_shoot_leaves_nothing_tagged(garden_up: GardenUp) -> None:
    instances = tagged(garden_up)["instances"]
    garden_up.gardenctl("delete", "shoot", SHOOT, "--project", "dev", "--yes")
    try:
        wait_for(lambda: garden_up.shoot(SHOOT) is None, "the AWS shoot to be deleted", timeout=240, interval=1.0)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{shoot_state(garden_up)}") from None
    states = {
        i["InstanceId"]: i["State"]["Name"]
        for r in ec2(garden_up).describe_instances(InstanceIds=instances)["Reservations"]
        for i in r["Instances"]
    }
    assert set(states.values()) == {"terminated"}, states
    assert tagged(garden_up) == {}
