"""Admission checks of the AWS provider configs."""

from __future__ import annotations

from typing import Any

import pytest

from providers.aws.validation import (
    validate_control_plane_config,
    validate_infrastructure_config,
    validate_worker_config,
)
from providers.interface import Networks

pytestmark = pytest.mark.unit

NETWORKS = Networks(nodes="10.250.0.0/16", pods="100.96.0.0/11", services="100.64.0.0/13")


def infra(vpc: dict[str, str] | None = None, zones: list[dict[str, str]] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "aws.provider.extensions.gardener.cloud/v1alpha1",
        "kind": "InfrastructureConfig",
        "networks": {
            "vpc": vpc if vpc is not None else {"cidr": "10.250.0.0/16"},
            "zones": zones
            if zones is not None
            else [
                {
                    "name": "eu-west-1a",
                    "workers": "10.250.0.0/19",
                    "public": "10.250.32.0/20",
                    "internal": "10.250.48.0/20",
                }
            ],
        },
        **extra,
    }


def paths(errors: list[Any]) -> list[str]:
    return sorted(e.path for e in errors)


def test_a_good_config_passes() -> None:
    assert validate_infrastructure_config(infra(), NETWORKS, ["eu-west-1a"]) == []
    assert validate_infrastructure_config(infra(vpc={"id": "vpc-123"}), NETWORKS, ["eu-west-1a"]) == []


def test_every_problem_is_reported_with_its_path() -> None:
    zones = [
        {"name": "eu-west-1a", "workers": "10.251.0.0/19", "public": "10.250.32.0/20", "internal": "100.96.0.0/20"},
        {"name": "eu-west-1a", "workers": "10.250.0.0/19", "public": "10.250.32.0/21", "internal": "10.250.64.0/20"},
    ]
    errors = validate_infrastructure_config(
        infra(zones=zones, ignoreTags={"keys": ["Name", "team"], "keyPrefixes": ["kubernetes"]}),
        NETWORKS,
        ["eu-west-1a", "eu-west-1b"],
    )
    p = "spec.provider.infrastructureConfig"
    assert paths(errors) == sorted(
        [
            f"{p}.networks.zones[0].workers",  # outside the VPC
            f"{p}.networks.zones[0].workers",  # outside the nodes network
            f"{p}.networks.zones[0].internal",  # outside the VPC
            f"{p}.networks.zones[0].internal",  # overlaps the pods
            f"{p}.networks.zones[1].name",  # duplicate
            f"{p}.networks.zones[1].public",  # overlaps zone 0's public
            f"{p}.networks.zones",  # eu-west-1b has no entry
            f"{p}.ignoreTags.keys[0]",
            f"{p}.ignoreTags.keyPrefixes[0]",
        ]
    )


def test_vpc_needs_exactly_one_of_id_and_cidr() -> None:
    both = validate_infrastructure_config(infra(vpc={"id": "vpc-1", "cidr": "10.250.0.0/16"}), NETWORKS, [])
    neither = validate_infrastructure_config(infra(vpc={}), NETWORKS, [])
    assert "spec.provider.infrastructureConfig.networks.vpc" in paths(both)
    assert "spec.provider.infrastructureConfig.networks.vpc" in paths(neither)


def test_bad_cidrs_and_unknown_fields_are_field_errors_not_exceptions() -> None:
    bad = infra(zones=[{"name": "a", "workers": "10.250.0.1/19", "public": "x", "internal": "10.250.48.0/20"}])
    assert paths(validate_infrastructure_config(bad, NETWORKS, ["a"])) == [
        "spec.provider.infrastructureConfig.networks.zones[0].public",
        "spec.provider.infrastructureConfig.networks.zones[0].workers",
    ]
    unknown = infra(networkz={})
    assert paths(validate_infrastructure_config(unknown, NETWORKS, [])) == [
        "spec.provider.infrastructureConfig.networkz"
    ]


def test_worker_config() -> None:
    path = "spec.provider.workers[0].providerConfig"
    good = {"volume": {"iops": 4000, "throughput": 200}, "instanceMetadataOptions": {"httpTokens": "required"}}
    assert validate_worker_config(good, "gp3", path) == []
    assert paths(validate_worker_config(good, "gp2", path)) == [f"{path}.volume.iops", f"{path}.volume.throughput"]
    assert paths(validate_worker_config({"iamInstanceProfile": {}}, "gp3", path)) == [f"{path}.iamInstanceProfile"]
    assert paths(validate_worker_config({"instanceMetadataOptions": {"httpTokens": "maybe"}}, "gp3", path)) == [
        f"{path}.instanceMetadataOptions.httpTokens"
    ]


def test_control_plane_config() -> None:
    path = "spec.provider.controlPlaneConfig"
    assert validate_control_plane_config({"storage": {"managedDefaultClass": False}}, path) == []
    assert paths(validate_control_plane_config({"loadBalancerController": {}}, path)) == [
        f"{path}.loadBalancerController.enabled"
    ]
