"""Garden housekeeping controllers under real kopf against a garden, on virtual time: seed lifecycle (a silent
gardenlet), the shoot status label, and the event TTL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from garden.api.base import format_time
from garden.api.conditions import get_condition
from garden.api.printers import STATUS_LABEL
from garden.controllermanager import eventttl, seedlifecycle, statuslabel
from garden.controllermanager.context import ControllerContext
from garden.kube import EVENTS, LEASES, SEEDS, SHOOTS, Kube
from garden.operator import running
from tests.fakes.clock import FakeClock
from tests.integration.garden.objects import apply, aws_shoot, project_with_aws_binding
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

RESYNC = 0.1
HEALTH = ("APIServerAvailable", "ControlPlaneHealthy", "ObservabilityComponentsHealthy", "EveryNodeReady")


@pytest.fixture(scope="module")
def kube(garden: RunningServer) -> Iterator[Kube]:
    client = Kube.from_kubeconfig(garden.kubeconfig)
    yield client
    client.close()


@pytest.fixture(scope="module")
def namespace(garden: RunningServer) -> str:
    return project_with_aws_binding(garden)


def context(kube: Kube, clock: FakeClock) -> ControllerContext:
    return ControllerContext(kube, clock, resync_seconds=RESYNC, seed_grace_seconds=40, event_ttl_seconds=3600)


def seed(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "core.gardener.cloud/v1beta1",
        "kind": "Seed",
        "metadata": {"name": name},
        "spec": {
            "provider": {"type": "aws", "region": "eu-central-1"},
            "networks": {"nodes": "10.0.0.0/16", "pods": "10.1.0.0/16", "services": "10.2.0.0/16"},
            "dns": {"provider": {"type": "aws-route53", "secretRef": {"name": "dns", "namespace": "garden"}}},
            "ingress": {"domain": f"ingress.{name}.example.com", "controller": {"kind": "nginx"}},
        },
    }


def healthy(*types: str, at: str) -> list[dict[str, Any]]:
    return [
        {"type": t, "status": "True", "reason": "Healthy", "message": "ok", "lastTransitionTime": at} for t in types
    ]


def renew(kube: Kube, name: str, clock: FakeClock) -> None:
    renewed = clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    current = kube.get(LEASES, seedlifecycle.LEASE_NAMESPACE, name)
    if current is None:
        body = {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {"name": name, "namespace": seedlifecycle.LEASE_NAMESPACE},
            "spec": {"holderIdentity": f"gardenlet-{name}", "leaseDurationSeconds": 40, "renewTime": renewed},
        }
        kube.create(LEASES, seedlifecycle.LEASE_NAMESPACE, body)
    else:
        kube.patch(LEASES, seedlifecycle.LEASE_NAMESPACE, name, {"spec": {"renewTime": renewed}})


def gardenlet_ready(kube: Kube, name: str) -> dict[str, Any]:
    stored = kube.get(SEEDS, None, name)
    assert stored is not None
    condition = get_condition((stored.get("status") or {}).get("conditions"), "GardenletReady")
    assert condition is not None
    return condition


def shoot_conditions(kube: Kube, namespace: str, name: str) -> dict[str, dict[str, Any]]:
    stored = kube.get(SHOOTS, namespace, name)
    assert stored is not None
    return {c["type"]: c for c in (stored.get("status") or {}).get("conditions") or []}


def test_a_silent_gardenlet_makes_its_seed_and_then_its_shoots_unknown(
    garden: RunningServer, kube: Kube, namespace: str
) -> None:
    clock = FakeClock()
    garden.kubectl("create", "namespace", seedlifecycle.LEASE_NAMESPACE)
    apply(garden, seed("aws-eu1"), seed("aws-eu2"))
    since = format_time(clock.now() - timedelta(hours=1))
    for name in ("aws-eu1", "aws-eu2"):
        conditions = healthy("GardenletReady", "SeedSystemComponentsHealthy", at=since)
        kube.patch(SEEDS, None, name, {"status": {"conditions": conditions}}, subresource="status")
    renew(kube, "aws-eu1", clock)  # aws-eu2's gardenlet never held a lease
    apply(
        garden, aws_shoot("on-eu1", namespace, seedName="aws-eu1"), aws_shoot("on-eu2", namespace, seedName="aws-eu2")
    )
    for name in ("on-eu1", "on-eu2"):
        status = {"status": {"conditions": healthy(*HEALTH, at=since)}}
        kube.patch(SHOOTS, namespace, name, status, subresource="status")

    with running([seedlifecycle.registry(context(kube, clock))]):
        wait_for(
            lambda: gardenlet_ready(kube, "aws-eu2")["status"] == "Unknown", "aws-eu2 without a lease to go Unknown"
        )
        time.sleep(5 * RESYNC)
        assert gardenlet_ready(kube, "aws-eu1")["status"] == "True"  # its lease is fresh

        clock.advance(timedelta(seconds=41))
        silent_since = format_time(clock.now())
        wait_for(lambda: gardenlet_ready(kube, "aws-eu1")["status"] == "Unknown", "aws-eu1 to go Unknown")
        condition = gardenlet_ready(kube, "aws-eu1")
        assert condition["reason"] == "SeedStatusUnknown"
        assert condition["message"] == "Gardenlet stopped posting seed status."
        assert condition["lastTransitionTime"] == silent_since
        stored_seed = kube.get(SEEDS, None, "aws-eu1")
        assert stored_seed is not None
        other = get_condition(stored_seed["status"]["conditions"], "SeedSystemComponentsHealthy")
        assert other is not None
        assert other["status"] == "True"

        time.sleep(5 * RESYNC)  # within the shoot monitor period: the shoots keep their conditions
        assert {c["status"] for c in shoot_conditions(kube, namespace, "on-eu1").values()} == {"True"}

        clock.advance(timedelta(seconds=seedlifecycle.SHOOT_MONITOR_SECONDS))

        def all_unknown() -> bool:
            conditions = shoot_conditions(kube, namespace, "on-eu1")
            return all(conditions.get(t, {}).get("status") == "Unknown" for t in HEALTH)

        wait_for(all_unknown, "the shoot's conditions to go Unknown")
        unknown = shoot_conditions(kube, namespace, "on-eu1")
        assert unknown["SystemComponentsHealthy"]["status"] == "Unknown"
        assert {c["reason"] for c in unknown.values()} == {"StatusUnknown"}
        assert {c["message"] for c in unknown.values()} == {"Gardenlet stopped sending heartbeats."}
        assert {c["lastTransitionTime"] for c in unknown.values()} == {format_time(clock.now())}
        stored = kube.get(SHOOTS, namespace, "on-eu1")
        assert stored is not None
        constraints = {c["type"]: c["status"] for c in stored["status"]["constraints"]}
        assert constraints == {"HibernationPossible": "Unknown", "MaintenancePreconditionsSatisfied": "Unknown"}

        renew(kube, "aws-eu1", clock)  # the gardenlet is back: it, not this controller, reports Ready again
        time.sleep(5 * RESYNC)
        assert gardenlet_ready(kube, "aws-eu1")["status"] == "Unknown"
    final = kube.get(SEEDS, None, "aws-eu1")
    assert final is not None
    annotations = final["metadata"].get("annotations") or {}
    assert not [key for key in annotations if "kopf" in key or "garden.gardener.cloud" in key]  # timers keep no state
    assert set(final["status"]) == {"conditions"}


def test_the_status_label_follows_the_shoots_health(garden: RunningServer, kube: Kube, namespace: str) -> None:
    apply(garden, aws_shoot("labelled", namespace))

    def label() -> str | None:
        stored = kube.get(SHOOTS, namespace, "labelled")
        assert stored is not None
        value: str | None = (stored["metadata"].get("labels") or {}).get(STATUS_LABEL)
        return value

    def report(state: str, *statuses: str) -> None:
        at = "2026-11-25T12:00:00Z"
        status = {
            "lastOperation": {"type": "Reconcile", "state": state, "progress": 100, "lastUpdateTime": at},
            "conditions": [
                {"type": t, "status": s, "reason": "Checked", "message": "checked", "lastTransitionTime": at}
                for t, s in zip(HEALTH, statuses, strict=False)
            ],
        }
        kube.patch(SHOOTS, namespace, "labelled", {"status": status}, subresource="status")

    with running([statuslabel.registry(context(kube, FakeClock()))]):
        wait_for(lambda: label() == "healthy", "a new shoot to be labelled healthy")
        for state, statuses, expected in [
            ("Succeeded", ("True", "False", "True"), "unhealthy"),
            ("Succeeded", ("True", "Progressing", "True"), "progressing"),
            ("Succeeded", ("True", "Unknown", "Progressing"), "unknown"),
            ("Succeeded", ("True", "True", "True"), "healthy"),
            ("Error", ("True", "True", "True"), "unhealthy"),
        ]:
            report(state, *statuses)
            wait_for(lambda: label() == expected, f"the label to become {expected}")  # noqa: B023  (waited for here)
        rows = garden.kubectl("get", "shoots", "-n", namespace, "labelled", "--no-headers").stdout.split()
        assert "unhealthy" in rows  # the table reads the label


def test_old_events_are_deleted_and_new_ones_kept(kube: Kube, namespace: str) -> None:
    clock = FakeClock()

    def event(
        name: str, age: timedelta, kind: str = "Project", api_version: str = "core.gardener.cloud/v1beta1"
    ) -> None:
        stamp = format_time(clock.now() - age)
        body = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": name, "namespace": namespace},
            "involvedObject": {"kind": kind, "apiVersion": api_version, "name": "dev", "namespace": namespace},
            "reason": "Testing",
            "message": "an event",
            "type": "Normal",
            "source": {"component": "test"},
            "count": 1,
            "firstTimestamp": stamp,
            "lastTimestamp": stamp,
        }
        kube.create(EVENTS, namespace, body)

    def exists(name: str) -> bool:
        return kube.get(EVENTS, namespace, name) is not None

    event("old", timedelta(hours=2))
    event("new", timedelta(minutes=10))
    event("old-shoot", timedelta(hours=2), kind="Shoot")
    event("old-pod", timedelta(hours=2), kind="Pod", api_version="v1")

    with running([eventttl.registry(context(kube, clock))]):
        wait_for(lambda: not exists("old") and not exists("old-pod"), "the old events to be deleted")
        time.sleep(5 * RESYNC)
        assert exists("new")
        assert exists("old-shoot")  # shoot events are kept longer

        clock.advance(timedelta(hours=1))
        wait_for(lambda: not exists("new"), "the newer event to expire an hour later")
        event("fresh", timedelta(0))  # created while running: the watch schedules it
        time.sleep(5 * RESYNC)
        assert exists("old-shoot")
        assert exists("fresh")

        clock.advance(timedelta(hours=22))
        wait_for(lambda: not exists("old-shoot") and not exists("fresh"), "the shoot event to expire after a day")
