"""The AWS case of the provider contract suite: moto's server on loopback, its instances booted as simulated nodes,
and an inventory of everything tagged.

The conftest imports these fixtures and lists ``aws`` in ``PROVIDERS``; the landscape's registry knows the type from
the ``garden.providers`` entry point. The controllers build ``AWSProvider()`` themselves and reach moto through the
``endpointURL`` key of the cloud provider secret; no hook of ours is involved there (the AWS timing and dependency
rules of :class:`tests.fakes.moto.Realism` are exercised in tests/integration/aws instead). Machines join the shoot
through :class:`tests.fakes.moto_boot.InstanceBoot`, which starts a node from each running instance's user data.
The Cluster carries ``cloudprofiles/aws.yaml``'s spec, so the pools' images resolve to its AMIs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.moto import REGION, ZONES, credentials, moto_server, raw_client
from tests.fakes.moto_boot import InstanceBoot
from tests.integration.aws.inventory import inventory
from tests.integration.providers.case import ProviderCase, cloud_profile

#: The hosted zone DNSRecords of the suite (``api.<technicalID>.example.com``) land in.
DNS_ZONE = "example.com"


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        raw_client(endpoint, "route53").create_hosted_zone(Name=DNS_ZONE, CallerReference="contract-suite")
        yield endpoint


def aws_inventory(endpoint: str, technical_id: str) -> list[str]:
    """Every resource of the shoot: EC2 and IAM by tag and name, Route 53 records and S3 buckets by name."""
    found = [f"{kind}/{item}" for kind, items in inventory(endpoint, technical_id).items() for item in items]
    route53 = raw_client(endpoint, "route53")
    for zone in route53.list_hosted_zones()["HostedZones"]:
        for record in route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]:
            if technical_id in record["Name"]:
                found.append(f"record/{record['Name']}{record['Type']}")
    found += [
        f"bucket/{b['Name']}" for b in raw_client(endpoint, "s3").list_buckets()["Buckets"] if technical_id in b["Name"]
    ]
    return found


@pytest.fixture(scope="module")
def aws_instances(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[InstanceBoot]:
    """Every running instance of the module's moto, booted as a simulated node (stopped with its instance)."""
    with InstanceBoot(moto_endpoint, tmp_path_factory.mktemp("instances")) as boot:
        yield boot


@pytest.fixture
def aws_provider_case(moto_endpoint: str, aws_instances: InstanceBoot) -> ProviderCase:
    return ProviderCase(
        name="aws",
        cloud_profile=cloud_profile("aws"),
        credentials=credentials(moto_endpoint),
        inventory=lambda technical_id: aws_inventory(moto_endpoint, technical_id),
        invalid_infrastructure_config={
            "apiVersion": "aws.provider.extensions.gardener.cloud/v1alpha1",
            "kind": "InfrastructureConfig",
            "networks": {"vpc": {"cidr": "10.250.0.0/16"}, "zones": "not-a-list"},
        },
        region=REGION,
        zones=ZONES[:2],
        machine_types=("m5.large", "m5.xlarge"),
        image={"name": "gardenlinux", "version": "1877.3"},
        volume_type="gp3",
    )
