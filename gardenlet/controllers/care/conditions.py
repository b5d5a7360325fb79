"""Shoot health conditions from check results, with Gardener's thresholds (pure: the caller passes ``now``).

A check says healthy or failed, with a reason and a message. The condition written is:

* healthy: ``True``;
* failed, and the condition was ``True``: ``Progressing`` (a component restarting is not yet an outage);
* failed, and the condition was ``Progressing`` for longer than the type's threshold: ``False``; shorter: it stays
  ``Progressing`` (its ``lastTransitionTime`` keeps the moment it stopped being True);
* failed otherwise (already False, Unknown or never written), or the type has no threshold: ``False``;
* the check could not be made (the seed or the shoot did not answer): ``Unknown`` with the reason.

This is ``HealthChecker.FailedCondition`` of Gardener's care controller. Thresholds come from
``controllers.shootCare.conditionThresholdsSeconds``; types not named there use Gardener's defaults
(:data:`DEFAULT_THRESHOLDS`); 0 turns a failure False at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal

from garden.api.conditions import Condition, get_condition, parse_time, updated_condition

API_SERVER_AVAILABLE: Final = "APIServerAvailable"
CONTROL_PLANE_HEALTHY: Final = "ControlPlaneHealthy"
OBSERVABILITY_COMPONENTS_HEALTHY: Final = "ObservabilityComponentsHealthy"
EVERY_NODE_READY: Final = "EveryNodeReady"
SYSTEM_COMPONENTS_HEALTHY: Final = "SystemComponentsHealthy"
#: In the order Gardener lists them.
CONDITION_TYPES: Final = (
    API_SERVER_AVAILABLE,
    CONTROL_PLANE_HEALTHY,
    OBSERVABILITY_COMPONENTS_HEALTHY,
    EVERY_NODE_READY,
    SYSTEM_COMPONENTS_HEALTHY,
)

HIBERNATION_POSSIBLE: Final = "HibernationPossible"
MAINTENANCE_PRECONDITIONS_SATISFIED: Final = "MaintenancePreconditionsSatisfied"

#: Gardener's default condition thresholds (gardenlet ``controllers.shootCare.conditionThresholds``).
DEFAULT_THRESHOLDS: Final[Mapping[str, float]] = {
    API_SERVER_AVAILABLE: 60.0,
    CONTROL_PLANE_HEALTHY: 60.0,
    OBSERVABILITY_COMPONENTS_HEALTHY: 60.0,
    EVERY_NODE_READY: 300.0,
    SYSTEM_COMPONENTS_HEALTHY: 60.0,
}

#: What a hibernated shoot's conditions say: nothing runs, so nothing is checked.
HIBERNATED_REASON: Final = "ConditionNotChecked"
HIBERNATED_MESSAGE: Final = "Shoot cluster has been hibernated."


@dataclass(frozen=True, slots=True)
class Check:
    """The result of one health check."""

    type: str
    outcome: Literal["healthy", "failed", "unknown"]
    reason: str
    message: str
    codes: tuple[str, ...] = ()

    @classmethod
    def healthy(cls, condition_type: str, reason: str, message: str) -> Check:
        return cls(condition_type, "healthy", reason, message)

    @classmethod
    def failed(cls, condition_type: str, reason: str, message: str, *codes: str) -> Check:
        return cls(condition_type, "failed", reason, message, codes)

    @classmethod
    def unknown(cls, condition_type: str, reason: str, message: str) -> Check:
        return cls(condition_type, "unknown", reason, message)


def thresholds(configured: Mapping[str, float]) -> dict[str, float]:
    """Gardener's defaults with the configured thresholds laid over them."""
    return {**DEFAULT_THRESHOLDS, **configured}


def condition_from(old: Mapping[str, Any] | None, check: Check, now: datetime, threshold_seconds: float) -> Condition:
    """The condition ``check`` makes of ``old`` at ``now`` (see the module docstring)."""
    if check.outcome == "healthy":
        return updated_condition(old, check.type, "True", check.reason, check.message, now)
    if check.outcome == "unknown":
        return updated_condition(old, check.type, "Unknown", check.reason, check.message, now, check.codes)
    previous = (old or {}).get("status")
    status = "False"
    if threshold_seconds > 0:
        if previous == "True":
            status = "Progressing"
        elif previous == "Progressing":
            since = parse_time((old or {}).get("lastTransitionTime"))
            if since is not None and now - since <= timedelta(seconds=threshold_seconds):
                status = "Progressing"
    return updated_condition(old, check.type, status, check.reason, check.message, now, check.codes)


def conditions_from(
    existing: Iterable[Mapping[str, Any]] | None,
    checks: Iterable[Check],
    now: datetime,
    threshold_seconds: Mapping[str, float],
) -> list[Condition]:
    """The new conditions, one per check, each built from the existing one of its type."""
    listed = list(existing or ())
    return [
        condition_from(get_condition(listed, check.type), check, now, threshold_seconds.get(check.type, 0.0))
        for check in checks
    ]


def hibernated_conditions(
    existing: Iterable[Mapping[str, Any]] | None, types: Iterable[str], now: datetime
) -> list[Condition]:
    """A hibernated shoot's conditions: True, not checked (Gardener's ``shootHibernatedConditions``)."""
    listed = list(existing or ())
    return [
        updated_condition(get_condition(listed, t), t, "True", HIBERNATED_REASON, HIBERNATED_MESSAGE, now)
        for t in types
    ]


__all__ = [
    "API_SERVER_AVAILABLE",
    "CONDITION_TYPES",
    "CONTROL_PLANE_HEALTHY",
    "DEFAULT_THRESHOLDS",
    "EVERY_NODE_READY",
    "HIBERNATED_MESSAGE",
    "HIBERNATED_REASON",
    "HIBERNATION_POSSIBLE",
    "MAINTENANCE_PRECONDITIONS_SATISFIED",
    "OBSERVABILITY_COMPONENTS_HEALTHY",
    "SYSTEM_COMPONENTS_HEALTHY",
    "Check",
    "condition_from",
    "conditions_from",
    "hibernated_conditions",
    "thresholds",
]
