"""CloudProfile: what one infrastructure environment offers shoots (versions, images, machines, volumes, regions).

Admission checks every Shoot against the profile it references, so only what the operator lists here can be used.
:class:`CloudProfileSpec` is also the shape of a NamespacedCloudProfile's computed ``status.cloudProfileSpec``.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from garden.api.base import LabelSelector, Model, Quantity, RawExtension, Resource, Time
from garden.api.core import API_VERSION, GROUP, VERSION
from garden.api.kind import AGE, KindInfo, PrinterColumn

#: How far a version has come in its life, as the deprecated ``classification`` field writes it.
VersionClassification = Literal["preview", "supported", "deprecated"]
#: The classification of a lifecycle stage; adds the stages before and after a version is usable.
LifecycleClassification = Literal["unavailable", "preview", "supported", "deprecated", "expired"]
#: How far maintenance may move a worker pool's machine image version on its own.
MachineImageUpdateStrategy = Literal["patch", "minor", "major"]
#: A capability name mapped to the values it takes (``architecture: [amd64, arm64]``).
Capabilities = dict[str, list[str]]


class LifecycleStage(Model):
    """One stage of a version's life and when it begins."""

    classification: LifecycleClassification
    """What the version is classified as during this stage."""
    start_time: Time | None = None
    """When the stage begins; may be left out for the first stage, meaning it began in the past."""


class ExpirableVersion(Model):
    """A version offered by the profile, with its classification and optional expiry."""

    version: str
    """The version itself (``1.31.2``)."""
    expiration_date: Time | None = None
    """When the version expires; deprecated in favour of ``lifecycle``."""
    classification: VersionClassification | None = None
    """Whether the version is in preview, supported or deprecated; deprecated in favour of ``lifecycle``."""
    lifecycle: list[LifecycleStage] | None = None
    """The stages the version goes through; excludes ``classification`` and ``expirationDate``."""


class KubernetesSettings(Model):
    """The Kubernetes versions shoots may run."""

    versions: list[ExpirableVersion] | None = None
    """The offered Kubernetes versions."""


class ContainerRuntime(Model):
    """An additional container runtime a machine image version ships (``gvisor``)."""

    type: str
    """The runtime's type."""
    provider_config: RawExtension | None = None
    """Configuration handed to the runtime's extension."""


class CRI(Model):
    """A container runtime interface a machine image version supports, and the runtimes on top of it."""

    name: Literal["containerd"]
    """The CRI implementation."""
    container_runtimes: list[ContainerRuntime] | None = None
    """Further container runtimes available with this CRI."""


class InPlaceUpdates(Model):
    """Whether nodes can be moved to this machine image version without replacing them."""

    supported: bool
    """Whether in-place updates to this version are possible at all."""
    min_version_for_update: str | None = None
    """The oldest version from which an in-place update to this one works."""


class MachineImageVersion(ExpirableVersion):
    """A machine image version: an expirable version plus what the image supports."""

    cri: list[CRI] | None = None
    """The container runtime interfaces the image supports."""
    architectures: list[str] | None = None
    """The CPU architectures the image is built for (``amd64``, ``arm64``)."""
    kubelet_version_constraint: str | None = None
    """A semver constraint on the kubelet versions the image supports (``>= 1.26``); unset means all."""
    in_place_updates: InPlaceUpdates | None = None
    """In-place update support of this version."""
    capability_flavors: list[Capabilities] | None = None
    """The capability combinations the image version is available in, one map per flavor."""


class MachineImage(Model):
    """A machine image (operating system) and the versions of it the profile offers."""

    name: str
    """The image's name (``gardenlinux``)."""
    versions: list[MachineImageVersion]
    """The offered versions."""
    update_strategy: MachineImageUpdateStrategy | None = None
    """How far automatic updates may go: within the minor (patch), the major (minor), or to the latest (major)."""


class MachineTypeStorage(Model):
    """The root disk that comes with a machine type."""

    class_: str = Field(alias="class")
    """The storage class (``standard``, ``premium``)."""
    size: Quantity | None = None
    """The disk's fixed size."""
    type: str
    """The storage type."""
    min_size: Quantity | None = None
    """The smallest root disk allowed; overrides the volume types' ``minSize``."""


