"""The Infrastructure actuator against the Compute fake: made once, in order, adopted parts respected, all removed."""

from __future__ import annotations

import pytest
from google.api_core.client_options import ClientOptions
from google.cloud import compute_v1

from garden.api.common import ErrorCode
from providers.gcp import GCPProvider
from providers.gcp.clients import ComputeClients
from providers.gcp.config import InfrastructureConfig
from providers.interface import ClusterInfo, InfrastructureRequest, ProviderError
from tests.fakes.gce.faults import Faults
from tests.fakes.gce.server import SELF_LINK, ComputeFake
from tests.integration.gcp.conftest import PROJECT, REGION

pytestmark = pytest.mark.integration


def request(cluster: ClusterInfo, config: dict[str, object] | None = None) -> InfrastructureRequest:
    parsed = InfrastructureConfig.model_validate(config) if config is not None else None
    return InfrastructureRequest(cluster=cluster, config=parsed)


def by_name(fake: ComputeFake, collection: str) -> dict[str, dict[str, object]]:
    return {r["name"]: r for r in fake.resources(collection)}


def test_reconcile_makes_the_network_once_and_delete_removes_all_of_it(
    clean_fake: ComputeFake, provider: GCPProvider, cluster: ClusterInfo
) -> None:
    tid = cluster.technical_id
    config = {
        "networks": {"workers": "10.250.0.0/17", "internal": "10.250.128.0/20", "flowLogs": {"flowSampling": 0.5}}
    }
    before = clean_fake.inserted.copy()
    result = provider.infrastructure(cluster).reconcile(request(cluster, config))
    again = provider.infrastructure(cluster).reconcile(request(cluster, config))
    assert again == result
    made = clean_fake.inserted - before
    assert made == {"networks": 1, "subnetworks": 2, "firewalls": 2, "routers": 1}, "a second reconcile made nothing"

    assert result.provider_status == {
        "apiVersion": "gcp.provider.extensions.gardener.cloud/v1alpha1",
        "kind": "InfrastructureStatus",
        "networks": {
            "vpc": {"name": tid, "cloudRouter": {"name": f"{tid}-cloud-router"}},
            "subnets": [
                {"name": f"{tid}-nodes", "purpose": "nodes"},
                {"name": f"{tid}-internal", "purpose": "internal"},
            ],
        },
        "serviceAccountEmail": f"garden@{PROJECT}.iam.gserviceaccount.com",
    }
    assert result.nodes_cidr == "10.250.0.0/17"
    network = by_name(clean_fake, "networks")[tid]
    assert network["autoCreateSubnetworks"] is False
    nodes = by_name(clean_fake, "subnetworks")[f"{tid}-nodes"]
    assert nodes["ipCidrRange"] == "10.250.0.0/17"
    assert nodes["network"] == network["selfLink"]
    assert nodes["logConfig"] == {"enable": True, "flowSampling": 0.5}
    firewalls = by_name(clean_fake, "firewalls")
    assert firewalls[f"{tid}-allow-internal-access"]["sourceRanges"] == [
        "10.250.0.0/17",
        "10.250.128.0/20",
        "100.96.0.0/11",
    ]
    assert {a["ports"][0] for a in firewalls[f"{tid}-allow-health-checks"]["allowed"]} == {"30000-32767"}
    router = by_name(clean_fake, "routers")[f"{tid}-cloud-router"]
    [nat] = router["nats"]
    assert nat["name"] == f"{tid}-cloud-nat"
    assert nat["natIpAllocateOption"] == "AUTO_ONLY"
    assert nat["subnetworks"] == [{"name": nodes["selfLink"], "sourceIpRangesToNat": ["ALL_IP_RANGES"]}]

    provider.infrastructure(cluster).delete(request(cluster, config))
    assert clean_fake.inventory(tid) == []
    provider.infrastructure(cluster).delete(request(cluster, config))  # nothing left: still fine


def raw(fake: ComputeFake, cluster: ClusterInfo) -> ComputeClients:
    return ComputeClients(cluster.credentials)


