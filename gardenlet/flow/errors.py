"""What a failed run reports: each failed task with its error and Gardener error codes.

Codes follow a convention rather than a base class: any exception with a ``codes`` attribute (an iterable of
:class:`garden.api.common.ErrorCode` or their string values) is classified by them, e.g. the providers'
``ProviderError``. The flow does not import the providers; it only reads the attribute. An error without codes is
retryable: the next reconcile may well succeed. One non-retryable code (a configuration problem, missing
permissions, an exhausted quota) makes the whole run non-retryable, so the gardenlet marks the operation ``Failed``
instead of retrying forever, as Gardener does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from garden.api.common import NON_RETRYABLE_CODES, ErrorCode
from gardenlet.flow.task import TaskID

log = logging.getLogger(__name__)


def codes_of(error: BaseException) -> tuple[ErrorCode, ...]:
    """The Gardener error codes an exception carries in its ``codes`` attribute (none: an empty tuple)."""
    raw = getattr(error, "codes", None)
    if raw is None or isinstance(raw, str | bytes):
        return ()
    codes: list[ErrorCode] = []
    try:
        items = list(raw)
    except TypeError:
        return ()
    for item in items:
        try:
            code = ErrorCode(item)
        except ValueError:
            log.warning("ignoring unknown error code %r on %s", item, type(error).__name__)
            continue
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def retryable(codes: Iterable[ErrorCode]) -> bool:
    """False when one of ``codes`` says retrying without a change by the user cannot help."""
    return not any(code in NON_RETRYABLE_CODES for code in codes)


def describe_error(error: BaseException) -> str:
    """The error's message, or its type when it has none (``TimeoutError()`` prints as an empty string)."""
    text = str(error).strip()
    return text or type(error).__name__


@dataclass(frozen=True, slots=True)
class TaskError:
    """One failed task: what becomes one entry of ``status.lastErrors`` (``taskID``, ``description``, ``codes``)."""

    task: TaskID
    error: Exception

    @property
    def codes(self) -> tuple[ErrorCode, ...]:
        return codes_of(self.error)

    @property
    def retryable(self) -> bool:
        return retryable(self.codes)

    @property
    def description(self) -> str:
        return describe_error(self.error)

    def __str__(self) -> str:
        return f"task {self.task!r} failed: {self.description}"


class FlowError(Exception):
    """A run ended with failed tasks. ``errors`` holds every failed task (in flow order); ``blocked`` the tasks that
    did not run because something they depend on failed."""

    def __init__(self, flow: str, errors: Sequence[TaskError], blocked: Sequence[TaskID] = ()) -> None:
        if not errors:
            raise ValueError("a FlowError needs at least one task error")
        self.flow = flow
        self.errors: tuple[TaskError, ...] = tuple(errors)
        self.blocked: tuple[TaskID, ...] = tuple(blocked)
        listing = "; ".join(str(error) for error in self.errors)
        super().__init__(f"flow {flow!r}: {len(self.errors)} task(s) failed: {listing}")

    @property
    def codes(self) -> tuple[ErrorCode, ...]:
        """Every code of every failed task, once each, in order of appearance."""
        return tuple(dict.fromkeys(code for error in self.errors for code in error.codes))

    @property
    def retryable(self) -> bool:
        return retryable(self.codes)

    @property
    def task_ids(self) -> tuple[TaskID, ...]:
        return tuple(error.task for error in self.errors)


__all__ = ["FlowError", "TaskError", "codes_of", "describe_error", "retryable"]
