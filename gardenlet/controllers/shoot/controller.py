"""The shoot controller's wiring: watch the garden's Shoots, queue them, run operations with bounded concurrency.

A thread lists and watches every Shoot in the garden (the client is synchronous) and hands the keys of those
scheduled to this seed to the event loop. The queue holds each shoot once, with the time it is due: an event makes
it due now, a finished operation schedules it again (back-off after an error, the resync period after a success).
One operation per shoot runs at a time; an event arriving meanwhile makes the shoot due again once it ends (the
next look usually finds nothing to do). At most ``controllers.shoot.concurrentSyncs`` operations run at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from garden.kube import SHOOTS, KubeError
from gardenlet.botanist.botanist import BotanistOptions
from gardenlet.botanist.threads import Threads
from gardenlet.context import GardenletContext
from gardenlet.controllers.shoot.reconciler import FlowObserver, Key, ShootReconciler

log = logging.getLogger(__name__)

#: Seconds a watch request stays open before it is renewed (also how long a stopping watcher may linger).
WATCH_SECONDS = 30


class ShootController:
    def __init__(
        self, ctx: GardenletContext, options: BotanistOptions | None = None, observer: FlowObserver | None = None
    ) -> None:
        self.ctx = ctx
        concurrency = ctx.config.controllers.shoot.concurrent_syncs
        # Each running flow has a few blocking calls in flight (parallel tasks, the progress writer).
        self.executor = ThreadPoolExecutor(max_workers=min(128, 4 * concurrency + 4), thread_name_prefix="shoot")
        self.reconciler = ShootReconciler(ctx, Threads(self.executor), options, observer)
        self.semaphore = asyncio.Semaphore(concurrency)
        self.due: dict[Key, float] = {}
        self.running: dict[Key, asyncio.Task[None]] = {}
        self.dirty: set[Key] = set()
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()

    # -- queue --------------------------------------------------------------------------------------------------

    def enqueue(self, key: Key, delay: float = 0.0) -> None:
        if key in self.running:
            if delay <= 0:
                self.dirty.add(key)
            return
        at = self._loop.time() + max(0.0, delay)
        if key not in self.due or at < self.due[key]:
            self.due[key] = at
            self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        halt = threading.Event()
        watcher = threading.Thread(target=self._watch, args=(halt,), name="shoot-watch", daemon=True)
        watcher.start()
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                now = self._loop.time()
                for key in [k for k, at in self.due.items() if at <= now and k not in self.running]:
                    del self.due[key]
                    self.running[key] = asyncio.create_task(self._process(key), name=f"shoot {key[0]}/{key[1]}")
                timeout = max(0.0, min(self.due.values()) - now) if self.due else None
                self._wake.clear()
                waker = asyncio.create_task(self._wake.wait())
                await asyncio.wait({waker, stopping}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                waker.cancel()
        finally:
            halt.set()
            stopping.cancel()
            for task in self.running.values():
                task.cancel()
            await asyncio.gather(*self.running.values(), return_exceptions=True)
            self.executor.shutdown(wait=False, cancel_futures=True)

    async def _process(self, key: Key) -> None:
        requeue: float | None = None
        try:
            async with self.semaphore:
                requeue = await self.reconciler.reconcile(key)
        except asyncio.CancelledError:
            raise
        except Exception:
            # A failure outside the flow (the garden unreachable while writing status): look again soon.
            log.exception("shoot %s/%s: reconcile failed", *key)
            requeue = self.ctx.config.controllers.shoot.retry_min_seconds
        finally:
            self.running.pop(key, None)
        if key in self.dirty:
            self.dirty.discard(key)
            self.enqueue(key)
        elif requeue is not None:
            self.enqueue(key, requeue)

    # -- watch (in a thread) ------------------------------------------------------------------------------------

    def _mine(self, shoot: dict[str, Any]) -> bool:
        return (shoot.get("spec") or {}).get("seedName") == self.ctx.seed_name

    def _hand_over(self, shoot: dict[str, Any]) -> None:
        if self._mine(shoot):
            key = (str(shoot["metadata"]["namespace"]), str(shoot["metadata"]["name"]))
            # NB: after the controller stopped, the loop may be closed while this thread still reads its watch.
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self.enqueue, key)

    def _watch(self, halt: threading.Event) -> None:
        while not halt.is_set():
            try:
                shoots, revision = self.ctx.garden.list_at_revision(SHOOTS)
                for shoot in shoots:
                    self._hand_over(shoot)
                while not halt.is_set():
                    with self.ctx.garden.watch(SHOOTS, None, revision, timeout=WATCH_SECONDS) as stream:
                        for kind, obj in stream:
                            revision = str(obj.get("metadata", {}).get("resourceVersion") or revision)
                            if kind != "BOOKMARK":
                                self._hand_over(obj)
                            if halt.is_set():
                                return
            except KubeError as exc:
                if not exc.gone:
                    log.warning("watching shoots: %s", exc)
                    halt.wait(1.0)
            except Exception as exc:
                # A broken connection or a server restart: relist after a pause, never give up watching.
                log.warning("watching shoots: %s", exc)
                halt.wait(1.0)


async def run_shoot_controller(ctx: GardenletContext, stop: asyncio.Event) -> None:
    """Run the shoot controller until ``stop`` is set; running flows are cancelled then (they resume next time)."""
    controller = ShootController(ctx)
    with contextlib.suppress(asyncio.CancelledError):
        await controller.run(stop)


__all__ = ["ShootController", "run_shoot_controller"]
