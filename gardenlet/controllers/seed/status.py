"""The Seed's status as the gardenlet reports it, computed from observations (pure, so tests give it a clock).

* ``GardenletReady``: True while the gardenlet runs (the seed lifecycle controller in the garden turns it Unknown
  when the heartbeat stops);
* ``SeedSystemComponentsHealthy``: what the gardenlet deployed into the seed is there and ready
  (:mod:`.system`); Progressing until the first successful preparation, False with the problems afterwards;
* ``lastOperation``: none until the first preparation finished (the scheduler only places shoots on seeds with a
  last operation), then Succeeded, or Error with the reason when preparing failed; Processing while a later
  preparation runs after a gardenlet restart;
* ``gardener`` (who reports, which version), ``kubernetesVersion`` (the seed's), ``capacity``/``allocatable``
  (from the configuration's ``resources``), ``observedGeneration``.

Conditions change through :func:`garden.api.conditions.set_condition`, so ``lastTransitionTime`` moves only when a
status flips, and the status is written only when something in it changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from garden.api.base import format_time
from garden.api.conditions import set_condition
from gardenlet.config import SeedResources

Object = dict[str, Any]

GARDENLET_READY: Final = "GardenletReady"
SYSTEM_COMPONENTS_HEALTHY: Final = "SeedSystemComponentsHealthy"


@dataclass(frozen=True, slots=True)
class Preparation:
    """The outcome of the last seed preparation: None while none finished, else the problems (empty: healthy)."""

    finished: bool
    error: str | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reporter:
    """Who writes the status: ``status.gardener``."""

    id: str
    name: str
    version: str


def gardenlet_ready(conditions: list[Object], now: datetime) -> list[Object]:
    return set_condition(
        conditions, GARDENLET_READY, "True", "GardenletReady", "Gardenlet is posting ready status.", now
    )


def system_components(conditions: list[Object], preparation: Preparation, now: datetime) -> list[Object]:
    if not preparation.finished:
        return set_condition(
            conditions, SYSTEM_COMPONENTS_HEALTHY, "Progressing", "SystemComponentsDeploying",
            "The seed's system components are being deployed.", now,
        )  # fmt: skip
    if preparation.error is not None:
        return set_condition(conditions, SYSTEM_COMPONENTS_HEALTHY, "False", "DeploymentFailed", preparation.error, now)
    if preparation.problems:
        return set_condition(
            conditions, SYSTEM_COMPONENTS_HEALTHY, "False", "SystemComponentsUnhealthy",
            "; ".join(preparation.problems), now,
        )  # fmt: skip
    return set_condition(
        conditions, SYSTEM_COMPONENTS_HEALTHY, "True", "SystemComponentsRunning",
        "All system components are healthy.", now,
    )  # fmt: skip


def last_operation(previous: Mapping[str, Any] | None, preparation: Preparation, now: datetime) -> Object:
    if not preparation.finished:
        state, progress, description = "Processing", 0, "Seed is being prepared."
    elif preparation.error is not None:
        state, progress, description = "Error", 0, f"Preparing the seed failed: {preparation.error}"
    else:
        state, progress, description = "Succeeded", 100, "Seed has been reconciled."
    operation = {"type": "Reconcile", "state": state, "progress": progress, "description": description}
    if previous is not None and all(previous.get(key) == value for key, value in operation.items()):
        return dict(previous)
    return {**operation, "lastUpdateTime": format_time(now)}


def capacity(resources: SeedResources) -> tuple[dict[str, str], dict[str, str]]:
    """``status.capacity`` and ``status.allocatable`` (capacity less reserved, never below zero) as quantities."""
    total = {name: str(value) for name, value in sorted(resources.capacity.items())}
    allocatable = {
        name: str(max(0, value - resources.reserved.get(name, 0))) for name, value in sorted(resources.capacity.items())
    }
    return total, allocatable


def seed_status(
    seed: Mapping[str, Any],
    *,
    now: datetime,
    preparation: Preparation,
    reporter: Reporter,
    resources: SeedResources,
    kubernetes_version: str | None,
) -> Object:
    """The Seed's whole status as the gardenlet wants it (fields it does not own are kept)."""
    status: Object = dict(seed.get("status") or {})
    conditions = gardenlet_ready(list(status.get("conditions") or []), now)
    status["conditions"] = system_components(conditions, preparation, now)
    if preparation.finished or "lastOperation" in status:
        # NB: the scheduler takes any last operation as a sign the seed was prepared: none before the first sync.
        status["lastOperation"] = last_operation(status.get("lastOperation"), preparation, now)
    status["gardener"] = {"id": reporter.id, "name": reporter.name, "version": reporter.version}
    if kubernetes_version:
        status["kubernetesVersion"] = kubernetes_version
    if resources.capacity:
        status["capacity"], status["allocatable"] = capacity(resources)
    if preparation.finished and preparation.error is None:
        status["observedGeneration"] = int(seed["metadata"].get("generation") or 0)
    return status


__all__ = [
    "GARDENLET_READY",
    "SYSTEM_COMPONENTS_HEALTHY",
    "Preparation",
    "Reporter",
    "capacity",
    "gardenlet_ready",
    "last_operation",
    "seed_status",
    "system_components",
]
