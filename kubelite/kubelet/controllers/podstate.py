"""What a Pod's status says, in the terms the workload controllers count by: active, ready, available.

These are upstream's ``controller.IsPodActive``, ``podutil.IsPodReady`` and ``podutil.IsPodAvailable``: a pod that
is terminating or has finished counts for nothing; a ready pod is *available* once it has been ready for
``minReadySeconds``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kubelite.client import Object


def now() -> datetime:
    return datetime.now(UTC)


def parse_time(text: str | None) -> datetime | None:
    """An RFC 3339 timestamp as the API writes it (``2024-01-02T03:04:05Z``), or None."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def phase(pod: Object) -> str:
    return str((pod.get("status") or {}).get("phase") or "Pending")


def is_active(pod: Object) -> bool:
    """Neither finished (Succeeded/Failed) nor being deleted."""
    return phase(pod) not in ("Succeeded", "Failed") and not (pod.get("metadata") or {}).get("deletionTimestamp")


def condition(obj: Object, kind: str) -> Object | None:
    for item in (obj.get("status") or {}).get("conditions") or ():
        if item.get("type") == kind:
            return dict(item)
    return None


def is_ready(pod: Object) -> bool:
    ready = condition(pod, "Ready")
    return ready is not None and ready.get("status") == "True"


def ready_since(pod: Object) -> datetime | None:
    """When the pod last became ready (None when it is not)."""
    ready = condition(pod, "Ready")
    if ready is None or ready.get("status") != "True":
        return None
    return parse_time(ready.get("lastTransitionTime"))


def is_available(pod: Object, min_ready_seconds: int, moment: datetime) -> bool:
    if not is_ready(pod):
        return False
    if min_ready_seconds <= 0:
        return True
    since = ready_since(pod)
    return since is not None and (moment - since).total_seconds() >= min_ready_seconds


def seconds_until_available(pod: Object, min_ready_seconds: int, moment: datetime) -> float | None:
    """For a ready pod not yet available: how long until it is; None otherwise."""
    if min_ready_seconds <= 0 or not is_ready(pod):
        return None
    since = ready_since(pod)
    if since is None:
        return None
    left = min_ready_seconds - (moment - since).total_seconds()
    return left if left > 0 else None


def restart_count(pod: Object) -> int:
    return sum(int(s.get("restartCount") or 0) for s in (pod.get("status") or {}).get("containerStatuses") or ())
