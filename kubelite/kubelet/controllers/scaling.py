"""A ReplicaSet's decisions, as pure functions: which pods to add or remove, and the status it reports.

Upstream's ReplicaSet controller, without its slow-start batching (a one-node cluster creates few pods): when too
few pods are active it creates the difference; when too many, it deletes the ones that cost least to lose, ranked as
``controller.ActivePodsWithRanks`` ranks them:

1. not yet bound to a node before bound;
2. Pending before Unknown before Running;
3. not ready before ready;
4. ready for less time before ready for longer;
5. more container restarts before fewer;
6. newer before older.
"""

from __future__ import annotations

from datetime import datetime

from kubelite.client import Object
from kubelite.kubelet.controllers.podstate import (
    is_available,
    is_ready,
    parse_time,
    phase,
    ready_since,
    restart_count,
    seconds_until_available,
)

_PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}
_EPOCH = datetime.fromtimestamp(0).astimezone()


def replica_diff(active: int, desired: int) -> int:
    """Pods to create (positive) or delete (negative)."""
    return desired - active


def deletion_order(pods: list[Object]) -> list[Object]:
    """``pods`` ordered from the first to delete to the last."""

    def rank(pod: Object) -> tuple[int, int, int, float, int, float]:
        bound = 1 if (pod.get("spec") or {}).get("nodeName") else 0
        since = ready_since(pod)
        created = parse_time((pod.get("metadata") or {}).get("creationTimestamp")) or _EPOCH
        return (
            bound,
            _PHASE_RANK.get(phase(pod), 0),
            1 if is_ready(pod) else 0,
            -(since.timestamp() if since else 0.0),
            -restart_count(pod),
            -created.timestamp(),
        )

    return sorted(pods, key=rank)


def pods_to_delete(pods: list[Object], count: int) -> list[Object]:
    return deletion_order(pods)[: max(0, count)]


def replicaset_status(rs: Object, active: list[Object], moment: datetime) -> Object:
    """The status upstream computes (``calculateStatus``), keeping conditions as they are."""
    spec = rs.get("spec") or {}
    min_ready = int(spec.get("minReadySeconds") or 0)
    template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    fully_labeled = sum(
        1
        for pod in active
        if all(((pod.get("metadata") or {}).get("labels") or {}).get(k) == v for k, v in template_labels.items())
    )
    status: Object = {
        "replicas": len(active),
        "fullyLabeledReplicas": fully_labeled,
        "readyReplicas": sum(1 for pod in active if is_ready(pod)),
        "availableReplicas": sum(1 for pod in active if is_available(pod, min_ready, moment)),
        "observedGeneration": (rs.get("metadata") or {}).get("generation", 0),
    }
    conditions = (rs.get("status") or {}).get("conditions")
    if conditions:
        status["conditions"] = conditions
    return status


def next_availability_check(rs: Object, active: list[Object], moment: datetime) -> float | None:
    """Seconds until a ready pod becomes available (minReadySeconds), so the status is recomputed then."""
    min_ready = int((rs.get("spec") or {}).get("minReadySeconds") or 0)
    waits = [w for pod in active if (w := seconds_until_available(pod, min_ready, moment)) is not None]
    return min(waits) + 0.05 if waits else None
