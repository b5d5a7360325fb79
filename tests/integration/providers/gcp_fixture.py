"""The GCP case of the provider contract suite: the Compute fake on loopback, its instances booted as simulated nodes,
and an inventory of everything named or labelled for the shoot.

The conftest imports these fixtures and lists ``gcp`` in ``PROVIDERS``; the landscape's registry knows the type from
the ``garden.providers`` entry point ``gcp``. The controllers build ``GCPProvider()`` themselves and reach the fake
through the ``endpointURL`` key of the cloud provider secret (next to Gardener's ``serviceaccount.json``). Machines
join the shoot through :class:`tests.fakes.gce.boot.InstanceBoot`, which starts a node from each RUNNING instance's
``user-data``. The Cluster carries ``cloudprofiles/gcp.yaml``'s spec, so the pools' images resolve to its images.
GCP has no DNSRecord or BackupBucket actuator yet, so the suite's DNS and backup test does not apply to it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.gce.boot import InstanceBoot
from tests.fakes.gce.keys import credentials
from tests.fakes.gce.server import ComputeFake, gce_server
from tests.integration.providers.case import ProviderCase, cloud_profile

PROJECT = "garden-contract"
REGION = "europe-west1"
ZONES = ("europe-west1-b", "europe-west1-c")


@pytest.fixture(scope="module")
def gce_fake() -> Iterator[ComputeFake]:
    with gce_server() as fake:
        fake.add_account(f"garden@{PROJECT}.iam.gserviceaccount.com", PROJECT)
        yield fake


@pytest.fixture(scope="module")
def gcp_instances(gce_fake: ComputeFake, tmp_path_factory: pytest.TempPathFactory) -> Iterator[InstanceBoot]:
    """Every RUNNING instance of the module's fake, booted as a simulated node (stopped with its instance)."""
    with InstanceBoot(gce_fake, tmp_path_factory.mktemp("gce-instances")) as boot:
        yield boot


@pytest.fixture
def gcp_provider_case(gce_fake: ComputeFake, gcp_instances: InstanceBoot) -> ProviderCase:
    return ProviderCase(
        name="gcp",
        cloud_profile=cloud_profile("gcp"),
        credentials=credentials(gce_fake.url, PROJECT),
        inventory=gce_fake.inventory,
        invalid_infrastructure_config={
            "apiVersion": "gcp.provider.extensions.gardener.cloud/v1alpha1",
            "kind": "InfrastructureConfig",
            "networks": {"workers": "10.250.0.0/16", "vpcName": "typo"},
        },
        region=REGION,
        zones=ZONES,
        machine_types=("n2-standard-2", "n2-standard-4"),
        image={"name": "gardenlinux", "version": "1877.3"},
        volume_type="pd-balanced",
    )


__all__ = ["gce_fake", "gcp_instances", "gcp_provider_case"]
