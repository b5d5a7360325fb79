"""Seed lifecycle decisions: a silent gardenlet makes its seed, and later its shoots, Unknown."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from garden.api.base import format_time
from garden.api.conditions import get_condition
from garden.controllermanager import seedlifecycle as lc
from tests.fakes.clock import FakeClock

pytestmark = pytest.mark.unit

GRACE = 40.0


def lease(renewed: datetime | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"holderIdentity": "gardenlet"}
    if renewed is not None:
        spec["renewTime"] = renewed.strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # a MicroTime
    return {"metadata": {"name": "aws-eu1", "namespace": lc.LEASE_NAMESPACE}, "spec": spec}


def seed(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"name": "aws-eu1"}, "status": {"conditions": list(conditions)}}


def ready(status: str, since: datetime, reason: str = "GardenletReady") -> dict[str, Any]:
    stamp = format_time(since)
    return {
        "type": "GardenletReady",
        "status": status,
        "reason": reason,
        "message": "Gardenlet is posting ready status.",
        "lastTransitionTime": stamp,
        "lastUpdateTime": stamp,
    }


@pytest.mark.parametrize(
    ("age", "renewed"),
    [(0, True), (39, True), (39.9, True), (40, False), (300, False)],
)
def test_lease_age(age: float, renewed: bool) -> None:
    clock = FakeClock()
    held = lease(clock.now() - timedelta(seconds=age))
    assert lc.lease_renewed(held, clock.now(), GRACE) is renewed


def test_missing_lease_or_renew_time_is_not_renewed() -> None:
    now = FakeClock().now()
    assert not lc.lease_renewed(None, now, GRACE)
    assert not lc.lease_renewed(lease(None), now, GRACE)


def test_a_seed_never_reported_on_is_left_alone() -> None:
    verdict = lc.assess_seed(seed(), None, FakeClock().now(), grace_seconds=GRACE)
    assert verdict == lc.SeedVerdict(None, shoots_unknown=False)


def test_a_fresh_lease_changes_nothing() -> None:
    clock = FakeClock()
    reported = seed(ready("True", clock.now() - timedelta(hours=1)))
    verdict = lc.assess_seed(reported, lease(clock.now() - timedelta(seconds=10)), clock.now(), grace_seconds=GRACE)
    assert verdict == lc.SeedVerdict(None, shoots_unknown=False)


def test_a_stale_lease_makes_gardenlet_ready_unknown_then_the_shoots_follow() -> None:
    clock = FakeClock()
    start = clock.now()
    system = {"type": "SeedSystemComponentsHealthy", "status": "True"}
    reported = seed(ready("True", start - timedelta(hours=1)), system)
    held = lease(start)
    clock.advance(timedelta(seconds=41))
    verdict = lc.assess_seed(reported, held, clock.now(), grace_seconds=GRACE)
    assert verdict.conditions is not None
    assert not verdict.shoots_unknown
    condition = get_condition(verdict.conditions, "GardenletReady")
    assert condition is not None
    assert condition["status"] == "Unknown"
    assert condition["reason"] == "SeedStatusUnknown"
    assert condition["message"] == "Gardenlet stopped posting seed status."
    assert condition["lastTransitionTime"] == format_time(clock.now())
    assert get_condition(verdict.conditions, "SeedSystemComponentsHealthy") == {
        "type": "SeedSystemComponentsHealthy",
        "status": "True",
    }

    written = seed(*verdict.conditions)
    clock.advance(timedelta(seconds=lc.SHOOT_MONITOR_SECONDS - 1))
    assert lc.assess_seed(written, held, clock.now(), grace_seconds=GRACE) == lc.SeedVerdict(None, False)
    clock.advance(timedelta(seconds=1))
    assert lc.assess_seed(written, held, clock.now(), grace_seconds=GRACE) == lc.SeedVerdict(None, True)


def test_a_missing_lease_is_unknown_at_once() -> None:
    clock = FakeClock()
    verdict = lc.assess_seed(seed(ready("True", clock.now())), None, clock.now(), grace_seconds=GRACE)
    assert verdict.conditions is not None
    assert verdict.conditions[0]["status"] == "Unknown"


def test_unknown_since_long_marks_shoots_and_the_monitor_period_is_a_setting() -> None:
    clock = FakeClock()
    silent = seed(ready("Unknown", clock.now() - timedelta(seconds=30), reason="SeedStatusUnknown"))
    silent["status"]["conditions"][0]["message"] = "Gardenlet stopped posting seed status."
    verdict = lc.assess_seed(silent, None, clock.now(), grace_seconds=GRACE, shoot_monitor_seconds=20)
    assert verdict == lc.SeedVerdict(None, shoots_unknown=True)


def test_a_renewed_lease_does_not_make_the_seed_ready() -> None:
    clock = FakeClock()
    silent = seed(ready("Unknown", clock.now() - timedelta(hours=1), reason="SeedStatusUnknown"))
    verdict = lc.assess_seed(silent, lease(clock.now()), clock.now(), grace_seconds=GRACE)
    assert verdict == lc.SeedVerdict(None, shoots_unknown=False)  # the gardenlet reports Ready itself


def shoot(workers: int = 1, **status: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "web", "namespace": "garden-dev"},
        "spec": {"seedName": "aws-eu1", "provider": {"workers": [{"name": f"w{i}"} for i in range(workers)]}},
        "status": status,
    }


def test_shoot_conditions_and_constraints_become_unknown() -> None:
    clock = FakeClock()
    before = format_time(clock.now() - timedelta(days=1))
    healthy = {"status": "True", "reason": "Healthy", "message": "ok", "lastTransitionTime": before}
    target = shoot(
        conditions=[
            {"type": "APIServerAvailable", **healthy},
            {"type": "EveryNodeReady", **healthy, "codes": ["ERR_INFRA_DEPENDENCIES"]},
            {"type": "Custom", "status": "True"},
        ],
        constraints=[{"type": "HibernationPossible", **healthy}],
    )
    status = lc.shoot_status_unknown(target, clock.now())
    assert status is not None
    types = [c["type"] for c in status["conditions"]]
    assert types == [
        "APIServerAvailable",
        "EveryNodeReady",
        "Custom",
        "ControlPlaneHealthy",
        "ObservabilityComponentsHealthy",
        "SystemComponentsHealthy",
    ]
    for condition in status["conditions"]:
        if condition["type"] == "Custom":
            assert condition == {"type": "Custom", "status": "True"}
            continue
        assert condition["status"] == "Unknown"
        assert condition["reason"] == "StatusUnknown"
        assert condition["message"] == "Gardenlet stopped sending heartbeats."
        assert condition["lastTransitionTime"] == format_time(clock.now())
        assert "codes" not in condition
    assert [c["type"] for c in status["constraints"]] == ["HibernationPossible", "MaintenancePreconditionsSatisfied"]
    assert {c["status"] for c in status["constraints"]} == {"Unknown"}

    marked = shoot(**status)
    clock.advance(timedelta(minutes=1))
    assert lc.shoot_status_unknown(marked, clock.now()) is None  # already Unknown: nothing to write


def test_workerless_shoots_have_no_nodes_to_be_unknown() -> None:
    status = lc.shoot_status_unknown(shoot(workers=0), FakeClock().now())
    assert status is not None
    assert "EveryNodeReady" not in {c["type"] for c in status["conditions"]}
    assert len(status["conditions"]) == 4


def test_which_shoots_run_on_a_seed() -> None:
    assert lc.runs_on(shoot(), "aws-eu1")
    assert not lc.runs_on(shoot(), "gcp-eu1")
    migrated = shoot(seedName="gcp-eu1")  # status.seedName: where the control plane is now
    assert lc.runs_on(migrated, "gcp-eu1")
    assert not lc.runs_on(migrated, "aws-eu1")
    assert not lc.runs_on({"spec": {}}, "aws-eu1")
