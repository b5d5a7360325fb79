"""The Seed the gardenlet registers (configuration laid over the stored Seed) and the status it reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gardenlet.config import SeedConfig, SeedResources
from gardenlet.controllers.seed.heartbeat import lease_body
from gardenlet.controllers.seed.registration import _replacing, desired_seed, needs_update
from gardenlet.controllers.seed.status import Preparation, Reporter, capacity, seed_status
from gardenlet.controllers.seed.system import PRIORITY_CLASSES, seed_crds
from tests.fakes.clock import FakeClock

CONFIG = SeedConfig(
    metadata={"name": "local", "labels": {"purpose": "local"}},
    spec={"provider": {"type": "local", "region": "local"}, "networks": {"pods": "10.1.0.0/16"}},
)
REPORTER = Reporter("host", "gardenlet", "1.0.0")


def stored(**extra: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "local", "uid": "u1", "generation": 3, "labels": {"team": "infra", "purpose": "old"}},
        "spec": {"provider": {"type": "local", "region": "local"}, "taints": [{"key": "x"}]},
        "status": {"conditions": []},
        **extra,
    }


def test_the_configuration_owns_the_spec_and_its_labels_others_are_kept() -> None:
    seed = desired_seed(CONFIG, stored())
    assert seed["spec"] == CONFIG.spec
    assert seed["metadata"]["labels"] == {"team": "infra", "purpose": "local"}
    assert seed["metadata"]["uid"] == "u1"
    assert needs_update(seed, stored())
    assert not needs_update(seed, seed)


def test_a_new_seed_has_only_the_configuration() -> None:
    seed = desired_seed(CONFIG, None)
    assert seed["metadata"] == {"name": "local", "labels": {"purpose": "local"}}
    assert "status" not in seed


def test_the_spec_patch_removes_what_the_configuration_dropped() -> None:
    old = {"provider": {"type": "local", "zones": ["0"]}, "taints": [{"key": "x"}]}
    new = {"provider": {"type": "local"}, "networks": {"pods": "p"}}
    assert _replacing(old, new) == {
        "taints": None,
        "provider": {"zones": None, "type": "local"},
        "networks": {"pods": "p"},
    }


def test_status_before_and_after_preparation() -> None:
    clock = FakeClock()
    before = seed_status(
        stored(), now=clock.now(), preparation=Preparation(False), reporter=REPORTER, resources=SeedResources(),
        kubernetes_version=None,
    )  # fmt: skip
    conditions = {c["type"]: c for c in before["conditions"]}
    assert conditions["GardenletReady"]["status"] == "True"
    assert conditions["SeedSystemComponentsHealthy"]["status"] == "Progressing"
    assert "lastOperation" not in before  # the scheduler must not take an unprepared seed as ready
    assert "observedGeneration" not in before

    clock.advance(timedelta(seconds=5))
    after = seed_status(
        {**stored(), "status": before}, now=clock.now(), preparation=Preparation(True), reporter=REPORTER,
        resources=SeedResources(capacity={"shoots": 10}, reserved={"shoots": 3}), kubernetes_version="v1.37.1",
    )  # fmt: skip
    conditions = {c["type"]: c for c in after["conditions"]}
    assert conditions["SeedSystemComponentsHealthy"]["status"] == "True"
    assert after["lastOperation"]["state"] == "Succeeded" and after["lastOperation"]["progress"] == 100
    assert after["observedGeneration"] == 3
    assert after["gardener"] == {"id": "host", "name": "gardenlet", "version": "1.0.0"}
    assert after["kubernetesVersion"] == "v1.37.1"
    assert after["capacity"] == {"shoots": "10"} and after["allocatable"] == {"shoots": "7"}

    again = seed_status(
        {**stored(), "status": after}, now=clock.advance(timedelta(seconds=5)), preparation=Preparation(True),
        reporter=REPORTER, resources=SeedResources(capacity={"shoots": 10}, reserved={"shoots": 3}),
        kubernetes_version="v1.37.1",
    )  # fmt: skip
    assert again == after  # nothing changed: nothing to write


def test_failed_preparation_and_unhealthy_components_are_reported() -> None:
    clock = FakeClock()
    failed = seed_status(
        stored(), now=clock.now(), preparation=Preparation(True, error="403 forbidden"), reporter=REPORTER,
        resources=SeedResources(), kubernetes_version=None,
    )  # fmt: skip
    assert failed["lastOperation"]["state"] == "Error" and "403 forbidden" in failed["lastOperation"]["description"]
    condition = {c["type"]: c for c in failed["conditions"]}["SeedSystemComponentsHealthy"]
    assert (condition["status"], condition["reason"]) == ("False", "DeploymentFailed")
    unhealthy = seed_status(
        stored(), now=clock.now(), preparation=Preparation(True, problems=("PriorityClass x is missing",)),
        reporter=REPORTER, resources=SeedResources(), kubernetes_version=None,
    )  # fmt: skip
    condition = {c["type"]: c for c in unhealthy["conditions"]}["SeedSystemComponentsHealthy"]
    assert condition["status"] == "False" and condition["message"] == "PriorityClass x is missing"


def test_allocatable_never_goes_below_zero() -> None:
    assert capacity(SeedResources(capacity={"shoots": 1}, reserved={"shoots": 5})) == ({"shoots": "1"}, {"shoots": "0"})


def test_the_lease_is_owned_by_the_seed_and_lasts_a_few_heartbeats() -> None:
    lease = lease_body(stored(), FakeClock().now(), 10)
    assert lease["metadata"]["namespace"] == "gardener-system-seed-lease"
    assert lease["metadata"]["ownerReferences"][0] == {
        "apiVersion": "core.gardener.cloud/v1beta1", "kind": "Seed", "name": "local", "uid": "u1",
    }  # fmt: skip
    assert lease["spec"]["leaseDurationSeconds"] == 40
    assert lease["spec"]["renewTime"] == "2026-11-25T12:00:00.000000Z"


def test_the_seed_system_covers_what_the_control_plane_charts_name() -> None:
    assert {"gardener-system-500", "gardener-system-300"} <= set(PRIORITY_CLASSES)
    assert PRIORITY_CLASSES["gardener-system-500"] > PRIORITY_CLASSES["gardener-system-300"]
    names = {crd["metadata"]["name"] for crd in seed_crds()}
    assert {"workers.extensions.gardener.cloud", "machines.machine.sapcloud.io"} <= names
