"""Conditions as Gardener's controllers write them (``v1beta1helper.ConditionBuilder`` and ``MergeConditions``).

Pure functions over wire conditions (dicts with camelCase keys, times as RFC 3339 strings), so every controller
writes them the same way:

* a condition whose status changes gets a new ``lastTransitionTime``; one whose status stays keeps it;
* a condition whose reason, message or codes change gets a new ``lastUpdateTime``;
* a condition seen for the first time gets both;
* error codes are not carried over: a condition has the codes of its last update.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from garden.api.base import format_time

Condition = dict[str, Any]

#: Gardener's reason and message when a builder is given none (``ConditionInitialized`` / ``Unspecified``).
REASON_UNSPECIFIED = "Unspecified"
MESSAGE_UNSPECIFIED = "No message given."


def parse_time(value: Any) -> datetime | None:
    """An RFC 3339 timestamp (``metav1.Time`` or ``MicroTime``) as an aware datetime; None when absent or invalid."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def get_condition(conditions: Iterable[Mapping[str, Any]] | None, condition_type: str) -> Condition | None:
    """A copy of the condition of ``condition_type``, or None."""
    for condition in conditions or ():
        if isinstance(condition, Mapping) and condition.get("type") == condition_type:
            return dict(condition)
    return None


def updated_condition(
    old: Mapping[str, Any] | None,
    condition_type: str,
    status: str,
    reason: str,
    message: str,
    now: datetime,
    codes: Sequence[str] | None = None,
) -> Condition:
    """The condition ``old`` (or a new one) with ``status``, ``reason`` and ``message`` as of ``now``."""
    stamp = format_time(now)
    previous: Mapping[str, Any] = old or {}
    condition: Condition = dict(previous)
    condition["type"] = condition_type
    for key in ("lastTransitionTime", "lastUpdateTime"):
        if not condition.get(key):
            condition[key] = stamp
    condition["status"] = status
    condition["reason"] = reason or previous.get("reason") or REASON_UNSPECIFIED
    condition["message"] = message or previous.get("message") or MESSAGE_UNSPECIFIED
    if codes:
        condition["codes"] = list(codes)
    else:
        condition.pop("codes", None)
    if condition["status"] != previous.get("status"):
        condition["lastTransitionTime"] = stamp
    if (
        condition["reason"] != previous.get("reason")
        or condition["message"] != previous.get("message")
        or list(condition.get("codes") or []) != list(previous.get("codes") or [])
    ):
        condition["lastUpdateTime"] = stamp
    return condition


def merge_conditions(conditions: Iterable[Mapping[str, Any]] | None, *new: Mapping[str, Any]) -> list[Condition]:
    """``conditions`` with each of ``new`` replacing the one of its type in place, or appended (``MergeConditions``)."""
    merged = [dict(c) for c in conditions or () if isinstance(c, Mapping)]
    index = {c.get("type"): i for i, c in enumerate(merged)}
    for condition in new:
        position = index.get(condition.get("type"))
        if position is None:
            index[condition.get("type")] = len(merged)
            merged.append(dict(condition))
        else:
            merged[position] = dict(condition)
    return merged


def set_condition(
    conditions: Iterable[Mapping[str, Any]] | None,
    condition_type: str,
    status: str,
    reason: str,
    message: str,
    now: datetime,
    codes: Sequence[str] | None = None,
) -> list[Condition]:
    """``conditions`` with the one of ``condition_type`` updated (or added) as :func:`updated_condition` does.

    The input is not changed; compare the result with it to see whether anything needs writing.
    """
    listed = [c for c in conditions or () if isinstance(c, Mapping)]
    old = get_condition(listed, condition_type)
    return merge_conditions(listed, updated_condition(old, condition_type, status, reason, message, now, codes))


__all__ = [
    "MESSAGE_UNSPECIFIED",
    "REASON_UNSPECIFIED",
    "Condition",
    "get_condition",
    "merge_conditions",
    "parse_time",
    "set_condition",
    "updated_condition",
]
