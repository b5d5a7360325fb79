"""Types shared by many kinds: conditions, the last operation, last errors and Gardener's error codes."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from garden.api.base import Model, Time


class ConditionStatus(StrEnum):
    TRUE = "True"
    FALSE = "False"
    UNKNOWN = "Unknown"
    PROGRESSING = "Progressing"


class ErrorCode(StrEnum):
    """Gardener's error codes (``gardencorev1beta1.ErrorCode``): what went wrong, so users and retries can tell."""

    INFRA_UNAUTHENTICATED = "ERR_INFRA_UNAUTHENTICATED"
    INFRA_UNAUTHORIZED = "ERR_INFRA_UNAUTHORIZED"
    INFRA_QUOTA_EXCEEDED = "ERR_INFRA_QUOTA_EXCEEDED"
    INFRA_RATE_LIMITS_EXCEEDED = "ERR_INFRA_RATE_LIMITS_EXCEEDED"
    INFRA_DEPENDENCIES = "ERR_INFRA_DEPENDENCIES"
    RETRYABLE_INFRA_DEPENDENCIES = "ERR_RETRYABLE_INFRA_DEPENDENCIES"
    INFRA_RESOURCES_DEPLETED = "ERR_INFRA_RESOURCES_DEPLETED"
    CLEANUP_CLUSTER_RESOURCES = "ERR_CLEANUP_CLUSTER_RESOURCES"
    CONFIGURATION_PROBLEM = "ERR_CONFIGURATION_PROBLEM"
    RETRYABLE_CONFIGURATION_PROBLEM = "ERR_RETRYABLE_CONFIGURATION_PROBLEM"
    PROBLEMATIC_WEBHOOK = "ERR_PROBLEMATIC_WEBHOOK"


#: Codes after which retrying without a change by the user is pointless (Gardener stops and marks Failed).
NON_RETRYABLE_CODES = frozenset(
    {
        ErrorCode.INFRA_UNAUTHENTICATED,
        ErrorCode.INFRA_UNAUTHORIZED,
        ErrorCode.INFRA_QUOTA_EXCEEDED,
        ErrorCode.INFRA_DEPENDENCIES,
        ErrorCode.INFRA_RESOURCES_DEPLETED,
        ErrorCode.CONFIGURATION_PROBLEM,
        ErrorCode.PROBLEMATIC_WEBHOOK,
    }
)


class Condition(Model):
    """``gardencorev1beta1.Condition``: one aspect of health, with when it last changed and why."""

    type: str
    status: ConditionStatus
    last_transition_time: Time | None = None
    last_update_time: Time | None = None
    reason: str | None = None
    message: str | None = None
    codes: list[ErrorCode] | None = None


LastOperationType = Literal["Create", "Reconcile", "Delete", "Migrate", "Restore"]
LastOperationState = Literal["Processing", "Succeeded", "Error", "Failed", "Pending", "Aborted"]


class LastOperation(Model):
    """What the last operation on an object was, how far it got, and how it went."""

    description: str = ""
    last_update_time: Time
    progress: int = Field(default=0, ge=0, le=100)
    state: LastOperationState
    type: LastOperationType


class LastError(Model):
    """An error of the last operation: the flow task it came from and its codes."""

    description: str
    task_id: str | None = Field(default=None, alias="taskID")
    codes: list[ErrorCode] | None = None
    last_update_time: Time | None = None


class Toleration(Model):
    """A shoot's toleration of a seed taint (``gardencorev1beta1.Toleration``)."""

    key: str
    value: str | None = None


class SeedTaint(Model):
    key: str
    value: str | None = None


class Gardener(Model):
    """Which gardener component version last acted on an object (``status.gardener``)."""

    id: str | None = None
    name: str | None = None
    version: str | None = None


__all__ = [
    "NON_RETRYABLE_CODES",
    "Condition",
    "ConditionStatus",
    "ErrorCode",
    "Gardener",
    "LastError",
    "LastOperation",
    "LastOperationState",
    "LastOperationType",
    "SeedTaint",
    "Toleration",
]
