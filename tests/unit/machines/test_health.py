from __future__ import annotations

import pytest

from gardenlet.machines.health import Candidate, Observation, next_phase, parse_duration, to_delete

pytestmark = pytest.mark.unit

CREATION, HEALTH = 100.0, 50.0


@pytest.mark.parametrize(
    ("observed", "now", "phase"),
    [
        (Observation(None, 0, None, "Pending"), 10, "Pending"),
        (Observation("Pending", 0, True), 10, "Running"),
        (Observation("Pending", 0, None, "Pending"), 101, "Failed"),
        (Observation("Pending", 0, None, "Terminated"), 1, "Failed"),
        (Observation("Running", 0, False), 1000, "Unknown"),
        (Observation("Running", 0, None), 1000, "Unknown"),
        (Observation("Unknown", 0, False), 49, "Unknown"),
        (Observation("Unknown", 0, False), 51, "Failed"),
        (Observation("Unknown", 0, True), 51, "Running"),
        (Observation("Failed", 0, True), 1, "Failed"),
    ],
    ids=[
        "new-waits",
        "joined",
        "creation-timeout",
        "vm-terminated",
        "node-not-ready",
        "node-gone",
        "within-health-timeout",
        "health-timeout",
        "recovered",
        "failed-stays",
    ],
)
def test_phases(observed: Observation, now: float, phase: str) -> None:
    assert next_phase(observed, now, CREATION, HEALTH) == phase


def test_broken_machines_go_before_starting_before_healthy_and_newest_first() -> None:
    machines = [
        Candidate("old-running", "Running", 1),
        Candidate("new-running", "Running", 5),
        Candidate("pending", "Pending", 2),
        Candidate("unknown", "Unknown", 3),
        Candidate("failed", "Failed", 0),
    ]
    assert to_delete(machines, 4) == ["failed", "unknown", "pending", "new-running"]
    assert to_delete(machines, 0) == []


def test_durations() -> None:
    assert parse_duration("1h30m", 0) == 5400
    assert parse_duration("90s", 0) == 90
    assert parse_duration(None, 7) == 7
    with pytest.raises(ValueError, match="duration"):
        parse_duration("10", 0)
    with pytest.raises(ValueError, match="duration"):
        parse_duration("10d", 0)
