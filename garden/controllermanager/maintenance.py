"""Shoot maintenance: once per maintenance window, update a shoot's versions as Gardener's maintenance controller
does (``pkg/controllermanager/controller/shoot/maintenance``).

When: inside the shoot's *effective* maintenance window (``spec.maintenance.timeWindow``, ``HHMMSS+ZZZZ`` bounds
with fixed UTC offsets, possibly spanning midnight, cut short by 15 minutes; all day without a window), once per
occurrence of the window, or right away when the shoot carries ``gardener.cloud/operation=maintain`` (the
annotation is removed by the maintenance). Gardener requeues each shoot to a random moment of its next window;
here one loop looks at every shoot each ``ctx.resync_seconds`` and maintains those whose current window has not
been served yet (remembered in memory, and by ``status.lastMaintenance.triggeredTime``). Decisions use
``ctx.clock``.

What (see :mod:`garden.controllermanager.versionupdates` for the choice of versions):

* Kubernetes: with ``spec.maintenance.autoUpdate.kubernetesVersion``, the newest patch of the current minor; when
  the current version has expired or is no longer offered, regardless of autoUpdate, the newest patch of the
  current minor if one is usable, else the newest patch of the next minor. Worker pools with their own
  ``kubernetes.version`` likewise, never beyond the control plane's version.
* Machine images, per worker pool: with ``autoUpdate.machineImageVersion``, the newest usable version the image's
  ``updateStrategy`` allows (``patch``, ``minor``, ``major``; ``major`` when unset); when the current version has
  expired, regardless of autoUpdate, a forced update. Only versions that fit the pool are considered: its
  architecture, container runtime, kubelet version (``kubeletVersionConstraint``) and, for in-place updates, the
  versions that can be reached in place.
* The operation annotation, as Gardener sets it: a shoot that has a last operation gets
  ``gardener.cloud/operation=reconcile`` (plus what ``maintenance.gardener.cloud/operation`` asked for, which is
  removed), or ``retry`` when it failed and carries ``maintenance.shoot.gardener.cloud/needs-retry-operation=true``;
  and the tasks ``shoot.gardener.cloud/tasks`` a maintenance reconciliation runs.

The changes go to the shoot with one PUT (so admission validates them); ``status.lastMaintenance`` (what changed
and why, the trigger time, ``Succeeded`` or ``Failed`` with the failure reason) through the status subresource.
When admission refuses the update, nothing changes but the maintain annotation, and the last maintenance is
``Failed`` with admission's message; it is tried again in the next window.

Left out from Gardener's controller: automatic credential rotations, the removal of feature gates, admission
plugins and fields a forced Kubernetes upgrade no longer supports, the SecretBinding migration, and Events.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import kopf
from pydantic import ValidationError

from garden.admission.kubereader import KubernetesReader
from garden.admission.profiles import ProfileNotFound, load_profile, shoot_profile_ref
from garden.api.base import format_time
from garden.api.core.cloudprofile import CloudProfileSpec, MachineImageVersion, MachineType
from garden.api.core.shoot import Shoot, Worker
from garden.api.timewindow import effective_window
from garden.api.versions import ConstraintError, classification, parse, satisfies
from garden.controllermanager.context import ControllerContext
from garden.controllermanager.periodic import every
from garden.controllermanager.versionupdates import NoVersion, Strategy, image_target, kubernetes_target
from garden.kube import SHOOTS, KubeError
from garden.operator import new_registry

log = logging.getLogger(__name__)

#: The operation annotation, and the operation asking for maintenance now.
OPERATION = "gardener.cloud/operation"
MAINTAIN = "maintain"
RECONCILE = "reconcile"
RETRY = "retry"
#: Operations the next maintenance shall add to the operation annotation (``;``-separated).
MAINTENANCE_OPERATION = "maintenance.gardener.cloud/operation"
#: A failed shoot carrying ``true`` here is retried by the next maintenance.
NEEDS_RETRY = "maintenance.shoot.gardener.cloud/needs-retry-operation"
#: Tasks the next reconciliation runs (``,``-separated), and those every maintenance asks for.
TASKS = "shoot.gardener.cloud/tasks"
MAINTENANCE_TASKS = (
    "deployInfrastructure",
    "deployDNSRecordInternal",
    "deployDNSRecordExternal",
    "deployDNSRecordIngress",
)
#: Separator of several operations in one annotation.
SEPARATOR = ";"

_IN_PLACE = ("AutoInPlaceUpdate", "ManualInPlaceUpdate")


def _q(text: str) -> str:
    """Go's ``%q``."""
    return json.dumps(text)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def annotations_of(obj: dict[str, Any]) -> dict[str, Any]:
    return _dict(_dict(obj.get("metadata")).get("annotations"))


