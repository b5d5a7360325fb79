"""ManagedSeed: registers an existing shoot as a seed, optionally deploying a gardenlet into it."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from garden.api.base import Model, Quantity, RawExtension, Resource
from garden.api.common import Condition
from garden.api.core.seed import SeedTemplate
from garden.api.kind import AGE, KindInfo, PrinterColumn
from garden.api.seedmanagement import API_VERSION, GROUP, VERSION

#: How the gardenlet in a managed seed first connects to the garden.
Bootstrap = Literal["ServiceAccount", "BootstrapToken", "None"]


class ManagedSeedShoot(Model):
    """The shoot that is registered as a seed."""

    name: str
    """Name of the shoot, in the ManagedSeed's namespace."""


class Image(Model):
    """A container image."""

    repository: str | None = None
    """The image repository."""
    tag: str | None = None
    """The image tag."""
    pull_policy: Literal["Always", "Never", "IfNotPresent"] | None = None
    """When the image is pulled (``Always`` for ``latest``, else ``IfNotPresent``, when unset)."""


class ResourceRequirements(Model):
    """``corev1.ResourceRequirements``: what a container requests and may use at most."""

    limits: dict[str, Quantity] | None = None
    """The most the container may use."""
    requests: dict[str, Quantity] | None = None
    """What the container is guaranteed."""
    claims: list[dict[str, Any]] | None = None
    """Dynamic resource claims the container uses."""


class EnvVar(Model):
    """``corev1.EnvVar``: an environment variable of a container."""

    name: str
    """Name of the variable."""
    value: str | None = None
    """Its literal value."""
    value_from: dict[str, Any] | None = None
    """Where its value comes from (a Secret key, a field, ...), as ``corev1.EnvVarSource``."""


class GardenletDeployment(Model):
    """Deployment parameters of the gardenlet: replicas, image, resources, extra volumes and environment."""

    replica_count: int | None = None
    """Number of gardenlet replicas (1 when unset)."""
    revision_history_limit: int | None = None
    """Old ReplicaSets kept for rollback (1 when unset)."""
    service_account_name: str | None = None
    """ServiceAccount the gardenlet pods run as."""
    image: Image | None = None
    """The gardenlet image."""
    resources: ResourceRequirements | None = None
    """Resources of the gardenlet container."""
    pod_labels: dict[str, str] | None = None
    """Labels on the gardenlet pods."""
    pod_annotations: dict[str, str] | None = None
    """Annotations on the gardenlet pods."""
    additional_volumes: list[dict[str, Any]] | None = None
    """Extra pod volumes, as ``corev1.Volume``."""
    additional_volume_mounts: list[dict[str, Any]] | None = None
    """Extra volume mounts of the gardenlet container, as ``corev1.VolumeMount``."""
    env: list[EnvVar] | None = None
    """Extra environment variables of the gardenlet container."""
    vpa: bool | None = None
    """Whether a VPA scales the gardenlet (true when unset)."""


class Gardenlet(Model):
    """A gardenlet to deploy into the shoot, with its configuration."""

    deployment: GardenletDeployment | None = None
    """Deployment parameters."""
    config: RawExtension | None = None
    """The ``GardenletConfiguration``, opaque here (it carries the seed template in ``seedConfig``)."""
    bootstrap: Bootstrap | None = None
    """How the gardenlet's first connection to the garden is bootstrapped (``BootstrapToken`` when unset)."""
    merge_with_parent: bool | None = None
    """Merge the configuration of the parent gardenlet into ``config`` (true when unset)."""


class ManagedSeedSpec(Model):
    """Which shoot becomes a seed, and how."""

    shoot: ManagedSeedShoot
    """The shoot to register as a seed."""
    seed_template: SeedTemplate | None = None
    """The Seed to create, when a gardenlet that already runs elsewhere is to reconcile it."""
    gardenlet: Gardenlet | None = None
    """The gardenlet to deploy into the shoot (exclusive with ``seedTemplate``)."""


class ManagedSeedStatus(Model):
    """What the ManagedSeed controller last observed."""

    conditions: list[Condition] | None = None
    """State of the managed seed (``ShootReconciled``, ``SeedRegistered``)."""
    observed_generation: int | None = None
    """The ``metadata.generation`` this status was computed for."""


class ManagedSeed(Resource):
    """A shoot registered as a seed."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "ManagedSeed"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "ManagedSeed",
        "managedseeds",
        short_names=("ms",),
        status=True,
        printer_columns=(
            PrinterColumn(
                "Status",
                '.status.conditions[?(@.type=="SeedRegistered")].status',
                description="Whether the seed has been registered.",
            ),
            PrinterColumn("Shoot", ".spec.shoot.name", description="The shoot registered as a seed."),
            AGE,
        ),
        description="Registers a shoot as a seed, optionally deploying a gardenlet into it.",
    )

    spec: ManagedSeedSpec
    """Which shoot becomes a seed, and how."""
    status: ManagedSeedStatus | None = None
    """What the ManagedSeed controller last observed."""


__all__ = [
    "Bootstrap",
    "EnvVar",
    "Gardenlet",
    "GardenletDeployment",
    "Image",
    "ManagedSeed",
    "ManagedSeedShoot",
    "ManagedSeedSpec",
    "ManagedSeedStatus",
    "ResourceRequirements",
]
