"""Event TTL decisions: when an event last happened, when it expires, and the expiry schedule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from garden.api.base import format_time
from garden.api.conditions import parse_time
from garden.controllermanager.eventttl import ExpirySchedule, expired, expires_at, is_shoot_event, last_seen
from tests.fakes.clock import FakeClock

pytestmark = pytest.mark.unit

TTL = 3600.0
SHOOT_TTL = 86400.0


def event(kind: str = "Project", api_version: str = "core.gardener.cloud/v1beta1", **fields: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "e", "namespace": "garden-dev", "creationTimestamp": "2026-11-25T08:00:00Z"},
        "involvedObject": {"kind": kind, "apiVersion": api_version, "name": "dev"},
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "2026-11-25T08:00:00Z"),
        ({"firstTimestamp": "2026-11-25T09:00:00Z"}, "2026-11-25T09:00:00Z"),
        ({"firstTimestamp": "2026-11-25T09:00:00Z", "lastTimestamp": "2026-11-25T10:00:00Z"}, "2026-11-25T10:00:00Z"),
        ({"lastTimestamp": "2026-11-25T10:00:00Z", "eventTime": "2026-11-25T10:30:00.000001Z"}, "2026-11-25T10:30:00Z"),
        (
            {
                "eventTime": "2026-11-25T10:30:00.000000Z",
                "series": {"count": 3, "lastObservedTime": "2026-11-25T11:00:00.000000Z"},
            },
            "2026-11-25T11:00:00Z",
        ),
        ({"lastTimestamp": None, "eventTime": None}, "2026-11-25T08:00:00Z"),
    ],
)
def test_last_seen(fields: dict[str, Any], expected: str) -> None:
    seen = last_seen(event(**fields))
    assert seen is not None
    assert format_time(seen) == expected


def test_an_event_without_any_time_never_expires() -> None:
    assert last_seen({"metadata": {"name": "e"}}) is None
    assert expires_at({"metadata": {"name": "e"}}, TTL, SHOOT_TTL) is None
    assert not expired({"metadata": {}}, FakeClock().now(), TTL, SHOOT_TTL)


@pytest.mark.parametrize(
    ("kind", "api_version", "shoot"),
    [
        ("Shoot", "core.gardener.cloud/v1beta1", True),
        ("Shoot", "v1", False),
        ("Shoot", "example.com/v1", False),
        ("Project", "core.gardener.cloud/v1beta1", False),
        ("Pod", "v1", False),
    ],
)
def test_shoot_events(kind: str, api_version: str, shoot: bool) -> None:
    assert is_shoot_event(event(kind, api_version)) is shoot
    regarding = {"metadata": {}, "regarding": {"kind": kind, "apiVersion": api_version}}
    assert is_shoot_event(regarding) is shoot


def test_expiry_by_age_and_kind() -> None:
    clock = FakeClock()
    now = clock.now()
    old = event(lastTimestamp=format_time(now - timedelta(hours=2)))
    new = event(lastTimestamp=format_time(now - timedelta(minutes=10)))
    exactly = event(lastTimestamp=format_time(now - timedelta(seconds=TTL)))
    old_shoot = event("Shoot", lastTimestamp=format_time(now - timedelta(hours=2)))
    assert expired(old, now, TTL, SHOOT_TTL)
    assert expired(exactly, now, TTL, SHOOT_TTL)
    assert not expired(new, now, TTL, SHOOT_TTL)
    assert not expired(old_shoot, now, TTL, SHOOT_TTL)  # shoot events are kept longer
    assert expired(old_shoot, now + timedelta(hours=23), TTL, SHOOT_TTL)
    assert expires_at(new, TTL, SHOOT_TTL) == now + timedelta(minutes=50)


def test_schedule_hands_out_what_is_due_earliest_first() -> None:
    clock = FakeClock()
    now = clock.now()
    schedule = ExpirySchedule()
    schedule.set(("ns", "late"), now + timedelta(minutes=30))
    schedule.set(("ns", "early"), now - timedelta(minutes=5))
    schedule.set(("ns", "now"), now)
    assert len(schedule) == 3
    assert schedule.pop_due(now) == [("ns", "early"), ("ns", "now")]
    assert schedule.pop_due(now) == []
    assert ("ns", "late") in schedule
    assert schedule.next_due() == now + timedelta(minutes=30)


def test_schedule_follows_repeats_and_deletions() -> None:
    now = FakeClock().now()
    schedule = ExpirySchedule()
    schedule.set(("ns", "repeated"), now - timedelta(minutes=1))
    schedule.set(("ns", "repeated"), now + timedelta(minutes=10))  # happened again: later
    schedule.set(("ns", "deleted"), now - timedelta(minutes=1))
    schedule.forget(("ns", "deleted"))
    schedule.set(("ns", "timeless"), now)
    schedule.set(("ns", "timeless"), None)
    assert schedule.pop_due(now) == []
    assert len(schedule) == 1
    assert schedule.pop_due(now + timedelta(minutes=10)) == [("ns", "repeated")]
    assert schedule.next_due() is None


def test_schedule_compacts_stale_entries() -> None:
    now = FakeClock().now()
    schedule = ExpirySchedule()
    for minute in range(1000):
        schedule.set(("ns", "busy"), now + timedelta(minutes=minute))
    assert len(schedule) == 1
    assert len(schedule._heap) < 100
    assert schedule.pop_due(now + timedelta(days=1)) == [("ns", "busy")]


def test_parse_time_reads_micro_times() -> None:
    assert parse_time("2026-11-25T11:00:00.123456Z") is not None