def operations(obj: dict[str, Any], key: str = OPERATION) -> list[str]:
    """The operations an annotation lists (``;``-separated)."""
    value = annotations_of(obj).get(key)
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


def has_maintain(obj: dict[str, Any]) -> bool:
    return MAINTAIN in operations(obj)


# --- deciding ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """One version update maintenance did or could not do."""

    description: str
    reason: str
    successful: bool


@dataclass
class Plan:
    """The maintained shoot (a changed copy of the wire object) and what was changed, and why."""

    shoot: dict[str, Any]
    control_plane: UpdateResult | None = None
    worker_kubernetes: dict[str, UpdateResult] = field(default_factory=dict)
    worker_images: dict[str, UpdateResult] = field(default_factory=dict)
    #: Operations besides version updates (the operation annotation Gardener reports).
    operations: list[str] = field(default_factory=list)

    @property
    def require_patch(self) -> bool:
        """Whether there is something to report in ``status.lastMaintenance``."""
        return bool(self.control_plane or self.worker_kubernetes or self.worker_images or self.operations)

    def messages(self) -> tuple[str, str]:
        """``(description, failureReason)`` as Gardener words them."""
        successful = failed = 0
        parts: list[str] = []
        failures: list[str] = []
        if self.control_plane is not None:
            result = self.control_plane
            if result.successful:
                successful += 1
                parts.append(f"Control Plane: {result.description}. Reason: {result.reason}")
            else:
                failed += 1
                parts.append(f"Control Plane: Kubernetes version update failed. Reason for update: {result.reason}")
                failures.append(f"Control Plane: Kubernetes maintenance failure due to: {result.description}")
        for worker, result in self.worker_kubernetes.items():
            if result.successful:
                successful += 1
                parts.append(f"Worker pool {_q(worker)}: {result.description}. Reason: {result.reason}")
            else:
                failed += 1
                parts.append(
                    f"Worker pool {_q(worker)}: Kubernetes version maintenance failed. Reason for update: "
                    f"{result.reason}"
                )
                failures.append(
                    f"Worker pool {_q(worker)}: Kubernetes maintenance failure due to: {result.description}"
                )
        for worker, result in self.worker_images.items():
            if result.successful:
                successful += 1
                parts.append(f"Worker pool {_q(worker)}: {result.description}. Reason: {result.reason}")
            else:
                failed += 1
                parts.append(
                    f"Worker pool {_q(worker)}: machine image version maintenance failed. Reason for update: "
                    f"{result.reason}"
                )
                failures.append(f"Worker pool {_q(worker)}: {result.description}")
        if self.operations:
            parts.append(", ".join(self.operations))
        description = ", ".join(parts)
        if failed == 0:
            return f"All maintenance operations successful. {description}".rstrip(), ""
        return (
            f"({successful}/{successful + failed}) maintenance operations successful. {description}".rstrip(),
            ", ".join(failures),
        )


