"""What the scheduler reads of seeds, shoots and cloud profiles, as small immutable views.

A view is built once per watch event from the typed models (:mod:`garden.api`) and holds only what a scheduling
decision depends on, already parsed (CIDRs, the shoots allocatable, readiness). Two views of the same seed compare
equal when nothing that matters to scheduling changed, so a gardenlet's heartbeat does not invalidate anything.

A shoot's :class:`Requirements` are hashable: shoots with equal requirements get equal answers from the static
filters, which the scheduler caches per requirements (see :mod:`garden.scheduler.core`).
"""

from __future__ import annotations

import functools
import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from garden.api.base import LabelSelector
from garden.api.core.seed import Seed
from garden.api.core.shoot import Shoot
from garden.api.quantity import QuantityError, parse_quantity

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
#: A shoot by namespace and name.
ShootKey = tuple[str, str]

#: The scheduler name shoots get by default; only those (and shoots naming none) are ours to schedule.
DEFAULT_SCHEDULER = "default-scheduler"
GARDENLET_READY = "GardenletReady"
BACKUP_BUCKETS_READY = "BackupBucketsReady"


@functools.lru_cache(maxsize=4096)
def network(cidr: str) -> Network | None:
    """A CIDR as a network (host bits allowed, as Gardener's parsing does), or None when it is not one."""
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None


# -- label selectors --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Selector:
    """A label selector (``metav1.LabelSelector``), hashable; plus a seed selector's ``providerTypes``."""

    match_labels: tuple[tuple[str, str], ...] = ()
    #: (key, operator, values) with operator In, NotIn, Exists or DoesNotExist.
    expressions: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    #: ``None``: not given (the seed's provider type must equal the shoot's).
    provider_types: tuple[str, ...] | None = None

    @classmethod
    def of(cls, selector: LabelSelector | None) -> Selector | None:
        """From a label selector, or a seed selector with its ``providerTypes``."""
        if selector is None:
            return None
        provider_types: list[str] | None = getattr(selector, "provider_types", None)
        return cls(
            tuple(sorted((selector.match_labels or {}).items())),
            tuple(
                (e.key, e.operator, tuple(e.values or ()))
                for e in sorted(selector.match_expressions or [], key=lambda e: (e.key, e.operator))
            ),
            tuple(provider_types) if provider_types else None,
        )

    @classmethod
    def from_wire(cls, raw: Any) -> Selector | None:
        """From a ``seedSelector`` as JSON (a CloudProfile's, read without validating the whole profile)."""
        if not isinstance(raw, Mapping):
            return None
        labels = raw.get("matchLabels")
        labels = labels if isinstance(labels, Mapping) else {}
        expressions = [e for e in raw.get("matchExpressions") or [] if isinstance(e, Mapping)]
        types = [t for t in raw.get("providerTypes") or [] if isinstance(t, str)]
        return cls(
            tuple(sorted((str(k), str(v)) for k, v in labels.items())),
            tuple(
                sorted(
                    (str(e.get("key", "")), str(e.get("operator", "")), tuple(str(v) for v in e.get("values") or ()))
                    for e in expressions
                )
            ),
            tuple(types) if types else None,
        )

    @property
    def has_labels(self) -> bool:
        return bool(self.match_labels or self.expressions)

    def matches(self, labels: Mapping[str, str]) -> bool:
        for key, value in self.match_labels:
            if labels.get(key) != value:
                return False
        for key, operator, values in self.expressions:
            present = key in labels
            if operator == "In":
                if not present or labels[key] not in values:
                    return False
            elif operator == "NotIn":
                if present and labels[key] in values:
                    return False
            elif operator == "Exists":
                if not present:
                    return False
            elif operator == "DoesNotExist":
                if present:
                    return False
            else:  # an operator the API would have refused: matches nothing, as Kubernetes' conversion fails
                return False
        return True

    def describe(self) -> str:
        """As Kubernetes prints a selector: ``env=prod,tier in (a,b),!legacy``."""
        parts = [f"{k}={v}" for k, v in self.match_labels]
        for key, operator, values in self.expressions:
            if operator == "In":
                parts.append(f"{key} in ({','.join(values)})")
            elif operator == "NotIn":
                parts.append(f"{key} notin ({','.join(values)})")
            elif operator == "Exists":
                parts.append(key)
            elif operator == "DoesNotExist":
                parts.append(f"!{key}")
            else:
                parts.append(f"{key} {operator} ({','.join(values)})")
        return ",".join(parts) or "<everything>"


