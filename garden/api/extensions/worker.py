"""Worker: a shoot's worker pools, which the provider extension turns into machine-controller-manager objects."""

from __future__ import annotations

from typing import ClassVar, Literal

from garden.api.base import IntOrString, Model, ObjectReference, Quantity, RawExtension, Resource, Time
from garden.api.core.shoot import DataVolume, KubeletConfig, MachineControllerManagerSettings, Taint, Volume
from garden.api.extensions import API_VERSION, GROUP, VERSION
from garden.api.extensions.common import STATUS_COLUMN, DefaultSpec, DefaultStatus
from garden.api.kind import AGE, KindInfo, PrinterColumn

#: How the machines of a pool are updated: replaced one by one, or updated in place (automatically or on request).
MachineUpdateStrategy = Literal["AutoRollingUpdate", "AutoInPlaceUpdate", "ManualInPlaceUpdate"]


class SecretKeySelector(Model):
    """``corev1.SecretKeySelector``: one key of a Secret in the object's namespace."""

    name: str | None = None
    """The Secret's name."""
    key: str
    """The key within the Secret's data."""
    optional: bool | None = None
    """Whether the Secret or key may be missing."""


class MachineImage(Model):
    """The logical machine image of a pool, which the provider maps to its own image (an AMI, ...)."""

    name: str
    """The image's logical name (``ubuntu``, ``gardenlinux``)."""
    version: str
    """The image version."""


class NodeTemplate(Model):
    """The resources a pool's nodes will have, so the cluster-autoscaler can scale a pool up from zero."""

    capacity: dict[str, Quantity]
    """The expected node capacity (``cpu``, ``memory``, ``gpu``...)."""
    virtual_capacity: dict[str, Quantity] | None = None
    """Expected capacity of virtual extended resources."""


class ClusterAutoscalerOptions(Model):
    """Per-pool cluster-autoscaler settings."""

    scale_down_utilization_threshold: str | None = None
    """The utilisation (0.0 - 1.0) under which a node may be removed."""
    scale_down_gpu_utilization_threshold: str | None = None
    """The GPU utilisation (0.0 - 1.0) under which a node may be removed."""
    scale_down_unneeded_time: str | None = None
    """How long a node must be unneeded before it may be removed (a duration)."""
    scale_down_unready_time: str | None = None
    """How long an unready node must be unneeded before it may be removed (a duration)."""
    max_node_provision_time: str | None = None
    """How long the autoscaler waits for a node to be provisioned (a duration)."""


class WorkerPool(Model):
    """One worker pool: a machine type and image, a size range and what its nodes look like."""

    name: str
    """The pool's name."""
    machine_type: str
    """The provider's machine type (``m5.large``)."""
    machine_image: MachineImage | None = None
    """The logical machine image; the provider maps it to its own."""
    minimum: int
    """The pool's minimum size."""
    maximum: int
    """The pool's maximum size."""
    max_surge: IntOrString
    """How many machines may be created above the desired number during an update (number or percentage)."""
    max_unavailable: IntOrString
    """How many machines may be unavailable during an update (number or percentage)."""
    annotations: dict[str, str] | None = None
    """Annotations for every node of the pool."""
    labels: dict[str, str] | None = None
    """Labels for every node of the pool."""
    taints: list[Taint] | None = None
    """Taints for every node of the pool."""
    node_agent_secret_name: str | None = None
    """Identifies the parts of the OperatingSystemConfig that require the pool to be rolled when they change."""
    provider_config: RawExtension | None = None
    """Pool configuration only the provider extension understands."""
    user_data_secret_ref: SecretKeySelector
    """The Secret key holding the user data a new machine of the pool is bootstrapped with."""
    volume: Volume | None = None
    """The machines' root disk."""
    data_volumes: list[DataVolume] | None = None
    """Additional disks of the machines."""
    kubelet_data_volume_name: str | None = None
    """The data volume the kubelet keeps its state on."""
    kubelet_config: KubeletConfig | None = None
    """The kubelet configuration of the pool's nodes (the shoot's, overridden by the pool's)."""
    zones: list[str] | None = None
    """The availability zones the pool spans."""
    machine_controller_manager: MachineControllerManagerSettings | None = None
    """Machine-controller-manager settings for the pool."""
    kubernetes_version: str | None = None
    """The kubelet version of the pool."""
    node_template: NodeTemplate | None = None
    """The nodes' expected resources, for scaling up from zero."""
    architecture: str | None = None
    """The CPU architecture of the machines and image (``amd64``, ``arm64``)."""
    cluster_autoscaler: ClusterAutoscalerOptions | None = None
    """Cluster-autoscaler settings for the pool."""
    priority: int | None = None
    """The pool's weight when the cluster-autoscaler chooses which pool to scale."""
    update_strategy: MachineUpdateStrategy | None = None
    """How machines are updated when the pool changes."""


class WorkerSpec(DefaultSpec):
    """The worker pools of a shoot and what the provider needs to create their machines."""

    infrastructure_provider_status: RawExtension | None = None
    """The ``status.providerStatus`` of the shoot's Infrastructure, copied by the gardenlet."""
    region: str
    """The cloud region of the machines; immutable."""
    secret_ref: ObjectReference
    """The Secret with the cloud provider credentials."""
    ssh_public_key: str | None = None
    """The public SSH key for the machines, base64-encoded (Go ``[]byte``)."""
    pools: list[WorkerPool]
    """The worker pools."""


class MachineDeploymentRef(Model):
    """A MachineDeployment the extension created for a pool (``extensionsv1alpha1.MachineDeployment``)."""

    name: str
    """The MachineDeployment's name."""
    minimum: int
    """Its minimum size (the pool's, spread over its zones)."""
    maximum: int
    """Its maximum size."""
    priority: int | None = None
    """Its weight for the cluster-autoscaler."""


class WorkerStatusInPlaceUpdates(Model):
    """The state of in-place updates of the pools."""

    worker_pool_to_hash_map: dict[str, str] | None = None
    """The hash of each pool's in-place-relevant configuration, by pool name."""


class WorkerStatus(DefaultStatus):
    """The MachineDeployments the extension created, for the cluster-autoscaler's configuration."""

    machine_deployments: list[MachineDeploymentRef] | None = None
    """The MachineDeployments of all pools."""
    machine_deployments_last_update_time: Time | None = None
    """When ``machineDeployments`` was last changed."""
    in_place_updates: WorkerStatusInPlaceUpdates | None = None
    """The state of in-place updates."""


class Worker(Resource):
    """The worker nodes of one shoot, reconciled by the provider extension of ``spec.type``."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "Worker"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "Worker",
        "workers",
        printer_columns=(
            PrinterColumn("Type", ".spec.type", description="The type of the cloud provider for this resource."),
            PrinterColumn("Region", ".spec.region", description="The region into which the worker should be deployed."),
            STATUS_COLUMN,
            AGE,
        ),
        description="The worker pools of a shoot cluster, turned into machines by a provider extension.",
    )

    spec: WorkerSpec
    """The pools; immutable while the object is being deleted."""
    status: WorkerStatus | None = None
    """How the last reconciliation went and which MachineDeployments exist."""