def _kubernetes_update(
    current: str, auto: bool, profile: CloudProfileSpec, now: datetime
) -> tuple[str | None, UpdateResult | None]:
    """The version to set and the result to report, or ``(None, None)`` when the version stays."""
    versions = profile.kubernetes.versions or []
    offered = next((v for v in versions if v.version == current), None)
    if offered is None:
        reason, expired = "Version does not exist in CloudProfile", True
    elif classification(offered, now) == "expired":
        reason, expired = "Kubernetes version expired - force update required", True
    elif auto:
        reason, expired = "Automatic update of Kubernetes version configured", False
    else:
        return None, None
    try:
        target = kubernetes_target(versions, current, now, expired=expired)
    except NoVersion as exc:
        description = f"could not determine higher suitable version than {_q(current)}: {exc}"
        return None, UpdateResult(description, reason, False)
    if target is None:
        return None, None
    return target, UpdateResult(f"Updated Kubernetes version from {_q(current)} to {_q(target)}", reason, True)


def _fits(version: MachineImageVersion, worker: Worker, machine_type: MachineType, kubelet: str, current: str) -> bool:
    """Whether a machine image version can run the worker pool (Gardener's ``FilterMachineImageVersions``)."""
    architecture = worker.machine.architecture or machine_type.architecture or "amd64"
    if architecture not in (version.architectures or ["amd64"]):
        return False
    wanted = worker.cri.name if worker.cri is not None else "containerd"
    cri = next((c for c in version.cri or [] if c.name == wanted), None)
    if cri is None and not (version.cri is None and wanted == "containerd"):
        return False
    runtimes = {r.type for r in (cri.container_runtimes or [])} if cri is not None else set()
    if worker.cri is not None and any(r.type not in runtimes for r in worker.cri.container_runtimes or []):
        return False
    if version.kubelet_version_constraint:
        parsed = parse(kubelet)
        try:
            if parsed is not None and not satisfies(parsed, version.kubelet_version_constraint):
                return False
        except ConstraintError:
            pass  # a profile with an unreadable constraint is refused by its own validation
    if worker.update_strategy in _IN_PLACE:
        in_place = version.in_place_updates
        if in_place is None or not in_place.supported:
            return False
        if version.version != current:
            minimum, have = parse(in_place.min_version_for_update or ""), parse(current)
            if minimum is None or have is None or minimum > have:
                return False
    return True


def _image_updates(
    shoot: Shoot, raw_workers: list[dict[str, Any]], profile: CloudProfileSpec, auto: bool, now: datetime
) -> dict[str, UpdateResult]:
    results: dict[str, UpdateResult] = {}
    workers = shoot.spec.provider.workers or []
    for index, worker in enumerate(workers):
        image = worker.machine.image
        if image is None or image.version is None:
            continue
        machine_type = profile.machine_type(worker.machine.type)
        offered = profile.machine_image(image.name)
        if machine_type is None or offered is None:
            # Gardener gives up on all machine images of the shoot (and goes on with Kubernetes).
            missing = "machine type" if machine_type is None else "machine image"
            log.warning(
                "shoot %s/%s: %s of worker pool %s is not in the cloud profile; machine images are not maintained",
                shoot.metadata.namespace,
                shoot.metadata.name,
                missing,
                worker.name,
            )
            return {}
        kubelet = worker.kubernetes.version if worker.kubernetes and worker.kubernetes.version else None
        kubelet = kubelet or shoot.spec.kubernetes.version or ""
        fitting = [v for v in offered.versions if _fits(v, worker, machine_type, kubelet, image.version)]
        strategy: Strategy = offered.update_strategy or "major"
        current = next((v for v in fitting if v.version == image.version), None)
        if current is None:
            reason, expired = "Version does not exist in CloudProfile", True
        elif classification(current, now) == "expired":
            reason = f"Machine image version expired - force update required (image update strategy: {strategy})"
            expired = True
        elif auto:
            reason = f"Automatic update of the machine image version is configured (image update strategy: {strategy})"
            expired = False
        else:
            continue
        try:
            target = image_target(fitting, image.version, now, strategy, expired=expired)
        except NoVersion as exc:
            description = (
                f"failed to update machine image {_q(image.name)}: failed to determine the target version for "
                f"maintenance of machine image {_q(image.name)} with strategy {_q(strategy)}: {exc}"
            )
            results[worker.name] = UpdateResult(description, reason, False)
            continue
        if target is None:
            continue
        description = f"Updated machine image {_q(image.name)} from {_q(image.version)} to {_q(target)}"
        results[worker.name] = UpdateResult(description, reason, True)
        _set(raw_workers[index], ("machine", "image", "version"), target)
    return results


