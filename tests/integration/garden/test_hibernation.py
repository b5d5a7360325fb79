"""Hibernation schedules under real kopf against a garden, on virtual time: the start hibernates, the end wakes up,
and a manual change between them stands."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from garden.controllermanager import hibernation
from garden.controllermanager.context import ControllerContext
from garden.kube import SHOOTS, Kube
from garden.operator import running
from tests.fakes.clock import FakeClock
from tests.integration.garden.objects import apply, aws_shoot, project_with_aws_binding
from tests.integration.server import RunningServer
from tests.integration.waiting import wait_for

pytestmark = pytest.mark.integration

RESYNC = 0.1
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def kube(garden: RunningServer) -> Iterator[Kube]:
    client = Kube.from_kubeconfig(garden.kubeconfig)
    yield client
    client.close()


def daily_at(moment: datetime) -> str:
    """A cron spec firing daily at the Berlin wall-clock time of ``moment``."""
    local = moment.astimezone(BERLIN)
    return f"{local.minute} {local.hour} * * *"


def enabled(kube: Kube, namespace: str, name: str) -> bool | None:
    shoot = kube.get(SHOOTS, namespace, name)
    assert shoot is not None
    value: bool | None = (shoot["spec"].get("hibernation") or {}).get("enabled")
    return value


def test_schedules_hibernate_and_wake_up_at_their_times(garden: RunningServer, kube: Kube) -> None:
    namespace = project_with_aws_binding(garden)
    # Virtual time starts now (the shoot's creation bounds the look back) on a whole minute.
    start = (datetime.now(UTC) + timedelta(minutes=2)).replace(second=0, microsecond=0)
    sleep_at, wake_at = start + timedelta(minutes=30), start + timedelta(minutes=90)
    schedule = {"start": daily_at(sleep_at), "end": daily_at(wake_at), "location": "Europe/Berlin"}
    apply(garden, aws_shoot("sleepy", hibernation={"schedules": [schedule]}))
    clock = FakeClock(start)
    ctx = ControllerContext(kube, clock, resync_seconds=RESYNC)
    with running([hibernation.registry(ctx)]):
        time.sleep(10 * RESYNC)
        assert enabled(kube, namespace, "sleepy") is None

        clock.set(sleep_at + timedelta(seconds=5))
        wait_for(lambda: enabled(kube, namespace, "sleepy") is True, "the shoot to be hibernated")
        shoot = kube.get(SHOOTS, namespace, "sleepy")
        assert shoot is not None
        assert shoot["status"]["lastHibernationTriggerTime"] >= sleep_at.strftime("%Y-%m-%dT%H:%M:%SZ")

        # The user wakes it by hand: the schedule does not fight it until its next transition.
        kube.patch(SHOOTS, namespace, "sleepy", {"spec": {"hibernation": {"enabled": False}}})
        clock.advance(timedelta(minutes=10))
        time.sleep(10 * RESYNC)
        assert enabled(kube, namespace, "sleepy") is False

        # The end wakes it (it already is); the next day's start hibernates it again.
        kube.patch(SHOOTS, namespace, "sleepy", {"spec": {"hibernation": {"enabled": True}}})
        clock.set(wake_at + timedelta(seconds=5))
        wait_for(lambda: enabled(kube, namespace, "sleepy") is False, "the shoot to be woken up")
        clock.set(sleep_at + timedelta(days=1, seconds=5))
        wait_for(lambda: enabled(kube, namespace, "sleepy") is True, "the shoot to be hibernated the next day")
