"""Conditions are written as Gardener's condition builder writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from garden.api.conditions import (
    get_condition,
    merge_conditions,
    parse_time,
    set_condition,
    updated_condition,
)
from tests.fakes.clock import FakeClock

pytestmark = pytest.mark.unit

T0 = "2026-11-25T12:00:00Z"


def test_a_new_condition_gets_both_times() -> None:
    clock = FakeClock()
    [condition] = set_condition([], "GardenletReady", "True", "Ready", "all good", clock.now())
    assert condition == {
        "type": "GardenletReady",
        "status": "True",
        "reason": "Ready",
        "message": "all good",
        "lastTransitionTime": T0,
        "lastUpdateTime": T0,
    }


def test_same_status_keeps_the_transition_time_and_a_new_message_updates() -> None:
    clock = FakeClock()
    first = set_condition(None, "A", "True", "Ok", "fine", clock.now())
    clock.advance(timedelta(minutes=5))
    same = set_condition(first, "A", "True", "Ok", "fine", clock.now())
    assert same == first  # nothing to write
    reworded = set_condition(first, "A", "True", "Ok", "still fine", clock.now())
    assert reworded[0]["lastTransitionTime"] == T0
    assert reworded[0]["lastUpdateTime"] == "2026-11-25T12:05:00Z"


def test_a_status_change_moves_the_transition_time() -> None:
    clock = FakeClock()
    first = set_condition(None, "A", "True", "Ok", "fine", clock.now())
    clock.advance(timedelta(seconds=90))
    [changed] = set_condition(first, "A", "Unknown", "Ok", "fine", clock.now())
    assert changed["lastTransitionTime"] == "2026-11-25T12:01:30Z"
    assert changed["lastUpdateTime"] == T0  # reason and message are the same


def test_other_conditions_and_order_are_kept_and_the_input_is_not_changed() -> None:
    clock = FakeClock()
    old = [{"type": "A", "status": "True"}, {"type": "B", "status": "False", "reason": "x", "message": "y"}]
    new = set_condition(old, "A", "False", "Broken", "gone", clock.now())
    assert [c["type"] for c in new] == ["A", "B"]
    assert new[1] == old[1]
    assert old[0] == {"type": "A", "status": "True"}
    assert new[0]["lastTransitionTime"] == T0


def test_codes_belong_to_the_last_update_only() -> None:
    now = FakeClock().now()
    coded = updated_condition(None, "A", "False", "Quota", "exceeded", now, codes=["ERR_INFRA_QUOTA_EXCEEDED"])
    assert coded["codes"] == ["ERR_INFRA_QUOTA_EXCEEDED"]
    later = now + timedelta(minutes=1)
    cleared = updated_condition(coded, "A", "False", "Quota", "exceeded", later)
    assert "codes" not in cleared
    assert cleared["lastUpdateTime"] == "2026-11-25T12:01:00Z"


def test_empty_reason_and_message_fall_back() -> None:
    now = FakeClock().now()
    condition = updated_condition(None, "A", "Unknown", "", "", now)
    assert (condition["reason"], condition["message"]) == ("Unspecified", "No message given.")
    kept = updated_condition({**condition, "reason": "Before", "message": "earlier"}, "A", "Unknown", "", "", now)
    assert (kept["reason"], kept["message"]) == ("Before", "earlier")


def test_merge_and_get() -> None:
    merged = merge_conditions([{"type": "A", "status": "True"}], {"type": "B", "status": "False"}, {"type": "A"})
    assert merged == [{"type": "A"}, {"type": "B", "status": "False"}]
    assert get_condition(merged, "B") == {"type": "B", "status": "False"}
    assert get_condition(merged, "C") is None
    assert get_condition(None, "A") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-25T12:00:00Z", datetime(2026, 11, 25, 12, tzinfo=UTC)),
        ("2026-11-25T12:00:00.250000Z", datetime(2026, 11, 25, 12, 0, 0, 250000, tzinfo=UTC)),
        ("2026-11-25T13:00:00+01:00", datetime(2026, 11, 25, 12, tzinfo=UTC)),
        ("not a time", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_parse_time(value: object, expected: datetime | None) -> None:
    assert parse_time(value) == expected
