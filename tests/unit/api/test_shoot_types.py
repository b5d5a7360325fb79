"""The Shoot model reads Gardener's shoot manifests and writes them back unchanged, with Gardener's wire names."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from garden.api.core.shoot import Shoot
from garden.api.kind import resource_kind

pytestmark = pytest.mark.unit

#: A shoot as Gardener's documentation writes one (AWS, two pools, HA control plane), with a status as a
#: gardenlet reports it.
SHOOT: dict[str, Any] = {
    "apiVersion": "core.gardener.cloud/v1beta1",
    "kind": "Shoot",
    "metadata": {
        "name": "crazy-botany",
        "namespace": "garden-dev",
        "labels": {"shoot.gardener.cloud/status": "healthy"},
        "annotations": {"gardener.cloud/created-by": "john.doe@example.com"},
        "generation": 3,
        "creationTimestamp": "2025-01-15T09:30:00Z",
    },
    "spec": {
        "cloudProfileName": "aws",
        "cloudProfile": {"kind": "CloudProfile", "name": "aws"},
        "credentialsBindingName": "my-aws-credentials",
        "region": "eu-west-1",
        "purpose": "production",
        "seedName": "aws-eu1",
        "provider": {
            "type": "aws",
            "infrastructureConfig": {
                "apiVersion": "aws.provider.extensions.gardener.cloud/v1alpha1",
                "kind": "InfrastructureConfig",
                "networks": {
                    "vpc": {"cidr": "10.250.0.0/16"},
                    "zones": [
                        {
                            "name": "eu-west-1a",
                            "internal": "10.250.112.0/22",
                            "public": "10.250.96.0/22",
                            "workers": "10.250.0.0/19",
                        }
                    ],
                },
            },
            "controlPlaneConfig": {
                "apiVersion": "aws.provider.extensions.gardener.cloud/v1alpha1",
                "kind": "ControlPlaneConfig",
            },
            "workers": [
                {
                    "name": "cpu-worker",
                    "minimum": 2,
                    "maximum": 5,
                    "maxSurge": 1,
                    "maxUnavailable": 0,
                    "machine": {
                        "type": "m5.large",
                        "image": {"name": "gardenlinux", "version": "1592.1.0"},
                        "architecture": "amd64",
                    },
                    "volume": {"type": "gp3", "size": "50Gi", "encrypted": True},
                    "dataVolumes": [{"name": "kubelet-dir", "type": "gp3", "size": "100Gi"}],
                    "kubeletDataVolumeName": "kubelet-dir",
                    "zones": ["eu-west-1a"],
                    "cri": {"name": "containerd"},
                    "labels": {"pool": "cpu"},
                    "annotations": {"example.com/owner": "team-a"},
                    "systemComponents": {"allow": True},
                    "machineControllerManager": {
                        "machineDrainTimeout": "2h",
                        "machineHealthTimeout": "10m",
                        "maxEvictRetries": 30,
                        "nodeConditions": ["ReadonlyFilesystem", "KernelDeadlock"],
                    },
                    "updateStrategy": "AutoRollingUpdate",
                },
                {
                    "name": "gpu-worker",
                    "minimum": 0,
                    "maximum": 2,
                    "maxSurge": "25%",
                    "maxUnavailable": "0%",
                    "machine": {"type": "p3.2xlarge", "image": {"name": "gardenlinux"}},
                    "volume": {"size": "100Gi"},
                    "zones": ["eu-west-1a"],
                    "taints": [{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}],
                    "kubernetes": {"version": "1.31.4", "kubelet": {"maxPods": 64, "featureGates": {"Foo": True}}},
                    "providerConfig": {
                        "apiVersion": "aws.provider.extensions.gardener.cloud/v1alpha1",
                        "kind": "WorkerConfig",
                        "volume": {"iops": 10000},
                    },
                    "systemComponents": {"allow": False},
                    "clusterAutoscaler": {"scaleDownUtilizationThreshold": 0.4},
                    "priority": 10,
                },
            ],
            "workersSettings": {"sshAccess": {"enabled": False}},
        },
        "networking": {
            "type": "calico",
            "nodes": "10.250.0.0/16",
            "pods": "100.96.0.0/11",
            "services": "100.64.0.0/13",
            "ipFamilies": ["IPv4"],
        },
        "kubernetes": {
            "version": "1.31.4",
            "kubeAPIServer": {
                "featureGates": {"SomeKubernetesFeature": True},
                "runtimeConfig": {"scheduling.k8s.io/v1alpha1": True},
                "admissionPlugins": [
                    {
                        "name": "PodNodeSelector",
                        "config": {"podNodeSelectorPluginConfig": {"clusterDefaultNodeSelector": "a=b"}},
                    }
                ],
                "auditConfig": {"auditPolicy": {"configMapRef": {"name": "auditpolicy"}}},
                "enableAnonymousAuthentication": False,
                "oidcConfig": {
                    "clientID": "client-id",
                    "issuerURL": "https://identity.example.com",
                    "groupsClaim": "groups",
                    "usernameClaim": "email",
                },
                "eventTTL": "1h",
                "requests": {"maxNonMutatingInflight": 400, "maxMutatingInflight": 200},
                "logging": {"verbosity": 2, "httpAccessVerbosity": 3},
            },
            "kubeControllerManager": {
                "nodeCIDRMaskSize": 24,
                "horizontalPodAutoscaler": {"syncPeriod": "30s", "tolerance": 0.1},
                "nodeMonitorGracePeriod": "40s",
            },
            "kubeScheduler": {"profile": "balanced"},
            "kubeProxy": {"mode": "IPTables", "enabled": True},
            "kubelet": {
                "cpuCFSQuota": True,
                "cpuManagerPolicy": "none",
                "maxPods": 110,
                "podPidsLimit": 4096,
                "imageGCHighThresholdPercent": 50,
                "imageGCLowThresholdPercent": 40,
                "registryPullQPS": 5,
                "evictionHard": {"memoryAvailable": "100Mi", "imageFSAvailable": "5%", "nodeFSInodesFree": "5%"},
                "kubeReserved": {"cpu": "80m", "memory": "1Gi", "pid": "20k"},
                "containerLogMaxSize": "100Mi",
            },
            "verticalPodAutoscaler": {
                "enabled": True,
                "evictAfterOOMThreshold": "10m0s",
                "targetCPUPercentile": 0.9,
                "recommendationMarginFraction": 0.15,
            },
            "clusterAutoscaler": {
                "expander": "least-waste",
                "scaleDownUtilizationThreshold": 0.5,
                "scanInterval": "10s",
            },
        },
        "dns": {
            "domain": "crazy-botany.garden-dev.example.com",
            "providers": [{"type": "aws-route53", "secretName": "route53"}],
        },
        "extensions": [
            {
                "type": "shoot-cert-service",
                "providerConfig": {
                    "apiVersion": "service.cert.extensions.gardener.cloud/v1alpha1",
                    "kind": "CertConfig",
                },
            },
            {"type": "shoot-dns-service", "disabled": False},
        ],
        "resources": [
            {"name": "my-secret", "resourceRef": {"apiVersion": "v1", "kind": "Secret", "name": "my-secret"}}
        ],
        "hibernation": {
            "enabled": False,
            "schedules": [
                {"start": "00 17 * * 1,2,3,4,5", "location": "Europe/Berlin"},
                {"end": "00 08 * * 1,2,3,4,5", "location": "Europe/Berlin"},
            ],
        },
        "maintenance": {
            "autoUpdate": {"kubernetesVersion": True, "machineImageVersion": True},
            "timeWindow": {"begin": "220000+0100", "end": "230000+0100"},
            "confineSpecUpdateRollout": False,
        },
        "monitoring": {"alerting": {"emailReceivers": ["john.doe@example.com"]}},
        "addons": {"kubernetesDashboard": {"enabled": False}, "nginxIngress": {"enabled": False}},
        "controlPlane": {"highAvailability": {"failureTolerance": {"type": "zone"}}},
        "tolerations": [{"key": "seed.gardener.cloud/protected"}],
        "seedSelector": {"matchLabels": {"environment": "production"}, "providerTypes": ["aws"]},
        "systemComponents": {
            "coreDNS": {"autoscaling": {"mode": "horizontal"}},
            "nodeLocalDNS": {"enabled": True, "forceTCPToClusterDNS": True},
        },
        "exposureClassName": "internet",
        "accessRestrictions": [
            {"name": "eu-access-only", "options": {"support.gardener.cloud/eu-access-for-cluster-nodes": "true"}}
        ],
    },
    "status": {
        "conditions": [
            {
                "type": "APIServerAvailable",
                "status": "True",
                "lastTransitionTime": "2025-01-15T09:45:00Z",
                "lastUpdateTime": "2025-01-15T10:00:00Z",
                "reason": "HealthzRequestSucceeded",
                "message": "API server /healthz endpoint responded with success status code.",
            }
        ],
        "constraints": [
            {
                "type": "HibernationPossible",
                "status": "True",
                "lastTransitionTime": "2025-01-15T09:45:00Z",
                "reason": "NoProblematicWebhooks",
                "message": "All webhooks are properly configured.",
            }
        ],
        "gardener": {
            "id": "4c9832b3823ee6784064877d3eb10c189fc26e98a1286c0d8a5bc82169ed702c",
            "name": "gardenlet-5b8d6c7f4-x2xk8",
            "version": "1.110.0",
        },
        "hibernated": False,
        "lastOperation": {
            "description": "Shoot cluster has been successfully reconciled.",
            "lastUpdateTime": "2025-01-15T10:00:00Z",
            "progress": 100,
            "state": "Succeeded",
            "type": "Reconcile",
        },
        "lastErrors": [
            {
                "description": "transient failure",
                "taskID": "Deploying infrastructure",
                "codes": ["ERR_INFRA_RATE_LIMITS_EXCEEDED"],
            }
        ],
        "observedGeneration": 3,
        "seedName": "aws-eu1",
        "technicalID": "shoot--dev--crazy-botany",
        "uid": "d8ee8cd5-1b27-4f52-9f66-0a5f5e7b4c2b",
        "clusterIdentity": "shoot--dev--crazy-botany-d8ee8cd5-1b27-4f52-9f66-0a5f5e7b4c2b-garden",
        "advertisedAddresses": [
            {"name": "external", "url": "https://api.crazy-botany.garden-dev.example.com"},
            {"name": "service-account-issuer", "url": "https://api.crazy-botany.garden-dev.example.com"},
        ],
        "credentials": {
            "rotation": {
                "certificateAuthorities": {
                    "phase": "Completed",
                    "lastInitiationTime": "2025-01-01T00:00:00Z",
                    "lastCompletionTime": "2025-01-02T00:00:00Z",
                },
                "sshKeypair": {
                    "lastInitiationTime": "2025-01-10T00:00:00Z",
                    "lastCompletionTime": "2025-01-10T00:05:00Z",
                },
            }
        },
        "lastMaintenance": {
            "description": "All maintenance operations successful.",
            "triggeredTime": "2025-01-14T22:00:00Z",
            "state": "Succeeded",
        },
        "networking": {
            "nodes": ["10.250.0.0/16"],
            "pods": ["100.96.0.0/11"],
            "services": ["100.64.0.0/13"],
            "egressCIDRs": ["52.1.2.3/32"],
        },
    },
}


def test_round_trip_changes_nothing() -> None:
    assert Shoot.parse(copy.deepcopy(SHOOT)).dump() == SHOOT


def test_acronym_fields_keep_gardeners_names() -> None:
    shoot = Shoot.parse(SHOOT)
    assert shoot.status is not None
    assert shoot.status.technical_id == "shoot--dev--crazy-botany"
    assert shoot.spec.kubernetes.kube_api_server is not None
    assert shoot.spec.kubernetes.kube_api_server.oidc_config is not None
    assert shoot.spec.kubernetes.kube_api_server.oidc_config.client_id == "client-id"
    assert shoot.spec.cloud_profile_name == "aws"
    assert shoot.spec.credentials_binding_name == "my-aws-credentials"
    assert shoot.spec.networking is not None
    assert shoot.spec.networking.ip_families == ["IPv4"]
    assert shoot.spec.kubernetes.kubelet is not None
    assert shoot.spec.kubernetes.kubelet.cpu_cfs_quota is True

    out = shoot.dump()
    assert out["status"]["technicalID"] == "shoot--dev--crazy-botany"
    assert "kubeAPIServer" in out["spec"]["kubernetes"]
    assert out["spec"]["kubernetes"]["kubeAPIServer"]["oidcConfig"]["issuerURL"] == "https://identity.example.com"
    assert out["spec"]["kubernetes"]["kubeControllerManager"]["nodeCIDRMaskSize"] == 24
    assert out["spec"]["systemComponents"]["nodeLocalDNS"]["forceTCPToClusterDNS"] is True
    assert out["status"]["networking"]["egressCIDRs"] == ["52.1.2.3/32"]
    assert out["status"]["lastErrors"][0]["taskID"] == "Deploying infrastructure"


def test_snake_case_names_are_accepted_too() -> None:
    spec = copy.deepcopy(SHOOT["spec"])
    spec["kubernetes"] = {"kube_api_server": {"enable_anonymous_authentication": True}}
    shoot = Shoot.parse({"metadata": {"name": "a"}, "spec": spec})
    assert shoot.dump()["spec"]["kubernetes"] == {"kubeAPIServer": {"enableAnonymousAuthentication": True}}


def test_unknown_fields_are_ignored() -> None:
    obj = copy.deepcopy(SHOOT)
    obj["spec"]["someFutureField"] = {"x": 1}
    obj["spec"]["provider"]["workers"][0]["fancyNewSetting"] = True
    obj["status"]["somethingNew"] = "yes"
    assert Shoot.parse(obj).dump() == SHOOT


@pytest.mark.parametrize(
    "path",
    [
        ("spec", "region"),
        ("spec", "provider"),
        ("spec", "kubernetes"),
        ("spec", "provider", "type"),
        ("spec", "provider", "workers", 0, "machine"),
        ("spec", "maintenance", "timeWindow", "begin"),
        ("spec", "controlPlane", "highAvailability", "failureTolerance"),
    ],
)
def test_missing_required_field_is_rejected(path: tuple[str | int, ...]) -> None:
    obj = copy.deepcopy(SHOOT)
    parent: Any = obj
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    with pytest.raises(ValidationError):
        Shoot.parse(obj)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("spec", "purpose"), "fun"),
        (("spec", "networking", "ipFamilies"), ["IPv5"]),
        (("spec", "controlPlane", "highAvailability", "failureTolerance", "type"), "region"),
        (("spec", "cloudProfile", "kind"), "Profile"),
    ],
)
def test_closed_sets_are_enforced(path: tuple[str, ...], value: Any) -> None:
    obj = copy.deepcopy(SHOOT)
    parent: Any = obj
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    with pytest.raises(ValidationError):
        Shoot.parse(obj)


def test_minimal_shoot_dumps_only_what_was_given() -> None:
    minimal = {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "Shoot",
        "metadata": {"name": "small", "namespace": "garden-dev"},
        "spec": {"region": "eu-west-1", "provider": {"type": "aws"}, "kubernetes": {}},
    }
    assert Shoot.parse(minimal).dump() == minimal


def test_cloud_profile_ref_prefers_the_reference() -> None:
    shoot = Shoot.parse(SHOOT)
    assert shoot.cloud_profile_ref() == ("CloudProfile", "aws")

    spec = copy.deepcopy(SHOOT["spec"])
    spec["cloudProfile"] = {"kind": "NamespacedCloudProfile", "name": "aws-custom"}
    assert Shoot.parse({"spec": spec}).cloud_profile_ref() == ("NamespacedCloudProfile", "aws-custom")

    del spec["cloudProfile"]
    assert Shoot.parse({"spec": spec}).cloud_profile_ref() == ("CloudProfile", "aws")

    del spec["cloudProfileName"]
    assert Shoot.parse({"spec": spec}).cloud_profile_ref() is None


def test_is_hibernation_enabled() -> None:
    spec = copy.deepcopy(SHOOT["spec"])
    assert not Shoot.parse({"spec": spec}).is_hibernation_enabled()
    spec["hibernation"]["enabled"] = True
    assert Shoot.parse({"spec": spec}).is_hibernation_enabled()
    del spec["hibernation"]
    assert not Shoot.parse({"spec": spec}).is_hibernation_enabled()


def test_kind_info() -> None:
    info = resource_kind(Shoot)
    assert info.api_version == "core.gardener.cloud/v1beta1"
    assert info.crd_name == "shoots.core.gardener.cloud"
    assert info.namespaced
    assert info.status
    assert info.short_names == ()
    assert info.categories == ("all",)
    columns = {c.name: c for c in info.printer_columns}
    assert columns["Provider"].json_path == ".spec.provider.type"
    assert columns["K8S Version"].json_path == ".spec.kubernetes.version"
    assert columns["Seed"].priority == 1
    assert columns["Purpose"].priority == 1
    assert info.printer_columns[-1].name == "Age"
