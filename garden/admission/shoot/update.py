"""What an UPDATE of a Shoot may not change (Gardener's ``ValidateShootSpecUpdate`` and the ShootValidator's
scheduling rule):

- ``spec.region``, ``spec.provider.type`` and, once set, ``spec.schedulerName``, ``spec.networking.type``,
  ``pods``, ``services`` and ``nodes`` are immutable (``nodes`` may be set when it was unset);
  ``spec.networking.ipFamilies`` too, except growing ``[IPv4]`` into dual-stack ``[IPv4, IPv6]``.
- A shoot with workers cannot become workerless, nor the other way round.
- ``spec.seedName``, once set, changes only through the ``binding`` subresource.
- ``spec.secretBindingName`` is immutable, except that it may be dropped for a ``credentialsBindingName`` (the
  migration to CredentialsBindings; that the new binding names the same credentials is the references' check).
- ``spec.kubernetes.version`` (and a pool's own version) is not downgraded, not even in the patch, and an upgrade
  does not skip a minor version (1.35.x -> 1.37.0 is refused, 1.35.x -> 1.36.y is fine).
- ``spec.controlPlane.highAvailability.failureTolerance.type`` cannot change once set (it may be added).

Whether ``spec.cloudProfile`` may change depends on the profiles (a switch between a CloudProfile and a
NamespacedCloudProfile with the same parent); :mod:`garden.admission.shoot.cloudprofile` checks it.
"""

from __future__ import annotations

from typing import Any

from garden.admission.errors import FieldError, forbidden, invalid
from garden.api import versions
from garden.api.core.shoot import Shoot, ShootSpec

IMMUTABLE = "field is immutable"


def validate_update(new: Shoot, old: Shoot) -> list[FieldError]:
    spec, before = new.spec, old.spec
    errors = _immutable("spec.region", spec.region, before.region)
    errors += _immutable("spec.provider.type", spec.provider.type, before.provider.type)
    if before.scheduler_name is not None:
        errors += _immutable("spec.schedulerName", spec.scheduler_name, before.scheduler_name)
    had_workers, has_workers = bool(before.provider.workers), bool(spec.provider.workers)
    if had_workers and not has_workers:
        errors.append(
            forbidden("spec.provider.workers", "cannot switch from a Shoot with workers to a workerless Shoot")
        )
    if has_workers and not had_workers:
        errors.append(
            forbidden("spec.provider.workers", "cannot switch from a workerless Shoot to a Shoot with workers")
        )
    errors += _networking(spec, before)
    if before.seed_name and spec.seed_name != before.seed_name:
        message = (
            f"spec.seedName '{before.seed_name}' cannot be changed to '{spec.seed_name or 'nil'}' by patching the "
            "shoot, please use the shoots/binding subresource"
        )
        errors.append(forbidden("spec.seedName", message))
    if before.secret_binding_name and spec.secret_binding_name != before.secret_binding_name:
        migrating = spec.secret_binding_name is None and bool(spec.credentials_binding_name)
        if not migrating:
            errors.append(invalid("spec.secretBindingName", spec.secret_binding_name, IMMUTABLE))
    errors += _versions(spec, before)
    errors += _high_availability(spec, before)
    return errors


def _immutable(path: str, new: Any, old: Any) -> list[FieldError]:
    return [] if new == old else [invalid(path, new, IMMUTABLE)]


def _networking(spec: ShootSpec, before: ShootSpec) -> list[FieldError]:
    new, old = spec.networking, before.networking
    if old is None:
        return []
    if new is None:
        return [forbidden("spec.networking", "networking cannot be set to nil if it's already set")]
    errors: list[FieldError] = []
    for key in ("type", "pods", "services", "nodes"):
        if getattr(old, key) is not None:
            errors += _immutable(f"spec.networking.{key}", getattr(new, key), getattr(old, key))
    families, old_families = new.ip_families or ["IPv4"], old.ip_families or ["IPv4"]
    if families != old_families and not (old_families == ["IPv4"] and families == ["IPv4", "IPv6"]):
        errors.append(invalid("spec.networking.ipFamilies", families, IMMUTABLE))
    return errors


def version_update(new: str | None, old: str | None, path: str) -> list[FieldError]:
    """No downgrade, no skipped minor; versions that are not full are left to the other rules."""
    if not versions.is_full_kubernetes(new) or not versions.is_full_kubernetes(old):
        return []
    after, before = versions.parse(new), versions.parse(old)
    if after is None or before is None:
        return []
    errors: list[FieldError] = []
    if after < before:
        errors.append(forbidden(path, "kubernetes version downgrade is not supported"))
    if after >= versions.Version(before.major, before.minor + 2, 0):
        errors.append(forbidden(path, "kubernetes version upgrade cannot skip a minor version"))
    return errors


def _versions(spec: ShootSpec, before: ShootSpec) -> list[FieldError]:
    errors = version_update(spec.kubernetes.version, before.kubernetes.version, "spec.kubernetes.version")
    old_pools = {w.name: w for w in before.provider.workers or []}
    for index, worker in enumerate(spec.provider.workers or []):
        old_worker = old_pools.get(worker.name)
        if old_worker is None:
            continue
        own = worker.kubernetes.version if worker.kubernetes is not None else None
        old_own = old_worker.kubernetes.version if old_worker.kubernetes is not None else None
        if own is None and old_own is None:
            continue  # the pool follows the control plane, whose update is checked above
        path = f"spec.provider.workers[{index}].kubernetes.version"
        errors += version_update(own or spec.kubernetes.version, old_own or before.kubernetes.version, path)
    return errors


def _high_availability(spec: ShootSpec, before: ShootSpec) -> list[FieldError]:
    new = spec.control_plane.high_availability if spec.control_plane is not None else None
    old = before.control_plane.high_availability if before.control_plane is not None else None
    if new is None or old is None:
        return []
    path = "spec.controlPlane.highAvailability.failureTolerance.type"
    return _immutable(path, new.failure_tolerance.type, old.failure_tolerance.type)


__all__ = ["IMMUTABLE", "validate_update", "version_update"]
