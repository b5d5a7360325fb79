"""Hibernation schedules: which transition happened since the last trigger, across time zones, DST and overlaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from garden.api.base import format_time
from garden.controllermanager import hibernation as h

pytestmark = pytest.mark.unit


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


CREATED = datetime(2026, 11, 1, tzinfo=UTC)


def shoot(
    *schedules: dict[str, Any],
    created: datetime = CREATED,
    last_trigger: datetime | None = None,
    enabled: bool | None = None,
) -> dict[str, Any]:
    hibernation: dict[str, Any] = {"schedules": list(schedules)}
    if enabled is not None:
        hibernation["enabled"] = enabled
    body: dict[str, Any] = {
        "metadata": {"name": "web", "namespace": "garden-dev", "creationTimestamp": format_time(created)},
        "spec": {"hibernation": hibernation},
    }
    if last_trigger is not None:
        body["status"] = {"lastHibernationTriggerTime": format_time(last_trigger)}
    return body


def schedule(start: str | None = None, end: str | None = None, location: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if start is not None:
        out["start"] = start
    if end is not None:
        out["end"] = end
    if location is not None:
        out["location"] = location
    return out


WEEKNIGHTS = schedule("0 19 * * 1-5", "0 7 * * 1-5", "Europe/Berlin")


def test_a_start_hibernates_and_an_end_wakes_up() -> None:
    # 2026-11-25 is a Wednesday: 19:00 CET is 18:00 UTC, 07:00 CET 06:00 UTC.
    s = shoot(WEEKNIGHTS, last_trigger=utc(2026, 11, 25, 12))
    assert h.decide(s, utc(2026, 11, 25, 17, 59)) is None
    assert h.decide(s, utc(2026, 11, 25, 18, 0)) == h.Transition(utc(2026, 11, 25, 18), True)
    s = shoot(WEEKNIGHTS, last_trigger=utc(2026, 11, 25, 18, 0, 5))
    assert h.decide(s, utc(2026, 11, 26, 5, 0)) is None
    assert h.decide(s, utc(2026, 11, 26, 6, 1)) == h.Transition(utc(2026, 11, 26, 6), False)


def test_a_transition_is_carried_out_once_and_a_manual_change_afterwards_stands() -> None:
    # Triggered at 18:00:05; the user wakes the shoot at 20:00; nothing fires until 06:00 the next morning.
    s = shoot(WEEKNIGHTS, last_trigger=utc(2026, 11, 25, 18, 0, 5), enabled=False)
    for hour in (18, 20, 23):
        assert h.decide(s, utc(2026, 11, 25, hour, 30)) is None


def test_the_look_back_is_bounded_by_the_trigger_deadline() -> None:
    # Last triggered long ago: a transition more than 2 hours back is not carried out late.
    s = shoot(WEEKNIGHTS, last_trigger=utc(2026, 11, 20))
    assert h.decide(s, utc(2026, 11, 25, 20, 1)) is None
    assert h.decide(s, utc(2026, 11, 25, 19, 59)) == h.Transition(utc(2026, 11, 25, 18), True)
    assert h.earliest(s, utc(2026, 11, 25, 19, 59)) == utc(2026, 11, 25, 17, 59)
    # A shoot created after the last firing is not changed by it.
    fresh = shoot(WEEKNIGHTS, created=utc(2026, 11, 25, 18, 30))
    assert h.decide(fresh, utc(2026, 11, 25, 19)) is None


def test_overlapping_schedules_the_most_recent_transition_wins() -> None:
    # A nightly schedule (sleep 22:00, wake 06:00 UTC) and a lunch break (sleep 12:00, wake 13:00 UTC).
    nightly = schedule("0 22 * * *", "0 6 * * *")
    lunch = schedule("0 12 * * *", "0 13 * * *")
    s = shoot(nightly, lunch, last_trigger=utc(2026, 11, 25, 11))
    assert h.decide(s, utc(2026, 11, 25, 12, 30)) == h.Transition(utc(2026, 11, 25, 12), True)
    assert h.decide(s, utc(2026, 11, 25, 13, 0)) == h.Transition(utc(2026, 11, 25, 13), False)
    # Two transitions since the last look: only the later counts.
    s = shoot(nightly, lunch, last_trigger=utc(2026, 11, 25, 11, 30))
    assert h.decide(s, utc(2026, 11, 25, 13, 5)) == h.Transition(utc(2026, 11, 25, 13), False)
    # The same instant from two schedules: the first in order wins.
    same = shoot(schedule("0 12 * * *"), schedule(end="0 12 * * *"), last_trigger=utc(2026, 11, 25, 11))
    assert h.decide(same, utc(2026, 11, 25, 12, 1)) == h.Transition(utc(2026, 11, 25, 12), True)


def test_schedules_in_different_zones_are_compared_as_instants() -> None:
    tokyo = schedule(end="0 8 * * *", location="Asia/Tokyo")  # 23:00 UTC the day before
    new_york = schedule("0 18 * * *", location="America/New_York")  # 23:00 UTC in winter
    s = shoot(tokyo, new_york, last_trigger=utc(2026, 11, 25, 22))
    transition = h.decide(s, utc(2026, 11, 25, 23, 30))
    assert transition is not None and transition.at == utc(2026, 11, 25, 23)
    assert transition.enabled is False  # the same instant: Tokyo's wake-up is listed first


def test_spring_forward_a_skipped_start_fires_when_the_clocks_jump() -> None:
    # Europe/Berlin, 2027-03-28: 02:30 does not exist; the start fires at 03:00 CEST (01:00 UTC).
    s = shoot(schedule("30 2 * * *", "0 6 * * *", "Europe/Berlin"), last_trigger=utc(2027, 3, 27, 23))
    assert h.decide(s, utc(2027, 3, 28, 0, 59)) is None
    assert h.decide(s, utc(2027, 3, 28, 1, 0)) == h.Transition(utc(2027, 3, 28, 1), True)
    # The end at 06:00 CEST is 04:00 UTC that day.
    s = shoot(schedule("30 2 * * *", "0 6 * * *", "Europe/Berlin"), last_trigger=utc(2027, 3, 28, 1, 0, 2))
    assert h.decide(s, utc(2027, 3, 28, 4, 0)) == h.Transition(utc(2027, 3, 28, 4), False)


def test_fall_back_a_repeated_start_fires_once() -> None:
    # Europe/Berlin, 2026-10-25: 02:30 happens at 00:30 UTC (CEST) and 01:30 UTC (CET); it fires at the first.
    nightly = schedule("30 2 * * *", location="Europe/Berlin")
    s = shoot(nightly, last_trigger=utc(2026, 10, 24, 23))
    assert h.decide(s, utc(2026, 10, 25, 0, 30)) == h.Transition(utc(2026, 10, 25, 0, 30), True)
    after_first = shoot(nightly, last_trigger=utc(2026, 10, 25, 0, 30, 3), enabled=False)
    assert h.decide(after_first, utc(2026, 10, 25, 1, 45)) is None  # the second 02:30 does not fire again


def test_new_york_spring_forward() -> None:
    # America/New_York, 2027-03-14: 02:15 does not exist; fires at 03:00 EDT (07:00 UTC).
    s = shoot(schedule(end="15 2 * * *", location="America/New_York"), last_trigger=utc(2027, 3, 14, 5))
    assert h.decide(s, utc(2027, 3, 14, 6, 59)) is None
    assert h.decide(s, utc(2027, 3, 14, 7, 0)) == h.Transition(utc(2027, 3, 14, 7), False)


def test_shoots_left_alone() -> None:
    now = utc(2026, 11, 25, 18, 1)
    base = shoot(WEEKNIGHTS, last_trigger=utc(2026, 11, 25, 12))
    assert h.decide(base, now) is not None
    deleting = shoot(WEEKNIGHTS, last_trigger=utc(2026, 11, 25, 12))
    deleting["metadata"]["deletionTimestamp"] = "2026-11-25T17:00:00Z"
    assert h.decide(deleting, now) is None
    failed = shoot(WEEKNIGHTS, last_trigger=utc(2026, 11, 25, 12))
    failed["metadata"]["generation"] = 3
    failed["status"].update({"observedGeneration": 3, "lastOperation": {"state": "Failed"}})
    assert h.decide(failed, now) is None
    broken = shoot(schedule("99 * * * *"), last_trigger=utc(2026, 11, 25, 12))
    assert h.decide(broken, now) is None
    assert h.decide(shoot(), now) is None


def test_next_transition() -> None:
    parsed = h.parse_schedules([WEEKNIGHTS])
    assert h.next_transition(parsed, utc(2026, 11, 25, 12)) == utc(2026, 11, 25, 18)
    assert h.next_transition(parsed, utc(2026, 11, 27, 19)) == utc(2026, 11, 30, 6)  # Friday night to Monday
    assert h.next_transition([], utc(2026, 11, 25, 12)) is None
    assert h.earliest(shoot(WEEKNIGHTS, created=utc(2026, 1, 1)), utc(2026, 11, 25, 12)) == utc(2026, 11, 25, 10)
    assert timedelta(days=7) == h.LOOKBACK
