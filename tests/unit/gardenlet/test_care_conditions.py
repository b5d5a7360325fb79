"""Care conditions from check results: thresholds on a fake clock, as Gardener's FailedCondition decides."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from garden.api.base import format_time
from gardenlet.controllers.care.conditions import (
    API_SERVER_AVAILABLE,
    CONDITION_TYPES,
    DEFAULT_THRESHOLDS,
    EVERY_NODE_READY,
    HIBERNATED_REASON,
    Check,
    condition_from,
    conditions_from,
    hibernated_conditions,
    thresholds,
)
from tests.fakes.clock import FakeClock

DOWN = Check.failed(API_SERVER_AVAILABLE, "HealthzRequestError", "connection refused")
UP = Check.healthy(API_SERVER_AVAILABLE, "HealthzRequestSucceeded", "ok")


def test_a_failure_of_a_healthy_condition_is_progressing_until_the_threshold_passes() -> None:
    clock = FakeClock()
    healthy = condition_from(None, UP, clock.now(), 60)
    assert healthy["status"] == "True"
    clock.advance(timedelta(seconds=10))
    failing_since = clock.now()
    progressing = condition_from(healthy, DOWN, clock.now(), 60)
    assert progressing["status"] == "Progressing"
    assert progressing["reason"] == "HealthzRequestError"
    assert progressing["lastTransitionTime"] == format_time(failing_since)

    clock.advance(timedelta(seconds=60))
    still = condition_from(progressing, DOWN, clock.now(), 60)
    assert still["status"] == "Progressing"
    assert still["lastTransitionTime"] == format_time(failing_since)

    clock.advance(timedelta(seconds=1))
    failed = condition_from(still, DOWN, clock.now(), 60)
    assert failed["status"] == "False"
    assert failed["lastTransitionTime"] == format_time(clock.now())


def test_recovery_while_progressing_is_true_again() -> None:
    clock = FakeClock()
    progressing = condition_from(condition_from(None, UP, clock.now(), 60), DOWN, clock.now(), 60)
    clock.advance(timedelta(seconds=5))
    recovered = condition_from(progressing, UP, clock.now(), 60)
    assert recovered["status"] == "True"
    assert recovered["reason"] == "HealthzRequestSucceeded"


@pytest.mark.parametrize("previous", [None, "False", "Unknown"], ids=["new", "false", "unknown"])
def test_a_failure_without_a_healthy_past_is_false_at_once(previous: str | None) -> None:
    clock = FakeClock()
    old: dict[str, Any] | None = None
    if previous is not None:
        old = {"type": API_SERVER_AVAILABLE, "status": previous, "reason": "x", "message": "y"}
    assert condition_from(old, DOWN, clock.now(), 60)["status"] == "False"


def test_a_zero_threshold_turns_false_at_once() -> None:
    clock = FakeClock()
    healthy = condition_from(None, UP, clock.now(), 0)
    assert condition_from(healthy, DOWN, clock.now(), 0)["status"] == "False"


def test_a_check_that_could_not_run_is_unknown() -> None:
    clock = FakeClock()
    check = Check.unknown(EVERY_NODE_READY, "APIServerDown", "no answer")
    condition = condition_from(condition_from(None, UP, clock.now(), 60), check, clock.now(), 300)
    assert (condition["status"], condition["reason"], condition["type"]) == (
        "Unknown",
        "APIServerDown",
        EVERY_NODE_READY,
    )


def test_error_codes_are_kept_on_the_condition() -> None:
    clock = FakeClock()
    check = Check.failed(API_SERVER_AVAILABLE, "X", "y", "ERR_INFRA_UNAUTHORIZED")
    assert condition_from(None, check, clock.now(), 0)["codes"] == ["ERR_INFRA_UNAUTHORIZED"]


def test_configured_thresholds_override_gardeners_defaults() -> None:
    merged = thresholds({API_SERVER_AVAILABLE: 5})
    assert merged[API_SERVER_AVAILABLE] == 5
    assert merged[EVERY_NODE_READY] == DEFAULT_THRESHOLDS[EVERY_NODE_READY] == 300


def test_conditions_from_uses_each_types_threshold() -> None:
    clock = FakeClock()
    nodes_down = Check.failed(EVERY_NODE_READY, "NodeUnhealthy", "n1")
    healthy = conditions_from(None, [UP, Check.healthy(EVERY_NODE_READY, "EveryNodeReady", "ok")], clock.now(), {})
    clock.advance(timedelta(seconds=120))
    first = conditions_from(healthy, [DOWN, nodes_down], clock.now(), thresholds({}))
    clock.advance(timedelta(seconds=120))
    second = conditions_from(first, [DOWN, nodes_down], clock.now(), thresholds({}))
    assert [c["status"] for c in second] == ["False", "Progressing"]  # 60 s for the API server, 300 s for nodes


def test_hibernated_conditions_are_true_and_not_checked() -> None:
    clock = FakeClock()
    existing = [{"type": API_SERVER_AVAILABLE, "status": "False", "reason": "x", "message": "y"}]
    found = hibernated_conditions(existing, CONDITION_TYPES, clock.now())
    assert [c["type"] for c in found] == list(CONDITION_TYPES)
    assert {c["status"] for c in found} == {"True"}
    assert {c["reason"] for c in found} == {HIBERNATED_REASON}
