"""Credentials rotation in Gardener's phases, driven by the shoot's ``gardener.cloud/operation`` annotation.

Two things rotate here: the certificate authorities (``status.credentials.rotation.certificateAuthorities``) and
the service-account signing key (``...serviceAccountKey``). Each goes through

    (none or Completed) --start--> Preparing --reconciled--> Prepared --complete--> Completing --reconciled--> Completed

While Preparing and Prepared the new credential is created and the old one is kept: bundles hold both, so clients
that only know the old CA keep working while everything is handed the new one. Completing drops the old one.
``rotate-credentials-start`` / ``-complete`` move both at once. The functions are pure: the gardenlet reads the
rotation status and annotation, asks :func:`apply_operation` for the new status before the flow, and
:func:`settle` after a successful flow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class RotationPhase(StrEnum):
    PREPARING = "Preparing"
    PREPARED = "Prepared"
    COMPLETING = "Completing"
    COMPLETED = "Completed"


class RotationKind(StrEnum):
    """What rotates; the values are the field names under ``status.credentials.rotation``."""

    CERTIFICATE_AUTHORITIES = "certificateAuthorities"
    SERVICE_ACCOUNT_KEY = "serviceAccountKey"


#: The ``gardener.cloud/operation`` values that start or complete rotations, and which kinds each moves.
START_OPERATIONS: Mapping[str, tuple[RotationKind, ...]] = {
    "rotate-ca-start": (RotationKind.CERTIFICATE_AUTHORITIES,),
    "rotate-serviceaccount-key-start": (RotationKind.SERVICE_ACCOUNT_KEY,),
    "rotate-credentials-start": (RotationKind.CERTIFICATE_AUTHORITIES, RotationKind.SERVICE_ACCOUNT_KEY),
}
COMPLETE_OPERATIONS: Mapping[str, tuple[RotationKind, ...]] = {
    "rotate-ca-complete": (RotationKind.CERTIFICATE_AUTHORITIES,),
    "rotate-serviceaccount-key-complete": (RotationKind.SERVICE_ACCOUNT_KEY,),
    "rotate-credentials-complete": (RotationKind.CERTIFICATE_AUTHORITIES, RotationKind.SERVICE_ACCOUNT_KEY),
}


class RotationError(ValueError):
    """The operation does not fit the current phase (e.g. completing a rotation that was never started)."""


@dataclass(frozen=True, slots=True)
class Rotation:
    """One kind's rotation status (the fields Gardener keeps, as plain values)."""

    phase: RotationPhase | None = None
    last_initiation_time: datetime | None = None
    last_initiation_finished_time: datetime | None = None
    last_completion_triggered_time: datetime | None = None
    last_completion_time: datetime | None = None

    @property
    def keeps_old(self) -> bool:
        """The old credential is still trusted (in the bundle) in this phase."""
        return self.phase in (RotationPhase.PREPARING, RotationPhase.PREPARED)

    @property
    def generation(self) -> str:
        """Identifies which credential is current: changes each time a rotation starts (empty: never rotated)."""
        return self.last_initiation_time.isoformat() if self.last_initiation_time else ""


Rotations = Mapping[RotationKind, Rotation]


def is_rotation_operation(operation: str) -> bool:
    return operation in START_OPERATIONS or operation in COMPLETE_OPERATIONS


def apply_operation(operation: str, rotations: Rotations, now: datetime) -> dict[RotationKind, Rotation]:
    """The rotation status after the annotation ``operation`` is taken, before the flow runs."""
    result = {kind: rotations.get(kind, Rotation()) for kind in RotationKind}
    if operation in START_OPERATIONS:
        for kind in START_OPERATIONS[operation]:
            current = result[kind]
            if current.phase not in (None, RotationPhase.COMPLETED):
                raise RotationError(f"{operation}: the {kind} rotation is {current.phase}; complete it first")
            result[kind] = replace(
                current,
                phase=RotationPhase.PREPARING,
                last_initiation_time=now,
                last_initiation_finished_time=None,
                last_completion_triggered_time=None,
            )
    elif operation in COMPLETE_OPERATIONS:
        for kind in COMPLETE_OPERATIONS[operation]:
            current = result[kind]
            if current.phase is not RotationPhase.PREPARED:
                state = current.phase or "not started"
                raise RotationError(f"{operation}: the {kind} rotation is {state}; it must be Prepared")
            result[kind] = replace(current, phase=RotationPhase.COMPLETING, last_completion_triggered_time=now)
    else:
        raise RotationError(f"{operation!r} is not a rotation operation")
    return result


def settle(rotation: Rotation, now: datetime) -> Rotation:
    """The status after a successful flow: Preparing becomes Prepared, Completing becomes Completed."""
    if rotation.phase is RotationPhase.PREPARING:
        return replace(rotation, phase=RotationPhase.PREPARED, last_initiation_finished_time=now)
    if rotation.phase is RotationPhase.COMPLETING:
        return replace(rotation, phase=RotationPhase.COMPLETED, last_completion_time=now)
    return rotation


__all__ = [
    "COMPLETE_OPERATIONS",
    "START_OPERATIONS",
    "Rotation",
    "RotationError",
    "RotationKind",
    "RotationPhase",
    "Rotations",
    "apply_operation",
    "is_rotation_operation",
    "settle",
]
