"""MachineSet: keeps a number of identical Machines running, as a ReplicaSet does with pods."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from garden.api.base import LabelSelector, Model, Resource, Time
from garden.api.kind import AGE, KindInfo, PrinterColumn, ScaleInfo
from garden.api.machine import API_VERSION, GROUP, VERSION
from garden.api.machine.machine import ClassSpec, ConditionStatus, LastOperation, MachineSummary, MachineTemplateSpec


class MachineSetSpec(Model):
    """How many machines to keep, which ones count, and what new ones look like."""

    replicas: int | None = None
    """The number of machines to keep."""
    selector: LabelSelector | None = None
    """Selects the machines that belong to the set."""
    machine_class: ClassSpec | None = None
    """The MachineClass of the machines."""
    template: MachineTemplateSpec | None = None
    """What new machines look like."""
    min_ready_seconds: int | None = None
    """How long a machine must be ready before it counts as available."""


class MachineSetCondition(Model):
    """One condition of a MachineSet (``ReplicaFailure``, ``Frozen``)."""

    type: str
    """The condition type."""
    status: ConditionStatus
    """Whether the condition holds."""
    last_transition_time: Time | None = None
    """When the status last changed."""
    reason: str | None = None
    """Why the status last changed, in one word."""
    message: str | None = None
    """Why the status last changed, in words."""


class MachineSetStatus(Model):
    """How many machines the set has and how they are doing."""

    replicas: int | None = None
    """The number of machines."""
    fully_labeled_replicas: int | None = None
    """The number of machines whose labels match the template's."""
    ready_replicas: int | None = None
    """The number of ready machines."""
    available_replicas: int | None = None
    """The number of machines ready for at least ``minReadySeconds``."""
    observed_generation: int | None = None
    """The ``metadata.generation`` the controller last acted on."""
    conditions: list[MachineSetCondition] | None = Field(default=None, alias="machineSetCondition")
    """The set's conditions (on the wire as ``machineSetCondition``)."""
    last_operation: LastOperation | None = None
    """The last operation on the set."""
    failed_machines: list[MachineSummary] | None = None
    """The machines whose last operation failed."""


class MachineSet(Resource):
    """A set of identical machines kept at a size; owned by a MachineDeployment."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "MachineSet"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "MachineSet",
        "machinesets",
        short_names=("mcs",),
        scale=ScaleInfo(spec_replicas_path=".spec.replicas", status_replicas_path=".status.replicas"),
        printer_columns=(
            PrinterColumn("Desired", ".spec.replicas", "integer", "Number of desired replicas."),
            PrinterColumn("Current", ".status.replicas", "integer", "Number of actual replicas."),
            PrinterColumn("Ready", ".status.readyReplicas", "integer", "Number of ready machines of this machine set."),
            AGE,
        ),
        description="A set of identical machines kept at a given number.",
    )

    spec: MachineSetSpec | None = None
    """The set's size, selector and machine template."""
    status: MachineSetStatus | None = None
    """The set's machines as last observed."""
