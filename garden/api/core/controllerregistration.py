"""ControllerRegistration: announces an extension controller, the resources it handles and how to deploy it."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from garden.api.base import LabelSelector, Model, Resource
from garden.api.core import API_VERSION, GROUP, VERSION
from garden.api.kind import AGE, KindInfo, PrinterColumn

#: A kind of cluster an extension can be enabled for or is compatible with.
ClusterType = Literal["shoot", "seed"]
#: When the controller is deployed to a seed.
ControllerDeploymentPolicy = Literal["OnDemand", "Always", "AlwaysExceptNoShoots"]
#: When, relative to the kube-apiserver or the workers, an extension resource is handled.
ControllerResourceLifecycleStrategy = Literal["BeforeKubeAPIServer", "AfterKubeAPIServer", "AfterWorker"]


class ControllerResourceLifecycle(Model):
    """When an extension resource is handled in each operation of a shoot's flow."""

    reconcile: ControllerResourceLifecycleStrategy | None = None
    """When it is reconciled."""
    delete: ControllerResourceLifecycleStrategy | None = None
    """When it is deleted."""
    migrate: ControllerResourceLifecycleStrategy | None = None
    """When it is migrated."""


class ControllerResource(Model):
    """An extension kind and type the controller handles (``Infrastructure``/``aws``, ``Extension``/``shoot-dns``)."""

    kind: str
    """The extension resource kind (``Infrastructure``, ``OperatingSystemConfig``, ``Extension``)."""
    type: str
    """The type within that kind (``aws``, ``gardenlinux``)."""
    globally_enabled: bool | None = None
    """Whether every shoot gets the extension; deprecated and since removed in favour of ``autoEnable``."""
    reconcile_timeout: str | None = None
    """How long to wait for the resource to be reconciled (a duration, ``3m0s``)."""
    primary: bool | None = None
    """Whether this controller owns the resource's lifecycle; exactly one controller per kind and type is primary."""
    lifecycle: ControllerResourceLifecycle | None = None
    """When the resource is handled in each operation (for ``Extension`` resources)."""
    workerless_supported: bool | None = None
    """Whether the extension supports shoots without workers (for ``Extension`` resources)."""
    auto_enable: list[ClusterType] | None = None
    """Cluster types the extension is enabled for without being asked (for ``Extension`` resources)."""
    cluster_compatibility: list[ClusterType] | None = None
    """Cluster types the extension works with (for ``Extension`` resources)."""
    continuous_endpoint_update: bool | None = None
    """Whether the extension needs a self-hosted shoot's control plane endpoints kept up to date continuously."""


class DeploymentRef(Model):
    """A reference to a ControllerDeployment."""

    name: str
    """The ControllerDeployment's name."""


class ControllerRegistrationDeployment(Model):
    """How and where the controller is deployed."""

    policy: ControllerDeploymentPolicy | None = None
    """When the controller is deployed to a seed; Gardener's default is ``OnDemand``."""
    seed_selector: LabelSelector | None = None
    """Which seeds the controller may be deployed to; unset means all."""
    deployment_refs: list[DeploymentRef] | None = None
    """The ControllerDeployment saying how to deploy the controller (one at most)."""


class ControllerRegistrationSpec(Model):
    """The resources the controller handles and how it is deployed."""

    resources: list[ControllerResource] | None = None
    """The extension kinds and types the controller handles."""
    deployment: ControllerRegistrationDeployment | None = None
    """How and where the controller is deployed."""


class ControllerRegistration(Resource):
    """The registration of an extension controller with the garden."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "ControllerRegistration"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "ControllerRegistration",
        "controllerregistrations",
        namespaced=False,
        short_names=("ctrlreg",),
        categories=("all",),
        status=False,
        printer_columns=(
            PrinterColumn("Resources", ".spec.resources[*].type", description="The types of the handled resources."),
            AGE,
        ),
        description="Registers an extension controller: the resources it handles and how it is deployed.",
    )

    spec: ControllerRegistrationSpec = Field(default_factory=ControllerRegistrationSpec)
    """The resources the controller handles and how it is deployed."""


__all__ = [
    "ClusterType",
    "ControllerDeploymentPolicy",
    "ControllerRegistration",
    "ControllerRegistrationDeployment",
    "ControllerRegistrationSpec",
    "ControllerResource",
    "ControllerResourceLifecycle",
    "ControllerResourceLifecycleStrategy",
    "DeploymentRef",
]
