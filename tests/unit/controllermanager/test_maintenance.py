"""Shoot maintenance: when it is due, what it changes and says, and what happens when admission refuses it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from garden.api.core.cloudprofile import CloudProfile, CloudProfileSpec
from garden.controllermanager import maintenance as m
from garden.controllermanager.context import ControllerContext
from garden.kube import KubeError, Resource
from tests.fakes.clock import FakeClock

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 25, 22, 10, tzinfo=UTC)
AWS_RAW: dict[str, Any] = yaml.safe_load((ROOT / "cloudprofiles" / "aws.yaml").read_text())
AWS: CloudProfileSpec = CloudProfile.parse(AWS_RAW).spec


def worker(name: str = "worker", image: str = "gardenlinux", version: str = "1877.2", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "machine": {"type": "m5.large", "image": {"name": image, "version": version}, "architecture": "amd64"},
        "minimum": 1,
        "maximum": 2,
        "zones": ["eu-central-1a"],
        **extra,
    }


def shoot(
    version: str = "1.36.1",
    *,
    auto_kubernetes: bool = True,
    auto_images: bool = True,
    workers: list[dict[str, Any]] | None = None,
    window: tuple[str, str] = ("220000+0000", "230000+0000"),
    annotations: dict[str, str] | None = None,
    status: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "Shoot",
        "metadata": {
            "name": "web",
            "namespace": "garden-dev",
            "uid": "uid-web",
            "resourceVersion": "7",
            "annotations": dict(annotations or {}),
        },
        "spec": {
            "cloudProfile": {"name": "aws"},
            "region": "eu-central-1",
            "secretBindingName": "aws",
            "provider": {"type": "aws", "workers": workers if workers is not None else [worker()]},
            "kubernetes": {"version": version},
            "networking": {"type": "calico", "nodes": "10.250.0.0/16"},
            "maintenance": {
                "autoUpdate": {"kubernetesVersion": auto_kubernetes, "machineImageVersion": auto_images},
                "timeWindow": {"begin": window[0], "end": window[1]},
            },
        },
    }
    if status is not None:
        body["status"] = status
    return body


# --- what maintenance changes -------------------------------------------------------------------------------------


def test_auto_update_moves_kubernetes_to_the_newest_patch_and_images_by_their_strategy() -> None:
    plan = m.plan_maintenance(shoot(), AWS, NOW)
    assert plan.shoot["spec"]["kubernetes"]["version"] == "1.36.2"
    assert plan.shoot["spec"]["provider"]["workers"][0]["machine"]["image"]["version"] == "1877.3"
    description, failure = plan.messages()
    assert failure == ""
    assert description == (
        'All maintenance operations successful. Control Plane: Updated Kubernetes version from "1.36.1" to "1.36.2". '
        "Reason: Automatic update of Kubernetes version configured, "
        'Worker pool "worker": Updated machine image "gardenlinux" from "1877.2" to "1877.3". '
        "Reason: Automatic update of the machine image version is configured (image update strategy: minor)"
    )


def test_without_auto_update_nothing_that_is_still_valid_changes() -> None:
    plan = m.plan_maintenance(shoot(auto_kubernetes=False, auto_images=False), AWS, NOW)
    assert plan.shoot["spec"]["kubernetes"]["version"] == "1.36.1"
    assert plan.shoot["spec"]["provider"]["workers"][0]["machine"]["image"]["version"] == "1877.2"
    assert not plan.require_patch
    # Every maintenance asks the next reconciliation for its tasks.
    assert plan.shoot["metadata"]["annotations"][m.TASKS] == ",".join(m.MAINTENANCE_TASKS)


def test_expired_versions_are_updated_even_without_auto_update() -> None:
    later = datetime(2027, 2, 15, 22, 10, tzinfo=UTC)  # 1.36.1 and 1877.2 expired on 2027-01-31
    plan = m.plan_maintenance(shoot(auto_kubernetes=False, auto_images=False), AWS, later)
    assert plan.shoot["spec"]["kubernetes"]["version"] == "1.36.2"
    assert plan.shoot["spec"]["provider"]["workers"][0]["machine"]["image"]["version"] == "1877.3"
    assert plan.control_plane is not None
    assert plan.control_plane.reason == "Kubernetes version expired - force update required"
    assert plan.worker_images["worker"].reason == (
        "Machine image version expired - force update required (image update strategy: minor)"
    )


def test_an_expired_minor_is_upgraded_to_the_next_one() -> None:
    # 1.34.1 expired in October 2026 and 1.34 has no usable patch: the newest usable patch of 1.35.
    plan = m.plan_maintenance(shoot("1.34.1", auto_kubernetes=False, auto_images=False), AWS, NOW)
    assert plan.shoot["spec"]["kubernetes"]["version"] == "1.35.2"


def test_a_version_the_profile_no_longer_offers_is_force_updated() -> None:
    plan = m.plan_maintenance(shoot("1.36.9", auto_kubernetes=False, auto_images=False), AWS, NOW)
    assert plan.control_plane is not None
    assert plan.control_plane.reason == "Version does not exist in CloudProfile"


def test_worker_pool_versions_follow_but_never_pass_the_control_plane() -> None:
    pools = [worker("a", kubernetes={"version": "1.35.1"}), worker("b", kubernetes={"version": "1.36.1"})]
    plan = m.plan_maintenance(shoot(workers=pools, auto_images=False), AWS, NOW)
    workers = plan.shoot["spec"]["provider"]["workers"]
    assert workers[0]["kubernetes"]["version"] == "1.35.2"
    assert workers[1]["kubernetes"]["version"] == "1.36.2"
    # An expired pool version two minors behind is lifted to the next minor, at most the control plane's.
    pools = [worker("old", kubernetes={"version": "1.34.1"})]
    plan = m.plan_maintenance(shoot("1.35.0", workers=pools, auto_kubernetes=False, auto_images=False), AWS, NOW)
    assert plan.shoot["spec"]["kubernetes"]["version"] == "1.35.2"
    assert plan.shoot["spec"]["provider"]["workers"][0]["kubernetes"]["version"] == "1.35.2"


def test_images_respect_the_kubelet_version_constraint_and_the_patch_strategy() -> None:
    # ubuntu has strategy patch: 22.4 stays on its minor even though 24.4 is newer.
    plan = m.plan_maintenance(shoot(workers=[worker(image="ubuntu", version="22.4.20251001")]), AWS, NOW)
    assert "ubuntu" not in str(plan.worker_images)
    # 1443.10 allows kubelets < 1.34 only: a 1.36 pool cannot stay on it, it does not "exist" for the pool.
    plan = m.plan_maintenance(shoot(workers=[worker(version="1443.10")], auto_images=False), AWS, NOW)
    assert plan.worker_images["worker"].reason == "Version does not exist in CloudProfile"
    # Strategy minor, forced: one major up (1592), not straight to the newest (1877).
    assert plan.shoot["spec"]["provider"]["workers"][0]["machine"]["image"]["version"] == "1592.9"


def test_a_failed_update_is_reported_with_its_reason() -> None:
    profile = AWS.model_copy(deep=True)
    profile.kubernetes.versions = [v for v in profile.kubernetes.versions or [] if not v.version.startswith("1.35")]
    plan = m.plan_maintenance(shoot("1.34.1", auto_images=False), profile, NOW)
    assert plan.shoot["spec"]["kubernetes"]["version"] == "1.34.1"
    description, failure = plan.messages()
    assert description.startswith("(0/1) maintenance operations successful. Control Plane: Kubernetes version update")
    assert "cannot perform forceful update of expired version" in failure


def test_the_operation_annotation_is_set_as_gardener_does() -> None:
    operated = {"lastOperation": {"type": "Reconcile", "state": "Succeeded", "lastUpdateTime": "2026-11-25T00:00:00Z"}}
    asked = {m.OPERATION: "maintain", m.MAINTENANCE_OPERATION: "rotate-ssh-keypair"}
    plan = m.plan_maintenance(shoot(annotations=asked, status=operated, auto_images=False), AWS, NOW)
    notes = plan.shoot["metadata"]["annotations"]
    assert notes[m.OPERATION] == "rotate-ssh-keypair;reconcile"
    assert m.MAINTENANCE_OPERATION not in notes
    assert 'Added "rotate-ssh-keypair;reconcile" operation annotation' in plan.messages()[0]
    # A failed shoot marked for a retry is retried; without the mark it is left alone.
    failed = {"lastOperation": {"type": "Reconcile", "state": "Failed", "lastUpdateTime": "2026-11-25T00:00:00Z"}}
    plan = m.plan_maintenance(shoot(annotations={m.NEEDS_RETRY: "true"}, status=failed), AWS, NOW)
    assert plan.shoot["metadata"]["annotations"][m.OPERATION] == "retry"
    plan = m.plan_maintenance(shoot(annotations={m.OPERATION: "maintain"}, status=failed), AWS, NOW)
    assert m.OPERATION not in plan.shoot["metadata"]["annotations"]


def test_planning_leaves_the_shoot_it_was_given_alone() -> None:
    original = shoot()
    before = copy.deepcopy(original)
    m.plan_maintenance(original, AWS, NOW)
    assert original == before


# --- when maintenance is due ----------------------------------------------------------------------------------------


def test_due_inside_the_window_once_per_occurrence() -> None:
    s = shoot()
    assert m.maintenance_due(s, NOW)
    assert not m.maintenance_due(s, NOW.replace(hour=12))
    # The effective window ends 15 minutes early.
    assert not m.maintenance_due(s, NOW.replace(minute=50))
    # Served in this occurrence (by this controller, or as the status says): not again; the next day again.
    assert not m.maintenance_due(s, NOW, served=NOW - timedelta(minutes=5))
    assert m.maintenance_due(s, NOW, served=NOW - timedelta(days=1))
    s["status"] = {"lastMaintenance": {"triggeredTime": "2026-11-25T22:01:00Z", "state": "Succeeded"}}
    assert not m.maintenance_due(s, NOW)
    assert m.maintenance_due(s, NOW + timedelta(days=1))


def test_due_in_a_window_with_an_offset_across_midnight() -> None:
    # 23:30-01:30 at +0100 is 22:30-00:30 UTC.
    s = shoot(window=("233000+0100", "013000+0100"))
    assert m.maintenance_due(s, datetime(2026, 11, 26, 0, 5, tzinfo=UTC))
    served = datetime(2026, 11, 25, 22, 40, tzinfo=UTC)
    assert not m.maintenance_due(s, datetime(2026, 11, 26, 0, 5, tzinfo=UTC), served=served)
    assert not m.maintenance_due(s, datetime(2026, 11, 26, 0, 20, tzinfo=UTC))  # in the last 15 minutes


def test_the_maintain_annotation_makes_it_due_now_but_deletion_never() -> None:
    s = shoot(annotations={m.OPERATION: "maintain"})
    assert m.maintenance_due(s, NOW.replace(hour=12), served=NOW)
    s["metadata"]["deletionTimestamp"] = "2026-11-25T12:00:00Z"
    assert not m.maintenance_due(s, NOW)


# --- the controller against a fake API --------------------------------------------------------------------------


def merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


class FakeKube:
    """Shoots and one cloud profile; ``admission`` may refuse a shoot update."""

    def __init__(self, *shoots: dict[str, Any], admission: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.objects: dict[tuple[str, str, str], dict[str, Any]] = {("cloudprofiles", "", "aws"): AWS_RAW}
        for s in shoots:
            self.objects[("shoots", s["metadata"]["namespace"], s["metadata"]["name"])] = copy.deepcopy(s)
        self.admission = admission
        self.updates = 0

    def get(self, resource: Resource, namespace: str | None, name: str, subresource: str = "") -> Any:
        found = self.objects.get((resource.plural, namespace or "", name))
        return copy.deepcopy(found) if found is not None else None

    def list(self, resource: Resource, namespace: str | None = None, **_: Any) -> list[dict[str, Any]]:
        return [copy.deepcopy(o) for (plural, ns, _n), o in self.objects.items() if plural == resource.plural]

    def update(self, resource: Resource, namespace: str | None, name: str, body: dict[str, Any], **_: Any) -> Any:
        if self.admission is not None:
            self.admission(body)
        stored = self.objects[(resource.plural, namespace or "", name)]
        self.objects[(resource.plural, namespace or "", name)] = {**copy.deepcopy(body), "status": stored.get("status")}
        self.updates += 1
        return body

    def patch(
        self, resource: Resource, namespace: str | None, name: str, patch: dict[str, Any], *, subresource: str = ""
    ) -> Any:
        stored = self.objects[(resource.plural, namespace or "", name)]
        merge(stored, {"status": patch["status"]} if subresource == "status" else patch)
        return stored

    def shoot(self) -> dict[str, Any]:
        return self.objects[("shoots", "garden-dev", "web")]


def maintainer(kube: FakeKube, now: datetime = NOW) -> m.Maintainer:
    return m.Maintainer(ControllerContext(kube, clock=FakeClock(now)))  # type: ignore[arg-type]


async def test_the_controller_updates_the_shoot_and_records_why() -> None:
    kube = FakeKube(shoot())
    controller = maintainer(kube)
    await controller.sweep()
    stored = kube.shoot()
    assert stored["spec"]["kubernetes"]["version"] == "1.36.2"
    last = stored["status"]["lastMaintenance"]
    assert last["state"] == "Succeeded"
    assert last["triggeredTime"] == "2026-11-25T22:10:00Z"
    assert "Automatic update of Kubernetes version configured" in last["description"]
    # Once per window: the next round in the same window does nothing.
    await controller.sweep()
    assert kube.updates == 1


async def test_a_refused_update_is_recorded_as_failed_and_the_maintain_annotation_removed() -> None:
    def refuse(body: dict[str, Any]) -> None:
        raise KubeError("PUT", "/shoots/web", 422, "Invalid", 'Shoot.core.gardener.cloud "web" is invalid: nope')

    kube = FakeKube(shoot(annotations={m.OPERATION: "maintain"}), admission=refuse)
    await maintainer(kube, NOW.replace(hour=12)).sweep()
    stored = kube.shoot()
    assert stored["spec"]["kubernetes"]["version"] == "1.36.1"
    assert m.OPERATION not in stored["metadata"]["annotations"]
    last = stored["status"]["lastMaintenance"]
    assert last["state"] == "Failed"
    assert last["description"] == "Maintenance failed"
    assert last["failureReason"] == (
        'Updates to the Shoot failed to be applied: Shoot.core.gardener.cloud "web" is invalid: nope'
    )


async def test_a_later_maintenance_with_nothing_to_do_clears_an_old_failure() -> None:
    failed = {"lastMaintenance": {"description": "x", "triggeredTime": "2026-11-24T22:05:00Z", "state": "Failed"}}
    kube = FakeKube(shoot("1.36.2", auto_images=False, status=failed))
    await maintainer(kube).sweep()
    last = kube.shoot()["status"]["lastMaintenance"]
    assert last["state"] == "Succeeded"
    assert last["description"] == "Maintenance succeeded"
