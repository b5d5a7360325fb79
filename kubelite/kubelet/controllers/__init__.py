"""The workload controllers the kubelite kubelet runs beside its process runtime: what kube-controller-manager and
kube-scheduler would do for a seed's workloads on a one-node cluster.

* ReplicaSets keep their pods (:mod:`.replicasets`), Deployments roll out through ReplicaSets (:mod:`.deployments`),
  StatefulSets keep ordered pods with stable names and storage (:mod:`.statefulsets`);
* the binder binds pending pods to this node (:mod:`.binder`), as the scheduler would;
* Endpoints and EndpointSlices say which pods back each Service (:mod:`.endpoints`).

Every controller is a level-triggered reconciler: watch events (through the shared informers of
:mod:`.caches`) only name a key; the reconcile reads the caches, decides with pure functions, writes, and may ask to
be called again later. Controllers talk to the rest of the kubelet only through the API server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from kubelite.client import Kube
from kubelite.kubelet.controllers.binder import Binder
from kubelite.kubelet.controllers.caches import Caches
from kubelite.kubelet.controllers.deployments import DeploymentController
from kubelite.kubelet.controllers.endpoints import EndpointsController
from kubelite.kubelet.controllers.queue import Reconcile, WorkQueue
from kubelite.kubelet.controllers.replicasets import ReplicaSetController
from kubelite.kubelet.controllers.statefulsets import StatefulSetController
from kubelite.kubelet.controllers.writes import Writer

log = logging.getLogger(__name__)

__all__ = ["run_controllers"]


async def run_controllers(
    kube: Kube,
    node_name: str,
    stop: asyncio.Event,
    *,
    bind: bool = True,
    resync: float = 300.0,
    workers: int = 2,
) -> None:
    """Run every workload controller until ``stop`` is set.

    ``bind=False`` leaves scheduling to the cluster's own scheduler (when the kubelet joins a real cluster).
    """
    caches = Caches.build(kube, resync=resync)
    writer = Writer(kube)
    controllers: list[tuple[WorkQueue, Reconcile]] = []
    for controller in (
        ReplicaSetController(caches, writer),
        DeploymentController(caches, writer),
        StatefulSetController(caches, writer),
        EndpointsController(caches, writer),
    ):
        controllers.append((controller.queue, controller.reconcile))
    if bind:
        binder = Binder(caches, writer, node_name)
        controllers.append((binder.queue, binder.reconcile))
    informers = [asyncio.ensure_future(informer.run(stop)) for informer in caches.all()]
    queues: list[asyncio.Future[None]] = []
    try:
        if not await _until_synced(caches, stop):
            return
        log.info("workload controllers: caches synced; reconciling")
        queues = [asyncio.ensure_future(queue.run(reconcile, stop, workers)) for queue, reconcile in controllers]
        await stop.wait()
    finally:
        for task in [*queues, *informers]:
            task.cancel()
        for task in [*queues, *informers]:
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _until_synced(caches: Caches, stop: asyncio.Event) -> bool:
    """Wait for every cache's first list; False when ``stop`` came first."""
    waits = [asyncio.ensure_future(i.synced.wait()) for i in caches.all()]
    stopping = asyncio.ensure_future(stop.wait())
    try:
        pending = set(waits)
        while pending and not stop.is_set():
            _, pending = await asyncio.wait([*pending, stopping], return_when=asyncio.FIRST_COMPLETED)
            pending.discard(stopping)
    finally:
        for task in [*waits, stopping]:
            task.cancel()
    return not stop.is_set()
