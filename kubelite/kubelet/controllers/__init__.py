"""The workload controllers the kubelite kubelet runs beside its process runtime: what kube-controller-manager and
kube-scheduler would do for a seed's workloads on a one-node cluster.

* ReplicaSets keep their pods (:mod:`.replicasets`), Deployments roll out through ReplicaSets (:mod:`.deployments`),
  StatefulSets keep ordered pods with stable names and storage (:mod:`.statefulsets`), DaemonSets a pod per node
  (:mod:`.daemonsets`), both with their template history as ControllerRevisions (:mod:`.revisions`);
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
from collections.abc import Callable, Collection
from typing import Protocol

from kubelite.client import Kube
from kubelite.kubelet.controllers.binder import Binder
from kubelite.kubelet.controllers.caches import Caches
from kubelite.kubelet.controllers.daemonsets import DaemonSetController
from kubelite.kubelet.controllers.deployments import DeploymentController
from kubelite.kubelet.controllers.endpoints import EndpointsController
from kubelite.kubelet.controllers.queue import Reconcile, WorkQueue
from kubelite.kubelet.controllers.replicasets import ReplicaSetController
from kubelite.kubelet.controllers.statefulsets import StatefulSetController
from kubelite.kubelet.controllers.writes import Writer
from kubelite.kubelet.informer import until_synced

log = logging.getLogger(__name__)

__all__ = ["CONTROLLERS", "run_controllers"]


class Controller(Protocol):
    queue: WorkQueue

    async def reconcile(self, key: str) -> float | None: ...


#: The controllers by the names kube-controller-manager's ``--controllers`` uses; ``endpoint`` and
#: ``endpointslice`` are one controller here (it writes both), run when either is enabled.
CONTROLLERS: dict[str, Callable[[Caches, Writer], Controller]] = {
    "replicaset": ReplicaSetController,
    "deployment": DeploymentController,
    "statefulset": StatefulSetController,
    "daemonset": DaemonSetController,
    "endpoint": EndpointsController,
    "endpointslice": EndpointsController,
}


async def run_controllers(
    kube: Kube,
    node_name: str,
    stop: asyncio.Event,
    *,
    bind: bool = True,
    enabled: Collection[str] = tuple(CONTROLLERS),
    resync: float = 300.0,
    workers: int = 2,
) -> None:
    """Run the ``enabled`` workload controllers (names of :data:`CONTROLLERS`) until ``stop`` is set.

    ``bind=False`` leaves scheduling to the cluster's own scheduler (when the kubelet joins a real cluster, and in
    ``kubelite controller-manager``).
    """
    unknown = sorted(set(enabled) - set(CONTROLLERS))
    if unknown:
        raise ValueError(f"unknown controllers: {', '.join(unknown)}")
    caches = Caches.build(kube, resync=resync)
    writer = Writer(kube)
    controllers: list[tuple[WorkQueue, Reconcile]] = []
    for kind in dict.fromkeys(CONTROLLERS[name] for name in CONTROLLERS if name in enabled):
        controller = kind(caches, writer)
        controllers.append((controller.queue, controller.reconcile))
    if bind:
        binder = Binder(caches, writer, node_name)
        controllers.append((binder.queue, binder.reconcile))
    informers = [asyncio.ensure_future(informer.run(stop)) for informer in caches.all()]
    queues: list[asyncio.Future[None]] = []
    try:
        if not await until_synced(caches.all(), stop):
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
