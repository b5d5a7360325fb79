"""What ``kubectl get`` shows for Gardener's kinds, computed from the wire objects (Gardener's table convertors).

Pure functions of a wire object (a dict), shared by the garden API server's tables and by gardenctl. A real
Kubernetes garden can only show the JSONPath approximations in the CRDs; the values here are Gardener's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from garden.api.wire import dig

Object = Mapping[str, Any]

#: The label the garden keeps with a shoot's overall health (healthy, progressing, unhealthy, unknown).
STATUS_LABEL = "shoot.gardener.cloud/status"


def cloud_profile_name(shoot: Object) -> str:
    """The CloudProfile (or NamespacedCloudProfile) a shoot uses, from ``cloudProfile`` or ``cloudProfileName``."""
    return str(dig(shoot, "spec", "cloudProfile", "name") or dig(shoot, "spec", "cloudProfileName") or "")


def hibernation(shoot: Object) -> str:
    """Awake, Hibernating (asked to sleep, not yet asleep), Hibernated, or Waking Up."""
    wanted = bool(dig(shoot, "spec", "hibernation", "enabled"))
    hibernated = bool(dig(shoot, "status", "hibernated"))
    if wanted:
        return "Hibernated" if hibernated else "Hibernating"
    return "Waking Up" if hibernated else "Awake"


def last_operation(obj: Object) -> str:
    """``Create Processing (40%)``, or ``<pending>`` before the first operation."""
    op = dig(obj, "status", "lastOperation")
    if not isinstance(op, Mapping) or not op.get("type"):
        return "<pending>"
    return f"{op.get('type')} {op.get('state', '')} ({int(op.get('progress') or 0)}%)"


def condition_status(obj: Object, condition_type: str) -> str:
    """The status of one condition (True/False/Unknown/Progressing), or ``<unknown>`` when it is not reported."""
    for condition in dig(obj, "status", "conditions") or []:
        if isinstance(condition, Mapping) and condition.get("type") == condition_type:
            return str(condition.get("status", "Unknown"))
    return "<unknown>"


#: Shoot status label values, best first; a combination of two is the worse (``gardenerutils.ShootStatus``).
SHOOT_STATUSES = ("healthy", "progressing", "unknown", "unhealthy")
_CONDITION_TO_SHOOT_STATUS = {"True": "healthy", "Progressing": "progressing", "Unknown": "unknown"}


def _worse(a: str, b: str) -> str:
    return a if SHOOT_STATUSES.index(a) >= SHOOT_STATUSES.index(b) else b


def compute_shoot_status(shoot: Object) -> str:
    """The value of the status label the garden keeps on a shoot (Gardener's ``ComputeShootStatus``).

    * not yet operated on (no ``lastOperation``): healthy;
    * being created (not yet successfully) or deleted: healthy without ``lastErrors``, else unhealthy;
    * otherwise the worst of its conditions (True healthy, Progressing progressing, Unknown unknown, anything
      else unhealthy) and of the operation: while Processing, unhealthy only with ``lastErrors``; after it, unhealthy
      unless it Succeeded.
    """
    operation = dig(shoot, "status", "lastOperation")
    if not isinstance(operation, Mapping):
        return "healthy"
    errors_free = not (dig(shoot, "status", "lastErrors") or [])
    op_type, op_state = operation.get("type"), operation.get("state")
    if (op_type == "Create" and op_state != "Succeeded") or op_type == "Delete":
        return "healthy" if errors_free else "unhealthy"
    status = "healthy"
    for condition in dig(shoot, "status", "conditions") or []:
        if isinstance(condition, Mapping):
            status = _worse(status, _CONDITION_TO_SHOOT_STATUS.get(str(condition.get("status")), "unhealthy"))
    if op_state == "Processing":
        return _worse(status, "healthy" if errors_free else "unhealthy")
    return _worse(status, "healthy" if op_state == "Succeeded" else "unhealthy")


def shoot_status(shoot: Object) -> str:
    """The shoot's overall health: its status label when the garden set one, otherwise what that label will be."""
    label = dig(shoot, "metadata", "labels", STATUS_LABEL)
    if isinstance(label, str) and label:
        return label
    return compute_shoot_status(shoot)


def seed_status(seed: Object) -> str:
    """Ready when the gardenlet reports and the seed's system components are healthy, else NotReady / Unknown."""
    statuses = {
        str(c.get("type")): str(c.get("status"))
        for c in dig(seed, "status", "conditions") or []
        if isinstance(c, Mapping)
    }
    gardenlet = statuses.get("GardenletReady")
    if gardenlet is None:
        return "Unknown"
    if gardenlet == "Unknown":
        return "Unknown"
    ready = gardenlet == "True" and all(s in ("True", "Progressing") for s in statuses.values())
    return "Ready" if ready else "NotReady"


#: The shoot conditions ``kubectl get shoots -o wide`` shows, with their column names.
SHOOT_CONDITION_COLUMNS = (
    ("APIServer", "APIServerAvailable"),
    ("Control", "ControlPlaneHealthy"),
    ("Nodes", "EveryNodeReady"),
    ("System", "SystemComponentsHealthy"),
)

__all__ = [
    "SHOOT_CONDITION_COLUMNS",
    "SHOOT_STATUSES",
    "STATUS_LABEL",
    "cloud_profile_name",
    "compute_shoot_status",
    "condition_status",
    "hibernation",
    "last_operation",
    "seed_status",
    "shoot_status",
]
