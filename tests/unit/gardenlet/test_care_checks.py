"""The care checks and the shoot selection, from objects (no server)."""

from __future__ import annotations

from typing import Any

from gardenlet.controllers.care import checks
from gardenlet.controllers.care.controller import care_skip_reason, condition_types, hibernated, on_seed


def deployment(name: str, ready: int, replicas: int = 1) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "generation": 1},
        "spec": {"replicas": replicas},
        "status": {
            "observedGeneration": 1,
            "replicas": replicas,
            "updatedReplicas": replicas,
            "readyReplicas": ready,
            "availableReplicas": ready,
        },
    }


def extension(kind: str, state: str, error: str = "") -> dict[str, Any]:
    status: dict[str, Any] = {"lastOperation": {"type": "Reconcile", "state": state}}
    if error:
        status["lastError"] = {"description": error, "codes": ["ERR_INFRA_QUOTA_EXCEEDED"]}
    return {"kind": kind, "metadata": {"name": "s"}, "status": status}


def node(name: str, ready: bool) -> dict[str, Any]:
    condition = {"type": "Ready", "status": "True" if ready else "False", "message": "kubelet stopped posting"}
    return {"metadata": {"name": name}, "status": {"conditions": [condition]}}


def test_api_server_healthy_only_when_every_endpoint_answers_200() -> None:
    ok = checks.ProbeResult("/healthz", 200, "ok")
    assert checks.api_server("https://s", [ok, checks.ProbeResult("/livez", 200, "ok")]).outcome == "healthy"
    failed = checks.api_server("https://s", [ok, checks.ProbeResult("/livez", 500, "[-]etcd failed")])
    assert (failed.outcome, failed.reason) == ("failed", "HealthzRequestFailed")
    assert "500" in failed.message and "etcd failed" in failed.message
    refused = checks.api_server("https://s", [checks.ProbeResult("/healthz", 0, "ConnectionRefusedError")])
    assert refused.reason == "HealthzRequestError" and "https://s" in refused.message


def test_control_plane_needs_the_api_server_and_ready_workloads() -> None:
    missing = checks.control_plane({"Deployment": [], "StatefulSet": []}, [])
    assert (missing.outcome, missing.reason) == ("failed", "DeploymentMissing")
    unready = checks.control_plane(
        {"Deployment": [deployment("kube-apiserver", 1)], "StatefulSet": [deployment("etcd-main", 0)]}, []
    )
    assert unready.reason == "StatefulSetUnhealthy" and "etcd-main" in unready.message
    healthy = checks.control_plane({"Deployment": [deployment("kube-apiserver", 1)], "StatefulSet": []}, [])
    assert healthy.outcome == "healthy"


def test_control_plane_reports_an_extension_resource_that_did_not_succeed() -> None:
    workloads = {"Deployment": [deployment("kube-apiserver", 1)]}
    found = checks.control_plane(workloads, [extension("Infrastructure", "Error", "quota exceeded")])
    assert found.reason == "ExtensionResourceUnhealthy"
    assert "Infrastructure s is Error: quota exceeded" in found.message
    assert found.codes == ("ERR_INFRA_QUOTA_EXCEEDED",)
    assert checks.control_plane(workloads, [extension("Worker", "Succeeded")]).outcome == "healthy"


def test_every_node_ready_counts_against_the_machines() -> None:
    assert checks.every_node([node("a", True), node("b", True)], 2).outcome == "healthy"
    assert checks.every_node([node("a", True)], 2).reason == "MissingNodes"
    assert checks.every_node([node("a", True), node("b", True)], 1).reason == "TooManyNodes"
    unhealthy = checks.every_node([node("a", True), node("b", False)], 2)
    assert unhealthy.reason == "NodeUnhealthy" and "b" in unhealthy.message


def test_system_components() -> None:
    assert checks.system_components({"Deployment": [deployment("coredns", 2, 2)]}).outcome == "healthy"
    found = checks.system_components({"Deployment": [deployment("coredns", 1, 2)]})
    assert found.reason == "DeploymentUnhealthy" and "coredns" in found.message


def test_a_webhook_failing_closed_on_pods_blocks_hibernation_and_maintenance() -> None:
    webhook = {
        "name": "policy.example.com",
        "failurePolicy": "Fail",
        "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["pods"]}],
    }
    configuration = {"kind": "ValidatingWebhookConfiguration", "metadata": {"name": "policy"}, "webhooks": [webhook]}
    blocked = checks.constraints([configuration])
    assert {c.type: c.outcome for c in blocked} == {
        "HibernationPossible": "failed",
        "MaintenancePreconditionsSatisfied": "failed",
    }
    assert "policy/policy.example.com" in blocked[0].message
    assert blocked[0].codes == ("ERR_PROBLEMATIC_WEBHOOK",)
    ignoring = {**configuration, "webhooks": [{**webhook, "failurePolicy": "Ignore"}]}
    assert {c.outcome for c in checks.constraints([ignoring])} == {"healthy"}
    other = {**webhook, "rules": [{"apiGroups": ["apps"], "operations": ["*"], "resources": ["deployments"]}]}
    assert {c.outcome for c in checks.constraints([{**configuration, "webhooks": [other]}])} == {"healthy"}


def shoot(**status: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "s", "namespace": "garden-dev"},
        "spec": {"seedName": "local", "provider": {"workers": [{"name": "w"}]}},
        "status": status,
    }


def test_which_shoots_the_care_controller_checks() -> None:
    succeeded = {"type": "Create", "state": "Succeeded"}
    assert care_skip_reason(shoot(technicalID="shoot--dev--s", lastOperation=succeeded)) is None
    reconciling = {"type": "Reconcile", "state": "Processing"}
    assert care_skip_reason(shoot(technicalID="shoot--dev--s", lastOperation=reconciling)) is None
    creating = {"type": "Create", "state": "Processing"}
    assert care_skip_reason(shoot(technicalID="shoot--dev--s", lastOperation=creating)) == "being created"
    deleting = {"type": "Delete", "state": "Processing"}
    assert care_skip_reason(shoot(technicalID="shoot--dev--s", lastOperation=deleting)) == "being deleted"
    assert care_skip_reason(shoot(lastOperation=succeeded)) == "no seed namespace yet"


def test_seed_membership_hibernation_and_workerless_types() -> None:
    assert on_seed(shoot(), "local") and not on_seed(shoot(seedName="other"), "local")  # status wins once set
    hibernating = shoot()
    hibernating["spec"]["hibernation"] = {"enabled": True}
    assert hibernated(hibernating) and hibernated(shoot(hibernated=True)) and not hibernated(shoot())
    workerless = shoot()
    workerless["spec"]["provider"]["workers"] = []
    assert "EveryNodeReady" not in condition_types(workerless)
    assert "EveryNodeReady" in condition_types(shoot())
