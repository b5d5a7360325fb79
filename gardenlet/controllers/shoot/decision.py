"""What the shoot controller does with a Shoot it sees: which operation, and whether now. Pure.

Gardener's rules, as this controller keeps them:

* a Shoot with a ``deletionTimestamp`` and the ``gardener`` finalizer is deleted (``Delete``);
* otherwise the operation is ``Create`` until a create succeeded once, then ``Reconcile``; hibernating and waking
  up are reconciles whose flow follows ``spec.hibernation.enabled``;
* it runs when the spec moved (``metadata.generation`` ahead of ``status.observedGeneration``), when the annotation
  ``gardener.cloud/operation`` asks (``reconcile``, ``retry``; ``rotate-*`` also reconciles), when the last operation
  did not finish (``Processing``: a gardenlet died during it; ``Error``: its back-off elapsed), and periodically
  (the resync period after the last success);
* ``Failed`` (a non-retryable error code) is left alone until the spec changes or the annotation asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

Object = dict[str, Any]
OperationType = Literal["Create", "Reconcile", "Delete"]

FINALIZER = "gardener"
OPERATION_ANNOTATION = "gardener.cloud/operation"
#: Annotation values that ask this controller to run now.
REQUESTS = ("reconcile", "retry")
ROTATION_PREFIX = "rotate-"


@dataclass(frozen=True, slots=True)
class Decision:
    #: The operation to run now, or None.
    operation: OperationType | None
    #: Why (for the log), or why not.
    reason: str
    #: Seconds after which to look again when nothing runs now (None: only on the next change).
    requeue_after: float | None = None
    #: It runs only because the last attempt ended in ``Error``: the controller's back-off applies.
    retry: bool = False


def _meta(shoot: Object) -> Object:
    return shoot.get("metadata") or {}


def _last_operation(shoot: Object) -> Object:
    return ((shoot.get("status") or {}).get("lastOperation")) or {}


def requested(shoot: Object) -> str | None:
    """The ``gardener.cloud/operation`` annotation's value when it is one this controller acts on."""
    value = (_meta(shoot).get("annotations") or {}).get(OPERATION_ANNOTATION)
    if value in REQUESTS or (isinstance(value, str) and value.startswith(ROTATION_PREFIX)):
        return str(value)
    return None


def operation_type(shoot: Object) -> OperationType:
    if _meta(shoot).get("deletionTimestamp"):
        return "Delete"
    last = _last_operation(shoot)
    if not last or (last.get("type") == "Create" and last.get("state") != "Succeeded"):
        return "Create"
    return "Reconcile"


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def decide(shoot: Object, seed_name: str, now: datetime, sync_period: float) -> Decision:
    spec, status, meta = shoot.get("spec") or {}, shoot.get("status") or {}, _meta(shoot)
    if spec.get("seedName") != seed_name:
        return Decision(None, f"scheduled to seed {spec.get('seedName')!r}, not {seed_name!r}")
    if meta.get("deletionTimestamp"):
        if FINALIZER not in (meta.get("finalizers") or []):
            return Decision(None, "being deleted, and the gardenlet's finalizer is gone already")
        return Decision("Delete", "the shoot is being deleted")
    kind = operation_type(shoot)
    last = _last_operation(shoot)
    state = last.get("state")
    if asked := requested(shoot):
        return Decision(kind, f"the operation annotation asks for {asked}")
    if status.get("observedGeneration") != meta.get("generation"):
        return Decision(kind, f"generation {meta.get('generation')} not observed yet")
    if state == "Error":
        return Decision(kind, "the last operation ended in an error", retry=True)
    if state in (None, "Processing", "Pending", "Aborted"):
        return Decision(kind, f"the last operation is {state or 'missing'}")
    if state == "Failed":
        return Decision(None, "the last operation failed with a non-retryable error: waiting for a change")
    updated = _time(last.get("lastUpdateTime"))
    if updated is None:
        return Decision(kind, "the last operation has no time")
    age = (now - updated).total_seconds()
    if age >= sync_period:
        return Decision(kind, f"periodic resync ({age:.0f} s since the last success)")
    return Decision(None, "up to date", requeue_after=sync_period - age)


__all__ = ["FINALIZER", "OPERATION_ANNOTATION", "Decision", "OperationType", "decide", "operation_type", "requested"]
