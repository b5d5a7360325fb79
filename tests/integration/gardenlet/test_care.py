"""The care controller against the landscape's garden and seed, on a fake clock: a shoot whose control plane is up
gets every condition True; when its API server stops, APIServerAvailable goes Progressing, then False after its
threshold, and the checks that need the shoot turn Unknown.

The shoot's "control plane" is put together by the test: a kube-apiserver Deployment the seed's kubelet runs, a
kubelite API server standing in for the shoot's API server, and the gardenlet's kubeconfig Secret for it, labelled
as the secrets manager labels it. The care reconciler is the real one, called round by round.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from garden.kube import SHOOTS
from gardenlet.config import GardenletConfiguration
from gardenlet.context import GardenletContext
from gardenlet.controllers.care.controller import CareReconciler
from gardenlet.controllers.seed.registration import register
from gardenlet.secrets.manager import LABEL_ISSUED_AT, LABEL_MANAGED_BY, LABEL_NAME, MANAGED_BY
from kubelite.client import DEPLOYMENTS, NAMESPACES, NODES, SECRETS, Kube
from providers.extensions.resources import MACHINES
from tests.fakes.clock import FakeClock
from tests.integration.landscape import PROJECT_NAMESPACE, Landscape, LandscapeOptions, local_gardenlet_config
from tests.integration.server import RunningServer, threaded_server
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

LANDSCAPE = LandscapeOptions(scheduler=False, controller_manager=False, extensions=False)
NAMESPACE = "shoot--dev--care"
THRESHOLD = 30.0


@pytest.fixture(scope="module")
def shoot_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with threaded_server(tmp_path_factory.mktemp("shoot")) as server:
        yield server


@pytest.fixture(scope="module")
def reconciler(landscape: Landscape) -> Iterator[tuple[CareReconciler, FakeClock]]:
    config = GardenletConfiguration.model_validate(
        local_gardenlet_config(
            controllers={"shootCare": {"conditionThresholdsSeconds": {"APIServerAvailable": THRESHOLD}}}
        )
    )
    register(landscape.garden_kube, config.seed_config)
    clock = FakeClock()
    care = CareReconciler(GardenletContext(landscape.garden_kube, landscape.seed_kube, config, clock))
    yield care, clock
    care.close()


def gardener_kubeconfig(server: RunningServer) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "gardener-abc123",
            "namespace": NAMESPACE,
            "labels": {LABEL_MANAGED_BY: MANAGED_BY, LABEL_NAME: "gardener", LABEL_ISSUED_AT: "1"},
        },
        "data": {"kubeconfig": base64.b64encode(server.kubeconfig.read_bytes()).decode()},
    }


def kube_apiserver_deployment() -> dict[str, Any]:
    labels = {"app": "kubernetes", "role": "apiserver"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "kube-apiserver", "namespace": NAMESPACE},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [
                        {
                            "name": "main",
                            "image": "python:3.11",
                            "command": ["python", "-c", "import time; time.sleep(3600)"],
                        }
                    ]
                },
            },
        },
    }


@pytest.fixture(scope="module")
def shoot(landscape: Landscape, shoot_server: RunningServer) -> dict[str, Any]:
    seed = landscape.seed_kube
    seed.create(NAMESPACES, None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})
    seed.create(SECRETS, NAMESPACE, gardener_kubeconfig(shoot_server))
    seed.create(DEPLOYMENTS, NAMESPACE, kube_apiserver_deployment())
    machine = {
        "apiVersion": "machine.sapcloud.io/v1alpha1",
        "kind": "Machine",
        "metadata": {"name": "m1", "namespace": NAMESPACE},
        "spec": {},
    }
    seed.create(MACHINES, NAMESPACE, machine)
    shoot_kube = Kube.from_kubeconfig(shoot_server.kubeconfig)
    node = shoot_kube.create(NODES, None, {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "m1"}})
    node["status"] = {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "ok"}]}
    shoot_kube.update(NODES, None, "m1", node, subresource="status")
    shoot_kube.close()

    manifest = {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "Shoot",
        "metadata": {"name": "care", "namespace": PROJECT_NAMESPACE},
        "spec": {
            "cloudProfile": {"name": "local"},
            "region": "local",
            "secretBindingName": "local",
            "seedName": landscape.seed_name,
            "kubernetes": {"version": "1.37"},
            "networking": {"type": "calico", "nodes": "10.10.0.0/16"},
            "provider": {
                "type": "local",
                "workers": [
                    {"name": "local", "machine": {"type": "local"}, "minimum": 1, "maximum": 1, "zones": ["0"]}
                ],
            },
        },
    }
    landscape.apply_garden(manifest)
    status = {
        "technicalID": NAMESPACE,
        "lastOperation": {"type": "Create", "state": "Succeeded", "progress": 100, "description": "created",
                          "lastUpdateTime": "2026-11-25T12:00:00Z"},
    }  # fmt: skip
    landscape.garden_kube.patch(SHOOTS, PROJECT_NAMESPACE, "care", {"status": status}, subresource="status")
    stored = landscape.garden_kube.get(SHOOTS, PROJECT_NAMESPACE, "care")
    assert stored is not None
    return stored


def conditions(landscape: Landscape, key: str = "conditions") -> dict[str, dict[str, Any]]:
    stored = landscape.garden_kube.get(SHOOTS, PROJECT_NAMESPACE, "care")
    assert stored is not None
    return {c["type"]: c for c in (stored.get("status") or {}).get(key) or []}


def care_once(landscape: Landscape, care: CareReconciler) -> None:
    stored = landscape.garden_kube.get(SHOOTS, PROJECT_NAMESPACE, "care")
    assert stored is not None
    care.care(stored)


def test_a_running_control_plane_is_healthy(
    landscape: Landscape, reconciler: tuple[CareReconciler, FakeClock], shoot: dict[str, Any]
) -> None:
    care, _ = reconciler

    def all_true() -> bool:
        care_once(landscape, care)
        return {c["status"] for c in conditions(landscape).values()} == {"True"}

    try:
        wait_for(all_true, "every condition to be True", timeout=60, interval=0.5)
    except AssertionError:
        raise AssertionError(f"{conditions(landscape)}\n{landscape.logs()}") from None
    found = conditions(landscape)
    assert list(found) == [
        "APIServerAvailable", "ControlPlaneHealthy", "ObservabilityComponentsHealthy", "EveryNodeReady",
        "SystemComponentsHealthy",
    ]  # fmt: skip
    assert found["APIServerAvailable"]["reason"] == "HealthzRequestSucceeded"
    assert found["ControlPlaneHealthy"]["reason"] == "ControlPlaneRunning"
    assert found["EveryNodeReady"]["reason"] == "EveryNodeReady"
    constraints = conditions(landscape, "constraints")
    assert constraints["HibernationPossible"]["status"] == "True"
    assert constraints["MaintenancePreconditionsSatisfied"]["status"] == "True"
    stored = landscape.garden_kube.get(SHOOTS, PROJECT_NAMESPACE, "care")
    assert stored is not None and stored["status"]["lastOperation"]["type"] == "Create"  # untouched


def test_an_api_server_that_stops_answering_turns_false_after_its_threshold(
    landscape: Landscape,
    reconciler: tuple[CareReconciler, FakeClock],
    shoot: dict[str, Any],
    shoot_server: RunningServer,
) -> None:
    care, clock = reconciler
    port = shoot_server.url.rsplit(":", 1)[1]
    dead = shoot_server.kubeconfig.read_text().replace(f":{port}", ":1")  # nothing listens on port 1
    secret = gardener_kubeconfig(shoot_server)
    secret["data"]["kubeconfig"] = base64.b64encode(dead.encode()).decode()
    landscape.seed_kube.update(
        SECRETS, NAMESPACE, secret["metadata"]["name"], {**secret, "metadata": {**secret["metadata"]}}
    )

    clock.advance(timedelta(seconds=5))
    care_once(landscape, care)
    found = conditions(landscape)
    assert found["APIServerAvailable"]["status"] == "Progressing"
    assert found["APIServerAvailable"]["reason"] == "HealthzRequestError"
    assert found["EveryNodeReady"]["status"] == "Unknown"
    assert found["EveryNodeReady"]["reason"] == "APIServerDown"
    assert found["SystemComponentsHealthy"]["status"] == "Unknown"
    assert found["ControlPlaneHealthy"]["status"] == "True"  # the seed side is still fine

    clock.advance(timedelta(seconds=THRESHOLD - 1))
    care_once(landscape, care)
    assert conditions(landscape)["APIServerAvailable"]["status"] == "Progressing"

    clock.advance(timedelta(seconds=2))
    care_once(landscape, care)
    down = conditions(landscape)["APIServerAvailable"]
    assert down["status"] == "False"
    assert down["reason"] == "HealthzRequestError"
    assert "/healthz" in down["message"]
