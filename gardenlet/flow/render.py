"""A flow as text, for logs, docs and ``--dry-run`` output: the tasks by level, each with what it waits for.

A task's level is the length of the longest dependency chain leading to it, so every task of one level could run
at the same time once the previous levels are done.
"""

from __future__ import annotations

from typing import Any

from gardenlet.flow.graph import Flow
from gardenlet.flow.task import TaskID


def levels(flow: Flow[Any]) -> dict[TaskID, int]:
    """Each task's level: 0 without dependencies, else one more than its deepest dependency."""
    level: dict[TaskID, int] = {}
    for name, task in flow.tasks.items():
        level[name] = 1 + max((level[dep] for dep in task.dependencies), default=-1)
    return level


def render(flow: Flow[Any]) -> str:
    by_level: dict[int, list[TaskID]] = {}
    for name, level in levels(flow).items():
        by_level.setdefault(level, []).append(name)
    lines = [f"{flow.name} ({len(flow)} tasks, {len(by_level)} levels)"]
    for level in sorted(by_level):
        lines.append(f"  level {level}:")
        for name in by_level[level]:
            task = flow.tasks[name]
            mark = " [skipped]" if task.skip_if is True else ""
            after = f"  <- {', '.join(task.dependencies)}" if task.dependencies else ""
            lines.append(f"    - {name}{mark}{after}")
    return "\n".join(lines) + "\n"


__all__ = ["levels", "render"]
