"""Maintenance time windows: membership in UTC and other offsets, windows across midnight, the effective window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from garden.api.timewindow import ALWAYS, TimeWindow, effective_window

pytestmark = pytest.mark.unit


def at(hour: int, minute: int = 0, second: int = 0, day: int = 25) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=UTC)


def window(begin: str, end: str) -> TimeWindow:
    parsed = TimeWindow.parse(begin, end)
    assert parsed is not None
    return parsed


def test_a_window_in_utc_contains_both_bounds_and_nothing_outside() -> None:
    w = window("220000+0000", "230000+0000")
    assert not w.contains(at(21, 59, 59))
    assert w.contains(at(22))
    assert w.contains(at(22, 30))
    assert w.contains(at(23))
    assert not w.contains(at(23, 0, 1))
    assert w.current_start(at(22, 30)) == at(22)
    assert w.current_start(at(12)) is None


def test_offsets_move_the_window_to_utc() -> None:
    # 22:00-23:00 at +0100 is 21:00-22:00 UTC; at -0500 it is 03:00-04:00 UTC the next day.
    berlin = window("220000+0100", "230000+0100")
    assert berlin.contains(at(21, 30)) and not berlin.contains(at(22, 30))
    new_york = window("220000-0500", "230000-0500")
    assert new_york.contains(at(3, 30)) and not new_york.contains(at(22, 30))
    assert new_york.current_start(at(3, 30)) == at(3)
    # Bounds with different offsets: 10:00+0200 (08:00 UTC) to 08:30+0000.
    mixed = window("100000+0200", "083000+0000")
    assert mixed.length == timedelta(minutes=30)
    assert mixed.contains(at(8, 15))


def test_a_window_across_midnight_belongs_to_the_day_it_began() -> None:
    w = window("230000+0000", "020000+0000")
    assert w.spans_midnight
    assert w.contains(at(23, 30)) and w.contains(at(0, 0)) and w.contains(at(1, 59)) and w.contains(at(2))
    assert not w.contains(at(2, 0, 1)) and not w.contains(at(12))
    assert w.current_start(at(23, 30)) == at(23)
    assert w.current_start(at(1, 0, day=26)) == at(23, day=25)
    # A window written in local time that crosses midnight only in UTC: 00:30-01:30 at +0100.
    local = window("003000+0100", "013000+0100")
    assert local.spans_midnight
    assert local.current_start(at(0, 10, day=26)) == at(23, 30, day=25)


def test_the_effective_window_ends_15_minutes_early() -> None:
    w = window("220000+0000", "230000+0000").effective()
    assert w.contains(at(22, 45)) and not w.contains(at(22, 46))
    # Cutting may take a window back before midnight.
    assert not window("230000+0000", "000500+0000").effective().spans_midnight
    assert effective_window("220000+0000", "230000+0000") == w


def test_a_shoot_without_a_readable_window_is_maintained_all_day() -> None:
    assert effective_window(None, None) == ALWAYS
    assert effective_window("nonsense", "230000+0000") == ALWAYS
    assert ALWAYS.contains(at(0)) and ALWAYS.contains(at(23, 59, 59))
    assert ALWAYS.current_start(at(13, 5)) == at(0)


def test_next_start_is_strictly_after() -> None:
    w = window("220000+0000", "230000+0000")
    assert w.next_start(at(12)) == at(22)
    assert w.next_start(at(22)) == at(22, day=26)
