"""Whether a live object is where its spec says, the way ``kubectl rollout status`` decides.

Each check takes the object as the server returns it and answers None (ready) or a short reason naming what is
missing, so a timed-out ``wait`` can say "Deployment ns/kube-apiserver: 1 of 2 replicas available" rather than
"not ready". A status not yet written for the current generation is never ready.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubelite.client import Object


def _counts(obj: Object) -> tuple[dict[str, Any], dict[str, Any]]:
    return obj.get("spec") or {}, obj.get("status") or {}


def _generation(obj: Object) -> str | None:
    generation = int((obj.get("metadata") or {}).get("generation") or 0)
    observed = int((obj.get("status") or {}).get("observedGeneration") or 0)
    if observed < generation:
        return f"generation {generation} not observed yet (observed {observed})"
    return None


def deployment(obj: Object) -> str | None:
    if reason := _generation(obj):
        return reason
    spec, status = _counts(obj)
    desired = int(spec.get("replicas", 1))
    for condition in status.get("conditions") or []:
        if condition.get("type") == "Progressing" and condition.get("reason") == "ProgressDeadlineExceeded":
            return f"progress deadline exceeded: {condition.get('message', '')}"
    updated = int(status.get("updatedReplicas") or 0)
    total = int(status.get("replicas") or 0)
    available = int(status.get("availableReplicas") or 0)
    if updated < desired:
        return f"{updated} of {desired} replicas updated"
    if total > updated:
        return f"{total - updated} old replicas pending termination"
    if available < desired:
        return f"{available} of {desired} replicas available"
    if total > desired:
        return f"{total} replicas, {desired} desired"
    return None


def statefulset(obj: Object) -> str | None:
    if reason := _generation(obj):
        return reason
    spec, status = _counts(obj)
    desired = int(spec.get("replicas", 1))
    total = int(status.get("replicas") or 0)
    ready = int(status.get("readyReplicas") or 0)
    updated = int(status.get("updatedReplicas") or 0)
    if total > desired:
        return f"{total} replicas, {desired} desired"
    if ready < desired:
        return f"{ready} of {desired} replicas ready"
    partition = int(((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition") or 0)
    if desired and updated < desired - partition:
        return f"{updated} of {desired - partition} replicas updated"
    current, update = status.get("currentRevision"), status.get("updateRevision")
    if desired and partition == 0 and current and update and current != update:
        return f"revision {update} not rolled out (current {current})"
    return None


def daemonset(obj: Object) -> str | None:
    if reason := _generation(obj):
        return reason
    _, status = _counts(obj)
    desired = int(status.get("desiredNumberScheduled") or 0)
    updated = int(status.get("updatedNumberScheduled") or 0)
    available = int(status.get("numberAvailable") or 0)
    if updated < desired:
        return f"{updated} of {desired} scheduled pods updated"
    if available < desired:
        return f"{available} of {desired} scheduled pods available"
    return None


def namespace(obj: Object) -> str | None:
    phase = (obj.get("status") or {}).get("phase")
    return None if phase == "Active" else f"phase {phase or 'unknown'}"


CHECKS: dict[str, Callable[[Object], str | None]] = {
    "Deployment": deployment,
    "StatefulSet": statefulset,
    "DaemonSet": daemonset,
    "Namespace": namespace,
}
