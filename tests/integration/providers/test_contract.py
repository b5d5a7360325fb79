"""The provider contract: every provider, driven only through extension resources, makes and removes what they
describe, reports how it went in their status, and leaves nothing tagged for the shoot after a delete."""

from __future__ import annotations

from typing import Any

import pytest

from kubelite.client import NODES, SECRETS, Kube, Resource
from providers.extensions.resources import (
    BACKUPBUCKETS,
    BACKUPENTRIES,
    CONTROLPLANES,
    DNSRECORDS,
    INFRASTRUCTURES,
    MACHINES,
    OPERATINGSYSTEMCONFIGS,
    WORKERS,
)
from tests.integration.providers.conftest import (
    CREDENTIALS_SECRET,
    PROVIDERS,
    PROVIDERS_WITH_DNS_AND_BACKUP,
    Landscape,
    ProviderCase,
)
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

API = "extensions.gardener.cloud/v1alpha1"


def create(kube: Kube, resource: Resource, kind: str, namespace: str | None, name: str, spec: dict[str, Any]) -> None:
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    kube.create(resource, namespace, {"apiVersion": API, "kind": kind, "metadata": meta, "spec": spec})


def last_operation(kube: Kube, resource: Resource, namespace: str | None, name: str) -> dict[str, Any]:
    obj = kube.get(resource, namespace, name) or {}
    return ((obj.get("status") or {}).get("lastOperation")) or {}


def wait_state(
    kube: Kube, resource: Resource, namespace: str | None, name: str, state: str, timeout: float = 30
) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        obj = kube.get(resource, namespace, name)
        if obj and ((obj.get("status") or {}).get("lastOperation") or {}).get("state") == state:
            return obj
        return None

    return wait_for(
        probe,
        f"{resource.plural} {name} to be {state} (last: {last_operation(kube, resource, namespace, name)})",
        timeout,
    )


def delete_and_wait(kube: Kube, resource: Resource, namespace: str | None, name: str, timeout: float = 60) -> None:
    kube.delete(resource, namespace, name)
    wait_for(lambda: kube.get(resource, namespace, name) is None, f"{resource.plural} {name} to be gone", timeout)


def secret_ref(namespace: str) -> dict[str, str]:
    return {"name": CREDENTIALS_SECRET, "namespace": namespace}


def test_infrastructure_is_made_reconciled_on_request_and_removed(
    landscape: Landscape, provider_case: ProviderCase, technical_id: str
) -> None:
    seed = landscape.seed_kube
    spec = {"type": provider_case.name, "region": provider_case.region, "secretRef": secret_ref(technical_id)}
    create(seed, INFRASTRUCTURES, "Infrastructure", technical_id, "infra", spec)
    infra = wait_state(seed, INFRASTRUCTURES, technical_id, "infra", "Succeeded")
    assert "extensions.gardener.cloud/infrastructure" in infra["metadata"]["finalizers"]
    status = infra["status"]
    assert status["lastOperation"]["type"] == "Create"
    assert status["lastOperation"]["progress"] == 100
    assert status["observedGeneration"] == infra["metadata"]["generation"]
    assert status["providerStatus"]["kind"] == "InfrastructureStatus"
    assert status.get("nodesCIDR")
    assert provider_case.inventory(technical_id), "the infrastructure made nothing tagged for the shoot"

    seed.patch(
        INFRASTRUCTURES, technical_id, "infra", {"metadata": {"annotations": {"gardener.cloud/operation": "reconcile"}}}
    )

    def reconciled() -> bool:
        obj = seed.get(INFRASTRUCTURES, technical_id, "infra") or {}
        annotations = obj["metadata"].get("annotations") or {}
        last = obj["status"]["lastOperation"]
        return (
            "gardener.cloud/operation" not in annotations
            and last["type"] == "Reconcile"
            and last["state"] == "Succeeded"
        )

    wait_for(reconciled, "the requested reconcile to run and its annotation to go")
    delete_and_wait(seed, INFRASTRUCTURES, technical_id, "infra")
    assert provider_case.inventory(technical_id) == []


