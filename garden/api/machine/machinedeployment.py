"""MachineDeployment: rolls a worker pool's machines through MachineSets, as a Deployment does with pods."""

from __future__ import annotations

from typing import ClassVar, Literal

from garden.api.base import IntOrString, LabelSelector, Model, Resource, Time
from garden.api.kind import AGE, KindInfo, PrinterColumn, ScaleInfo
from garden.api.machine import API_VERSION, GROUP, VERSION
from garden.api.machine.machine import ConditionStatus, MachineSummary, MachineTemplateSpec

#: ``Recreate`` removes all old machines first; ``RollingUpdate`` replaces them gradually; ``InPlaceUpdate`` keeps them.
MachineDeploymentStrategyType = Literal["Recreate", "RollingUpdate", "InPlaceUpdate"]


class RollingUpdateMachineDeployment(Model):
    """How far a rolling update may go above and below the desired number of machines."""

    max_surge: IntOrString | None = None
    """How many machines may exist above the desired number (number or percentage; 1 when absent)."""
    max_unavailable: IntOrString | None = None
    """How many machines may be unavailable (number or percentage; 1 when absent)."""


class InPlaceUpdateMachineDeployment(Model):
    """How far an in-place update may go, and who starts it."""

    max_surge: IntOrString | None = None
    """How many machines may exist above the desired number (number or percentage)."""
    max_unavailable: IntOrString | None = None
    """How many machines may be unavailable (number or percentage)."""
    orchestration_type: str | None = None
    """Whether the update of a machine is started automatically or manually (``Auto``, ``Manual``)."""


class MachineDeploymentStrategy(Model):
    """How existing machines are replaced by new ones."""

    type: MachineDeploymentStrategyType | None = None
    """The strategy (``RollingUpdate`` when absent)."""
    rolling_update: RollingUpdateMachineDeployment | None = None
    """Rolling update parameters (only with ``RollingUpdate``)."""
    in_place_update: InPlaceUpdateMachineDeployment | None = None
    """In-place update parameters (only with ``InPlaceUpdate``)."""


class RollbackConfig(Model):
    """Deprecated: the revision a MachineDeployment is being rolled back to."""

    revision: int | None = None
    """The revision to roll back to; 0 for the previous one."""


class MachineDeploymentSpec(Model):
    """The desired machines of a pool and how to move to them."""

    replicas: int | None = None
    """The number of machines wanted (0 when absent)."""
    selector: LabelSelector | None = None
    """Selects the machines (and MachineSets) that belong to the deployment."""
    template: MachineTemplateSpec
    """What the machines look like."""
    strategy: MachineDeploymentStrategy | None = None
    """How old machines are replaced by new ones."""
    min_ready_seconds: int | None = None
    """How long a new machine must be ready before it counts as available."""
    revision_history_limit: int | None = None
    """How many old MachineSets to keep for rollbacks."""
    paused: bool | None = None
    """Stop the controller from acting on the deployment."""
    rollback_to: RollbackConfig | None = None
    """Deprecated: a rollback in progress."""
    progress_deadline_seconds: int | None = None
    """How long a rollout may make no progress before it is reported as failed (no limit when absent)."""


class MachineDeploymentCondition(Model):
    """One condition of a MachineDeployment (``Available``, ``Progressing``, ``ReplicaFailure``, ``Frozen``)."""

    type: str
    """The condition type."""
    status: ConditionStatus
    """Whether the condition holds."""
    last_update_time: Time | None = None
    """When the condition was last updated."""
    last_transition_time: Time | None = None
    """When the status last changed."""
    reason: str | None = None
    """Why the status last changed, in one word."""
    message: str | None = None
    """Why the status last changed, in words."""


class MachineDeploymentStatus(Model):
    """How the deployment's machines are doing."""

    observed_generation: int | None = None
    """The ``metadata.generation`` the controller last acted on."""
    replicas: int | None = None
    """The number of non-terminated machines selected."""
    updated_replicas: int | None = None
    """The number of non-terminated machines with the current template."""
    ready_replicas: int | None = None
    """The number of ready machines."""
    available_replicas: int | None = None
    """The number of machines ready for at least ``minReadySeconds``."""
    unavailable_replicas: int | None = None
    """The number of machines still missing for full capacity."""
    conditions: list[MachineDeploymentCondition] | None = None
    """The deployment's conditions."""
    collision_count: int | None = None
    """Hash collisions met when naming new MachineSets, to tell names apart."""
    failed_machines: list[MachineSummary] | None = None
    """The machines whose last operation failed."""


class MachineDeployment(Resource):
    """The machines of one worker pool in one zone, rolled out like a Deployment rolls pods."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "MachineDeployment"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "MachineDeployment",
        "machinedeployments",
        short_names=("mcd",),
        scale=ScaleInfo(spec_replicas_path=".spec.replicas", status_replicas_path=".status.replicas"),
        printer_columns=(
            PrinterColumn(
                "Ready",
                ".status.readyReplicas",
                "integer",
                "Total number of ready machines targeted by this machine deployment.",
            ),
            PrinterColumn("Desired", ".spec.replicas", "integer", "Number of desired machines."),
            PrinterColumn(
                "Up-to-date",
                ".status.updatedReplicas",
                "integer",
                "Total number of non-terminated machines targeted by this machine deployment that have the desired "
                "template spec.",
            ),
            PrinterColumn(
                "Available",
                ".status.availableReplicas",
                "integer",
                "Total number of available machines (ready for at least minReadySeconds) targeted by this machine "
                "deployment.",
            ),
            AGE,
        ),
        description="Declarative updates for machines and MachineSets.",
    )

    spec: MachineDeploymentSpec | None = None
    """The desired machines and the rollout strategy."""
    status: MachineDeploymentStatus | None = None
    """The machines as last observed."""
