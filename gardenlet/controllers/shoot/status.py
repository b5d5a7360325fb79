"""The Shoot status the controller writes: at the start, while the flow runs, and at its end. Pure.

Status goes through the ``status`` subresource as JSON merge patches, so each write touches only its fields.
``lastErrors`` lists one entry per failed task (``taskID``, ``description``, ``codes``); it stays while an operation
is retried (``Error``) and is cleared by the next success. ``Failed`` means a non-retryable code: the controller
waits for the user (a spec change or the ``retry`` annotation).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from garden.api.base import format_time
from gardenlet.flow import Stats, describe
from gardenlet.flow.errors import TaskError
from kubelite.version import VERSION

Object = dict[str, Any]


def _operation(kind: str, state: str, progress: int, description: str, now: datetime) -> Object:
    return {
        "type": kind,
        "state": state,
        "progress": max(0, min(100, progress)),
        "description": description,
        "lastUpdateTime": format_time(now),
    }


def gardener(seed_name: str) -> Object:
    return {"id": seed_name, "name": "gardenlet", "version": VERSION}


def started(kind: str, generation: int, technical_id: str, seed_name: str, now: datetime) -> Object:
    return {
        "status": {
            "lastOperation": _operation(kind, "Processing", 0, f"{kind} of the shoot started", now),
            "observedGeneration": generation,
            "technicalID": technical_id,
            "seedName": seed_name,
            "gardener": gardener(seed_name),
        }
    }


def progress(kind: str, stats: Stats, now: datetime) -> Object:
    return {"status": {"lastOperation": _operation(kind, "Processing", stats.progress, describe(stats), now)}}


def succeeded(kind: str, hibernated: bool | None, now: datetime) -> Object:
    status: Object = {
        "lastOperation": _operation(kind, "Succeeded", 100, f"{kind} of the shoot succeeded", now),
        "lastErrors": None,
    }
    if hibernated is not None:
        status["hibernated"] = hibernated
    return {"status": status}


def failed(kind: str, errors: Sequence[TaskError], retryable: bool, progress_: int, now: datetime) -> Object:
    state = "Error" if retryable else "Failed"
    summary = "; ".join(str(error) for error in errors)
    suffix = "; retrying" if retryable else "; waiting for a change of the shoot"
    return {
        "status": {
            "lastOperation": _operation(kind, state, progress_, f"{kind} failed: {summary}{suffix}", now),
            "lastErrors": [last_error(error, now) for error in errors],
        }
    }


def last_error(error: TaskError, now: datetime) -> Object:
    entry: Object = {"description": error.description, "taskID": error.task, "lastUpdateTime": format_time(now)}
    if error.codes:
        entry["codes"] = [str(code) for code in error.codes]
    return entry


__all__ = ["failed", "gardener", "last_error", "progress", "started", "succeeded"]
