"""How many of a PodDisruptionBudget's pods may go now: the disruption controller's arithmetic, as a function.

kube-apiserver's eviction reads ``status.disruptionsAllowed`` that the disruption controller (in
kube-controller-manager) keeps. kubelite has no controller manager, so the eviction subresource computes the same
figures from the pods at the moment of the eviction and writes them into the budget's status. Divergence: the number
of expected pods is the number of pods the selector matches, not the scale of their controller, so a budget over a
Deployment that is still scaling up counts only the pods that exist.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kubelite.apiserver.objects import Object, meta


@dataclass(frozen=True, slots=True)
class Budget:
    current_healthy: int
    desired_healthy: int
    expected_pods: int

    @property
    def disruptions_allowed(self) -> int:
        return max(0, self.current_healthy - self.desired_healthy)

    def status(self, generation: int) -> dict[str, Any]:
        return {
            "observedGeneration": generation,
            "currentHealthy": self.current_healthy,
            "desiredHealthy": self.desired_healthy,
            "expectedPods": self.expected_pods,
            "disruptionsAllowed": self.disruptions_allowed,
        }


def is_healthy(pod: Object) -> bool:
    """Running, Ready and not being deleted (the disruption controller's notion of a healthy pod)."""
    if meta(pod).get("deletionTimestamp"):
        return False
    status = pod.get("status") or {}
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])
    return status.get("phase") == "Running" and ready


def _scaled(value: Any, total: int, *, round_up: bool) -> int:
    if isinstance(value, str) and value.endswith("%"):
        fraction = int(value[:-1]) * total / 100
        return math.ceil(fraction) if round_up else math.floor(fraction)
    return int(value)


def budget(pdb: Object, pods: Iterable[Object]) -> Budget:
    """The budget's figures over ``pods`` (the live pods its selector matches)."""
    matched = [p for p in pods if not meta(p).get("deletionTimestamp")]
    expected = len(matched)
    healthy = sum(1 for p in matched if is_healthy(p))
    spec = pdb.get("spec") or {}
    if spec.get("maxUnavailable") is not None:
        desired = max(0, expected - _scaled(spec["maxUnavailable"], expected, round_up=True))
    elif spec.get("minAvailable") is not None:
        desired = _scaled(spec["minAvailable"], expected, round_up=True)
    else:
        desired = 1  # neither set: policy/v1 defaults minAvailable to 1
    return Budget(healthy, desired, expected)
