"""The shoot controller on the embedded landscape: a local shoot is created, used, hibernated, woken and deleted.

Real processes throughout: the garden API server with its scheduler and controller-manager, a seed (kubelite API
server and kubelet), ``gardenlet extensions --providers local`` and the gardenlet. The shoot's control plane runs
as processes of the seed's kubelet (``controlPlane.storage: sqlite``: its kube-apiserver is ``kubelite apiserver``)
and its nodes are simulated kubelets the local provider runs as pods.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from garden.kube import SHOOTS
from kubelite.client import NAMESPACES, PODS
from providers.extensions.resources import CONTROLPLANES
from tests.integration.landscape import PROJECT_NAMESPACE, Landscape, LandscapeOptions
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.timeout(600)

LANDSCAPE = LandscapeOptions(gardenlet=True, gardenlet_config={"controlPlane": {"storage": "sqlite"}})
ROOT = Path(__file__).resolve().parents[3]
SHOOT = "local"


def shoot_manifest(name: str = SHOOT) -> dict[str, Any]:
    manifest = yaml.safe_load((ROOT / "examples" / "shoot-local.yaml").read_text())
    manifest["metadata"]["name"] = name
    return manifest


def get_shoot(scape: Landscape, name: str = SHOOT) -> dict[str, Any] | None:
    return scape.garden_kube.get(SHOOTS, PROJECT_NAMESPACE, name)


def last_operation(shoot: dict[str, Any]) -> dict[str, Any]:
    return ((shoot.get("status") or {}).get("lastOperation")) or {}


def wait_operation(scape: Landscape, kind: str, name: str = SHOOT, timeout: float = 240) -> dict[str, Any]:
    """Until the shoot's last operation is ``kind`` and Succeeded for its current generation."""
    seen: dict[str, Any] = {}

    def done() -> bool:
        shoot = get_shoot(scape, name)
        assert shoot is not None, "the shoot is gone"
        seen["shoot"] = shoot
        last = last_operation(shoot)
        assert last.get("state") != "Failed", f"the operation failed: {shoot['status']}"
        status = shoot.get("status") or {}
        return (
            last.get("type") == kind
            and last.get("state") == "Succeeded"
            and status.get("observedGeneration") == shoot["metadata"]["generation"]
        )

    try:
        wait_for(done, f"{kind} of shoot {name} to succeed", timeout=timeout)
    except AssertionError as exc:
        raise AssertionError(
            f"{exc}\nlast status: {json.dumps(seen.get('shoot', {}).get('status'))}\n{scape.logs()}"
        ) from None
    return seen["shoot"]


def admin_kubeconfig(scape: Landscape, name: str = SHOOT) -> str:
    request = {
        "apiVersion": "authentication.gardener.cloud/v1alpha1",
        "kind": "AdminKubeconfigRequest",
        "spec": {"expirationSeconds": 600},
    }
    path = SHOOTS.item(PROJECT_NAMESPACE, name, "adminkubeconfig")
    answer = scape.garden_kube.request("POST", path, request)
    return base64.b64decode(answer["status"]["kubeconfig"]).decode()


