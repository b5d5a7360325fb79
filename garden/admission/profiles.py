"""The cloud profile a shoot is checked against: a CloudProfile, or a NamespacedCloudProfile merged over its parent.

Gardener keeps the merged profile of a NamespacedCloudProfile in its ``status.cloudProfileSpec``; when that is
not there yet (no controller has run), the merge is computed here with the same rules: Kubernetes and machine
image versions of the namespaced profile override the expiry of the parent's or add versions, and machine types,
volume types and images are added.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TypeVar

from garden.admission.request import Reader
from garden.api.core import GROUP, VERSION
from garden.api.core.cloudprofile import CloudProfile, CloudProfileSpec, ExpirableVersion, MachineImage
from garden.api.core.namespacedcloudprofile import NamespacedCloudProfile

V = TypeVar("V", bound=ExpirableVersion)

CLOUD_PROFILE = "CloudProfile"
NAMESPACED_CLOUD_PROFILE = "NamespacedCloudProfile"


@dataclass(frozen=True, slots=True)
class ProfileRef:
    kind: str
    name: str

    @property
    def path(self) -> str:
        """The field a shoot names its profile with (for error messages)."""
        return "spec.cloudProfile.name"


class ProfileNotFound(LookupError):
    def __init__(self, ref: ProfileRef, namespace: str) -> None:
        where = f' in namespace "{namespace}"' if ref.kind == NAMESPACED_CLOUD_PROFILE else ""
        super().__init__(f'{ref.kind} "{ref.name}"{where} not found')
        self.ref = ref


def shoot_profile_ref(shoot: dict[str, object]) -> ProfileRef | None:
    """The profile a wire Shoot names, from ``spec.cloudProfile`` or the older ``spec.cloudProfileName``."""
    spec = shoot.get("spec")
    if not isinstance(spec, dict):
        return None
    ref = spec.get("cloudProfile")
    if isinstance(ref, dict) and isinstance(ref.get("name"), str) and ref["name"]:
        return ProfileRef(str(ref.get("kind") or CLOUD_PROFILE), ref["name"])
    name = spec.get("cloudProfileName")
    if isinstance(name, str) and name:
        return ProfileRef(CLOUD_PROFILE, name)
    return None


async def load_profile(reader: Reader, ref: ProfileRef, namespace: str) -> CloudProfileSpec:
    """The effective profile spec, or :class:`ProfileNotFound`."""
    if ref.kind == NAMESPACED_CLOUD_PROFILE:
        raw = await reader.get(GROUP, VERSION, "namespacedcloudprofiles", namespace, ref.name)
        if raw is None:
            raise ProfileNotFound(ref, namespace)
        namespaced = NamespacedCloudProfile.parse(raw)
        if namespaced.status is not None and namespaced.status.cloud_profile_spec is not None:
            return namespaced.status.cloud_profile_spec
        parent = await load_profile(reader, ProfileRef(CLOUD_PROFILE, namespaced.spec.parent.name), namespace)
        return merge(parent, namespaced)
    raw = await reader.get(GROUP, VERSION, "cloudprofiles", None, ref.name)
    if raw is None:
        raise ProfileNotFound(ref, namespace)
    return _parsed_spec(raw)


#: Parsed CloudProfile specs by (uid, resourceVersion): a profile is read on every shoot write, and changes rarely.
_SPECS: OrderedDict[tuple[str, str], CloudProfileSpec] = OrderedDict()
_SPECS_KEPT = 32


def _parsed_spec(raw: dict[str, object]) -> CloudProfileSpec:
    """The spec of a wire CloudProfile, parsed once per version of it. Callers must not change what they get."""
    metadata = raw.get("metadata")
    uid = str(metadata.get("uid") or metadata.get("name")) if isinstance(metadata, dict) else ""
    version = str(metadata.get("resourceVersion") or "") if isinstance(metadata, dict) else ""
    if not uid or not version:
        return CloudProfile.parse(raw).spec
    key = (uid, version)
    spec = _SPECS.get(key)
    if spec is None:
        spec = CloudProfile.parse(raw).spec
        _SPECS[key] = spec
        while len(_SPECS) > _SPECS_KEPT:
            _SPECS.popitem(last=False)
    return spec


def merge(parent: CloudProfileSpec, namespaced: NamespacedCloudProfile) -> CloudProfileSpec:
    """The parent with the namespaced profile's additions and overrides applied (the parent is not changed)."""
    spec = namespaced.spec
    merged = parent.model_copy(deep=True)
    if spec.kubernetes is not None and spec.kubernetes.versions:
        merged.kubernetes.versions = _merge_versions(merged.kubernetes.versions or [], spec.kubernetes.versions)
    if spec.machine_images:
        merged.machine_images = _merge_images(merged.machine_images, spec.machine_images)
    if spec.machine_types:
        known = {t.name for t in merged.machine_types}
        merged.machine_types = merged.machine_types + [t for t in spec.machine_types if t.name not in known]
    if spec.volume_types:
        existing = merged.volume_types or []
        known = {t.name for t in existing}
        merged.volume_types = existing + [t for t in spec.volume_types if t.name not in known]
    if spec.ca_bundle:
        merged.ca_bundle = spec.ca_bundle
    if spec.limits is not None:
        merged.limits = spec.limits
    return merged


def _merge_versions(base: list[V], extra: list[V]) -> list[V]:
    by_version = {v.version: v for v in base}
    out = list(base)
    for version in extra:
        current = by_version.get(version.version)
        if current is None:
            out.append(version)
            continue
        # A namespaced profile may only move the expiry of a version its parent offers.
        updated = current.model_copy(update={"expiration_date": version.expiration_date})
        out[out.index(current)] = updated
    return out


def _merge_images(base: list[MachineImage], extra: list[MachineImage]) -> list[MachineImage]:
    out = list(base)
    for image in extra:
        index = next((i for i, b in enumerate(out) if b.name == image.name), None)
        if index is None:
            out.append(image)
            continue
        current = out[index]
        out[index] = current.model_copy(update={"versions": _merge_versions(current.versions, image.versions)})
    return out


__all__ = [
    "CLOUD_PROFILE",
    "NAMESPACED_CLOUD_PROFILE",
    "ProfileNotFound",
    "ProfileRef",
    "load_profile",
    "merge",
    "shoot_profile_ref",
]
