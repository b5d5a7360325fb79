"""Stale projects, as Gardener's ``project-stale`` controller decides them (pure: no API calls, no clock).

A project is stale when it is older than the minimum lifetime, had no activity (``status.lastActivityTimestamp``)
within that time, its namespace is not marked ``project.gardener.cloud/skip-stale-check=true``, and nothing in
its namespace is in use: no Shoots, no BackupEntries, and no secrets or quotas there that a binding used by some
shoot refers to. ``status.staleSinceTimestamp`` records since when; once it is older than the grace period,
``status.staleAutoDeleteTimestamp`` says when the project will be deleted (never moved earlier); when that passes,
the project is deleted. A project in use again loses both timestamps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from garden.admission.landscape.lookups import binding_ref, quota_refs
from garden.api.base import format_time
from garden.api.conditions import parse_time
from garden.kube import Object

#: Gardener's defaults (``controllers.project`` of the controller manager's configuration).
MINIMUM_LIFETIME_DAYS = 30
STALE_GRACE_PERIOD_DAYS = 14
STALE_EXPIRATION_DAYS = 90

SKIP_STALE_CHECK = "project.gardener.cloud/skip-stale-check"


@dataclass(frozen=True, slots=True)
class StaleSettings:
    #: Projects younger than this, or with activity within it, are never stale.
    minimum_lifetime_days: int = MINIMUM_LIFETIME_DAYS
    #: How long a project is stale before it gets an auto-delete timestamp.
    grace_period_days: int = STALE_GRACE_PERIOD_DAYS
    #: Days after ``staleSinceTimestamp`` a stale project is deleted; None: stale projects are never deleted.
    expiration_days: int | None = STALE_EXPIRATION_DAYS


STALE_SETTINGS = StaleSettings()


@dataclass(frozen=True, slots=True)
class Staleness:
    stale_since: datetime | None
    auto_delete: datetime | None

    @property
    def stale(self) -> bool:
        return self.stale_since is not None


NOT_STALE = Staleness(None, None)


def evaluate(
    *,
    now: datetime,
    created: datetime,
    last_activity: datetime | None,
    stale_since: datetime | None,
    auto_delete: datetime | None,
    in_use: bool,
    skip: bool = False,
    settings: StaleSettings = STALE_SETTINGS,
) -> Staleness:
    """The project's stale timestamps from now on."""
    lifetime = timedelta(days=settings.minimum_lifetime_days)
    if skip or created + lifetime > now or (last_activity is not None and last_activity + lifetime > now) or in_use:
        return NOT_STALE
    since = stale_since or now
    if since + timedelta(days=settings.grace_period_days) > now or settings.expiration_days is None:
        return Staleness(since, None)
    deadline = since + timedelta(days=settings.expiration_days)
    if auto_delete is not None and auto_delete >= deadline:
        deadline = auto_delete  # only ever extended: people may rely on the announced date
    return Staleness(since, deadline)


def due(staleness: Staleness, now: datetime) -> bool:
    """Whether the stale project is to be deleted now."""
    return staleness.auto_delete is not None and now >= staleness.auto_delete


def _namespace(obj: Object) -> str:
    value = (obj.get("metadata") or {}).get("namespace")
    return value if isinstance(value, str) else ""


def _ref_namespace(binding: Object, field: str) -> str:
    ref = binding.get(field)
    value = ref.get("namespace") if isinstance(ref, dict) else None
    return value if isinstance(value, str) and value else _namespace(binding)


def namespaces_in_use(
    shoots: Iterable[Object],
    backup_entries: Iterable[Object],
    secret_bindings: Iterable[Object],
    credentials_bindings: Iterable[Object],
) -> set[str]:
    """Namespaces with shoots or backup entries, or holding credentials or quotas a shoot's binding refers to."""
    shoots = list(shoots)
    used = {_namespace(s) for s in shoots} | {_namespace(b) for b in backup_entries}
    bindings: dict[tuple[str, str, str], tuple[Object, str]] = {}
    for kind, field, listed in (
        ("SecretBinding", "secretRef", secret_bindings),
        ("CredentialsBinding", "credentialsRef", credentials_bindings),
    ):
        for binding in listed:
            name = (binding.get("metadata") or {}).get("name")
            if isinstance(name, str):
                bindings[(kind, _namespace(binding), name)] = (binding, field)
    for shoot in shoots:
        ref = binding_ref(shoot)
        found = bindings.get((ref.kind, _namespace(shoot), ref.name)) if ref else None
        if found is None:
            continue
        binding, field = found
        used.add(_ref_namespace(binding, field))
        used.update(namespace for namespace, _ in quota_refs(binding))
    used.discard("")
    return used


__all__ = [
    "MINIMUM_LIFETIME_DAYS",
    "NOT_STALE",
    "SKIP_STALE_CHECK",
    "STALE_EXPIRATION_DAYS",
    "STALE_GRACE_PERIOD_DAYS",
    "STALE_SETTINGS",
    "StaleSettings",
    "Staleness",
    "due",
    "evaluate",
    "format_time",
    "namespaces_in_use",
    "parse_time",
]
