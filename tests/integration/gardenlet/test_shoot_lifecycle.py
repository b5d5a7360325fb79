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