def test_an_adopted_network_router_and_reserved_addresses_are_used_and_left_alone(
    clean_fake: ComputeFake, provider: GCPProvider, cluster: ClusterInfo
) -> None:
    tid = cluster.technical_id
    clients = raw(clean_fake, cluster)
    shared, shared_router = f"shared-{tid.rsplit('-', 1)[-1]}", f"router-{tid.rsplit('-', 1)[-1]}"
    operation = clients.networks.insert_unary(
        project=PROJECT, network_resource=compute_v1.Network(name=shared, auto_create_subnetworks=False)
    )
    clients.global_operations.wait(project=PROJECT, operation=operation.name)
    clients.routers.insert_unary(
        project=PROJECT,
        region=REGION,
        router_resource=compute_v1.Router(name=shared_router, network=f"global/networks/{shared}"),
    )
    clean_fake.reserve_address(PROJECT, REGION, f"{shared}-nat-ip", "198.51.100.7")
    config = {
        "networks": {
            "vpc": {"name": shared, "cloudRouter": {"name": shared_router}},
            "workers": "10.250.0.0/16",
            "cloudNAT": {"natIPNames": [{"name": f"{shared}-nat-ip"}], "minPortsPerVM": 4096},
        }
    }
    result = provider.infrastructure(cluster).reconcile(request(cluster, config))
    assert result.provider_status["networks"]["vpc"] == {"name": shared, "cloudRouter": {"name": shared_router}}
    assert result.provider_status["networks"]["natIPs"] == [{"ip": "198.51.100.7"}]
    assert result.egress_cidrs == ("198.51.100.7/32",)
    assert tid not in by_name(clean_fake, "networks"), "no network of our own"
    assert f"{tid}-cloud-router" not in by_name(clean_fake, "routers"), "no router of our own"
    [nat] = by_name(clean_fake, "routers")[shared_router]["nats"]
    assert nat["natIpAllocateOption"] == "MANUAL_ONLY"
    assert nat["natIps"] == [f"{SELF_LINK}projects/{PROJECT}/regions/{REGION}/addresses/{shared}-nat-ip"]
    assert nat["minPortsPerVm"] == 4096

    provider.infrastructure(cluster).delete(request(cluster, config))
    assert clean_fake.inventory(tid) == []
    assert shared in by_name(clean_fake, "networks")
    assert not by_name(clean_fake, "routers")[shared_router].get("nats"), "our NAT was taken off the router"
    assert f"{shared}-nat-ip" in by_name(clean_fake, "addresses")


def test_a_network_that_is_not_there_to_adopt_is_a_configuration_problem(
    clean_fake: ComputeFake, provider: GCPProvider, cluster: ClusterInfo
) -> None:
    config = {"networks": {"vpc": {"name": "no-such-network"}, "workers": "10.250.0.0/16"}}
    with pytest.raises(ProviderError) as caught:
        provider.infrastructure(cluster).reconcile(request(cluster, config))
    assert caught.value.codes == (ErrorCode.CONFIGURATION_PROBLEM,)
    assert "networks.vpc.name" in caught.value.message


def test_rate_limits_5xx_and_lost_answers_end_in_the_same_network_with_nothing_doubled(
    clean_fake: ComputeFake, provider: GCPProvider, cluster: ClusterInfo
) -> None:
    tid = cluster.technical_id
    before = clean_fake.inserted.copy()
    clean_fake.faults = Faults(rate=0.3, seed=11)
    result = provider.infrastructure(cluster).reconcile(request(cluster))
    assert result.provider_status["networks"]["vpc"]["name"] == tid
    assert clean_fake.inserted - before == {"networks": 1, "subnetworks": 1, "firewalls": 2, "routers": 1}
    assert clean_fake.faults.injected["lost"] > 0
    assert clean_fake.faults.injected.total() >= 4
    provider.infrastructure(cluster).delete(request(cluster))
    clean_fake.faults = None
    assert clean_fake.inventory(tid) == []


def test_deleting_a_network_that_still_has_subnetworks_is_refused_as_the_real_api_does(
    clean_fake: ComputeFake, provider: GCPProvider, cluster: ClusterInfo
) -> None:
    provider.infrastructure(cluster).reconcile(request(cluster))
    clients = raw(clean_fake, cluster)
    refused = clean_fake.refused["networks"]
    with pytest.raises(Exception) as caught:  # noqa: PT011 - google's BadRequest, checked below
        clients.networks.delete_unary(project=PROJECT, network=cluster.technical_id)
    assert getattr(caught.value, "code", None) == 400
    assert "resourceInUseByAnotherResource" in str(caught.value.errors)  # type: ignore[attr-defined]
    assert clean_fake.refused["networks"] == refused + 1
    provider.infrastructure(cluster).delete(request(cluster))
    assert clean_fake.inventory(cluster.technical_id) == []


def test_the_endpoint_override_reaches_operations_clients_too(clean_fake: ComputeFake, cluster: ClusterInfo) -> None:
    """Every client, operations clients included, talks to the fake: none falls back to compute.googleapis.com."""
    clients = raw(clean_fake, cluster)
    for client in (clients.global_operations, clients.region_operations, clients.zone_operations, clients.networks):
        assert client.api_endpoint == clean_fake.url
    assert isinstance(ClientOptions(api_endpoint=clean_fake.url).api_endpoint, str)
