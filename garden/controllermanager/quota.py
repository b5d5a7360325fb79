"""Quotas: what the shoots under each Quota consume (shown in its status), the Quota's protection while bindings
still name it, and the end of shoots whose cluster lifetime has passed.

Usage (an extension: Gardener's Quota has no status and its usage is only ever computed by admission): every
``ctx.resync_seconds`` the controller counts, for each Quota, the shoots that use a SecretBinding or
CredentialsBinding naming the quota, and what they consume as admission's ``ShootQuotaValidator`` counts it
(:mod:`garden.api.usage`: worker pools at their maximum times the machine type's cpu, gpu and memory, volumes as
``storage.<class>``, load balancers), and writes it to ``status.usage`` with ``shoots`` (how many) through the
status subresource, when it changed. A Project-scoped quota named by bindings of several projects is enforced per
project by admission; its status sums all of them.

Protection (Gardener's quota controller): every Quota gets the finalizer ``gardener``; a Quota being deleted keeps
it while a SecretBinding or CredentialsBinding still names the quota, and loses it (so it goes) once none does.

Cluster lifetime (Gardener's shoot quota controller): a shoot under quotas with ``clusterLifetimeDays`` expires at
its ``shoot.gardener.cloud/expiration-timestamp`` annotation (admission sets it at creation; this controller sets
it to creation plus the smallest lifetime when it is missing, and removes it when no quota limits the lifetime any
more). Once ``ctx.clock`` has passed it, the shoot is annotated ``confirmation.gardener.cloud/deletion=true`` and
deleted.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

import kopf

from garden.admission.kubereader import KubernetesReader
from garden.admission.landscape.lookups import binding_ref, load_binding, quota_refs
from garden.admission.profiles import ProfileNotFound, ProfileRef, load_profile, shoot_profile_ref
from garden.admission.request import Reader
from garden.api.base import format_time
from garden.api.core import GROUP as CORE_GROUP
from garden.api.core import VERSION as CORE_VERSION
from garden.api.core.cloudprofile import CloudProfileSpec
from garden.api.quantity import format_quantity
from garden.api.security import GROUP as SECURITY_GROUP
from garden.api.security import VERSION as SECURITY_VERSION
from garden.api.usage import BYTE_METRICS, METRICS, add_usage, shoot_usage
from garden.controllermanager.context import ControllerContext
from garden.controllermanager.periodic import every
from garden.kube import QUOTAS, SHOOTS, KubeError
from garden.operator import new_registry

log = logging.getLogger(__name__)

#: The finalizer protecting a Quota that bindings still name.
FINALIZER = "gardener"
#: When a shoot with a limited lifetime is deleted (RFC 3339).
EXPIRATION_ANNOTATION = "shoot.gardener.cloud/expiration-timestamp"
CONFIRMATION_ANNOTATION = "confirmation.gardener.cloud/deletion"
#: The usage entry counting the shoots under a quota.
SHOOTS_METRIC = "shoots"


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    return _dict(obj.get("metadata"))


def _key(obj: dict[str, Any]) -> tuple[str, str]:
    meta = _meta(obj)
    return str(meta.get("namespace") or ""), str(meta.get("name") or "")


# --- usage ----------------------------------------------------------------------------------------------------------


@dataclass
class Garden:
    """What one round reads, once: bindings, shoots by namespace, and cloud profiles."""

    reader: Reader
    secret_bindings: list[dict[str, Any]] = field(default_factory=list)
    credentials_bindings: list[dict[str, Any]] = field(default_factory=list)
    _shoots: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _profiles: dict[tuple[str, str, str], CloudProfileSpec | None] = field(default_factory=dict)

    @classmethod
    async def read(cls, reader: Reader) -> Garden:
        garden = cls(reader)
        garden.secret_bindings = await reader.list(CORE_GROUP, CORE_VERSION, "secretbindings")
        garden.credentials_bindings = await reader.list(SECURITY_GROUP, SECURITY_VERSION, "credentialsbindings")
        return garden

    async def shoots(self, namespace: str) -> list[dict[str, Any]]:
        if namespace not in self._shoots:
            self._shoots[namespace] = await self.reader.list(CORE_GROUP, CORE_VERSION, "shoots", namespace)
        return self._shoots[namespace]

    async def profile(self, shoot: dict[str, Any], namespace: str) -> CloudProfileSpec | None:
        ref: ProfileRef | None = shoot_profile_ref(shoot)
        if ref is None:
            return None
        key = (ref.kind, ref.name, namespace)
        if key not in self._profiles:
            try:
                self._profiles[key] = await load_profile(self.reader, ref, namespace)
            except (ProfileNotFound, ValueError):
                self._profiles[key] = None
        return self._profiles[key]

    def bindings_naming(self, quota: tuple[str, str]) -> dict[str, tuple[set[str], set[str]]]:
        """Namespace -> (SecretBinding names, CredentialsBinding names) of the bindings that name the quota."""
        found: dict[str, tuple[set[str], set[str]]] = {}
        for slot, bindings in enumerate((self.secret_bindings, self.credentials_bindings)):
            for binding in bindings:
                if quota in quota_refs(binding):
                    namespace, name = _key(binding)
                    found.setdefault(namespace, (set(), set()))[slot].add(name)
        return found


async def quota_usage(garden: Garden, quota: dict[str, Any]) -> dict[str, Fraction]:
    """What the shoots under the quota consume together, with ``shoots``: how many they are."""
    total: dict[str, Fraction] = {SHOOTS_METRIC: Fraction(0)}
    total.update({metric: Fraction(0) for metric in METRICS})
    for metric in _dict(_dict(quota.get("spec")).get("metrics")):
        total.setdefault(str(metric), Fraction(0))
    for namespace, (secret_bindings, credentials_bindings) in sorted(garden.bindings_naming(_key(quota)).items()):
        for shoot in await garden.shoots(namespace):
            spec = _dict(shoot.get("spec"))
            if (
                spec.get("secretBindingName") not in secret_bindings
                and spec.get("credentialsBindingName") not in credentials_bindings
            ):
                continue
            total[SHOOTS_METRIC] += 1
            add_usage(total, shoot_usage(shoot, await garden.profile(shoot, namespace)))
    return total


def usage_status(usage: dict[str, Fraction]) -> dict[str, str]:
    """The usage as quantities (bytes with binary suffixes), ``shoots`` first, then the metrics by name."""
    ordered = [SHOOTS_METRIC, *sorted(m for m in usage if m != SHOOTS_METRIC)]
    return {metric: format_quantity(usage[metric], binary=metric in BYTE_METRICS) for metric in ordered}


def status_patch(quota: dict[str, Any], usage: dict[str, str]) -> dict[str, Any] | None:
    """The merge patch that brings the quota's status to ``usage``, or None when it already says so."""
    status = _dict(quota.get("status"))
    current = _dict(status.get("usage"))
    generation = _meta(quota).get("generation")
    if current == usage and status.get("observedGeneration") == generation:
        return None
    merged: dict[str, Any] = {metric: None for metric in current if metric not in usage}
    merged.update(usage)
    body: dict[str, Any] = {"usage": merged}
    if generation is not None:
        body["observedGeneration"] = generation
    return {"status": body}


