"""Building a flow: a :class:`Graph` collects tasks, :meth:`Graph.compile` checks them and yields a :class:`Flow`.

As in Gardener's ``flow.Graph``, mistakes in the wiring are found when the flow is built, not halfway through a
reconcile: a duplicate task name, a dependency on a task that is not in the graph, or a cycle is a
:class:`GraphError` that names every offender. A compiled :class:`Flow` is immutable and can be run many times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Generic, TypeVar

from gardenlet.flow.clock import Clock
from gardenlet.flow.run import execute
from gardenlet.flow.stats import Stats
from gardenlet.flow.task import Task, TaskID

C = TypeVar("C")


class GraphError(ValueError):
    """The graph cannot be compiled; ``problems`` lists each reason."""

    def __init__(self, graph: str, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"flow {graph!r}: " + "; ".join(self.problems))


class Graph(Generic[C]):
    """Tasks being wired up; ``add`` returns the task's ID to use in later tasks' dependencies."""

    def __init__(self, name: str, tasks: Iterable[Task[C]] = ()) -> None:
        if not name.strip():
            raise ValueError("a flow needs a non-empty name")
        self.name = name
        self._tasks: dict[TaskID, Task[C]] = {}
        for task in tasks:
            self.add(task)

    def add(self, task: Task[C]) -> TaskID:
        if not isinstance(task, Task):
            raise TypeError(f"flow {self.name!r}: expected a Task, got {type(task).__name__}")
        if task.name in self._tasks:
            raise GraphError(self.name, [f"duplicate task {task.name!r}"])
        self._tasks[task.name] = task
        return task.name

    def compile(self) -> Flow[C]:
        problems = [
            f"task {task.name!r} depends on unknown task {dep!r}"
            for task in self._tasks.values()
            for dep in task.dependencies
            if dep not in self._tasks
        ]
        if problems:
            raise GraphError(self.name, problems)
        order = _topological_order(self._tasks)
        if len(order) < len(self._tasks):
            raise GraphError(self.name, [f"cycle: {' -> '.join(_find_cycle(self._tasks, set(order)))}"])
        return Flow(self.name, {name: self._tasks[name] for name in order})


class Flow(Generic[C]):
    """A checked graph, its tasks in a topological order (ties keep the order they were added in)."""

    def __init__(self, name: str, tasks: Mapping[TaskID, Task[C]]) -> None:
        self.name = name
        self.tasks: Mapping[TaskID, Task[C]] = MappingProxyType(dict(tasks))
        dependants: dict[TaskID, list[TaskID]] = {task: [] for task in tasks}
        for task in tasks.values():
            for dep in task.dependencies:
                dependants[dep].append(task.name)
        #: For each task, the tasks that list it as a dependency (in flow order).
        self.dependants: Mapping[TaskID, tuple[TaskID, ...]] = MappingProxyType(
            {task: tuple(names) for task, names in dependants.items()}
        )

    def __len__(self) -> int:
        return len(self.tasks)

    def __repr__(self) -> str:
        return f"Flow({self.name!r}, {len(self)} tasks)"

    async def run(
        self,
        context: C,
        *,
        parallelism: int | None = None,
        on_progress: Callable[[Stats], None] | None = None,
        clock: Clock | None = None,
    ) -> Stats:
        """Run every task once its dependencies are done, at most ``parallelism`` at a time (None: no bound).

        Returns the final :class:`Stats` when every task succeeded or was skipped; raises
        :class:`~gardenlet.flow.errors.FlowError` listing every failed task otherwise. ``on_progress`` is called
        (synchronously, so it must not block) whenever a task starts or ends. Cancelling the run cancels the
        running tasks, waits for them, reports the cancelled ones in a last progress call, and re-raises.
        """
        return await execute(self, context, parallelism=parallelism, on_progress=on_progress, clock=clock)


def _topological_order(tasks: Mapping[TaskID, Task[C]]) -> list[TaskID]:
    """Kahn's algorithm, always taking the earliest-added ready task, so the order is stable and readable."""
    waiting = {name: len(task.dependencies) for name, task in tasks.items()}
    dependants: dict[TaskID, list[TaskID]] = {name: [] for name in tasks}
    for task in tasks.values():
        for dep in task.dependencies:
            dependants[dep].append(task.name)
    position = {name: index for index, name in enumerate(tasks)}
    ready = [name for name, count in waiting.items() if count == 0]
    order: list[TaskID] = []
    while ready:
        ready.sort(key=position.__getitem__)
        current = ready.pop(0)
        order.append(current)
        for dependant in dependants[current]:
            waiting[dependant] -= 1
            if waiting[dependant] == 0:
                ready.append(dependant)
    return order


def _find_cycle(tasks: Mapping[TaskID, Task[C]], ordered: set[TaskID]) -> list[TaskID]:
    """One cycle among the tasks Kahn's algorithm could not order, as a closed path ``a, b, ..., a``."""
    start = next(name for name in tasks if name not in ordered)
    path: list[TaskID] = []
    seen: dict[TaskID, int] = {}
    current = start
    # Every unordered task has an unordered dependency, so following them must come back to a visited task.
    while current not in seen:
        seen[current] = len(path)
        path.append(current)
        current = next(dep for dep in tasks[current].dependencies if dep not in ordered)
    cycle = path[seen[current] :]
    # Written in the direction of execution: a dependency before its dependant.
    cycle.reverse()
    return [*cycle, cycle[0]]


__all__ = ["Flow", "Graph", "GraphError"]
