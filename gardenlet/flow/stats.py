"""A snapshot of a run, as handed to the progress callback: which tasks are done, running, failed or waiting.

Progress is Gardener's: tasks done (succeeded or skipped) over all tasks, in whole percent, which the gardenlet
writes into ``status.lastOperation.progress``; :func:`describe` is what goes into ``lastOperation.description``
(the names of the running tasks, which read as sentences).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gardenlet.flow.task import TaskID


@dataclass(frozen=True, slots=True)
class Stats:
    """Task names per state, each tuple in flow order; ``durations`` holds the seconds each finished task ran."""

    flow: str
    all: tuple[TaskID, ...]
    succeeded: tuple[TaskID, ...] = ()
    skipped: tuple[TaskID, ...] = ()
    failed: tuple[TaskID, ...] = ()
    running: tuple[TaskID, ...] = ()
    pending: tuple[TaskID, ...] = ()
    #: Will not run in this run: a task they depend on failed.
    blocked: tuple[TaskID, ...] = ()
    #: Were running when the run was cancelled, and were cancelled with it.
    cancelled: tuple[TaskID, ...] = ()
    durations: Mapping[TaskID, float] = field(default_factory=dict)

    @property
    def done(self) -> tuple[TaskID, ...]:
        """Succeeded or skipped: what counts towards progress."""
        finished = set(self.succeeded) | set(self.skipped)
        return tuple(task for task in self.all if task in finished)

    @property
    def progress(self) -> int:
        """Done over all, in whole percent (an empty flow is complete)."""
        if not self.all:
            return 100
        return len(self.done) * 100 // len(self.all)


def describe(stats: Stats) -> str:
    """A one-line description of where the run is, for ``status.lastOperation.description``."""
    if stats.running:
        return ", ".join(stats.running)
    if stats.cancelled:
        return f"{stats.flow} cancelled while running: {', '.join(stats.cancelled)}"
    if stats.failed:
        return f"{stats.flow} failed at: {', '.join(stats.failed)}"
    if stats.all and len(stats.done) == len(stats.all):
        return f"{stats.flow} finished"
    return f"Starting {stats.flow}"


__all__ = ["Stats", "describe"]