def check_whole_control_plane(scape: Landscape, namespace: str, kubeconfig: str, node: str) -> None:
    """The embedded seed runs the whole control plane: kube-controller-manager and kube-scheduler as processes,
    the system components' pods on the simulated node, the ControlPlane extension object; each identity in the
    shoot may do what it needs and no more."""
    running = {
        p["metadata"]["labels"].get("role")
        for p in scape.seed_kube.list(PODS, namespace)
        if (p.get("status") or {}).get("phase") == "Running"
    }
    assert {"apiserver", "controller-manager", "scheduler"} <= running, running
    control_plane = scape.seed_kube.get(CONTROLPLANES, namespace, SHOOT)
    assert control_plane is not None
    assert control_plane["status"]["lastOperation"]["state"] == "Succeeded"
    assert control_plane["status"]["providerStatus"]["machinesNamespace"] == namespace

    # CoreDNS and metrics-server were rolled out by the shoot's controller-manager, bound by its scheduler to the
    # simulated node, and reported running by it.
    pods = json.loads(scape.kubectl_shoot(kubeconfig, "-n", "kube-system", "get", "pods", "-o", "json").stdout)
    placed = {p["metadata"]["labels"].get("k8s-app"): p for p in pods["items"]}
    for app in ("kube-dns", "metrics-server"):
        assert app in placed, sorted(placed)
        assert placed[app]["spec"]["nodeName"] == node
        assert placed[app]["status"]["phase"] == "Running"

    def condition(shoot: dict[str, Any], kind: str) -> str:
        found = [c for c in shoot["status"].get("conditions") or [] if c["type"] == kind]
        return str(found[0]["status"]) if found else "missing"

    wait_for(
        lambda: condition(get_shoot(scape) or {"status": {}}, "SystemComponentsHealthy") == "True",
        "SystemComponentsHealthy to be True",
        timeout=60,
    )

    def can(user: str, *args: str, groups: tuple[str, ...] = ()) -> bool:
        flags = [f"--as-group={g}" for g in groups]
        answer = scape.kubectl_shoot(kubeconfig, "auth", "can-i", *args, f"--as={user}", *flags, check=False)
        return answer.stdout.strip() == "yes"

    mcm = "system:machine-controller-manager"
    assert can(mcm, "delete", "nodes") and can(mcm, "create", "pods", "--subresource=eviction")
    assert can(mcm, "create", "secrets", "-n", "kube-system")
    assert not can(mcm, "get", "secrets", "-n", "default") and not can(mcm, "create", "deployments")
    kcm = "system:kube-controller-manager"
    assert can(kcm, "create", "replicasets", "-n", "kube-system") and can(kcm, "list", "pods", "-A")
    assert not can(kcm, "create", "clusterrolebindings")
    scheduler = "system:kube-scheduler"
    assert can(scheduler, "create", "pods", "--subresource=binding", "-n", "kube-system")
    assert not can(scheduler, "create", "deployments", "-n", "kube-system")
    machines = ("system:bootstrappers:kubelite:machines", "system:authenticated")
    machine = "system:bootstrap:abcdef"
    assert can(machine, "patch", "nodes", "--subresource=status", groups=machines)
    assert not can(machine, "create", "clusterroles", groups=machines)


def test_create_use_hibernate_wake_delete(landscape: Landscape) -> None:
    scape = landscape
    scape.apply_garden(shoot_manifest())
    shoot = wait_operation(scape, "Create")
    status = shoot["status"]
    namespace = f"shoot--dev--{SHOOT}"
    assert status["technicalID"] == namespace
    assert status["hibernated"] is False
    assert status["advertisedAddresses"][0]["url"].startswith("https://")
    assert "gardener" in shoot["metadata"]["finalizers"]

    kubeconfig = admin_kubeconfig(scape)
    nodes = scape.kubectl_shoot(kubeconfig, "get", "nodes", "-o", "name").stdout.split()
    assert len(nodes) == 1, nodes
    scape.kubectl_shoot(kubeconfig, "create", "configmap", "kept", "--from-literal=data=survives")
    check_whole_control_plane(scape, namespace, kubeconfig, nodes[0].removeprefix("node/"))

    # Hibernate: the workers go, then the control plane; the data stays.
    scape.garden_kube.patch(SHOOTS, PROJECT_NAMESPACE, SHOOT, {"spec": {"hibernation": {"enabled": True}}})
    shoot = wait_operation(scape, "Reconcile")
    assert shoot["status"]["hibernated"] is True
    pods = scape.seed_kube.list(PODS, namespace)
    assert pods == [], [p["metadata"]["name"] for p in pods]

    # Wake up: everything comes back in order, with the ConfigMap.
    scape.garden_kube.patch(SHOOTS, PROJECT_NAMESPACE, SHOOT, {"spec": {"hibernation": {"enabled": False}}})
    shoot = wait_operation(scape, "Reconcile")
    assert shoot["status"]["hibernated"] is False
    kubeconfig = admin_kubeconfig(scape)
    data = scape.kubectl_shoot(kubeconfig, "get", "configmap", "kept", "-o", "jsonpath={.data.data}").stdout
    assert data == "survives"

    # Delete: nothing of the shoot stays in the seed, and the Shoot goes.
    scape.garden_kube.patch(
        SHOOTS,
        PROJECT_NAMESPACE,
        SHOOT,
        {"metadata": {"annotations": {"confirmation.gardener.cloud/deletion": "true"}}},
    )
    scape.garden_kube.delete(SHOOTS, PROJECT_NAMESPACE, SHOOT)
    wait_for(lambda: get_shoot(scape) is None, "the shoot to be deleted", timeout=240)
    assert scape.seed_kube.get(NAMESPACES, None, namespace) is None
    assert [p for p in scape.seed_kube.list(PODS) if p["metadata"]["namespace"] == namespace] == []
