"""Provider configs are admitted by their provider: the garden API server refuses a Shoot whose AWS
InfrastructureConfig, ControlPlaneConfig or WorkerConfig breaks the AWS provider's rules, with a 422 naming each
field, stores nothing, and accepts a good one."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from garden.kube import SHOOTS
from kubelite.client import Kube, KubeError
from tests.integration.garden.conftest import garden
from tests.integration.garden.objects import aws_shoot, project_with_aws_binding
from tests.integration.server import RunningServer

pytestmark = pytest.mark.integration

__all__ = ["garden"]

API_VERSION = "aws.provider.extensions.gardener.cloud/v1alpha1"
INFRASTRUCTURE = {
    "apiVersion": API_VERSION,
    "kind": "InfrastructureConfig",
    "networks": {
        "vpc": {"cidr": "10.250.0.0/16"},
        "zones": [
            {
                "name": "eu-central-1a",
                "workers": "10.250.0.0/19",
                "public": "10.250.96.0/22",
                "internal": "10.250.112.0/22",
            }
        ],
    },
}


@pytest.fixture(scope="module")
def client(garden: RunningServer) -> Iterator[Kube]:
    project_with_aws_binding(garden)
    kube = Kube.from_kubeconfig(garden.kubeconfig)
    yield kube
    kube.close()


def shoot(name: str, infrastructure: dict[str, Any], **provider: Any) -> dict[str, Any]:
    body = aws_shoot(name)
    body["spec"]["provider"]["infrastructureConfig"] = infrastructure
    body["spec"]["provider"].update(provider)
    return body


def refusal(client: Kube, body: dict[str, Any]) -> KubeError:
    with pytest.raises(KubeError) as caught:
        client.create(SHOOTS, body["metadata"]["namespace"], body)
    assert client.get(SHOOTS, body["metadata"]["namespace"], body["metadata"]["name"]) is None, "nothing is stored"
    return caught.value


def test_a_good_aws_infrastructure_config_is_admitted(client: Kube) -> None:
    created = client.create(SHOOTS, "garden-dev", shoot("good", INFRASTRUCTURE))
    assert created["spec"]["provider"]["infrastructureConfig"]["networks"]["vpc"]["cidr"] == "10.250.0.0/16"


def test_zone_cidrs_outside_the_vpc_and_unknown_fields_are_refused_naming_the_field(client: Kube) -> None:
    outside = copy.deepcopy(INFRASTRUCTURE)
    outside["networks"]["zones"][0]["public"] = "10.99.0.0/22"
    error = refusal(client, shoot("outside", outside))
    assert error.status == 422
    assert "spec.provider.infrastructureConfig.networks.zones[0].public" in error.message
    assert "must be a subset of" in error.message

    unknown = copy.deepcopy(INFRASTRUCTURE)
    unknown["networks"]["vpc"]["cidrr"] = "10.250.0.0/16"
    error = refusal(client, shoot("unknown", unknown))
    assert error.status == 422
    assert "spec.provider.infrastructureConfig.networks.vpc.cidrr" in error.message


def test_worker_and_control_plane_configs_are_checked_too(client: Kube) -> None:
    body = shoot("workers", INFRASTRUCTURE, controlPlaneConfig={"apiVersion": API_VERSION, "storage": "yes"})
    body["spec"]["provider"]["workers"][0]["providerConfig"] = {
        "apiVersion": API_VERSION,
        "kind": "WorkerConfig",
        "iamInstanceProfile": {"name": "a", "arn": "arn:aws:iam::1:instance-profile/b"},
    }
    error = refusal(client, body)
    assert error.status == 422
    assert "spec.provider.controlPlaneConfig.storage" in error.message
    assert "spec.provider.workers[0].providerConfig.iamInstanceProfile" in error.message
