"""Admission checks for GCP provider configs: every problem, with its path."""

from __future__ import annotations

from typing import Any

import pytest

from providers.gcp.validation import (
    validate_control_plane_config,
    validate_infrastructure_config,
    validate_shoot,
    validate_worker_config,
)
from providers.interface import Networks

pytestmark = pytest.mark.unit

NETWORKS = Networks(nodes="10.250.0.0/16", pods="100.96.0.0/11", services="100.64.0.0/13")
ROOT = "spec.provider.infrastructureConfig.networks"


def infra(**networks: Any) -> dict[str, Any]:
    return {
        "apiVersion": "gcp.provider.extensions.gardener.cloud/v1alpha1",
        "kind": "InfrastructureConfig",
        "networks": {"workers": "10.250.0.0/16", **networks},
    }


def paths(errors: list[Any]) -> list[str]:
    return [e.path for e in errors]


def test_a_good_config_passes() -> None:
    assert validate_infrastructure_config(infra(), NETWORKS) == []
    good = infra(
        vpc={"name": "shared", "cloudRouter": {"name": "router"}},
        internal="10.251.0.0/16",
        cloudNAT={"enableDynamicPortAllocation": True, "minPortsPerVM": 64, "maxPortsPerVM": 65536},
        flowLogs={"aggregationInterval": "INTERVAL_5_SEC", "flowSampling": 0.5, "metadata": "INCLUDE_ALL_METADATA"},
    )
    assert validate_infrastructure_config(good, NETWORKS) == []


def test_cidrs_must_be_valid_inside_the_nodes_and_apart_from_pods_services_and_each_other() -> None:
    errors = validate_infrastructure_config(infra(workers="10.0.0.0/8", internal="100.96.0.0/16"), NETWORKS)
    assert paths(errors) == [f"{ROOT}.workers", f"{ROOT}.internal"]
    assert "subset of spec.networking.nodes" in errors[0].message
    assert "spec.networking.pods" in errors[1].message
    assert paths(validate_infrastructure_config(infra(workers="10.250.0.1/16"), NETWORKS)) == [f"{ROOT}.workers"]
    overlap = validate_infrastructure_config(infra(workers="10.250.0.0/17", internal="10.250.0.0/24"), NETWORKS)
    assert paths(overlap) == [f"{ROOT}.internal"]


def test_the_workers_cidr_is_required_and_the_deprecated_spelling_is_accepted_alone() -> None:
    missing = {"networks": {}}
    assert paths(validate_infrastructure_config(missing, NETWORKS)) == [f"{ROOT}.workers"]
    assert validate_infrastructure_config({"networks": {"worker": "10.250.0.0/16"}}, NETWORKS) == []
    both = {"networks": {"worker": "10.250.0.0/16", "workers": "10.250.0.0/16"}}
    assert paths(validate_infrastructure_config(both, NETWORKS)) == [f"{ROOT}.worker"]


def test_cloud_nat_ports_follow_gce_rules() -> None:
    fixed_max = validate_infrastructure_config(infra(cloudNAT={"minPortsPerVM": 64, "maxPortsPerVM": 128}), NETWORKS)
    assert paths(fixed_max) == [f"{ROOT}.cloudNAT.maxPortsPerVM"]
    dynamic = infra(cloudNAT={"enableDynamicPortAllocation": True, "minPortsPerVM": 100, "maxPortsPerVM": 64})
    assert paths(validate_infrastructure_config(dynamic, NETWORKS)) == [
        f"{ROOT}.cloudNAT.minPortsPerVM",
        f"{ROOT}.cloudNAT.minPortsPerVM",
    ]
    names = infra(cloudNAT={"natIPNames": [{"name": "ip-a"}, {"name": "ip-a"}, {"name": "IP_B"}]})
    assert paths(validate_infrastructure_config(names, NETWORKS)) == [
        f"{ROOT}.cloudNAT.natIPNames[1].name",
        f"{ROOT}.cloudNAT.natIPNames[2].name",
    ]


def test_unknown_fields_and_wrong_types_are_field_errors() -> None:
    errors = validate_infrastructure_config(infra(vpcName="typo", flowLogs={"flowSampling": 2}), NETWORKS)
    assert sorted(paths(errors)) == [f"{ROOT}.flowLogs.flowSampling", f"{ROOT}.vpcName"]


def test_worker_and_control_plane_configs() -> None:
    path = "spec.provider.workers[0].providerConfig"
    good = {
        "gpu": {"acceleratorType": "nvidia-tesla-t4", "count": 1},
        "serviceAccount": {"email": "a@b.c", "scopes": ["x"]},
    }
    assert validate_worker_config(good, path) == []
    bad = {"serviceAccount": {"email": "nobody", "scopes": []}, "dataVolumes": [{"name": "d"}, {"name": "d"}]}
    assert paths(validate_worker_config(bad, path)) == [
        f"{path}.serviceAccount.email",
        f"{path}.serviceAccount.scopes",
        f"{path}.dataVolumes[1].name",
    ]
    assert validate_control_plane_config({"zone": "europe-west1-b"}, ["europe-west1-b"]) == []
    assert paths(validate_control_plane_config({"zone": "us-east1-b"}, ["europe-west1-b"])) == [
        "spec.provider.controlPlaneConfig.zone"
    ]


def test_validate_shoot_collects_every_config() -> None:
    spec = {
        "networking": {"nodes": "10.250.0.0/16"},
        "provider": {
            "type": "gcp",
            "infrastructureConfig": {"networks": {"workers": "10.0.0.0/8"}},
            "controlPlaneConfig": {"zone": "elsewhere"},
            "workers": [{"name": "a", "zones": ["europe-west1-b"], "providerConfig": {"gpu": {"count": 1}}}],
        },
    }
    assert paths(validate_shoot(spec)) == [
        f"{ROOT}.workers",
        "spec.provider.controlPlaneConfig.zone",
        "spec.provider.workers[0].providerConfig.gpu.acceleratorType",
    ]
