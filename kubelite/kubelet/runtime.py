"""The process runtime: the pods bound to this node, one :class:`PodWorker` each.

On start it watches its pods, then stops whatever a previous kubelet left running for pods that no longer exist
(their directories under ``<root>/pods`` name the pod uid); workers of existing pods adopt their live processes.
Every second it indexes new log lines (:class:`Stamper`); every 10 s it samples usage and writes it on the Pods.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from kubelite.client import (
    CONFIGMAPS,
    PERSISTENTVOLUMECLAIMS,
    PODS,
    SECRETS,
    SERVICES,
    Kube,
    KubeError,
    Object,
    Resource,
)
from kubelite.kubelet.informer import Informer, until_synced
from kubelite.kubelet.logs import Stamper
from kubelite.kubelet.network.podips import allocate, in_range
from kubelite.kubelet.podworker import NodeContext, PodWorker, kill_leftovers
from kubelite.kubelet.usage import USAGE_ANNOTATION, Sample, millicores, sample

logger = logging.getLogger(__name__)

USAGE_PERIOD = 10.0
ORPHAN_GRACE = 5.0


class KubeLookup:
    """:class:`kubelite.kubelet.lookup.Lookup` on the API server (blocking; called from threads)."""

    def __init__(self, kube: Kube) -> None:
        self.kube = kube

    def secret(self, namespace: str, name: str) -> Object | None:
        return self.kube.get(SECRETS, namespace, name)

    def config_map(self, namespace: str, name: str) -> Object | None:
        return self.kube.get(CONFIGMAPS, namespace, name)

    def services(self, namespace: str) -> list[Object]:
        return self.kube.list(SERVICES, namespace)

    def claim(self, namespace: str, name: str) -> Object | None:
        return self.kube.get(PERSISTENTVOLUMECLAIMS, namespace, name)

    def bind_claim(self, claim: Object, capacity: str) -> None:
        spec = claim.get("spec") or {}
        status = {
            "phase": "Bound",
            "capacity": {"storage": capacity},
            "accessModes": spec.get("accessModes") or ["ReadWriteOnce"],
        }
        meta = claim["metadata"]
        self.kube.patch(
            PERSISTENTVOLUMECLAIMS, meta["namespace"], meta["name"], {"status": status}, subresource="status"
        )

    def token(self, namespace: str, service_account: str, audience: str | None, seconds: int) -> str | None:
        body: Object = {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenRequest",
            "spec": {"audiences": [audience] if audience else [], "expirationSeconds": seconds},
        }
        path = Resource("", "v1", "serviceaccounts").item(namespace, service_account, "token")
        try:
            answer = self.kube.request("POST", path, body)
        except KubeError as exc:
            if exc.status in (404, 405):
                return None
            raise
        token = (answer.get("status") or {}).get("token")
        return str(token) if token else None


@dataclass
class Runtime:
    ctx: NodeContext
    kube: Kube
    pod_cidr: str
    workers: dict[str, PodWorker] = field(default_factory=dict)
    counters: dict[str, int] = field(
        default_factory=lambda: {"starts": 0, "adopted": 0, "status_updates": 0, "orphans_stopped": 0}
    )
    usage: dict[tuple[str, str, str], Sample] = field(default_factory=dict)
    cpu: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lookup = KubeLookup(self.kube)
        self.stamper = Stamper()
        # The upstream kubelet's pod source: this node's pods, by uid (a name can come back as another pod).
        self.source = Informer(self.kube, PODS, field_selector=f"spec.nodeName={self.ctx.node_name}")
        self.source.subscribe(self._pod_event)
        self.pods: dict[str, Object] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.ready = asyncio.Event()

    # -- pods ------------------------------------------------------------------------------------------------------

    def _pod_ip(self, pod: Object) -> str:
        used = {w.pod_ip for w in self.workers.values()}
        current = str((pod.get("status") or {}).get("podIP") or "")
        if current and in_range(current, self.pod_cidr) and current not in used:
            return current
        return allocate(self.pod_cidr, used)

    def _pod_event(self, old: Object | None, new: Object | None) -> None:
        old_uid = str((old or {}).get("metadata", {}).get("uid", ""))
        new_uid = str((new or {}).get("metadata", {}).get("uid", ""))
        if old_uid and old_uid != new_uid:
            self.pods.pop(old_uid, None)
            self._changed(old_uid)
        if new is not None and new_uid:
            self.pods[new_uid] = new
            self._changed(new_uid)

    def _changed(self, uid: str) -> None:
        pod = self.pods.get(uid)
        worker = self.workers.get(uid)
        if worker is not None:
            worker.update(pod)
            return
        if pod is None or not self.ready.is_set():
            return
        worker = PodWorker(pod, self._pod_ip(pod), self.ctx, self.kube, self.lookup, self.stamper, self.counters)
        self.workers[uid] = worker
        task = asyncio.create_task(self._run_worker(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_worker(self, worker: PodWorker) -> None:
        try:
            await worker.run()
        finally:
            if self.workers.get(worker.uid) is worker:
                del self.workers[worker.uid]

    def find(self, namespace: str, name: str) -> PodWorker | None:
        return next((w for w in self.workers.values() if (w.namespace, w.name) == (namespace, name)), None)

    # -- start-up: orphans -----------------------------------------------------------------------------------------

    def orphaned_directories(self) -> list[Path]:
        """Pod directories of pods this node no longer has."""
        pods_dir = self.ctx.root / "pods"
        if not pods_dir.is_dir():
            return []
        known = set(self.pods)
        return [d for d in pods_dir.iterdir() if d.is_dir() and d.name.rsplit("_", 1)[-1] not in known]

    async def _clean_orphans(self) -> None:
        for directory in self.orphaned_directories():
            stopped = await asyncio.to_thread(kill_leftovers, directory, ORPHAN_GRACE)
            if stopped:
                logger.info("stopped %s left running for the deleted pod %s", stopped, directory.name)
            self.counters["orphans_stopped"] += len(stopped)
            await asyncio.to_thread(shutil.rmtree, directory, True)

    # -- the loop --------------------------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        (self.ctx.root / "pods").mkdir(parents=True, exist_ok=True)
        source = asyncio.create_task(self.source.run(stop))
        try:
            if not await until_synced([self.source], stop):
                return
            await self._clean_orphans()
            self.ready.set()
            for uid in list(self.pods):
                self._changed(uid)
            last_usage = float("-inf")
            while not stop.is_set():
                self.stamper.stamp(time.time_ns())
                if time.monotonic() - last_usage >= USAGE_PERIOD:
                    last_usage = time.monotonic()
                    await self._report_usage()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)
        finally:
            source.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await source
            for task in list(self._tasks):
                task.cancel()
            for task in list(self._tasks):
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    # -- usage -----------------------------------------------------------------------------------------------------

    def sample_usage(self) -> None:
        seen = set()
        for worker in list(self.workers.values()):
            per_container: dict[str, dict[str, int]] = {}
            for container in worker.containers:
                key = (worker.namespace, worker.name, container.name)
                if not container.running:
                    continue
                now = sample(container.pid)
                if now is None:
                    continue
                self.cpu[key] = millicores(self.usage.get(key), now)
                self.usage[key] = now
                seen.add(key)
                per_container[container.name] = {"rssBytes": now.rss_bytes, "cpuMillicores": self.cpu[key]}
            worker.usage = per_container
        for key in set(self.usage) - seen:
            self.usage.pop(key, None)
            self.cpu.pop(key, None)

    async def _report_usage(self) -> None:
        await asyncio.to_thread(self.sample_usage)
        for worker in list(self.workers.values()):
            if not worker.usage or worker.deleting:
                continue
            value = json.dumps(worker.usage, sort_keys=True)
            patch = {"metadata": {"annotations": {USAGE_ANNOTATION: value}}}
            try:
                await asyncio.to_thread(self.kube.patch, PODS, worker.namespace, worker.name, patch)
            except KubeError as exc:
                logger.debug("pod %s/%s: usage annotation: %s", worker.namespace, worker.name, exc)
