"""NamespacedCloudProfile: a project's own additions to a CloudProfile, for the shoots of that project only.

The spec names its parent and the parts it overrides or extends; Gardener merges both into
``status.cloudProfileSpec``, which is what shoots referencing the namespaced profile are checked against.
"""

from __future__ import annotations

from typing import ClassVar

from garden.api.base import Model, RawExtension, Resource
from garden.api.core import API_VERSION, GROUP, VERSION
from garden.api.core.cloudprofile import (
    CloudProfileSpec,
    KubernetesSettings,
    Limits,
    MachineImage,
    MachineType,
    VolumeType,
)
from garden.api.kind import AGE, KindInfo, PrinterColumn


class CloudProfileReference(Model):
    """A reference to a cloud profile by kind and name."""

    kind: str
    """The referenced kind (``CloudProfile``)."""
    name: str
    """The referenced profile's name."""


class NamespacedCloudProfileSpec(Model):
    """The parent profile and what this profile adds to it or overrides."""

    parent: CloudProfileReference
    """The CloudProfile this profile builds on."""
    ca_bundle: str | None = None
    """PEM certificates installed on every node of shoots using the profile."""
    kubernetes: KubernetesSettings | None = None
    """Kubernetes versions to add, or whose expiry to change."""
    machine_images: list[MachineImage] | None = None
    """Machine images or image versions to add, or whose expiry to change."""
    machine_types: list[MachineType] | None = None
    """Machine types to add."""
    volume_types: list[VolumeType] | None = None
    """Volume types to add."""
    provider_config: RawExtension | None = None
    """Provider-specific configuration merged over the parent's."""
    limits: Limits | None = None
    """Limits that replace the parent's."""


class NamespacedCloudProfileStatus(Model):
    """The profile as shoots see it: the parent merged with this profile's spec."""

    cloud_profile_spec: CloudProfileSpec | None = None
    """The merged profile."""
    observed_generation: int | None = None
    """The generation of the spec the merged profile was computed from."""


class NamespacedCloudProfile(Resource):
    """A CloudProfile extended for the shoots of one project."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "NamespacedCloudProfile"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "NamespacedCloudProfile",
        "namespacedcloudprofiles",
        short_names=("nsprofile", "nscpfl"),
        status=True,
        printer_columns=(
            PrinterColumn("Parent Name", ".spec.parent.name", description="The name of the parent profile."),
            PrinterColumn("Parent Kind", ".spec.parent.kind", description="The kind of the parent profile."),
            AGE,
        ),
        description="Extends a CloudProfile for the shoots of one project.",
    )

    spec: NamespacedCloudProfileSpec
    """The parent profile and this profile's additions."""
    status: NamespacedCloudProfileStatus | None = None
    """The merged profile."""


__all__ = [
    "CloudProfileReference",
    "NamespacedCloudProfile",
    "NamespacedCloudProfileSpec",
    "NamespacedCloudProfileStatus",
]
