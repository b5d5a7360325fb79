"""Rolling a MachineDeployment to a new template, as a Deployment rolls pods. Pure.

Each step looks at the sets as they are and says how big each should be now:

* the new set grows while the total stays within ``replicas + maxSurge``;
* old sets shrink while the available machines stay at least ``replicas - maxUnavailable``; machines of old sets
  that are not available anyway may always go;
* with no old sets left, the new set is simply sized to ``replicas``.

``maxSurge`` rounds up and ``maxUnavailable`` down when they are percentages; both zero would block a rollout, so
``maxUnavailable`` is then 1 (as Kubernetes does).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


def resolve(value: int | str | None, total: int, *, round_up: bool, default: int = 1) -> int:
    """An IntOrString against ``total``: ``"25%"`` of 10 is 3 rounding up, 2 rounding down."""
    if value is None:
        return default
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            try:
                percent = int(text[:-1])
            except ValueError as exc:
                raise ValueError(f"{value!r} is not a percentage") from exc
            exact = percent * total / 100
            return math.ceil(exact) if round_up else math.floor(exact)
        try:
            return int(text)
        except ValueError as exc:
            raise ValueError(f"{value!r} is neither a number nor a percentage") from exc
    return int(value)


def surge_and_unavailable(
    replicas: int, max_surge: int | str | None, max_unavailable: int | str | None
) -> tuple[int, int]:
    surge = max(0, resolve(max_surge, replicas, round_up=True))
    unavailable = max(0, resolve(max_unavailable, replicas, round_up=False))
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


@dataclass(frozen=True, slots=True)
class SetState:
    name: str
    replicas: int  # the set's spec.replicas
    available: int  # its machines that are Running


def step(replicas: int, surge: int, unavailable: int, new: SetState, olds: Sequence[SetState]) -> Mapping[str, int]:
    """The replicas each set should have now (sets whose size stays the same are included)."""
    targets = {old.name: old.replicas for old in olds}
    if not olds:
        targets[new.name] = replicas
        return targets
    total = new.replicas + sum(old.replicas for old in olds)
    room = max(0, replicas + surge - total)
    targets[new.name] = min(replicas, new.replicas + room) if new.replicas < replicas else replicas
    available = new.available + sum(old.available for old in olds)
    budget = max(0, available - (replicas - unavailable))
    for old in olds:
        unhealthy = max(0, old.replicas - old.available)
        healthy_to_remove = min(old.replicas - unhealthy, budget)
        budget -= healthy_to_remove
        targets[old.name] = old.replicas - unhealthy - healthy_to_remove
    return targets


__all__ = ["SetState", "resolve", "step", "surge_and_unavailable"]