def test_a_bad_config_fails_without_retries_until_the_spec_is_fixed(
    landscape: Landscape, provider_case: ProviderCase, technical_id: str
) -> None:
    seed = landscape.seed_kube
    spec = {
        "type": provider_case.name,
        "region": provider_case.region,
        "secretRef": secret_ref(technical_id),
        "providerConfig": provider_case.invalid_infrastructure_config,
    }
    create(seed, INFRASTRUCTURES, "Infrastructure", technical_id, "bad", spec)
    failed = wait_state(seed, INFRASTRUCTURES, technical_id, "bad", "Failed")
    assert failed["status"]["lastError"]["codes"] == ["ERR_CONFIGURATION_PROBLEM"]
    assert "providerConfig" in failed["status"]["lastError"]["description"]
    seed.patch(INFRASTRUCTURES, technical_id, "bad", {"spec": {"providerConfig": None}})
    fixed = wait_state(seed, INFRASTRUCTURES, technical_id, "bad", "Succeeded")
    assert fixed["status"].get("lastError") is None
    delete_and_wait(seed, INFRASTRUCTURES, technical_id, "bad")
    assert provider_case.inventory(technical_id) == []


@pytest.mark.parametrize("provider_case", PROVIDERS_WITH_DNS_AND_BACKUP, indirect=True)
def test_dns_records_and_backups_come_and_go(
    landscape: Landscape, provider_case: ProviderCase, technical_id: str
) -> None:
    seed = landscape.seed_kube
    record = {
        "type": provider_case.name,
        "secretRef": secret_ref(technical_id),
        "name": f"api.{technical_id}.example.com",
        "recordType": "A",
        "values": ["10.0.0.1"],
    }
    create(seed, DNSRECORDS, "DNSRecord", technical_id, "api", record)
    wait_state(seed, DNSRECORDS, technical_id, "api", "Succeeded")
    bucket = {"type": provider_case.name, "region": provider_case.region, "secretRef": secret_ref(technical_id)}
    create(seed, BACKUPBUCKETS, "BackupBucket", None, f"{technical_id}-bucket", bucket)
    wait_state(seed, BACKUPBUCKETS, None, f"{technical_id}-bucket", "Succeeded")
    entry = {**bucket, "bucketName": f"{technical_id}-bucket"}
    create(seed, BACKUPENTRIES, "BackupEntry", None, f"{technical_id}--uid", entry)
    wait_state(seed, BACKUPENTRIES, None, f"{technical_id}--uid", "Succeeded")
    assert provider_case.inventory(technical_id)
    delete_and_wait(seed, BACKUPENTRIES, None, f"{technical_id}--uid")
    delete_and_wait(seed, BACKUPBUCKETS, None, f"{technical_id}-bucket")
    delete_and_wait(seed, DNSRECORDS, technical_id, "api")
    assert provider_case.inventory(technical_id) == []


@pytest.mark.parametrize(
    "provider_case", [p for p in PROVIDERS if p not in PROVIDERS_WITH_DNS_AND_BACKUP], indirect=True
)
def test_a_dns_record_of_a_provider_without_dns_fails_clearly_and_goes(
    landscape: Landscape, provider_case: ProviderCase, technical_id: str
) -> None:
    seed = landscape.seed_kube
    record = {
        "type": provider_case.name,
        "secretRef": secret_ref(technical_id),
        "name": f"api.{technical_id}.example.com",
        "recordType": "A",
        "values": ["10.0.0.1"],
    }
    create(seed, DNSRECORDS, "DNSRecord", technical_id, "api", record)
    failed = wait_state(seed, DNSRECORDS, technical_id, "api", "Failed")
    assert failed["status"]["lastError"]["codes"] == ["ERR_CONFIGURATION_PROBLEM"]
    assert "has no DNS actuator" in failed["status"]["lastError"]["description"]
    delete_and_wait(seed, DNSRECORDS, technical_id, "api")


def test_a_control_plane_succeeds_with_a_provider_status_and_goes(
    landscape: Landscape, provider_case: ProviderCase, technical_id: str
) -> None:
    seed = landscape.seed_kube
    spec = {"type": provider_case.name, "region": provider_case.region, "secretRef": secret_ref(technical_id)}
    create(seed, CONTROLPLANES, "ControlPlane", technical_id, "cp", spec)
    control_plane = wait_state(seed, CONTROLPLANES, technical_id, "cp", "Succeeded")
    assert "extensions.gardener.cloud/controlplane" in control_plane["metadata"]["finalizers"]
    assert control_plane["status"]["providerStatus"]["kind"] == "ControlPlaneStatus"
    assert control_plane["status"]["observedGeneration"] == control_plane["metadata"]["generation"]
    delete_and_wait(seed, CONTROLPLANES, technical_id, "cp")
    assert provider_case.inventory(technical_id) == []


