"""Running the synchronous Kubernetes client from flow tasks without blocking the event loop.

The clients (the official ``kubernetes`` client under :class:`kubelite.client.Kube`), the components and the
secrets manager are synchronous; flow tasks are coroutines. Every blocking call goes through a :class:`Threads`,
a thread pool the shoot controller sizes for its concurrency (asyncio's default pool has cpu + 4 threads, too few
for twenty shoots' parallel tasks). Waits poll with short blocking calls and ``asyncio.sleep`` between them, so a
cancelled flow stops within one call.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Threads:
    def __init__(self, executor: ThreadPoolExecutor | None = None) -> None:
        self.executor = executor

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args, **kwargs))


__all__ = ["Threads"]
