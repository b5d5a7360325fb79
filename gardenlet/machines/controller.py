"""The machine controller's kopf wiring: a daemon per MachineDeployment syncs it, a deletion tears it down.

Each MachineDeployment gets a kopf daemon (a thread) that runs :class:`~.deployment.DeploymentSync` every
``interval`` seconds: the controller is level-based, so a missed event costs at most one interval. Deleting a
deployment stops its daemon; the deletion handler then deletes its machines (drained, VMs deleted) and sets, and
kopf's finalizer (:data:`~.labels.FINALIZER`) goes once none are left.
"""

from __future__ import annotations

import logging
from typing import Any

import kopf

from garden.operator import new_registry
from gardenlet.machines.deployment import DeploymentSync, Machinery
from gardenlet.machines.labels import FINALIZER
from kubelite.client import Kube
from providers.extensions.resources import MACHINEDEPLOYMENTS
from providers.extensions.shoot_access import ShootClients
from providers.registry import ProviderRegistry

log = logging.getLogger(__name__)

RESOURCE = (MACHINEDEPLOYMENTS.group, MACHINEDEPLOYMENTS.version, MACHINEDEPLOYMENTS.plural)


def machine_registry(seed: Kube, providers: ProviderRegistry, interval: float = 5.0) -> kopf.OperatorRegistry:
    registry = new_registry(seed)
    machinery = Machinery(providers, ShootClients(seed))

    @kopf.on.startup(registry=registry)
    def use_finalizer(settings: kopf.OperatorSettings, **_: Any) -> None:
        settings.persistence.finalizer = FINALIZER

    @kopf.on.cleanup(registry=registry)
    def close(**_: Any) -> None:
        machinery.shoots.close()

    @kopf.daemon(*RESOURCE, registry=registry, id="machine-deployment-sync", cancellation_timeout=10.0)
    def sync(stopped: kopf.DaemonStopped, name: str, namespace: str | None, **_: Any) -> None:
        while not stopped:
            try:
                DeploymentSync(seed, machinery, str(namespace), name).sync()
            except Exception:  # a failed step is logged and tried again next interval
                log.exception("machine deployment %s/%s: sync failed", namespace, name)
            stopped.wait(interval)

    @kopf.on.delete(*RESOURCE, registry=registry, id="machine-deployment-delete")
    def delete(name: str, namespace: str | None, **_: Any) -> None:
        left = DeploymentSync(seed, machinery, str(namespace), name).sync(deleting=True)
        if left:
            raise kopf.TemporaryError(f"{left} machine(s) are still being deleted", delay=interval)

    return registry


__all__ = ["machine_registry"]
