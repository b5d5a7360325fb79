"""What the generic reconciler does with an extension object, and the status that says how it went. Pure.

Gardener's rules, which these functions encode:

* the ``gardener.cloud/operation`` annotation asks for ``reconcile``, ``migrate`` or ``restore``; the controller
  removes it once the operation succeeded;
* without it, an object is reconciled when its ``metadata.generation`` is ahead of ``status.observedGeneration`` or
  its last operation did not succeed; an operation that ``Failed`` (a non-retryable error code) waits for a change
  of the spec or for the annotation, and an object that was migrated away is left alone until restored;
* ``status.lastOperation`` is ``Create`` the first time, then ``Reconcile``; ``Error`` means a retry is coming,
  ``Failed`` that none is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from garden.api.base import format_time
from garden.api.common import ErrorCode

OPERATION_ANNOTATION = "gardener.cloud/operation"

Operation = Literal["reconcile", "migrate", "restore"]
OPERATIONS: tuple[Operation, ...] = ("reconcile", "migrate", "restore")

Object = dict[str, Any]


def _last_operation(obj: Object) -> Object:
    return ((obj.get("status") or {}).get("lastOperation")) or {}


def requested(obj: Object) -> Operation | None:
    """The operation the annotation asks for, if it names one we know."""
    value = ((obj.get("metadata") or {}).get("annotations") or {}).get(OPERATION_ANNOTATION)
    for operation in OPERATIONS:
        if value == operation:
            return operation
    return None


def migrated(obj: Object) -> bool:
    last = _last_operation(obj)
    return last.get("type") == "Migrate" and last.get("state") == "Succeeded"


def wanted(obj: Object) -> Operation | None:
    """The operation to run now, or None when the object is up to date (or waits for a user's change)."""
    asked = requested(obj)
    if asked is not None:
        return asked
    if migrated(obj):
        return None
    status = obj.get("status") or {}
    generation = (obj.get("metadata") or {}).get("generation")
    if status.get("observedGeneration") != generation:
        return "reconcile"
    state = _last_operation(obj).get("state")
    if state in ("Succeeded", "Failed"):
        return None
    return "reconcile"


def operation_type(obj: Object, operation: Operation) -> str:
    """``lastOperation.type`` for ``operation``: Create when the object was never reconciled, else its own name."""
    if operation == "migrate":
        return "Migrate"
    if operation == "restore":
        return "Restore"
    last = _last_operation(obj)
    if not last or (last.get("type") == "Create" and last.get("state") != "Succeeded"):
        return "Create"
    return "Reconcile"


def now() -> str:
    return format_time(datetime.now(UTC))


def last_operation(kind: str, state: str, description: str, progress: int = 0, at: str | None = None) -> Object:
    return {
        "type": kind,
        "state": state,
        "description": description,
        "progress": max(0, min(100, progress)),
        "lastUpdateTime": at or now(),
    }


def last_error(description: str, codes: Sequence[ErrorCode] = (), at: str | None = None) -> Object:
    error: Object = {"description": description, "lastUpdateTime": at or now()}
    if codes:
        error["codes"] = [str(code) for code in codes]
    return error


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential back-off between retries of a failed operation: initial, doubled each retry, capped."""

    initial: float = 5.0
    maximum: float = 300.0

    def delay(self, retry: int) -> float:
        return float(min(self.maximum, self.initial * (2 ** max(0, min(retry, 30)))))


__all__ = [
    "OPERATIONS",
    "OPERATION_ANNOTATION",
    "Backoff",
    "Operation",
    "last_error",
    "last_operation",
    "migrated",
    "now",
    "operation_type",
    "requested",
    "wanted",
]
