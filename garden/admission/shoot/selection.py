"""What a cloud profile offers a worker pool, and what defaulting picks from it.

Gardener's CloudProfile defaulting fills in an image version's ``architectures`` (``amd64``) and ``cri``
(``containerd``) and a machine type's ``architecture`` (``amd64``) when the operator left them out; the same
fallbacks apply here, so a profile written without them reads as Gardener would read it.

Defaulting picks only versions that are neither in preview nor expired nor yet unavailable: the newest matching
Kubernetes version, and for machine images the newest non-deprecated matching version (the newest deprecated one
when there is no other), as Gardener does.
"""

from __future__ import annotations

from datetime import datetime

from garden.api import versions
from garden.api.core.cloudprofile import CloudProfileSpec, ExpirableVersion, MachineImage, MachineImageVersion

DEFAULT_ARCHITECTURE = "amd64"
DEFAULT_CRI = "containerd"
#: The CPU architectures Gardener knows.
ARCHITECTURES = ("amd64", "arm64")
#: The container runtime interfaces Gardener supports.
CRI_NAMES = ("containerd",)


def architectures(version: MachineImageVersion) -> list[str]:
    return list(version.architectures) if version.architectures else [DEFAULT_ARCHITECTURE]


def cri_names(version: MachineImageVersion) -> list[str]:
    return [c.name for c in version.cri] if version.cri else [DEFAULT_CRI]


def machine_architecture(profile: CloudProfileSpec, machine_type: str | None) -> str:
    """The architecture of a machine type of the profile (``amd64`` when the type or its architecture is unknown)."""
    found = profile.machine_type(machine_type) if machine_type else None
    return (found.architecture if found is not None else None) or DEFAULT_ARCHITECTURE


def kubelet_supported(version: MachineImageVersion, kubelet: versions.Version | None) -> bool:
    """Whether the image version's ``kubeletVersionConstraint`` admits ``kubelet`` (true when either is unknown)."""
    if version.kubelet_version_constraint is None or kubelet is None:
        return True
    try:
        return versions.satisfies(kubelet, version.kubelet_version_constraint)
    except versions.ConstraintError:
        return True


def fits(version: MachineImageVersion, architecture: str, cri: str | None, kubelet: versions.Version | None) -> bool:
    """Whether a worker pool with this architecture, CRI and kubelet version can run the image version."""
    return (
        architecture in architectures(version)
        and (cri is None or cri in cri_names(version))
        and kubelet_supported(version, kubelet)
    )


def image_version(
    image: MachineImage,
    now: datetime,
    architecture: str,
    cri: str | None,
    kubelet: versions.Version | None,
    partial: tuple[int, int | None] | None = None,
) -> str | None:
    """The version of ``image`` defaulting picks (within ``partial``'s major/minor, if given), or None."""
    candidates = []
    for version in image.versions:
        parsed = versions.parse(version.version)
        if parsed is None or not versions.defaultable(version, now) or not fits(version, architecture, cri, kubelet):
            continue
        if partial is not None and not versions.matches_partial(parsed, *partial):
            continue
        candidates.append(version)
    chosen = versions.newest_preferring_supported(candidates, now)
    return chosen.version if chosen is not None else None


def default_image(
    profile: CloudProfileSpec, now: datetime, architecture: str, cri: str | None, kubelet: versions.Version | None
) -> tuple[str, str] | None:
    """``(name, version)`` of the first image of the profile with a version the pool can run, or None."""
    for image in profile.machine_images:
        version = image_version(image, now, architecture, cri, kubelet)
        if version is not None:
            return image.name, version
    return None


def kubernetes_version(
    offered: list[ExpirableVersion], now: datetime, partial: tuple[int, int | None] | None = None
) -> str | None:
    """The newest Kubernetes version defaulting may pick (within ``partial``'s major/minor, if given), or None."""
    candidates = []
    for version in offered:
        parsed = versions.parse(version.version)
        if parsed is None or not versions.defaultable(version, now):
            continue
        if partial is not None and not versions.matches_partial(parsed, *partial):
            continue
        candidates.append(version)
    chosen = versions.newest(candidates)
    return chosen.version if chosen is not None else None


def usable_kubernetes_versions(offered: list[ExpirableVersion], now: datetime) -> list[str]:
    """The versions a shoot may be created with, ascending, preview ones marked ``(preview)`` as Gardener lists them."""
    listed = [v for v in offered if versions.usable(v, now)]
    marks = {v.version: versions.classification(v, now) == "preview" for v in listed}
    return [v + " (preview)" if marks[v] else v for v in versions.by_precedence(marks)]


__all__ = [
    "ARCHITECTURES",
    "CRI_NAMES",
    "DEFAULT_ARCHITECTURE",
    "DEFAULT_CRI",
    "architectures",
    "cri_names",
    "default_image",
    "fits",
    "image_version",
    "kubelet_supported",
    "kubernetes_version",
    "machine_architecture",
    "usable_kubernetes_versions",
]
