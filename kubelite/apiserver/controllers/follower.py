"""Follow a storage prefix: list it, then watch it from the list's revision, relisting when the watch is compacted.

This is an informer without a cache of its own: each controller keeps the index it needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from kubelite.apiserver.storage import CompactedError, Storage, StoredObject, WatchEvent

log = logging.getLogger(__name__)

OnSync = Callable[[list[StoredObject]], Awaitable[None]]
OnEvent = Callable[[WatchEvent], Awaitable[None]]


async def follow_with_worker(
    storage: Storage, prefix: str, on_sync: OnSync, on_event: OnEvent, worker: Callable[[], Coroutine[Any, Any, None]]
) -> None:
    """:func:`follow`, with a controller's worker loop running beside it for as long as it does."""
    task = asyncio.create_task(worker())
    try:
        await follow(storage, prefix, on_sync, on_event)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def follow(storage: Storage, prefix: str, on_sync: OnSync, on_event: OnEvent) -> None:
    """Runs until cancelled or the storage closes. ``on_sync`` gets the full state (on start and after every relist)."""
    while True:
        revision = await storage.current_revision()
        items: list[StoredObject] = []
        start_after: str | None = None
        try:
            while True:
                page = await storage.list(prefix, limit=1000, start_after=start_after, revision=revision)
                items.extend(page.items)
                if not page.more:
                    break
                start_after = page.items[-1].key
        except CompactedError:
            continue
        await on_sync(items)
        stream = storage.watch(prefix, after_revision=revision)
        try:
            async for event in stream:
                await on_event(event)
        except CompactedError:
            log.info("watch of %s fell behind; relisting", prefix)
            await asyncio.sleep(0)
            continue
        finally:
            await stream.aclose()
        return  # the storage was closed
