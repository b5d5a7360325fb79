"""The shoot scheduler as a real kopf operator against the garden API server: seeds created directly (their status
patched as a gardenlet would), shoots bound through ``shoots/binding``, failures reported as events and in the
shoot's last operation."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import pytest

from garden.kube import EVENTS, SEEDS, SHOOTS, Kube
from garden.operator import running
from garden.scheduler.operator import Controller, build
from tests.fakes.clock import FakeClock
from tests.integration.garden.objects import apply, aws_shoot, project_with_aws_binding
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

CORE = "core.gardener.cloud/v1beta1"
NAMESPACE = "garden-dev"


def seed(name: str, region: str, provider: str = "aws", **spec: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": CORE,
        "kind": "Seed",
        "metadata": {"name": name},
        "spec": {
            "provider": {"type": provider, "region": region},
            "networks": {"nodes": "10.0.0.0/16", "pods": "10.1.0.0/16", "services": "10.2.0.0/16"},
            "dns": {"provider": {"type": "aws-route53", "secretRef": {"name": "dns", "namespace": "garden"}}},
            "ingress": {"domain": f"ingress.{name}.example.com", "controller": {"kind": "nginx"}},
        },
    }
    body["spec"].update(spec)
    return body


def report(kube: Kube, name: str, ready: str = "True", allocatable: int | None = None) -> None:
    """What a gardenlet writes into its seed's status."""
    status: dict[str, Any] = {
        "conditions": [
            {
                "type": "GardenletReady",
                "status": ready,
                "lastTransitionTime": "2026-11-25T12:00:00Z",
                "lastUpdateTime": "2026-11-25T12:00:00Z",
                "reason": "GardenletReady" if ready == "True" else "GardenletPending",
                "message": "the gardenlet reports",
            }
        ],
        "lastOperation": {
            "type": "Reconcile",
            "state": "Succeeded",
            "progress": 100,
            "lastUpdateTime": "2026-11-25T12:00:00Z",
            "description": "Seed reconciled",
        },
    }
    if allocatable is not None:
        status["allocatable"] = {"shoots": str(allocatable)}
    kube.patch(SEEDS, None, name, {"status": status}, subresource="status")


def seen(controller: Controller, *names: str, unready: str | None = None) -> None:
    """Until the scheduler's watch has delivered the seeds' reported status (watches of different kinds race)."""

    def current() -> bool:
        views = [controller.scheduler.seed(name) for name in names]
        return all(view is not None and view.unready == unready for view in views)

    wait_for(current, f"the scheduler to see seeds {', '.join(names)}", timeout=10)


def shoot(name: str, region: str) -> dict[str, Any]:
    body = aws_shoot(name, NAMESPACE, region=region)
    body["spec"]["provider"]["workers"][0]["zones"] = [f"{region}a"]
    return body


def seed_of(kube: Kube, name: str) -> str | None:
    stored = kube.get(SHOOTS, NAMESPACE, name)
    seed: str | None = (stored or {}).get("spec", {}).get("seedName")
    return seed


def events_of(kube: Kube, name: str, reason: str) -> list[dict[str, Any]]:
    return [
        e
        for e in kube.list(EVENTS, NAMESPACE)
        if e["involvedObject"].get("name") == name and e["involvedObject"].get("kind") == "Shoot"
        if e["reason"] == reason
    ]


@pytest.fixture(scope="module")
def kube(garden: RunningServer) -> Iterator[Kube]:
    project_with_aws_binding(garden)
    client = Kube.from_kubeconfig(garden.kubeconfig)
    yield client
    client.close()


@pytest.fixture(scope="module")
def scheduler(kube: Kube) -> Iterator[Controller]:
    controller, registry = build(kube, FakeClock(), "SameRegion")
    with running([registry]):
        wait_for(lambda: controller.queue.idle and controller._threads, "the scheduler to start", timeout=20)
        yield controller


def test_a_shoot_is_bound_to_a_seed_in_its_region(garden: RunningServer, kube: Kube, scheduler: Controller) -> None:
    apply(garden, seed("euc-1", "eu-central-1"), seed("euw-1", "eu-west-1"))
    report(kube, "euc-1")
    report(kube, "euw-1")
    seen(scheduler, "euc-1", "euw-1")
    apply(garden, shoot("placed", "eu-central-1"))

    assert wait_for(lambda: seed_of(kube, "placed"), "the shoot to be scheduled", timeout=15) == "euc-1"
    table = garden.kubectl("get", "shoot", "placed", "-n", NAMESPACE, "-o", "wide").stdout
    header, row = table.splitlines()[:2]
    assert row[header.index("SEED") :].split()[0] == "euc-1", table
    [event] = wait_for(lambda: events_of(kube, "placed", "SchedulingSuccessful"), "the scheduled event")
    assert event["type"] == "Normal"
    assert event["message"] == "Scheduled to seed 'euc-1'"
    assert event["firstTimestamp"] == "2026-11-25T12:00:00Z"  # the scheduler's (fake) clock


