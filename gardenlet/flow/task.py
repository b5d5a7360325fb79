"""A named unit of work in a flow (Gardener's ``flow.Task``): a name, an async function, what it waits for, and
whether it is skipped.

The name is the task's identity (:data:`TaskID`); it shows in progress descriptions and in ``status.lastErrors``,
so it reads as a sentence ("Deploying the kube-apiserver"). The function takes the run's context object: whatever
the flow's owner passes to :meth:`Flow.run` (the botanist passes its operation).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Generic, TypeVar

#: A task's name, unique within its graph.
TaskID = str

C = TypeVar("C")
#: What a task runs: an async callable taking the run's context.
TaskFn = Callable[[C], Awaitable[None]]
#: Skip the task: a constant, or a predicate asked with the run's context when the task's dependencies are done.
SkipIf = bool | Callable[[C], bool]


class Task(Generic[C]):
    """One task; immutable once built. ``dependencies`` are names of other tasks in the same graph."""

    __slots__ = ("dependencies", "fn", "name", "skip_if")

    name: TaskID
    fn: TaskFn[C]
    dependencies: tuple[TaskID, ...]
    skip_if: SkipIf[C]

    def __init__(
        self,
        name: TaskID,
        fn: TaskFn[C],
        *,
        dependencies: Iterable[TaskID] = (),
        skip_if: SkipIf[C] = False,
    ) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ValueError("a task needs a non-empty name")
        if not callable(fn):
            raise TypeError(f"task {name!r}: fn must be an async callable, got {type(fn).__name__}")
        if isinstance(dependencies, str):
            # NB: a bare string is iterable; "abc" would silently become the dependencies "a", "b", "c".
            raise TypeError(f"task {name!r}: dependencies must be a collection of task names, not one string")
        deps = tuple(dict.fromkeys(dependencies))
        for dep in deps:
            if not isinstance(dep, str):
                raise TypeError(f"task {name!r}: dependency {dep!r} is not a task name")
        if name in deps:
            raise ValueError(f"task {name!r} depends on itself")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "fn", fn)
        object.__setattr__(self, "dependencies", deps)
        object.__setattr__(self, "skip_if", skip_if)

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(f"task {self.name!r} is immutable")

    def __repr__(self) -> str:
        return f"Task({self.name!r}, dependencies={list(self.dependencies)!r})"

    def skipped(self, context: C) -> bool:
        """Whether this run skips the task (a predicate is asked now, with the run's context)."""
        if isinstance(self.skip_if, bool):
            return self.skip_if
        return bool(self.skip_if(context))


__all__ = ["SkipIf", "Task", "TaskFn", "TaskID"]
