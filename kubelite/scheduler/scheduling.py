"""The scheduling loop: pending pods of our scheduler names, decided by :mod:`.filters`, bound through
``pods/binding``.

Informers on pods and nodes feed a work queue of pod keys: a pending pod is queued when it appears or changes, and
every pending pod is queued again when a node changes in a way that can make room (it appears, turns Ready, loses
a taint, gains a label). A pod that fits nowhere gets ``PodScheduled=False``/``Unschedulable`` with the reasons
and waits for such a node event. Each binding is folded into the pod cache at once, so the next decision counts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Collection

from kubelite.client import NODES, PODS, Kube, Object
from kubelite.kubelet.controllers.binder import bind, mark_unschedulable
from kubelite.kubelet.controllers.podstate import is_active
from kubelite.kubelet.controllers.queue import WorkQueue
from kubelite.kubelet.controllers.writes import Writer
from kubelite.kubelet.informer import Informer, key_of, until_synced
from kubelite.scheduler.filters import decide

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, kube: Kube, scheduler_names: Collection[str], *, pack: bool = False, resync: float = 300.0):
        self.names = frozenset(scheduler_names)
        self.pack = pack
        self.pods = Informer(kube, PODS, resync=resync)
        self.nodes = Informer(kube, NODES, resync=resync)
        self.writer = Writer(kube)
        self.queue = WorkQueue("scheduler")
        self.pods.subscribe(self._on_pod)
        self.nodes.subscribe(self._on_node)
        self.bound = 0

    def ours(self, pod: Object) -> bool:
        spec = pod.get("spec") or {}
        return (
            not spec.get("nodeName")
            and (spec.get("schedulerName") or "default-scheduler") in self.names
            and (is_active(pod))
        )

    def _on_pod(self, old: Object | None, new: Object | None) -> None:
        if new is not None and self.ours(new):
            self.queue.add(key_of(new))
        elif new is None and old is not None and (old.get("spec") or {}).get("nodeName"):
            self._requeue_pending()  # a bound pod went: its node may have room now

    def _requeue_pending(self) -> None:
        for pod in self.pods:
            if self.ours(pod):
                self.queue.add(key_of(pod))

    def _on_node(self, old: Object | None, new: Object | None) -> None:
        if new is None or (old is not None and _room_view(old) == _room_view(new)):
            return
        self._requeue_pending()

    def pods_per_node(self) -> Counter[str]:
        return Counter(
            str(p["spec"]["nodeName"]) for p in self.pods if (p.get("spec") or {}).get("nodeName") and is_active(p)
        )

    async def reconcile(self, key: str) -> float | None:
        namespace, name = key.split("/", 1)
        pod = self.pods.get(namespace, name)
        if pod is None or not self.ours(pod):
            return None
        decision = decide(pod, self.nodes.list(), self.pods_per_node(), pack=self.pack)
        if decision.node is None:
            log.info("pod %s: %s", key, decision.message)
            await mark_unschedulable(self.writer, self.pods, pod, decision.message)
            return None  # a node event brings it back
        await bind(self.writer, self.pods, pod, decision.node)
        self.bound += 1
        log.info("pod %s: bound to %s", key, decision.node)
        return None

    async def run(self, stop: asyncio.Event, workers: int = 1) -> None:
        """Until ``stop``; one worker by default, so each decision sees the bindings before it."""
        informers = [asyncio.ensure_future(i.run(stop)) for i in (self.pods, self.nodes)]
        try:
            if not await until_synced([self.pods, self.nodes], stop):
                return
            log.info("scheduler: caches synced; scheduling")
            await self.queue.run(self.reconcile, stop, workers)
        finally:
            for task in informers:
                task.cancel()
            for task in informers:
                with contextlib.suppress(asyncio.CancelledError):
                    await task


def _room_view(node: Object) -> tuple[object, ...]:
    """What a node event must change to make room for a pod that did not fit."""
    metadata = node.get("metadata") or {}
    spec = node.get("spec") or {}
    ready = [c.get("status") for c in (node.get("status") or {}).get("conditions") or () if c.get("type") == "Ready"]
    allocatable = ((node.get("status") or {}).get("allocatable") or {}).get("pods")
    return (metadata.get("labels"), spec.get("taints"), spec.get("unschedulable"), ready, allocatable)
