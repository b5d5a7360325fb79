"""Shoot maintenance under real kopf against a garden, on virtual time: updates in the window, and on request."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import yaml

from garden.controllermanager import maintenance
from garden.controllermanager.context import ControllerContext
from garden.kube import SHOOTS, Kube
from garden.operator import running
from tests.fakes.clock import FakeClock
from tests.integration.garden.conftest import NOW
from tests.integration.garden.objects import ROOT, apply, aws_shoot, project_with_aws_binding
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

RESYNC = 0.1


@pytest.fixture(scope="module")
def kube(garden: RunningServer) -> Iterator[Kube]:
    client = Kube.from_kubeconfig(garden.kubeconfig)
    yield client
    client.close()


@pytest.fixture(scope="module")
def namespace(garden: RunningServer) -> str:
    return project_with_aws_binding(garden)


def maintained_shoot(name: str, *, auto: bool = True, window: tuple[str, str] = ("220000+0100", "230000+0100")) -> Any:
    """On Kubernetes 1.36.1 (1.36.2 is the supported patch at NOW) and gardenlinux 1877.2 (1877.3 is supported)."""
    body = aws_shoot(name, kubernetes={"version": "1.36.1"})
    pool = body["spec"]["provider"]["workers"][0]
    pool["machine"]["image"] = {"name": "gardenlinux", "version": "1877.2"}
    body["spec"]["maintenance"] = {
        "autoUpdate": {"kubernetesVersion": auto, "machineImageVersion": auto},
        "timeWindow": {"begin": window[0], "end": window[1]},
    }
    return body


def versions(kube: Kube, namespace: str, name: str) -> tuple[str, str]:
    shoot = kube.get(SHOOTS, namespace, name)
    assert shoot is not None
    image = shoot["spec"]["provider"]["workers"][0]["machine"]["image"]["version"]
    return shoot["spec"]["kubernetes"]["version"], image


def last_maintenance(kube: Kube, namespace: str, name: str) -> dict[str, Any] | None:
    shoot = kube.get(SHOOTS, namespace, name)
    last: dict[str, Any] | None = ((shoot or {}).get("status") or {}).get("lastMaintenance")
    return last


def test_shoots_are_maintained_in_their_window(garden: RunningServer, kube: Kube, namespace: str) -> None:
    clock = FakeClock(NOW)  # 12:00 UTC; the windows are 22:00-23:00 at +0100, i.e. 21:00-22:00 UTC
    apply(garden, maintained_shoot("auto"), maintained_shoot("manual", auto=False))
    ctx = ControllerContext(kube, clock, resync_seconds=RESYNC)
    with running([maintenance.registry(ctx)]):
        time.sleep(10 * RESYNC)
        assert versions(kube, namespace, "auto") == ("1.36.1", "1877.2")
        assert last_maintenance(kube, namespace, "auto") is None

        clock.set(NOW.replace(hour=21, minute=5))
        last = wait_for(lambda: last_maintenance(kube, namespace, "auto"), "the maintenance of shoot auto")
        assert versions(kube, namespace, "auto") == ("1.36.2", "1877.3")
        assert last["state"] == "Succeeded"
        assert last["triggeredTime"] == "2026-11-25T21:05:00Z"
        assert 'Updated Kubernetes version from "1.36.1" to "1.36.2"' in last["description"]
        assert "Reason: Automatic update of Kubernetes version configured" in last["description"]
        assert 'Updated machine image "gardenlinux" from "1877.2" to "1877.3"' in last["description"]
        assert "image update strategy: minor" in last["description"]

        # Without autoUpdate nothing changes (the versions are still valid); nothing to report.
        wait_for(
            lambda: (
                maintenance.TASKS in (kube.get(SHOOTS, namespace, "manual") or {})["metadata"].get("annotations", {})
            ),
            "the maintenance of shoot manual",
        )
        assert versions(kube, namespace, "manual") == ("1.36.1", "1877.2")
        assert last_maintenance(kube, namespace, "manual") is None

        # Once per window: later in the same window, nothing is written again.
        generation = (kube.get(SHOOTS, namespace, "auto") or {})["metadata"]["generation"]
        clock.advance(timedelta(minutes=20))
        time.sleep(10 * RESYNC)
        assert (kube.get(SHOOTS, namespace, "auto") or {})["metadata"]["generation"] == generation
        assert last_maintenance(kube, namespace, "auto") == last


def test_the_maintain_annotation_maintains_now_and_is_removed(
    garden: RunningServer, kube: Kube, namespace: str
) -> None:
    clock = FakeClock(NOW)  # outside the window
    apply(garden, maintained_shoot("asked"))
    ctx = ControllerContext(kube, clock, resync_seconds=RESYNC)
    with running([maintenance.registry(ctx)]):
        time.sleep(5 * RESYNC)
        assert versions(kube, namespace, "asked") == ("1.36.1", "1877.2")
        garden.kubectl("annotate", "shoot", "asked", "-n", namespace, "gardener.cloud/operation=maintain")
        last = wait_for(lambda: last_maintenance(kube, namespace, "asked"), "the maintenance asked for")
        assert last["state"] == "Succeeded"
        assert last["triggeredTime"] == "2026-11-25T12:00:00Z"
        assert versions(kube, namespace, "asked") == ("1.36.2", "1877.3")
        annotations = (kube.get(SHOOTS, namespace, "asked") or {})["metadata"].get("annotations", {})
        assert maintenance.OPERATION not in annotations


def late_patch_profile() -> dict[str, Any]:
    """The aws profile as ``aws-late-patch``, where 1.36.2 only becomes available at 13:00 on NOW's day: admission
    (pinned at NOW, 12:00) refuses it, while the controller's clock, in the evening, picks it."""
    profile: dict[str, Any] = yaml.safe_load((ROOT / "cloudprofiles" / "aws.yaml").read_text())
    profile["metadata"]["name"] = "aws-late-patch"
    for entry in profile["spec"]["kubernetes"]["versions"]:
        if entry["version"] == "1.36.2":
            entry.pop("classification", None)
            entry.pop("expirationDate", None)
            entry["lifecycle"] = [{"classification": "supported", "startTime": "2026-11-25T13:00:00Z"}]
    return profile


def test_an_update_admission_refuses_is_recorded_as_failed(garden: RunningServer, kube: Kube, namespace: str) -> None:
    apply(garden, late_patch_profile())
    body = maintained_shoot("refused")
    body["spec"]["cloudProfile"] = {"name": "aws-late-patch"}
    body["spec"]["maintenance"]["autoUpdate"]["machineImageVersion"] = False
    body["metadata"]["annotations"] = {"gardener.cloud/operation": "maintain"}
    apply(garden, body)
    clock = FakeClock(NOW.replace(hour=21, minute=5))
    with running([maintenance.registry(ControllerContext(kube, clock, resync_seconds=RESYNC))]):
        last = wait_for(lambda: last_maintenance(kube, namespace, "refused"), "the refused maintenance")
    assert last["state"] == "Failed"
    assert last["description"] == "Maintenance failed"
    assert last["failureReason"].startswith("Updates to the Shoot failed to be applied: ")
    assert "spec.kubernetes.version" in last["failureReason"]
    stored = kube.get(SHOOTS, namespace, "refused")
    assert stored is not None
    assert stored["spec"]["kubernetes"]["version"] == "1.36.1"
    assert maintenance.OPERATION not in stored["metadata"].get("annotations", {})