class CloudProfileMachineControllerManagerSettings(Model):
    """Machine controller manager settings defaulted per machine type."""

    machine_creation_timeout: str | None = None
    """How long creating a machine of this type may take before it counts as failed (a duration, ``20m``)."""


class MachineType(Model):
    """A machine type workers may use, with its size."""

    name: str
    """The machine type's name (``m5.large``)."""
    cpu: Quantity
    """Number of CPUs."""
    gpu: Quantity
    """Number of GPUs."""
    memory: Quantity
    """Amount of memory."""
    storage: MachineTypeStorage | None = None
    """The root disk of the machine type, where it is fixed by the provider."""
    usable: bool | None = None
    """Whether new worker pools may use the type."""
    architecture: str | None = None
    """The CPU architecture (``amd64``)."""
    capabilities: Capabilities | None = None
    """The machine type's capabilities, in terms of the profile's ``machineCapabilities``."""
    machine_controller_manager: CloudProfileMachineControllerManagerSettings | None = None
    """Machine controller manager settings defaulted for worker pools of this type."""


class VolumeType(Model):
    """A volume type worker disks may use."""

    name: str
    """The volume type's name (``gp3``)."""
    class_: str = Field(alias="class")
    """The volume class (``standard``, ``premium``)."""
    usable: bool | None = None
    """Whether new worker pools may use the type."""
    min_size: Quantity | None = None
    """The smallest volume of this type allowed."""


class AvailabilityZone(Model):
    """A zone of a region, and what is not available in it."""

    name: str
    """The zone's name."""
    unavailable_machine_types: list[str] | None = None
    """Machine types that cannot be used in this zone."""
    unavailable_volume_types: list[str] | None = None
    """Volume types that cannot be used in this zone."""


class AccessRestriction(Model):
    """An access restriction shoots in a region may ask for (``eu-access-only``)."""

    name: str
    """The restriction's name."""


class Region(Model):
    """A region shoots may be placed in."""

    name: str
    """The region's name."""
    zones: list[AvailabilityZone] | None = None
    """The region's availability zones."""
    labels: dict[str, str] | None = None
    """Labels the operator puts on the region (reliability, quality and the like)."""
    access_restrictions: list[AccessRestriction] | None = None
    """Access restrictions shoots in this region may use."""


class SeedSelector(LabelSelector):
    """Which seeds may host shoots: a label selector plus the seed provider types allowed."""

    provider_types: list[str] | None = None
    """Seed provider types allowed besides the shoot's own; ``*`` allows any."""


class BastionMachineImage(Model):
    """The machine image bastions use."""

    name: str
    """The image's name."""
    version: str | None = None
    """The image version; unset means the newest supported one."""


class BastionMachineType(Model):
    """The machine type bastions use."""

    name: str
    """The machine type's name."""


class Bastion(Model):
    """What bastion hosts for shoots of this profile run on."""

    machine_image: BastionMachineImage | None = None
    """The bastion's machine image; unset means the first image found."""
    machine_type: BastionMachineType | None = None
    """The bastion's machine type; unset means the smallest usable one."""


class Limits(Model):
    """Operational limits for shoots."""

    max_nodes_total: int | None = None
    """The most nodes a shoot may have across all worker pools."""


class CapabilityDefinition(Model):
    """A capability machine types and images may have, and its possible values, most preferred first."""

    name: str
    """The capability's name (``architecture``)."""
    values: list[str]
    """The values the capability may take, in order of preference."""


class CloudProfileControlPlane(Model):
    """Control-plane features shoots using the profile may configure."""

    allow_zone_pinning: bool | None = None
    """Whether shoots may pin their control plane to chosen seed zones."""


