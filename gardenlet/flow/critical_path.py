"""The critical path of a flow: the chain of dependent tasks whose durations add up to the longest time.

No schedule can finish a flow faster than its critical path, however much parallelism it has; the shoot benchmark
compares a run's wall time with it to show how much the scheduler (or the parallelism bound) loses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gardenlet.flow.graph import Flow
from gardenlet.flow.task import TaskID


@dataclass(frozen=True, slots=True)
class CriticalPath:
    tasks: tuple[TaskID, ...]
    #: The sum of the durations along ``tasks``, in the unit of the durations given (seconds from a run).
    length: float


def critical_path(flow: Flow[Any], durations: Mapping[TaskID, float]) -> CriticalPath:
    """The longest chain given each task's duration; a task missing from ``durations`` (e.g. skipped) counts 0."""
    unknown = sorted(set(durations) - set(flow.tasks))
    if unknown:
        raise ValueError(f"flow {flow.name!r}: durations name unknown tasks: {', '.join(map(repr, unknown))}")
    negative = sorted(name for name, seconds in durations.items() if seconds < 0)
    if negative:
        raise ValueError(f"flow {flow.name!r}: negative durations for {', '.join(map(repr, negative))}")
    finish: dict[TaskID, float] = {}
    previous: dict[TaskID, TaskID | None] = {}
    # flow.tasks is in topological order, so every dependency's finish time is known when a task is reached.
    for name, task in flow.tasks.items():
        before: TaskID | None = None
        for dep in task.dependencies:
            if before is None or finish[dep] > finish[before]:
                before = dep
        previous[name] = before
        finish[name] = durations.get(name, 0.0) + (finish[before] if before is not None else 0.0)
    if not finish:
        return CriticalPath((), 0.0)
    end: TaskID | None = max(finish, key=finish.__getitem__)
    length = finish[end] if end is not None else 0.0
    chain: list[TaskID] = []
    while end is not None:
        chain.append(end)
        end = previous[end]
    chain.reverse()
    return CriticalPath(tuple(chain), length)


__all__ = ["CriticalPath", "critical_path"]
