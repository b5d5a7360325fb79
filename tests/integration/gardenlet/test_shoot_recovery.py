"""The shoot controller under failure: an infrastructure error reaches ``lastErrors`` and clears once fixed; a
gardenlet killed with SIGKILL mid-flow (create and delete, several points) resumes to the same end state."""

from __future__ import annotations

import base64
import signal
from typing import Any

import pytest

from garden.kube import SECRETBINDINGS, SECRETS, SHOOTS
from kubelite.client import NAMESPACES, PODS
from providers.extensions.resources import MACHINES
from tests.integration.gardenlet.test_shoot_lifecycle import (
    get_shoot,
    last_operation,
    shoot_manifest,
    wait_operation,
)
from tests.integration.landscape import PROJECT_NAMESPACE, Landscape, LandscapeOptions
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.timeout(600)

LANDSCAPE = LandscapeOptions(gardenlet=True, gardenlet_config={"controlPlane": {"storage": "sqlite"}})


def kill_gardenlet(scape: Landscape) -> None:
    child = scape.processes["gardenlet"]
    assert child.process is not None and child.running, "the gardenlet is not running"
    child.process.send_signal(signal.SIGKILL)
    child.process.wait(10)


def wait_running(scape: Landscape, name: str, task: str) -> None:
    """Until the shoot's last operation names ``task`` among its running tasks."""

    def running() -> bool:
        shoot = get_shoot(scape, name)
        return shoot is not None and task in str(last_operation(shoot).get("description"))

    wait_for(running, f"task {task!r} of shoot {name} to run", timeout=180, interval=0.02)


def delete_shoot(scape: Landscape, name: str) -> None:
    confirm = {"metadata": {"annotations": {"confirmation.gardener.cloud/deletion": "true"}}}
    scape.garden_kube.patch(SHOOTS, PROJECT_NAMESPACE, name, confirm)
    scape.garden_kube.delete(SHOOTS, PROJECT_NAMESPACE, name)


def assert_nothing_left(scape: Landscape, name: str) -> None:
    namespace = f"shoot--dev--{name}"
    wait_for(lambda: get_shoot(scape, name) is None, f"shoot {name} to be deleted", timeout=240)
    assert scape.seed_kube.get(NAMESPACES, None, namespace) is None
    assert [p for p in scape.seed_kube.list(PODS) if p["metadata"]["namespace"] == namespace] == []


def test_infrastructure_error_shows_with_its_code_and_clears_after_the_fix(landscape: Landscape) -> None:
    scape, name = landscape, "broken"
    garbage = base64.b64encode(b"this: is not a kubeconfig").decode()
    secret: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "broken-credentials", "namespace": PROJECT_NAMESPACE},
        "data": {"kubeconfig": garbage},
    }
    scape.garden_kube.create(SECRETS, PROJECT_NAMESPACE, secret)
    binding = {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "SecretBinding",
        "metadata": {"name": "broken", "namespace": PROJECT_NAMESPACE},
        "provider": {"type": "local"},
        "secretRef": {"name": "broken-credentials"},
    }
    scape.garden_kube.create(SECRETBINDINGS, PROJECT_NAMESPACE, binding)
    manifest = shoot_manifest(name)
    manifest["spec"]["secretBindingName"] = "broken"
    scape.apply_garden(manifest)

    def failed() -> dict[str, Any] | None:
        shoot = get_shoot(scape, name)
        return shoot if shoot is not None and last_operation(shoot).get("state") == "Failed" else None

    shoot = wait_for(failed, "the create to fail", timeout=180)
    errors = shoot["status"]["lastErrors"]
    assert [e["taskID"] for e in errors] == ["Deploying the Infrastructure"], errors
    assert errors[0]["codes"] == ["ERR_CONFIGURATION_PROBLEM"], errors
    assert "kubeconfig" in errors[0]["description"]

    # The fix: real credentials; the user asks for a retry, as with Gardener.
    good = scape.garden_kube.get(SECRETS, PROJECT_NAMESPACE, "local-credentials")
    assert good is not None
    scape.garden_kube.patch(SECRETS, PROJECT_NAMESPACE, "broken-credentials", {"data": good["data"]})
    retry = {"metadata": {"annotations": {"gardener.cloud/operation": "retry"}}}
    scape.garden_kube.patch(SHOOTS, PROJECT_NAMESPACE, name, retry)

    def retried() -> bool:
        shoot = get_shoot(scape, name)
        return shoot is not None and last_operation(shoot).get("state") != "Failed"

    wait_for(retried, "the retry to start", timeout=60)
    shoot = wait_operation(scape, "Create", name)
    assert "lastErrors" not in shoot["status"]
    assert "gardener.cloud/operation" not in (shoot["metadata"].get("annotations") or {})
    delete_shoot(scape, name)
    assert_nothing_left(scape, name)


def test_gardenlet_killed_mid_flow_resumes(landscape: Landscape) -> None:
    scape, name = landscape, "crashy"
    scape.apply_garden(shoot_manifest(name))
    for task in ("Deploying the control plane secrets", "Deploying the kube-apiserver", "Deploying the Worker"):
        wait_running(scape, name, task)
        kill_gardenlet(scape)
        scape.start_gardenlet()
    shoot = wait_operation(scape, "Create", name)
    assert shoot["status"]["hibernated"] is False
    namespace = f"shoot--dev--{name}"
    machines = scape.seed_kube.list(MACHINES, namespace)
    assert len(machines) == 1, [m["metadata"]["name"] for m in machines]
    machine_pods = [p for p in scape.seed_kube.list(PODS, namespace) if p["metadata"]["name"].startswith(namespace)]
    assert len(machine_pods) == 1, [p["metadata"]["name"] for p in machine_pods]

    delete_shoot(scape, name)
    for task in ("Deleting the Worker", "Deleting the shoot namespace"):
        wait_running(scape, name, task)
        kill_gardenlet(scape)
        scape.start_gardenlet()
    assert_nothing_left(scape, name)
