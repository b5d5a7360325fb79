"""The machine driver against moto: one instance per machine name, whatever is retried, and nothing left after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from providers.aws.config import InfrastructureConfig
from providers.interface import ClusterInfo, InfrastructureRequest, MachineSpec
from tests.fakes.moto import Faults, Realism, raw_client
from tests.integration.aws.conftest import AWSWorld
from tests.integration.aws.inventory import empty, inventory

pytestmark = pytest.mark.integration

USERDATA = b"#cloud-config\nwrite_files:\n- path: /var/lib/kubelet/bootstrap\n  content: token\n"


@pytest.fixture(scope="module")
def shoot(moto_endpoint: str) -> Iterator[tuple[AWSWorld, ClusterInfo]]:
    """One shoot's infrastructure (two zones) for the module's machines; deleted, and checked empty, at the end."""
    world = AWSWorld(moto_endpoint, realism=Realism(moto_endpoint))
    cluster = world.cluster()
    config = InfrastructureConfig.model_validate(
        {
            "networks": {
                "vpc": {"cidr": "10.180.0.0/16"},
                "zones": [
                    {
                        "name": z,
                        "workers": f"10.180.{i * 32}.0/19",
                        "public": f"10.180.{128 + i * 16}.0/20",
                        "internal": f"10.180.{192 + i * 16}.0/20",
                    }
                    for i, z in enumerate(cluster.zones)
                ],
            }
        }
    )
    request = InfrastructureRequest(cluster=cluster, config=config)
    world.provider().infrastructure(cluster).reconcile(request)
    yield world, cluster
    world.provider().infrastructure(cluster).delete(request)
    assert empty(inventory(moto_endpoint, cluster.technical_id)) == {}


def spec(cluster: ClusterInfo, name: str, ami: str, zone: str | None = None) -> MachineSpec:
    return MachineSpec(
        name=name,
        cluster=cluster,
        class_name="pool-a-z1",
        machine_type="m5.large",
        image=ami,
        zone=zone or cluster.zones[0],
        userdata=USERDATA,
        volume_type="gp3",
        volume_size_gib=50,
    )


def test_create_is_idempotent_by_name_and_delete_is_too(shoot: tuple[AWSWorld, ClusterInfo], ami: str) -> None:
    world, cluster = shoot
    machines = world.provider().machines(cluster)
    machine = spec(cluster, "pool-a-z1-abc12", ami, zone=cluster.zones[1])

    first = machines.create(machine)
    again = world.provider().machines(cluster).create(machine)

    assert again.provider_id == first.provider_id
    assert first.provider_id.startswith(f"aws:///{cluster.zones[1]}/i-")
    instance_id = first.provider_id.rsplit("/", 1)[-1]
    instance = raw_client(world.endpoint, "ec2").describe_instances(InstanceIds=[instance_id])["Reservations"][0][
        "Instances"
    ][0]
    tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
    assert tags["Name"] == machine.name
    assert tags[f"kubernetes.io/cluster/{cluster.technical_id}"] == "1"
    assert instance["IamInstanceProfile"]["Arn"].endswith(f"/{cluster.technical_id}-nodes")
    assert instance["SubnetId"] in [
        s["SubnetId"]
        for s in raw_client(world.endpoint, "ec2").describe_subnets(
            Filters=[{"Name": "tag:Name", "Values": [f"{cluster.technical_id}-nodes-z1"]}]
        )["Subnets"]
    ]
    assert instance["InstanceType"] == "m5.large"
    assert [m.name for m in machines.list(cluster)] == [machine.name]

    machines.delete(machine, first.provider_id)
    machines.delete(machine, first.provider_id)  # already going: still fine
    machines.delete(machine, None)

    assert [m.state for m in machines.list(cluster)] in ([], ["Terminating"])
    assert inventory(world.endpoint, cluster.technical_id)["instances"] == []


def test_lost_answers_to_run_instances_start_no_second_instance(shoot: tuple[AWSWorld, ClusterInfo], ami: str) -> None:
    world, cluster = shoot
    faulty = AWSWorld(world.endpoint, faults=Faults(rate=0.5, kinds=("lost", "throttle", "timeout"), seed=3))
    machines = faulty.provider().machines(cluster)
    names = [f"pool-b-z1-{i:05d}" for i in range(4)]

    created = {name: machines.create(spec(cluster, name, ami)).provider_id for name in names}

    assert faulty.faults is not None and faulty.faults.injected["lost"] > 0
    live = inventory(world.endpoint, cluster.technical_id)["instances"]
    assert sorted(pid.rsplit("/", 1)[-1] for pid in created.values()) == live
    for name, provider_id in created.items():
        machines.delete(spec(cluster, name, ami), provider_id)
    assert inventory(world.endpoint, cluster.technical_id)["instances"] == []


def test_infrastructure_delete_terminates_orphaned_instances(moto_endpoint: str, ami: str) -> None:
    world = AWSWorld(moto_endpoint, realism=Realism(moto_endpoint))
    cluster = world.cluster(zones=("eu-west-1a",))
    config = InfrastructureConfig.model_validate(
        {
            "networks": {
                "vpc": {"cidr": "10.190.0.0/16"},
                "zones": [
                    {
                        "name": "eu-west-1a",
                        "workers": "10.190.0.0/19",
                        "public": "10.190.32.0/20",
                        "internal": "10.190.48.0/20",
                    }
                ],
            }
        }
    )
    request = InfrastructureRequest(cluster=cluster, config=config)
    world.provider().infrastructure(cluster).reconcile(request)
    world.provider().machines(cluster).create(spec(cluster, "orphan", ami))

    world.provider().infrastructure(cluster).delete(request)

    assert empty(inventory(moto_endpoint, cluster.technical_id)) == {}
    # The instance was still shutting down when its subnet and security group were first tried: AWS's rule held.
    assert world.realism is not None
    assert not world.realism.refused
