"""The gardenlet's seed controller on the embedded landscape: it registers its Seed, prepares the seed, renews its
Lease; the scheduler then places a shoot on the seed; a stopped gardenlet lets the garden turn the seed Unknown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from garden.api.conditions import parse_time
from garden.controllermanager.seedlifecycle import LEASE_NAMESPACE
from garden.kube import LEASES, NAMESPACES, SEEDS, SHOOTS
from gardenlet.components.kinds import PRIORITYCLASSES
from gardenlet.controllers.seed.system import CUSTOMRESOURCEDEFINITIONS, PRIORITY_CLASSES
from tests.integration.landscape import PROJECT_NAMESPACE, Landscape, LandscapeOptions
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
GRACE = 3.0
LANDSCAPE = LandscapeOptions(
    gardenlet=True,
    resync_seconds=0.5,
    seed_grace_seconds=GRACE,
    gardenlet_config={
        "controllers": {"seed": {"heartbeatSeconds": 0.5, "syncPeriodSeconds": 2}},
        "resources": {"capacity": {"shoots": 10}, "reserved": {"shoots": 2}},
    },
)


def seed(landscape: Landscape) -> dict[str, Any]:
    found = landscape.garden_kube.get(SEEDS, None, landscape.seed_name)
    assert found is not None
    return found


def conditions(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["type"]: c for c in (obj.get("status") or {}).get("conditions") or []}


def test_the_gardenlet_registers_and_prepares_its_seed(landscape: Landscape) -> None:
    def prepared() -> dict[str, Any] | None:
        current = seed(landscape)
        operation = (current.get("status") or {}).get("lastOperation") or {}
        return current if operation.get("state") == "Succeeded" else None

    current = wait_for(prepared, "the seed to be prepared", timeout=30)
    assert current["metadata"]["labels"]["seed.gardener.cloud/purpose"] == "local"
    assert current["spec"]["provider"] == {"type": "local", "region": "local", "zones": ["0", "1", "2"]}
    status = current["status"]
    found = conditions(current)
    assert found["GardenletReady"]["status"] == "True"
    assert found["SeedSystemComponentsHealthy"]["status"] == "True", found["SeedSystemComponentsHealthy"]
    assert status["lastOperation"]["type"] == "Reconcile"
    assert status["lastOperation"]["progress"] == 100
    assert status["gardener"]["name"] == "gardenlet" and status["gardener"]["version"]
    assert status["kubernetesVersion"]
    assert status["capacity"] == {"shoots": "10"} and status["allocatable"] == {"shoots": "8"}
    assert status["observedGeneration"] == current["metadata"]["generation"]

    seed_kube = landscape.seed_kube
    assert seed_kube.get(NAMESPACES, None, "garden") is not None
    for name in PRIORITY_CLASSES:
        assert seed_kube.get(PRIORITYCLASSES, None, name) is not None, name
    assert seed_kube.get(CUSTOMRESOURCEDEFINITIONS, None, "workers.extensions.gardener.cloud") is not None


def test_the_lease_is_renewed(landscape: Landscape) -> None:
    def renew_time() -> Any:
        lease = landscape.garden_kube.get(LEASES, LEASE_NAMESPACE, landscape.seed_name)
        return parse_time(((lease or {}).get("spec") or {}).get("renewTime"))

    first = wait_for(renew_time, "the lease")
    later = wait_for(lambda: (t := renew_time()) is not None and t > first and t, "the lease to be renewed")
    assert later > first
    lease = landscape.garden_kube.get(LEASES, LEASE_NAMESPACE, landscape.seed_name)
    assert lease is not None
    assert lease["spec"]["holderIdentity"] == landscape.seed_name
    assert lease["metadata"]["ownerReferences"][0]["uid"] == seed(landscape)["metadata"]["uid"]


def test_an_edited_seed_spec_is_taken_back(landscape: Landscape) -> None:
    taint = [{"key": "seed.gardener.cloud/protected"}]
    landscape.garden_kube.patch(SEEDS, None, landscape.seed_name, {"spec": {"taints": taint}})
    landscape.garden_kube.patch(SEEDS, None, landscape.seed_name, {"metadata": {"labels": {"team": "infra"}}})
    restored = wait_for(lambda: "taints" not in seed(landscape)["spec"] and seed(landscape), "the taint to go")
    assert restored["metadata"]["labels"]["team"] == "infra"  # labels others set are kept
    assert restored["metadata"]["labels"]["seed.gardener.cloud/purpose"] == "local"


def test_the_scheduler_places_a_shoot_on_the_registered_seed(landscape: Landscape) -> None:
    shoot = yaml.safe_load((ROOT / "examples" / "shoot-local.yaml").read_text())
    shoot["metadata"]["name"] = "placed"
    # Nothing to run here: keep the shoot controller (if built) from starting a control plane for this one.
    shoot["spec"]["hibernation"] = {"enabled": True}
    landscape.apply_garden(shoot)

    def seed_name() -> str | None:
        stored = landscape.garden_kube.get(SHOOTS, PROJECT_NAMESPACE, "placed")
        return ((stored or {}).get("spec") or {}).get("seedName")

    assert wait_for(seed_name, "the shoot to be scheduled", timeout=30) == landscape.seed_name


def test_a_stopped_gardenlet_lets_the_garden_turn_its_seed_unknown(landscape: Landscape) -> None:
    landscape.stop_gardenlet()

    def ready_status() -> str | None:
        condition = landscape.seed_condition("GardenletReady")
        return None if condition is None else str(condition["status"])

    wait_for(lambda: ready_status() == "Unknown", "GardenletReady to turn Unknown", timeout=GRACE + 20)
    condition = landscape.seed_condition("GardenletReady")
    assert condition is not None and condition["reason"] == "SeedStatusUnknown"

    landscape.start_gardenlet()  # waits for GardenletReady True again
    assert ready_status() == "True"
