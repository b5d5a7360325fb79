"""The Infrastructure actuator against moto's server: create, status, idempotence, adoption, crash-resume, delete."""

from __future__ import annotations

import boto3
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from garden.api.common import ErrorCode
from providers.aws.config import InfrastructureConfig
from providers.interface import InfrastructureRequest, ProviderError
from tests.fakes.moto import raw_client
from tests.integration.aws.conftest import AWSWorld
from tests.integration.aws.inventory import empty, inventory

pytestmark = pytest.mark.integration

SSH_KEY = (
    rsa.generate_private_key(public_exponent=65537, key_size=2048)
    .public_key()
    .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    .decode()
)


def config(zones: tuple[str, ...], vpc: dict[str, str] | None = None) -> InfrastructureConfig:
    return InfrastructureConfig.model_validate(
        {
            "apiVersion": "aws.provider.extensions.gardener.cloud/v1alpha1",
            "kind": "InfrastructureConfig",
            "networks": {
                "vpc": vpc or {"cidr": "10.250.0.0/16"},
                "zones": [
                    {
                        "name": zone,
                        "workers": f"10.250.{i * 32}.0/19",
                        "public": f"10.250.{128 + i * 16}.0/20",
                        "internal": f"10.250.{192 + i * 16}.0/20",
                    }
                    for i, zone in enumerate(zones)
                ],
            },
        }
    )


def test_create_reports_status_and_delete_leaves_nothing(world: AWSWorld) -> None:
    cluster = world.cluster()
    actuator = world.provider().infrastructure(cluster)
    request = InfrastructureRequest(cluster=cluster, config=config(cluster.zones), ssh_public_key=SSH_KEY)

    result = actuator.reconcile(request)

    status = result.provider_status
    assert status["apiVersion"] == "aws.provider.extensions.gardener.cloud/v1alpha1"
    assert status["kind"] == "InfrastructureStatus"
    subnets = status["vpc"]["subnets"]
    assert sorted((s["purpose"], s["zone"]) for s in subnets) == sorted(
        (purpose, zone) for zone in cluster.zones for purpose in ("nodes", "public", "internal")
    )
    assert status["iam"]["instanceProfiles"] == [{"name": f"{cluster.technical_id}-nodes", "purpose": "nodes"}]
    assert status["ec2"]["keyName"] == f"{cluster.technical_id}-ssh-publickey"
    assert result.nodes_cidr == "10.250.0.0/16"
    assert len(result.egress_cidrs) == 2
    found = inventory(world.endpoint, cluster.technical_id)
    assert len(found["vpcs"]) == 1
    assert len(found["subnets"]) == 6
    assert len(found["nat_gateways"]) == 2
    assert len(found["elastic_ips"]) == 2
    assert len(found["route_tables"]) == 3
    assert found["roles"] == found["instance_profiles"] == [f"{cluster.technical_id}-nodes"]
    # The nodes subnets route out through their zone's NAT gateway, which had to become available first.
    ec2 = raw_client(world.endpoint, "ec2")
    nodes = [s["id"] for s in subnets if s["purpose"] == "nodes"]
    tables = [
        table
        for subnet in nodes
        for table in ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])[
            "RouteTables"
        ]
    ]
    routes = [route for table in tables for route in table["Routes"] if route["DestinationCidrBlock"] == "0.0.0.0/0"]
    assert sorted(route.get("NatGatewayId") for route in routes) == found["nat_gateways"]
    vpc = ec2.describe_vpcs(VpcIds=[status["vpc"]["id"]])["Vpcs"][0]
    assert vpc["DhcpOptionsId"] == found["dhcp_options"][0]

    actuator.delete(request)

    assert empty(inventory(world.endpoint, cluster.technical_id)) == {}
    # AWS's dependency rules were in force: deleting went through what they refuse, in the right order.
    assert world.realism is not None
    assert not world.realism.refused, world.realism.refused


def _counts(found: dict[str, list[str]]) -> dict[str, int]:
    return {kind: len(items) for kind, items in found.items()}


def test_reconcile_twice_changes_nothing(world: AWSWorld) -> None:
    cluster = world.cluster(zones=("eu-west-1a",))
    actuator = world.provider().infrastructure(cluster)
    request = InfrastructureRequest(cluster=cluster, config=config(cluster.zones), ssh_public_key=SSH_KEY)

    first = actuator.reconcile(request)
    before = inventory(world.endpoint, cluster.technical_id)
    second = world.provider().infrastructure(cluster).reconcile(request)

    assert inventory(world.endpoint, cluster.technical_id) == before
    assert second.provider_status == first.provider_status
    assert second.state == first.state
    actuator.delete(request)
    assert empty(inventory(world.endpoint, cluster.technical_id)) == {}


