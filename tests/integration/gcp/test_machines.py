"""The machine driver against the Compute fake: instances as Gardener's GCP machines are, once, and errors coded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from garden.api.common import ErrorCode
from providers.gcp import GCPProvider
from providers.interface import ClusterInfo, InfrastructureRequest, MachineSpec, ProviderError
from tests.fakes.gce.faults import Faults
from tests.fakes.gce.server import SELF_LINK, ComputeFake
from tests.integration.gcp.conftest import OTHER_PROJECT, PROJECT, REGION, ZONES, cluster_for

pytestmark = pytest.mark.integration


def spec(cluster: ClusterInfo, suffix: str = "a", zone: str = ZONES[0]) -> MachineSpec:
    return MachineSpec(
        name=f"{cluster.technical_id}-cpu-z1-{suffix}",
        cluster=cluster,
        class_name="class",
        machine_type="n2-standard-2",
        image="projects/ubuntu-os-cloud/global/images/ubuntu-2404-noble-amd64-v20251001",
        zone=zone,
        userdata=b"#cloud-config\nruncmd: [kubelet]\n",
        volume_type="pd-ssd",
        volume_size_gib=40,
    )


@pytest.fixture
def network(provider: GCPProvider, cluster: ClusterInfo, clean_fake: ComputeFake) -> Iterator[ClusterInfo]:
    provider.infrastructure(cluster).reconcile(InfrastructureRequest(cluster=cluster, config=None))
    yield cluster
    clean_fake.faults = None
    clean_fake.quotas.clear()
    provider.infrastructure(cluster).delete(InfrastructureRequest(cluster=cluster, config=None))
    assert clean_fake.inventory(cluster.technical_id) == []


def test_a_machine_is_one_instance_with_user_data_labels_account_and_boot_disk(
    clean_fake: ComputeFake, provider: GCPProvider, network: ClusterInfo
) -> None:
    cluster = network
    driver = provider.machines(cluster)
    machine = spec(cluster)
    before = clean_fake.inserted["instances"]
    info = driver.create(machine)
    assert driver.create(machine).provider_id == info.provider_id
    assert clean_fake.inserted["instances"] == before + 1, "a second create found the instance"
    assert info.provider_id == f"gce://{PROJECT}/{ZONES[0]}/{machine.name}"
    assert info.addresses and info.addresses[0].startswith("10.250.")

    [instance] = [i for i in clean_fake.resources("instances") if i["name"] == machine.name]
    assert instance["labels"] == {"k8s-cluster-name": cluster.technical_id, "k8s-role": "node"}
    assert instance["metadata"]["items"] == [{"key": "user-data", "value": machine.userdata.decode()}]
    assert instance["serviceAccounts"][0]["email"] == f"garden@{PROJECT}.iam.gserviceaccount.com"
    assert instance["tags"]["items"] == [
        cluster.technical_id,
        f"kubernetes-io-cluster-{cluster.technical_id}",
        "kubernetes-io-role-node",
    ]
    nodes = f"{SELF_LINK}projects/{PROJECT}/regions/{REGION}/subnetworks/{cluster.technical_id}-nodes"
    assert instance["networkInterfaces"][0]["subnetwork"] == nodes
    assert instance["machineType"].endswith(f"zones/{ZONES[0]}/machineTypes/n2-standard-2")
    boot = clean_fake.boot_disk(f"projects/{PROJECT}/zones/{ZONES[0]}", machine.name)
    assert boot["diskType"] == f"zones/{ZONES[0]}/diskTypes/pd-ssd"
    assert boot["diskSizeGb"] == "40"
    assert boot["sourceImage"] == machine.image

    other = driver.create(spec(cluster, "b", ZONES[1]))
    assert {m.provider_id for m in driver.list(cluster)} == {info.provider_id, other.provider_id}
    driver.delete(machine, info.provider_id)
    driver.delete(machine, info.provider_id)  # gone already: fine
    assert {m.provider_id for m in driver.list(cluster)} == {other.provider_id}
    # The infrastructure's delete removes the orphan left in the second zone (see the fixture).


def test_a_spent_instance_quota_is_reported_as_gardener_does(
    clean_fake: ComputeFake, provider: GCPProvider, network: ClusterInfo
) -> None:
    clean_fake.quotas["INSTANCES"] = len(clean_fake.resources("instances"))
    with pytest.raises(ProviderError) as caught:
        provider.machines(network).create(spec(network))
    assert caught.value.codes == (ErrorCode.INFRA_QUOTA_EXCEEDED,)
    assert not caught.value.retryable
    assert "QUOTA_EXCEEDED" in caught.value.message


def test_rate_limits_that_outlast_the_retries_are_rate_limit_errors(
    clean_fake: ComputeFake, provider: GCPProvider, network: ClusterInfo
) -> None:
    clean_fake.faults = Faults(rate=1.0, kinds=("throttle", "throttle403"))
    with pytest.raises(ProviderError) as caught:
        provider.machines(network).create(spec(network))
    assert caught.value.codes == (ErrorCode.INFRA_RATE_LIMITS_EXCEEDED,)
    assert caught.value.retryable
    assert clean_fake.faults.injected.total() == provider.calls.policy.attempts


def test_lost_answers_and_5xx_never_double_a_machine(
    clean_fake: ComputeFake, provider: GCPProvider, network: ClusterInfo
) -> None:
    before = clean_fake.inserted["instances"]
    clean_fake.faults = Faults(rate=0.4, kinds=("lost", "unavailable"), seed=3)
    infos = [provider.machines(network).create(spec(network, suffix)) for suffix in ("a", "b", "c")]
    clean_fake.faults = None
    assert clean_fake.inserted["instances"] == before + 3
    assert len({i.provider_id for i in infos}) == 3


@pytest.mark.parametrize(
    ("project", "account", "code"),
    [
        pytest.param(PROJECT, "stranger", ErrorCode.INFRA_UNAUTHENTICATED, id="unknown-account-401"),
        pytest.param(OTHER_PROJECT, "garden", ErrorCode.INFRA_UNAUTHORIZED, id="account-of-another-project-403"),
    ],
)
def test_credentials_the_api_refuses_are_not_retried(
    clean_fake: ComputeFake, provider: GCPProvider, project: str, account: str, code: ErrorCode
) -> None:
    cluster = cluster_for(clean_fake, project, account)
    if account == "garden":
        # Our account, but the key names a project it has no rights in: authenticate as garden@PROJECT there.
        cluster.credentials["serviceaccount.json"] = cluster.credentials["serviceaccount.json"].replace(  # type: ignore[index]
            f'"client_email": "garden@{OTHER_PROJECT}', f'"client_email": "garden@{PROJECT}'
        )
    with pytest.raises(ProviderError) as caught:
        provider.infrastructure(cluster).reconcile(InfrastructureRequest(cluster=cluster, config=None))
    assert caught.value.codes == (code,)
    assert not caught.value.retryable


def test_an_invalid_machine_name_is_a_configuration_problem(provider: GCPProvider, cluster: ClusterInfo) -> None:
    machine = spec(cluster)
    bad = MachineSpec(
        name="Not_A_GCE_Name",
        cluster=cluster,
        class_name=machine.class_name,
        machine_type=machine.machine_type,
        image=machine.image,
        zone=machine.zone,
        userdata=machine.userdata,
    )
    with pytest.raises(ProviderError) as caught:
        provider.machines(cluster).create(bad)
    assert caught.value.codes == (ErrorCode.CONFIGURATION_PROBLEM,)
