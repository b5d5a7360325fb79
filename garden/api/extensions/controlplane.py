"""ControlPlane: provider-specific parts of a shoot's control plane (cloud-controller-manager, CSI controllers)."""

from __future__ import annotations

from typing import ClassVar, Literal

from garden.api.base import ObjectReference, RawExtension, Resource
from garden.api.extensions import API_VERSION, GROUP, VERSION
from garden.api.extensions.common import STATUS_COLUMN, DefaultSpec, DefaultStatus
from garden.api.kind import AGE, KindInfo, PrinterColumn

#: ``normal`` deploys the provider's control-plane components; ``exposure`` only what exposes the API server.
ControlPlanePurpose = Literal["normal", "exposure"]


class ControlPlaneSpec(DefaultSpec):
    """Which provider control-plane components to deploy, where, and what the infrastructure reported."""

    purpose: ControlPlanePurpose | None = None
    """What the control plane is for (``normal`` when absent); immutable."""
    infrastructure_provider_status: RawExtension | None = None
    """The ``status.providerStatus`` of the shoot's Infrastructure, copied by the gardenlet."""
    region: str
    """The cloud region of the shoot; immutable."""
    secret_ref: ObjectReference
    """The Secret with the cloud provider credentials."""


class ControlPlaneStatus(DefaultStatus):
    """Only the fields all extension kinds share."""


class ControlPlane(Resource):
    """The provider-specific control-plane components of one shoot."""

    API_VERSION: ClassVar[str] = API_VERSION
    KIND: ClassVar[str] = "ControlPlane"
    INFO: ClassVar[KindInfo] = KindInfo(
        GROUP,
        VERSION,
        "ControlPlane",
        "controlplanes",
        short_names=("cp",),
        printer_columns=(
            PrinterColumn("Type", ".spec.type", description="The control plane type."),
            PrinterColumn("Purpose", ".spec.purpose", description="Purpose of control plane resource."),
            STATUS_COLUMN,
            AGE,
        ),
        description="The provider-specific control-plane components of a shoot cluster.",
    )

    spec: ControlPlaneSpec
    """What to deploy; immutable while the object is being deleted."""
    status: ControlPlaneStatus | None = None
    """How the last reconciliation went."""
