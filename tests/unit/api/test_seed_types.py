"""The Seed and ManagedSeed models read Gardener's manifests and write them back unchanged, with Gardener's names."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from garden.api.core.seed import Seed
from garden.api.kind import resource_kind
from garden.api.seedmanagement import API_VERSION as SEEDMANAGEMENT_API_VERSION
from garden.api.seedmanagement.managedseed import ManagedSeed

pytestmark = pytest.mark.unit

SEED_SPEC: dict[str, Any] = {
    "backup": {
        "provider": "aws",
        "region": "eu-west-1",
        "credentialsRef": {"apiVersion": "v1", "kind": "Secret", "name": "backup-secret", "namespace": "garden"},
        "providerConfig": {
            "apiVersion": "aws.provider.extensions.gardener.cloud/v1alpha1",
            "kind": "BackupBucketConfig",
        },
    },
    "dns": {
        "provider": {
            "type": "aws-route53",
            "credentialsRef": {"apiVersion": "v1", "kind": "Secret", "name": "ingress-secret", "namespace": "garden"},
        },
        "internal": {
            "type": "aws-route53",
            "domain": "internal.example.com",
            "zone": "Z123",
            "credentialsRef": {"apiVersion": "v1", "kind": "Secret", "name": "internal-domain", "namespace": "garden"},
        },
    },
    "ingress": {"domain": "ingress.aws-eu1.example.com", "controller": {"kind": "nginx"}},
    "networks": {
        "nodes": "10.250.0.0/16",
        "pods": "100.96.0.0/11",
        "services": "100.64.0.0/13",
        "shootDefaults": {"pods": "10.240.0.0/16", "services": "10.241.0.0/16"},
        "blockCIDRs": ["169.254.169.254/32"],
        "ipFamilies": ["IPv4", "IPv6"],
    },
    "provider": {
        "type": "aws",
        "region": "eu-west-1",
        "zones": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        "providerConfig": {"foo": "bar"},
    },
    "taints": [{"key": "seed.gardener.cloud/protected"}, {"key": "custom", "value": "x"}],
    "volume": {"minimumSize": "20Gi", "providers": [{"purpose": "etcd-main", "name": "ebs.csi.aws.com"}]},
    "settings": {
        "excessCapacityReservation": {
            "enabled": True,
            "configs": [
                {
                    "resources": {"cpu": "2", "memory": "6Gi"},
                    "nodeSelector": {"pool": "system"},
                    "tolerations": [
                        {"key": "dedicated", "operator": "Equal", "value": "system", "effect": "NoSchedule"}
                    ],
                }
            ],
        },
        "scheduling": {"visible": True},
        "loadBalancerServices": {
            "annotations": {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"},
            "externalTrafficPolicy": "Local",
            "zones": [{"name": "eu-west-1a", "proxyProtocol": {"allowed": True}}],
            "class": "service.k8s.aws/nlb",
        },
        "verticalPodAutoscaler": {"enabled": True, "maxAllowed": {"cpu": "8", "memory": "32Gi"}},
        "dependencyWatchdog": {"weeder": {"enabled": True}, "prober": {"enabled": True}},
        "topologyAwareRouting": {"enabled": True},
    },
    "accessRestrictions": [{"name": "eu-access-only"}],
}

SEED: dict[str, Any] = {
    "apiVersion": "core.gardener.cloud/v1beta1",
    "kind": "Seed",
    "metadata": {"name": "aws-eu1", "labels": {"base": "shoot"}, "creationTimestamp": "2025-01-01T00:00:00Z"},
    "spec": SEED_SPEC,
    "status": {
        "gardener": {"id": "abc", "name": "gardenlet-7d9c", "version": "1.110.0"},
        "kubernetesVersion": "1.31.4",
        "conditions": [
            {
                "type": "GardenletReady",
                "status": "True",
                "lastTransitionTime": "2025-01-01T00:10:00Z",
                "lastUpdateTime": "2025-01-15T10:00:00Z",
                "reason": "GardenletReady",
                "message": "Gardenlet is posting ready status.",
            }
        ],
        "observedGeneration": 7,
        "clusterIdentity": "aws-eu1-identity",
        "capacity": {"shoots": 250},
        "allocatable": {"shoots": "200"},
        "clientCertificateExpirationTimestamp": "2026-01-01T00:00:00Z",
        "lastOperation": {
            "description": "Seed cluster has been successfully reconciled.",
            "lastUpdateTime": "2025-01-15T10:00:00Z",
            "progress": 100,
            "state": "Succeeded",
            "type": "Reconcile",
        },
    },
}

MANAGED_SEED: dict[str, Any] = {
    "apiVersion": "seedmanagement.gardener.cloud/v1alpha1",
    "kind": "ManagedSeed",
    "metadata": {"name": "aws-eu1", "namespace": "garden"},
    "spec": {
        "shoot": {"name": "aws-eu1"},
        "gardenlet": {
            "deployment": {
                "replicaCount": 2,
                "revisionHistoryLimit": 2,
                "image": {
                    "repository": "europe-docker.pkg.dev/gardener-project/releases/gardener/gardenlet",
                    "tag": "v1.110.0",
                    "pullPolicy": "IfNotPresent",
                },
                "resources": {"requests": {"cpu": "100m", "memory": "100Mi"}, "limits": {"memory": "2Gi"}},
                "podLabels": {"team": "gardener"},
                "env": [{"name": "KUBERNETES_SERVICE_HOST", "value": "api.aws-eu1.example.com"}],
                "vpa": True,
            },
            "config": {
                "apiVersion": "gardenlet.config.gardener.cloud/v1alpha1",
                "kind": "GardenletConfiguration",
                "seedConfig": {"metadata": {"labels": {"base": "shoot"}}, "spec": SEED_SPEC},
            },
            "bootstrap": "BootstrapToken",
            "mergeWithParent": True,
        },
    },
    "status": {
        "conditions": [
            {
                "type": "ShootReconciled",
                "status": "True",
                "lastTransitionTime": "2025-01-01T00:00:00Z",
                "reason": "ShootReconciled",
                "message": "Shoot has been reconciled.",
            },
            {
                "type": "SeedRegistered",
                "status": "True",
                "lastTransitionTime": "2025-01-01T00:05:00Z",
                "reason": "SeedRegistered",
                "message": "Seed has been registered.",
            },
        ],
        "observedGeneration": 1,
    },
}


def _without(obj: dict[str, Any], *path: str | int) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    parent: Any = out
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return out


def test_seed_round_trip_changes_nothing() -> None:
    assert Seed.parse(copy.deepcopy(SEED)).dump() == SEED


def test_seed_acronym_and_keyword_fields() -> None:
    seed = Seed.parse(SEED)
    assert seed.spec.networks.block_cidrs == ["169.254.169.254/32"]
    assert seed.spec.networks.ip_families == ["IPv4", "IPv6"]
    assert seed.spec.settings is not None
    assert seed.spec.settings.load_balancer_services is not None
    assert seed.spec.settings.load_balancer_services.class_ == "service.k8s.aws/nlb"
    assert seed.spec.backup is not None
    assert seed.spec.backup.credentials_ref is not None
    assert seed.spec.backup.credentials_ref.kind == "Secret"
    assert seed.status is not None
    assert seed.status.capacity == {"shoots": 250}
    out = seed.dump()
    assert out["spec"]["networks"]["blockCIDRs"] == ["169.254.169.254/32"]
    assert out["spec"]["settings"]["loadBalancerServices"]["class"] == "service.k8s.aws/nlb"


def test_seed_unknown_fields_are_ignored() -> None:
    obj = copy.deepcopy(SEED)
    obj["spec"]["somethingNew"] = 1
    obj["spec"]["settings"]["futureSetting"] = {"enabled": True}
    obj["status"]["newStatus"] = "x"
    assert Seed.parse(obj).dump() == SEED


@pytest.mark.parametrize(
    "path",
    [
        ("spec",),
        ("spec", "dns"),
        ("spec", "networks"),
        ("spec", "networks", "pods"),
        ("spec", "provider"),
        ("spec", "provider", "region"),
        ("spec", "backup", "provider"),
        ("spec", "settings", "scheduling", "visible"),
        ("spec", "ingress", "controller"),
    ],
)
def test_seed_missing_required_field_is_rejected(path: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError):
        Seed.parse(_without(SEED, *path))


def test_seed_kind_info() -> None:
    info = resource_kind(Seed)
    assert info.crd_name == "seeds.core.gardener.cloud"
    assert not info.namespaced
    assert info.status
    assert info.short_names == ()
    columns = {c.name: c for c in info.printer_columns}
    assert columns["Provider"].json_path == ".spec.provider.type"
    assert columns["Region"].json_path == ".spec.provider.region"
    assert columns["Version"].json_path == ".status.gardener.version"
    assert columns["K8S Version"].json_path == ".status.kubernetesVersion"


def test_managed_seed_round_trip_changes_nothing() -> None:
    assert ManagedSeed.parse(copy.deepcopy(MANAGED_SEED)).dump() == MANAGED_SEED


def test_managed_seed_keeps_gardenlet_config_opaque() -> None:
    managed = ManagedSeed.parse(MANAGED_SEED)
    assert managed.spec.shoot.name == "aws-eu1"
    assert managed.spec.gardenlet is not None
    assert managed.spec.gardenlet.config is not None
    assert managed.spec.gardenlet.config["seedConfig"]["spec"] == SEED_SPEC
    assert managed.spec.gardenlet.merge_with_parent is True
    out = managed.dump()
    assert out["apiVersion"] == SEEDMANAGEMENT_API_VERSION
    assert out["spec"]["gardenlet"]["mergeWithParent"] is True


def test_managed_seed_with_seed_template() -> None:
    obj = {
        "apiVersion": "seedmanagement.gardener.cloud/v1alpha1",
        "kind": "ManagedSeed",
        "metadata": {"name": "aws-eu2", "namespace": "garden"},
        "spec": {"shoot": {"name": "aws-eu2"}, "seedTemplate": {"metadata": {"labels": {"a": "b"}}, "spec": SEED_SPEC}},
    }
    managed = ManagedSeed.parse(obj)
    assert managed.spec.seed_template is not None
    assert managed.spec.seed_template.spec is not None
    assert managed.spec.seed_template.spec.provider.region == "eu-west-1"
    assert managed.dump() == obj


def test_managed_seed_unknown_fields_are_ignored() -> None:
    obj = copy.deepcopy(MANAGED_SEED)
    obj["spec"]["gardenlet"]["deployment"]["futureKnob"] = 3
    obj["status"]["whatever"] = []
    assert ManagedSeed.parse(obj).dump() == MANAGED_SEED


@pytest.mark.parametrize("path", [("spec",), ("spec", "shoot"), ("spec", "shoot", "name")])
def test_managed_seed_missing_required_field_is_rejected(path: tuple[str, ...]) -> None:
    with pytest.raises(ValidationError):
        ManagedSeed.parse(_without(MANAGED_SEED, *path))


def test_managed_seed_bootstrap_is_a_closed_set() -> None:
    obj = copy.deepcopy(MANAGED_SEED)
    obj["spec"]["gardenlet"]["bootstrap"] = "Magic"
    with pytest.raises(ValidationError):
        ManagedSeed.parse(obj)


def test_managed_seed_kind_info() -> None:
    info = resource_kind(ManagedSeed)
    assert info.api_version == "seedmanagement.gardener.cloud/v1alpha1"
    assert info.crd_name == "managedseeds.seedmanagement.gardener.cloud"
    assert info.namespaced
    assert info.short_names == ("ms",)
    assert [c.name for c in info.printer_columns] == ["Status", "Shoot", "Age"]
