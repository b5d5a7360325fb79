"""Seed lifecycle: notice when a seed's gardenlet stops sending heartbeats (Gardener's seed lifecycle controller).

A gardenlet renews a Lease named after its seed in ``gardener-system-seed-lease`` every few seconds. Every
``resync_seconds`` this controller looks at each seed (one loop over all seeds), as Gardener's does:

1. A seed without any condition has never been reported on by a gardenlet: it is left alone.
2. While the lease was renewed within ``seed_grace_seconds`` (Gardener's ``monitorPeriod``), nothing happens.
3. Otherwise (the lease is stale or missing) the seed's ``GardenletReady`` condition becomes ``Unknown``, reason
   ``SeedStatusUnknown``; the condition's ``lastTransitionTime`` says since when.
4. Once ``GardenletReady`` has been ``Unknown`` for ``shoot_monitor_seconds`` (``shootMonitorPeriod``, 5 minutes),
   the health conditions and constraints of every shoot whose control plane runs on the seed become ``Unknown``
   (reason ``StatusUnknown``): nobody has checked them since the gardenlet went silent.

Nothing here sets ``GardenletReady`` back to ``True``: the gardenlet does, when it reports again. All writes go
through the status subresource, pinned to the resourceVersion read (a lost race is retried at the next tick).

Not done (Gardener does it): re-bootstrapping the gardenlet of a ManagedSeed whose client certificate expired.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import kopf

from garden.api.conditions import (
    Condition,
    get_condition,
    merge_conditions,
    parse_time,
    set_condition,
    updated_condition,
)
from garden.api.wire import dig
from garden.controllermanager.context import ControllerContext
from garden.controllermanager.periodic import every
from garden.kube import LEASES, SEEDS, SHOOTS, Kube, KubeError, Object
from garden.operator import new_registry

log = logging.getLogger(__name__)

#: Where gardenlets renew their heartbeat leases, one per seed, named after it.
LEASE_NAMESPACE = "gardener-system-seed-lease"
#: How long ``GardenletReady`` stays Unknown before the seed's shoots' conditions follow (``shootMonitorPeriod``).
SHOOT_MONITOR_SECONDS = 300.0

GARDENLET_READY = "GardenletReady"
SEED_REASON = "SeedStatusUnknown"
SEED_MESSAGE = "Gardenlet stopped posting seed status."
SHOOT_REASON = "StatusUnknown"
SHOOT_MESSAGE = "Gardenlet stopped sending heartbeats."

#: The shoot health conditions (``GetShootConditionTypes``); workerless shoots have no nodes to be ready.
SHOOT_CONDITIONS = (
    "APIServerAvailable",
    "ControlPlaneHealthy",
    "ObservabilityComponentsHealthy",
    "EveryNodeReady",
    "SystemComponentsHealthy",
)
WORKERLESS_SKIPS = frozenset({"EveryNodeReady"})
SHOOT_CONSTRAINTS = ("HibernationPossible", "MaintenancePreconditionsSatisfied")


def lease_renewed(lease: Mapping[str, Any] | None, now: datetime, grace_seconds: float) -> bool:
    """Whether the gardenlet renewed ``lease`` within the grace period before ``now`` (a missing lease is not)."""
    renewed = parse_time(dig(lease, "spec", "renewTime"))
    return renewed is not None and renewed + timedelta(seconds=grace_seconds) > now


@dataclass(frozen=True, slots=True)
class SeedVerdict:
    #: The seed's conditions to write, or None when they stay as they are.
    conditions: list[Condition] | None
    #: Whether the conditions of the seed's shoots are to be set to Unknown.
    shoots_unknown: bool


def assess_seed(
    seed: Mapping[str, Any],
    lease: Mapping[str, Any] | None,
    now: datetime,
    *,
    grace_seconds: float,
    shoot_monitor_seconds: float = SHOOT_MONITOR_SECONDS,
) -> SeedVerdict:
    """What the seed lifecycle controller does about ``seed`` given its gardenlet's ``lease``, at ``now``."""
    conditions = dig(seed, "status", "conditions") or []
    if not conditions or lease_renewed(lease, now, grace_seconds):
        return SeedVerdict(None, shoots_unknown=False)
    updated = set_condition(conditions, GARDENLET_READY, "Unknown", SEED_REASON, SEED_MESSAGE, now)
    ready = get_condition(updated, GARDENLET_READY)
    since = parse_time((ready or {}).get("lastTransitionTime"))
    shoots_unknown = since is None or since + timedelta(seconds=shoot_monitor_seconds) <= now
    return SeedVerdict(updated if updated != conditions else None, shoots_unknown)