class CloudProfileSpec(Model):
    """What the environment offers: the provider type and the allowed versions, images, machines and places."""

    type: str
    """The provider type (``aws``, ``gcp``, ``openstack``)."""
    kubernetes: KubernetesSettings
    """The Kubernetes versions shoots may run."""
    machine_images: list[MachineImage]
    """The machine images worker pools may use."""
    machine_types: list[MachineType]
    """The machine types worker pools may use."""
    regions: list[Region]
    """The regions and zones shoots may be placed in."""
    volume_types: list[VolumeType] | None = None
    """The volume types worker disks may use."""
    provider_config: RawExtension | None = None
    """Provider-specific configuration, read by the provider extension (image IDs and the like)."""
    seed_selector: SeedSelector | None = None
    """Which seeds may host shoots of this profile; unset means seeds of the same provider type."""
    ca_bundle: str | None = None
    """PEM certificates installed on every node of shoots using the profile."""
    bastion: Bastion | None = None
    """Machine image and type for bastion hosts."""
    limits: Limits | None = None
    """Operational limits for shoots using the profile."""
    machine_capabilities: list[CapabilityDefinition] | None = None
    """All capabilities machine types and images may declare, with their values in order of preference."""
    control_plane: CloudProfileControlPlane | None = None
    """Control-plane features shoots using the profile may configure."""

    def region(self, name: str) -> Region | None:
        """The region called ``name``, or None."""
        return next((r for r in self.regions if r.name == name), None)

    def machine_type(self, name: str) -> MachineType | None:
        """The machine type called ``name``, or None."""
        return next((m for m in self.machine_types if m.name == name), None)

    def volume_type(self, name: str) -> VolumeType | None:
        """The volume type called ``name``, or None."""
        return next((v for v in self.volume_types or () if v.name == name), None)

    def machine_image(self, name: str) -> MachineImage | None:
        """The machine image called ``name``, or None."""
        return next((i for i in self.machine_images if i.name == name), None)


class ExpirableVersionStatus(Model):
    """The classification a version currently has, as computed from its lifecycle."""

    version: str
    """The version."""
    classification: LifecycleClassification
    """Its current classification."""


class KubernetesStatus(Model):
    """Current classifications of the Kubernetes versions."""

    versions: list[ExpirableVersionStatus] | None = None
    """One entry per Kubernetes version."""


class MachineImageStatus(Model):
    """Current classifications of one machine image's versions."""

    name: str
    """The machine image's name."""
    versions: list[ExpirableVersionStatus] | None = None
    """One entry per version of the image."""


class CloudProfileStatus(Model):
    """The versions' current classifications, computed from their lifecycles."""

    kubernetes: KubernetesStatus | None = None
    """Status of the Kubernetes versions."""
    machine_images: list[MachineImageStatus] | None = None
    """Status of the machine image versions."""


class CloudProfile(Resource):
    """An infrastructure environment and what shoots in it may use."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "CloudProfile"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "CloudProfile",
        "cloudprofiles",
        namespaced=False,
        short_names=("cprofile", "cpfl"),
        status=True,
        printer_columns=(
            PrinterColumn("Provider", ".spec.type", description="The provider type of the profile."),
            AGE,
        ),
        description="Describes an infrastructure environment and the versions, machines and regions shoots may use.",
    )

    spec: CloudProfileSpec
    """What the environment offers."""
    status: CloudProfileStatus | None = None
    """Current classifications of the offered versions."""


__all__ = [
    "CRI",
    "AccessRestriction",
    "AvailabilityZone",
    "Bastion",
    "BastionMachineImage",
    "BastionMachineType",
    "Capabilities",
    "CapabilityDefinition",
    "CloudProfile",
    "CloudProfileControlPlane",
    "CloudProfileMachineControllerManagerSettings",
    "CloudProfileSpec",
    "CloudProfileStatus",
    "ContainerRuntime",
    "ExpirableVersion",
    "ExpirableVersionStatus",
    "InPlaceUpdates",
    "KubernetesSettings",
    "KubernetesStatus",
    "LifecycleClassification",
    "LifecycleStage",
    "Limits",
    "MachineImage",
    "MachineImageStatus",
    "MachineImageUpdateStrategy",
    "MachineImageVersion",
    "MachineType",
    "MachineTypeStorage",
    "Region",
    "SeedSelector",
    "VersionClassification",
    "VolumeType",
]