def test_an_unschedulable_shoot_is_told_why_and_placed_once_a_seed_fits(
    garden: RunningServer, kube: Kube, scheduler: Controller
) -> None:
    apply(
        garden,
        seed("use-gcp", "us-east-1", provider="gcp"),
        seed("use-unready", "us-east-1"),
        seed("use-tainted", "us-east-1", taints=[{"key": "dedicated", "value": "team-a"}]),
    )
    report(kube, "use-gcp")
    report(kube, "use-unready", ready="Unknown")
    report(kube, "use-tainted")
    seen(scheduler, "use-gcp", "use-tainted")
    seen(scheduler, "use-unready", unready="not ready (GardenletReady Unknown)")
    apply(garden, shoot("waiting", "us-east-1"))

    [event] = wait_for(lambda: events_of(kube, "waiting", "SchedulingFailed"), "the scheduling failure event")
    assert event["type"] == "Warning"
    message = event["message"]
    assert message.startswith("Failed to schedule Shoot: 0/5 seeds are available: ")
    for reason in (
        "euc-1: region eu-central-1 != us-east-1",
        "euw-1: region eu-west-1 != us-east-1",
        "use-gcp: provider type gcp not in the CloudProfile's seedSelector.providerTypes [aws]",
        "use-tainted: taint dedicated=team-a not tolerated",
        "use-unready: not ready (GardenletReady Unknown)",
    ):
        assert reason in message

    def reported() -> dict[str, Any] | None:  # the status is patched right after the event is posted
        stored = kube.get(SHOOTS, NAMESPACE, "waiting")
        return stored if stored and (stored.get("status") or {}).get("lastOperation") else None

    stored = wait_for(reported, "the failure in the shoot's last operation")
    last_operation = stored["status"]["lastOperation"]
    assert (last_operation["type"], last_operation["state"]) == ("Create", "Pending")
    assert last_operation["description"] == message
    [condition] = [c for c in stored["status"]["conditions"] if c["type"] == "Scheduled"]
    assert (condition["status"], condition["reason"], condition["message"]) == ("False", "SchedulingFailed", message)
    assert "seedName" not in stored["spec"]
    generation = stored["metadata"]["generation"]

    # The gardenlet of use-unready comes up: the shoot is scheduled without anyone touching it.
    report(kube, "use-unready")
    assert wait_for(lambda: seed_of(kube, "waiting"), "the waiting shoot to be scheduled", timeout=15) == "use-unready"
    after = kube.get(SHOOTS, NAMESPACE, "waiting")
    assert after is not None
    assert after["metadata"]["generation"] == generation + 1  # only the binding changed the spec
    assert scheduler.unschedulable == []

    def scheduled_condition() -> dict[str, Any] | None:
        stored = kube.get(SHOOTS, NAMESPACE, "waiting") or {}
        found = [c for c in (stored.get("status") or {}).get("conditions") or [] if c["type"] == "Scheduled"]
        return found[0] if found and found[0]["status"] == "True" else None

    assert (
        wait_for(scheduled_condition, "the Scheduled condition to turn True")["message"]
        == "Scheduled to seed 'use-unready'"
    )


def test_a_full_seed_takes_no_more_shoots(garden: RunningServer, kube: Kube, scheduler: Controller) -> None:
    apply(garden, seed("usw-a", "us-west-2"), seed("usw-b", "us-west-2"))
    report(kube, "usw-a", allocatable=1)
    report(kube, "usw-b", allocatable=10)
    seen(scheduler, "usw-a", "usw-b")
    placed = []
    for name in ("first", "second", "third"):
        apply(garden, shoot(name, "us-west-2"))
        placed.append(wait_for(functools.partial(seed_of, kube, name), f"shoot {name} to be scheduled", timeout=15))
    # first: both empty, the first name wins; second: the least loaded; third: usw-a would win the tie, but is full.
    assert placed == ["usw-a", "usw-b", "usw-b"]
    assert scheduler.scheduler.counts.count("usw-a") == 1
    assert scheduler.scheduler.counts.count("usw-b") == 2
