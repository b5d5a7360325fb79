"""Machine: one VM of a shoot, created from a MachineClass, and the types MachineSets and MachineDeployments share."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from garden.api.base import Model, ObjectMeta, Resource, Time
from garden.api.core.shoot import Taint
from garden.api.kind import AGE, KindInfo, PrinterColumn
from garden.api.machine import API_VERSION, GROUP, VERSION

ConditionStatus = Literal["True", "False", "Unknown"]
#: Where a machine is in its life: created, joined, running, or on its way out.
MachinePhase = Literal["Pending", "Available", "Running", "Terminating", "Unknown", "Failed", "CrashLoopBackOff"]
#: How the last operation on a machine went.
MachineState = Literal["Processing", "Failed", "Successful"]
#: What the last operation on a machine was.
MachineOperationType = Literal["Create", "Update", "HealthCheck", "Delete"]


class ClassSpec(Model):
    """A reference to the MachineClass a machine is created from."""

    api_group: str | None = None
    """The API group of the class (``machine.sapcloud.io``)."""
    kind: str | None = None
    """The kind of the class (``MachineClass``)."""
    name: str | None = None
    """The class's name, in the machine's namespace."""


class NodeSpec(Model):
    """The parts of ``corev1.NodeSpec`` a machine's node is created with."""

    pod_cidr: str | None = Field(default=None, alias="podCIDR")
    """The pod IP range of the node."""
    pod_cidrs: list[str] | None = Field(default=None, alias="podCIDRs")
    """The pod IP ranges of the node, at most one per IP family; the first equals ``podCIDR``."""
    provider_id: str | None = Field(default=None, alias="providerID")
    """The node's ID at the cloud provider (``<provider>://<id>``)."""
    unschedulable: bool | None = None
    """Keep new pods off the node."""
    taints: list[Taint] | None = None
    """The node's taints."""


class NodeTemplateSpec(Model):
    """What the node of a machine should look like once it has joined."""

    metadata: ObjectMeta | None = None
    """Labels and annotations for the node."""
    spec: NodeSpec | None = None
    """Taints and other spec fields for the node."""


class MachineSpec(Model):
    """Which class a machine is created from, its node's template, and the controller's timeouts for it."""

    class_: ClassSpec | None = Field(default=None, alias="class")
    """The MachineClass to create the machine from."""
    provider_id: str | None = Field(default=None, alias="providerID")
    """The VM's ID at the cloud provider, once it exists."""
    node_template: NodeTemplateSpec | None = None
    """What the machine's node should look like."""
    drain_timeout: str | None = None
    """How long draining the node may take before the machine is deleted anyway (a duration)."""
    health_timeout: str | None = None
    """How long the machine may be unhealthy before it is declared failed."""
    creation_timeout: str | None = None
    """How long creating the machine may take before it is declared failed."""
    in_place_update_timeout: str | None = None
    """How long an in-place update may take before it is declared failed."""
    disable_health_timeout: bool | None = None
    """Never declare the machine failed for being unhealthy (for in-place updates only)."""
    max_evict_retries: int | None = None
    """How often eviction of a pod is retried while draining."""
    node_conditions: str | None = None
    """Comma-separated node conditions that, when true for the health timeout, make the machine failed."""


class MachineTemplateSpec(Model):
    """The machines a MachineSet or MachineDeployment creates."""

    metadata: ObjectMeta | None = None
    """Labels and annotations for the machines."""
    spec: MachineSpec | None = None
    """The machines' spec."""


class LastOperation(Model):
    """The last operation the machine-controller-manager performed on an object, and how it went."""

    description: str | None = None
    """What happened, in words."""
    error_code: str | None = None
    """The machine driver's error code, if the operation failed."""
    last_update_time: Time | None = None
    """When the operation's state last changed."""
    state: MachineState | None = None
    """How the operation went."""
    type: MachineOperationType | None = None
    """What the operation was."""


class MachineSummary(Model):
    """A machine in brief, as MachineSets and MachineDeployments list their failed ones."""

    name: str | None = None
    """The machine's name."""
    provider_id: str | None = Field(default=None, alias="providerID")
    """The VM's ID at the cloud provider."""
    last_operation: LastOperation | None = None
    """The machine's last operation."""
    owner_ref: str | None = None
    """The name of the MachineSet owning the machine."""


class NodeCondition(Model):
    """``corev1.NodeCondition``: one condition of the machine's node, mirrored onto the machine."""

    type: str
    """The condition type (``Ready``, ``MemoryPressure``...)."""
    status: ConditionStatus
    """Whether the condition holds."""
    last_heartbeat_time: Time | None = None
    """When the condition was last reported."""
    last_transition_time: Time | None = None
    """When the status last changed."""
    reason: str | None = None
    """Why the status last changed, in one word."""
    message: str | None = None
    """Why the status last changed, in words."""


class CurrentStatus(Model):
    """Where the machine is in its life."""

    phase: MachinePhase | None = None
    """The machine's phase."""
    timeout_active: bool | None = None
    """Whether a creation or health timeout is running for the machine."""
    last_update_time: Time | None = None
    """When the phase last changed."""


class MachineStatus(Model):
    """The machine's node conditions, phase and last operation."""

    conditions: list[NodeCondition] | None = None
    """The conditions of the machine's node."""
    last_operation: LastOperation | None = None
    """The last operation on the machine."""
    current_status: CurrentStatus | None = None
    """The machine's phase."""
    last_known_state: str | None = None
    """Whatever the machine driver keeps about the VM for later calls."""


class Machine(Resource):
    """One VM, created and deleted by the machine driver of its class's provider."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "Machine"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "Machine",
        "machines",
        short_names=("mc",),
        printer_columns=(
            PrinterColumn("Status", ".status.currentStatus.phase", description="Current status of the machine."),
            AGE,
            PrinterColumn("Node", ".metadata.labels.node", description="Node backing the machine object."),
            PrinterColumn(
                "ProviderID",
                ".spec.providerID",
                description="ProviderID of the infra instance backing the machine object.",
                priority=1,
            ),
        ),
        description="A physical or virtual machine of a shoot cluster.",
    )

    spec: MachineSpec | None = None
    """The machine's class, node template and timeouts."""
    status: MachineStatus | None = None
    """The machine's phase, node conditions and last operation."""
