"""Quotas: what the shoots using a set of credentials, or of a project, may consume together, and for how long.

:class:`ShootQuotaValidator` is Gardener's plugin of that name. The quotas a shoot is under are those its binding
(SecretBinding or CredentialsBinding) names. A quota scoped to a Project counts every shoot of the shoot's project
that uses a binding naming the quota; one scoped to a Secret (or WorkloadIdentity) counts every shoot, in any
project, whose binding names it. A shoot consumes, per worker pool, ``maximum`` times the machine type's cpu, gpu
and memory and ``maximum`` times its volume size (as ``storage.<volume class>``), plus one load balancer (two with
the nginx-ingress addon); :mod:`garden.api.usage` computes it (the quota controller shows the same numbers).

``clusterLifetimeDays``: a new shoot gets the ``shoot.gardener.cloud/expiration-timestamp`` annotation (creation
plus the smallest lifetime of its quotas); the annotation may later be moved to at most that many days from now.

:class:`QuotaValidator` checks Quota objects themselves: a known scope, quantities as metrics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from garden.admission.errors import FieldError, check, forbidden_request, invalid, not_supported, refused, required
from garden.admission.landscape.fields import immutable
from garden.admission.landscape.lookups import (
    QUOTA_SCOPES,
    binding_ref,
    load_binding,
    quota_refs,
    quota_scope,
)
from garden.admission.landscape.references import shoot_name
from garden.admission.landscape.wire import (
    CORE_GROUP,
    CORE_VERSION,
    SECURITY_GROUP,
    SECURITY_VERSION,
    annotations_of,
    dicts,
    mapping,
    meta,
    name_of,
    namespace_of,
    set_child,
    spec,
    text,
    writes,
)
from garden.admission.profiles import ProfileNotFound, ProfileRef, load_profile, shoot_profile_ref
from garden.admission.request import Object, Plugin, Reader, Request
from garden.api.base import format_time
from garden.api.core.cloudprofile import CloudProfileSpec
from garden.api.quantity import QuantityError, format_quantity, parse_quantity
from garden.api.usage import BYTE_METRICS, METRICS, nginx_ingress_enabled, shoot_usage

if TYPE_CHECKING:
    from garden.admission.chain import AdmissionOptions

#: When a shoot with a limited lifetime is deleted (RFC 3339).
EXPIRATION_ANNOTATION = "shoot.gardener.cloud/expiration-timestamp"


def _workers_by_name(shoot: Object | None) -> dict[str, tuple[object, object, object]]:
    return {
        text(w.get("name")): (mapping(w.get("machine")).get("type"), w.get("maximum"), w.get("volume"))
        for w in dicts(mapping(spec(shoot).get("provider")).get("workers"))
    }


def quota_check_needed(new: Object | None, old: Object | None) -> bool:
    """On UPDATE: a worker pool was added or changed its machine type, maximum or volume; nginx-ingress was turned
    on; or the shoot moved to another binding."""
    if binding_ref(new) != binding_ref(old):
        return True
    if nginx_ingress_enabled(new) and not nginx_ingress_enabled(old):
        return True
    before = _workers_by_name(old)
    return any(before.get(name) != pool for name, pool in _workers_by_name(new).items())


@dataclass
class _Quota:
    namespace: str
    name: str
    obj: Object
    limits: dict[str, Fraction] = field(default_factory=dict)

    @property
    def lifetime_days(self) -> int | None:
        days = spec(self.obj).get("clusterLifetimeDays")
        return days if isinstance(days, int) and not isinstance(days, bool) and days > 0 else None


class ShootQuotaValidator(Plugin):
    name = "ShootQuotaValidator"

    def __init__(self, reader: Reader, options: AdmissionOptions) -> None:
        self.reader = reader
        self.options = options

    async def _quotas(self, shoot: Object | None, namespace: str) -> list[_Quota]:
        ref = binding_ref(shoot)
        if ref is None:
            return []
        binding = await load_binding(self.reader, ref, namespace)
        if binding is None:
            return []  # ShootReferences refuses the shoot
        found: list[_Quota] = []
        for quota_namespace, quota_name in quota_refs(binding):
            obj = await self.reader.get(CORE_GROUP, CORE_VERSION, "quotas", quota_namespace, quota_name)
            if obj is None:
                continue
            quota = _Quota(quota_namespace, quota_name, obj)
            for metric, limit in mapping(spec(obj).get("metrics")).items():
                try:
                    quota.limits[metric] = parse_quantity(limit)
                except QuantityError:
                    continue
            found.append(quota)
        return found

    async def mutate(self, request: Request) -> None:
        if request.operation != "CREATE" or not writes(request, CORE_GROUP, "shoots"):
            return
        shoot = request.object
        assert shoot is not None
        if meta(shoot).get("deletionTimestamp") or EXPIRATION_ANNOTATION in annotations_of(shoot):
            return
        days = [d for q in await self._quotas(shoot, request.namespace) if (d := q.lifetime_days) is not None]
        if not days:
            return
        expiration = self.options.now() + timedelta(days=min(days))
        set_child(set_child(shoot, "metadata"), "annotations")[EXPIRATION_ANNOTATION] = format_time(expiration)

    async def validate(self, request: Request) -> None:
        if not writes(request, CORE_GROUP, "shoots"):
            return
        shoot = request.object
        old = request.old_object if request.operation == "UPDATE" else None
        if meta(shoot).get("deletionTimestamp"):
            return
        check_quota = old is None or quota_check_needed(shoot, old)
        planned = annotations_of(shoot).get(EXPIRATION_ANNOTATION)
        check_lifetime = isinstance(planned, str) and (
            old is None or annotations_of(old).get(EXPIRATION_ANNOTATION) != planned
        )
        if not check_quota and not check_lifetime:
            return
        quotas = await self._quotas(shoot, request.namespace)
        if not quotas:
            return
        name = shoot_name(request)
        if check_quota:
            await self._check_limits(request, name, quotas)
        days = [d for q in quotas if (d := q.lifetime_days) is not None]
        if check_lifetime and days:
            self._check_lifetime(name, str(planned), min(days))

    def _check_lifetime(self, name: str, planned: str, days: int) -> None:
        path = f"metadata.annotations[{EXPIRATION_ANNOTATION}]"
        try:
            when = datetime.fromisoformat(planned.replace("Z", "+00:00"))
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise refused("Shoot", CORE_GROUP, name, [invalid(path, planned, "must be an RFC 3339 timestamp")])
        latest = self.options.now() + timedelta(days=days)
        if when > latest:
            raise forbidden_request(
                "shoots",
                CORE_GROUP,
                name,
                f"requested shoot expiration time is too long ({path}={planned}). Can only be extended by "
                f"{days} day(s), to {format_time(latest)} at the latest",
            )

    async def _check_limits(self, request: Request, name: str, quotas: list[_Quota]) -> None:
        profiles: dict[tuple[str, str, str], CloudProfileSpec | None] = {}
        requested = shoot_usage(request.object, await self._profile(request.object, request.namespace, profiles))
        exceeded: list[str] = []
        for quota in quotas:
            if not quota.limits:
                continue
            in_use = await self._allocated(quota, request, profiles)
            for metric in [*METRICS, *sorted(set(quota.limits) - set(METRICS))]:
                limit = quota.limits.get(metric)
                if limit is None:
                    continue
                used, wanted = in_use.get(metric, Fraction(0)), requested.get(metric, Fraction(0))
                if used + wanted > limit:
                    binary = metric in BYTE_METRICS
                    exceeded.append(
                        f'{metric} (Quota "{quota.namespace}/{quota.name}" limits {metric} to '
                        f"{format_quantity(limit, binary=binary)}: {format_quantity(used, binary=binary)} in use by "
                        f"other shoots, {format_quantity(wanted, binary=binary)} requested by this shoot)"
                    )
        if exceeded:
            raise forbidden_request(
                "shoots",
                CORE_GROUP,
                name,
                "quota limits exceeded. Unable to allocate further " + "; ".join(exceeded),
            )

    async def _profile(
        self, shoot: Object | None, namespace: str, cache: dict[tuple[str, str, str], CloudProfileSpec | None]
    ) -> CloudProfileSpec | None:
        ref: ProfileRef | None = shoot_profile_ref(shoot or {})
        if ref is None:
            return None
        key = (ref.kind, ref.name, namespace)
        if key not in cache:
            try:
                cache[key] = await load_profile(self.reader, ref, namespace)
            except (ProfileNotFound, ValueError):
                cache[key] = None
        return cache[key]

    async def _allocated(
        self, quota: _Quota, request: Request, profiles: dict[tuple[str, str, str], CloudProfileSpec | None]
    ) -> dict[str, Fraction]:
        """What the other shoots under the quota consume together."""
        namespace = request.namespace if quota_scope(quota.obj) == "project" else None
        by_namespace: dict[str, tuple[set[str], set[str]]] = {}
        listed = (
            await self.reader.list(CORE_GROUP, CORE_VERSION, "secretbindings", namespace),
            await self.reader.list(SECURITY_GROUP, SECURITY_VERSION, "credentialsbindings", namespace),
        )
        for slot, bindings in enumerate(listed):
            for binding in bindings:
                if (quota.namespace, quota.name) in quota_refs(binding):
                    names = by_namespace.setdefault(namespace_of(binding), (set(), set()))
                    names[slot].add(name_of(binding))
        total: dict[str, Fraction] = {}
        for shoot_namespace, (secret_bindings, credentials_bindings) in by_namespace.items():
            for other in await self.reader.list(CORE_GROUP, CORE_VERSION, "shoots", shoot_namespace):
                if shoot_namespace == request.namespace and name_of(other) == request.name:
                    continue
                other_spec = spec(other)
                if (
                    text(other_spec.get("secretBindingName")) not in secret_bindings
                    and text(other_spec.get("credentialsBindingName")) not in credentials_bindings
                ):
                    continue
                usage = shoot_usage(other, await self._profile(other, shoot_namespace, profiles))
                for metric, value in usage.items():
                    total[metric] = total.get(metric, Fraction(0)) + value
        return total


class QuotaValidator(Plugin):
    """Quota objects: a scope Gardener knows (immutable), metrics that are quantities, a positive lifetime."""

    name = "QuotaValidator"

    async def validate(self, request: Request) -> None:
        if not writes(request, CORE_GROUP, "quotas"):
            return
        quota = request.object
        quota_spec = spec(quota)
        problems: list[FieldError] = []
        scope = mapping(quota_spec.get("scope"))
        if quota is None or quota_scope(quota) is None:
            problems.append(
                not_supported(
                    "spec.scope",
                    f"{text(scope.get('apiVersion'))}, Kind={text(scope.get('kind'))}",
                    [f"{api_version}, Kind={kind}" for api_version, kind in QUOTA_SCOPES],
                )
            )
        metrics: Any = quota_spec.get("metrics")
        if not isinstance(metrics, dict) or not metrics:
            problems.append(required("spec.metrics", "must provide at least one metric"))
        else:
            for metric, value in metrics.items():
                path = f"spec.metrics[{metric}]"
                try:
                    if parse_quantity(value) < 0:
                        problems.append(invalid(path, value, "must be greater than or equal to 0"))
                except QuantityError as exc:
                    problems.append(invalid(path, value, str(exc)))
        days = quota_spec.get("clusterLifetimeDays")
        if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days <= 0):
            problems.append(invalid("spec.clusterLifetimeDays", days, "must be a positive number of days"))
        old = request.old_object if request.operation == "UPDATE" else None
        if old is not None and mapping(spec(old).get("scope")) != scope:
            problems.append(immutable("spec.scope", scope))
        check("Quota", CORE_GROUP, request.name or name_of(quota), problems)


__all__ = [
    "BYTE_METRICS",
    "EXPIRATION_ANNOTATION",
    "METRICS",
    "QuotaValidator",
    "ShootQuotaValidator",
    "nginx_ingress_enabled",
    "quota_check_needed",
    "shoot_usage",
]
