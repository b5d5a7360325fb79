"""A Shoot uses only what its cloud profile offers (Gardener's ShootValidator plugin).

On CREATE everything is checked; on UPDATE only what changed (a new worker pool counts as changed), so a shoot keeps
running on a version that has expired or a machine type the operator has since withdrawn, until someone changes it.
An UPDATE that leaves the spec alone (labels, annotations, finalizers) is not checked at all.

- The profile exists (``spec.cloudProfile.name``: ``Not found``); on UPDATE it may only change to a profile in the
  same hierarchy: from a CloudProfile to a NamespacedCloudProfile whose parent it is, back, or between such.
- ``spec.provider.type`` is the profile's type (nothing else is checked when it is not: it would all mislead).
- ``spec.region`` is one of the profile's regions; every zone of every pool is one of the region's zones.
- ``spec.kubernetes.version`` and a pool's ``kubernetes.version`` are offered and usable (not expired, already
  available; preview versions may be chosen explicitly).
- A pool's machine type is offered, usable, of the pool's architecture and available in each of its zones; its
  machine image is offered in a usable version that supports the pool's architecture and CRI (and the container
  runtimes asked for); its volume type is offered, usable and available in its zones, and the volume is at least
  the type's (or the machine type's storage) ``minSize``. The image's ``kubeletVersionConstraint`` must admit the
  pool's Kubernetes version; that is checked on every spec change, since a Kubernetes upgrade can break it.

How refusals read: something the profile does not offer at all, and a version it lists but that has expired or is
not available yet, is a ``FieldValueNotSupported`` naming the values that may be used, sorted (versions ascending,
preview ones marked ``(preview)`` as Gardener lists them), e.g. ``spec.kubernetes.version: Unsupported value:
"1.33.5": supported values: "1.35.1", "1.35.2", ...``. Something offered but not usable *for this pool* (a machine
type unavailable in one of its zones, an image without its architecture) is a ``FieldValueInvalid`` saying why and
listing what would fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from garden.admission.errors import FieldError, invalid, not_supported
from garden.admission.profiles import (
    CLOUD_PROFILE,
    NAMESPACED_CLOUD_PROFILE,
    ProfileNotFound,
    ProfileRef,
    load_profile,
    shoot_profile_ref,
)
from garden.admission.request import Reader
from garden.admission.shoot import selection
from garden.api import versions
from garden.api.core import GROUP, VERSION
from garden.api.core.cloudprofile import CloudProfileSpec, MachineImageVersion, Region
from garden.api.core.namespacedcloudprofile import NamespacedCloudProfile
from garden.api.core.shoot import Shoot, Worker
from garden.api.quantity import quantity_or_none

if TYPE_CHECKING:
    from garden.admission.chain import AdmissionOptions

PROFILE_PATH = "spec.cloudProfile.name"


@dataclass(frozen=True, slots=True)
class ProfileVerdict:
    errors: list[FieldError]
    #: The profile could not be loaded: what depends on it (a partial version left uncompleted) is moot.
    profile_missing: bool = False


class CloudProfileRules:
    """The checks against the profile; :class:`~garden.admission.shoot.validation.ShootValidation` runs them."""

    def __init__(self, reader: Reader, options: AdmissionOptions) -> None:
        self.reader = reader
        self.options = options

    async def check(
        self, obj: dict[str, Any], old_obj: dict[str, Any] | None, shoot: Shoot, old: Shoot | None, namespace: str
    ) -> ProfileVerdict:
        """Every way the shoot departs from its profile; ``old`` is the parsed ``old_obj`` (None if unreadable)."""
        if old_obj is not None and obj.get("spec") == old_obj.get("spec"):
            return ProfileVerdict([])
        ref = shoot_profile_ref(obj)
        if ref is None:
            return ProfileVerdict([], profile_missing=True)  # ShootValidation requires one
        try:
            profile = await load_profile(self.reader, ref, namespace)
        except ProfileNotFound as exc:
            not_found = FieldError("FieldValueNotFound", PROFILE_PATH, str(exc), ref.name)
            return ProfileVerdict([not_found], profile_missing=True)
        except ValidationError:
            return ProfileVerdict([invalid(PROFILE_PATH, ref.name, f"{ref.kind} cannot be read")], profile_missing=True)
        errors: list[FieldError] = []
        if old_obj is not None:
            errors += await self._profile_change(shoot_profile_ref(old_obj), ref, namespace)
        errors += check_against_profile(shoot, old, profile, self.options.now())
        return ProfileVerdict(errors)

    async def _profile_change(self, old: ProfileRef | None, new: ProfileRef, namespace: str) -> list[FieldError]:
        if old is None or old == new:
            return []
        old_root, new_root = await self._root(old, namespace), await self._root(new, namespace)
        if old_root is not None and old_root == new_root:
            return []
        message = (
            f'cloud profile reference change is invalid: cannot change from {old.kind} "{old.name}" to {new.kind} '
            f'"{new.name}"; the new profile must be the same CloudProfile or a NamespacedCloudProfile derived from it'
        )
        return [invalid("spec.cloudProfile", new.name, message)]

    async def _root(self, ref: ProfileRef, namespace: str) -> str | None:
        """The CloudProfile at the top of the profile's hierarchy (None when it cannot be found)."""
        if ref.kind == CLOUD_PROFILE:
            return ref.name
        if ref.kind != NAMESPACED_CLOUD_PROFILE:
            return None
        raw = await self.reader.get(GROUP, VERSION, "namespacedcloudprofiles", namespace, ref.name)
        if raw is None:
            return None
        try:
            return NamespacedCloudProfile.parse(raw).spec.parent.name
        except ValidationError:
            return None


