"""The user's path on the local provider: ``garden up``, ``kubectl create -f examples/shoot-local.yaml``, a usable
cluster through gardenctl, hibernation, wake-up, and deletion with confirmation.

The tests run in file order on one landscape and one shoot, each step starting where the last one left it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import EXAMPLES, GardenUp, conditions, healthy, processes_naming, succeeded
from tests.integration.server import BIN
from tests.integration.waiting import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

SHOOT = "local"
TECHNICAL_ID = "shoot--dev--local"


def wait_shoot(
    scape: GardenUp, probe: Callable[[dict[str, Any] | None], bool], what: str, timeout: float = 240
) -> dict[str, Any] | None:
    """The shoot once ``probe`` accepts it (None: it is gone), failing with its status and the gardenlet's log."""

    def check() -> tuple[dict[str, Any] | None] | None:
        shoot = scape.shoot(SHOOT)
        return (shoot,) if probe(shoot) else None

    try:
        return wait_for(check, what, timeout=timeout, interval=1.0)[0]
    except AssertionError as exc:
        shoot = scape.shoot(SHOOT) or {}
        raise AssertionError(
            f"{exc}\nshoot status: {shoot.get('status')}\n--- gardenlet ---\n{scape.logs('gardenlet')}"
        ) from None


def control_plane_processes() -> list[str]:
    """Processes run for the shoot by the seed's kubelet (its pods' directories carry the namespace)."""
    return [" ".join(p.cmdline())[:200] for p in processes_naming(f"{TECHNICAL_ID}_")]


def test_garden_up_is_ready_with_a_project_and_profiles(garden_up: GardenUp) -> None:
    assert "The landscape is ready" in garden_up.tail()
    assert "local" in garden_up.kubectl("get", "cloudprofiles", "-o", "name")
    assert "project.core.gardener.cloud/dev" in garden_up.kubectl("get", "projects", "-o", "name")
    assert "seed.core.gardener.cloud/local" in garden_up.kubectl("get", "seeds", "-o", "name")


def test_a_second_garden_up_says_one_runs(garden_up: GardenUp) -> None:
    result = garden_up.completed(str(BIN / "garden"), "up", "--state-dir", str(garden_up.state))
    assert result.returncode == 1
    assert "already running" in result.stdout + result.stderr


def test_created_shoot_succeeds_with_every_condition_true(garden_up: GardenUp) -> None:
    garden_up.kubectl("create", "-f", str(EXAMPLES / "shoot-local.yaml"))
    shoot = wait_shoot(garden_up, healthy, "the shoot to be created with every condition True")
    assert shoot is not None
    assert shoot["spec"]["seedName"] == "local"
    assert set(conditions(shoot)) >= {"APIServerAvailable", "ControlPlaneHealthy", "EveryNodeReady"}


def test_gardenctl_kubeconfig_reaches_the_shoot(garden_up: GardenUp) -> None:
    kubeconfig = garden_up.shoot_kubeconfig(SHOOT)
    nodes = garden_up.kubectl("get", "nodes", "--no-headers", kubeconfig=kubeconfig)
    assert nodes.strip() and all(" Ready" in line for line in nodes.strip().splitlines()), nodes
    garden_up.kubectl("create", "namespace", "e2e", kubeconfig=kubeconfig)
    garden_up.kubectl("create", "configmap", "kept", "-n", "e2e", "--from-literal=answer=42", kubeconfig=kubeconfig)


def test_hibernation_stops_the_control_plane(garden_up: GardenUp) -> None:
    garden_up.gardenctl("hibernate", SHOOT, "--project", "dev")
    shoot = wait_shoot(
        garden_up,
        lambda s: succeeded(s) and (s.get("status") or {}).get("hibernated") is True,
        "the shoot to say it is hibernated",
    )
    assert shoot is not None
    assert shoot["spec"]["hibernation"]["enabled"] is True
    wait_for(lambda: not control_plane_processes(), "the control plane's processes to be gone", timeout=60)
    assert "kube-apiserver" not in garden_up.seed_kubectl("get", "pods", "-n", TECHNICAL_ID, "--no-headers")


def test_wake_up_keeps_the_data(garden_up: GardenUp) -> None:
    garden_up.gardenctl("wake-up", SHOOT, "--project", "dev")
    wait_shoot(
        garden_up,
        lambda s: healthy(s) and not (s.get("status") or {}).get("hibernated"),
        "the shoot to be awake with every condition True",
    )
    kubeconfig = garden_up.shoot_kubeconfig(SHOOT)
    answer = garden_up.kubectl(
        "get", "configmap", "kept", "-n", "e2e", "-o", "jsonpath={.data.answer}", kubeconfig=kubeconfig
    )
    assert answer == "42"


def test_deletion_leaves_nothing_behind(garden_up: GardenUp) -> None:
    garden_up.gardenctl("delete", "shoot", SHOOT, "--project", "dev", "--yes")
    wait_shoot(garden_up, lambda s: s is None, "the shoot to be deleted")
    namespaces = garden_up.seed_kubectl("get", "namespaces", "-o", "name")
    assert TECHNICAL_ID not in namespaces
    wait_for(lambda: not control_plane_processes(), "the shoot's processes to be gone", timeout=60)
    assert garden_up.seed_kubectl("get", "pods", "-A", "--no-headers").strip() == ""