# -- seeds ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeedView:
    name: str
    provider_type: str
    region: str
    labels: Mapping[str, str]
    deleting: bool = False
    visible: bool = True
    #: None when ready; otherwise why not, e.g. ``not ready (GardenletReady Unknown)``.
    unready: str | None = None
    #: (key, value) pairs; a taint without value is (key, None).
    taints: tuple[tuple[str, str | None], ...] = ()
    zones: int = 0
    access_restrictions: frozenset[str] = frozenset()
    nodes: str | None = None
    pods: str = ""
    services: str = ""
    default_pods: str | None = None
    default_services: str | None = None
    #: ``status.allocatable.shoots``; None: no limit.
    allocatable: int | None = None

    @classmethod
    def of(cls, seed: Seed) -> SeedView:
        spec, status = seed.spec, seed.status
        settings = spec.settings
        visible = not (settings and settings.scheduling and settings.scheduling.visible is False)
        allocatable: int | None = None
        if status and status.allocatable and "shoots" in status.allocatable:
            try:  # Quantity.Value(): rounded up to an integer
                allocatable = math.ceil(parse_quantity(status.allocatable["shoots"]))
            except QuantityError:
                allocatable = None
        defaults = spec.networks.shoot_defaults
        return cls(
            name=seed.metadata.name or "",
            provider_type=spec.provider.type,
            region=spec.provider.region,
            labels=dict(seed.metadata.labels or {}),
            deleting=seed.metadata.deletion_timestamp is not None,
            visible=visible,
            unready=_unready(seed),
            taints=tuple((t.key, t.value) for t in spec.taints or ()),
            zones=len(spec.provider.zones or ()),
            access_restrictions=frozenset(a.name for a in spec.access_restrictions or ()),
            nodes=spec.networks.nodes,
            pods=spec.networks.pods,
            services=spec.networks.services,
            default_pods=defaults.pods if defaults else None,
            default_services=defaults.services if defaults else None,
            allocatable=allocatable,
        )

    @classmethod
    def parse(cls, obj: dict[str, Any]) -> SeedView:
        return cls.of(Seed.parse(obj))


def _unready(seed: Seed) -> str | None:
    """Gardener's verifySeedReadiness: a last operation, GardenletReady True and, with backups, BackupBucketsReady
    True."""
    status = seed.status
    if status is None or status.last_operation is None:
        return "not ready (no last operation: the gardenlet has not reported yet)"
    conditions = {c.type: str(c.status) for c in status.conditions or ()}
    wanted = [GARDENLET_READY] + ([BACKUP_BUCKETS_READY] if seed.spec.backup is not None else [])
    for kind in wanted:
        state = conditions.get(kind)
        if state != "True":
            return f"not ready ({kind} {state or 'missing'})"
    return None


# -- cloud profiles ---------------------------------------------------------------------------------------------------

ProfileKind = Literal["CloudProfile", "NamespacedCloudProfile"]


@dataclass(frozen=True, slots=True)
class ProfileRef:
    """A shoot's cloud profile: a CloudProfile, or a NamespacedCloudProfile in the shoot's namespace."""

    kind: ProfileKind
    name: str
    namespace: str = ""

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f'{self.kind} "{where}{self.name}"'