def check_against_profile(
    shoot: Shoot, old: Shoot | None, profile: CloudProfileSpec, now: datetime
) -> list[FieldError]:
    """Every way the shoot departs from the profile (only what changed since ``old``, when given)."""
    spec = shoot.spec
    if spec.provider.type != profile.type:
        message = f'provider type in shoot must equal provider type of referenced CloudProfile: "{profile.type}"'
        return [invalid("spec.provider.type", spec.provider.type, message)]
    errors: list[FieldError] = []
    region_changed = old is None or old.spec.region != spec.region
    region = profile.region(spec.region)
    if region is None and region_changed:
        errors.append(not_supported("spec.region", spec.region, sorted(r.name for r in profile.regions)))
    version = spec.kubernetes.version
    if versions.is_full_kubernetes(version) and (old is None or old.spec.kubernetes.version != version):
        errors += _kubernetes_version("spec.kubernetes.version", version, profile, now)
    old_pools = {w.name: w for w in (old.spec.provider.workers or [] if old is not None else [])}
    for index, worker in enumerate(spec.provider.workers or []):
        path = f"spec.provider.workers[{index}]"
        pool = _Pool(worker, old_pools.get(worker.name), old is None or region_changed, path)
        errors += pool.check(profile, region, version, now)
    return errors


def _kubernetes_version(path: str, version: str | None, profile: CloudProfileSpec, now: datetime) -> list[FieldError]:
    offered = profile.kubernetes.versions or []
    if any(v.version == version and versions.usable(v, now) for v in offered):
        return []
    return [not_supported(path, version, selection.usable_kubernetes_versions(offered, now))]


