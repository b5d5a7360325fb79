"""A periodic task per controller, started and stopped with its operator.

kopf's timers run one task per object and put kopf's finalizer on every object they watch, which would keep a
Shoot or a Quota from being deleted whenever this process is not running; Gardener's controllers put no such
finalizers on shoots. So the periodic controllers (maintenance, hibernation, quota) run one loop each instead:
started by ``on.startup``, it looks at every object each ``seconds``, and is cancelled by ``on.cleanup``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import kopf

log = logging.getLogger(__name__)


def every(registry: kopf.OperatorRegistry, seconds: float, work: Callable[[], Awaitable[None]], name: str) -> None:
    """Run ``work`` every ``seconds`` (first right after startup) while the registry's operator runs; a failing
    round is logged, and the next one comes as usual."""
    tasks: list[asyncio.Task[None]] = []

    async def loop() -> None:
        while True:
            try:
                await work()
            except Exception:  # one bad round must not end the loop
                log.exception("%s: a periodic round failed", name)
            await asyncio.sleep(seconds)

    @kopf.on.startup(registry=registry, id=f"{name}-start")
    async def start(**_: Any) -> None:
        tasks.append(asyncio.create_task(loop(), name=name))

    @kopf.on.cleanup(registry=registry, id=f"{name}-stop")
    async def stop(**_: Any) -> None:
        while tasks:
            task = tasks.pop()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


__all__ = ["every"]
