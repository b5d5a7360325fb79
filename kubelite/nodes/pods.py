"""A simulated node's pods, kwok-style: a Pod bound to the node is reported running and ready, with no process.

A shoot on simulated nodes still gets its system components (CoreDNS, kube-proxy DaemonSet pods, metrics-server)
scheduled onto them; the workload controllers and the care checks judge those by their Pods' status. This piece
plays the kubelet's part for them, as kwok's pod stages do:

* a bound Pod that is not yet ``Running`` gets ``phase: Running``, the conditions ``PodScheduled``,
  ``Initialized``, ``ContainersReady`` and ``Ready`` all True, a running ``containerStatuses`` entry per container
  (``ready``, ``started``, ``restartCount: 0``, ``containerID``/``imageID`` under ``simulated://``), completed
  ``initContainerStatuses``, ``hostIP``/``podIP`` (the node's address) and ``startTime``;
* a Pod being deleted (``deletionTimestamp`` set, as the API server does for a bound Pod) is finished off at once:
  ``DELETE`` with ``gracePeriodSeconds: 0`` and a uid precondition, as a kubelet does once its containers stopped.

Pods that already ended (``Succeeded``, ``Failed``) are left as they are. The node follows its Pods with a list,
then a watch from the list's revision (``fieldSelector=spec.nodeName=<node>``), again after every watch ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from kubelite.client import PODS, Kube, KubeError, Object, WatchStream
from kubelite.nodes.heartbeat import timestamp

log = logging.getLogger(__name__)

RUNTIME = "simulated://"
#: How long one watch lasts before the node lists again (the server ends it; this bounds a silent stall).
WATCH_SECONDS = 120
ENDED = ("Succeeded", "Failed")


def _container_status(container: Object, uid: str, now: str, *, init: bool) -> Object:
    state: Object = (
        {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now}}
        if init
        else {"running": {"startedAt": now}}
    )
    image = str(container.get("image") or "")
    status: Object = {
        "name": container["name"],
        "image": image,
        "imageID": f"{RUNTIME}{image}",
        "containerID": f"{RUNTIME}{uid}/{container['name']}",
        "ready": not init,
        "restartCount": 0,
        "state": state,
    }
    if not init:
        status["started"] = True
    return status


def running_status(pod: Object, host_ip: str, now: str) -> Object:
    """The status a healthy kubelet would report for ``pod`` once every container runs."""
    spec = pod.get("spec") or {}
    uid = str(pod["metadata"].get("uid") or "")
    conditions = [
        {"type": kind, "status": "True", "lastProbeTime": None, "lastTransitionTime": now}
        for kind in ("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready", "PodScheduled")
    ]
    return {
        "phase": "Running",
        "conditions": conditions,
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
        "podIP": host_ip,
        "podIPs": [{"ip": host_ip}],
        "startTime": now,
        "containerStatuses": [_container_status(c, uid, now, init=False) for c in spec.get("containers") or []],
        "initContainerStatuses": [_container_status(c, uid, now, init=True) for c in spec.get("initContainers") or []],
    }


def needs_status(pod: Object) -> bool:
    """Bound, not being deleted, not ended, and not yet reported running with a status per container."""
    if pod["metadata"].get("deletionTimestamp"):
        return False
    status = pod.get("status") or {}
    phase = status.get("phase")
    if phase in ENDED:
        return False
    containers = {c.get("name") for c in (pod.get("spec") or {}).get("containers") or []}
    reported = {s.get("name") for s in status.get("containerStatuses") or []}
    return phase != "Running" or containers != reported


class PodSimulator:
    """Keeps the Pods bound to one node running (in status) and finishes their deletion."""

    def __init__(self, kube: Kube, node_name: str, host_ip: str) -> None:
        self.kube = kube
        self.node_name = node_name
        self.host_ip = host_ip
        self.selector = f"spec.nodeName={node_name}"

    def handle(self, pod: Object) -> None:
        """Bring one Pod to where this node wants it; a Pod that went meanwhile is no error."""
        meta = pod["metadata"]
        namespace, name = meta["namespace"], meta["name"]
        try:
            if meta.get("deletionTimestamp"):
                options = {"gracePeriodSeconds": 0, "preconditions": {"uid": meta.get("uid")}}
                self.kube.request("DELETE", PODS.item(namespace, name), options)
            elif needs_status(pod):
                status = running_status(pod, self.host_ip, timestamp())
                self.kube.patch(PODS, namespace, name, {"status": status}, subresource="status")
        except KubeError as exc:
            if not (exc.not_found or exc.conflict):
                raise

    def resync(self) -> str:
        """Handle every Pod of the node; the list's revision, to watch from."""
        listed = self.kube.request("GET", PODS.collection(None), query={"fieldSelector": self.selector})
        for pod in listed.get("items") or []:
            pod.setdefault("apiVersion", "v1")
            pod.setdefault("kind", "Pod")
            self.handle(pod)
        return str((listed.get("metadata") or {}).get("resourceVersion") or "")

    def follow(self, stream: WatchStream) -> None:
        for event, pod in stream:
            if event in ("ADDED", "MODIFIED"):
                self.handle(pod)

    async def run(self, stop: asyncio.Event) -> None:
        """List and watch until ``stop`` is set; API errors are logged and retried after a second."""
        while not stop.is_set():
            try:
                revision = await asyncio.to_thread(self.resync)
                stream = self.kube.watch(PODS, None, revision, field_selector=self.selector, timeout=WATCH_SECONDS)
                await _until_stopped(asyncio.to_thread(self.follow, stream), stream, stop)
            except (KubeError, OSError) as exc:
                log.warning("node %s: following its pods failed, retrying: %s", self.node_name, exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)


async def _until_stopped(following: Any, stream: WatchStream, stop: asyncio.Event) -> None:
    """Await ``following`` (a thread reading ``stream``); when ``stop`` is set first, close the stream to end it."""
    reader = asyncio.ensure_future(following)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([reader, stopping], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        stream.close()  # wakes the reader when it still reads; nothing to do when it has ended
    try:
        await reader
    except (KubeError, OSError):
        if not stop.is_set():
            raise


__all__ = ["PodSimulator", "needs_status", "running_status"]
