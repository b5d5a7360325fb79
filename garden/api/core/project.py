"""Project: a team's unit of ownership, with its own namespace in the garden, members and roles."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from garden.api.base import LabelSelector, Model, Resource, Time
from garden.api.common import Condition, Toleration
from garden.api.core import API_VERSION, GROUP, VERSION
from garden.api.kind import AGE, KindInfo, PrinterColumn

#: The phase of a project.
ProjectPhase = Literal["Pending", "Ready", "Terminating", "Failed"]


class Subject(Model):
    """A user, group or service account (``rbacv1.Subject``)."""

    kind: str
    """``User``, ``Group`` or ``ServiceAccount``."""
    api_group: str | None = None
    """The subject's API group: ``rbac.authorization.k8s.io`` for users and groups, empty for service accounts."""
    name: str
    """The subject's name."""
    namespace: str | None = None
    """The namespace of a service account."""


class ProjectMember(Subject):
    """A subject and the roles it has in the project."""

    role: str
    """The member's first role (``admin``, ``viewer``, ``uam``, ``serviceaccountmanager``, ``extension:*``)."""
    roles: list[str] | None = None
    """The member's further roles."""


class ProjectTolerations(Model):
    """Seed taint tolerations for the project's shoots."""

    defaults: list[Toleration] | None = None
    """Tolerations added to every shoot of the project."""
    whitelist: list[Toleration] | None = None
    """Tolerations shoots of the project may add."""


class DualApprovalForDeletion(Model):
    """Resources of the project whose deletion needs a second person to confirm."""

    resource: str
    """The resource this applies to (``shoots``)."""
    selector: LabelSelector
    """Which objects of the resource it applies to."""
    include_service_accounts: bool | None = None
    """Whether deletions by service accounts need the second approval too."""


class ProjectSpec(Model):
    """Who owns and uses the project, what it is for, and its namespace."""

    created_by: Subject | None = None
    """Who created the project; immutable."""
    description: str | None = None
    """What the project is used for."""
    owner: Subject | None = None
    """Who owns the project."""
    purpose: str | None = None
    """Why the project exists."""
    members: list[ProjectMember] | None = None
    """The project's members and their roles."""
    namespace: str | None = None
    """The project's namespace in the garden (``garden-<name>``); chosen by Gardener when unset; immutable."""
    tolerations: ProjectTolerations | None = None
    """Seed taint tolerations for the project's shoots."""
    dual_approval_for_deletion: list[DualApprovalForDeletion] | None = None
    """Resources whose deletion needs two people."""


class ProjectStatus(Model):
    """How far the project is set up, and when it was last used."""

    observed_generation: int | None = None
    """The generation of the spec last acted on."""
    phase: ProjectPhase | None = None
    """The project's phase."""
    stale_since_timestamp: Time | None = None
    """Since when the project has been found unused."""
    stale_auto_delete_timestamp: Time | None = None
    """When the unused project will be deleted."""
    last_activity_timestamp: Time | None = None
    """When something last happened in the project."""
    conditions: list[Condition] | None = None
    """The project's conditions."""


class Project(Resource):
    """A team's project: members, roles and a namespace for its shoots and secrets."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "Project"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "Project",
        "projects",
        namespaced=False,
        status=True,
        printer_columns=(
            PrinterColumn("Namespace", ".spec.namespace", description="The project's namespace."),
            PrinterColumn("Status", ".status.phase", description="The project's phase."),
            PrinterColumn("Owner", ".spec.owner.name", description="The project's owner."),
            PrinterColumn("Creator", ".spec.createdBy.name", description="Who created the project."),
            AGE,
        ),
        description="Groups the shoots and secrets of a team in one namespace, with members and their roles.",
    )

    spec: ProjectSpec = Field(default_factory=ProjectSpec)
    """Who owns and uses the project."""
    status: ProjectStatus | None = None
    """How far the project is set up."""


__all__ = [
    "DualApprovalForDeletion",
    "Project",
    "ProjectMember",
    "ProjectPhase",
    "ProjectSpec",
    "ProjectStatus",
    "ProjectTolerations",
    "Subject",
]