class _Pool:
    """One worker pool, and what changed about it since the old object."""

    def __init__(self, worker: Worker, old: Worker | None, place_changed: bool, path: str) -> None:
        self.worker, self.old, self.path = worker, old, path
        machine, old_machine = worker.machine, old.machine if old is not None else None
        self.architecture = machine.architecture or selection.DEFAULT_ARCHITECTURE
        self.cri = worker.cri.name if worker.cri is not None else None
        self.zones = list(worker.zones or [])
        self.zones_changed = place_changed or old is None or (old.zones or []) != self.zones
        if old_machine is None:
            self.type_changed = self.image_changed = True
        else:
            architecture_changed = old_machine.architecture != machine.architecture
            self.type_changed = architecture_changed or self.zones_changed or old_machine.type != machine.type
            self.image_changed = architecture_changed or old_machine.image != machine.image
        self.cri_changed = self.image_changed or old is None or old.cri != worker.cri
        old_volume_type = old.volume.type if old is not None and old.volume is not None else None
        volume_type = worker.volume.type if worker.volume is not None else None
        self.volume_changed = self.zones_changed or old is None or old_volume_type != volume_type
        own = worker.kubernetes.version if worker.kubernetes is not None else None
        old_own = old.kubernetes.version if old is not None and old.kubernetes is not None else None
        self.own_version = own
        self.own_version_changed = own is not None and (old is None or own != old_own)

    def check(
        self, profile: CloudProfileSpec, region: Region | None, control_plane: str | None, now: datetime
    ) -> list[FieldError]:
        errors: list[FieldError] = []
        if region is not None and self.zones_changed:
            errors += self._zones(region)
        if self.type_changed:
            errors += self._machine_type(profile, region)
        kubelet_text = self.own_version or control_plane
        kubelet = versions.parse(kubelet_text) if versions.is_full_kubernetes(kubelet_text) else None
        errors += self._image(profile, now, kubelet)
        if self.volume_changed:
            errors += self._volume_type(profile, region)
        errors += self._volume_size(profile)
        if self.own_version_changed and versions.is_full_kubernetes(self.own_version):
            errors += _kubernetes_version(f"{self.path}.kubernetes.version", self.own_version, profile, now)
        return errors

    def _zones(self, region: Region) -> list[FieldError]:
        offered = sorted(z.name for z in region.zones or [])
        errors: list[FieldError] = []
        for index, zone in enumerate(self.zones):
            if zone in offered:
                continue
            path = f"{self.path}.zones[{index}]"
            if not offered:
                message = "this region does not support availability zones, please do not configure them"
                errors.append(invalid(path, zone, message))
            else:
                errors.append(not_supported(path, zone, offered))
        return errors

    def _unavailable_in(self, region: Region | None, name: str, volumes: bool = False) -> list[str]:
        """The pool's zones in which the profile says the machine (or volume) type is unavailable."""
        if region is None:
            return []
        found = []
        for zone in region.zones or []:
            unavailable = zone.unavailable_volume_types if volumes else zone.unavailable_machine_types
            if zone.name in self.zones and name in (unavailable or []):
                found.append(zone.name)
        return found

    def _machine_type(self, profile: CloudProfileSpec, region: Region | None) -> list[FieldError]:
        path, name = f"{self.path}.machine.type", self.worker.machine.type
        fitting = sorted(
            t.name
            for t in profile.machine_types
            if t.usable is not False
            and (t.architecture or selection.DEFAULT_ARCHITECTURE) == self.architecture
            and not self._unavailable_in(region, t.name)
        )
        machine_type = profile.machine_type(name)
        if machine_type is None:
            return [not_supported(path, name, fitting)]
        reasons = []
        if machine_type.usable is False:
            reasons.append("is unusable")
        for zone in self._unavailable_in(region, name):
            reasons.append(f'is unavailable in zone "{zone}"')
        if (machine_type.architecture or selection.DEFAULT_ARCHITECTURE) != self.architecture:
            reasons.append(f'does not support CPU architecture "{self.architecture}"')
        if not reasons:
            return []
        listed = ", ".join(f'"{t}"' for t in fitting)
        return [invalid(path, name, f'machine type "{name}" {", ".join(reasons)}; supported types are: {listed}')]

    def _image(self, profile: CloudProfileSpec, now: datetime, kubelet: versions.Version | None) -> list[FieldError]:
        image, path = self.worker.machine.image, f"{self.path}.machine.image"
        if image is None:
            if not self.image_changed:
                return []
            message = (
                f'the cloud profile offers no machine image for architecture "{self.architecture}" and CRI '
                f'"{self.cri or selection.DEFAULT_CRI}"'
            )
            return [invalid(path, None, message)]
        offered = profile.machine_image(image.name)
        if offered is None:
            if not self.image_changed:
                return []
            return [not_supported(f"{path}.name", image.name, sorted(i.name for i in profile.machine_images))]
        if not image.version:
            return []  # ShootValidation requires one
        found = next((v for v in offered.versions if v.version == image.version), None)
        errors: list[FieldError] = []
        if self.image_changed:
            fitting = [
                v.version
                for v in offered.versions
                if versions.usable(v, now) and self.architecture in selection.architectures(v)
            ]
            if found is None or not versions.usable(found, now):
                return [not_supported(f"{path}.version", image.version, versions.by_precedence(fitting))]
            if self.architecture not in selection.architectures(found):
                listed = ", ".join(f'"{v}"' for v in versions.by_precedence(fitting))
                message = (
                    f'machine image version "{image.name}:{image.version}" does not support CPU architecture '
                    f'"{self.architecture}"; supported versions are: {listed}'
                )
                errors.append(invalid(path, f"{image.name}:{image.version}", message))
        if found is None:
            return errors
        if self.cri_changed:
            errors += self._cri(found, f"{image.name}:{image.version}")
        if not selection.kubelet_supported(found, kubelet):
            message = (
                f'machine image version "{image.name}:{image.version}" does not support kubelet version '
                f'"{kubelet}", supported kubelet versions: "{found.kubelet_version_constraint}"'
            )
            errors.append(invalid(path, f"{image.name}:{image.version}", message))
        return errors

    def _cri(self, version: MachineImageVersion, image: str) -> list[FieldError]:
        cri = self.worker.cri
        if cri is None:
            return []
        supported = selection.cri_names(version)
        if cri.name not in supported:
            listed = ", ".join(f'"{c}"' for c in supported)
            message = f'machine image version "{image}" does not support CRI "{cri.name}", supported values: {listed}'
            return [invalid(f"{self.path}.cri.name", cri.name, message)]
        offered = next((c for c in version.cri or [] if c.name == cri.name), None)
        runtimes = sorted(r.type for r in (offered.container_runtimes or [] if offered is not None else []))
        errors: list[FieldError] = []
        for index, runtime in enumerate(cri.container_runtimes or []):
            if runtime.type not in runtimes:
                path = f"{self.path}.cri.containerRuntimes[{index}].type"
                errors.append(not_supported(path, runtime.type, runtimes))
        return errors

    def _volume_type(self, profile: CloudProfileSpec, region: Region | None) -> list[FieldError]:
        volume = self.worker.volume
        if volume is None or volume.type is None:
            return []
        path, name = f"{self.path}.volume.type", volume.type
        fitting = sorted(
            t.name
            for t in profile.volume_types or []
            if t.usable is not False and not self._unavailable_in(region, t.name, volumes=True)
        )
        volume_type = profile.volume_type(name)
        if volume_type is None:
            return [not_supported(path, name, fitting)]
        reasons = ["is unusable"] if volume_type.usable is False else []
        reasons += [f'is unavailable in zone "{z}"' for z in self._unavailable_in(region, name, volumes=True)]
        if not reasons:
            return []
        listed = ", ".join(f'"{t}"' for t in fitting)
        return [invalid(path, name, f'volume type "{name}" {", ".join(reasons)}; supported types are: {listed}')]

    def _volume_size(self, profile: CloudProfileSpec) -> list[FieldError]:
        volume = self.worker.volume
        if volume is None or volume.type is None:
            return []
        size = quantity_or_none(volume.size)
        if size is None:
            return []
        minimum = None
        machine_type = profile.machine_type(self.worker.machine.type)
        storage = machine_type.storage if machine_type is not None else None
        if storage is not None and storage.type == volume.type and storage.min_size is not None:
            minimum = storage.min_size
        else:
            volume_type = profile.volume_type(volume.type)
            minimum = volume_type.min_size if volume_type is not None else None
        least = quantity_or_none(minimum)
        if least is None or size >= least:
            return []
        return [invalid(f"{self.path}.volume.size", volume.size, f"size must be >= {minimum}")]


__all__ = ["CloudProfileRules", "ProfileVerdict", "check_against_profile"]