def pool(provider_case: ProviderCase, machine_type: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": "cpu",
        "machineType": machine_type,
        "machineImage": provider_case.image,
        "volume": {"type": provider_case.volume_type, "size": "20Gi"},
        "minimum": 2,
        "maximum": 3,
        "maxSurge": 1,
        "maxUnavailable": 0,
        "zones": list(provider_case.zones),
        "userDataSecretRef": {"name": "osc-result-cloud-config-cpu", "key": "cloud_config"},
        "labels": {"pool": "cpu"},
        **extra,
    }


def ready_nodes(shoot: Kube) -> dict[str, dict[str, Any]]:
    found = {}
    for node in shoot.list(NODES):
        conditions = {c["type"]: c["status"] for c in node.get("status", {}).get("conditions") or []}
        if conditions.get("Ready") == "True" and not node["spec"].get("unschedulable"):
            found[node["spec"].get("providerID", "")] = node
    return found


def test_a_worker_boots_nodes_that_join_rolls_them_and_removes_them(
    landscape: Landscape, provider_case: ProviderCase, technical_id: str
) -> None:
    seed, shoot = landscape.seed_kube, landscape.shoot_kube
    osc = {"type": "ubuntu", "purpose": "provision", "units": [{"name": "kubelet.service", "command": "start"}]}
    create(seed, OPERATINGSYSTEMCONFIGS, "OperatingSystemConfig", technical_id, "cloud-config-cpu", osc)
    rendered = wait_state(seed, OPERATINGSYSTEMCONFIGS, technical_id, "cloud-config-cpu", "Succeeded")
    assert rendered["status"]["cloudConfig"]["secretRef"]["name"] == "osc-result-cloud-config-cpu"
    tokens = [s for s in shoot.list(SECRETS, "kube-system") if s.get("type") == "bootstrap.kubernetes.io/token"]
    assert tokens, "no bootstrap token was written into the shoot"
    infrastructure = {"type": provider_case.name, "region": provider_case.region, "secretRef": secret_ref(technical_id)}
    create(seed, INFRASTRUCTURES, "Infrastructure", technical_id, "infra", infrastructure)
    infra = wait_state(seed, INFRASTRUCTURES, technical_id, "infra", "Succeeded")

    spec = {
        "type": provider_case.name,
        "region": provider_case.region,
        "secretRef": secret_ref(technical_id),
        "infrastructureProviderStatus": infra["status"]["providerStatus"],
        "pools": [pool(provider_case, provider_case.machine_types[0])],
    }
    create(seed, WORKERS, "Worker", technical_id, "worker", spec)
    worker = wait_state(seed, WORKERS, technical_id, "worker", "Succeeded", timeout=90)
    deployments = {d["name"]: (d["minimum"], d["maximum"]) for d in worker["status"]["machineDeployments"]}
    assert deployments == {f"{technical_id}-cpu-z1": (1, 2), f"{technical_id}-cpu-z2": (1, 1)}
    machines = seed.list(MACHINES, technical_id)
    assert len(machines) == 2
    nodes = ready_nodes(shoot)
    first = {m["spec"]["providerID"] for m in machines}
    assert first <= set(nodes), "every machine's node is Ready in the shoot"
    for provider_id in first:
        labels = nodes[provider_id]["metadata"]["labels"]
        assert labels["worker.gardener.cloud/pool"] == "cpu"
        assert labels["pool"] == "cpu"
    assert {m["status"]["currentStatus"]["phase"] for m in machines} == {"Running"}

    spec["pools"] = [pool(provider_case, provider_case.machine_types[1])]
    seed.patch(WORKERS, technical_id, "worker", {"spec": spec})

    def rolled() -> bool:
        current = seed.list(MACHINES, technical_id)
        obj = seed.get(WORKERS, technical_id, "worker") or {}
        done = (
            obj["status"]["lastOperation"]["state"] == "Succeeded"
            and obj["status"]["observedGeneration"] == obj["metadata"]["generation"]
        )
        ids = {m["spec"].get("providerID") for m in current}
        return done and len(current) == 2 and not ids & first and ids <= set(ready_nodes(shoot))

    wait_for(rolled, "the machines to be replaced by ones of the new class", timeout=120)

    second = {m["spec"]["providerID"] for m in seed.list(MACHINES, technical_id)}
    delete_and_wait(seed, WORKERS, technical_id, "worker", timeout=90)
    assert seed.list(MACHINES, technical_id) == []
    assert not {n["spec"].get("providerID") for n in shoot.list(NODES)} & (first | second), "the nodes were removed"
    delete_and_wait(seed, OPERATINGSYSTEMCONFIGS, technical_id, "cloud-config-cpu")
    delete_and_wait(seed, INFRASTRUCTURES, technical_id, "infra")
    assert provider_case.inventory(technical_id) == []
