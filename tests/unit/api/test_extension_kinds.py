"""The extension kinds read and write objects exactly as the gardenlet and provider extensions write them."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from garden.api.base import Resource
from garden.api.crds import crd
from garden.api.extensions import API_VERSION
from garden.api.extensions.backupbucket import BackupBucket
from garden.api.extensions.backupentry import BackupEntry
from garden.api.extensions.cluster import Cluster
from garden.api.extensions.controlplane import ControlPlane
from garden.api.extensions.dnsrecord import DNSRecord
from garden.api.extensions.infrastructure import Infrastructure
from garden.api.extensions.network import Network
from garden.api.extensions.operatingsystemconfig import OperatingSystemConfig
from garden.api.extensions.worker import Worker
from garden.api.kind import resource_kind

pytestmark = pytest.mark.unit

NAMESPACE = "shoot--dev--alpha"
SECRET_REF = {"name": "cloudprovider", "namespace": NAMESPACE}
META = {
    "name": "alpha",
    "namespace": NAMESPACE,
    "uid": "0b7f3c1e-5f5e-4a3e-9a51-2b1f0e3c9d11",
    "resourceVersion": "48213",
    "generation": 3,
    "creationTimestamp": "2026-11-20T09:14:02Z",
    "annotations": {"gardener.cloud/operation": "reconcile", "gardener.cloud/timestamp": "2026-11-25T06:00:00Z"},
}
LAST_OPERATION = {
    "description": "Successfully reconciled",
    "lastUpdateTime": "2026-11-25T06:01:13Z",
    "progress": 100,
    "state": "Succeeded",
    "type": "Reconcile",
}
SUCCEEDED_STATUS: dict[str, Any] = {"lastOperation": LAST_OPERATION, "observedGeneration": 3}

INFRASTRUCTURE: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "Infrastructure",
    "metadata": META,
    "spec": {
        "type": "aws",
        "region": "eu-west-1",
        "secretRef": SECRET_REF,
        "sshPublicKey": "c3NoLWVkMjU1MTkgQUFBQUMzTnphQzFsWkRJMU5URTVBQUFBSUlXZQ==",
        "providerConfig": {
            "apiVersion": "aws.provider.extensions.gardener.cloud/v1alpha1",
            "kind": "InfrastructureConfig",
            "networks": {
                "vpc": {"cidr": "10.250.0.0/16"},
                "zones": [{"name": "eu-west-1a", "workers": "10.250.0.0/19"}],
            },
        },
    },
    "status": {
        "lastOperation": LAST_OPERATION,
        "observedGeneration": 3,
        "nodesCIDR": "10.250.0.0/16",
        "egressCIDRs": ["52.18.4.7/32"],
        "networking": {"nodes": ["10.250.0.0/16"], "pods": ["100.96.0.0/11"], "services": ["100.64.0.0/13"]},
        "providerStatus": {
            "apiVersion": "aws.provider.extensions.gardener.cloud/v1alpha1",
            "kind": "InfrastructureStatus",
            "vpc": {"id": "vpc-0a1b2c3d", "subnets": [{"id": "subnet-1", "purpose": "nodes", "zone": "eu-west-1a"}]},
        },
        "state": {"version": 1, "resources": {"vpc": "vpc-0a1b2c3d"}},
        "resources": [
            {"name": "terraform-state", "resourceRef": {"apiVersion": "v1", "kind": "ConfigMap", "name": "infra-state"}}
        ],
        "conditions": [
            {
                "type": "InfrastructureReady",
                "status": "True",
                "lastTransitionTime": "2026-11-20T09:20:00Z",
                "lastUpdateTime": "2026-11-25T06:01:13Z",
                "reason": "Reconciled",
                "message": "All resources exist.",
            }
        ],
    },
}

CONTROL_PLANE: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "ControlPlane",
    "metadata": META,
    "spec": {
        "type": "aws",
        "purpose": "normal",
        "region": "eu-west-1",
        "secretRef": SECRET_REF,
        "infrastructureProviderStatus": {"kind": "InfrastructureStatus", "vpc": {"id": "vpc-0a1b2c3d"}},
        "providerConfig": {"kind": "ControlPlaneConfig", "cloudControllerManager": {"useCustomRouteController": True}},
    },
    "status": SUCCEEDED_STATUS,
}

WORKER: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "Worker",
    "metadata": META,
    "spec": {
        "type": "aws",
        "region": "eu-west-1",
        "secretRef": SECRET_REF,
        "sshPublicKey": "c3NoLWVkMjU1MTkgQUFBQUMzTnphQzFsWkRJMU5URTVBQUFBSUlXZQ==",
        "infrastructureProviderStatus": {"kind": "InfrastructureStatus", "vpc": {"id": "vpc-0a1b2c3d"}},
        "pools": [
            {
                "name": "worker-a",
                "machineType": "m5.large",
                "machineImage": {"name": "gardenlinux", "version": "1592.1.0"},
                "minimum": 1,
                "maximum": 4,
                "maxSurge": 1,
                "maxUnavailable": "0%",
                "zones": ["eu-west-1a", "eu-west-1b"],
                "volume": {"size": "50Gi", "type": "gp3", "encrypted": True},
                "dataVolumes": [{"name": "kubelet", "size": "100Gi", "type": "gp3"}],
                "kubeletDataVolumeName": "kubelet",
                "labels": {"worker.gardener.cloud/pool": "worker-a", "node.kubernetes.io/role": "node"},
                "annotations": {"autoscaler.gardener.cloud/scale-down-unneeded-time": "30m"},
                "taints": [{"key": "dedicated", "value": "ingress", "effect": "NoSchedule"}],
                "userDataSecretRef": {"name": "user-data-worker-a", "key": "cloud_config"},
                "nodeAgentSecretName": "gardener-node-agent-worker-a-77ac3",
                "architecture": "amd64",
                "kubernetesVersion": "1.31.4",
                "providerConfig": {"kind": "WorkerConfig", "instanceMetadataOptions": {"httpTokens": "required"}},
                "nodeTemplate": {"capacity": {"cpu": "2", "memory": "8Gi", "gpu": "0"}},
                "machineControllerManager": {
                    "machineDrainTimeout": "2h0m0s",
                    "machineHealthTimeout": "10m0s",
                    "machineCreationTimeout": "20m0s",
                    "maxEvictRetries": 30,
                    "nodeConditions": ["KernelDeadlock", "ReadonlyFilesystem"],
                },
                "clusterAutoscaler": {"scaleDownUtilizationThreshold": "0.5", "scaleDownUnneededTime": "30m0s"},
                "priority": 10,
                "updateStrategy": "AutoRollingUpdate",
            }
        ],
    },
    "status": {
        "lastOperation": LAST_OPERATION,
        "observedGeneration": 3,
        "machineDeployments": [
            {"name": "shoot--dev--alpha-worker-a-z1", "minimum": 1, "maximum": 2},
            {"name": "shoot--dev--alpha-worker-a-z2", "minimum": 0, "maximum": 2, "priority": 10},
        ],
        "machineDeploymentsLastUpdateTime": "2026-11-25T06:01:10Z",
        "providerStatus": {"kind": "WorkerStatus", "machineImages": [{"name": "gardenlinux", "ami": "ami-0abc"}]},
    },
}

DNS_RECORD: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "DNSRecord",
    "metadata": {**META, "name": "alpha-external"},
    "spec": {
        "type": "aws-route53",
        "secretRef": {"name": "dnsrecord-alpha-external", "namespace": NAMESPACE},
        "zone": "Z0123456789ABCDEF",
        "name": "api.alpha.dev.example.com",
        "recordType": "A",
        "values": ["203.0.113.10"],
        "ttl": 120,
    },
    "status": {**SUCCEEDED_STATUS, "zone": "Z0123456789ABCDEF"},
}

OPERATING_SYSTEM_CONFIG: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "OperatingSystemConfig",
    "metadata": {**META, "name": "worker-a-original"},
    "spec": {
        "type": "gardenlinux",
        "purpose": "reconcile",
        "criConfig": {
            "name": "containerd",
            "cgroupDriver": "systemd",
            "containerd": {
                "sandboxImage": "registry.k8s.io/pause:3.10",
                "registries": [
                    {
                        "upstream": "docker.io",
                        "server": "https://registry-1.docker.io",
                        "hosts": [{"url": "https://mirror.example.com", "capabilities": ["pull", "resolve"]}],
                        "readinessProbe": True,
                    }
                ],
                "plugins": [{"path": ["io.containerd.grpc.v1.cri"], "values": {"enable_cdi": True}}],
            },
        },
        "units": [
            {
                "name": "kubelet.service",
                "command": "start",
                "enable": True,
                "content": "[Unit]\nDescription=kubelet\n[Service]\nExecStart=/opt/bin/kubelet\n",
                "dropIns": [{"name": "10-env.conf", "content": "[Service]\nEnvironment=KUBELET_ARGS=\n"}],
                "filePaths": ["/var/lib/kubelet/config/kubelet"],
            }
        ],
        "files": [
            {
                "path": "/var/lib/kubelet/config/kubelet",
                "permissions": 384,
                "content": {"inline": {"encoding": "b64", "data": "a2luZDogS3ViZWxldENvbmZpZ3VyYXRpb24K"}},
            },
            {
                "path": "/var/lib/kubelet/ca.crt",
                "content": {"secretRef": {"name": "ca-kubelet", "dataKey": "bundle.crt"}, "transmitUnencoded": True},
            },
            {
                "path": "/opt/bin/kubelet",
                "permissions": 493,
                "content": {"imageRef": {"image": "registry.k8s.io/hyperkube:v1.31.4", "filePathInImage": "/kubelet"}},
            },
        ],
    },
    "status": {
        **SUCCEEDED_STATUS,
        "extensionUnits": [{"name": "gardenlinux-tune.service", "command": "start", "enable": True}],
        "extensionFiles": [
            {"path": "/etc/sysctl.d/99-gardenlinux.conf", "content": {"inline": {"encoding": "", "data": "x"}}}
        ],
        "cloudConfig": {"secretRef": {"name": "osc-result-worker-a", "namespace": NAMESPACE}},
    },
}

NETWORK: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "Network",
    "metadata": META,
    "spec": {
        "type": "calico",
        "podCIDR": "100.96.0.0/11",
        "serviceCIDR": "100.64.0.0/13",
        "ipFamilies": ["IPv4"],
        "providerConfig": {"kind": "NetworkConfig", "backend": "none", "ipam": {"type": "host-local"}},
    },
    "status": {**SUCCEEDED_STATUS, "ipFamilies": ["IPv4"]},
}

BACKUP_BUCKET: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "BackupBucket",
    "metadata": {"name": "2f0d5e4a-6a0b-4c0e-8d3e-5c6f7a8b9c0d", "creationTimestamp": "2026-11-01T00:00:00Z"},
    "spec": {
        "type": "aws",
        "region": "eu-west-1",
        "secretRef": {"name": "bucket-2f0d5e4a", "namespace": "garden"},
    },
    "status": {
        **SUCCEEDED_STATUS,
        "generatedSecretRef": {"name": "generated-bucket-2f0d5e4a", "namespace": "garden"},
        "lastError": {
            "description": "bucket policy could not be read",
            "taskID": "reconcile-bucket",
            "codes": ["ERR_INFRA_UNAUTHORIZED"],
            "lastUpdateTime": "2026-11-24T23:00:00Z",
        },
    },
}

BACKUP_ENTRY: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "BackupEntry",
    "metadata": {"name": "shoot--dev--alpha--0b7f3c1e", "creationTimestamp": "2026-11-20T09:14:02Z"},
    "spec": {
        "type": "aws",
        "region": "eu-west-1",
        "bucketName": "2f0d5e4a-6a0b-4c0e-8d3e-5c6f7a8b9c0d",
        "secretRef": {"name": "entry-shoot--dev--alpha--0b7f3c1e", "namespace": "garden"},
        "backupBucketProviderStatus": {"kind": "BackupBucketStatus", "arn": "arn:aws:s3:::bucket"},
    },
    "status": SUCCEEDED_STATUS,
}

CLUSTER: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "Cluster",
    "metadata": {"name": NAMESPACE, "creationTimestamp": "2026-11-20T09:14:02Z"},
    "spec": {
        "cloudProfile": {
            "apiVersion": "core.gardener.cloud/v1beta1",
            "kind": "CloudProfile",
            "metadata": {"name": "aws"},
        },
        "seed": {"apiVersion": "core.gardener.cloud/v1beta1", "kind": "Seed", "metadata": {"name": "aws-eu1"}},
        "shoot": {
            "apiVersion": "core.gardener.cloud/v1beta1",
            "kind": "Shoot",
            "metadata": {"name": "alpha", "namespace": "garden-dev"},
            "spec": {"region": "eu-west-1", "provider": {"type": "aws"}},
        },
    },
}

CASES: list[tuple[type[Resource], dict[str, Any]]] = [
    (Cluster, CLUSTER),
    (Infrastructure, INFRASTRUCTURE),
    (ControlPlane, CONTROL_PLANE),
    (Worker, WORKER),
    (DNSRecord, DNS_RECORD),
    (OperatingSystemConfig, OPERATING_SYSTEM_CONFIG),
    (Network, NETWORK),
    (BackupBucket, BACKUP_BUCKET),
    (BackupEntry, BACKUP_ENTRY),
]
IDS = [kind.__name__ for kind, _ in CASES]


@pytest.mark.parametrize(("kind", "manifest"), CASES, ids=IDS)
def test_round_trip_is_exact(kind: type[Resource], manifest: dict[str, Any]) -> None:
    assert kind.parse(copy.deepcopy(manifest)).dump() == manifest


@pytest.mark.parametrize(("kind", "manifest"), CASES, ids=IDS)
def test_api_version_and_kind_are_filled_in(kind: type[Resource], manifest: dict[str, Any]) -> None:
    bare = {k: v for k, v in manifest.items() if k not in ("apiVersion", "kind")}
    out = kind.parse(bare).dump()
    assert out["apiVersion"] == "extensions.gardener.cloud/v1alpha1"
    assert out["kind"] == kind.__name__


@pytest.mark.parametrize(("kind", "manifest"), CASES, ids=IDS)
def test_spec_is_required(kind: type[Resource], manifest: dict[str, Any]) -> None:
    bare = {k: v for k, v in manifest.items() if k != "spec"}
    with pytest.raises(ValidationError, match="spec"):
        kind.parse(bare)


def test_acronym_wire_names() -> None:
    network = Network.parse(copy.deepcopy(NETWORK))
    assert network.spec.pod_cidr == "100.96.0.0/11"
    assert network.spec.service_cidr == "100.64.0.0/13"
    infra = Infrastructure.parse(copy.deepcopy(INFRASTRUCTURE))
    assert infra.status is not None
    assert infra.status.nodes_cidr == "10.250.0.0/16"
    assert infra.status.egress_cidrs == ["52.18.4.7/32"]
    assert infra.status.last_error is None
    dumped = infra.dump()
    assert "nodesCIDR" in dumped["status"]
    assert "egressCIDRs" in dumped["status"]
    assert {"podCIDR", "serviceCIDR"} <= network.dump()["spec"].keys()


def test_extension_class_is_written_as_class() -> None:
    manifest = copy.deepcopy(NETWORK)
    manifest["spec"]["class"] = "seed"
    network = Network.parse(manifest)
    assert network.spec.class_ == "seed"
    assert network.dump() == manifest


def test_typed_access_to_worker_pools() -> None:
    worker = Worker.parse(copy.deepcopy(WORKER))
    pool = worker.spec.pools[0]
    assert pool.max_surge == 1
    assert pool.max_unavailable == "0%"
    assert pool.node_template is not None
    assert pool.node_template.capacity["memory"] == "8Gi"
    assert pool.taints is not None
    assert pool.taints[0].effect == "NoSchedule"
    assert pool.user_data_secret_ref.key == "cloud_config"
    assert worker.status is not None
    assert worker.status.machine_deployments is not None
    assert [md.name for md in worker.status.machine_deployments] == [
        "shoot--dev--alpha-worker-a-z1",
        "shoot--dev--alpha-worker-a-z2",
    ]


@pytest.mark.parametrize(
    ("kind", "manifest", "path"),
    [
        pytest.param(Infrastructure, INFRASTRUCTURE, ("spec", "region"), id="infrastructure-region"),
        pytest.param(Infrastructure, INFRASTRUCTURE, ("spec", "type"), id="infrastructure-type"),
        pytest.param(Worker, WORKER, ("spec", "pools"), id="worker-pools"),
        pytest.param(Worker, WORKER, ("spec", "pools", 0, "userDataSecretRef"), id="worker-pool-user-data"),
        pytest.param(Worker, WORKER, ("spec", "pools", 0, "maxSurge"), id="worker-pool-max-surge"),
        pytest.param(DNSRecord, DNS_RECORD, ("spec", "recordType"), id="dnsrecord-record-type"),
        pytest.param(OperatingSystemConfig, OPERATING_SYSTEM_CONFIG, ("spec", "purpose"), id="osc-purpose"),
        pytest.param(Network, NETWORK, ("spec", "podCIDR"), id="network-pod-cidr"),
        pytest.param(BackupEntry, BACKUP_ENTRY, ("spec", "bucketName"), id="backupentry-bucket"),
        pytest.param(Cluster, CLUSTER, ("spec", "shoot"), id="cluster-shoot"),
    ],
)
def test_missing_required_field_is_rejected(
    kind: type[Resource], manifest: dict[str, Any], path: tuple[str | int, ...]
) -> None:
    broken = copy.deepcopy(manifest)
    parent: Any = broken
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    with pytest.raises(ValidationError):
        kind.parse(broken)


@pytest.mark.parametrize(
    ("kind", "manifest", "path", "value"),
    [
        pytest.param(DNSRecord, DNS_RECORD, ("spec", "recordType"), "MX", id="dns-record-type"),
        pytest.param(OperatingSystemConfig, OPERATING_SYSTEM_CONFIG, ("spec", "purpose"), "boot", id="osc-purpose"),
        pytest.param(ControlPlane, CONTROL_PLANE, ("spec", "purpose"), "other", id="controlplane-purpose"),
        pytest.param(Network, NETWORK, ("spec", "ipFamilies"), ["IPv5"], id="network-ip-family"),
    ],
)
def test_closed_sets_reject_unknown_values(
    kind: type[Resource], manifest: dict[str, Any], path: tuple[str, ...], value: Any
) -> None:
    broken = copy.deepcopy(manifest)
    broken[path[0]][path[1]] = value
    with pytest.raises(ValidationError):
        kind.parse(broken)


@pytest.mark.parametrize(
    ("kind", "plural", "namespaced", "short_names"),
    [
        (Cluster, "clusters", False, ()),
        (Infrastructure, "infrastructures", True, ("infra",)),
        (ControlPlane, "controlplanes", True, ("cp",)),
        (Worker, "workers", True, ()),
        (DNSRecord, "dnsrecords", True, ("dns",)),
        (OperatingSystemConfig, "operatingsystemconfigs", True, ("osc",)),
        (Network, "networks", True, ()),
        (BackupBucket, "backupbuckets", False, ("bb",)),
        (BackupEntry, "backupentries", False, ("be",)),
    ],
    ids=IDS,
)
def test_kind_info_matches_upstream_crd(
    kind: type[Resource], plural: str, namespaced: bool, short_names: tuple[str, ...]
) -> None:
    info = resource_kind(kind)
    assert info.api_version == API_VERSION
    assert info.kind == kind.KIND == kind.__name__
    assert info.plural == plural
    assert info.namespaced is namespaced
    assert info.short_names == short_names
    assert info.status
    assert info.description
    assert info.printer_columns[-1].name == "Age"


@pytest.mark.parametrize(("kind", "manifest"), CASES, ids=IDS)
def test_crd_renders_as_a_structural_schema(kind: type[Resource], manifest: dict[str, Any]) -> None:
    schema = crd(kind)["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    assert schema["required"] == ["spec"]
    assert "spec" in schema["properties"]


def test_worker_crd_marks_raw_and_int_or_string_fields() -> None:
    spec = crd(Worker)["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    pool = spec["properties"]["pools"]["items"]
    assert pool["properties"]["maxSurge"]["x-kubernetes-int-or-string"] is True
    assert pool["properties"]["providerConfig"]["x-kubernetes-preserve-unknown-fields"] is True
    assert spec["properties"]["infrastructureProviderStatus"]["x-kubernetes-preserve-unknown-fields"] is True
    assert set(pool["required"]) == {
        "name",
        "machineType",
        "minimum",
        "maximum",
        "maxSurge",
        "maxUnavailable",
        "userDataSecretRef",
    }
