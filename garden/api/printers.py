"""What ``kubectl get`` shows for Gardener's kinds, computed from the wire objects (Gardener's table convertors).

Pure functions of a wire object (a dict), shared by the garden API server's tables and by gardenctl. A real
Kubernetes garden can only show the JSONPath approximations in the CRDs; the values here are Gardener's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Object = Mapping[str, Any]

#: The label the garden keeps with a shoot's overall health (healthy, progressing, unhealthy, unknown).
STATUS_LABEL = "shoot.gardener.cloud/status"


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def cloud_profile_name(shoot: Object) -> str:
    """The CloudProfile (or NamespacedCloudProfile) a shoot uses, from ``cloudProfile`` or ``cloudProfileName``."""
    return str(_get(shoot, "spec", "cloudProfile", "name") or _get(shoot, "spec", "cloudProfileName") or "")


def hibernation(shoot: Object) -> str:
    """Awake, Hibernating (asked to sleep, not yet asleep), Hibernated, or Waking Up."""
    wanted = bool(_get(shoot, "spec", "hibernation", "enabled"))
    hibernated = bool(_get(shoot, "status", "hibernated"))
    if wanted:
        return "Hibernated" if hibernated else "Hibernating"
    return "Waking Up" if hibernated else "Awake"


def last_operation(obj: Object) -> str:
    """``Create Processing (40%)``, or ``<pending>`` before the first operation."""
    op = _get(obj, "status", "lastOperation")
    if not isinstance(op, Mapping) or not op.get("type"):
        return "<pending>"
    return f"{op.get('type')} {op.get('state', '')} ({int(op.get('progress') or 0)}%)"


def condition_status(obj: Object, condition_type: str) -> str:
    """The status of one condition (True/False/Unknown/Progressing), or ``<unknown>`` when it is not reported."""
    for condition in _get(obj, "status", "conditions") or []:
        if isinstance(condition, Mapping) and condition.get("type") == condition_type:
            return str(condition.get("status", "Unknown"))
    return "<unknown>"


def shoot_status(shoot: Object) -> str:
    """The shoot's overall health: its status label when the garden set one, otherwise from its conditions."""
    label = _get(shoot, "metadata", "labels", STATUS_LABEL)
    if isinstance(label, str) and label:
        return label
    statuses = [c.get("status") for c in _get(shoot, "status", "conditions") or [] if isinstance(c, Mapping)]
    if not statuses:
        return "unknown"
    if "False" in statuses:
        return "unhealthy"
    if "Progressing" in statuses or "Unknown" in statuses:
        return "progressing"
    return "healthy"


def seed_status(seed: Object) -> str:
    """Ready when the gardenlet reports and the seed's system components are healthy, else NotReady / Unknown."""
    statuses = {
        str(c.get("type")): str(c.get("status"))
        for c in _get(seed, "status", "conditions") or []
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
    "STATUS_LABEL",
    "cloud_profile_name",
    "condition_status",
    "hibernation",
    "last_operation",
    "seed_status",
    "shoot_status",
]