def _set(obj: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        child = obj.get(key)
        if not isinstance(child, dict):
            child = {}
            obj[key] = child
        obj = child
    obj[path[-1]] = value


def _maintain_operation(raw: dict[str, Any], shoot: Shoot) -> str:
    """Gardener's ``maintainOperation``: drop ``maintain``, set the operation annotation; the operation to report."""
    metadata = raw.setdefault("metadata", {})
    notes: dict[str, Any] = metadata.get("annotations") if isinstance(metadata.get("annotations"), dict) else {}
    if has_maintain(raw):
        notes.pop(OPERATION, None)
    last = shoot.status.last_operation if shoot.status is not None else None
    operation = ""
    if last is not None:
        if last.state == "Failed":
            if str(notes.get(NEEDS_RETRY, "")).lower() == "true":
                notes[OPERATION] = RETRY
                notes.pop(NEEDS_RETRY, None)
        else:
            requested = operations(raw, MAINTENANCE_OPERATION)
            if RECONCILE not in requested:
                requested.append(RECONCILE)
            operation = SEPARATOR.join(requested)
            notes[OPERATION] = operation
            notes.pop(MAINTENANCE_OPERATION, None)
    if notes:
        metadata["annotations"] = notes
    return "" if operation == RECONCILE else operation


def _add_tasks(raw: dict[str, Any]) -> None:
    metadata = raw.setdefault("metadata", {})
    notes = metadata.get("annotations") if isinstance(metadata.get("annotations"), dict) else {}
    present = [t for t in str(notes.get(TASKS, "")).split(",") if t]
    present += [t for t in MAINTENANCE_TASKS if t not in present]
    notes[TASKS] = ",".join(present)
    metadata["annotations"] = notes


def plan_maintenance(raw: dict[str, Any], profile: CloudProfileSpec, now: datetime) -> Plan:
    """What maintenance does to the shoot (a wire object, not changed): the maintained copy and the results."""
    shoot = Shoot.parse(raw)
    maintained = copy.deepcopy(raw)
    plan = Plan(maintained)
    auto = shoot.spec.maintenance.auto_update if shoot.spec.maintenance is not None else None
    auto_kubernetes = bool(auto is not None and auto.kubernetes_version)
    auto_images = bool(auto is not None and auto.machine_image_version)
    raw_workers = [w for w in _dict(maintained["spec"].get("provider")).get("workers") or [] if isinstance(w, dict)]

    plan.worker_images = _image_updates(shoot, raw_workers, profile, auto_images, now)

    control_plane = shoot.spec.kubernetes.version or ""
    target, plan.control_plane = _kubernetes_update(control_plane, auto_kubernetes, profile, now)
    if target is not None:
        _set(maintained, ("spec", "kubernetes", "version"), target)
        control_plane = target
    control_plane_version = parse(control_plane)

    for index, worker in enumerate(shoot.spec.provider.workers or []):
        pool_version = worker.kubernetes.version if worker.kubernetes is not None else None
        if not pool_version:
            continue
        target, result = _kubernetes_update(pool_version, auto_kubernetes, profile, now)
        if result is None:
            continue
        if target is not None:
            parsed = parse(target)
            if parsed is not None and control_plane_version is not None and parsed > control_plane_version:
                target = control_plane  # a pool never runs a newer Kubernetes than its control plane
            result = UpdateResult(
                f"Updated Kubernetes version from {_q(pool_version)} to {_q(target)}", result.reason, True
            )
            _set(raw_workers[index], ("kubernetes", "version"), target)
        plan.worker_kubernetes[worker.name] = result

    operation = _maintain_operation(maintained, shoot)
    if operation:
        plan.operations.append(f"Added {_q(operation)} operation annotation")
    _add_tasks(maintained)
    return plan


def maintenance_due(raw: dict[str, Any], now: datetime, served: datetime | None = None) -> bool:
    """Whether to maintain the shoot now: asked to, or inside its effective window whose current occurrence has not
    been served (``served``: when this controller last maintained it; else ``status.lastMaintenance``)."""
    if _dict(raw.get("metadata")).get("deletionTimestamp"):
        return False
    if has_maintain(raw):
        return True
    window = _dict(_dict(_dict(raw.get("spec")).get("maintenance")).get("timeWindow"))
    begin, end = window.get("begin"), window.get("end")
    effective = effective_window(begin if isinstance(begin, str) else None, end if isinstance(end, str) else None)
    occurrence = effective.current_start(now)
    if occurrence is None:
        return False
    if served is not None and served >= occurrence:
        return False
    triggered = _dict(_dict(raw.get("status")).get("lastMaintenance")).get("triggeredTime")
    if isinstance(triggered, str):
        try:
            when = datetime.fromisoformat(triggered.replace("Z", "+00:00"))
        except ValueError:
            return True
        if when >= occurrence:
            return False
    return True


def last_maintenance(description: str, now: datetime, state: str, failure_reason: str = "") -> dict[str, Any]:
    """The ``status.lastMaintenance`` merge patch value (a null failureReason clears an old one)."""
    return {
        "description": description,
        "triggeredTime": format_time(now),
        "state": state,
        "failureReason": failure_reason or None,
    }


def _refused(exc: KubeError) -> bool:
    """An answer that says the update itself is wrong (admission, validation), not that it came at a bad time."""
    return 400 <= exc.status < 500 and not exc.conflict and not exc.not_found and exc.status != 429


# --- doing --------------------------------------------------------------------------------------------------------


class Maintainer:
    """Maintains shoots through the garden's API; remembers which window occurrence it served for each shoot."""

    def __init__(self, ctx: ControllerContext) -> None:
        self.ctx = ctx
        self.reader = KubernetesReader(ctx.kube)
        self.served: dict[str, datetime] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    def _lock(self, namespace: str, name: str) -> asyncio.Lock:
        return self._locks.setdefault((namespace, name), asyncio.Lock())

    async def sweep(self) -> None:
        """Look at every shoot once."""
        shoots = await asyncio.to_thread(self.ctx.kube.list, SHOOTS)
        seen: set[str] = set()
        keys: set[tuple[str, str]] = set()
        for raw in shoots:
            meta = _dict(raw.get("metadata"))
            seen.add(str(meta.get("uid") or ""))
            keys.add((str(meta.get("namespace") or ""), str(meta.get("name") or "")))
            try:
                await self.consider(str(meta.get("namespace") or ""), str(meta.get("name") or ""))
            except Exception:  # one shoot must not keep the others from their maintenance
                log.exception("shoot %s/%s: maintenance failed", meta.get("namespace"), meta.get("name"))
        for uid in set(self.served) - seen:
            del self.served[uid]
        for key in set(self._locks) - keys:
            if not self._locks[key].locked():
                del self._locks[key]

    async def consider(self, namespace: str, name: str) -> None:
        """Maintain the shoot if it is due (read afresh under the shoot's lock)."""
        async with self._lock(namespace, name):
            raw = await asyncio.to_thread(self.ctx.kube.get, SHOOTS, namespace, name)
            if raw is None:
                return
            now = self.ctx.clock.now()
            uid = str(_dict(raw.get("metadata")).get("uid") or "")
            if not maintenance_due(raw, now, self.served.get(uid)):
                return
            if await self.maintain(raw, now):
                self.served[uid] = now

    async def _profile(self, raw: dict[str, Any], namespace: str) -> CloudProfileSpec | None:
        ref = shoot_profile_ref(raw)
        if ref is None:
            return None
        try:
            return await load_profile(self.reader, ref, namespace)
        except (ProfileNotFound, ValueError) as exc:
            log.warning("shoot %s/%s: cannot read its cloud profile: %s", namespace, raw["metadata"]["name"], exc)
            return None

    async def maintain(self, raw: dict[str, Any], now: datetime) -> bool:
        """Maintain one shoot; whether this window is served (False: try again on the next round)."""
        meta = raw["metadata"]
        namespace, name = meta["namespace"], meta["name"]
        profile = await self._profile(raw, namespace)
        if profile is None:
            return False
        try:
            plan = plan_maintenance(raw, profile, now)
        except ValidationError as exc:
            log.warning("shoot %s/%s: cannot read it, not maintained: %s", namespace, name, exc)
            return True
        log.info("shoot %s/%s: maintaining", namespace, name)
        try:
            await asyncio.to_thread(self.ctx.kube.update, SHOOTS, namespace, name, plan.shoot)
        except KubeError as exc:
            if not _refused(exc):
                log.info("shoot %s/%s: maintenance could not update the shoot (%s); next round", namespace, name, exc)
                return False
            log.info("shoot %s/%s: maintenance refused: %s", namespace, name, exc.message)
            await self._refused(raw, now, exc)
            return True
        if plan.require_patch:
            description, failure = plan.messages()
            state = "Failed" if failure else "Succeeded"
            await self._status(namespace, name, last_maintenance(description, now, state, failure))
        else:
            last = _dict(_dict(raw.get("status")).get("lastMaintenance"))
            if last.get("state") == "Failed":
                await self._status(
                    namespace,
                    name,
                    {"state": "Succeeded", "description": "Maintenance succeeded", "failureReason": None},
                )
        return True

    async def _refused(self, raw: dict[str, Any], now: datetime, exc: KubeError) -> None:
        meta = raw["metadata"]
        namespace, name = meta["namespace"], meta["name"]
        if has_maintain(raw):
            remaining = [op for op in operations(raw) if op != MAINTAIN]
            value = SEPARATOR.join(remaining) or None
            try:
                await asyncio.to_thread(
                    self.ctx.kube.patch,
                    SHOOTS,
                    namespace,
                    name,
                    {"metadata": {"annotations": {OPERATION: value}}},
                )
            except KubeError as patch_error:
                log.warning("shoot %s/%s: cannot remove the maintain annotation: %s", namespace, name, patch_error)
        reason = f"Updates to the Shoot failed to be applied: {exc.message or exc}"
        await self._status(namespace, name, last_maintenance("Maintenance failed", now, "Failed", reason))

    async def _status(self, namespace: str, name: str, last: dict[str, Any]) -> None:
        body = {"status": {"lastMaintenance": last}}
        await asyncio.to_thread(self.ctx.kube.patch, SHOOTS, namespace, name, body, subresource="status")


def registry(ctx: ControllerContext) -> kopf.OperatorRegistry:
    reg = new_registry(ctx.kube)
    maintainer = Maintainer(ctx)
    every(reg, ctx.resync_seconds, maintainer.sweep, "shoot-maintenance")

    def asks_for_maintenance(body: kopf.Body, **_: Any) -> bool:
        return has_maintain(dict(body))

    @kopf.on.event("core.gardener.cloud", "v1beta1", "shoots", when=asks_for_maintenance, registry=reg)
    async def maintain_now(name: str, namespace: str | None, type: str, **_: Any) -> None:
        if type == "DELETED" or not namespace:
            return
        try:
            await maintainer.consider(namespace, name)
        except Exception:  # the next sweep tries again
            log.exception("shoot %s/%s: maintenance failed", namespace, name)

    return reg


__all__ = [
    "MAINTAIN",
    "MAINTENANCE_OPERATION",
    "NEEDS_RETRY",
    "OPERATION",
    "TASKS",
    "Maintainer",
    "Plan",
    "UpdateResult",
    "has_maintain",
    "last_maintenance",
    "maintenance_due",
    "operations",
    "plan_maintenance",
    "registry",
]