# --- lifetime -------------------------------------------------------------------------------------------------------


def expiration_of(shoot: dict[str, Any]) -> datetime | None:
    value = _dict(_meta(shoot).get("annotations")).get(EXPIRATION_ANNOTATION)
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


async def lifetime_days(reader: Reader, shoot: dict[str, Any]) -> int | None:
    """The smallest ``clusterLifetimeDays`` of the quotas the shoot's binding names, or None."""
    ref = binding_ref(shoot)
    namespace, _ = _key(shoot)
    if ref is None:
        return None
    binding = await load_binding(reader, ref, namespace)
    if binding is None:
        return None
    days: list[int] = []
    for quota_namespace, quota_name in quota_refs(binding):
        quota = await reader.get(CORE_GROUP, CORE_VERSION, "quotas", quota_namespace, quota_name)
        value = _dict(_dict(quota).get("spec")).get("clusterLifetimeDays")
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            days.append(value)
    return min(days, default=None)


# --- the controller -------------------------------------------------------------------------------------------------


class QuotaController:
    def __init__(self, ctx: ControllerContext) -> None:
        self.ctx = ctx
        self.reader = KubernetesReader(ctx.kube)

    async def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def sweep(self) -> None:
        garden = await Garden.read(self.reader)
        for quota in await self.reader.list(CORE_GROUP, CORE_VERSION, "quotas"):
            try:
                await self.reconcile_quota(garden, quota)
            except Exception:  # one quota must not hold up the others
                log.exception("quota %s/%s: reconciling failed", *_key(quota))
        for shoot in await self.reader.list(CORE_GROUP, CORE_VERSION, "shoots"):
            try:
                await self.reconcile_lifetime(shoot)
            except Exception:
                log.exception("shoot %s/%s: cluster lifetime check failed", *_key(shoot))

    async def reconcile_quota(self, garden: Garden, quota: dict[str, Any]) -> None:
        namespace, name = _key(quota)
        meta = _meta(quota)
        finalizers = [f for f in meta.get("finalizers") or [] if isinstance(f, str)]
        if meta.get("deletionTimestamp"):
            if FINALIZER not in finalizers:
                return
            naming = garden.bindings_naming((namespace, name))
            if naming:
                referrers = sorted(f"{ns}/{n}" for ns, (sb, cb) in naming.items() for n in sb | cb)
                log.info("quota %s/%s: still named by bindings %s; kept", namespace, name, ", ".join(referrers))
                return
            log.info("quota %s/%s: no binding names it any more; releasing it", namespace, name)
            remaining = [f for f in finalizers if f != FINALIZER]
            patch = {"metadata": {"finalizers": remaining, "resourceVersion": meta.get("resourceVersion")}}
            await self._patch_ignoring_races(namespace, name, patch)
            return
        if FINALIZER not in finalizers:
            patch = {
                "metadata": {"finalizers": [*finalizers, FINALIZER], "resourceVersion": meta.get("resourceVersion")}
            }
            if not await self._patch_ignoring_races(namespace, name, patch):
                return
        body = status_patch(quota, usage_status(await quota_usage(garden, quota)))
        if body is not None:
            await self._call(self.ctx.kube.patch, QUOTAS, namespace, name, body, subresource="status")

    async def _patch_ignoring_races(self, namespace: str, name: str, patch: dict[str, Any]) -> bool:
        try:
            await self._call(self.ctx.kube.patch, QUOTAS, namespace, name, patch)
        except KubeError as exc:
            if exc.conflict or exc.not_found:
                return False  # changed meanwhile; the next round looks again
            raise
        return True

    async def reconcile_lifetime(self, shoot: dict[str, Any]) -> None:
        namespace, name = _key(shoot)
        meta = _meta(shoot)
        if meta.get("deletionTimestamp"):
            return
        days = await lifetime_days(self.reader, shoot)
        notes = _dict(meta.get("annotations"))
        if days is None:
            if EXPIRATION_ANNOTATION in notes:
                log.info("shoot %s/%s: no quota limits its lifetime any more; removing the expiration", namespace, name)
                await self._call(
                    self.ctx.kube.patch,
                    SHOOTS,
                    namespace,
                    name,
                    {"metadata": {"annotations": {EXPIRATION_ANNOTATION: None}}},
                )
            return
        expiration = expiration_of(shoot)
        if expiration is None:
            created = meta.get("creationTimestamp")
            if not isinstance(created, str):
                return
            expiration = datetime.fromisoformat(created.replace("Z", "+00:00")) + timedelta(days=days)
            log.info("shoot %s/%s: expires at %s", namespace, name, format_time(expiration))
            await self._call(
                self.ctx.kube.patch,
                SHOOTS,
                namespace,
                name,
                {"metadata": {"annotations": {EXPIRATION_ANNOTATION: format_time(expiration)}}},
            )
        if self.ctx.clock.now() <= expiration:
            return
        log.info("shoot %s/%s: cluster lifetime expired at %s; deleting it", namespace, name, format_time(expiration))
        try:
            confirm = {"metadata": {"annotations": {CONFIRMATION_ANNOTATION: "true"}}}
            await self._call(self.ctx.kube.patch, SHOOTS, namespace, name, confirm)
            await self._call(self.ctx.kube.delete, SHOOTS, namespace, name)
        except KubeError as exc:
            if not exc.not_found:
                raise


def registry(ctx: ControllerContext) -> kopf.OperatorRegistry:
    reg = new_registry(ctx.kube)
    controller = QuotaController(ctx)
    every(reg, ctx.resync_seconds, controller.sweep, "quota")
    return reg


__all__ = [
    "CONFIRMATION_ANNOTATION",
    "EXPIRATION_ANNOTATION",
    "FINALIZER",
    "SHOOTS_METRIC",
    "Garden",
    "QuotaController",
    "expiration_of",
    "lifetime_days",
    "quota_usage",
    "registry",
    "status_patch",
    "usage_status",
]