def profile_selector(obj: dict[str, Any], *, namespaced: bool) -> Selector | None:
    """The seed selector of a CloudProfile (``spec``) or a NamespacedCloudProfile (``status.cloudProfileSpec``)."""
    spec = ((obj.get("status") or {}).get("cloudProfileSpec") if namespaced else obj.get("spec")) or {}
    return Selector.from_wire(spec.get("seedSelector")) if isinstance(spec, Mapping) else None


# -- shoots -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Requirements:
    """Everything about a shoot the static filters and the strategy look at; shoots with equal requirements get
    equal candidates."""

    provider_type: str
    region: str
    profile: ProfileRef
    testing: bool = False
    selector: Selector | None = None
    #: (key, value) pairs; a toleration without value is (key, None).
    tolerations: tuple[tuple[str, str | None], ...] = ()
    #: A highly available control plane with failure tolerance ``zone``: needs a seed with three zones or more.
    zonal: bool = False
    access_restrictions: tuple[str, ...] = ()
    networking: bool = True
    nodes: str | None = None
    pods: str | None = None
    services: str | None = None
    ip_families: tuple[str, ...] = ("IPv4",)
    workerless: bool = False


@dataclass(frozen=True, slots=True)
class ShootView:
    namespace: str
    name: str
    needs: Requirements
    uid: str = ""
    resource_version: str = ""
    generation: int = 0
    seed_name: str | None = None
    status_seed_name: str | None = None
    deleting: bool = False
    scheduler_name: str = DEFAULT_SCHEDULER

    @property
    def key(self) -> ShootKey:
        return (self.namespace, self.name)

    @property
    def ours(self) -> bool:
        """Whether this scheduler is responsible for the shoot (``spec.schedulerName`` unset or the default)."""
        return self.scheduler_name in ("", DEFAULT_SCHEDULER)

    @property
    def wants_scheduling(self) -> bool:
        return not self.seed_name and not self.deleting and self.ours

    @classmethod
    def of(cls, shoot: Shoot) -> ShootView:
        meta, spec = shoot.metadata, shoot.spec
        namespace = meta.namespace or ""
        if spec.cloud_profile is not None:
            kind = spec.cloud_profile.kind
            profile = ProfileRef(kind, spec.cloud_profile.name, namespace if kind == "NamespacedCloudProfile" else "")
        else:
            profile = ProfileRef("CloudProfile", spec.cloud_profile_name or "")
        high_availability = spec.control_plane.high_availability if spec.control_plane else None
        networking = spec.networking
        needs = Requirements(
            provider_type=spec.provider.type,
            region=spec.region,
            profile=profile,
            testing=spec.purpose == "testing",
            selector=Selector.of(spec.seed_selector),
            tolerations=tuple((t.key, t.value) for t in spec.tolerations or ()),
            zonal=high_availability is not None and high_availability.failure_tolerance.type == "zone",
            access_restrictions=tuple(sorted({a.name for a in spec.access_restrictions or ()})),
            networking=networking is not None,
            nodes=networking.nodes if networking else None,
            pods=networking.pods if networking else None,
            services=networking.services if networking else None,
            ip_families=tuple(networking.ip_families or ("IPv4",)) if networking else ("IPv4",),
            workerless=not spec.provider.workers,
        )
        status = shoot.status
        return cls(
            namespace=namespace,
            name=meta.name or "",
            needs=needs,
            uid=meta.uid or "",
            resource_version=meta.resource_version or "",
            generation=meta.generation or 0,
            seed_name=spec.seed_name or None,
            status_seed_name=(status.seed_name or None) if status else None,
            deleting=meta.deletion_timestamp is not None,
            scheduler_name=spec.scheduler_name or DEFAULT_SCHEDULER,
        )

    @classmethod
    def parse(cls, obj: dict[str, Any]) -> ShootView:
        return cls.of(Shoot.parse(obj))


__all__ = [
    "BACKUP_BUCKETS_READY",
    "DEFAULT_SCHEDULER",
    "GARDENLET_READY",
    "ProfileRef",
    "Requirements",
    "SeedView",
    "Selector",
    "ShootKey",
    "ShootView",
    "network",
    "profile_selector",
]
