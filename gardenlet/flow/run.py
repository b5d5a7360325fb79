"""Running a compiled flow: start every task whose dependencies are done, at most ``parallelism`` at a time.

The scheduler is one loop over asyncio tasks. A task becomes ready when each of its dependencies succeeded or was
skipped; ready tasks start in flow order. A skipped task takes no slot and releases its dependants at once. A
failed task's error is kept with its name, its dependants (transitively) are blocked, and everything that does not
depend on it carries on, so one run reports every independent failure (Gardener does the same). Cancelling the run
cancels what is running and waits for it: a cancelled flow leaves no task behind still touching the cluster.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from gardenlet.flow.clock import Clock, LoopClock
from gardenlet.flow.errors import FlowError, TaskError, describe_error
from gardenlet.flow.stats import Stats
from gardenlet.flow.task import TaskID

if TYPE_CHECKING:
    from gardenlet.flow.graph import Flow

log = logging.getLogger(__name__)

C = TypeVar("C")


class TaskCancelledError(Exception):
    """A task's function was cancelled although the run was not (e.g. it cancelled itself); counted as failed."""


@dataclass
class _Run:
    flow: Flow[Any]
    clock: Clock
    on_progress: Callable[[Stats], None] | None
    waiting: dict[TaskID, int] = field(default_factory=dict)
    ready: list[TaskID] = field(default_factory=list)
    running: dict[asyncio.Task[None], TaskID] = field(default_factory=dict)
    started: dict[TaskID, float] = field(default_factory=dict)
    durations: dict[TaskID, float] = field(default_factory=dict)
    succeeded: set[TaskID] = field(default_factory=set)
    skipped: set[TaskID] = field(default_factory=set)
    failed: dict[TaskID, Exception] = field(default_factory=dict)
    blocked: set[TaskID] = field(default_factory=set)
    cancelled: set[TaskID] = field(default_factory=set)
    #: Each task's index in flow order: ready tasks start, and snapshots list tasks, in this order.
    position: dict[TaskID, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.waiting = {name: len(task.dependencies) for name, task in self.flow.tasks.items()}
        self.ready = [name for name, count in self.waiting.items() if count == 0]
        self.position = {name: index for index, name in enumerate(self.flow.tasks)}

    def stats(self) -> Stats:
        def ordered(names: set[TaskID] | dict[TaskID, Any]) -> tuple[TaskID, ...]:
            return tuple(sorted(names, key=self.position.__getitem__))

        running = set(self.running.values())
        settled = self.succeeded | self.skipped | set(self.failed) | self.blocked | self.cancelled | running
        return Stats(
            flow=self.flow.name,
            all=tuple(self.flow.tasks),
            succeeded=ordered(self.succeeded),
            skipped=ordered(self.skipped),
            failed=ordered(self.failed),
            running=ordered(running),
            pending=tuple(name for name in self.flow.tasks if name not in settled),
            blocked=ordered(self.blocked),
            cancelled=ordered(self.cancelled),
            durations=dict(self.durations),
        )

    def report(self) -> None:
        if self.on_progress is None:
            return
        try:
            self.on_progress(self.stats())
        except Exception:
            # NB: a broken progress reporter must not fail the cluster's reconciliation; it is a bug to log loudly.
            log.exception("flow %r: the progress callback failed", self.flow.name)

    def release(self, name: TaskID) -> None:
        """``name`` is done (succeeded or skipped): its dependants may become ready."""
        for dependant in self.flow.dependants[name]:
            self.waiting[dependant] -= 1
            if self.waiting[dependant] == 0:
                self.ready.append(dependant)
        self.ready.sort(key=self.position.__getitem__)

    def block(self, name: TaskID) -> None:
        """``name`` failed: nothing that depends on it, directly or not, runs in this run."""
        stack = list(self.flow.dependants[name])
        while stack:
            dependant = stack.pop()
            if dependant not in self.blocked:
                self.blocked.add(dependant)
                stack.extend(self.flow.dependants[dependant])

    def fail(self, name: TaskID, error: Exception) -> None:
        log.info("flow %r: task %r failed: %s", self.flow.name, name, describe_error(error))
        self.failed[name] = error
        self.block(name)


async def execute(
    flow: Flow[C],
    context: C,
    *,
    parallelism: int | None = None,
    on_progress: Callable[[Stats], None] | None = None,
    clock: Clock | None = None,
) -> Stats:
    if parallelism is not None and (isinstance(parallelism, bool) or parallelism < 1):
        raise ValueError(f"flow {flow.name!r}: parallelism must be a positive number or None, got {parallelism!r}")
    run = _Run(flow, clock or LoopClock(), on_progress)
    try:
        while True:
            _start_ready(run, context, parallelism)
            run.report()
            if not run.running:
                break
            done, _ = await asyncio.wait(run.running, return_when=asyncio.FIRST_COMPLETED)
            _settle(run, done)
    except asyncio.CancelledError:
        await _cancel_running(run)
        run.report()
        raise
    except BaseException:
        # KeyboardInterrupt, SystemExit out of a task: stop the others before leaving.
        await _cancel_running(run)
        raise
    final = run.stats()
    if run.failed:
        errors = [TaskError(name, run.failed[name]) for name in final.failed]
        raise FlowError(flow.name, errors, final.blocked)
    return final


def _start_ready(run: _Run, context: Any, parallelism: int | None) -> None:
    while run.ready and (parallelism is None or len(run.running) < parallelism):
        name = run.ready.pop(0)
        task = run.flow.tasks[name]
        try:
            skip = task.skipped(context)
        except Exception as exc:
            run.fail(name, exc)
            continue
        if skip:
            run.skipped.add(name)
            run.release(name)
            continue
        run.started[name] = run.clock.monotonic()
        try:
            result: object = task.fn(context)
        except Exception as exc:
            run.durations[name] = 0.0
            run.fail(name, exc)
            continue
        if not inspect.isawaitable(result):
            run.durations[name] = 0.0
            run.fail(name, TypeError(f"task {name!r}: fn returned {type(result).__name__}, not an awaitable"))
            continue
        run.running[asyncio.create_task(_awaited(result), name=name)] = name


async def _awaited(awaitable: Awaitable[Any]) -> None:
    await awaitable


def _settle(run: _Run, done: set[asyncio.Task[None]]) -> None:
    for finished in sorted(done, key=lambda t: run.position[run.running[t]]):
        name = run.running.pop(finished)
        run.durations[name] = run.clock.monotonic() - run.started[name]
        if finished.cancelled():
            run.fail(name, TaskCancelledError(f"task {name!r} was cancelled"))
            continue
        error = finished.exception()
        if error is None:
            run.succeeded.add(name)
            run.release(name)
        elif isinstance(error, Exception):
            run.fail(name, error)
        else:
            raise error


async def _cancel_running(run: _Run) -> None:
    """Cancel every running task and wait until each has ended; record how each ended."""
    if not run.running:
        return
    for running in run.running:
        running.cancel()
    await asyncio.wait(run.running)
    for finished, name in list(run.running.items()):
        run.durations[name] = run.clock.monotonic() - run.started[name]
        if finished.cancelled():
            run.cancelled.add(name)
        elif (error := finished.exception()) is None:
            run.succeeded.add(name)
        elif isinstance(error, Exception):
            run.fail(name, error)
        else:
            # Already leaving with a BaseException; this one would only hide it.
            log.warning("flow %r: task %r ended with %r while being cancelled", run.flow.name, name, error)
    run.running.clear()
    log.info("flow %r cancelled; cancelled tasks: %s", run.flow.name, sorted(run.cancelled))


__all__ = ["TaskCancelledError", "execute"]
