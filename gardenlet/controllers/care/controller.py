"""The care controller's loop: every ``controllers.shootCare.syncPeriodSeconds``, the health of each shoot on this
seed, written into the Shoot's status.

Which shoots: those whose control plane is on this seed (``status.seedName``, else ``spec.seedName``) and that have
a seed namespace (``status.technicalID``). Shoots being created (their first Create has not succeeded), being
deleted, or whose last operation is a Delete are left to the shoot controller. A hibernated shoot (or one being
hibernated) gets its conditions True with reason ``ConditionNotChecked``, as Gardener does: nothing runs to check.

Writes touch only ``status.conditions`` and ``status.constraints``: the Shoot is read, the care controller's types
are merged into its lists (other types stay), and the status subresource is merge-patched with the
``resourceVersion`` read, so a concurrent write by the shoot controller wins and this round's result is written
at the next one. Nothing is written when nothing changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from garden.api.conditions import merge_conditions
from garden.kube import SHOOTS, KubeError
from gardenlet.context import GardenletContext
from gardenlet.controllers.care.conditions import (
    CONDITION_TYPES,
    EVERY_NODE_READY,
    conditions_from,
    hibernated_conditions,
    thresholds,
)
from gardenlet.controllers.care.observe import ShootClients, observe

log = logging.getLogger(__name__)

Object = dict[str, Any]

#: Shoots checked at once (each check is a handful of requests, mostly waiting on the network).
PARALLEL_CHECKS = 5


def _dig(obj: Mapping[str, Any], *path: str) -> Any:
    current: Any = obj
    for key in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def on_seed(shoot: Mapping[str, Any], seed_name: str) -> bool:
    return bool((_dig(shoot, "status", "seedName") or _dig(shoot, "spec", "seedName")) == seed_name)


def care_skip_reason(shoot: Mapping[str, Any]) -> str | None:
    """Why the care controller leaves this shoot alone now, or None when it checks it."""
    if _dig(shoot, "metadata", "deletionTimestamp"):
        return "being deleted"
    if not _dig(shoot, "status", "technicalID"):
        return "no seed namespace yet"
    operation = _dig(shoot, "status", "lastOperation") or {}
    if operation.get("type") == "Delete":
        return "being deleted"
    if operation.get("type") == "Create" and operation.get("state") != "Succeeded":
        return "being created"
    if not operation:
        return "being created"
    return None


def hibernated(shoot: Mapping[str, Any]) -> bool:
    return bool(_dig(shoot, "spec", "hibernation", "enabled")) or bool(_dig(shoot, "status", "hibernated"))


def workerless(shoot: Mapping[str, Any]) -> bool:
    return not (_dig(shoot, "spec", "provider", "workers") or [])


def condition_types(shoot: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(t for t in CONDITION_TYPES if not (workerless(shoot) and t == EVERY_NODE_READY))


@dataclass
class CareReconciler:
    ctx: GardenletContext
    clients: ShootClients = field(init=False)

    def __post_init__(self) -> None:
        self.clients = ShootClients(self.ctx.seed)

    @property
    def thresholds(self) -> dict[str, float]:
        return thresholds(self.ctx.config.controllers.shoot_care.condition_thresholds_seconds)

    def shoots(self) -> list[Object]:
        return [s for s in self.ctx.garden.list(SHOOTS) if on_seed(s, self.ctx.seed_name)]

    def status_for(self, shoot: Mapping[str, Any], now: datetime) -> Object | None:
        """The shoot's new conditions and constraints (a status patch), or None when the shoot is not checked."""
        if care_skip_reason(shoot) is not None:
            return None
        existing = _dig(shoot, "status", "conditions") or []
        if hibernated(shoot):
            return {
                "conditions": merge_conditions(existing, *hibernated_conditions(existing, condition_types(shoot), now))
            }
        namespace = str(_dig(shoot, "status", "technicalID"))
        observation = observe(self.ctx.seed, self.clients, namespace, workerless=workerless(shoot))
        limits = self.thresholds
        status: Object = {
            "conditions": merge_conditions(existing, *conditions_from(existing, observation.checks, now, limits))
        }
        if observation.constraints is not None:
            old = _dig(shoot, "status", "constraints") or []
            # Constraints turn False at once: they gate operations, they do not describe a passing outage.
            status["constraints"] = merge_conditions(old, *conditions_from(old, observation.constraints, now, {}))
        return status

    def care(self, shoot: Object) -> bool:
        """Check one shoot and write the result; whether anything was written."""
        namespace, name = shoot["metadata"]["namespace"], shoot["metadata"]["name"]
        status = self.status_for(shoot, self.ctx.clock.now())
        if status is None:
            return False
        old = shoot.get("status") or {}
        if all(old.get(key) == value for key, value in status.items()):
            return False
        patch = {"metadata": {"resourceVersion": shoot["metadata"].get("resourceVersion")}, "status": status}
        try:
            self.ctx.garden.patch(SHOOTS, namespace, name, patch, subresource="status")
        except KubeError as exc:
            if not (exc.conflict or exc.not_found):
                raise
            log.info("shoot %s/%s changed meanwhile; its health is written next round", namespace, name)
            return False
        return True

    def close(self) -> None:
        self.clients.close()


def _care_one(reconciler: CareReconciler, shoot: Object) -> None:
    name = f"{shoot['metadata']['namespace']}/{shoot['metadata']['name']}"
    try:
        reconciler.care(shoot)
    except (KubeError, ValueError) as exc:
        log.warning("shoot %s: health check failed: %s", name, exc)


async def care_round(reconciler: CareReconciler) -> None:
    """One look at every shoot of the seed."""
    shoots = await asyncio.to_thread(reconciler.shoots)
    reconciler.clients.forget({str(_dig(s, "status", "technicalID")) for s in shoots})
    limit = asyncio.Semaphore(PARALLEL_CHECKS)

    async def one(shoot: Object) -> None:
        async with limit:
            await asyncio.to_thread(_care_one, reconciler, shoot)

    await asyncio.gather(*(one(s) for s in shoots))


async def run_care_controller(ctx: GardenletContext, stop: asyncio.Event) -> None:
    """Check the seed's shoots every sync period until ``stop`` is set."""
    period = ctx.config.controllers.shoot_care.sync_period_seconds
    reconciler = CareReconciler(ctx)
    log.info("seed %s: care controller started (every %ss)", ctx.seed_name, period)
    try:
        while not stop.is_set():
            try:
                await care_round(reconciler)
            except (KubeError, ValueError) as exc:
                log.warning("seed %s: listing shoots failed: %s", ctx.seed_name, exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), period)
    finally:
        reconciler.close()
    log.info("seed %s: care controller stopped", ctx.seed_name)


__all__ = [
    "CareReconciler",
    "care_round",
    "care_skip_reason",
    "condition_types",
    "hibernated",
    "on_seed",
    "run_care_controller",
    "workerless",
]
