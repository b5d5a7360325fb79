"""The workload controllers run in-process against a real kubelite API server, and pods "run" by writing their
status as a kubelet would (no processes: these tests are about the controllers' decisions and writes)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from kubelite.client import PODS, Kube

_RUNNING: dict[str, int] = {}


@contextmanager
def in_thread(main: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> Iterator[None]:
    """Run ``main(stop)`` in an event loop of its own thread; set ``stop`` and join on the way out."""
    loop = asyncio.new_event_loop()
    holder: dict[str, asyncio.Event] = {}
    ready = threading.Event()

    async def run() -> None:
        holder["stop"] = asyncio.Event()
        ready.set()
        await main(holder["stop"])

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),), daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield
    finally:
        loop.call_soon_threadsafe(holder["stop"].set)
        thread.join(15)
        loop.close()
        assert not thread.is_alive(), "the controllers did not stop"


def pod_ip(name: str) -> str:
    """A distinct loopback address per pod name, as the runtime would assign."""
    index = _RUNNING.setdefault(name, len(_RUNNING) + 2)
    return f"127.244.{index // 250}.{index % 250 + 2}"


def run_pods(kube: Kube, namespace: str, selector: str, *, ready: bool = True) -> int:
    """Mark every pending pod matching ``selector`` Running (and Ready) with an IP; the number it changed."""
    changed = 0
    for pod in kube.list(PODS, namespace, label_selector=selector):
        if pod["metadata"].get("deletionTimestamp"):
            continue
        status = pod.get("status") or {}
        if status.get("phase") == "Running" and any(
            c.get("type") == "Ready" and (c.get("status") == "True") == ready for c in status.get("conditions") or ()
        ):
            continue
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        condition = {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": stamp}
        kube.patch(
            PODS,
            namespace,
            pod["metadata"]["name"],
            {"status": {"phase": "Running", "podIP": pod_ip(pod["metadata"]["name"]), "conditions": [condition]}},
            subresource="status",
        )
        changed += 1
    return changed
