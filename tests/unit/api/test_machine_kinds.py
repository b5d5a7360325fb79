"""The machine-controller-manager kinds read and write objects exactly as provider extensions and MCM write them."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from garden.api.base import Resource
from garden.api.crds import crd
from garden.api.kind import resource_kind
from garden.api.machine import API_VERSION
from garden.api.machine.machine import Machine
from garden.api.machine.machineclass import MachineClass
from garden.api.machine.machinedeployment import MachineDeployment
from garden.api.machine.machineset import MachineSet

pytestmark = pytest.mark.unit

NAMESPACE = "shoot--dev--alpha"
CLASS_NAME = "shoot--dev--alpha-worker-a-z1-5a3f2"
DEPLOYMENT_NAME = "shoot--dev--alpha-worker-a-z1"
SET_NAME = "shoot--dev--alpha-worker-a-z1-6d8b7"
MACHINE_NAME = "shoot--dev--alpha-worker-a-z1-6d8b7-x9k2p"
PROVIDER_ID = "aws:///eu-west-1a/i-0123456789abcdef0"
POOL_LABELS = {"name": DEPLOYMENT_NAME, "machine-template-hash": "2417463016"}
TIMEOUTS = {
    "drainTimeout": "2h0m0s",
    "healthTimeout": "10m0s",
    "creationTimeout": "20m0s",
    "maxEvictRetries": 30,
    "nodeConditions": "KernelDeadlock,ReadonlyFilesystem,DiskPressure",
}
NODE_TEMPLATE = {
    "metadata": {
        "labels": {"worker.gardener.cloud/pool": "worker-a", "topology.kubernetes.io/zone": "eu-west-1a"},
        "annotations": {"node.machine.sapcloud.io/not-managed-by-mcm": "false"},
    },
    "spec": {"taints": [{"key": "dedicated", "value": "ingress", "effect": "NoSchedule"}]},
}
MACHINE_SPEC: dict[str, Any] = {
    "class": {"kind": "MachineClass", "name": CLASS_NAME},
    "nodeTemplate": NODE_TEMPLATE,
    **TIMEOUTS,
}
FAILED_MACHINE = {
    "name": "shoot--dev--alpha-worker-a-z1-6d8b7-q2w3e",
    "providerID": "aws:///eu-west-1a/i-0fedcba987654321",
    "ownerRef": SET_NAME,
    "lastOperation": {
        "description": "Cloud provider message - machine codes error: code = [ResourceExhausted]",
        "errorCode": "ResourceExhausted",
        "lastUpdateTime": "2026-11-25T05:40:00Z",
        "state": "Failed",
        "type": "Create",
    },
}

MACHINE_CLASS: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "MachineClass",
    "metadata": {
        "name": CLASS_NAME,
        "namespace": NAMESPACE,
        "creationTimestamp": "2026-11-20T09:30:00Z",
        "finalizers": ["machine.sapcloud.io/machine-controller-manager"],
    },
    "provider": "AWS",
    "providerSpec": {
        "ami": "ami-0abc",
        "region": "eu-west-1",
        "machineType": "m5.large",
        "iam": {"name": "shoot--dev--alpha-nodes"},
        "networkInterfaces": [{"subnetID": "subnet-1", "securityGroupIDs": ["sg-1"]}],
        "tags": {"kubernetes.io/cluster/shoot--dev--alpha": "1"},
    },
    "secretRef": {"name": CLASS_NAME, "namespace": NAMESPACE},
    "credentialsSecretRef": {"name": "cloudprovider", "namespace": NAMESPACE},
    "nodeTemplate": {
        "capacity": {"cpu": "2", "memory": "8Gi", "gpu": "0"},
        "instanceType": "m5.large",
        "region": "eu-west-1",
        "zone": "eu-west-1a",
        "architecture": "amd64",
    },
}

MACHINE_DEPLOYMENT: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "MachineDeployment",
    "metadata": {
        "name": DEPLOYMENT_NAME,
        "namespace": NAMESPACE,
        "generation": 4,
        "creationTimestamp": "2026-11-20T09:30:00Z",
        "labels": {"worker.gardener.cloud/name": "worker-a"},
    },
    "spec": {
        "replicas": 2,
        "minReadySeconds": 500,
        "revisionHistoryLimit": 0,
        "selector": {"matchLabels": {"name": DEPLOYMENT_NAME}},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
        "template": {"metadata": {"labels": {"name": DEPLOYMENT_NAME}}, "spec": MACHINE_SPEC},
    },
    "status": {
        "observedGeneration": 4,
        "replicas": 3,
        "updatedReplicas": 2,
        "readyReplicas": 2,
        "availableReplicas": 2,
        "unavailableReplicas": 1,
        "conditions": [
            {
                "type": "Available",
                "status": "True",
                "lastUpdateTime": "2026-11-25T06:00:00Z",
                "lastTransitionTime": "2026-11-20T09:45:00Z",
                "reason": "MinimumReplicasAvailable",
                "message": "Deployment has minimum availability.",
            },
            {"type": "Progressing", "status": "True", "reason": "NewMachineSetAvailable"},
        ],
        "failedMachines": [FAILED_MACHINE],
    },
}

MACHINE_SET: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "MachineSet",
    "metadata": {
        "name": SET_NAME,
        "namespace": NAMESPACE,
        "generation": 2,
        "labels": POOL_LABELS,
        "ownerReferences": [
            {
                "apiVersion": API_VERSION,
                "kind": "MachineDeployment",
                "name": DEPLOYMENT_NAME,
                "uid": "9a1d4c2e-0c1b-4a7e-8f5d-3b2c1d0e9f8a",
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    },
    "spec": {
        "replicas": 2,
        "minReadySeconds": 500,
        "selector": {"matchLabels": POOL_LABELS},
        "machineClass": {"kind": "MachineClass", "name": CLASS_NAME},
        "template": {"metadata": {"labels": POOL_LABELS}, "spec": MACHINE_SPEC},
    },
    "status": {
        "replicas": 2,
        "fullyLabeledReplicas": 2,
        "readyReplicas": 1,
        "availableReplicas": 1,
        "observedGeneration": 2,
        "machineSetCondition": [
            {
                "type": "ReplicaFailure",
                "status": "True",
                "lastTransitionTime": "2026-11-25T05:40:00Z",
                "reason": "FailedCreate",
                "message": "machine creation failed",
            }
        ],
        "lastOperation": {"lastUpdateTime": "2026-11-25T05:40:00Z"},
        "failedMachines": [FAILED_MACHINE],
    },
}

MACHINE: dict[str, Any] = {
    "apiVersion": API_VERSION,
    "kind": "Machine",
    "metadata": {
        "name": MACHINE_NAME,
        "namespace": NAMESPACE,
        "labels": {**POOL_LABELS, "node": "ip-10-250-3-17.eu-west-1.compute.internal"},
        "finalizers": ["machine.sapcloud.io/machine-controller-manager"],
        "creationTimestamp": "2026-11-20T09:31:00Z",
    },
    "spec": {**MACHINE_SPEC, "providerID": PROVIDER_ID},
    "status": {
        "currentStatus": {"phase": "Running", "timeoutActive": False, "lastUpdateTime": "2026-11-20T09:36:00Z"},
        "lastOperation": {
            "description": "Machine shoot--dev--alpha-worker-a-z1-6d8b7-x9k2p successfully joined the cluster",
            "lastUpdateTime": "2026-11-20T09:36:00Z",
            "state": "Successful",
            "type": "Create",
        },
        "conditions": [
            {
                "type": "Ready",
                "status": "True",
                "lastHeartbeatTime": "2026-11-25T06:00:00Z",
                "lastTransitionTime": "2026-11-20T09:35:40Z",
                "reason": "KubeletReady",
                "message": "kubelet is posting ready status",
            },
            {
                "type": "MemoryPressure",
                "status": "False",
                "lastHeartbeatTime": "2026-11-25T06:00:00Z",
                "lastTransitionTime": "2026-11-20T09:35:20Z",
                "reason": "KubeletHasSufficientMemory",
                "message": "kubelet has sufficient memory available",
            },
        ],
        "lastKnownState": '{"instanceID":"i-0123456789abcdef0"}',
    },
}

CASES: list[tuple[type[Resource], dict[str, Any]]] = [
    (MachineClass, MACHINE_CLASS),
    (MachineDeployment, MACHINE_DEPLOYMENT),
    (MachineSet, MACHINE_SET),
    (Machine, MACHINE),
]
IDS = [kind.__name__ for kind, _ in CASES]


@pytest.mark.parametrize(("kind", "manifest"), CASES, ids=IDS)
def test_round_trip_is_exact(kind: type[Resource], manifest: dict[str, Any]) -> None:
    assert kind.parse(copy.deepcopy(manifest)).dump() == manifest


@pytest.mark.parametrize(("kind", "manifest"), CASES, ids=IDS)
def test_api_version_and_kind_are_filled_in(kind: type[Resource], manifest: dict[str, Any]) -> None:
    bare = {k: v for k, v in manifest.items() if k not in ("apiVersion", "kind")}
    out = kind.parse(bare).dump()
    assert out["apiVersion"] == "machine.sapcloud.io/v1alpha1"
    assert out["kind"] == kind.__name__


def test_provider_id_is_written_as_upstream_spells_it() -> None:
    machine = Machine.parse(copy.deepcopy(MACHINE))
    assert machine.spec is not None
    assert machine.spec.provider_id == PROVIDER_ID
    assert machine.dump()["spec"]["providerID"] == PROVIDER_ID
    assert "providerId" not in machine.dump()["spec"]
    deployment = MachineDeployment.parse(copy.deepcopy(MACHINE_DEPLOYMENT))
    assert deployment.status is not None
    assert deployment.status.failed_machines is not None
    assert deployment.status.failed_machines[0].provider_id == "aws:///eu-west-1a/i-0fedcba987654321"


def test_node_spec_acronyms() -> None:
    manifest = copy.deepcopy(MACHINE)
    node_spec = manifest["spec"]["nodeTemplate"]["spec"]
    node_spec.update({"podCIDR": "100.96.1.0/24", "podCIDRs": ["100.96.1.0/24"], "providerID": PROVIDER_ID})
    machine = Machine.parse(manifest)
    assert machine.spec is not None
    assert machine.spec.node_template is not None
    assert machine.spec.node_template.spec is not None
    assert machine.spec.node_template.spec.pod_cidr == "100.96.1.0/24"
    assert machine.spec.node_template.spec.pod_cidrs == ["100.96.1.0/24"]
    assert machine.dump() == manifest


def test_machine_spec_carries_class_and_timeouts_inline() -> None:
    machine = Machine.parse(copy.deepcopy(MACHINE))
    assert machine.spec is not None
    assert machine.spec.class_ is not None
    assert machine.spec.class_.name == CLASS_NAME
    assert machine.spec.drain_timeout == "2h0m0s"
    assert machine.spec.max_evict_retries == 30
    assert machine.status is not None
    assert machine.status.current_status is not None
    assert machine.status.current_status.phase == "Running"


def test_machine_class_fields_are_top_level() -> None:
    machine_class = MachineClass.parse(copy.deepcopy(MACHINE_CLASS))
    assert machine_class.provider == "AWS"
    assert machine_class.provider_spec["machineType"] == "m5.large"
    assert machine_class.node_template is not None
    assert machine_class.node_template.capacity["cpu"] == "2"
    dumped = machine_class.dump()
    assert "spec" not in dumped
    assert "status" not in dumped
    assert {"providerSpec", "secretRef", "credentialsSecretRef", "nodeTemplate", "provider"} <= dumped.keys()
    properties = crd(MachineClass)["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]
    assert "spec" not in properties
    assert "providerSpec" in properties


def test_machine_class_provider_spec_under_spec_is_not_accepted() -> None:
    misplaced = {k: v for k, v in MACHINE_CLASS.items() if k != "providerSpec"}
    misplaced["spec"] = {"providerSpec": MACHINE_CLASS["providerSpec"]}
    with pytest.raises(ValidationError, match="providerSpec"):
        MachineClass.parse(misplaced)


@pytest.mark.parametrize(
    ("kind", "manifest", "path"),
    [
        pytest.param(MachineClass, MACHINE_CLASS, ("providerSpec",), id="machineclass-provider-spec"),
        pytest.param(MachineClass, MACHINE_CLASS, ("nodeTemplate", "zone"), id="machineclass-node-template-zone"),
        pytest.param(MachineDeployment, MACHINE_DEPLOYMENT, ("spec", "template"), id="machinedeployment-template"),
        pytest.param(
            MachineDeployment, MACHINE_DEPLOYMENT, ("status", "conditions", 0, "status"), id="condition-status"
        ),
        pytest.param(MachineSet, MACHINE_SET, ("status", "machineSetCondition", 0, "type"), id="set-condition-type"),
        pytest.param(Machine, MACHINE, ("status", "conditions", 0, "type"), id="node-condition-type"),
        pytest.param(
            Machine, MACHINE, ("spec", "nodeTemplate", "spec", "taints", 0, "effect"), id="node-template-taint-effect"
        ),
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
        pytest.param(Machine, MACHINE, ("status", "currentStatus", "phase"), "Booting", id="machine-phase"),
        pytest.param(Machine, MACHINE, ("status", "lastOperation", "state"), "Done", id="operation-state"),
        pytest.param(MachineDeployment, MACHINE_DEPLOYMENT, ("spec", "strategy", "type"), "BlueGreen", id="strategy"),
    ],
)
def test_closed_sets_reject_unknown_values(
    kind: type[Resource], manifest: dict[str, Any], path: tuple[str, ...], value: str
) -> None:
    broken = copy.deepcopy(manifest)
    parent: Any = broken
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    with pytest.raises(ValidationError):
        kind.parse(broken)


def test_spec_and_status_are_optional_as_upstream() -> None:
    machine = Machine.parse({"metadata": {"name": MACHINE_NAME, "namespace": NAMESPACE}})
    assert machine.spec is None
    assert machine.dump() == {
        "apiVersion": API_VERSION,
        "kind": "Machine",
        "metadata": {"name": MACHINE_NAME, "namespace": NAMESPACE},
    }


@pytest.mark.parametrize(
    ("kind", "plural", "short_names", "status", "scaled"),
    [
        (MachineClass, "machineclasses", ("mcc",), False, False),
        (MachineDeployment, "machinedeployments", ("mcd",), True, True),
        (MachineSet, "machinesets", ("mcs",), True, True),
        (Machine, "machines", ("mc",), True, False),
    ],
    ids=IDS,
)
def test_kind_info_matches_upstream_crd(
    kind: type[Resource], plural: str, short_names: tuple[str, ...], status: bool, scaled: bool
) -> None:
    info = resource_kind(kind)
    assert info.api_version == API_VERSION
    assert info.kind == kind.KIND == kind.__name__
    assert info.plural == plural
    assert info.namespaced
    assert info.short_names == short_names
    assert info.status is status
    assert info.description
    subresources = crd(kind)["spec"]["versions"][0].get("subresources", {})
    if scaled:
        assert subresources["scale"] == {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}
    else:
        assert "scale" not in subresources


def test_machine_printer_columns() -> None:
    columns = {c.name: c for c in resource_kind(Machine).printer_columns}
    assert columns["Status"].json_path == ".status.currentStatus.phase"
    assert columns["Node"].json_path == ".metadata.labels.node"
    assert columns["ProviderID"].json_path == ".spec.providerID"
    assert columns["ProviderID"].priority == 1


def test_machine_deployment_crd_marks_int_or_string() -> None:
    spec = crd(MachineDeployment)["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    rolling = spec["properties"]["strategy"]["properties"]["rollingUpdate"]["properties"]
    assert rolling["maxSurge"]["x-kubernetes-int-or-string"] is True
    assert spec["required"] == ["template"]
