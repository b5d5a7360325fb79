"""When the shoot controller acts on a Shoot, and with which operation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gardenlet.controllers.shoot.decision import decide

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SEED = "local"


def shoot(
    generation: int = 1, observed: int | None = 1, last: dict[str, Any] | None = None, **meta: Any
) -> dict[str, Any]:
    status: dict[str, Any] = {}
    if observed is not None:
        status["observedGeneration"] = observed
    if last is not None:
        status["lastOperation"] = {"lastUpdateTime": "2026-11-25T11:59:00Z", **last}
    return {
        "metadata": {"name": "s", "namespace": "garden-dev", "generation": generation, **meta},
        "spec": {"seedName": SEED},
        "status": status,
    }


def test_another_seeds_shoot_is_left_alone() -> None:
    other = shoot(observed=None)
    other["spec"]["seedName"] = "elsewhere"
    assert decide(other, SEED, NOW, 3600).operation is None


def test_a_new_shoot_is_created() -> None:
    assert decide(shoot(observed=None), SEED, NOW, 3600).operation == "Create"


def test_a_create_that_did_not_finish_is_still_a_create() -> None:
    decision = decide(shoot(last={"type": "Create", "state": "Processing"}), SEED, NOW, 3600)
    assert decision.operation == "Create"


@pytest.mark.parametrize("state", ["Processing", "Error"])
def test_an_unfinished_reconcile_runs_again(state: str) -> None:
    decision = decide(shoot(last={"type": "Reconcile", "state": state}), SEED, NOW, 3600)
    assert decision.operation == "Reconcile"
    assert decision.retry == (state == "Error")


def test_failed_waits_for_a_change_or_the_annotation() -> None:
    failed = {"type": "Reconcile", "state": "Failed"}
    assert decide(shoot(last=failed), SEED, NOW, 3600).operation is None
    assert decide(shoot(generation=2, last=failed), SEED, NOW, 3600).operation == "Reconcile"
    retry = shoot(last=failed, annotations={"gardener.cloud/operation": "retry"})
    assert decide(retry, SEED, NOW, 3600).operation == "Reconcile"


def test_succeeded_is_resynced_after_the_period() -> None:
    done = {"type": "Reconcile", "state": "Succeeded"}
    fresh = decide(shoot(last=done), SEED, NOW, 3600)
    assert fresh.operation is None
    assert fresh.requeue_after == pytest.approx(3540)
    assert decide(shoot(last=done), SEED, NOW + timedelta(hours=1), 3600).operation == "Reconcile"


def test_deletion_needs_the_finalizer() -> None:
    deleting = shoot(last={"type": "Reconcile", "state": "Succeeded"}, deletionTimestamp="2026-11-25T12:00:00Z")
    assert decide(deleting, SEED, NOW, 3600).operation is None
    deleting["metadata"]["finalizers"] = ["gardener"]
    assert decide(deleting, SEED, NOW, 3600).operation == "Delete"
