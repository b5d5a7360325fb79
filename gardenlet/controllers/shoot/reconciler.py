"""One operation on one shoot: decide, mark it started, run its flow, write how it ended.

The reconciler is the logic half of the shoot controller (``controller`` is the wiring): it is given the
gardenlet's context and returns when to look at the shoot again. Everything it learns comes from the Shoot as
the garden has it now, so a gardenlet restarted after ``kill -9`` picks up a ``Processing`` operation and runs
its flow again from the start; every task being idempotent, the flow ends as an uninterrupted one would.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from garden.kube import MERGE_PATCH, SHOOTS, KubeError
from gardenlet.botanist import flows
from gardenlet.botanist.botanist import Botanist, BotanistOptions
from gardenlet.botanist.plan import plan_for
from gardenlet.botanist.shoot import ShootLoadError, ShootObjects, load
from gardenlet.botanist.threads import Threads
from gardenlet.context import GardenletContext
from gardenlet.controllers.shoot import status
from gardenlet.controllers.shoot.decision import FINALIZER, OPERATION_ANNOTATION, decide, requested
from gardenlet.flow import Flow, FlowError, Stats
from gardenlet.flow.errors import TaskError

log = logging.getLogger(__name__)

Object = dict[str, Any]
Key = tuple[str, str]
#: The task ID under which a shoot whose references cannot be read reports it.
LOADING_TASK = "Reading the shoot's references in the garden"
#: Seconds between two progress writes of one flow (the flow reports every task start and end).
PROGRESS_INTERVAL = 0.5


@dataclass
class _Retries:
    """Back-off per shoot: doubles from the minimum to the maximum, with jitter; forgotten on success."""

    minimum: float
    maximum: float
    attempts: dict[Key, int] = field(default_factory=dict)
    #: Loop time before which an erroring shoot is not retried (a change of its spec does not wait).
    not_before: dict[Key, float] = field(default_factory=dict)

    def failed(self, key: Key, now: float) -> float:
        attempt = self.attempts.get(key, 0)
        self.attempts[key] = attempt + 1
        delay = float(min(self.maximum, self.minimum * 2**attempt)) * (1 + 0.1 * random.random())
        self.not_before[key] = now + delay
        return delay

    def forget(self, key: Key) -> None:
        self.attempts.pop(key, None)
        self.not_before.pop(key, None)


#: Told of every flow that succeeded: the shoot, the flow and its final stats (task durations), e.g. for metrics.
FlowObserver = Callable[[Key, Flow[Any], Stats], None]


class ShootReconciler:
    def __init__(
        self,
        ctx: GardenletContext,
        threads: Threads,
        options: BotanistOptions | None = None,
        observer: FlowObserver | None = None,
    ) -> None:
        self.ctx = ctx
        self.observer = observer
        self.threads = threads
        self.options = options or BotanistOptions()
        settings = ctx.config.controllers.shoot
        self.sync_period = settings.sync_period_seconds
        self.flow_timeout = settings.flow_timeout_seconds
        self.retries = _Retries(settings.retry_min_seconds, settings.retry_max_seconds)

    async def reconcile(self, key: Key) -> float | None:
        """Act on the shoot ``key`` (namespace, name) if it needs it; seconds until it should be looked at again."""
        namespace, name = key
        shoot = await self.threads.run(self.ctx.garden.get, SHOOTS, namespace, name)
        if shoot is None:
            self.retries.forget(key)
            return None
        decision = decide(shoot, self.ctx.seed_name, self.ctx.clock.now(), self.sync_period)
        if decision.operation is None:
            log.debug("shoot %s/%s: nothing to do: %s", namespace, name, decision.reason)
            return decision.requeue_after
        loop_now = asyncio.get_running_loop().time()
        if decision.retry and self.retries.not_before.get(key, 0.0) > loop_now:
            return self.retries.not_before[key] - loop_now
        log.info("shoot %s/%s: %s (%s)", namespace, name, decision.operation, decision.reason)
        return await self._operate(key, shoot, decision.operation)

    async def _operate(self, key: Key, shoot: Object, kind: str) -> float | None:
        shoot = await self._prepare(shoot, kind)
        generation = int(shoot["metadata"].get("generation") or 0)
        try:
            objects = await self.threads.run(
                load, self.ctx.garden, shoot, self.ctx.seed_name, self.ctx.config.seed_config.model_dump()
            )
        except (ShootLoadError, KubeError) as exc:
            error = TaskError(LOADING_TASK, exc)
            await self._patch_status(key, {"status": {"observedGeneration": generation}})
            return await self._failed(key, kind, [error], error.retryable, 0)
        await self._patch_status(
            key, status.started(kind, generation, objects.namespace, self.ctx.seed_name, self.ctx.clock.now())
        )
        return await self._run_flow(key, kind, objects)

    async def _prepare(self, shoot: Object, kind: str) -> Object:
        """Add the finalizer before anything is made for the shoot; take the operation annotation it acts on."""
        meta = shoot["metadata"]
        patch: Object = {}
        finalizers = list(meta.get("finalizers") or [])
        if kind != "Delete" and FINALIZER not in finalizers:
            patch["finalizers"] = [*finalizers, FINALIZER]
        if requested(shoot) is not None:
            patch["annotations"] = {OPERATION_ANNOTATION: None}
        if not patch:
            return shoot
        updated: Object = await self.threads.run(
            self.ctx.garden.patch, SHOOTS, meta["namespace"], meta["name"], {"metadata": patch}
        )
        return updated

    async def _run_flow(self, key: Key, kind: str, objects: ShootObjects) -> float | None:
        settings = self.ctx.config.control_plane
        plan = plan_for(objects, settings)
        flow = flows.delete(plan) if kind == "Delete" else flows.reconcile(plan)
        botanist = Botanist(
            garden=self.ctx.garden,
            seed=self.ctx.seed,
            objects=objects,
            settings=settings,
            plan=plan,
            threads=self.threads,
            options=self.options,
            clock=self.ctx.clock,
        )
        reporter = _ProgressReporter(self, key, kind)
        try:
            async with asyncio.timeout(self.flow_timeout):
                stats = await flow.run(botanist, on_progress=reporter.report)
        except FlowError as exc:
            await reporter.stop()
            last = reporter.latest.progress if reporter.latest else 0
            return await self._failed(key, kind, exc.errors, exc.retryable, last)
        except TimeoutError:
            await reporter.stop()
            running = reporter.latest.running if reporter.latest else ()
            error = TaskError(
                ", ".join(running) or flow.name, TimeoutError(f"the flow ran longer than {self.flow_timeout:g} s")
            )
            return await self._failed(key, kind, [error], True, reporter.latest.progress if reporter.latest else 0)
        finally:
            await reporter.stop()
            await self.threads.run(botanist.close)
        log.info("shoot %s/%s: %s succeeded (%d tasks)", *key, kind, len(stats.all))
        self.retries.forget(key)
        if self.observer is not None:
            self.observer(key, flow, stats)
        if kind == "Delete":
            await self._release(key)
            return None
        await self._patch_status(key, status.succeeded(kind, plan.hibernated, self.ctx.clock.now()))
        return self.sync_period

    async def _failed(self, key: Key, kind: str, errors: Any, retryable: bool, progress: int) -> float | None:
        for error in errors:
            log.warning("shoot %s/%s: %s", *key, error)
        await self._patch_status(key, status.failed(kind, errors, retryable, progress, self.ctx.clock.now()))
        if not retryable:
            self.retries.forget(key)
            return None
        return self.retries.failed(key, asyncio.get_running_loop().time())

    async def _release(self, key: Key) -> None:
        """The delete flow finished: remove the finalizer, so the garden API server deletes the Shoot."""
        shoot = await self.threads.run(self.ctx.garden.get, SHOOTS, *key)
        if shoot is None:
            return
        finalizers = [f for f in shoot["metadata"].get("finalizers") or [] if f != FINALIZER]
        patch = {
            "metadata": {"finalizers": finalizers or None, "resourceVersion": shoot["metadata"]["resourceVersion"]}
        }
        await self.threads.run(self.ctx.garden.patch, SHOOTS, *key, patch)

    async def _patch_status(self, key: Key, patch: Object) -> None:
        try:
            await self.threads.run(
                self.ctx.garden.patch, SHOOTS, *key, patch, subresource="status", content_type=MERGE_PATCH
            )
        except KubeError as exc:
            if not exc.not_found:
                raise


class _ProgressReporter:
    """Writes the flow's progress into ``status.lastOperation``, at most every :data:`PROGRESS_INTERVAL` seconds.

    The flow's callback is synchronous; it only records the latest snapshot and wakes the writer. ``stop`` lets a
    write in progress finish, so no progress write can land after the final status.
    """

    def __init__(self, reconciler: ShootReconciler, key: Key, kind: str) -> None:
        self.reconciler = reconciler
        self.key = key
        self.kind = kind
        self.latest: Stats | None = None
        self._changed = asyncio.Event()
        self._done = False
        self._task = asyncio.create_task(self._write(), name=f"progress {key[0]}/{key[1]}")

    def report(self, stats: Stats) -> None:
        self.latest = stats
        self._changed.set()

    async def _write(self) -> None:
        while True:
            await self._changed.wait()
            if self._done:
                return
            self._changed.clear()
            if self.latest is not None:
                patch = status.progress(self.kind, self.latest, self.reconciler.ctx.clock.now())
                try:
                    await self.reconciler._patch_status(self.key, patch)
                except KubeError as exc:
                    log.info("shoot %s/%s: progress not written: %s", *self.key, exc)
            await asyncio.sleep(PROGRESS_INTERVAL)

    async def stop(self) -> None:
        if self._task.done():
            return
        self._done = True
        self._changed.set()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


__all__ = ["ShootReconciler"]
