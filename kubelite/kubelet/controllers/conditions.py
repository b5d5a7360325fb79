"""Status conditions as upstream keeps them: one per type; ``lastTransitionTime`` moves only when the status flips."""

from __future__ import annotations

from datetime import datetime

from kubelite.client import Object
from kubelite.kubelet.controllers.podstate import format_time


def get_condition(conditions: list[Object], kind: str) -> Object | None:
    for item in conditions:
        if item.get("type") == kind:
            return item
    return None


def set_condition(
    conditions: list[Object],
    kind: str,
    status: str,
    reason: str,
    message: str,
    moment: datetime,
    *,
    update_time: bool = True,
) -> list[Object]:
    """``conditions`` with ``kind`` set; unchanged when status and reason already say so (``SetDeploymentCondition``).

    ``update_time`` adds ``lastUpdateTime`` (Deployments carry it; most kinds do not).
    """
    current = get_condition(conditions, kind)
    if current is not None and current.get("status") == status and current.get("reason") == reason:
        return conditions
    stamp = format_time(moment)
    condition: Object = {"type": kind, "status": status}
    if update_time:
        condition["lastUpdateTime"] = stamp
    condition["lastTransitionTime"] = (
        current["lastTransitionTime"]
        if current is not None and current.get("status") == status and current.get("lastTransitionTime")
        else stamp
    )
    condition["reason"] = reason
    condition["message"] = message
    return [*(c for c in conditions if c.get("type") != kind), condition]


def remove_condition(conditions: list[Object], kind: str) -> list[Object]:
    return [c for c in conditions if c.get("type") != kind]
