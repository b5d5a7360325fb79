from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gardenlet.secrets.rotation import (
    Rotation,
    RotationError,
    RotationKind,
    RotationPhase,
    apply_operation,
    is_rotation_operation,
    settle,
)

pytestmark = pytest.mark.unit

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CA, SA = RotationKind.CERTIFICATE_AUTHORITIES, RotationKind.SERVICE_ACCOUNT_KEY


def test_a_ca_rotation_goes_through_gardeners_phases() -> None:
    started = apply_operation("rotate-ca-start", {}, T0)
    assert started[CA] == Rotation(RotationPhase.PREPARING, last_initiation_time=T0)
    assert started[SA] == Rotation()
    assert started[CA].keeps_old
    prepared = settle(started[CA], T0 + timedelta(minutes=5))
    assert prepared.phase is RotationPhase.PREPARED and prepared.keeps_old
    assert prepared.last_initiation_finished_time == T0 + timedelta(minutes=5)
    completing = apply_operation("rotate-ca-complete", {CA: prepared}, T0 + timedelta(days=1))[CA]
    assert completing.phase is RotationPhase.COMPLETING and not completing.keeps_old
    assert completing.last_completion_triggered_time == T0 + timedelta(days=1)
    completed = settle(completing, T0 + timedelta(days=1, minutes=5))
    assert completed.phase is RotationPhase.COMPLETED
    assert completed.last_completion_time == T0 + timedelta(days=1, minutes=5)
    # The generation names the rotation, so secrets made for it differ from before and stay after completion.
    assert completed.generation == started[CA].generation == T0.isoformat()
    again = apply_operation("rotate-ca-start", {CA: completed}, T0 + timedelta(days=30))[CA]
    assert again.phase is RotationPhase.PREPARING and again.generation != completed.generation


def test_rotate_credentials_moves_both_kinds() -> None:
    started = apply_operation("rotate-credentials-start", {}, T0)
    assert {kind: rotation.phase for kind, rotation in started.items()} == {
        CA: RotationPhase.PREPARING,
        SA: RotationPhase.PREPARING,
    }
    prepared = {kind: settle(rotation, T0) for kind, rotation in started.items()}
    completing = apply_operation("rotate-credentials-complete", prepared, T0)
    assert {rotation.phase for rotation in completing.values()} == {RotationPhase.COMPLETING}


def test_the_service_account_key_rotates_alone() -> None:
    started = apply_operation("rotate-serviceaccount-key-start", {}, T0)
    assert started[SA].phase is RotationPhase.PREPARING
    assert started[CA].phase is None


@pytest.mark.parametrize(
    ("operation", "current", "message"),
    [
        ("rotate-ca-complete", Rotation(), "not started; it must be Prepared"),
        ("rotate-ca-complete", Rotation(RotationPhase.PREPARING), "Preparing; it must be Prepared"),
        ("rotate-ca-start", Rotation(RotationPhase.PREPARED), "Prepared; complete it first"),
        ("rotate-ca-start", Rotation(RotationPhase.COMPLETING), "Completing; complete it first"),
        ("reconcile", Rotation(), "not a rotation operation"),
    ],
    ids=["complete-unstarted", "complete-preparing", "start-prepared", "start-completing", "other-operation"],
)
def test_operations_that_do_not_fit_the_phase_are_rejected(operation: str, current: Rotation, message: str) -> None:
    with pytest.raises(RotationError, match=message):
        apply_operation(operation, {CA: current}, T0)


def test_settle_leaves_settled_phases_alone() -> None:
    for rotation in (Rotation(), Rotation(RotationPhase.PREPARED), Rotation(RotationPhase.COMPLETED)):
        assert settle(rotation, T0) == rotation


def test_rotation_operations_are_recognised() -> None:
    assert is_rotation_operation("rotate-serviceaccount-key-complete")
    assert not is_rotation_operation("maintain")