def test_an_adopted_vpc_is_used_and_survives_deletion(world: AWSWorld) -> None:
    ec2 = raw_client(world.endpoint, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.250.0.0/16")["Vpc"]["VpcId"]
    gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    cluster = world.cluster(zones=("eu-west-1a",))
    actuator = world.provider().infrastructure(cluster)
    request = InfrastructureRequest(cluster=cluster, config=config(cluster.zones, vpc={"id": vpc}))

    result = actuator.reconcile(request)

    assert result.provider_status["vpc"]["id"] == vpc
    assert result.state is not None and result.state["vpcAdopted"] is True
    found = inventory(world.endpoint, cluster.technical_id)
    assert found["vpcs"] == [] and found["internet_gateways"] == [] and found["dhcp_options"] == []
    assert len(found["subnets"]) == 3
    actuator.delete(request)
    assert empty(inventory(world.endpoint, cluster.technical_id)) == {}
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["VpcId"] == vpc
    attachments = ec2.describe_internet_gateways(InternetGatewayIds=[gateway])["InternetGateways"][0]["Attachments"]
    assert [a["VpcId"] for a in attachments] == [vpc]
    ec2.detach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    ec2.delete_internet_gateway(InternetGatewayId=gateway)
    ec2.delete_vpc(VpcId=vpc)


def test_adopting_a_vpc_without_internet_gateway_is_a_configuration_problem(world: AWSWorld) -> None:
    ec2 = raw_client(world.endpoint, "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.250.0.0/16")["Vpc"]["VpcId"]
    cluster = world.cluster(zones=("eu-west-1a",))
    request = InfrastructureRequest(cluster=cluster, config=config(cluster.zones, vpc={"id": vpc}))
    with pytest.raises(ProviderError) as caught:
        world.provider().infrastructure(cluster).reconcile(request)
    assert caught.value.codes == (ErrorCode.CONFIGURATION_PROBLEM,)
    assert not caught.value.retryable
    ec2.delete_vpc(VpcId=vpc)


class Crash(BaseException):
    """Stands for the process dying: a BaseException, like SystemExit, so no handler of ours catches it."""


def crash_after(world: AWSWorld, requests: int) -> None:
    """Make every session of ``world`` fail the ``requests``-th request it sends, as if the process died there."""
    sent = {"n": 0}

    def count(**_: object) -> None:
        sent["n"] += 1
        if sent["n"] == requests:
            raise Crash(f"crashed at request {requests}")

    original = world.session

    def session(credentials: object, region: str) -> boto3.session.Session:
        made = original(credentials, region)
        made.events.register("before-send", count)
        return made

    world.session = session  # type: ignore[method-assign,assignment]


@pytest.mark.parametrize("point", [12, 40], ids=lambda n: f"request-{n}")
def test_crash_then_retry_doubles_nothing(world: AWSWorld, point: int) -> None:
    cluster = world.cluster(zones=("eu-west-1a",))
    request = InfrastructureRequest(cluster=cluster, config=config(cluster.zones), ssh_public_key=SSH_KEY)
    crashing = AWSWorld(world.endpoint, realism=world.realism)
    crash_after(crashing, point)
    with pytest.raises(Crash):
        crashing.provider().infrastructure(cluster).reconcile(request)

    world.provider().infrastructure(cluster).reconcile(request)

    found = _counts(inventory(world.endpoint, cluster.technical_id))
    assert found == {**EXPECTED_ONE_ZONE}
    world.provider().infrastructure(cluster).delete(request)
    assert empty(inventory(world.endpoint, cluster.technical_id)) == {}


def test_delete_after_a_crash_mid_create_leaves_nothing(world: AWSWorld) -> None:
    cluster = world.cluster(zones=("eu-west-1a",))
    request = InfrastructureRequest(cluster=cluster, config=config(cluster.zones), ssh_public_key=SSH_KEY)
    crashing = AWSWorld(world.endpoint, realism=world.realism)
    crash_after(crashing, 25)
    with pytest.raises(Crash):
        crashing.provider().infrastructure(cluster).reconcile(request)
    assert empty(inventory(world.endpoint, cluster.technical_id)) != {}

    world.provider().infrastructure(cluster).delete(request)

    assert empty(inventory(world.endpoint, cluster.technical_id)) == {}


EXPECTED_ONE_ZONE = {
    "instances": 0,
    "vpcs": 1,
    "subnets": 3,
    "internet_gateways": 1,
    "nat_gateways": 1,
    "elastic_ips": 1,
    "route_tables": 2,
    "security_groups": 1,
    "dhcp_options": 1,
    "key_pairs": 1,
    "roles": 1,
    "instance_profiles": 1,
}


def test_a_dependency_that_is_not_ours_fails_the_delete_until_it_is_removed(world: AWSWorld) -> None:
    cluster = world.cluster(zones=("eu-west-1a",))
    actuator = world.provider().infrastructure(cluster)
    request = InfrastructureRequest(cluster=cluster, config=config(cluster.zones))
    status = actuator.reconcile(request).provider_status
    workers = next(s["id"] for s in status["vpc"]["subnets"] if s["purpose"] == "nodes")
    ec2 = raw_client(world.endpoint, "ec2")
    foreign = ec2.create_network_interface(SubnetId=workers, Description="made outside the shoot")
    eni = foreign["NetworkInterface"]["NetworkInterfaceId"]

    with pytest.raises(ProviderError) as failed:
        actuator.delete(request)
    assert failed.value.codes == (ErrorCode.INFRA_DEPENDENCIES,)
    assert not failed.value.retryable
    assert eni in failed.value.message
    assert world.realism is not None and world.realism.refused["DeleteSubnet"] >= 1
    assert inventory(world.endpoint, cluster.technical_id)["subnets"], "the subnet it holds is still there"

    ec2.delete_network_interface(NetworkInterfaceId=eni)
    actuator.delete(request)
    assert empty(inventory(world.endpoint, cluster.technical_id)) == {}