def runs_on(shoot: Mapping[str, Any], seed_name: str) -> bool:
    """Whether the shoot's control plane is on the seed: ``status.seedName`` once reported, else ``spec.seedName``."""
    on = dig(shoot, "status", "seedName") or dig(shoot, "spec", "seedName")
    return isinstance(on, str) and on == seed_name


def _unknown(existing: Any, types: tuple[str, ...], now: datetime) -> list[Condition]:
    changed = [
        updated_condition(get_condition(existing, t), t, "Unknown", SHOOT_REASON, SHOOT_MESSAGE, now) for t in types
    ]
    return merge_conditions(existing, *changed)


def shoot_status_unknown(shoot: Mapping[str, Any], now: datetime) -> dict[str, Any] | None:
    """The shoot's ``status`` with its conditions and constraints Unknown, or None when they already are."""
    workerless = not (dig(shoot, "spec", "provider", "workers") or [])
    types = tuple(t for t in SHOOT_CONDITIONS if not (workerless and t in WORKERLESS_SKIPS))
    old_conditions = dig(shoot, "status", "conditions") or []
    old_constraints = dig(shoot, "status", "constraints") or []
    conditions = _unknown(old_conditions, types, now)
    constraints = _unknown(old_constraints, SHOOT_CONSTRAINTS, now)
    if conditions == old_conditions and constraints == old_constraints:
        return None
    return {"conditions": conditions, "constraints": constraints}


def _status_patch(obj: Mapping[str, Any], status: Mapping[str, Any]) -> dict[str, Any]:
    """A merge patch of ``status``, valid only against the resourceVersion ``obj`` was read at."""
    return {"metadata": {"resourceVersion": dig(obj, "metadata", "resourceVersion")}, "status": dict(status)}


def check_seed(
    kube: Kube, name: str, now: datetime, *, grace_seconds: float, shoot_monitor_seconds: float = SHOOT_MONITOR_SECONDS
) -> SeedVerdict | None:
    """One look at one seed: mark it (and, later, its shoots) Unknown if its gardenlet went silent."""
    seed = kube.get(SEEDS, None, name)
    if seed is None:
        return None
    lease = kube.get(LEASES, LEASE_NAMESPACE, name)
    verdict = assess_seed(seed, lease, now, grace_seconds=grace_seconds, shoot_monitor_seconds=shoot_monitor_seconds)
    if verdict.conditions is not None:
        log.info("seed %s: gardenlet stopped posting seed status, GardenletReady is Unknown", name)
        kube.patch(SEEDS, None, name, _status_patch(seed, {"conditions": verdict.conditions}), subresource="status")
    if verdict.shoots_unknown:
        for shoot in kube.iterate(SHOOTS):
            if runs_on(shoot, name):
                _mark_shoot(kube, shoot, now)
    return verdict


def _mark_shoot(kube: Kube, shoot: Object, now: datetime) -> None:
    status = shoot_status_unknown(shoot, now)
    if status is None:
        return
    namespace, name = shoot["metadata"]["namespace"], shoot["metadata"]["name"]
    log.info("shoot %s/%s: gardenlet of its seed is silent, setting its conditions to Unknown", namespace, name)
    try:
        kube.patch(SHOOTS, namespace, name, _status_patch(shoot, status), subresource="status")
    except KubeError as exc:
        if not (exc.conflict or exc.not_found):
            raise
        log.info("shoot %s/%s changed meanwhile; next time", namespace, name)


def registry(ctx: ControllerContext, *, shoot_monitor_seconds: float = SHOOT_MONITOR_SECONDS) -> kopf.OperatorRegistry:
    reg = new_registry(ctx.kube)

    def check_all() -> None:
        now = ctx.clock.now()
        for seed in ctx.kube.list(SEEDS):
            name = seed["metadata"]["name"]
            try:
                check_seed(
                    ctx.kube,
                    name,
                    now,
                    grace_seconds=ctx.seed_grace_seconds,
                    shoot_monitor_seconds=shoot_monitor_seconds,
                )
            except KubeError as exc:
                if not (exc.conflict or exc.not_found):
                    raise
                log.info("seed %s changed meanwhile; next time", name)

    async def round_() -> None:
        await asyncio.to_thread(check_all)

    # One loop over all seeds rather than a kopf timer per seed: timers put kopf's finalizer on every seed.
    every(reg, ctx.resync_seconds, round_, "seed-lifecycle")

    return reg


__all__ = [
    "GARDENLET_READY",
    "LEASE_NAMESPACE",
    "SHOOT_MONITOR_SECONDS",
    "SeedVerdict",
    "assess_seed",
    "check_seed",
    "lease_renewed",
    "registry",
    "runs_on",
    "shoot_status_unknown",
]
