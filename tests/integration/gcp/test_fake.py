"""The Compute fake answers as the real API does for what the provider relies on (through google-cloud-compute)."""

from __future__ import annotations

import pytest
from google.api_core import exceptions
from google.cloud import compute_v1

from providers.gcp.clients import ComputeClients
from tests.fakes.gce.keys import credentials
from tests.fakes.gce.server import APIError, ComputeFake
from tests.integration.gcp.conftest import PROJECT

pytestmark = pytest.mark.integration


@pytest.fixture
def clients(clean_fake: ComputeFake) -> ComputeClients:
    return ComputeClients(credentials(clean_fake.url, PROJECT))


def test_operations_run_then_finish_with_numeric_ids_and_errors_in_the_operation(
    clean_fake: ComputeFake, clients: ComputeClients
) -> None:
    operation = clients.networks.insert_unary(project=PROJECT, network_resource=compute_v1.Network(name="fake-ops"))
    assert operation.status == compute_v1.Operation.Status.RUNNING
    assert operation.id > 0
    assert not operation.zone
    assert not operation.region
    done = clients.global_operations.wait(project=PROJECT, operation=operation.name)
    assert done.status == compute_v1.Operation.Status.DONE
    assert done.progress == 100

    with pytest.raises(exceptions.Conflict) as conflict:
        clients.networks.insert_unary(project=PROJECT, network_resource=compute_v1.Network(name="fake-ops"))
    assert conflict.value.errors[0]["reason"] == "alreadyExists"
    with pytest.raises(exceptions.NotFound):
        clients.networks.get(project=PROJECT, network="fake-missing")
    with pytest.raises(exceptions.BadRequest) as invalid:
        clients.networks.insert_unary(project=PROJECT, network_resource=compute_v1.Network(name="Bad_Name"))
    assert invalid.value.errors[0]["reason"] == "invalid"

    clean_fake.quotas["NETWORKS"] = 1
    failed = clients.networks.insert_unary(project=PROJECT, network_resource=compute_v1.Network(name="fake-over"))
    assert failed.status == compute_v1.Operation.Status.RUNNING, "accepted first; the quota error comes later"
    failed = clients.global_operations.wait(project=PROJECT, operation=failed.name)
    assert failed.error.errors[0].code == "QUOTA_EXCEEDED"
    assert failed.http_error_status_code == 403
    clients.global_operations.wait(
        project=PROJECT, operation=clients.networks.delete_unary(project=PROJECT, network="fake-ops").name
    )


def test_lists_page_and_filter_by_label(clean_fake: ComputeFake, clients: ComputeClients) -> None:
    names = [f"fake-page-{i}" for i in range(5)]
    for name in names:
        clients.networks.insert_unary(project=PROJECT, network_resource=compute_v1.Network(name=name))
    pager = clients.networks.list(
        request=compute_v1.ListNetworksRequest(project=PROJECT, max_results=2, filter='name eq "fake-page-.*"')
    )
    pages = list(pager.pages)
    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert [n.name for p in pages for n in p.items] == names
    exact = clients.networks.list(
        request=compute_v1.ListNetworksRequest(project=PROJECT, filter='name = "fake-page-3"')
    )
    assert [n.name for n in exact] == ["fake-page-3"]
    with pytest.raises(exceptions.BadRequest):
        list(clients.networks.list(request=compute_v1.ListNetworksRequest(project=PROJECT, filter="name >> 1")))
    for name in names:
        clients.networks.delete_unary(project=PROJECT, network=name)


def test_unknown_fields_are_refused(clean_fake: ComputeFake) -> None:
    """Networks take no labels in the real API (google-cloud-compute cannot even send them): the fake refuses them."""
    with pytest.raises(APIError) as caught:
        clean_fake.insert(PROJECT, "global", None, "networks", {"name": "fake-labelled", "labels": {"a": "b"}})
    assert (caught.value.status, caught.value.reason) == (400, "invalid")
    assert '"labels"' in caught.value.message
